"""The limit for a Scrapy crawler on this machine: a bare spider that only follows links (Scrapy's own
LinkExtractor), no extraction, no store — with the concurrency auditor's crawl uses.

    python bench/bare_follow.py START_URL HOST [HOST …]   # prints the number of responses
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

# not bench/: bench/incremental.py would shadow "incremental"
sys.path[0] = str(Path(__file__).resolve().parents[1])

from scrapy import Request, Spider  # noqa: E402
from scrapy.crawler import CrawlerProcess  # noqa: E402
from scrapy.linkextractors import LinkExtractor  # noqa: E402


class BareFollow(Spider):
    name = "bare-follow"
    count = 0

    def __init__(self, start: str, hosts: list[str], **kw: Any) -> None:
        super().__init__(**kw)
        self.start_urls, self.allowed_domains = [start], hosts
        # scope is left to Scrapy's offsite middleware (allowed_domains)
        self.links = LinkExtractor(deny_extensions=[])
        self.seen: set[str] = set()  # a menu's hundred links recur on every page: skip them before Scrapy

    def parse(self, response: Any) -> Any:
        BareFollow.count += 1
        if hasattr(response, "text"):
            for link in self.links.extract_links(response):
                if link.url not in self.seen:
                    self.seen.add(link.url)
                    yield Request(link.url, callback=self.parse)


def main() -> None:
    process = CrawlerProcess(
        {
            "CONCURRENT_REQUESTS": 16,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
            "LOG_LEVEL": "ERROR",
            "ROBOTSTXT_OBEY": True,
            "TELNETCONSOLE_ENABLED": False,
            "DEPTH_PRIORITY": 1,
            "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
            "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
        }
    )
    process.crawl(BareFollow, start=sys.argv[1], hosts=sys.argv[2:])
    process.start()
    print(BareFollow.count)


if __name__ == "__main__":
    main()

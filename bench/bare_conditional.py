"""The floor for a re-crawl: a bare Scrapy spider that only sends conditional GETs for a list of URLs
(no parsing, no items, no link following), with the same concurrency as auditor's crawl.

    python bench/bare_conditional.py URLS.json   # [[url, etag], ...]; prints the seconds it took
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

# not bench/: bench/incremental.py would shadow "incremental"
sys.path[0] = str(Path(__file__).resolve().parents[1])

import scrapy  # noqa: E402
from scrapy.crawler import CrawlerProcess  # noqa: E402

from spiders import resolver  # noqa: E402


class Bare(scrapy.Spider):
    name = "bare-conditional"

    def __init__(self, pairs: list[list[str]], **kw: Any) -> None:
        super().__init__(**kw)
        self.pairs = pairs

    async def start(self) -> Any:
        for url, etag in self.pairs:
            yield scrapy.Request(url, headers={"If-None-Match": etag}, callback=self.parse)

    def parse(self, response: Any) -> None:
        return None


def main() -> None:
    pairs = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    domain = sys.argv[2]
    process = CrawlerProcess(
        {
            "HTTPERROR_ALLOWED_CODES": [304],
            "CONCURRENT_REQUESTS": 16,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
            "LOG_LEVEL": "ERROR",
            "ROBOTSTXT_OBEY": False,
            "TELNETCONSOLE_ENABLED": False,
            resolver.SETTING: "spiders.resolver.PinnedResolver",
            "AUDITOR_RESOLVE": {domain: "127.0.0.1"},
        }
    )
    started = time.perf_counter()
    process.crawl(Bare, pairs=pairs)
    process.start()
    print(f"{time.perf_counter() - started:.3f}")


if __name__ == "__main__":
    main()

"""Record every redirect hop (3xx with a Location), so that a 信息公开目录 link or a list entry that redirects
resolves to the page it leads to — even when that page was already crawled under its final URL and the
redirected request is dropped as a duplicate (then no page item carries the chain)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from scrapy.http import Request, Response

from auditor.extract import clean_url


class RedirectLogMiddleware:
    """Runs before Scrapy's RedirectMiddleware sees the 3xx (priority above 600)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> RedirectLogMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        location = response.headers.get(b"Location")
        if 300 <= response.status < 400 and location:
            hops = getattr(self.crawler.spider, "redirect_hops", None)
            if hops is not None:
                hops.append(
                    (clean_url(request.url), clean_url(urljoin(request.url, location.decode("latin-1"))))
                )
                self.crawler.stats.inc_value("auditor/redirect_hops")
        return response

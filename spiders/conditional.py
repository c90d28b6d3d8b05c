"""Conditional requests from the previous crawl's validators (ETag / Last-Modified): an unchanged page
answers 304 and costs one round-trip, no body and no parsing."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import NotConfigured
from scrapy.http import Request

from auditor.store import Store


class ConditionalRequestsMiddleware:
    def __init__(self, validators: dict[str, tuple[str | None, str | None]]) -> None:
        self.validators = validators

    @classmethod
    def from_crawler(cls, crawler: Any) -> ConditionalRequestsMiddleware:
        previous = crawler.settings.getint("AUDITOR_PREVIOUS_RUN")
        if not previous:
            raise NotConfigured("no previous crawl to compare with")
        with Store(crawler.settings.get("AUDITOR_STORE")) as store:
            return cls(store.validators(previous))

    def process_request(self, request: Request, spider: Any = None) -> None:
        if request.method != "GET" or request.meta.get("kind", "page") != "page":
            return None
        etag, modified = self.validators.get(request.url, (None, None))
        if etag:
            request.headers.setdefault(b"If-None-Match", etag.encode("latin-1"))
        if modified:
            request.headers.setdefault(b"If-Modified-Since", modified.encode("latin-1"))
        return None

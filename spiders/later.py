"""One failed visit is not a dead link. A 5xx, 408, 429 or a network failure is tried again *later the same
night* — after the Retry-After the server asked for (capped), or a short back-off — while the crawl goes on;
only the last answer is kept, with when the first failure was seen and how many tries it took. A 404/410 is
final at once (not transient). Replaces Scrapy's RetryMiddleware, which retries at once and ignores
Retry-After."""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest, NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.misc import load_object

from auditor.store import now_iso

TRANSIENT = {408, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524}


def retry_after(response: Response) -> float | None:
    """Seconds the server asked us to wait (Retry-After: 120, or an HTTP date), if it said."""
    value = (response.headers.get(b"Retry-After") or b"").decode("latin-1").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


class LateRetryMiddleware:
    def __init__(self, crawler: Any, retries: int, wait_max: float, backoff: float) -> None:
        self.crawler, self.retries, self.wait_max, self.backoff = crawler, retries, wait_max, backoff
        self.pending: list[tuple[float, Request]] = []
        self.exceptions = tuple(
            load_object(e) if isinstance(e, str) else e for e in crawler.settings.getlist("RETRY_EXCEPTIONS")
        )
        crawler.signals.connect(self.on_idle, signal=signals.spider_idle)

    @classmethod
    def from_crawler(cls, crawler: Any) -> LateRetryMiddleware:
        retries = crawler.settings.getint("AUDITOR_RETRIES", 2)
        if retries <= 0:
            raise NotConfigured("late retries off")
        return cls(
            crawler,
            retries,
            crawler.settings.getfloat("AUDITOR_RETRY_WAIT_MAX", 60.0),
            crawler.settings.getfloat("AUDITOR_RETRY_BACKOFF", 5.0),
        )

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        if response.status in TRANSIENT and self._later(request, retry_after(response)):
            raise IgnoreRequest("deferred: tried again later tonight")
        return response

    def process_exception(self, request: Request, exception: BaseException, spider: Any = None) -> None:
        if isinstance(exception, self.exceptions) and self._later(request, None):
            raise IgnoreRequest("deferred: tried again later tonight")
        return None

    def _later(self, request: Request, asked: float | None) -> bool:
        attempts = int(request.meta.get("attempts", 1))
        if attempts > self.retries:
            return False  # the last try: its answer is what the night records
        wait = min(self.wait_max, asked if asked is not None else self.backoff * attempts)
        meta = {
            **request.meta,
            "attempts": attempts + 1,
            "failed_at": request.meta.get("failed_at") or now_iso(),
        }
        meta.pop("deferred", None)
        self.pending.append((time.monotonic() + wait, request.replace(dont_filter=True, meta=meta)))
        request.meta["deferred"] = True  # the spider's errback knows this one is not a failure
        self.crawler.stats.inc_value("auditor/retried_later")
        return True

    def on_idle(self, spider: Any = None) -> None:
        """When everything else is done: send what is due; keep the crawl open while anything waits."""
        now = time.monotonic()
        due = [r for t, r in self.pending if t <= now]
        self.pending = [(t, r) for t, r in self.pending if t > now]
        for request in due:
            self.crawler.engine.crawl(request)
        if due or self.pending:
            raise DontCloseSpider

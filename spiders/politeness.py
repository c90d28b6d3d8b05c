"""Per-host politeness across processes and machines: when several workers crawl schools that one hosting
provider serves from one IP address, their requests to that address are spaced by the crawl's delay as if one
crawler sent them all. Each request reserves the next free moment for its host's IP in Redis (one Lua call,
Redis's own clock, so the machines' clocks need not agree) and waits for it.

Off unless AUDITOR_POLITENESS_REDIS names a Redis (auditor worker sets it) and the delay is above 0; then this
replaces Scrapy's own per-host delay (auditor.crawl sets DOWNLOAD_DELAY to 0, AutoThrottle still slows down
for a slow server). If Redis stops answering, the crawl goes on at most one request per delay per host of
its own, and says so once in its log."""

from __future__ import annotations

import logging
import socket
import time
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred

from spiders.resolver import pinned, pins

log = logging.getLogger(__name__)
RETRY_S = 30.0

_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
local at = math.max(now, free)
redis.call('SET', KEYS[1], at + tonumber(ARGV[1]), 'PX', tonumber(ARGV[2]))
return at - now
"""


class SharedPolitenessMiddleware:
    def __init__(self, url: str, delay: float, resolve: dict[str, str]) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.reserve = self.client.register_script(_RESERVE)
        self.gap_ms = int(delay * 1000)
        self.resolve = dict(resolve)
        self.ips: dict[str, str] = {}
        self.retry_at = 0.0  # when Redis is asked again after it did not answer
        self.free: dict[str, float] = {}  # the same reservation, kept here while Redis is away

    def shared(self, ip: str) -> int | None:
        """Milliseconds to wait for this IP's next free moment, or None when Redis did not answer (then it is
        asked again after RETRY_S: a Redis that times out must not stall the crawl at every request)."""
        try:
            wait = int(
                self.reserve(keys=[f"auditor:polite:{ip}"], args=[self.gap_ms, max(60_000, self.gap_ms * 10)])
            )
        except Exception as e:
            if not self.retry_at:
                log.warning("shared politeness off for now (Redis did not answer: %s); own delay only", e)
            self.retry_at = time.monotonic() + RETRY_S
            return None
        if self.retry_at:
            log.warning("shared politeness back on")
        self.retry_at = 0.0
        return wait

    def local(self, ip: str) -> int:
        now = time.monotonic() * 1000
        at = max(now, self.free.get(ip, 0.0))
        self.free[ip] = at + self.gap_ms
        return int(at - now)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedPolitenessMiddleware:
        s = crawler.settings
        url, delay = s.get("AUDITOR_POLITENESS_REDIS", ""), s.getfloat("AUDITOR_POLITE_DELAY")
        if not url or delay <= 0:
            raise NotConfigured
        return cls(url, delay, pins(s))

    def ip(self, host: str) -> str:
        if host not in self.ips:
            try:
                self.ips[host] = pinned(host, self.resolve) or socket.gethostbyname(host)
            except OSError:
                self.ips[host] = host  # unresolvable: the request fails on its own; key by name meanwhile
        return self.ips[host]

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        ip = self.ip(urlsplit(request.url).hostname or "")
        wait_ms = self.shared(ip) if time.monotonic() >= self.retry_at else None
        if wait_ms is None:  # Redis away: space this crawl's own requests per host IP meanwhile
            wait_ms = self.local(ip)
        if wait_ms > 0:
            # the reactor Scrapy installed: importing it at the top would install the default one first
            from twisted.internet import reactor

            d: Deferred[Any] = Deferred()
            reactor.callLater(wait_ms / 1000, d.callback, None)  # type: ignore[attr-defined]
            await maybe_deferred_to_future(d)
        return None

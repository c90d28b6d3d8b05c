"""Small components on their own: the redirect log and the late-retry middleware (on a stand-in crawler: no
network, no reactor) and the rule registry (every status decision a module that declares itself; its examples
are cases in tests/rule_cases/, run by tests/test_rule_cases.py)."""

from __future__ import annotations

import time
from collections import Counter
from email.utils import formatdate
from types import SimpleNamespace

import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.settings import Settings

from auditor.findings import STATUSES
from auditor.rules import all_rules
from spiders.college import CollegeSpider
from spiders.later import LateRetryMiddleware, retry_after
from spiders.redirects import RedirectLogMiddleware


class Stats(Counter):
    def inc_value(self, key: str, count: int = 1) -> None:
        self[key] += count

    def get_value(self, key: str, default: object = None) -> object:
        return self.get(key, default)


def crawler(**settings: object) -> SimpleNamespace:
    """What the middlewares use of a Crawler: its spider, stats, settings and signals."""
    return SimpleNamespace(
        spider=CollegeSpider(start_urls=["http://x.test/"], allowed_domains=["x.test"]),
        stats=Stats(),
        settings=Settings(settings),
        signals=SimpleNamespace(connect=lambda *a, **k: None),
    )


def test_redirect_hops_are_logged_before_scrapy_follows_them():
    c = crawler()
    mw = RedirectLogMiddleware.from_crawler(c)
    request = Request("http://CWC.x.test")
    moved = Response("http://cwc.x.test/", status=302, headers={"Location": "/index.htm"}, request=request)
    # Scrapy's RedirectMiddleware still does the following
    assert mw.process_response(request, moved) is moved
    mw.process_response(
        request, HtmlResponse("http://cwc.x.test/a.htm", status=200, body=b"<p>x</p>", request=request)
    )
    assert c.spider.redirect_hops == [("http://cwc.x.test/", "http://cwc.x.test/index.htm")]  # one spelling
    assert c.stats.get_value("auditor/redirect_hops") == 1


def test_retry_after_in_seconds_or_as_a_date():
    def answer(value: str) -> Response:
        return Response("http://x.test/", status=429, headers={"Retry-After": value})

    assert retry_after(answer("3")) == 3.0
    assert 100 < (retry_after(answer(formatdate(time.time() + 120, usegmt=True))) or 0) <= 120
    assert retry_after(answer("soon")) is None and retry_after(Response("http://x.test/")) is None


def test_a_transient_failure_waits_for_later_and_a_404_does_not():
    mw = LateRetryMiddleware.from_crawler(crawler(AUDITOR_RETRIES=2, AUDITOR_RETRY_WAIT_MAX=60))
    first = Request("http://x.test/a.htm")
    with pytest.raises(IgnoreRequest):  # tried again later, not now
        mw.process_response(first, Response(first.url, status=429, headers={"Retry-After": "500"}))
    ((due, again),) = mw.pending
    assert again.meta["attempts"] == 2 and again.meta["failed_at"] and first.meta["deferred"]
    assert 55 < due - time.monotonic() <= 60  # Retry-After honoured, capped at the maximum
    gone = Response(first.url, status=404)
    assert mw.process_response(first, gone) is gone  # final at once
    last = again.replace(meta={**again.meta, "attempts": 3})
    failing = Response(first.url, status=503)
    assert mw.process_response(last, failing) is failing  # the night's last try: its answer is recorded


def test_every_rule_is_found_by_the_registry_with_a_known_status():
    rules = all_rules()
    names = {r.name for r in rules}
    assert {
        "applicability",
        "exemption",
        "presence",
        "blank_column",
        "unverifiable",
        "broken",
        "freshness",
    } <= names
    assert all(r.status in STATUSES for r in rules)
    assert [r.name for r in rules if r.terminal] == ["applicability", "exemption"]

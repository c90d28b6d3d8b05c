"""Small components on their own: the redirect log (built with Scrapy's get_crawler, no network) and the rule
registry (every status decision a module that declares itself and shows a good and a bad example)."""

from __future__ import annotations

import inspect

from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler

from auditor.findings import STATUSES
from auditor.rules import all_rules
from spiders.college import CollegeSpider
from spiders.redirects import RedirectLogMiddleware


def test_redirect_hops_are_logged_before_scrapy_follows_them():
    crawler = get_crawler(CollegeSpider)
    crawler.spider = CollegeSpider(start_urls=["http://x.test/"], allowed_domains=["x.test"])
    mw = RedirectLogMiddleware.from_crawler(crawler)
    crawler.stats.open_spider()
    request = Request("http://CWC.x.test")
    moved = Response("http://cwc.x.test/", status=302, headers={"Location": "/index.htm"}, request=request)
    # Scrapy's RedirectMiddleware still does the following
    assert mw.process_response(request, moved) is moved
    mw.process_response(
        request, HtmlResponse("http://cwc.x.test/a.htm", status=200, body=b"<p>x</p>", request=request)
    )
    assert crawler.spider.redirect_hops == [
        ("http://cwc.x.test/", "http://cwc.x.test/index.htm")
    ]  # one spelling
    assert crawler.stats.get_value("auditor/redirect_hops") == 1


def test_every_rule_declares_itself_with_examples():
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
    assert [r.order for r in rules] == sorted(r.order for r in rules)
    for r in rules:
        assert r.status in STATUSES
        doc = inspect.getmodule(r.check).__doc__ or ""
        assert "Good" in doc and "Bad" in doc, r.name
    assert [r.name for r in rules if r.terminal] == ["applicability", "exemption"]

"""A year of nightly history for the demo college, so `auditor annual-report` and `auditor assessment` show
something real out of the box: the college as it stood on 1 September 2021 and at the end of each month to
October 2022 (an article is on the site from its publication date), crawled and audited as of that night.

Gaps open and close as the site's own dates say: the 2021届 就业质量年度报告 never appears (late from
January), the 2022 专业设置 page appears in May (missing until then), the 决算 column is empty until August and
then links a dead file. In March the 党委组织部 acknowledges the undated 因公出国（境） page and promises a dated
one by 30 April, which it does not keep. Earlier nights are audited without archiving evidence or taking
screenshots (the WARC and screenshots are for the findings that stand), which keeps the demo to about a minute.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from auditor.checklist import for_site
from auditor.config import SiteConfig
from auditor.demo.server import DemoHTTPServer
from auditor.demo.site import build_site, load_college
from auditor.reviews import Review, write_review
from auditor.store import Store

FIRST, LAST = date(2021, 9, 1), date(2022, 10, 31)
PROMISE = (
    "moe-23",
    date(2022, 3, 31),
    "2022-04-30",
    "党委组织部 张三",
    "补充注明发布日期的2022年因公出国（境）情况",
)


def nights(first: date = FIRST, last: date = LAST) -> list[date]:
    """`first`, then the last day of every month from `first`'s to `last`."""
    out, month = [first], first.replace(day=1)
    while True:
        following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
        end = following - timedelta(days=1)
        if end > last:
            return out
        if end != first:
            out.append(end)
        month = following


def has_history(cfg: SiteConfig) -> bool:
    if not cfg.store.exists():
        return False
    with Store(cfg.store) as store:
        return any(a["as_of"] <= LAST.isoformat() for a in store.audits("complete"))  # a night before today's


def _audit(cfg: SiteConfig, night: date) -> dict[str, Any]:
    """Audit the night's crawl as the nightly job does, without the evidence archive; no reports."""
    from auditor.audit import audit_and_record

    with Store(cfg.store) as store:
        result = audit_and_record(store, cfg, for_site(cfg), night, evidence=False)
    return {"status": result.status, "open": len(result.gaps())}


def _promise(cfg: SiteConfig, night: date) -> None:
    item, when, due, who, reason = PROMISE
    if night != when:
        return
    with Store(cfg.store) as store:
        row = store.audit_items(store.audits("complete")[-1]["id"]).get(item)
    if row is not None and row["open"]:
        write_review(
            cfg.reviews,
            Review(
                item, "acknowledged", who, reason, when.isoformat(), due, row["status"], row["fingerprint"]
            ),
        )


def build(server: DemoHTTPServer, cfg: SiteConfig, say: Callable[[str], None]) -> None:
    """Crawl and audit each month-end night in turn (the crawl in a child process: Scrapy's reactor runs once
    per process), then serve today's college again."""
    data = load_college()
    for night in nights():
        server.site = build_site(server.port, {**data, "site_on": night})
        proc = subprocess.run(
            [sys.executable, "-m", "auditor.cli", "crawl", "--config", str(cfg.path)],
            capture_output=True,
            text=True,
        )
        if proc.returncode not in (0, 3):
            say(f"{night}: crawl failed ({proc.stderr.strip()[-200:]})")
            continue
        got = _audit(cfg, night)
        say(f"{night}: {got['status']}, {got['open']} open gaps")
        _promise(cfg, night)
    server.site = build_site(server.port, data)

"""The checks. One small module per kind of finding; each takes an item, its evidence and an explicit
context (with the as-of date) and returns findings. None of them import Scrapy or read the clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from auditor.checklist import Item
from auditor.findings import Evidence, Finding


@dataclass(frozen=True)
class Context:
    as_of: date
    pages: int  # pages in the crawl, for "where we looked"
    hosts: tuple[str, ...] = ()
    claimed_by_directory: tuple[str, ...] = field(default_factory=tuple)  # 信息公开目录 links for this item


Rule = Callable[[Item, list[Evidence], Context], list[Finding]]

TIMELY = "《高等学校信息公开办法》第九条、教办函〔2014〕23号：信息形成或变更之日起20个工作日内予以公开或更新"
UNDATED = "政府网站与政务新媒体检查指标（国办秘函〔2019〕19号）：未注明信息发布时间的视为不更新"
LINKS = "政府网站与政务新媒体检查指标（国办秘函〔2019〕19号）：链接可用性、附件下载"
WAF_STATUSES = (401, 403, 407, 412, 429)
BROKEN_STATUSES = (404, 410)


def is_broken(status: int | None) -> bool:
    return status is not None and (status in BROKEN_STATUSES or 500 <= status < 600)


def is_blocked(ev: Evidence) -> bool:
    return not ev.fetched or ev.status in WAF_STATUSES or (ev.status is None and ev.error not in (None, "dns"))


def all_rules() -> list[Rule]:
    from auditor.rules import blank_column, broken, freshness, presence, unverifiable

    return [presence.check, blank_column.check, unverifiable.check, broken.check, freshness.check]

"""The checks: every status decision, one module each, found by a registry (not a hand-kept list).

Each module declares its rule with `@rule(...)`: name, the status its findings argue for, severity, order,
and has a good and a bad example in its docstring. A rule takes an item, its evidence (auditor.pages has
already decided what each page is) and an explicit context with the as-of date, and returns findings. None
imports Scrapy or reads the clock. `precedence` turns the findings of all rules into the item's one status.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from auditor.checklist import Item
from auditor.findings import Evidence, Finding


@dataclass(frozen=True)
class Context:
    as_of: date
    pages: int  # pages in the crawl, for "where we looked"
    hosts: tuple[str, ...] = ()
    claimed: tuple[str, ...] = ()  # the 信息公开目录's links for this item, as linked
    unfetched: tuple[str, ...] = ()  # of those, the ones the crawl never stored (off-site, unreachable)
    mentions: tuple[Evidence, ...] = ()  # pages that name the item but are not it (notices, news)
    profile: Any = None  # config.Profile
    exemption: str | None = None  # the school's reason, when site.yaml exempts this item
    crawl_problem: str | None = None  # why this crawl cannot support gap findings (crawl_health)


Check = Callable[[Item, list[Evidence], Context], list[Finding]]


@dataclass(frozen=True)
class Rule:
    name: str
    status: str  # the status its findings argue for
    severity: str
    order: int  # rules run in this order; a terminal rule's finding ends the item's checks
    check: Check
    terminal: bool = False


_REGISTRY: dict[str, Rule] = {}

TIMELY = "《高等学校信息公开办法》第九条、教办函〔2014〕23号：信息形成或变更之日起20个工作日内予以公开或更新"
UNDATED = "政府网站与政务新媒体检查指标（国办秘函〔2019〕19号）：未注明信息发布时间的视为不更新"
LINKS = "政府网站与政务新媒体检查指标（国办秘函〔2019〕19号）：链接可用性、附件下载"
WAF_STATUSES = (401, 403, 407, 412, 429)
BROKEN_STATUSES = (404, 410)


def rule(
    name: str, status: str, severity: str, order: int, terminal: bool = False
) -> Callable[[Check], Check]:
    """Register a module's check function."""

    def register(check: Check) -> Check:
        _REGISTRY[name] = Rule(name, status, severity, order, check, terminal)
        return check

    return register


def all_rules() -> list[Rule]:
    """Every rule of this package, in order (importing the modules registers them)."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return sorted(_REGISTRY.values(), key=lambda r: r.order)


def is_broken(status: int | None) -> bool:
    return status is not None and (status in BROKEN_STATUSES or 500 <= status < 600)


def is_blocked(ev: Evidence) -> bool:
    return (
        not ev.fetched or ev.status in WAF_STATUSES or (ev.status is None and ev.error not in (None, "dns"))
    )


def set_aside(ctx: Context) -> str:
    """The notices and news that named the item, for a message: they were looked at and are not it."""
    if not ctx.mentions:
        return ""
    first = ctx.mentions[0]
    return f"另有 {len(ctx.mentions)} 个页面提及该事项，但属于通知、新闻或他人发布，不是该事项本身（如“{first.title}”）。"


def set_aside_en(ctx: Context) -> str:
    if not ctx.mentions:
        return ""
    return (
        f"{len(ctx.mentions)} page(s) mention the item but are notices, news or others' posts, not the item "
        f"(e.g. “{ctx.mentions[0].title}”)."
    )

"""The checks: every status decision, one module each, found by a registry (not a hand-kept list).

Each module declares its rules with `rule(...)`: the name its findings carry, the status they argue for,
severity, the legal basis they cite, the message keys they use, and — for a rule that runs — its order and
check. The check builds its findings from that declaration (`RULE.finding(item, key, params)`), so no finding
restates a rule's name, status or severity, and none names a rule that is not declared. A rule takes an item,
its evidence (auditor.pages has already decided what each page is) and an explicit context with the as-of
date, and returns findings. None imports Scrapy or reads the clock. `precedence` turns the findings of all
rules into the item's one status. Each rule's examples are data: tests/rule_cases/<rule>.yaml, run by
tests/test_rule_cases.py.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from auditor.answers import DEAD_ERRORS, REFUSALS, WAF_STATUSES, is_broken
from auditor.checklist import Item
from auditor.clock import beijing
from auditor.findings import Evidence, Finding
from auditor.statuses import STATUSES


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
    annual_report: Any = None  # checklist.AnnualReport, for the item that is the school's annual report


Check = Callable[[Item, list[Evidence], Context], list[Finding]]


@dataclass(eq=False)
class Rule:
    """A rule as declared. A rule with a check runs in `order`; a variant (`of`) is another rule's check
    saying something under a name, status and severity of its own (freshness's `deadline` and `undated`)."""

    name: str  # what its findings are called (findings.json's `rule`)
    status: str  # the status its findings argue for
    severity: str
    keys: tuple[str, ...]  # the message keys its findings use
    basis: str = ""  # the citation its findings add to the item's own basis
    cites_item: bool = True  # False: `basis` alone (the rule's ground is not the item's own citation)
    order: int | None = None  # rules run in this order; a terminal rule's finding ends the item's checks
    terminal: bool = False
    of: str | None = None  # the rule whose check emits this variant
    check: Check | None = None

    def checker(self, check: Check) -> Check:
        """Make `check` this rule's check (as a decorator)."""
        if self.order is None:
            raise ValueError(f"rule {self.name!r} runs a check but declares no order")
        self.check = check
        return check

    def finding(
        self,
        item: Item,
        key: str,
        params: dict[str, Any],
        url: str | None = None,
        *,
        due: str | None = None,
        link: dict[str, Any] | None = None,
        basis: str | None = None,
    ) -> Finding:
        """A finding of this rule: name, status and severity as declared; `basis` replaces the declared one
        where a finding cites something of its own (an annual report's part)."""
        if key not in self.keys:
            raise ValueError(f"rule {self.name!r} declares no message key {key!r}")
        if basis is None:
            basis = self.basis
            if self.cites_item:
                basis = f"{item.basis}；{self.basis}" if self.basis else item.basis
        return Finding(self.name, self.status, self.severity, key, params, basis, url, due=due, link=link)


_REGISTRY: dict[str, Rule] = {}

# Legal citations name the document; an article number only where checked against the official text
# (docs/design.md, "Legal citations"). The government-website indicators bind government sites, not colleges: 参照.
TIMELY = "教办函〔2014〕23号：信息形成或变更之日起20个工作日内予以公开或更新"
UNDATED = "参照全国政府网站普查评分办法（2015年）：未注明信息发布时间的视为不更新"
LINKS = "参照《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）：链接可用性、附件可下载"


def rule(
    name: str,
    status: str,
    severity: str,
    keys: tuple[str, ...],
    *,
    basis: str = "",
    cites_item: bool = True,
    order: int | None = None,
    terminal: bool = False,
    of: Rule | None = None,
) -> Rule:
    """Declare (and register) a rule; give it a check with `@RULE.checker`."""
    if name in _REGISTRY:
        raise ValueError(f"rule {name!r} is declared twice")
    if status not in STATUSES:
        raise ValueError(f"rule {name!r} declares an unknown status {status!r}")
    declared = Rule(name, status, severity, keys, basis, cites_item, order, terminal, of.name if of else None)
    _REGISTRY[name] = declared
    return declared


def _load() -> None:
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


def all_rules() -> list[Rule]:
    """Every rule of this package that runs a check, in order (importing the modules registers them)."""
    _load()
    return sorted((r for r in _REGISTRY.values() if r.check), key=lambda r: r.order or 0)


def registry() -> dict[str, Rule]:
    """Every rule name a finding may carry, by name: the rules that run, their variants, and the ones the
    audit adds (crawl_health's `crawl_incomplete`)."""
    _load()
    return dict(_REGISTRY)


def is_dead(ev: Evidence) -> bool:
    """Cannot be opened: 404/410/5xx as the night's last answer, or no answer at all (timeout, DNS) — unless
    the answer is a WAF's challenge page (Cloudflare's come with 503, 加速乐's with 521)."""
    if not ev.fetched or is_challenge(ev):
        return False
    return is_broken(ev.status) or (ev.status is None and ev.error in DEAD_ERRORS)


def is_challenge(ev: Evidence) -> bool:
    return (ev.error or "").startswith("challenge")


def is_blocked(ev: Evidence) -> bool:
    """Not checkable: never fetched, refused (robots, redirects), a WAF's status or its challenge page."""
    if not ev.fetched or ev.status in WAF_STATUSES or is_challenge(ev):
        return True
    return ev.status is None and ev.error is not None and ev.error not in DEAD_ERRORS


def why_blocked(ev: Evidence) -> tuple[str, str]:
    """Why `ev` cannot be checked, in Chinese and English, for a finding's message."""
    error = ev.error or ""
    if is_challenge(ev):
        waf = error.partition(":")[2] or "WAF"
        return (
            f"返回的是访问验证或拦截页面（{waf}），不是所请求的页面",
            f"answers a {waf} block or challenge page",
        )
    if ev.status:
        return (
            f"返回 HTTP {ev.status}（访问验证/权限限制）",
            f"answers HTTP {ev.status} (challenge or access restriction)",
        )
    if error in REFUSALS:
        return REFUSALS[error]
    if (
        not ev.fetched or not error
    ):  # linked, never requested (or no answer recorded): said so, never "失败（）"
        return "本次抓取未请求该地址（未在抓取范围内或未能排入抓取）", "was not requested by this crawl"
    return f"请求失败（{error}）", f"failed ({error})"


def due_of(item: Item, as_of: date) -> str | None:
    """When the edition that should be there by `as_of` was due (应发布日期); None for standing items."""
    period = item.renewal.due_period(as_of)
    return None if period is None else item.renewal.due_date(period).isoformat()


def first_failed(failed_at: str | None, attempts: int | None) -> tuple[str, str]:
    """When a failure was first seen tonight, and how often it was tried, for a message (or nothing)."""
    if not failed_at:
        return "", ""
    when = beijing(failed_at)
    tries = attempts or 1
    zh = f"（首次发现失败：{when}（北京时间）" + (f"，当晚共请求 {tries} 次" if tries > 1 else "") + "）"
    en = f" (first failed at {when}" + (f", {tries} tries tonight" if tries > 1 else "") + ")"
    return zh, en


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

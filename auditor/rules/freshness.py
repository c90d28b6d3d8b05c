"""stale / late: a periodic item whose newest edition does not cover the period due as of `as_of`.

late  — the item has a legal deadline (annual report by 31 Oct for the previous academic year,
        employment quality report by 31 Dec) and it passed without the due edition;
stale — any other periodic item behind its renewal, or whose evidence carries no date at all
        (an undated item counts as not updated, as government-site inspections do).

Good (as of 2022-11-15): 2021-2022学年信息公开工作年度报告 → moe-06 current.
Bad: newest is 2020-2021学年 → moe-06 late.
"""

from __future__ import annotations

from datetime import date

from auditor.checklist import Item
from auditor.findings import Evidence, Finding
from auditor.rules import TIMELY, UNDATED, Context


def covered_period(item: Item, e: Evidence) -> int | None:
    """The period start an evidence page covers: from its title, else estimated from its date."""
    r = item.renewal
    if e.period_start is not None:
        if r.period == "academic_year" and e.period_kind in ("year", "cohort"):
            return e.period_start - 1  # "2022年…报告" reports on 2021-2022学年
        return e.period_start
    if e.published:
        return date.fromisoformat(e.published).year - r.lag
    return None


def editions(item: Item, evidence: list[Evidence]) -> list[Evidence]:
    usable = [e for e in evidence if e.usable]
    words = item.renewal.editions
    return [e for e in usable if not words or any(w in e.title for w in words)]


def check(item: Item, evidence: list[Evidence], ctx: Context) -> list[Finding]:
    r = item.renewal
    if r.period is None or not any(e.usable for e in evidence):
        return []
    due = r.due_period(ctx.as_of)
    if due is None:
        return []
    status, severity = ("late", "high") if r.hard else ("stale", "medium")
    want = r.describe(due)
    deadline = r.due_date(due).isoformat()
    found = editions(item, evidence)
    dated = [(p, e) for e in found if (p := covered_period(item, e)) is not None]
    params = {"short": item.short, "as_of": ctx.as_of.isoformat(), "want": want, "deadline": deadline, "publish": item.publish}
    rule = "deadline" if r.hard else "freshness"
    if not found:
        return [Finding(rule, status, severity, "freshness.none", params, f"{item.basis}；{TIMELY}")]
    if not dated:
        e = found[0]
        return [Finding("undated", "stale", "medium", "freshness.undated", {**params, "url": e.url},
                        f"{item.basis}；{UNDATED}", e.url)]
    newest, e = max(dated, key=lambda pe: (pe[0], pe[1].published or ""))
    if newest >= due:
        return []
    return [Finding(rule, status, severity, "freshness.behind", {**params, "have": r.describe(newest), "title": e.title, "url": e.url},
                    f"{item.basis}；{TIMELY}", e.url)]

"""not applicable: the school's profile rules the item out (graduate items for a school without graduate
programs, 本科 items for a 高职, Hunan-only items elsewhere), or its rule was not in force on the audit's date
(`effective:` — a past year re-audited under its own rules). Shown in every report, never a gap."""

from __future__ import annotations

from auditor.checklist import Item
from auditor.findings import Evidence, Finding
from auditor.rules import Context, rule

APPLICABILITY = rule(
    "applicability", "not_applicable", "info", ("applicability.not_applicable",), order=0, terminal=True
)


@APPLICABILITY.checker
def check(item: Item, evidence: list[Evidence], ctx: Context) -> list[Finding]:
    reason = item.applies_to(ctx.profile) if ctx.profile is not None else None
    if reason is None and item.effective is not None:
        reason = item.effective.reason(ctx.as_of)
    if reason is None:
        return []
    return [APPLICABILITY.finding(item, "applicability.not_applicable", {"reason": reason})]

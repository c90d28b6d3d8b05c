"""not applicable: the school's profile rules the item out (graduate items for a school without graduate
programs, 本科 items for a 高职, Hunan-only items elsewhere). Shown in every report, never a gap."""

from __future__ import annotations

from auditor.checklist import Item
from auditor.findings import Evidence, Finding
from auditor.rules import Context, rule

APPLICABILITY = rule(
    "applicability", "not_applicable", "info", ("applicability.not_applicable",), order=0, terminal=True
)


@APPLICABILITY.checker
def check(item: Item, evidence: list[Evidence], ctx: Context) -> list[Finding]:
    if ctx.profile is None or (reason := item.applies_to(ctx.profile)) is None:
        return []
    return [APPLICABILITY.finding(item, "applicability.not_applicable", {"reason": reason})]

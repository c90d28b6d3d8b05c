"""not applicable: the school's profile rules the item out — graduate items for a school without graduate
programs, 本科 items for a 高职, Hunan-only items elsewhere. Shown in every report, never a gap.

Good: moe-33 (就业质量年度报告) for any school → applies.
Bad: moe-11 (研究生招生简章) for a 高职 without graduate programs → not_applicable, "学校无研究生培养".
"""

from __future__ import annotations

from auditor.checklist import Item
from auditor.findings import Evidence, Finding
from auditor.rules import Context, rule


@rule("applicability", "not_applicable", "info", order=0, terminal=True)
def check(item: Item, evidence: list[Evidence], ctx: Context) -> list[Finding]:
    if ctx.profile is None or (reason := item.applies_to(ctx.profile)) is None:
        return []
    return [
        Finding(
            "applicability",
            "not_applicable",
            "info",
            "applicability.not_applicable",
            {"reason": reason},
            item.basis,
        )
    ]

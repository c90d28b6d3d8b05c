"""exempt: the school exempts the item in site.yaml, with a reason (学校无校办企业). Shown, never hidden."""

from __future__ import annotations

from auditor.checklist import Item
from auditor.findings import Evidence, Finding
from auditor.rules import Context, rule

EXEMPTION = rule("exemption", "exempt", "info", ("exemption.exempt",), order=1, terminal=True)


@EXEMPTION.checker
def check(item: Item, evidence: list[Evidence], ctx: Context) -> list[Finding]:
    if ctx.exemption is None:
        return []
    return [EXEMPTION.finding(item, "exemption.exempt", {"reason": ctx.exemption})]

"""exempt: the school exempts the item in site.yaml, with a reason (学校无校办企业). Shown, never hidden.

Good: no exemption for moe-17 → the item is checked.
Bad: `exemptions: {moe-17: 学校无校办企业}` → exempt, and every report shows the reason.
"""

from __future__ import annotations

from auditor.checklist import Item
from auditor.findings import Evidence, Finding
from auditor.rules import Context, rule


@rule("exemption", "exempt", "info", order=1, terminal=True)
def check(item: Item, evidence: list[Evidence], ctx: Context) -> list[Finding]:
    if ctx.exemption is None:
        return []
    return [Finding("exemption", "exempt", "info", "exemption.exempt", {"reason": ctx.exemption}, item.basis)]

"""missing: nothing on the crawled sites matches the item (and nothing that could not be checked claims it).

Good: a page titled 湘岳职业技术学院2022年招生章程 → moe-07 present.
Bad: only news such as 我校召开2022年招生工作会议 → moe-07 missing (decoys do not count).
"""

from __future__ import annotations

from auditor.checklist import Item
from auditor.findings import Evidence, Finding
from auditor.rules import Context


def check(item: Item, evidence: list[Evidence], ctx: Context) -> list[Finding]:
    if evidence or ctx.claimed_by_directory:
        return []
    return [Finding("presence", "missing", "high", "presence.missing",
                    {"short": item.short, "pages": ctx.pages, "hosts": "、".join(ctx.hosts) or "-", "publish": item.publish},
                    item.basis)]

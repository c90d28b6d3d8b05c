"""missing: nothing on the crawled sites is the item — no document, no column — and nothing that could not
be checked claims it. Notices and news that only mention it are named in the message, not counted.

Good: a page titled 湘岳职业技术学院2022年招生章程 → moe-07 present.
Bad: only 关于开展2023届毕业生就业质量年度报告编制工作的通知 → moe-33 missing (a notice about the report).
"""

from __future__ import annotations

from auditor.checklist import Item
from auditor.findings import Evidence, Finding
from auditor.rules import Context, due_of, rule, set_aside, set_aside_en


@rule("presence", "missing", "high", order=10)
def check(item: Item, evidence: list[Evidence], ctx: Context) -> list[Finding]:
    if evidence or ctx.unfetched:
        return []
    return [
        Finding(
            "presence",
            "missing",
            "high",
            "presence.missing",
            {
                "short": item.short,
                "pages": ctx.pages,
                "hosts": "、".join(ctx.hosts) or "-",
                "publish": item.publish,
                "aside_zh": set_aside(ctx),
                "aside_en": set_aside_en(ctx),
            },
            item.basis,
            due=due_of(item, ctx.as_of),
        )
    ]

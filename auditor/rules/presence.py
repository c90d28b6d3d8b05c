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
    where = f"，检索范围：{'、'.join(ctx.hosts)}" if ctx.hosts else ""
    return [Finding("presence", "missing", "high",
                    f"未发现“{item.short}”：本次抓取的 {ctx.pages} 个页面中，没有标题、栏目、链接文字、附件名或信息公开目录"
                    f"与之相符的页面{where}。应公开：{item.publish}。", item.basis)]

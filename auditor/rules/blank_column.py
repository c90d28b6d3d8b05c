"""blank column (counts as missing): a column for the item exists, but it is empty or says 暂无内容 / 正在建设中.

Good: 受捐赠财产 column with an article → not blank.
Bad: 受捐赠财产 column whose list only says 暂无内容 → missing (空白栏目).
"""

from __future__ import annotations

from auditor.checklist import Item
from auditor.findings import Evidence, Finding
from auditor.rules import Context

BASIS = "政府网站与政务新媒体检查指标（国办秘函〔2019〕19号）：栏目开设后从未发布内容或显示“暂无内容”“正在建设中”的为空白栏目"


def check(item: Item, evidence: list[Evidence], ctx: Context) -> list[Finding]:
    blanks = [e for e in evidence if e.placeholder and e.fetched and e.status is not None and e.status < 400]
    if not blanks or any(e.usable for e in evidence):
        return []
    e = blanks[0]
    return [Finding("blank_column", "missing", "high", "blank_column.blank",
                    {"short": item.short, "placeholder": e.placeholder, "url": e.url, "publish": item.publish},
                    f"{item.basis}；{BASIS}", e.url)]

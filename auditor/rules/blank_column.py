"""blank column (counts as missing): a column for the item exists but holds nothing — it says 暂无内容 /
正在建设中, or it has no entries, no files and no text of its own at all, or (a column shared by several items,
such as 学风建设) every entry in it is another item's document. A column whose list is loaded by a script the
crawl cannot run is not judged here (unverifiable)."""

from __future__ import annotations

from auditor.checklist import Item
from auditor.findings import Evidence, Finding
from auditor.rules import Context, due_of, rule

BASIS = "参照《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）：栏目开设后从未发布内容或显示“暂无内容”“正在建设中”的为空白栏目"
BLANK_COLUMN = rule(
    "blank_column",
    "missing",
    "high",
    ("blank_column.blank", "blank_column.empty", "blank_column.others"),
    basis=BASIS,
    order=11,
)


@BLANK_COLUMN.checker
def check(item: Item, evidence: list[Evidence], ctx: Context) -> list[Finding]:
    blanks = [
        e
        for e in evidence
        if (e.placeholder or (e.empty and not e.scripted) or e.others)
        and e.fetched
        and e.status is not None
        and e.status < 400
    ]
    if not blanks or any(e.usable for e in evidence):
        return []
    e = blanks[0]
    key = (
        "blank_column.blank" if e.placeholder else "blank_column.others" if e.others else "blank_column.empty"
    )
    return [
        BLANK_COLUMN.finding(
            item,
            key,
            {
                "short": item.short,
                "placeholder": e.placeholder or "",
                "url": e.url,
                "publish": item.publish,
                "column": e.title,
                "other": e.others,
            },  # fmt: skip
            e.url,
            due=due_of(item, ctx.as_of),
        )
    ]

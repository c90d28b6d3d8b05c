"""halves (counts as missing): an item that asks for two things — 教代会's 相关制度 and its 工作报告, 学术委员会's
章程 and its 年度报告 (checklist `halves:`) — with one published and the other nowhere: the item is a gap for the
missing half, named, with the empty column where it should have been when there is one. A half that is the
item's yearly edition is freshness's to judge; an item with no readable document at all is presence's."""

from __future__ import annotations

from auditor.checklist import Item
from auditor.findings import Evidence, Finding
from auditor.rules import Context, due_of, rule

HALVES = rule("halves", "missing", "high", ("halves.missing",), order=12)


def of_half(e: Evidence, words: tuple[str, ...]) -> bool:
    return any(w in "".join((e.title or "").split()) for w in words)


@HALVES.checker
def check(item: Item, evidence: list[Evidence], ctx: Context) -> list[Finding]:
    if len(item.halves) < 2:
        return []
    documents = [e for e in evidence if e.usable and e.kind == "document"]
    found = {h.half: [e for e in documents if of_half(e, h.words)] for h in item.halves}
    have = next((h for h in item.halves if found[h.half]), None)
    if have is None:
        return []  # nothing of either half: presence, blank column or freshness say so
    editions = set(item.renewal.editions) if item.renewal.period else set()
    out = []
    for half in item.halves:
        if found[half.half] or editions & set(half.words):
            continue
        blank = next(
            (
                e
                for e in evidence
                if e.kind == "column" and (e.placeholder or e.empty) and of_half(e, half.words)
            ),
            None,
        )
        shown = found[have.half][0]
        params = {
            "short": item.short,
            "half": half.half,
            "have": have.half,
            "title": shown.title,
            "have_url": shown.url,
            "where_zh": f"：栏目“{blank.title}”为空（{blank.url}）" if blank else "",
            "where_en": f": the column “{blank.title}” is empty ({blank.url})" if blank else "",
            "publish": item.publish,
        }
        url = blank.url if blank else shown.url
        out.append(HALVES.finding(item, "halves.missing", params, url, due=due_of(item, ctx.as_of)))
    return out

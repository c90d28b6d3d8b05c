"""missing: nothing on the crawled sites is the item — no document, no column — and nothing that could not
be checked claims it. Notices and news that only mention it are named in the message, not counted."""

from __future__ import annotations

from auditor.checklist import Item
from auditor.findings import Evidence, Finding
from auditor.rules import Context, due_of, rule, set_aside, set_aside_en

PRESENCE = rule("presence", "missing", "high", ("presence.missing",), order=10)


@PRESENCE.checker
def check(item: Item, evidence: list[Evidence], ctx: Context) -> list[Finding]:
    if evidence or ctx.unfetched:
        return []
    return [
        PRESENCE.finding(
            item,
            "presence.missing",
            {
                "short": item.short,
                "pages": ctx.pages,
                "hosts": "、".join(ctx.hosts) or "-",
                "publish": item.publish,
                "aside_zh": set_aside(ctx),
                "aside_en": set_aside_en(ctx),
            },
            due=due_of(item, ctx.as_of),
        )
    ]

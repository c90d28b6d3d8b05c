"""broken: the evidence page, or an attachment it publishes the item in, answers 404/410/5xx.

Good: 2021年度部门决算 page with a PDF that downloads → not broken.
Bad: the same page whose 决算公开表.pdf answers 404 → broken (the tables are the item).
"""

from __future__ import annotations

from auditor.checklist import Item
from auditor.findings import Evidence, Finding
from auditor.rules import LINKS, Context, is_broken


def check(item: Item, evidence: list[Evidence], ctx: Context) -> list[Finding]:
    usable = [e for e in evidence if e.usable]
    if not usable:
        dead = [e for e in evidence if is_broken(e.status)]
        if dead:
            e = dead[0]
            return [Finding("broken", "broken", "medium", "broken.page", {"short": item.short, "url": e.url, "status": e.status},
                            f"{item.basis}；{LINKS}", e.url)]
        return []
    # Attachments: judge the newest document page that has any (a list page's own links do not count).
    docs = [e for e in usable if e.attachments and not e.is_list]
    if not docs:
        return []
    newest = max(docs, key=lambda e: (e.period_start or 0, e.published or ""))
    bad = [a for a in newest.attachments if is_broken(a.get("status"))]
    if not bad or (not item.attachment and len(bad) < len(newest.attachments)):
        return []
    names = "、".join(f"“{a['name']}” (HTTP {a['status']})" for a in bad[:3])
    return [Finding("broken", "broken", "medium", "broken.attachment",
                    {"short": item.short, "title": newest.title, "names": names, "url": newest.url},
                    f"{item.basis}；{LINKS}", bad[0]["url"])]

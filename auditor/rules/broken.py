"""broken: the item's documents cannot be opened — the page (or the 目录's target) answers 404/410/5xx,
every document a column lists for it is dead, or the newest document's attached files are.

Good: 2021年度部门决算 page with a PDF that downloads → not broken.
Bad: the same page whose 决算公开表.pdf answers 404 → broken (the tables are the item); a column whose only
entry answers 404 → broken (链接失效), not 已公开.
"""

from __future__ import annotations

from auditor.checklist import Item
from auditor.findings import Evidence, Finding
from auditor.rules import LINKS, Context, is_broken, rule


@rule("broken", "broken", "medium", order=13)
def check(item: Item, evidence: list[Evidence], ctx: Context) -> list[Finding]:
    docs = [e for e in evidence if e.is_document and e.usable]
    if not docs:
        dead = [e for e in evidence if is_broken(e.status)]
        if not dead:
            return []
        e = dead[0]
        if e.column:  # listed in the item's column
            return [
                Finding(
                    "broken",
                    "broken",
                    "medium",
                    "broken.entry",
                    {
                        "short": item.short,
                        "title": e.title,
                        "url": e.url,
                        "status": e.status,
                        "column": e.column_title or "",
                        "column_url": e.column or "",
                        "count": len([d for d in dead if d.column]),
                    },
                    f"{item.basis}；{LINKS}",
                    e.url,
                )
            ]
        return [
            Finding(
                "broken",
                "broken",
                "medium",
                "broken.page",
                {"short": item.short, "url": e.url, "status": e.status},
                f"{item.basis}；{LINKS}",
                e.url,
            )
        ]
    # Attachments: judge the newest document that has any.
    with_files = [e for e in docs if e.attachments]
    if not with_files:
        return []
    r = item.renewal
    newest = max(
        with_files,
        key=lambda e: (r.covered(e.period_start, e.period_kind, e.published) or 0, e.published or ""),
    )
    bad = [a for a in newest.attachments if is_broken(a.get("status"))]
    if not bad or (not item.attachment and len(bad) < len(newest.attachments)):
        return []
    names = "、".join(f"“{a['name']}” (HTTP {a['status']})" for a in bad[:3])
    return [
        Finding(
            "broken",
            "broken",
            "medium",
            "broken.attachment",
            {"short": item.short, "title": newest.title, "names": names, "url": newest.url},
            f"{item.basis}；{LINKS}",
            bad[0]["url"],
        )
    ]

"""broken: the item's documents cannot be opened — the page (or the 目录's target) answers 404/410, or still
answers 5xx or nothing (timeout, DNS) after the night's late retries; every document a column lists for it is
dead, or the newest document's attached files are. One failed visit is not a dead link (spiders/later.py
tries again later the same night); the message says when the failure was first seen."""

from __future__ import annotations

from auditor.answers import DEAD_ERRORS, is_broken
from auditor.checklist import Item
from auditor.findings import Evidence, Finding
from auditor.rules import LINKS, Context, first_failed, is_dead, rule

BROKEN = rule(
    "broken", "broken", "medium", ("broken.page", "broken.entry", "broken.attachment"), basis=LINKS, order=13
)


@BROKEN.checker
def check(item: Item, evidence: list[Evidence], ctx: Context) -> list[Finding]:
    docs = [e for e in evidence if e.is_document and e.usable]
    if not docs:
        dead = [e for e in evidence if is_dead(e)]
        if not dead:
            return []
        e = dead[0]
        since_zh, since_en = first_failed(e.failed_at, e.attempts)
        answer_zh, answer_en = (
            (f"返回 HTTP {e.status}", f"answers HTTP {e.status}")
            if e.status
            else DEAD_ERRORS.get(e.error or "", ("无响应", "no answer"))
        )
        params = {
            "short": item.short,
            "url": e.url,
            "status": e.status,
            "answer_zh": answer_zh,
            "answer_en": answer_en,
            "since_zh": since_zh,
            "since_en": since_en,
        }
        key = "broken.page"
        if e.column:  # listed in the item's column
            key = "broken.entry"
            params |= {
                "title": e.title,
                "column": e.column_title or "",
                "column_url": e.column or "",
                "count": len([d for d in dead if d.column]),
            }
        link = {
            "source": e.column,
            "target": e.url,
            "anchor": e.title,
            "answer": answer_zh,
            "status": e.status,
        }
        return [BROKEN.finding(item, key, params, e.url, link=link)]
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
    since_zh, since_en = first_failed(bad[0].get("failed_at"), bad[0].get("attempts"))
    return [
        BROKEN.finding(
            item,
            "broken.attachment",
            {
                "short": item.short,
                "title": newest.title,
                "names": names,
                "url": newest.url,
                "since_zh": since_zh,
                "since_en": since_en,
            },
            bad[0]["url"],
            link={
                "source": newest.url,
                "target": bad[0]["url"],
                "anchor": bad[0].get("name") or "",
                "answer": f"返回 HTTP {bad[0]['status']}",
                "status": bad[0]["status"],
            },
        )
    ]

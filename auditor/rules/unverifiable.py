"""inconclusive: what could show the item could not be checked — a WAF challenge (412, or a 200 challenge
page), 403 or captcha, a 429 still refused at the end of the night, a page robots.txt forbids, a redirect that
loops, goes on too long or leaves the allowed domains, a column whose list only a script fills, or a
信息公开目录 link the crawl never stored (off-site, or it could not be reached). Reported as 'cannot verify',
never as missing or broken. A 目录 target the crawl did store is judged like any other page (it is not
'cannot verify' because it matched nothing)."""

from __future__ import annotations

from auditor.checklist import Item
from auditor.findings import Evidence, Finding
from auditor.rules import Context, is_blocked, rule, why_blocked

BASIS = "无法核实：对方网站拒绝或未抓取，不作为未公开处理（请人工核实）"
UNVERIFIABLE = rule(
    "unverifiable",
    "inconclusive",
    "info",
    ("unverifiable.claim", "unverifiable.blocked", "unverifiable.scripted"),
    basis=BASIS,
    cites_item=False,
    order=12,
)


def matters(item: Item, blocked: Evidence, evidence: list[Evidence], ctx: Context) -> bool:
    """Whether a page that could not be checked could change the verdict: no readable document already shows
    the item (for a periodic item: its due edition), and — for a periodic item — what the blocked page is
    said to be (its list entry's title or date) is not older than the edition due. A column whose every
    document is blocked does not show the item by itself."""
    r = item.renewal
    due = r.due_period(ctx.as_of) if r.period else None
    docs = [e for e in evidence if e.usable and e.is_document]
    if due is None:  # a blocked copy does not matter when a readable one exists
        return not docs and (blocked.is_document or not any(e.usable for e in evidence))
    current = [
        d
        for d in docs
        if r.is_edition(d.title) and (c := r.covered(d.period_start, d.period_kind, d.published)) and c >= due
    ]
    if current:
        return False
    covers = r.covered(blocked.period_start, blocked.period_kind, blocked.published)
    return covers is None or covers >= due


@UNVERIFIABLE.checker
def check(item: Item, evidence: list[Evidence], ctx: Context) -> list[Finding]:
    out = []
    for url in ctx.unfetched[:2]:  # precedence keeps these only where they change the verdict
        out.append(UNVERIFIABLE.finding(item, "unverifiable.claim", {"short": item.short, "url": url}, url))
    for e in [e for e in evidence if is_blocked(e) and matters(item, e, evidence, ctx)][:2]:
        why_zh, why_en = why_blocked(e)
        if e.field in ("entry", "column_entry", "anchor"):  # what links call it: the page could not say
            why_zh = f"（链接文字“{e.matched}”）{why_zh}"
            why_en = f"(linked as “{e.matched}”) {why_en}"
        out.append(
            UNVERIFIABLE.finding(
                item,
                "unverifiable.blocked",
                {"short": item.short, "url": e.url, "why_zh": why_zh, "why_en": why_en},
                e.url,
            )
        )
    for e in [e for e in evidence if e.empty and e.scripted and not e.placeholder][:1]:
        out.append(
            UNVERIFIABLE.finding(item, "unverifiable.scripted", {"short": item.short, "url": e.url}, e.url)
        )
    return out

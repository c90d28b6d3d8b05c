"""The item's one status, from the findings of every rule. The only place that decides it.

1. A terminal finding (not applicable, exempt) decides alone; its reason becomes the item's note.
2. A crawl that cannot support gaps (crawl_health) makes the item inconclusive, keeping what it would say.
3. When the school's 信息公开目录 links the item to a place the crawl never stored, a missing/late/stale
   finding becomes inconclusive (we do not accuse on what we could not see); a 404 stays broken; and an
   item found readable and current is ok, whatever else the 目录 points at.
4. When a page that could be the item could not be checked (a WAF's challenge, robots.txt, a redirect loop
   — `unverifiable.blocked`, raised only where it could change the verdict), missing/late/stale/broken
   become inconclusive, and so does an item that would be ok only through a column whose documents could
   not be read.
5. Otherwise the first of: missing, late, broken, stale, inconclusive — or ok."""

from __future__ import annotations

from auditor.checklist import Item
from auditor.findings import Finding
from auditor.rules import Context, crawl_health
from auditor.statuses import DECIDING

PRECEDENCE = DECIDING  # auditor.statuses: the order every report lists them in
TERMINAL = ("not_applicable", "exempt")
CLAIM_KEYS = ("unverifiable.claim",)
BLOCKED_KEYS = ("unverifiable.blocked",)


def decide(item: Item, findings: list[Finding], ctx: Context, usable: bool) -> tuple[str, list[Finding], str]:
    """(status, the findings to report, note). `usable`: some evidence of the item is readable. Findings that
    argue no status (content notes, status ok) are kept, after the ones that decided."""
    status, kept, note = _decide(item, findings, ctx, usable)
    return status, sorted(kept, key=lambda f: f.status == "ok"), note


def _decide(
    item: Item, findings: list[Finding], ctx: Context, usable: bool
) -> tuple[str, list[Finding], str]:
    terminal = [f for f in findings if f.status in TERMINAL]
    if terminal:
        return terminal[0].status, [], terminal[0].params.get("reason", "")
    if ctx.crawl_problem:
        return "inconclusive", [crawl_health.finding(item, findings, ctx.crawl_problem)], ""
    statuses = {f.status for f in findings if f.key not in CLAIM_KEYS + BLOCKED_KEYS}
    claims = [f for f in findings if f.key in CLAIM_KEYS]
    blocked = [f for f in findings if f.key in BLOCKED_KEYS]
    if blocked and statuses & {"missing", "late", "stale", "broken"}:
        return "inconclusive", findings, ""  # what could be the item could not be read: no accusation
    if claims and statuses & {"missing", "late", "stale"} and "broken" not in statuses:
        return "inconclusive", findings, ""  # the school points elsewhere and we could not look there
    status = next((s for s in PRECEDENCE if s in statuses), None)
    if status is None:
        if blocked or (claims and not usable):
            return "inconclusive", findings, ""
        return "ok", [f for f in findings if f.status == "ok"], ""
    return status, [f for f in findings if f not in claims or status == "inconclusive"], ""

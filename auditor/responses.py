"""What departments answered about their items, and what the next night made of it (issue 27).

A department answers its own open item in the workspace: 已整改 (fixed, with the URL where the document now is),
不属于本部门 (not ours: the office reassigns it) or a written explanation. Each audit attaches the item's latest
answer to the item and checks it — the one place this is decided, so the workspace, findings.json and the
reports say the same:
- fixed: confirmed when the item is no longer a gap tonight; otherwise still open, and whether the URL given was
  crawled at all (a page the crawl never reached is the likeliest reason, and the office should know it); a night
  that could not verify the item (inconclusive) confirms nothing;
- not_ours and explained: shown, for the office to decide (a reassignment or a review), never verified.
An answer is the current owner's, about the gap it answered: once a complete night after it found the item
closed, it is settled and no longer attached (a gap that opens again is a new one, unanswered).
The office's reassignments (an item given to another department) are honoured here too: the newest one wins.
"""

from __future__ import annotations

from auditor.findings import GAPS, AuditResult
from auditor.store import Store

KINDS = ("fixed", "not_ours", "explained")
REASSIGNED = "纪检监察处/党政办改派"  # owner_source of an item the office gave to another department


def verdict(kind: str, status: str, url_crawled: bool | None) -> str:
    """What tonight's audit says of an answer: confirmed | still_open | url_not_crawled | unverified | noted."""
    if kind != "fixed":
        return "noted"
    if status == "inconclusive":
        return "unverified"  # a night that could not verify the item confirms nothing
    if status not in GAPS:
        return "confirmed"
    return "still_open" if url_crawled else "url_not_crawled"


def apply_assignments(result: AuditResult, store: Store) -> None:
    """Give each reassigned item to its department (the newest reassignment of an item wins)."""
    assigned = store.assignments()
    for it in result.items:
        if (a := assigned.get(it.id)) and a["department"]:
            if a["department"] != it.owner:
                it.owner_seen = it.owner_seen or it.owner
            it.owner, it.owner_source = a["department"], REASSIGNED


def apply_responses(result: AuditResult, store: Store) -> None:
    """Attach each item's latest response, as tonight's crawl verifies it."""
    latest = store.latest_responses()
    if not latest:
        return
    run_id = int(result.run["id"])
    urls = [r["url"] for r in latest.values() if r["url"]]
    crawled = set(store.resolve(run_id, urls)) if urls else set()
    for it in result.items:
        r = latest.get(it.id)
        if r is None or r["department"] != it.owner or store.closed_since(it.id, r["audit_id"] or 0):
            continue  # another department's answer (before a reassignment), or one a past night settled
        url_crawled = (r["url"] in crawled) if r["url"] else None
        it.response = {k: r[k] for k in ("id", "kind", "department", "user", "url", "text", "at")} | {
            "url_crawled": url_crawled,
            "verdict": verdict(r["kind"], it.status, url_crawled),
            "checked_on": result.as_of,
        }

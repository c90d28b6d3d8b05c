"""What changed since the previous audit, and for how long each gap has been open.

Only complete audits count: an inconclusive night neither resolves a gap nor restarts its clock.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from auditor.findings import GAPS, AuditResult, ItemResult
from auditor.store import Store


def fingerprint(item: ItemResult) -> str:
    """Changes when the item's status, the rules that fired or its best evidence change."""
    top = item.evidence[0].url if item.evidence else ""
    key = json.dumps([item.status, sorted({f.rule for f in item.findings}), top], ensure_ascii=False)
    return hashlib.sha1(key.encode()).hexdigest()[:12]


@dataclass
class ItemHistory:
    first_seen: str | None = None  # as-of date of the first complete audit in the current run of gaps
    days_open: int | None = None
    new: bool = False  # a gap now that was not a gap in the previous complete audit
    previous_status: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "first_seen": self.first_seen,
            "days_open": self.days_open,
            "new": self.new,
            "previous_status": self.previous_status,
        }


@dataclass
class Changes:
    previous_audit: int | None = None
    previous_as_of: str | None = None
    new: list[str] = field(default_factory=list)
    resolved: list[dict[str, str]] = field(default_factory=list)  # {id, short, was}
    still_open: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "previous_audit": self.previous_audit,
            "previous_as_of": self.previous_as_of,
            "new": self.new,
            "resolved": self.resolved,
            "still_open": self.still_open,
        }


def save(store: Store, result: AuditResult) -> int:
    """Keep the audit (with its history and review marks) in the store; sets result.audit_id."""
    data = result.as_json()
    items = data.pop("items")
    result.audit_id = store.save_audit(
        data, [(it.id, it.status, fingerprint(it), d) for it, d in zip(result.items, items, strict=True)]
    )
    return result.audit_id


def attach(store: Store, result: AuditResult) -> None:
    """Fill result.history and result.changes from the complete audits already stored (call before save)."""
    earlier = store.audits("complete")
    statuses = [
        (a["as_of"], {k: r["status"] for k, r in store.audit_items(a["id"]).items()})
        for a in reversed(earlier)
    ]
    as_of = date.fromisoformat(result.as_of)
    changes = Changes()
    if statuses:
        prev = earlier[-1]
        changes.previous_audit, changes.previous_as_of = prev["id"], prev["as_of"]
    for it in result.items:
        h = ItemHistory(previous_status=statuses[0][1].get(it.id) if statuses else None)
        if it.status in GAPS:
            first = result.as_of
            for when, st in statuses:
                if st.get(it.id) in GAPS:
                    first = when
                else:
                    break
            h.first_seen, h.days_open = first, (as_of - date.fromisoformat(first)).days
            h.new = bool(statuses) and h.previous_status not in GAPS
            (changes.new if h.new else changes.still_open).append(it.id)
        elif statuses and h.previous_status in GAPS and result.status == "complete":
            changes.resolved.append(
                {"id": it.id, "short": it.short, "was": h.previous_status, "now": it.status}
            )
        result.history[it.id] = h
    result.changes = changes


def current(store: Store) -> dict[str, Any] | None:
    """The findings that stand: the newest audit when complete; otherwise the last complete audit, with the
    newest (inconclusive) attempt attached so reports can say plainly what happened."""
    audits = store.audits()
    if not audits:
        return None
    latest = audits[-1]
    if latest["status"] == "complete":
        return store.findings(latest["id"])
    complete = store.audits("complete")
    latest_findings = store.findings(latest["id"]) or {}
    if not complete:
        return latest_findings
    standing = store.findings(complete[-1]["id"]) or {}
    standing["latest_attempt"] = {
        "audit": latest["id"],
        "status": latest["status"],
        "reason": latest["reason"],
        "as_of": latest["as_of"],
        "run": latest_findings.get("run", {}),
    }
    return standing


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[dict[str, Any], str | None, str]]:
    """Items whose status (or review) changed between two findings: (item, status before, new gap|resolved|changed)."""
    old = {it["id"]: it for it in before["items"]}
    out = []
    for it in after["items"]:
        was = old.get(it["id"])
        if was and was["status"] == it["status"] and was.get("set_aside") == it.get("set_aside"):
            continue
        gap_now = it["status"] in GAPS and not it.get("set_aside")
        gap_then = bool(was) and was["status"] in GAPS and not was.get("set_aside")
        mark = (
            "new gap" if gap_now and not gap_then else "resolved" if gap_then and not gap_now else "changed"
        )
        out.append((it, was["status"] if was else None, mark))
    return out

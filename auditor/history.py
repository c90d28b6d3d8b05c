"""What changed since the previous audit, and for how long each gap has been open.

Only complete audits count: an inconclusive night neither resolves a gap nor restarts its clock.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from auditor.findings import AuditResult, ItemResult
from auditor.store import Store


def fingerprint(item: ItemResult) -> str:
    """Changes when the item's status, the rules that fired or its best evidence change."""
    top = item.evidence[0].url if item.evidence else ""
    key = json.dumps([item.status, sorted({f.rule for f in item.findings}), top], ensure_ascii=False)
    return hashlib.sha1(key.encode()).hexdigest()[:12]


@dataclass
class ItemHistory:
    first_seen: str | None = None  # as-of date of the first complete audit in the current run of open gaps
    days_open: int | None = None
    new: bool = False  # open now, and not open in the previous complete audit
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
    """Since the previous complete audit, by the one definition of an open gap (ItemResult.open)."""

    previous_audit: int | None = None
    previous_as_of: str | None = None
    new: list[str] = field(default_factory=list)
    resolved: list[dict[str, str]] = field(default_factory=list)  # {id, short, was, now, why}
    still_open: list[str] = field(default_factory=list)
    to_check: list[str] = field(default_factory=list)  # open before, cannot be verified now: not resolved
    set_aside: list[dict[str, str]] = field(default_factory=list)  # open before, set aside by a review now

    def as_json(self) -> dict[str, Any]:
        return {
            "previous_audit": self.previous_audit,
            "previous_as_of": self.previous_as_of,
            "new": self.new,
            "resolved": self.resolved,
            "still_open": self.still_open,
            "to_check": self.to_check,
            "set_aside": self.set_aside,
        }


@dataclass
class Episode:
    """One gap, from the first complete audit it was open in to the first in which it was neither open nor to
    be checked by hand (an item that could not be verified one night is not fixed). The one definition of
    'a gap opened', 'fixed', 'days open' and 'days past its deadline' the annual report and assessment read."""

    item: str
    short: str
    category: str
    owner: str
    status: str  # the status it was found with
    opened: str  # as_of of the audit that first found it
    last_open: str
    deadline: str | None  # 应发布日期 when a rule knows one, else the 整改时限 set the night it was found
    deadline_kind: str  # due_date | rectify_by | none
    closed: str | None = None  # as_of of the audit that found it fixed (or set aside)
    how: str | None = None  # resolved | set_aside
    review: dict[str, Any] | None = None  # the last review decision recorded while it was open
    reviews: list[str] = field(default_factory=list)  # every decision recorded on it, in order

    def end(self, until: date) -> date:
        """When it stopped being open, as seen on `until` (a gap fixed later is still open then)."""
        return min(date.fromisoformat(self.closed), until) if self.closed else until

    def days_open(self, until: date) -> int:
        return max(0, (self.end(until) - date.fromisoformat(self.opened)).days)

    def days_past_deadline(self, until: date, since: date | None = None) -> int:
        """Days it stayed open after its deadline up to `until`, counted from `since` when given (a yearly
        assessment counts its own year's days); 0 when fixed in time or without a deadline."""
        if not self.deadline:
            return 0
        start = date.fromisoformat(self.deadline)
        return max(0, (self.end(until) - (max(start, since) if since else start)).days)

    def overlaps(self, start: str, end: str) -> bool:
        """Open at some time from `start` to `end` (found in it, or carried into it)."""
        return self.opened <= end and (self.closed is None or self.closed > start)

    def fixed_between(self, start: str, end: str) -> bool:
        return bool(self.closed and self.how == "resolved" and start <= self.closed <= end)

    def set_aside_between(self, start: str, end: str) -> bool:
        return bool(self.closed and self.how == "set_aside" and start <= self.closed <= end)

    def open_after(self, end: str) -> bool:
        return self.closed is None or self.closed > end

    def fixed_in_time(self) -> bool:
        return bool(
            self.closed and self.how == "resolved" and (not self.deadline or self.closed <= self.deadline)
        )

    def promise(self, until: date) -> str | None:
        """kept | broken | pending, for a gap a department acknowledged with a due date (整改承诺)."""
        r = self.review or {}
        if r.get("decision") != "acknowledged" or not r.get("due"):
            return None
        due = date.fromisoformat(r["due"])
        if self.closed:
            return "kept" if date.fromisoformat(self.closed) <= due else "broken"
        return "broken" if until > due else "pending"

    def as_json(self, until: date) -> dict[str, Any]:
        return {
            **asdict(self),
            "days_open": self.days_open(until),
            "days_past_deadline": self.days_past_deadline(until),
            "promise": self.promise(until),
        }


def episodes(store: Store) -> list[Episode]:
    """Every gap episode in the stored complete audits, oldest first."""
    current: dict[str, Episode] = {}
    done: list[Episode] = []
    for r in store.item_states():
        ep = current.get(r["item_id"])
        if ep is None and r["open"]:
            deadline, kind = (r["due_date"], "due_date") if r["due_date"] else (r["rectify_by"], "rectify_by")
            ep = current[r["item_id"]] = Episode(
                r["item_id"], r["short"] or "", r["category"] or "", r["owner"] or "", r["status"],
                r["as_of"], r["as_of"], deadline, kind if deadline else "none",
            )  # fmt: skip
        if ep is None:
            continue
        if r["review_decision"]:  # what the reviewers said while it was open, or in setting it aside
            ep.review = {k: r[f"review_{k}"] for k in ("decision", "due", "by", "overdue")}
            if ep.reviews[-1:] != [r["review_decision"]]:
                ep.reviews.append(r["review_decision"])
        if r["open"]:
            ep.last_open = r["as_of"]
        elif not r["to_check"]:
            ep.closed, ep.how = r["as_of"], "set_aside" if r["set_aside"] else "resolved"
            done.append(current.pop(r["item_id"]))
    return sorted([*done, *current.values()], key=lambda e: (e.opened, e.item))


def save(store: Store, result: AuditResult) -> int:
    """Keep the audit (with its history and review marks) in the store; sets result.audit_id."""
    data = result.as_json()
    items = data.pop("items")
    result.audit_id = store.save_audit(
        data,
        [(it.id, it.status, fingerprint(it), it.open, d) for it, d in zip(result.items, items, strict=True)],
    )
    return result.audit_id


def attach(store: Store, result: AuditResult) -> None:
    """Fill result.history and result.changes from the complete audits already stored (call before save)."""
    earlier = store.audits("complete")
    opened = [
        (a["as_of"], {k: (r["status"], bool(r["open"])) for k, r in store.audit_items(a["id"]).items()})
        for a in reversed(earlier)
    ]
    as_of = date.fromisoformat(result.as_of)
    changes = Changes()
    if opened:
        prev = earlier[-1]
        changes.previous_audit, changes.previous_as_of = prev["id"], prev["as_of"]
    for it in result.items:
        before = opened[0][1].get(it.id) if opened else None
        h = ItemHistory(previous_status=before[0] if before else None)
        was_open = bool(before and before[1])
        if it.open:
            first = result.as_of
            for when, items in opened:  # back through the gap's episode (to_check does not end one)
                status, was = items.get(it.id, ("", False))
                if was:
                    first = when
                elif status != "inconclusive":
                    break
            h.first_seen, h.days_open = first, (as_of - date.fromisoformat(first)).days
            h.new = bool(opened) and not was_open
            (changes.new if h.new else changes.still_open).append(it.id)
        elif was_open and result.status == "complete":
            if it.to_check:
                changes.to_check.append(it.id)
            else:
                (changes.set_aside if it.set_aside else changes.resolved).append(
                    {
                        "id": it.id,
                        "short": it.short,
                        "was": h.previous_status or "",
                        "now": it.status,
                        "why": closed_why(it.as_json()),
                    }
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


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """Items whose status or open-gap standing changed between two findings, each with why:
    {item, was, change: new|resolved|set_aside|to_check|changed, why}."""
    old = {it["id"]: it for it in before["items"]}
    out = []
    for it in after["items"]:
        was = old.get(it["id"])
        if was and was["status"] == it["status"] and was.get("open") == it.get("open"):
            continue
        now_open, then_open = bool(it.get("open")), bool(was and was.get("open"))
        if now_open and not then_open:
            change = "new"
            why = it["findings"][0]["message"] if it["findings"] else ""
        elif then_open and not now_open:
            change = "to_check" if it.get("to_check") else "set_aside" if it.get("set_aside") else "resolved"
            why = closed_why(it)
        else:
            change = "changed"
            why = it["findings"][0]["message"] if it["findings"] else closed_why(it)
        out.append({"item": it, "was": was["status"] if was else None, "change": change, "why": why})
    return out


def closed_why(item: dict[str, Any]) -> str:
    """Why an item (findings JSON) is not an open gap: who reviewed it and why, or where it is published."""
    r = item.get("review") or {}
    if item.get("set_aside"):
        label = "复核为误报" if r.get("decision") == "false_positive" else "复核豁免"
        return f"{label}（{'，'.join(x for x in (r.get('reviewer'), r.get('date'), r.get('reason')) if x)}）"
    if item["status"] == "ok":
        top = next((e for e in item["evidence"] if e.get("usable")), None)
        return "已公开" + (f"：{top['url']}" if top else "")
    if item["status"] == "inconclusive":
        return "本次无法核实：" + (item["findings"][0]["message"] if item["findings"] else "")
    return {"exempt": "登记豁免：", "not_applicable": "不适用："}.get(item["status"], "") + item.get(
        "note", ""
    )

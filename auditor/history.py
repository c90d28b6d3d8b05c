"""What changed since the previous audit, and for how long each gap has been open.

Only complete audits count: an inconclusive night neither resolves a gap nor restarts its clock.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from auditor.findings import AuditResult, GapFacts, ItemResult
from auditor.store import Store
from auditor.workdays import add_working_days


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
    'a gap opened', 'fixed', 'days open' and 'days past its deadline' every output reads: its dates are the
    ones the nightly findings gave it (GapFacts), and its days run only over what was observed — to the last
    complete audit that saw it open, never further."""

    item: str
    short: str
    category: str
    owner: str
    status: str  # the status it was found with
    opened: str  # 首次发现: as_of of the audit that first found it
    last_open: str  # as_of of the last complete audit that saw it open
    deadline: str | None  # 应发布日期 when a rule knows one, else its 整改时限
    deadline_kind: str  # due | rectify_by | none
    rectify_by: str | None = None  # 整改时限 (as found, or as the office set it since)
    closed: str | None = None  # as_of of the audit that found it fixed (or set aside)
    how: str | None = None  # resolved | set_aside
    review: dict[str, Any] | None = None  # the last review decision recorded while it was open
    reviews: list[str] = field(default_factory=list)  # every decision recorded on it, in order
    number: int | None = None  # the national checklist number (1–50), None for a province's or school's item

    def seen_until(self, until: date) -> date:
        """The last day it was seen open, as of `until`."""
        return min(date.fromisoformat(self.last_open), until)

    def days_open(self, until: date) -> int:
        """Days observed open (from 首次发现 to the last audit that saw it open, up to `until`)."""
        return max(0, (self.seen_until(until) - date.fromisoformat(self.opened)).days)

    def days_to_fix(self) -> int | None:
        """Days from 首次发现 to the audit that found it fixed."""
        if not self.closed or self.how != "resolved":
            return None
        return (date.fromisoformat(self.closed) - date.fromisoformat(self.opened)).days

    def days_past_deadline(self, until: date, since: date | None = None) -> int:
        """Days it was seen open after its deadline, up to `until` and counted from `since` when given (a yearly
        assessment counts its own year's days); the nightly 逾期天数 of the last audit that saw it open."""
        if not self.deadline:
            return 0
        start = date.fromisoformat(self.deadline)
        return max(0, (self.seen_until(until) - (max(start, since) if since else start)).days)

    def overlaps(self, start: str, end: str) -> bool:
        """Open at some time from `start` to `end` (found in it, or carried into it)."""
        return self.opened <= end and (self.closed is None or self.closed > start)

    def fixed_between(self, start: str, end: str) -> bool:
        return bool(self.closed and self.how == "resolved" and start <= self.closed <= end)

    def set_aside_between(self, start: str, end: str) -> bool:
        return bool(self.closed and self.how == "set_aside" and start <= self.closed <= end)

    @property
    def void(self) -> bool:
        """Set aside by a review saying it was never the school's gap (a false positive, or an item that does
        not apply): counted by no output, whenever the review was made; listed as 经复核排除."""
        return self.how == "set_aside" and (self.review or {}).get("decision") in (
            "false_positive",
            "exempted",
        )

    def open_after(self, end: str) -> bool:
        return self.closed is None or self.closed > end

    def fixed_in_time(self) -> bool:
        return bool(
            self.closed and self.how == "resolved" and (not self.deadline or self.closed <= self.deadline)
        )

    def promise(self, until: date) -> str | None:
        """kept | broken | pending, for a gap a department acknowledged with a due date (整改承诺): broken only
        once an audit saw it open after that date."""
        r = self.review or {}
        if r.get("decision") != "acknowledged" or not r.get("due"):
            return None
        due = date.fromisoformat(r["due"])
        if self.closed and date.fromisoformat(self.closed) <= until:
            return "kept" if date.fromisoformat(self.closed) <= due else "broken"
        return "broken" if self.seen_until(until) > due else "pending"

    def as_json(self, until: date) -> dict[str, Any]:
        return {
            **asdict(self),
            "days_open": self.days_open(until),
            "days_past_deadline": self.days_past_deadline(until),
            "promise": self.promise(until),
            "void": self.void,
        }


def episodes(store: Store) -> list[Episode]:
    """Every gap episode in the stored complete audits, oldest first."""
    current: dict[str, Episode] = {}
    done: list[Episode] = []
    for r in store.item_states():
        ep = current.get(r["item_id"])
        if ep is None and r["open"]:
            ep = current[r["item_id"]] = Episode(
                r["item_id"], r["short"] or "", r["category"] or "", r["owner"] or "", r["status"],
                r["as_of"], r["as_of"], None, "none", r["rectify_by"], number=r["number"],
            )  # fmt: skip
        if ep is None:
            continue
        if r["review_decision"]:  # what the reviewers said while it was open, or in setting it aside
            ep.review = {k: r[f"review_{k}"] for k in ("decision", "due", "by", "overdue")}
            if ep.reviews[-1:] != [r["review_decision"]]:
                ep.reviews.append(r["review_decision"])
        if r["open"]:
            ep.last_open = r["as_of"]
            _dates(ep, r)
        elif not r["to_check"]:
            ep.closed, ep.how = r["as_of"], "set_aside" if r["set_aside"] else "resolved"
            done.append(current.pop(r["item_id"]))
    return sorted([*done, *current.values()], key=lambda e: (e.opened, e.item))


def _dates(ep: Episode, r: Any) -> None:
    """The episode's dates after one more open night: the earliest 应发布日期 any night gave it; its 整改时限 as
    found, unless the office has set one since (a review: the newest stands)."""
    if r["due_date"] and (ep.deadline_kind != "due" or r["due_date"] < (ep.deadline or "")):
        ep.deadline, ep.deadline_kind = r["due_date"], "due"
    if (
        r["rectify_source"] and r["rectify_by"]
    ):  # written since 整改时限 is the episode's: each night states it
        ep.rectify_by = r["rectify_by"]  # (older nights wrote tonight + N days: the first night's stands)
    if ep.deadline_kind != "due" and ep.rectify_by:
        ep.deadline, ep.deadline_kind = ep.rectify_by, "rectify_by"


def save(store: Store, result: AuditResult) -> int:
    """Keep the audit (with its history and review marks) in the store; sets result.audit_id."""
    data = result.as_json()
    items = data.pop("items")
    result.audit_id = store.save_audit(
        data,
        [(it.id, it.status, fingerprint(it), it.open, d) for it, d in zip(result.items, items, strict=True)],
    )
    return result.audit_id


def attach(
    store: Store, result: AuditResult, rectify_days: int = 10, closures: frozenset[date] = frozenset()
) -> None:
    """Fill result.history, result.changes and each open gap's facts (GapFacts) from the complete audits
    already stored (call before save). A gap's facts are its episode's: 首次发现 the first complete audit of
    the episode; 应发布日期 the earliest due date any night of it found unmet; 整改时限 首次发现 + `rectify_days`
    working days on China's calendar and the school's `closures` — or the date an honoured review set."""
    earlier = store.audits("complete")
    rows: dict[str, list[Any]] = {}
    for r in store.recent_states():  # each item's newest night and its current episode: all this needs
        rows.setdefault(r["item_id"], []).append(r)
    as_of = date.fromisoformat(result.as_of)
    changes = Changes()
    if earlier:
        prev = earlier[-1]
        changes.previous_audit, changes.previous_as_of = prev["id"], prev["as_of"]
    for it in result.items:
        past = rows.get(it.id, [])
        before = (
            past[-1] if past and past[-1]["audit_id"] == (earlier[-1]["id"] if earlier else None) else None
        )
        h = ItemHistory(previous_status=before["status"] if before else None)
        was_open = bool(before and before["open"])
        if it.open:
            run = _episode_so_far(past)
            first = run[0]["as_of"] if run else result.as_of
            h.first_seen, h.days_open = first, (as_of - date.fromisoformat(first)).days
            h.new = bool(earlier) and not was_open
            (changes.new if h.new else changes.still_open).append(it.id)
            it.facts = _facts(it, run, first, rectify_days, closures)
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


def _episode_so_far(past: list[Any]) -> list[Any]:
    """The stored nights of the item's current episode, oldest first: back from the newest while it was open
    (a night it could not be verified neither ends the episode nor belongs to it)."""
    run: list[Any] = []
    for r in reversed(past):
        if r["open"]:
            run.append(r)
        elif not r["to_check"]:
            break
    return run[::-1]


def _facts(
    it: ItemResult, run: list[Any], first: str, rectify_days: int, closures: frozenset[date]
) -> GapFacts:
    dues = [r["due_date"] for r in run if r["due_date"]] + ([it.rule_due] if it.rule_due else [])
    review = it.review or {}
    if review.get("decision") == "acknowledged" and review.get("due") and not review.get("outdated"):
        return GapFacts(first, min(dues, default=None), review["due"], "review")
    by = add_working_days(date.fromisoformat(first), rectify_days, closures)
    return GapFacts(first, min(dues, default=None), by.isoformat(), "found", by.provisional)


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

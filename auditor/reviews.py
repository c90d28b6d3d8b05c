"""Decisions the office records about findings (reviews.yaml), honoured by later runs and never hidden.

decision: false_positive — the finding is wrong (taken out of the open gaps, shown as reviewed);
          exempted       — the item does not apply to this school (same, shown with the reason);
          acknowledged   — the gap is real and being fixed by `due` (stays open; flagged once overdue).
A review records the item's status and fingerprint when it was made; if the item has changed since,
the review is shown as outdated and not honoured until someone reviews it again.

Every decision is kept in the store as an event (who, when, why; `review_events`): reviews.yaml and
`auditor review` are ways to write them, and an entry deleted from the file is recorded as withdrawn, never
forgotten. The latest event of an item is the one honoured, by the nightly audit and so by every output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BeforeValidator, Field, model_validator

from auditor.errors import InputError
from auditor.findings import GAPS, AuditResult
from auditor.history import fingerprint
from auditor.store import Store
from auditor.validation import Model, Says, Text, check, fault
from auditor.wording import say
from auditor.yamlsrc import load_located

DECISIONS = ("false_positive", "exempted", "acknowledged")
WITHDRAWN = "withdrawn"  # an event, not a decision one writes: the review was taken out of reviews.yaml
FILED = ("reviews.yaml", "cli")  # events that live in the file too (a web decision does not)
HEADER = (
    "# Review decisions about auditor findings. Written by `auditor review`; editable by hand.\n"
    "# decision: false_positive | exempted | acknowledged (needs due: YYYY-MM-DD)\n"
)


@dataclass(frozen=True)
class Review:
    item: str
    decision: str
    reviewer: str
    reason: str
    date: str
    due: str | None = None
    status: str | None = None
    fingerprint: str | None = None
    line: int | None = field(default=None, compare=False)  # where reviews.yaml holds it (for errors)

    def as_yaml(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None and k != "line"}


def _iso(value: Any) -> Any:
    try:
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        raise fault("not_date") from None


Day = Annotated[date, BeforeValidator(_iso)]


class Entry(Model):
    """One decision about an item's finding, as reviews.yaml holds it."""

    item: Text = Field(examples=["moe-34"])
    decision: Literal["false_positive", "exempted", "acknowledged"]
    reviewer: Text = Field(examples=["李四（纪检监察处）"])
    reason: Text = Field(examples=["报告刊于校报，经核实已公开"])
    date: Day | None = None
    due: Day | None = None  # when an acknowledged gap will be published
    status: str | None = None  # what was reviewed (recorded by `auditor review`)
    fingerprint: Annotated[str, BeforeValidator(str)] | None = None

    @model_validator(mode="after")
    def _promise_has_a_day(self) -> Entry:
        if self.decision == "acknowledged" and self.due is None:
            raise fault("acknowledged_due")
        return self


class ReviewsFile(Model):
    reviews: list[Entry] = []


def load_reviews(path: Path) -> list[Review]:
    """The reviews in `path` (none when it does not exist). Any malformed entry is an error, never skipped."""
    if not path.exists():
        return []
    doc = load_located(path)
    see = "see_reviews"  # errors.hint.see_reviews
    root = Says("reviews_root")
    return [
        Review(e.item, e.decision, e.reviewer, e.reason, e.date.isoformat() if e.date else "",
               e.due.isoformat() if e.due else None, e.status, e.fingerprint, doc.line("reviews", i))
        for i, e in enumerate(check(doc, ReviewsFile, doc.data or {}, root, see=see).reviews)
    ]  # fmt: skip


def _key(r: Any) -> tuple[str, ...]:
    """A decision's identity (a review dict or a stored event)."""
    d = dict(r)
    return tuple(d.get(k) or "" for k in ("item", "decision", "reviewer", "reason", "date", "due"))


def latest_events(store: Store) -> dict[str, Any]:
    """Each item's newest review event (a withdrawal included): the one honoured."""
    latest: dict[str, Any] = {}
    for e in store.review_events():
        latest[e["item"]] = e
    return latest


def sync(store: Store, reviews: list[Review], today: date) -> list[Review]:
    """Keep the file's reviews as events, record a withdrawal for each item whose honoured review (one the file
    held) is no longer in it, and return the honoured review of each item: its latest event."""
    store.record_reviews([r.as_yaml() for r in reviews], "reviews.yaml")
    in_file = {_key(r.as_yaml()) for r in reviews}
    gone = [
        {"item": item, "decision": WITHDRAWN, "reviewer": "reviews.yaml", "reason": "已从 reviews.yaml 删除",
         "date": today.isoformat()}
        for item, e in latest_events(store).items()
        if e["source"] in FILED and e["decision"] != WITHDRAWN and _key(e) not in in_file
    ]  # fmt: skip
    if gone:
        store.record_reviews(gone, "reviews.yaml")
    lines = {_key(r.as_yaml()): r.line for r in reviews}
    return [
        Review(e["item"], e["decision"], e["reviewer"], e["reason"], e["date"], e["due"] or None,
               e["status"] or None, e["fingerprint"] or None, lines.get(_key(e)))
        for e in latest_events(store).values()
        if e["decision"] != WITHDRAWN
    ]  # fmt: skip


def as_file(store: Store) -> str:
    """The decisions honoured now, from every source, as a reviews.yaml (the workspace's export)."""
    keep = ("item", "decision", "reviewer", "reason", "date", "due", "status", "fingerprint")
    entries = [
        {k: e[k] for k in keep if e[k]} for e in latest_events(store).values() if e["decision"] != WITHDRAWN
    ]
    return HEADER + yaml.safe_dump({"reviews": entries}, allow_unicode=True, sort_keys=False)


def apply_reviews(result: AuditResult, reviews: list[Review], reviews_path: str = "reviews.yaml") -> None:
    """Attach the latest review of each item; mark it outdated when the item changed since."""
    known = {it.id for it in result.items}
    latest: dict[str, Review] = {}
    for r in reviews:
        if r.item not in known:
            raise InputError.said(reviews_path, r.line, "review_unknown", item=r.item)
        latest[r.item] = r
    as_of = date.fromisoformat(result.as_of)
    for it in result.items:
        r = latest.get(it.id)
        if r is None:
            continue
        outdated = (r.fingerprint is not None and r.fingerprint != fingerprint(it)) or (
            r.status is not None and r.status != it.status
        )
        it.review = {
            **r.as_yaml(),
            "outdated": outdated,
            "overdue": bool(r.decision == "acknowledged" and r.due and date.fromisoformat(r.due) < as_of),
        }


def decide(
    store: Store, item_ids: set[str], item: str, decision: str, reviewer: str, reason: str, due: date | None,
    today: date, source: str,
) -> Review:  # fmt: skip
    """A decision about `item`, checked as every way of making one checks it (the CLI, the workspace), and kept
    as an event from `source`: the item exists and is audited; only a gap can be a false positive or promised;
    a promise has its day; a withdrawal (the workspace's) takes back the item's decision. It records the item's
    status and fingerprint as the standing audit left them."""
    if decision == "acknowledged" and due is None:
        raise InputError("due", None, say("cli.input.due_needed"), say("cli.input.due_needed_hint"))
    if item not in item_ids:
        raise InputError(
            "item", None, say("cli.input.no_such_item", item=item), say("cli.input.no_such_item_hint")
        )
    standing = store.standing_audit()  # as the reports stand: an inconclusive night decides nothing
    row = store.audit_items(standing["id"]).get(item) if standing else None
    if row is None:
        raise InputError(
            str(store.path), None, say("cli.input.not_audited", item=item), say("cli.input.not_audited_hint")
        )
    if decision in ("false_positive", "acknowledged") and row["status"] not in GAPS:
        raise InputError(
            "decision", None, say("cli.input.not_a_gap", item=item, status=row["status"]),
            say("cli.input.not_a_gap_hint"),
        )  # fmt: skip
    review = Review(
        item, decision, reviewer, reason, today.isoformat(), due.isoformat() if due else None, row["status"],
        row["fingerprint"],
    )  # fmt: skip
    store.record_reviews([review.as_yaml()], source)
    return review


def write_review(path: Path, review: Review) -> None:
    """Add `review` to the file (replacing an earlier review of the same item); refuses a malformed file."""
    existing = load_reviews(path)  # raises on a malformed file: never overwrite what we cannot read
    kept = [r for r in existing if r.item != review.item] + [review]
    body = yaml.safe_dump({"reviews": [r.as_yaml() for r in kept]}, allow_unicode=True, sort_keys=False)
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(HEADER + body, encoding="utf-8")
    tmp.replace(path)

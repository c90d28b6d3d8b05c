"""Audits kept as history: each audit's summary and its items (status, fingerprint, open, the item's JSON), read
back as the findings.json it was, item by item over time, and as the documents the audits found."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from auditor.store.connection import Connection, now_iso

STATE_FACTS = (  # (name, path in a stored item's result) of the facts gap episodes are built from
    ("short", "short"), ("category", "category"), ("owner", "owner"), ("to_check", "to_check"),
    ("set_aside", "set_aside"), ("due_date", "due_date"), ("rectify_by", "rectify_by"),
    ("rectify_source", "rectify_source"), ("days_overdue", "days_overdue"), ("review_decision", "review.decision"),
    ("review_due", "review.due"), ("review_by", "review.reviewer"), ("review_overdue", "review.overdue"),
    ("number", "number"),
)  # fmt: skip


class AuditHistory(Connection):
    """Save audits; read them, their items and each item's history."""

    def save_audit(
        self, summary: dict[str, Any], items: list[tuple[str, str, str, bool, dict[str, Any]]]
    ) -> int:
        """Keep one audit: `summary` is findings.json without items; items are (id, status, fingerprint, open,
        item JSON)."""
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO audits(run_id, as_of, created_at, status, reason, counts, tool_version,"
                " config_fingerprint, summary, open_gaps) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    summary["run"]["id"],
                    summary["run"]["as_of"],
                    now_iso(),
                    summary["audit"]["status"],
                    summary["audit"]["reason"],
                    json.dumps(summary["counts"]),
                    summary["run"]["tool_version"],
                    summary["run"]["config_fingerprint"],
                    "",
                    summary.get("open_gaps"),
                ),
            )
            audit_id = int(cur.lastrowid or 0)
            summary = {**summary, "audit": {**summary["audit"], "id": audit_id}}
            db.execute(
                "UPDATE audits SET summary=? WHERE id=?", (json.dumps(summary, ensure_ascii=False), audit_id)
            )
            db.executemany(
                "INSERT INTO audit_items(audit_id, item_id, status, fingerprint, open, result) VALUES (?,?,?,?,?,?)",
                [
                    (audit_id, i, st, fp, int(op), json.dumps(r, ensure_ascii=False))
                    for i, st, fp, op, r in items
                ],
            )
        return audit_id

    def audits(self, status: str | None = None) -> list[sqlite3.Row]:
        sql, args = "SELECT * FROM audits", ()
        if status:
            sql, args = sql + " WHERE status=?", (status,)
        return self.db.execute(sql + " ORDER BY id", args).fetchall()

    def audit(self, audit_id: int) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM audits WHERE id=?", (audit_id,)).fetchone()

    def audit_items(self, audit_id: int) -> dict[str, sqlite3.Row]:
        return {
            r["item_id"]: r
            for r in self.db.execute("SELECT * FROM audit_items WHERE audit_id=?", (audit_id,))
        }

    def latest_audit(self) -> sqlite3.Row | None:
        """The newest audit's row (without reading any night before it)."""
        return self.db.execute("SELECT * FROM audits ORDER BY id DESC LIMIT 1").fetchone()

    def latest_audit_id(self) -> int | None:
        return self.db.execute("SELECT max(id) FROM audits").fetchone()[0]

    def standing_audit(self) -> sqlite3.Row | None:
        """The audit whose findings stand (history.current): the newest complete one, else the newest."""
        return (
            self.db.execute(
                "SELECT * FROM audits WHERE status='complete' ORDER BY id DESC LIMIT 1"
            ).fetchone()
            or self.latest_audit()
        )

    def closed_since(self, item_id: str, after: int) -> bool:
        """Whether a complete audit after audit `after` found the item neither open nor unverifiable."""
        return bool(
            self.db.execute(
                "SELECT 1 FROM audit_items i JOIN audits a ON a.id = i.audit_id WHERE i.item_id=? AND i.audit_id > ?"
                " AND a.status='complete' AND NOT i.open AND i.status <> 'inconclusive' LIMIT 1",
                (item_id, after),
            ).fetchone()
        )

    def trend(self, most: int = 400) -> list[sqlite3.Row]:
        """The newest `most` audits' night and open gaps, oldest first: one small row a night."""
        return self.db.execute(
            "SELECT * FROM (SELECT id, as_of, status, open_gaps FROM audits ORDER BY id DESC LIMIT ?) ORDER BY id",
            (most,),
        ).fetchall()

    def item_nights(self, item_id: str) -> list[sqlite3.Row]:
        """One item over the nights (status, open, due date, days overdue), from its index: its page's history."""
        return self.db.execute(
            "SELECT a.id AS audit_id, a.as_of, a.status AS audit_status, i.status, i.open,"
            " json_extract(i.result, '$.due_date') AS due_date, json_extract(i.result, '$.owner') AS owner"
            " FROM audit_items i JOIN audits a ON a.id = i.audit_id WHERE i.item_id=? ORDER BY i.audit_id",
            (item_id,),
        ).fetchall()

    def findings(self, audit_id: int) -> dict[str, Any] | None:
        """A stored audit as the findings.json it was written as."""
        row = self.audit(audit_id)
        if row is None:
            return None
        items = self.db.execute("SELECT result FROM audit_items WHERE audit_id=? ORDER BY rowid", (audit_id,))
        return {**json.loads(row["summary"]), "items": [json.loads(r["result"]) for r in items]}

    def item_history(self, item_id: str) -> list[sqlite3.Row]:
        return self.db.execute(
            "SELECT a.id AS audit_id, a.as_of, a.created_at, a.status AS audit_status, a.run_id,"
            " i.status, i.open, i.fingerprint, i.result FROM audit_items i JOIN audits a ON a.id = i.audit_id"
            " WHERE i.item_id=? ORDER BY a.id",
            (item_id,),
        ).fetchall()

    def item_states(self) -> list[dict[str, Any]]:
        """Every item of every complete audit, oldest audit first, with the facts the findings computed
        (open, to_check, set_aside, owner, due date, 整改时限, review): what gap episodes are built from.
        One json_extract with every path parses each stored result once (a year of nights is 20,000 rows)."""
        paths = ", ".join(f"'$.{path}'" for _, path in STATE_FACTS)
        rows = self.db.execute(
            f"SELECT a.id AS audit_id, a.as_of, i.item_id, i.status, i.open, json_extract(i.result, {paths}) AS facts"
            " FROM audit_items i JOIN audits a ON a.id = i.audit_id WHERE a.status = 'complete'"
            " ORDER BY a.as_of, a.id, i.rowid"
        ).fetchall()
        names = [name for name, _ in STATE_FACTS]
        return [
            {"audit_id": r[0], "as_of": r[1], "item_id": r[2], "status": r[3], "open": r[4],
             **dict(zip(names, json.loads(r[5]), strict=True))}
            for r in rows
        ]  # fmt: skip

    def recent_states(self) -> list[dict[str, Any]]:
        """What a new audit's history needs, and no more: each item's row in the newest complete audit and the
        rows of its current episode (back from the newest while it was open; a night it could not be verified
        is passed over, as history does). Found on the rows' status columns; only those rows' results are
        parsed — so its cost follows how long gaps stay open, not how many years of nights are stored."""
        rows = self.db.execute(
            "SELECT i.rowid, i.item_id, i.status, i.open FROM audit_items i JOIN audits a ON a.id = i.audit_id"
            " WHERE a.status = 'complete' ORDER BY a.as_of, a.id, i.rowid"
        ).fetchall()
        by_item: dict[str, list[Any]] = {}
        for r in rows:
            by_item.setdefault(r[1], []).append(r)
        wanted: set[int] = set()
        for past in by_item.values():
            wanted.add(past[-1][0])
            for rowid, _, status, is_open in reversed(past):
                if is_open:
                    wanted.add(rowid)
                elif status != "inconclusive":
                    break
        paths = ", ".join(f"'$.{path}'" for _, path in STATE_FACTS)
        names = [name for name, _ in STATE_FACTS]
        out: list[dict[str, Any]] = []
        ids = sorted(wanted)
        for k in range(0, len(ids), 500):
            part = ids[k : k + 500]
            out += [
                {"rowid": r[0], "audit_id": r[1], "as_of": r[2], "item_id": r[3], "status": r[4], "open": r[5],
                 **dict(zip(names, json.loads(r[6]), strict=True))}
                for r in self.db.execute(
                    f"SELECT i.rowid, a.id, a.as_of, i.item_id, i.status, i.open, json_extract(i.result, {paths})"
                    f" FROM audit_items i JOIN audits a ON a.id = i.audit_id"
                    f" WHERE i.rowid IN ({','.join('?' * len(part))})",
                    part,
                )
            ]  # fmt: skip
        order = {r[0]: n for n, r in enumerate(rows)}
        return sorted(out, key=lambda r: order[r["rowid"]])

    def item_documents(self, start: str, end: str, until: str) -> list[sqlite3.Row]:
        """The checklist documents published from `start` to `end` (their own date), as the complete audits up
        to `until` found them: each URL once, under the item the newest of those audits had it for (checklist order within one)."""
        return self.db.execute(
            "SELECT url, published, item_id, category, owner FROM ("
            " SELECT json_extract(e.value, '$.url') AS url, json_extract(e.value, '$.published') AS published,"
            " i.item_id, json_extract(i.result, '$.category') AS category, json_extract(i.result, '$.owner') AS owner,"
            " row_number() OVER (PARTITION BY json_extract(e.value, '$.url') ORDER BY a.as_of DESC, a.id DESC, i.rowid) AS k"
            " FROM audit_items i JOIN audits a ON a.id = i.audit_id, json_each(i.result, '$.evidence') e"
            " WHERE a.status = 'complete' AND a.as_of <= ? AND json_extract(e.value, '$.usable')"
            " AND json_extract(e.value, '$.kind') = 'document'"
            " AND json_extract(e.value, '$.published') BETWEEN ? AND ?) WHERE k = 1 ORDER BY published",
            (until, start, end),
        ).fetchall()

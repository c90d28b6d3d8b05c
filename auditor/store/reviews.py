"""Review events: what the office decided about an item, who, when and why — kept, never rewritten."""

from __future__ import annotations

import sqlite3
from typing import Any

from auditor.store.connection import Connection, now_iso


class ReviewEvents(Connection):
    """Record decisions (each once) and read them in the order they were made."""

    def record_reviews(self, reviews: list[dict[str, Any]], source: str) -> int:
        """Keep these decisions as events (one already kept is not kept twice); how many were new."""
        with self.transaction() as db:
            before = db.total_changes
            db.executemany(
                "INSERT OR IGNORE INTO review_events(item, decision, reviewer, reason, date, due, status,"
                " fingerprint, recorded_at, source) VALUES (?,?,?,?,?,?,?,?,?,?)",
                [(r["item"], r["decision"], r["reviewer"], r["reason"], r["date"], r.get("due") or "",
                  r.get("status") or "", r.get("fingerprint") or "", now_iso(), source) for r in reviews],
            )  # fmt: skip
            return db.total_changes - before

    def review_events(self, item: str | None = None) -> list[sqlite3.Row]:
        """Every decision kept (or one item's), in the order they were made (the day, then as recorded)."""
        if item is None:
            return self.db.execute("SELECT * FROM review_events ORDER BY date, id").fetchall()
        return self.db.execute(
            "SELECT * FROM review_events WHERE item=? ORDER BY date, id", (item,)
        ).fetchall()

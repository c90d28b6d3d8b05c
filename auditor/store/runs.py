"""Runs: a crawl is a run; it starts 'running' and finishes complete, partial, failed or interrupted, with its
stop reason and stats. Finishing marks the run's duplicate articles and its links that turned out to be files."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
from dataclasses import dataclass
from typing import Any

from auditor.store.connection import Connection, now_iso

FINAL_STATUSES = ("complete", "partial", "failed", "interrupted")


@dataclass(frozen=True)
class Run:
    id: int
    school: str
    started_at: str
    finished_at: str | None
    status: str
    stop_reason: str | None
    config_fingerprint: str | None
    tool_version: str | None
    stats: dict[str, Any]


class Runs(Connection):
    """Start, finish and read runs."""

    def start_run(
        self, school: str, config_path: str, fingerprint: str, version: str, start_urls: list[str]
    ) -> int:
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO runs(school, started_at, status, config_path, config_fingerprint, tool_version, pid, host, start_urls)"
                " VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    school,
                    now_iso(),
                    "running",
                    config_path,
                    fingerprint,
                    version,
                    os.getpid(),
                    socket.gethostname(),
                    json.dumps(start_urls),
                ),
            )
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, status: str, reason: str, stats: dict[str, Any]) -> None:
        assert status in FINAL_STATUSES, status
        with self.transaction() as db:
            self._mark_duplicates(db, run_id)
            # a link that looked like a page but answered with a file is an attachment link after all
            db.execute(
                "UPDATE links SET is_attachment = 1 WHERE run_id = ? AND is_attachment = 0 AND dst IN "
                "(SELECT url FROM attachments WHERE run_id = ?)",
                (run_id, run_id),
            )
            db.execute(
                "UPDATE runs SET status=?, stop_reason=?, finished_at=?, stats=? WHERE id=?",
                (status, reason, now_iso(), json.dumps(stats, ensure_ascii=False), run_id),
            )

    @staticmethod
    def _mark_duplicates(db: sqlite3.Connection, run_id: int) -> None:
        """The same article under several URLs: every copy points at the shortest URL with that text.
        Only hash groups with more than one page are touched (one indexed pass, not a scan per page)."""
        db.execute(
            """
            WITH ok AS (SELECT url, text_hash FROM pages WHERE run_id = ?1 AND text_hash IS NOT NULL
                          AND status BETWEEN 200 AND 299 AND length(coalesce(excerpt, '')) >= 40),
                 groups AS (SELECT text_hash FROM ok GROUP BY text_hash HAVING count(*) > 1),
                 firsts AS (SELECT ok.text_hash, ok.url, row_number() OVER (PARTITION BY ok.text_hash
                              ORDER BY length(ok.url), ok.url) AS rn FROM ok JOIN groups USING (text_hash))
            UPDATE pages SET duplicate_of = f.url FROM firsts f
            WHERE pages.run_id = ?1 AND f.rn = 1 AND pages.text_hash = f.text_hash AND pages.url != f.url
              AND pages.url IN (SELECT url FROM ok)""",
            (run_id,),
        )

    def _run(self, row: sqlite3.Row) -> Run:
        return Run(
            id=row["id"],
            school=row["school"],
            started_at=row["started_at"],
            finished_at=row["finished_at"],
            status=row["status"],
            stop_reason=row["stop_reason"],
            config_fingerprint=row["config_fingerprint"],
            tool_version=row["tool_version"],
            stats=json.loads(row["stats"] or "{}"),
        )

    def run(self, run_id: int) -> Run | None:
        row = self.db.execute("SELECT * FROM runs WHERE id=?", (run_id,)).fetchone()
        return self._run(row) if row else None

    def runs(self) -> list[Run]:
        return [self._run(r) for r in self.db.execute("SELECT * FROM runs ORDER BY id")]

    def latest_run(self, status: str | None = "complete") -> Run | None:
        sql, args = "SELECT * FROM runs", ()
        if status:
            sql, args = sql + " WHERE status=?", (status,)
        row = self.db.execute(sql + " ORDER BY id DESC LIMIT 1", args).fetchone()
        return self._run(row) if row else None

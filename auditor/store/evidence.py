"""Evidence the store keeps for the archive: response bodies and headers, what a downloaded document contains,
and the index of the WARC records (and screenshots) an audit's evidence was archived as."""

from __future__ import annotations

import json
import sqlite3
import zlib
from typing import Any

from auditor.store.connection import Connection


class EvidenceRecords(Connection):
    """Bodies, documents and the archive index."""

    def body(self, sha256: str) -> tuple[bytes, bool] | None:
        """A stored payload and whether it was capped, or None."""
        row = self.db.execute("SELECT data, capped FROM bodies WHERE sha256=?", (sha256,)).fetchone()
        return (zlib.decompress(row[0]), bool(row[1])) if row else None

    def responses(self, run_id: int, urls: list[str]) -> dict[str, dict[str, Any]]:
        """What the run received for these URLs (pages and files): status, headers, body hash, when."""
        out: dict[str, dict[str, Any]] = {}
        for table in ("attachments", "pages"):
            for k in range(0, len(urls), 500):
                part = urls[k : k + 500]
                for r in self.db.execute(
                    f"SELECT url, status, error, headers, body_sha256, fetched_at, content_type FROM {table} "
                    f"WHERE run_id=? AND url IN ({','.join('?' * len(part))})",
                    (run_id, *part),
                ):
                    out.setdefault(r["url"], {**dict(r), "headers": json.loads(r["headers"] or "null") or {}})
        return out

    def document(self, sha256: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM documents WHERE sha256=?", (sha256,)).fetchone()
        if row is None:
            return None
        return {**dict(row), "privacy": json.loads(row["privacy"]) if row["privacy"] else []}

    def put_document(self, sha256: str, info: dict[str, Any]) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO documents(sha256, format, text, pages, scanned, error, detail, privacy, ocr)"
                " VALUES (?,?,?,?,?,?,?,?,?)",
                (sha256, info.get("format"), info.get("text"), info.get("pages"), int(bool(info.get("scanned"))),
                 info.get("error"), info.get("detail"), json.dumps(info.get("privacy") or [], ensure_ascii=False),
                 info.get("ocr")),
            )  # fmt: skip

    def archived(self, run_id: int | None = None, sha256: str | None = None) -> list[sqlite3.Row]:
        """Archive records of a run, or the response records holding a payload (for revisits)."""
        if sha256 is not None:
            return self.db.execute(
                "SELECT * FROM archive WHERE sha256=? AND record='response' ORDER BY run_id", (sha256,)
            ).fetchall()
        return self.db.execute("SELECT * FROM archive WHERE run_id=? ORDER BY url", (run_id,)).fetchall()

    def record_archive(self, run_id: int, rows: list[dict[str, Any]]) -> None:
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO archive(run_id, url, record, sha256, warc, offset, length, refers_to,"
                " archived_at, screenshot) VALUES (?,?,?,?,?,?,?,?,?,?)",
                [(run_id, r["url"], r["record"], r["sha256"], r["warc"], r["offset"], r["length"],
                  r.get("refers_to"), r["archived_at"], r.get("screenshot")) for r in rows],
            )  # fmt: skip

    def set_screenshot(self, run_id: int, url: str, path: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE archive SET screenshot=? WHERE run_id=? AND url=?", (path, run_id, url))

    def archive_files(self) -> set[str]:
        """Every WARC file an archive record still needs (holds it, or is referred to by a revisit)."""
        rows = self.db.execute(
            "SELECT warc FROM archive UNION SELECT refers_to FROM archive WHERE refers_to IS NOT NULL"
        )
        return {r[0] for r in rows}

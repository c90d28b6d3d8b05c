"""What a crawl writes, in batches from its pipeline: pages (with their links, list entries and 信息公开目录
rows), files, response bodies (once per payload), pages copied from an earlier night (304, or kept by the
revisit rotation), and redirect chains, settled at the end where they reached nothing stored.

Writes are batched in transactions (WAL journal), so a crawl killed at any moment leaves a consistent
database: committed batches are whole."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
import zlib
from typing import Any
from urllib.parse import urlsplit

from auditor.store.connection import Connection, now_iso

PAGE_FIELDS = (
    "url", "final_url", "redirects", "status", "error", "content_type", "encoding", "size", "title", "html_title",
    "breadcrumb", "published", "published_raw", "period", "excerpt", "text_hash", "placeholder", "canonical", "depth",
    "referer", "fetched_at", "etag", "last_modified", "listing", "content_chars", "content_links", "scripted",
    "failed_at", "attempts", "body_sha256", "headers", "extraction", "privacy",
)  # fmt: skip
ATTACHMENT_FIELDS = ("url", "final_url", "status", "error", "content_type", "size", "filename", "method", "fetched_at",
                     "last_modified", "failed_at", "attempts", "body_sha256", "headers")  # fmt: skip
JSON_FIELDS = {
    "redirects",
    "breadcrumb",
    "period",
    "headers",
    "privacy",
}  # stored as JSON ("[]" when absent; period, headers NULL)


def _insert(
    db: sqlite3.Connection, table: str, run_id: int, item: dict[str, Any], fields: tuple[str, ...]
) -> None:
    """One crawled record into `table`, replacing an earlier one for the same URL in this run."""
    values = [
        (
            json.dumps(item[f], ensure_ascii=False)
            if item.get(f)
            else (None if f in ("period", "headers") else "[]")
        )
        if f in JSON_FIELDS
        else item.get(f)
        for f in fields
    ]
    db.execute(
        f"INSERT OR REPLACE INTO {table}(run_id, {', '.join(fields)}) VALUES ({', '.join('?' * (len(fields) + 1))})",
        (run_id, *values),
    )


# what a 304 copies from last night's record: all of it but how this night reached the page
PAGE_COLUMNS = ", ".join(f for f in PAGE_FIELDS if f not in ("depth", "referer", "fetched_at"))


REDIRECTS_FOLLOWED = 12  # Scrapy gives up after 10 (REDIRECT_MAX_TIMES); a chain longer is recorded by it


class CrawlWrites(Connection):
    """Pages, files, bodies and redirects as the crawl pipeline hands them over."""

    def write_batch(self, run_id: int, items: list[dict[str, Any]]) -> None:
        """Write pages and attachments (with their links, list entries, directory rows) in one transaction."""
        with self.transaction() as db:
            for item in items:
                if item["kind"] == "page":
                    self._write_page(db, run_id, item)
                elif item["kind"] in ("unchanged", "kept"):
                    self._copy_page(db, run_id, item)
                elif item["kind"] == "kept_attachment":
                    self._keep_attachment(db, run_id, item)
                else:
                    self._write_attachment(db, run_id, item)
                if item["kind"] in ("page", "unchanged"):
                    db.execute(
                        "UPDATE pages SET requested_run=? WHERE run_id=? AND url=?",
                        (run_id, run_id, item["url"]),
                    )
                elif item["kind"] == "attachment":
                    db.execute(
                        "UPDATE attachments SET requested_run=? WHERE run_id=? AND url=?",
                        (run_id, run_id, item["url"]),
                    )

    @staticmethod
    def _keep_attachment(db: sqlite3.Connection, run_id: int, a: dict[str, Any]) -> None:
        """A file the rotation did not ask about tonight: last night's record, as it was (requested_run kept)."""
        cols = ", ".join((*ATTACHMENT_FIELDS, "requested_run"))
        db.execute(
            f"INSERT OR REPLACE INTO attachments(run_id, {cols}) SELECT ?, {cols} FROM attachments WHERE run_id=? AND url=?",
            (run_id, a["from_run"], a["url"]),
        )

    @staticmethod
    def _put_body(db: sqlite3.Connection, item: dict[str, Any]) -> dict[str, Any]:
        """Keep the record's body (once per payload) and name it by its SHA-256 in the record."""
        body = item.pop("body", None)
        if body is None:
            return item
        sha = hashlib.sha256(body).hexdigest()
        db.execute(
            "INSERT OR IGNORE INTO bodies(sha256, size, capped, data) VALUES (?,?,?,?)",
            (sha, len(body), int(bool(item.pop("capped", False))), zlib.compress(body, 6)),
        )
        return {**item, "body_sha256": sha}

    @staticmethod
    def _write_page(db: sqlite3.Connection, run_id: int, p: dict[str, Any]) -> None:
        p = CrawlWrites._put_body(db, p)
        record = {**p, "fetched_at": p.get("fetched_at") or now_iso(), "links_run": run_id}
        _insert(db, "pages", run_id, record, (*PAGE_FIELDS, "links_run"))
        # a refused or failed request's chain says where it led, not what led here
        if p.get("status") is not None:
            CrawlWrites._write_redirects(db, run_id, p.get("redirects", []), p["url"])
        db.execute("DELETE FROM links WHERE run_id=? AND src=?", (run_id, p["url"]))
        db.executemany(
            "INSERT INTO links(run_id, src, dst, text, context, is_attachment) VALUES (?,?,?,?,?,?)",
            [
                (run_id, p["url"], link["url"], link["text"], link["context"], int(link["is_attachment"]))
                for link in p.get("links", [])
            ],
        )
        db.executemany(
            "INSERT INTO entries(run_id, page, title, target, date) VALUES (?,?,?,?,?)",
            [(run_id, p["url"], e["title"], e["url"], e["date"]) for e in p.get("entries", [])],
        )
        db.executemany(
            "INSERT INTO directory(run_id, page, number, category, label, department, target, link_text)"
            " VALUES (?,?,?,?,?,?,?,?)",
            [
                (
                    run_id,
                    p["url"],
                    r["number"],
                    r["category"],
                    r["label"],
                    r["department"],
                    link["url"],
                    link["text"],
                )
                for r in p.get("directory", [])
                for link in (r["links"] or [{"url": None, "text": None}])
            ],
        )

    def write_hops(self, run_id: int, hops: list[tuple[str, str]]) -> None:
        """Single redirect hops (from → to) the crawl saw; `resolve` follows them to where they end."""
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO redirects(run_id, src, dst) VALUES (?,?,?)",
                [(run_id, a, b) for a, b in dict.fromkeys(hops) if a != b],
            )

    def settle_redirects(self, run_id: int) -> dict[str, int]:
        """A redirect chain that never reached a stored page — it loops back on itself (Scrapy drops the
        repeat as a duplicate request, silently) or its end was never fetched — is recorded as a page the
        crawl could not have: under each linked URL of the chain, with the chain and why. Evidence behind it is
        then 'cannot verify', not missing. One pass over the run's hops in memory (no query per hop).
        Returns how many such pages were recorded, by why."""
        with self.transaction() as db:
            nxt: dict[str, str] = {}
            for src, dst in db.execute(
                "SELECT src, dst FROM redirects WHERE run_id=? ORDER BY rowid", (run_id,)
            ):
                nxt.setdefault(src, dst)
            if not nxt:
                return {}
            stored = {r[0] for r in db.execute("SELECT url FROM pages WHERE run_id=?", (run_id,))}
            stored |= {r[0] for r in db.execute("SELECT url FROM attachments WHERE run_id=?", (run_id,))}
            linked = {
                r[0]
                for r in db.execute(
                    "SELECT DISTINCT r.src FROM redirects r CROSS JOIN links l ON l.dst = r.src CROSS JOIN pages p"
                    " ON p.run_id = r.run_id AND p.url = l.src AND p.links_run = l.run_id WHERE r.run_id=?",
                    (run_id,),
                )
            }
            targets = set(nxt.values())
            hosts = {urlsplit(u).hostname or "" for u in stored}
            settled: dict[str, int] = {}
            for url in nxt:
                if url in stored or (url in targets and url not in linked):
                    continue  # recorded, or the middle of a chain nobody linked to
                chain = [url]
                while chain[-1] in nxt and nxt[chain[-1]] not in chain and len(chain) < REDIRECTS_FOLLOWED:
                    chain.append(nxt[chain[-1]])
                if any(u in stored for u in chain):
                    continue  # it does end at something stored
                end = nxt.get(chain[-1], chain[-1])
                if end in chain and chain[-1] in nxt:
                    error = "redirect_loop"
                elif (urlsplit(end).hostname or "") not in hosts:  # Scrapy drops off-site hops unrecorded
                    error = "redirect_offsite"
                else:
                    error = "redirect_unreached"
                _insert(
                    db,
                    "pages",
                    run_id,
                    {
                        "url": url,
                        "status": None,
                        "error": error,
                        "redirects": chain,
                        "fetched_at": now_iso(),
                        "links_run": run_id,
                    },
                    (*PAGE_FIELDS, "links_run"),
                )
                settled[error] = settled.get(error, 0) + 1
        return settled

    @staticmethod
    def _write_redirects(db: sqlite3.Connection, run_id: int, chain: list[str], dst: str) -> None:
        db.executemany(
            "INSERT INTO redirects(run_id, src, dst) VALUES (?,?,?)",
            [(run_id, src, dst) for src in dict.fromkeys(chain) if src != dst],
        )

    @staticmethod
    def _copy_page(db: sqlite3.Connection, run_id: int, p: dict[str, Any]) -> None:
        """A page the server answered 304 for, or the rotation kept: its row, list entries and directory rows, as
        last time. Its links are not copied: the row points at the run that stored them (links_run)."""
        prev, url = p["from_run"], p["url"]
        if (
            p["kind"] == "kept"
        ):  # not requested tonight: when it was last fetched, and by which run, stay as they were
            db.execute(
                f"INSERT OR REPLACE INTO pages(run_id, {PAGE_COLUMNS}, depth, referer, fetched_at, unchanged_since, "
                f"requested_run, links_run) SELECT ?, {PAGE_COLUMNS}, depth, referer, fetched_at, "
                f"coalesce(unchanged_since, ?), requested_run, coalesce(links_run, run_id) FROM pages WHERE run_id=? AND url=?",
                (run_id, prev, prev, url),
            )
        else:
            db.execute(
                f"INSERT OR REPLACE INTO pages(run_id, {PAGE_COLUMNS}, depth, referer, fetched_at, unchanged_since, "
                f"links_run) SELECT ?, {PAGE_COLUMNS}, ?, ?, ?, ?, coalesce(links_run, run_id) FROM pages "
                f"WHERE run_id=? AND url=?",
                (run_id, p.get("depth"), p.get("referer"), p.get("fetched_at") or now_iso(), prev, prev, url),
            )
        db.execute(
            "DELETE FROM links WHERE run_id=? AND src=?", (run_id, url)
        )  # a version parsed earlier tonight
        db.execute(
            "INSERT INTO entries(run_id, page, title, target, date) "
            "SELECT ?, page, title, target, date FROM entries WHERE run_id=? AND page=?",
            (run_id, prev, url),
        )
        db.execute(
            "INSERT INTO directory(run_id, page, number, category, label, department, target, link_text) "
            "SELECT ?, page, number, category, label, department, target, link_text FROM directory "
            "WHERE run_id=? AND page=?",
            (run_id, prev, url),
        )
        CrawlWrites._write_redirects(db, run_id, p.get("redirects", []), url)

    @staticmethod
    def _write_attachment(db: sqlite3.Connection, run_id: int, a: dict[str, Any]) -> None:
        a = CrawlWrites._put_body(db, a)
        _insert(
            db,
            "attachments",
            run_id,
            {**a, "fetched_at": a.get("fetched_at") or now_iso()},
            ATTACHMENT_FIELDS,
        )
        if a.get("final_url") and a.get("status") is not None:
            # a file is stored under the URL linked to
            CrawlWrites._write_redirects(db, run_id, [a["final_url"]], a["url"])


class BatchWriter:
    """Buffers crawl items and commits them every `size` items or `seconds`, whichever comes first."""

    def __init__(self, store: CrawlWrites, run_id: int, size: int = 200, seconds: float = 2.0) -> None:
        self.store, self.run_id, self.size, self.seconds = store, run_id, size, seconds
        self.buffer: list[dict[str, Any]] = []
        self.written = 0  # records committed: the crawl is complete only if this is every record it made
        self.last = time.monotonic()

    def add(self, item: dict[str, Any]) -> None:
        self.buffer.append(item)
        if len(self.buffer) >= self.size or time.monotonic() - self.last >= self.seconds:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.store.write_batch(self.run_id, self.buffer)
            self.written += len(self.buffer)
            self.buffer = []
        self.last = time.monotonic()

"""SQLite store: one file, no server. A crawl is a run; its pages, links and attachments belong to it.

Writes are batched in transactions (WAL journal), so a crawl killed at any moment leaves a consistent
database: committed batches are whole, the run row says 'running', and the next open marks such a
run 'interrupted' once its process is gone. Nothing here knows Scrapy or the checklist.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import socket
import sqlite3
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from auditor.errors import InputError, StoreWriteError, reason

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY,
  school TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL,            -- running | complete | partial | failed | interrupted
  stop_reason TEXT,
  config_path TEXT,
  config_fingerprint TEXT,
  tool_version TEXT,
  pid INTEGER,
  host TEXT,
  start_urls TEXT,                 -- JSON list
  stats TEXT                       -- JSON: counts, errors by kind
);
CREATE TABLE IF NOT EXISTS pages (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  url TEXT NOT NULL,               -- the URL requested (canonicalised)
  final_url TEXT,
  redirects TEXT,                  -- JSON list: the chain that led here, first hop first
  status INTEGER,                  -- HTTP status; NULL when the request failed without one
  error TEXT,                      -- error kind when it failed: dns, timeout, refused, http_404, …
  content_type TEXT,
  encoding TEXT,
  size INTEGER,
  title TEXT,
  html_title TEXT,
  breadcrumb TEXT,                 -- JSON list, root first
  published TEXT,                  -- ISO date from the page itself, NULL when it shows none
  published_raw TEXT,
  period TEXT,                     -- JSON {kind,start,label} the title names
  excerpt TEXT,
  text_hash TEXT,
  placeholder TEXT,                -- 暂无内容 / 正在建设中 … when the page is an empty column
  canonical TEXT,
  duplicate_of TEXT,               -- another URL of this run with the same main text
  depth INTEGER,
  referer TEXT,
  fetched_at TEXT,
  etag TEXT,                       -- validators for the next night's conditional request
  last_modified TEXT,
  unchanged_since INTEGER,         -- run whose copy this is, when the server answered 304
  listing INTEGER,                 -- 1 when the page is named after its column (a list page, not an article)
  content_chars INTEGER,           -- Chinese characters of its own text outside the site's furniture; NULL: not measured
  content_links INTEGER,           -- links it offers outside the furniture
  scripted INTEGER,                -- 1 when an inline script loads more content (the crawl may not see a list)
  failed_at TEXT,                  -- when a transient failure (5xx, 429, timeout) was first seen tonight
  attempts INTEGER,                -- tries tonight (transient failures are tried again later the same night)
  body_sha256 TEXT,                -- the response body as received (bodies), for the evidence archive
  headers TEXT,                    -- the response headers (JSON), as received
  extraction INTEGER,              -- auditor.extract.EXTRACTION_VERSION of the code that parsed it
  requested_run INTEGER,           -- the run that last requested it (older: kept by the revisit rotation)
  PRIMARY KEY (run_id, url)
);
CREATE TABLE IF NOT EXISTS redirects (
  run_id INTEGER NOT NULL,
  src TEXT NOT NULL,               -- a URL that led elsewhere (HTTP redirect, meta refresh, JavaScript location)
  dst TEXT NOT NULL                -- where the chain ended: the URL the page or file is stored under
);
CREATE INDEX IF NOT EXISTS redirects_src ON redirects(run_id, src);
CREATE TABLE IF NOT EXISTS links (
  run_id INTEGER NOT NULL,
  src TEXT NOT NULL,
  dst TEXT NOT NULL,
  text TEXT,
  context TEXT,                    -- body | script | embed | directory
  is_attachment INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS links_dst ON links(run_id, dst);
CREATE INDEX IF NOT EXISTS links_src ON links(run_id, src);
CREATE TABLE IF NOT EXISTS attachments (
  run_id INTEGER NOT NULL,
  url TEXT NOT NULL,
  final_url TEXT,
  status INTEGER,
  error TEXT,
  content_type TEXT,
  size INTEGER,
  filename TEXT,
  method TEXT,                     -- HEAD, or GET stopped after the headers where HEAD is refused
  fetched_at TEXT,
  last_modified TEXT,              -- the Last-Modified header: a file's date when nothing else dates it
  failed_at TEXT,
  attempts INTEGER,
  body_sha256 TEXT,                -- set when the documents pass downloaded it (bodies)
  headers TEXT,                    -- the response headers (JSON)
  requested_run INTEGER,           -- the run that last requested it (older: kept by the revisit rotation)
  PRIMARY KEY (run_id, url)
);
CREATE TABLE IF NOT EXISTS entries (
  run_id INTEGER NOT NULL,
  page TEXT NOT NULL,              -- the list page
  title TEXT,
  target TEXT,
  date TEXT
);
CREATE INDEX IF NOT EXISTS entries_target ON entries(run_id, target);
CREATE INDEX IF NOT EXISTS entries_page ON entries(run_id, page);
CREATE TABLE IF NOT EXISTS directory (
  run_id INTEGER NOT NULL,
  page TEXT NOT NULL,              -- the 信息公开目录 page
  number TEXT,
  category TEXT,
  label TEXT,
  department TEXT,
  target TEXT,
  link_text TEXT
);
CREATE INDEX IF NOT EXISTS directory_page ON directory(run_id, page);
CREATE INDEX IF NOT EXISTS directory_target ON directory(run_id, target);
CREATE TABLE IF NOT EXISTS audits (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL,
  as_of TEXT NOT NULL,
  created_at TEXT NOT NULL,
  status TEXT NOT NULL,            -- complete | inconclusive
  reason TEXT,
  counts TEXT,                     -- JSON: items by status
  tool_version TEXT,
  config_fingerprint TEXT,
  summary TEXT                     -- findings.json without its items
);
CREATE TABLE IF NOT EXISTS bodies (  -- response payloads, stored once however many runs saw them
  sha256 TEXT PRIMARY KEY,         -- of the payload as received (of its first max bytes when capped)
  size INTEGER NOT NULL,
  capped INTEGER NOT NULL DEFAULT 0, -- 1: the file was larger than the cap; only its first part is kept
  data BLOB NOT NULL               -- zlib-compressed
);
CREATE TABLE IF NOT EXISTS documents (  -- what a downloaded document contains, extracted once per payload
  sha256 TEXT PRIMARY KEY,
  format TEXT,                     -- pdf | docx | xlsx | xls | doc | html
  text TEXT,
  pages INTEGER,
  scanned INTEGER,                 -- 1: a PDF with pages but no text layer (a scan)
  error TEXT,                      -- why no text could be read: a key of messages.UNCHECKED
  detail TEXT                      -- what was found (the limit crossed, the parser's error)
);
CREATE TABLE IF NOT EXISTS archive (  -- the WARC records an audit's evidence was archived as
  run_id INTEGER NOT NULL,
  url TEXT NOT NULL,
  record TEXT NOT NULL,            -- response | revisit
  sha256 TEXT,
  warc TEXT NOT NULL,              -- file name, beside the store under archive/
  offset INTEGER NOT NULL,
  length INTEGER NOT NULL,
  refers_to TEXT,                  -- for a revisit: the WARC holding the payload
  archived_at TEXT NOT NULL,
  screenshot TEXT,                 -- archive/shots/<sha256>.png, rendered from the archived copy
  PRIMARY KEY (run_id, url)
);
CREATE TABLE IF NOT EXISTS audit_items (
  audit_id INTEGER NOT NULL REFERENCES audits(id),
  item_id TEXT NOT NULL,
  status TEXT NOT NULL,
  fingerprint TEXT NOT NULL,       -- changes when the status, the rules that fired or the best evidence change
  result TEXT NOT NULL,            -- the item's JSON as in findings.json
  open INTEGER,                    -- 1 when an open gap (findings.is_open): what history counts
  PRIMARY KEY (audit_id, item_id)
);
CREATE TABLE IF NOT EXISTS review_events (  -- what the office decided about an item, who, when and why: kept
  id INTEGER PRIMARY KEY,
  item TEXT NOT NULL,
  decision TEXT NOT NULL,          -- false_positive | exempted | acknowledged | withdrawn
  reviewer TEXT NOT NULL,
  reason TEXT NOT NULL,
  date TEXT NOT NULL,              -- the day the decision was made
  due TEXT NOT NULL DEFAULT '',    -- an acknowledged gap's promised date (its new 整改时限), or ''
  status TEXT NOT NULL DEFAULT '', -- the item's status when it was reviewed, or ''
  fingerprint TEXT NOT NULL DEFAULT '',
  recorded_at TEXT NOT NULL,
  source TEXT NOT NULL,            -- reviews.yaml | cli | web
  UNIQUE (item, decision, reviewer, reason, date, due, status, fingerprint)
);
"""

FINAL_STATUSES = ("complete", "partial", "failed", "interrupted")


def _add_columns(db: sqlite3.Connection, columns: list[tuple[str, str, str]]) -> None:
    for table, column, kind in columns:
        if column not in {r[1] for r in db.execute(f"PRAGMA table_info({table})")}:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")


def _v1_release_0_1(db: sqlite3.Connection) -> None:
    """Stores from before versioning (PRAGMA user_version 0): the columns release 0.1.0 added on open."""
    _add_columns(
        db,
        [
            ("pages", "etag", "TEXT"),
            ("pages", "last_modified", "TEXT"),
            ("pages", "unchanged_since", "INTEGER"),
            ("audits", "summary", "TEXT"),
        ],
    )


def _v2_page_shape_and_redirects(db: sqlite3.Connection) -> None:
    """What a page is (list page, own content, scripted), files' Last-Modified, and redirect chains as rows.
    Old pages keep NULL shape ("not measured"), which the audit never reads as an empty column."""
    _add_columns(
        db,
        [
            ("pages", "listing", "INTEGER"),
            ("pages", "content_chars", "INTEGER"),
            ("pages", "content_links", "INTEGER"),
            ("pages", "scripted", "INTEGER"),
            ("attachments", "last_modified", "TEXT"),
        ],
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS redirects (run_id INTEGER NOT NULL, src TEXT NOT NULL, dst TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX IF NOT EXISTS redirects_src ON redirects(run_id, src)")
    rows = db.execute(
        "SELECT run_id, url, redirects FROM pages WHERE redirects IS NOT NULL AND redirects != '[]'"
    )
    db.executemany(
        "INSERT INTO redirects(run_id, src, dst) VALUES (?,?,?)",
        [(r[0], src, r[1]) for r in rows.fetchall() for src in json.loads(r[2]) if src != r[1]],
    )


def _v3_retries(db: sqlite3.Connection) -> None:
    """When a transient failure was first seen, and how many tries the night took."""
    _add_columns(
        db,
        [
            (t, c, k)
            for t in ("pages", "attachments")
            for c, k in (("failed_at", "TEXT"), ("attempts", "INTEGER"))
        ],
    )


def _v4_derived_facts(db: sqlite3.Connection) -> None:
    """Audits stored before the findings carried their derived facts: add each item's open / to_check (by the
    one definition), and the audit's summary. What an old audit never knew (due dates) stays null."""
    from auditor.findings import is_open, summarize

    _add_columns(db, [("audit_items", "open", "INTEGER")])
    for (audit_id,) in db.execute("SELECT id FROM audits").fetchall():
        rows = db.execute(
            "SELECT rowid, result FROM audit_items WHERE audit_id=? ORDER BY rowid", (audit_id,)
        )
        items = []
        for rowid, text in rows.fetchall():
            item = json.loads(text)
            item.setdefault("open", is_open(item["status"], bool(item.get("set_aside"))))
            item.setdefault("to_check", item["status"] == "inconclusive")
            for key in ("due_date", "days_overdue", "rectify_by", "number"):
                item.setdefault(key, None)
            items.append(item)
            db.execute(
                "UPDATE audit_items SET result=?, open=? WHERE rowid=?",
                (json.dumps(item, ensure_ascii=False), int(item["open"]), rowid),
            )
        (summary_text,) = db.execute("SELECT summary FROM audits WHERE id=?", (audit_id,)).fetchone()
        if summary_text:
            summary = json.loads(summary_text)
            summary.setdefault("summary", summarize(items))
            db.execute(
                "UPDATE audits SET summary=? WHERE id=?", (json.dumps(summary, ensure_ascii=False), audit_id)
            )


def _v5_evidence(db: sqlite3.Connection) -> None:
    """Response bodies and headers kept for the evidence archive; downloaded documents' text; the archive
    index. Pages an old release stored have no body: their evidence says it was not archived."""
    _add_columns(db, [(t, c, "TEXT") for t in ("pages", "attachments") for c in ("body_sha256", "headers")])


def _v6_revisits(db: sqlite3.Connection) -> None:
    """Which run last requested each page and file (the revisit rotation), and which extraction parsed a page.
    Old rows have neither: they count as due, and as parsed by another version (fetched again, not copied)."""
    _add_columns(
        db,
        [("pages", "extraction", "INTEGER"), ("pages", "requested_run", "INTEGER"),
         ("attachments", "requested_run", "INTEGER")],
    )  # fmt: skip


def _v7_document_limits(db: sqlite3.Connection) -> None:
    """Documents are read under limits (issue 22) and say why one was not read as a key and a detail. What
    an older release could not read (in sentences of its own) is forgotten, to be read again under them."""
    if db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='documents'").fetchone():
        _add_columns(db, [("documents", "detail", "TEXT")])
        db.execute("DELETE FROM documents WHERE error IS NOT NULL")


def _v8_review_events(db: sqlite3.Connection) -> None:
    """Reviews kept as events in the store (the table comes with the schema); nothing to convert: the next
    audit records what reviews.yaml holds."""


# Versioned migrations (PRAGMA user_version): a store written by an earlier release is upgraded in place,
# one step at a time, each in its own transaction. A fresh store is created at the latest version.
MIGRATIONS = [
    (1, _v1_release_0_1),
    (2, _v2_page_shape_and_redirects),
    (3, _v3_retries),
    (4, _v4_derived_facts),
    (5, _v5_evidence),
    (6, _v6_revisits),
    (7, _v7_document_limits),
    (8, _v8_review_events),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]
PAGE_FIELDS = (
    "url", "final_url", "redirects", "status", "error", "content_type", "encoding", "size", "title", "html_title",
    "breadcrumb", "published", "published_raw", "period", "excerpt", "text_hash", "placeholder", "canonical", "depth",
    "referer", "fetched_at", "etag", "last_modified", "listing", "content_chars", "content_links", "scripted",
    "failed_at", "attempts", "body_sha256", "headers", "extraction",
)  # fmt: skip
ATTACHMENT_FIELDS = ("url", "final_url", "status", "error", "content_type", "size", "filename", "method", "fetched_at",
                     "last_modified", "failed_at", "attempts", "body_sha256", "headers")  # fmt: skip
JSON_FIELDS = {
    "redirects",
    "breadcrumb",
    "period",
    "headers",
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


def now_iso() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


FAULTS = ("SQLITE_FULL", "SQLITE_IOERR", "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_READONLY", "SQLITE_CANTOPEN")
FAULT_WORDS = ("disk is full", "disk I/O error", "database is locked", "readonly database", "unable to open")


def _fault(error: BaseException) -> bool:
    """A write the machine refused (disk full, I/O, a lock held too long, read-only): exit 3. Anything else —
    'no such column', a constraint a bug broke — is a bug and must surface as one (exit 4), never be told as
    'could not be written … free space'."""
    if isinstance(error, OSError):
        return True
    if not isinstance(error, sqlite3.OperationalError):
        return False
    name = getattr(error, "sqlite_errorname", "") or ""
    return name.startswith(FAULTS) or any(w in str(error) for w in FAULT_WORDS)


def _out_of_space(error: BaseException) -> bool:
    """A full disk or a file-size limit: the file is fine, the machine is not (exit 3, not bad input)."""
    if isinstance(error, OSError):
        return error.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)
    return "disk I/O error" in str(error) or "disk is full" in str(error)


def unusable(path: Path, error: BaseException) -> InputError:
    """A store path that is not a usable auditor store: say why, keep the file, tell how to start anew."""
    return InputError(
        str(path),
        None,
        f"cannot be used as auditor's store: {reason(error)}",
        "nothing was changed in it; to start a new store, point `store:` in site.yaml at a new file "
        "(or move this one away), or restore it from a backup",
    )


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


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Store:
    """A handle on one SQLite file. Use as a context manager, or call close()."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            if self.path.is_dir():
                raise sqlite3.OperationalError("it is a directory")
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
            self.recover()
        except (sqlite3.DatabaseError, OSError) as e:
            if _out_of_space(e):
                raise StoreWriteError(str(self.path), e) from None
            raise unusable(self.path, e) from None

    def _migrate(self) -> None:
        version = int(self.db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            self.db.close()
            raise InputError(
                str(self.path),
                None,
                f"this store was written by a newer auditor (store version {version}, "
                f"this release reads up to {SCHEMA_VERSION})",
                "upgrade auditor, or point `store:` at another file",
            )
        fresh = (
            self.db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='runs'").fetchone()
            is None
        )
        if fresh:
            self.db.executescript(SCHEMA)
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            return
        for number, step in MIGRATIONS:
            if number > version:
                with self.transaction() as db:
                    step(db)
                    db.execute(f"PRAGMA user_version = {number}")
        self.db.executescript(SCHEMA)  # indexes and tables an old store lacks (all IF NOT EXISTS)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing; a write the disk refuses (full, size limit, read-only) is a StoreWriteError."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except (sqlite3.OperationalError, OSError) as e:
            if not _fault(e):
                raise
            raise StoreWriteError(str(self.path), e) from e
        try:
            yield self.db
            self.db.execute("COMMIT")
        except BaseException as e:
            with suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
            if _fault(e):
                raise StoreWriteError(str(self.path), e) from e
            raise

    # --- runs -------------------------------------------------------------------------------------

    def recover(self) -> list[int]:
        """Mark runs left 'running' by a process that no longer exists as 'interrupted'."""
        host = socket.gethostname()
        stale = [
            r["id"]
            for r in self.db.execute("SELECT id, pid, host FROM runs WHERE status='running'")
            if r["host"] != host or not _pid_alive(r["pid"])
        ]
        for run_id in stale:
            self.db.execute(
                "UPDATE runs SET status='interrupted', stop_reason='process ended before the crawl finished' "
                "WHERE id=?",
                (run_id,),
            )
        return stale

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

    # --- writes (called in batches from the crawl pipeline) -----------------------------------------

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
        p = Store._put_body(db, p)
        _insert(db, "pages", run_id, {**p, "fetched_at": p.get("fetched_at") or now_iso()}, PAGE_FIELDS)
        # a refused or failed request's chain says where it led, not what led here
        if p.get("status") is not None:
            Store._write_redirects(db, run_id, p.get("redirects", []), p["url"])
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
                    "SELECT DISTINCT r.src FROM redirects r JOIN links l ON l.run_id = r.run_id AND l.dst = r.src "
                    "WHERE r.run_id=?",
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
                    {"url": url, "status": None, "error": error, "redirects": chain, "fetched_at": now_iso()},
                    PAGE_FIELDS,
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
        """A page the server answered 304 for: its row, links, list entries and directory rows, as last time."""
        prev, url = p["from_run"], p["url"]
        if (
            p["kind"] == "kept"
        ):  # not requested tonight: when it was last fetched, and by which run, stay as they were
            db.execute(
                f"INSERT OR REPLACE INTO pages(run_id, {PAGE_COLUMNS}, depth, referer, fetched_at, unchanged_since, "
                f"requested_run) SELECT ?, {PAGE_COLUMNS}, depth, referer, fetched_at, coalesce(unchanged_since, ?), "
                f"requested_run FROM pages WHERE run_id=? AND url=?",
                (run_id, prev, prev, url),
            )
        else:
            db.execute(
                f"INSERT OR REPLACE INTO pages(run_id, {PAGE_COLUMNS}, depth, referer, fetched_at, unchanged_since) "
                f"SELECT ?, {PAGE_COLUMNS}, ?, ?, ?, ? FROM pages WHERE run_id=? AND url=?",
                (run_id, p.get("depth"), p.get("referer"), p.get("fetched_at") or now_iso(), prev, prev, url),
            )
        db.execute("DELETE FROM links WHERE run_id=? AND src=?", (run_id, url))
        db.execute(
            "INSERT INTO links(run_id, src, dst, text, context, is_attachment) "
            "SELECT ?, src, dst, text, context, is_attachment FROM links WHERE run_id=? AND src=?",
            (run_id, prev, url),
        )
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
        Store._write_redirects(db, run_id, p.get("redirects", []), url)

    @staticmethod
    def _write_attachment(db: sqlite3.Connection, run_id: int, a: dict[str, Any]) -> None:
        a = Store._put_body(db, a)
        _insert(
            db,
            "attachments",
            run_id,
            {**a, "fetched_at": a.get("fetched_at") or now_iso()},
            ATTACHMENT_FIELDS,
        )
        if a.get("final_url") and a.get("status") is not None:
            # a file is stored under the URL linked to
            Store._write_redirects(db, run_id, [a["final_url"]], a["url"])

    # --- reads ------------------------------------------------------------------------------------

    def page_urls(self, run_id: int) -> list[str]:
        """Every distinct page of the run (copies of an article under another URL excluded), in URL order."""
        return [
            r[0]
            for r in self.db.execute(
                "SELECT url FROM pages WHERE run_id=? AND duplicate_of IS NULL ORDER BY url", (run_id,)
            )
        ]

    def inbound(self, run_id: int, url: str) -> tuple[str, str] | None:
        """A page of the run that links to `url` (or to an address that redirected there), and its link text."""
        row = self.db.execute(
            "SELECT src, text FROM links WHERE run_id=? AND (dst=? OR dst IN"
            " (SELECT src FROM redirects WHERE run_id=? AND dst=?)) ORDER BY context != 'body', rowid LIMIT 1",
            (run_id, url, run_id, url),
        ).fetchone()
        return (row[0], row[1] or "") if row else None

    def directory_rows(self, run_id: int) -> list[sqlite3.Row]:
        """The 信息公开目录 rows, in page order: label, department, each link target, and the page holding them."""
        return self.db.execute(
            "SELECT page, label, department, target, link_text FROM directory WHERE run_id=? ORDER BY rowid",
            (run_id,),
        ).fetchall()

    def signal_rows(self, run_id: int, urls: list[str]) -> dict[str, list[sqlite3.Row]]:
        """What the store knows about these pages, for matching: their own fields, the list entries and link
        texts pointing at them, their attachment links, and whether they hold a list or a 信息公开目录. The URLs
        go into a temporary table so each query is one indexed join (CROSS JOIN keeps it the outer loop)."""
        db = self.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS chunk(url TEXT PRIMARY KEY)")
        db.execute("DELETE FROM temp.chunk")
        db.executemany("INSERT OR IGNORE INTO temp.chunk(url) VALUES (?)", [(u,) for u in urls])
        q = {
            "pages": "SELECT p.url, title, status, error, published, period, placeholder, breadcrumb, listing, content_chars,"
            " content_links, scripted, failed_at, attempts FROM temp.chunk c CROSS JOIN pages p ON p.run_id=?1 AND p.url = c.url",
            "entries_to": "SELECT e.target, e.title, e.date FROM temp.chunk c CROSS JOIN entries e ON e.run_id=?1 AND e.target = c.url",
            "lists": "SELECT e.page, count(e.date) AS dated, count(*) AS rows FROM temp.chunk c CROSS JOIN entries e "
            "ON e.run_id=?1 AND e.page = c.url GROUP BY e.page",
            # link texts pointing at a page, except the 信息公开目录's own (those are claims, judged apart)
            "anchors_to": "SELECT DISTINCT l.dst, l.text FROM temp.chunk c CROSS JOIN links l ON l.run_id=?1 AND l.dst = c.url "
            "WHERE l.is_attachment=0 AND l.text != '' AND NOT EXISTS (SELECT 1 FROM directory d "
            "WHERE d.run_id = l.run_id AND d.target = l.dst AND d.page = l.src)",
            "files_of": "SELECT l.src, l.dst, l.text, a.status, a.filename, a.error, a.last_modified, a.failed_at, "
            "a.attempts FROM temp.chunk c "
            "CROSS JOIN links l ON l.run_id=?1 AND l.src = c.url "
            "LEFT JOIN attachments a ON a.run_id = l.run_id AND a.url = l.dst WHERE l.is_attachment=1",
            "directories": "SELECT DISTINCT d.page FROM temp.chunk c CROSS JOIN directory d ON d.run_id=?1 AND d.page = c.url",
        }
        return {name: db.execute(sql, (run_id,)).fetchall() for name, sql in q.items()}

    def list_rows(self, run_id: int, pages: list[str]) -> list[sqlite3.Row]:
        """The entries of these list pages, their targets followed through redirects, newest first."""
        out: list[sqlite3.Row] = []
        for k in range(0, len(pages), 500):
            part = pages[k : k + 500]
            out.extend(
                self.db.execute(
                    f"SELECT e.page, e.title, coalesce(r.dst, e.target) AS target, e.date FROM entries e "
                    f"LEFT JOIN redirects r ON r.run_id = e.run_id AND r.src = e.target "
                    f"WHERE e.run_id=? AND e.page IN ({','.join('?' * len(part))}) ORDER BY e.date IS NULL, e.date DESC, e.rowid",
                    (run_id, *part),
                )
            )
        return out

    def listed_on(self, run_id: int, targets: list[str]) -> dict[str, int]:
        """On how many pages each target is a list entry (a 'latest news' box repeats on every page)."""
        out: dict[str, int] = {}
        for k in range(0, len(targets), 500):
            part = targets[k : k + 500]
            out.update(
                {
                    r[0]: r[1]
                    for r in self.db.execute(
                        f"SELECT target, count(DISTINCT page) FROM entries WHERE run_id=? AND target IN ({','.join('?' * len(part))}) "
                        "GROUP BY target",
                        (run_id, *part),
                    )
                }
            )
        return out

    def own_links(self, run_id: int, page: str, furniture: int) -> list[str]:
        """The crawled pages this page links to that are its own content: not other list pages (menus of
        columns), not a site's home page, and not pages linked from `furniture` or more pages (menus, boxes on
        every page). Links the crawl did not store (off-site, friend links) say nothing either way."""
        rows = self.db.execute(
            "SELECT DISTINCT l.dst FROM links l JOIN pages p ON p.run_id = l.run_id AND p.url = l.dst "
            "WHERE l.run_id=? AND l.src=? AND l.is_attachment=0 AND l.dst != l.src AND coalesce(p.listing, 0) != 1",
            (run_id, page),
        ).fetchall()
        out = []
        for (dst,) in rows:
            path = dst.split("//", 1)[-1].partition("/")[2]
            if not path or path.lower().startswith(("index.", "main.", "default.")):
                continue
            linked_from = self.db.execute(
                "SELECT count(*) FROM (SELECT DISTINCT src FROM links WHERE run_id=? AND dst=? LIMIT ?)",
                (run_id, dst, furniture),
            ).fetchone()[0]
            if linked_from < furniture:
                out.append(dst)
        return out

    def resolve(self, run_id: int, urls: list[str]) -> dict[str, sqlite3.Row]:
        """Where each URL ended up in this run: the page or file stored for it (through redirects and copies
        of the same article), with its status. A URL the crawl never fetched is absent."""
        out: dict[str, sqlite3.Row] = {}
        for url in dict.fromkeys(urls):
            for hop in self._hops(run_id, url):
                row = (
                    self.db.execute(
                        "SELECT coalesce(p2.url, p.url) AS url, 'page' AS kind, coalesce(p2.status, p.status) AS status, "
                        "coalesce(p2.title, p.title) AS title FROM pages p LEFT JOIN pages p2 ON p2.run_id = p.run_id "
                        "AND p2.url = p.duplicate_of WHERE p.run_id=? AND p.url=?",
                        (run_id, hop),
                    ).fetchone()
                    or self.db.execute(
                        "SELECT url, 'file' AS kind, status, filename AS title FROM attachments "
                        "WHERE run_id=? AND url=?",
                        (run_id, hop),
                    ).fetchone()
                )
                if row is not None:
                    out[url] = row
                    break
        return out

    def _hops(self, run_id: int, url: str, most: int = REDIRECTS_FOLLOWED) -> list[str]:
        """The URL, then each place a redirect from it led, in order."""
        chain = [url]
        while len(chain) < most:
            row = self.db.execute(
                "SELECT dst FROM redirects WHERE run_id=? AND src=? LIMIT 1", (run_id, chain[-1])
            ).fetchone()
            if row is None or row[0] in chain:
                break
            chain.append(row[0])
        return chain

    def files(self, run_id: int, urls: list[str]) -> dict[str, dict[str, Any]]:
        """Attachment records for these file URLs."""
        out: dict[str, dict[str, Any]] = {}
        for k in range(0, len(urls), 500):
            part = urls[k : k + 500]
            out.update(
                {
                    r["url"]: dict(r)
                    for r in self.db.execute(
                        f"SELECT url, status, error, filename, last_modified, failed_at, attempts FROM attachments WHERE run_id=? "
                        f"AND url IN ({','.join('?' * len(part))})",
                        (run_id, *part),
                    )
                }
            )
        return out

    def pages(self, run_id: int) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM pages WHERE run_id=? ORDER BY url", (run_id,)).fetchall()

    def attachments(self, run_id: int) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM attachments WHERE run_id=? ORDER BY url", (run_id,)).fetchall()

    # --- evidence: bodies, documents, the archive index ----------------------------------------------

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
        return dict(row) if row else None

    def put_document(self, sha256: str, info: dict[str, Any]) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO documents(sha256, format, text, pages, scanned, error, detail)"
                " VALUES (?,?,?,?,?,?,?)",
                (sha256, info.get("format"), info.get("text"), info.get("pages"), int(bool(info.get("scanned"))),
                 info.get("error"), info.get("detail")),
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

    # --- review events -------------------------------------------------------------------------------

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

    def review_events(self) -> list[sqlite3.Row]:
        """Every decision kept, in the order they were made (the day, then as recorded)."""
        return self.db.execute("SELECT * FROM review_events ORDER BY date, id").fetchall()

    # --- audits (history) ------------------------------------------------------------------------

    def save_audit(
        self, summary: dict[str, Any], items: list[tuple[str, str, str, bool, dict[str, Any]]]
    ) -> int:
        """Keep one audit: `summary` is findings.json without items; items are (id, status, fingerprint, open,
        item JSON)."""
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO audits(run_id, as_of, created_at, status, reason, counts, tool_version,"
                " config_fingerprint, summary) VALUES (?,?,?,?,?,?,?,?,?)",
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

    def item_states(self) -> list[sqlite3.Row]:
        """Every item of every complete audit, oldest audit first, with the facts the findings computed
        (open, to_check, set_aside, owner, due date, 整改时限, review): what gap episodes are built from."""
        fields = ", ".join(
            f"json_extract(i.result, '$.{path}') AS {name}"
            for name, path in (
                ("short", "short"), ("category", "category"), ("owner", "owner"), ("to_check", "to_check"),
                ("set_aside", "set_aside"), ("due_date", "due_date"), ("rectify_by", "rectify_by"),
                ("rectify_source", "rectify_source"),
                ("days_overdue", "days_overdue"), ("review_decision", "review.decision"),
                ("review_due", "review.due"), ("review_by", "review.reviewer"), ("review_overdue", "review.overdue"),
                ("number", "number"),
            )
        )  # fmt: skip
        return self.db.execute(
            f"SELECT a.id AS audit_id, a.as_of, i.item_id, i.status, i.open, {fields} FROM audit_items i"
            " JOIN audits a ON a.id = i.audit_id WHERE a.status = 'complete' ORDER BY a.as_of, a.id, i.rowid"
        ).fetchall()

    def published_pages(self, start: str, end: str) -> list[sqlite3.Row]:
        """Pages (articles, not list pages or copies) of any stored crawl that say they were published from
        `start` to `end`, one row per final URL (its newest record), with how many files it links."""
        page = (
            "{p}published BETWEEN ? AND ? AND {p}status BETWEEN 200 AND 299 AND coalesce({p}listing, 0) = 0"
            " AND {p}duplicate_of IS NULL"
        )
        return self.db.execute(
            "WITH newest AS (SELECT coalesce(final_url, url) AS final, max(run_id) AS run_id FROM pages"
            f" WHERE {page.format(p='')} GROUP BY final)"
            " SELECT p.url, n.final, p.title, p.published, p.run_id,"
            " (SELECT count(DISTINCT l.dst) FROM links l WHERE l.run_id = p.run_id AND l.src = p.url"
            "  AND l.is_attachment = 1) AS files"
            " FROM newest n JOIN pages p ON p.run_id = n.run_id AND coalesce(p.final_url, p.url) = n.final"
            f" WHERE {page.format(p='p.')} GROUP BY n.final ORDER BY p.published",
            (start, end, start, end),
        ).fetchall()

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

    def host_titles(self) -> dict[str, str]:
        """Each host's name as its shallowest page of the newest crawl titles itself (the site's own name)."""
        run = self.db.execute("SELECT max(run_id) FROM pages").fetchone()[0]
        out: dict[str, str] = {}
        for url, title in self.db.execute(
            "SELECT url, html_title FROM pages WHERE run_id=? AND html_title <> '' AND status BETWEEN 200 AND 299"
            " ORDER BY depth, length(url)",
            (run,),
        ):
            out.setdefault(urlsplit(url).hostname or "", title)
        return out

    def stored_runs(self) -> tuple[int | None, int | None, int]:
        """(oldest, newest, how many) of the runs whose pages are still stored (retention drops older ones)."""
        row = self.db.execute("SELECT min(run_id), max(run_id), count(DISTINCT run_id) FROM pages").fetchone()
        return row[0], row[1], row[2]

    # --- incremental crawling and retention ----------------------------------------------------------

    def previous_crawl(self, before: int) -> int | None:
        """The newest earlier run with pages (even an interrupted one: its pages are still a valid cache)."""
        row = self.db.execute("SELECT max(run_id) FROM pages WHERE run_id < ?", (before,)).fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def validators(self, run_id: int) -> dict[str, tuple[str | None, str | None]]:
        """ETag / Last-Modified of the run's pages that this release's extraction parsed (others are parsed again)."""
        from auditor.extract import EXTRACTION_VERSION

        return {
            r[0]: (r[1], r[2])
            for r in self.db.execute(
                "SELECT url, etag, last_modified FROM pages WHERE run_id=? AND status BETWEEN 200 AND 299 "
                "AND (etag IS NOT NULL OR last_modified IS NOT NULL) AND extraction=?",
                (run_id, EXTRACTION_VERSION),
            )
        }

    def revisit_info(self, run_id: int) -> dict[str, tuple[bool, int | None, bool]]:
        """url → (a list page, the run that last requested it, parsed by this extraction) for the run's
        pages and files: what the revisit rotation decides on."""
        from auditor.extract import EXTRACTION_VERSION

        out = {
            r[0]: (bool(r[1]), r[2], r[3] == EXTRACTION_VERSION and r[4] is not None and 200 <= r[4] < 300)
            for r in self.db.execute(
                "SELECT url, coalesce(listing, 0) OR url IN (SELECT page FROM entries WHERE run_id=?),"
                " requested_run, extraction, status FROM pages WHERE run_id=?",
                (run_id, run_id),
            )
        }
        out.update(
            (r[0], (False, r[1], r[2] is not None and 200 <= r[2] < 300))
            for r in self.db.execute(
                "SELECT url, requested_run, status FROM attachments WHERE run_id=?", (run_id,)
            )
        )
        for (src,) in self.db.execute("SELECT DISTINCT src FROM redirects WHERE run_id=?", (run_id,)):
            out.setdefault(src, (False, None, False))  # a URL that redirects: always asked, never kept
        return out

    def kept(self, run_id: int) -> int:
        """Pages and files the run holds as an earlier night recorded them (not requested tonight)."""
        return self._records(run_id, "requested_run < ?", run_id)

    def overdue(self, run_id: int, days: int) -> int:
        """Pages and files the run kept whose last request is `days` runs old or more (the rotation fell behind)."""
        return self._records(run_id, "requested_run <= ?", run_id - days)

    def _records(self, run_id: int, where: str, *params: object) -> int:
        """How many of the run's pages and files match `where` (a fixed condition, never crawled text)."""
        return sum(
            int(
                self.db.execute(
                    f"SELECT count(*) FROM {t} WHERE run_id=? AND {where}", (run_id, *params)
                ).fetchone()[0]
            )
            for t in ("pages", "attachments")
        )

    def links_from(self, run_id: int, url: str) -> list[tuple[str, str, bool]]:
        return [
            (r[0], r[1] or "", bool(r[2]))
            for r in self.db.execute(
                "SELECT dst, text, is_attachment FROM links WHERE run_id=? AND src=?", (run_id, url)
            )
        ]

    def vanished(self, previous: int, current: int) -> list[str]:
        """Pages the previous crawl had and this one did not reach at all."""
        return [
            r[0]
            for r in self.db.execute(
                "SELECT url FROM pages WHERE run_id=? AND status BETWEEN 200 AND 299 "
                "EXCEPT SELECT url FROM pages WHERE run_id=?",
                (previous, current),
            )
        ]

    def prune(self, keep_runs: int) -> list[int]:
        """Drop the crawled pages, links, entries and attachments of all but the newest `keep_runs` runs.
        Runs and every audit stay: the findings history is never pruned."""
        keep = [
            r[0]
            for r in self.db.execute("SELECT id FROM runs ORDER BY id DESC LIMIT ?", (max(1, keep_runs),))
        ]
        old = (
            [
                r[0]
                for r in self.db.execute("SELECT DISTINCT run_id FROM pages WHERE run_id < ?", (min(keep),))
            ]
            if keep
            else []
        )
        with self.transaction() as db:
            for table in ("pages", "links", "attachments", "entries", "directory", "redirects"):
                db.executemany(f"DELETE FROM {table} WHERE run_id=?", [(r,) for r in old])
            # the archive of a dropped run goes too, unless a kept run's revisit records point into its WARC
            db.executemany(
                "DELETE FROM archive WHERE run_id=? AND warc NOT IN"
                " (SELECT refers_to FROM archive WHERE refers_to IS NOT NULL AND run_id>=?)",
                [(r, min(keep)) for r in old],
            )
            # payloads no kept page, file or archive record refers to
            db.execute(
                "DELETE FROM bodies WHERE sha256 NOT IN (SELECT body_sha256 FROM pages WHERE body_sha256 IS NOT NULL"
                " UNION SELECT body_sha256 FROM attachments WHERE body_sha256 IS NOT NULL"
                " UNION SELECT sha256 FROM archive WHERE sha256 IS NOT NULL)"
            )
        return old

    def archive_files(self) -> set[str]:
        """Every WARC file an archive record still needs (holds it, or is referred to by a revisit)."""
        rows = self.db.execute(
            "SELECT warc FROM archive UNION SELECT refers_to FROM archive WHERE refers_to IS NOT NULL"
        )
        return {r[0] for r in rows}

    def count(self, table: str, run_id: int) -> int:
        assert table in ("pages", "links", "attachments", "entries", "directory")
        return int(self.db.execute(f"SELECT count(*) FROM {table} WHERE run_id=?", (run_id,)).fetchone()[0])


class BatchWriter:
    """Buffers crawl items and commits them every `size` items or `seconds`, whichever comes first."""

    def __init__(self, store: Store, run_id: int, size: int = 200, seconds: float = 2.0) -> None:
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

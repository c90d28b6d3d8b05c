"""The store's tables (DDL) and its versioned migrations (PRAGMA user_version).

A fresh store is created from SCHEMA at SCHEMA_VERSION; a store written by an earlier release is upgraded in
place, one numbered step at a time. Migrations import nothing but the standard library: what they compute is
fixed when they are written, whatever the domain code later becomes.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

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
  privacy TEXT,                    -- JSON: personal data in its text, masked ([{kind, count, masked}])
  links_run INTEGER,               -- the run whose links rows are this page's: itself when parsed, an older
                                   -- run's for a 304 or kept copy (links are stored once per version)
  PRIMARY KEY (run_id, url)
);
CREATE TABLE IF NOT EXISTS redirects (
  run_id INTEGER NOT NULL,
  src TEXT NOT NULL,               -- a URL that led elsewhere (HTTP redirect, meta refresh, JavaScript location)
  dst TEXT NOT NULL                -- where the chain ended: the URL the page or file is stored under
);
CREATE INDEX IF NOT EXISTS redirects_src ON redirects(run_id, src);
CREATE TABLE IF NOT EXISTS links (  -- a page version's links, under the run that parsed it (pages.links_run)
  run_id INTEGER NOT NULL,
  src TEXT NOT NULL,
  dst TEXT NOT NULL,
  text TEXT,
  context TEXT,                    -- body | script | embed | directory
  is_attachment INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS links_to ON links(dst);
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
  summary TEXT,                    -- findings.json without its items
  open_gaps INTEGER                -- its open gaps (findings' open_gaps): the trend reads one row a night
);
CREATE TABLE IF NOT EXISTS bodies (  -- response payloads, stored once however many runs saw them
  sha256 TEXT PRIMARY KEY,         -- of the payload as received (of its first max bytes when capped)
  size INTEGER NOT NULL,
  capped INTEGER NOT NULL DEFAULT 0, -- 1: the file was larger than the cap; only its first part is kept
  data BLOB NOT NULL               -- zlib-compressed
);
CREATE TABLE IF NOT EXISTS documents (  -- what a downloaded document contains, extracted once per payload
  sha256 TEXT PRIMARY KEY,
  format TEXT,                     -- pdf | docx | xlsx | xls | doc | html | image
  text TEXT,
  pages INTEGER,
  scanned INTEGER,                 -- 1: a PDF with pages but no text layer (a scan)
  error TEXT,                      -- why no text could be read: a key of messages.UNCHECKED
  detail TEXT,                     -- what was found (the limit crossed, the parser's error)
  privacy TEXT,                    -- JSON: personal data it holds, masked ([{kind, count, masked}]); NULL: not read
  ocr INTEGER                      -- pages of a scan or picture read by OCR; NULL: not OCR'd
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
CREATE INDEX IF NOT EXISTS archive_sha256 ON archive(sha256);
CREATE TABLE IF NOT EXISTS audit_items (
  audit_id INTEGER NOT NULL REFERENCES audits(id),
  item_id TEXT NOT NULL,
  status TEXT NOT NULL,
  fingerprint TEXT NOT NULL,       -- changes when the status, the rules that fired or the best evidence change
  result TEXT NOT NULL,            -- the item's JSON as in findings.json
  open INTEGER,                    -- 1 when an open gap (findings.is_open): what history counts
  PRIMARY KEY (audit_id, item_id)
);
CREATE INDEX IF NOT EXISTS audit_items_item ON audit_items(item_id, audit_id);  -- one item over the nights
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
  source TEXT NOT NULL             -- reviews.yaml | cli | web
);
-- reviews.yaml is recorded every night: its entries (and the CLI's, which it also holds) are kept once; a
-- decision made in the workspace is an event each time, even the same words on the same day after a withdrawal
CREATE UNIQUE INDEX IF NOT EXISTS review_events_filed ON review_events(item, decision, reviewer, reason, date, due,
  status, fingerprint) WHERE source IN ('reviews.yaml', 'cli');
CREATE TABLE IF NOT EXISTS users (  -- who may sign in to the workspace (auditor users): never a password
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL,              -- office | department
  department TEXT NOT NULL DEFAULT '', -- a department user's department, as findings name it in owner
  password TEXT NOT NULL,          -- scrypt$N$r$p$salt$hash (auditor/web/passwords.py)
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  changed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (  -- signed-in browsers: the cookie's value is never stored, its hash is
  token TEXT PRIMARY KEY,          -- sha256 of the cookie's value
  user TEXT NOT NULL,
  csrf TEXT NOT NULL,              -- the token every form of this session carries (csrf_token)
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS workspace_log (  -- every sign-in, decision, response and account change: append-only
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  user TEXT NOT NULL,              -- who (the name typed, for a failed sign-in)
  event TEXT NOT NULL,             -- sign_in | sign_in_failed | sign_in_throttled | sign_out | decision | response
                                   -- | reassign | recheck | export | user_added | user_disabled | password_changed
  item TEXT NOT NULL DEFAULT '',
  ip TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '{}' -- JSON: what was decided or answered (never a password)
);
CREATE INDEX IF NOT EXISTS workspace_log_event ON workspace_log(event, at);
CREATE INDEX IF NOT EXISTS workspace_log_item ON workspace_log(item, id);
CREATE TRIGGER IF NOT EXISTS workspace_log_kept BEFORE UPDATE ON workspace_log
  BEGIN SELECT RAISE(ABORT, 'the workspace log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS workspace_log_never_deleted BEFORE DELETE ON workspace_log
  BEGIN SELECT RAISE(ABORT, 'the workspace log is append-only'); END;
CREATE TABLE IF NOT EXISTS responses (  -- what a department answered about its item: kept, never rewritten
  id INTEGER PRIMARY KEY,
  item TEXT NOT NULL,
  department TEXT NOT NULL,        -- the item's owner when answered
  user TEXT NOT NULL,
  kind TEXT NOT NULL,              -- fixed (已整改) | not_ours (不属于本部门) | explained (说明)
  url TEXT NOT NULL DEFAULT '',    -- for fixed: where the document now is
  text TEXT NOT NULL DEFAULT '',
  at TEXT NOT NULL,
  audit_id INTEGER                 -- the audit the department was answering
);
CREATE INDEX IF NOT EXISTS responses_item ON responses(item, id);
CREATE TABLE IF NOT EXISTS assignments (  -- the office gives an item to another department: kept, latest honoured
  id INTEGER PRIMARY KEY,
  item TEXT NOT NULL,
  department TEXT NOT NULL,
  user TEXT NOT NULL,
  reason TEXT NOT NULL,
  at TEXT NOT NULL
);
"""


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


# What an open gap and the audit's headline figures meant when migration 4 was written (auditor.statuses.is_open
# and auditor.findings.summarize), copied here: a migration imports no domain logic, so a later change to
# those definitions cannot change what an old store is upgraded to.
_V4_GAPS = ("missing", "late", "broken", "stale")


def _v4_is_open(status: str, set_aside: bool) -> bool:
    return status in _V4_GAPS and not set_aside


def _v4_summarize(items: list[dict[str, Any]]) -> dict[str, int]:
    return {
        "items": len(items),
        "open_gaps": sum(bool(it["open"]) for it in items),
        "to_check": sum(bool(it["to_check"]) for it in items),
        "set_aside": sum(bool(it["set_aside"]) and it["status"] in _V4_GAPS for it in items),
        "published": sum(it["status"] == "ok" for it in items),
        "exempt": sum(it["status"] == "exempt" for it in items),
        "not_applicable": sum(it["status"] == "not_applicable" for it in items),
        "promises_overdue": sum(bool(it["open"] and (it.get("review") or {}).get("overdue")) for it in items),
    }


def _v4_derived_facts(db: sqlite3.Connection) -> None:
    """Audits stored before the findings carried their derived facts: add each item's open / to_check (by the
    one definition, as it stood then: frozen above), and the audit's summary. What an old audit never knew
    (due dates) stays null."""
    _add_columns(db, [("audit_items", "open", "INTEGER")])
    for (audit_id,) in db.execute("SELECT id FROM audits").fetchall():
        rows = db.execute(
            "SELECT rowid, result FROM audit_items WHERE audit_id=? ORDER BY rowid", (audit_id,)
        )
        items = []
        for rowid, text in rows.fetchall():
            item = json.loads(text)
            item.setdefault("open", _v4_is_open(item["status"], bool(item.get("set_aside"))))
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
            summary.setdefault("summary", _v4_summarize(items))
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


def _v9_links_once(db: sqlite3.Connection) -> None:
    """Links stored once per page version (issue 24: a 304 or kept page copied all its links into every run,
    ~166 MB a run on real pages): each page names the run whose links rows are its own. Old rows are their
    own run's; the index by destination no longer leads with the run. The archive is indexed by payload."""
    _add_columns(db, [("pages", "links_run", "INTEGER")])
    db.execute("UPDATE pages SET links_run = run_id WHERE links_run IS NULL")
    db.execute("DROP INDEX IF EXISTS links_dst")
    db.execute("CREATE INDEX IF NOT EXISTS links_to ON links(dst)")
    if db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='archive'").fetchone():
        db.execute("CREATE INDEX IF NOT EXISTS archive_sha256 ON archive(sha256)")


def _v10_privacy(db: sqlite3.Connection) -> None:
    """Personal data found in pages and documents, masked (issue 26). Pages stored before have none recorded
    (their next fetch records it); documents read before are forgotten, to be read again and checked."""
    _add_columns(db, [("pages", "privacy", "TEXT")])
    if db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='documents'").fetchone():
        _add_columns(db, [("documents", "privacy", "TEXT")])
        db.execute("DELETE FROM documents WHERE privacy IS NULL")


def _v11_ocr(db: sqlite3.Connection) -> None:
    """Scans and pictures of 公示 read by OCR (issue 26): how many pages were. Documents read before were not."""
    if db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='documents'").fetchone():
        _add_columns(db, [("documents", "ocr", "INTEGER")])


def _v12_workspace(db: sqlite3.Connection) -> None:
    """The workspace (issue 27): users, sessions, its log, responses and reassignments come with the schema;
    each audit keeps its open gaps beside it (the trend reads a row a night, not the night's summary); review
    events are unique only among the filed ones (the table is rebuilt without its UNIQUE clause, every row kept
    with its id)."""
    if db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='audits'").fetchone():
        _add_columns(db, [("audits", "open_gaps", "INTEGER")])
        db.execute(
            "UPDATE audits SET open_gaps = json_extract(summary, '$.open_gaps') WHERE summary LIKE '{%'"
        )
    if db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='review_events'").fetchone():
        columns = "id, item, decision, reviewer, reason, date, due, status, fingerprint, recorded_at, source"
        db.execute("ALTER TABLE review_events RENAME TO review_events_v11")
        db.execute(
            "CREATE TABLE review_events (id INTEGER PRIMARY KEY, item TEXT NOT NULL, decision TEXT NOT NULL,"
            " reviewer TEXT NOT NULL, reason TEXT NOT NULL, date TEXT NOT NULL, due TEXT NOT NULL DEFAULT '',"
            " status TEXT NOT NULL DEFAULT '', fingerprint TEXT NOT NULL DEFAULT '', recorded_at TEXT NOT NULL,"
            " source TEXT NOT NULL)"
        )
        db.execute(f"INSERT INTO review_events({columns}) SELECT {columns} FROM review_events_v11")
        db.execute("DROP TABLE review_events_v11")


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
    (9, _v9_links_once),
    (10, _v10_privacy),
    (11, _v11_ocr),
    (12, _v12_workspace),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]

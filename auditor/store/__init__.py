"""SQLite store: one file, no server. A crawl is a run; its pages, links and attachments belong to it.

Writes are batched in transactions (WAL journal), so a crawl killed at any moment leaves a consistent
database: committed batches are whole, the run row says 'running', and the next open marks such a
run 'interrupted' once its process is gone. Nothing here knows Scrapy or the checklist.

A package split by what each part keeps; `Store` is all of them over one connection:
- schema: the tables and the versioned migrations (standard library only)
- connection: opening (create or migrate, recover), transactions, what is a fault and what a bug
- runs: a crawl's run, started and finished
- crawl: what a crawl writes (pages, files, bodies, copies from an earlier night, redirects)
- pages: reads of a run's pages, links, entries, directory rows and files
- audits: audits and their items, kept as history
- evidence: bodies, documents and the archive index
- rotation: the revisit rotation, validators and retention
- reviews: review events
- workspace: users, sessions, the workspace log, responses and reassignments
"""

from __future__ import annotations

from auditor.store.audits import AuditHistory
from auditor.store.connection import (
    FAULT_WORDS,
    FAULTS,
    Connection,
    _fault,
    now_iso,
    unusable,
)
from auditor.store.crawl import (
    ATTACHMENT_FIELDS,
    JSON_FIELDS,
    PAGE_COLUMNS,
    PAGE_FIELDS,
    REDIRECTS_FOLLOWED,
    BatchWriter,
    CrawlWrites,
)
from auditor.store.evidence import EvidenceRecords
from auditor.store.pages import PageQueries
from auditor.store.reviews import ReviewEvents
from auditor.store.rotation import Pruned, Rotation
from auditor.store.runs import FINAL_STATUSES, Run, Runs
from auditor.store.schema import MIGRATIONS, SCHEMA, SCHEMA_VERSION
from auditor.store.workspace import Workspace


class Store(Runs, CrawlWrites, PageQueries, AuditHistory, EvidenceRecords, Rotation, ReviewEvents, Workspace):
    """A handle on one SQLite file. Use as a context manager, or call close()."""


__all__ = [
    "ATTACHMENT_FIELDS",
    "FAULTS",
    "FAULT_WORDS",
    "FINAL_STATUSES",
    "JSON_FIELDS",
    "MIGRATIONS",
    "PAGE_COLUMNS",
    "PAGE_FIELDS",
    "REDIRECTS_FOLLOWED",
    "SCHEMA",
    "SCHEMA_VERSION",
    "AuditHistory",
    "BatchWriter",
    "Connection",
    "CrawlWrites",
    "EvidenceRecords",
    "PageQueries",
    "Pruned",
    "ReviewEvents",
    "Rotation",
    "Run",
    "Runs",
    "Store",
    "Workspace",
    "_fault",
    "now_iso",
    "unusable",
]

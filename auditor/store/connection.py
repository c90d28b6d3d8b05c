"""One SQLite file, opened: created or migrated to the current schema, transactions that tell a refused write
(disk full, I/O, a lock held too long) from a bug, and runs a killed crawl left 'running' marked 'interrupted'.
Every part of the store (auditor.store's mixins) works through this handle."""

from __future__ import annotations

import errno
import os
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

from auditor.errors import InputError, StoreWriteError, reason
from auditor.store.schema import MIGRATIONS, SCHEMA, SCHEMA_VERSION


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
    return InputError.said(str(path), None, "store_unusable", why=reason(error))


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


class Connection:
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
            raise InputError.said(
                str(self.path), None, "store_newer", version=version, readable=SCHEMA_VERSION
            )
        fresh = (
            self.db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='runs'").fetchone()
            is None
        )
        if fresh:  # in one transaction: all or nothing, and each page written to the journal once
            self.db.executescript(f"BEGIN; {SCHEMA}; PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")
            return
        for number, step in MIGRATIONS:
            if number > version:
                with self.transaction() as db:
                    step(db)
                    db.execute(f"PRAGMA user_version = {number}")
        self.db.executescript(SCHEMA)  # indexes and tables an old store lacks (all IF NOT EXISTS)

    def __enter__(self) -> Self:
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

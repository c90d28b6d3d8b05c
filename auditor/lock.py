"""One run per site at a time. An flock on <store>.lock: the kernel releases it when the holder dies, so a
lock left by a killed run is stale by construction — noticed (from the pid written in it) and taken over."""

from __future__ import annotations

import fcntl
import json
import os
import socket
from pathlib import Path
from types import TracebackType
from typing import IO

from auditor.store import now_iso
from auditor.wording import say


class Busy(Exception):
    """Another run for the same site holds the lock: `holder` is what the lock file says of it."""

    def __init__(self, holder: str, lock: Path) -> None:
        self.holder, self.lock = holder, lock
        super().__init__(self.text("en"))

    def text(self, lang: str = "zh") -> str:
        return say("cli.busy", lang, holder=who(self.holder, lang), lock=self.lock)


def who(holder: str, lang: str = "zh") -> str:
    """The lock's holder in words: process 4242 on host web1, since 2022-11-15T01:00:00+00:00."""
    try:
        h = json.loads(holder)
        return say("cli.holder", lang, pid=h["pid"], host=h["host"], since=h["since"])
    except (ValueError, KeyError, TypeError):
        return holder or say("cli.holder_unknown", lang)


class RunLock:
    def __init__(self, store: Path) -> None:
        self.path = store.with_name(store.name + ".lock")
        self.file: IO[str] | None = None
        self.stale: dict[str, object] | None = None  # what a dead run left behind, if anything

    def __enter__(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        f = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 (held until __exit__)
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip()
            f.close()
            raise Busy(holder, self.path) from None
        f.seek(0)
        previous = f.read().strip()
        if previous:
            try:
                self.stale = json.loads(previous)
            except ValueError:
                self.stale = {"text": previous}
        f.seek(0)
        f.truncate()
        f.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": now_iso()}))
        f.flush()
        self.file = f
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.file is not None:
            self.file.seek(0)
            self.file.truncate()  # an empty lock file means: nobody was killed holding it
            fcntl.flock(self.file, fcntl.LOCK_UN)
            self.file.close()

"""Errors a user can fix. The CLI prints them as one clear message and exits 2, never a traceback."""

from __future__ import annotations


def reason(error: BaseException) -> str:
    """What went wrong, in the system's words: an OSError's strerror ('No space left on device'), else the text."""
    return error.strerror if isinstance(error, OSError) and error.strerror else str(error)


class InputError(Exception):
    """Bad user input (config, checklist, reviews): says where, what is wrong and what to write instead."""

    def __init__(self, path: str, line: int | None, message: str, hint: str = "") -> None:
        self.path, self.line, self.message, self.hint = path, line, message, hint
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.message}"
        return f"{text}\n  → {self.hint}" if self.hint else text


class StoreWriteError(Exception):
    """The store (or the reports) could not be written — a full disk, a file-size limit, a read-only file
    system. Nothing can be concluded from a crawl that was not stored: the CLI says so and exits 3, never a
    report of gaps."""

    def __init__(self, path: str, error: BaseException, what: str = "the store", hint: str = "") -> None:
        self.path, self.why, self.what = path, reason(error), what
        self.hint = hint or "free space on that file system (or point it at another one) and run again"
        super().__init__(str(self))

    def __str__(self) -> str:
        return (
            f"{self.path}: {self.what} could not be written ({self.why}); nothing was concluded from this run\n"
            f"  → {self.hint}"
        )

"""Errors a user can fix. The CLI prints them as one clear message and exits 2, never a traceback."""

from __future__ import annotations

from auditor.wording import catalogue, say


def reason(error: BaseException) -> str:
    """What went wrong, in the system's words: an OSError's strerror ('No space left on device'), else the text."""
    return error.strerror if isinstance(error, OSError) and error.strerror else str(error)


def words(key: str, /, **facts: object) -> tuple[str, str]:
    """An error's message and hint from the catalogue (`errors.<key>.message` / `.hint`, either may be absent:
    ""), in the language the command speaks."""
    return tuple(  # type: ignore[return-value]
        say(f"errors.{key}.{part}", **facts) if f"errors.{key}.{part}" in catalogue() else ""
        for part in ("message", "hint")
    )


class InputError(Exception):
    """Bad user input (config, checklist, reviews): says where, what is wrong and what to write instead."""

    def __init__(self, path: str, line: int | None, message: str, hint: str = "") -> None:
        self.path, self.line, self.message, self.hint = path, line, message, hint
        super().__init__(str(self))

    @classmethod
    def said(cls, path: str, line: int | None, key: str, /, **facts: object) -> InputError:
        """The error worded by the catalogue's `errors.<key>` (see `words`)."""
        return cls(path, line, *words(key, **facts))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.message}"
        return f"{text}\n  → {self.hint}" if self.hint else text


class StoreWriteError(Exception):
    """The store (or the reports) could not be written — a full disk, a file-size limit, a read-only file
    system. Nothing can be concluded from a crawl that was not stored: the CLI says so and exits 3, never a
    report of gaps. `what` names the file in the catalogue's `written` section (store, reports, ledger, …);
    `hint` is a catalogue key under `hint`, the default being to free space."""

    def __init__(
        self, path: str, error: BaseException, what: str = "store", hint: str = "free_space", **facts: str
    ) -> None:
        self.path, self.why, self.what, self.hint, self.facts = path, reason(error), what, hint, facts
        super().__init__(str(self))

    def __str__(self) -> str:
        return self.text("en")

    def text(self, lang: str = "zh") -> str:
        return say(
            "cli.not_written",
            lang,
            path=self.path,
            what=say(f"written.{self.what}", lang),
            why=self.why,
            hint=say(f"hint.{self.hint}", lang, **self.facts),
        )

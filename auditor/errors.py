"""Errors a user can fix. The CLI prints them as one clear message and exits 2, never a traceback."""

from __future__ import annotations


class InputError(Exception):
    """Bad user input (config, checklist, reviews): says where, what is wrong and what to write instead."""

    def __init__(self, path: str, line: int | None, message: str, hint: str = "") -> None:
        self.path, self.line, self.message, self.hint = path, line, message, hint
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.message}"
        return f"{text}\n  → {self.hint}" if self.hint else text

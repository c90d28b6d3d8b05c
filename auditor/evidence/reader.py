"""Documents are read apart from the night: in a child process with a memory ceiling (RLIMIT_AS), a CPU
limit per document (RLIMIT_CPU, raised before each one) and a wall-clock limit after which the parent ends
the child and all it started. A file that crosses a limit is "unchecked: <which>" — never a gap, never the
end of the audit — and the next file gets a fresh child.

    with Reader() as reader:
        reader.read(body, content_type, name)  → {format, text, pages, scanned, ocr, error, detail}

A file read with `ocr=True` (a 公示's scan or picture) is read by a child of its own, with limits.ocr_memory_mb and
limits.ocr_seconds instead of memory_mb and seconds (onnxruntime's address space alone is over a gigabyte); all
such reads of one night share limits.ocr_budget_seconds: past it, a scan is answered "ocr_budget" (not
cached: the next night reads it) and `deferred` counts it, so the audit can say so.

The child is this module run with `python -m`: it reads a JSON header line and the payload on stdin and
answers one JSON line per document on stdout."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import select
import signal
import subprocess
import sys
import time
from dataclasses import asdict, replace
from typing import Any

from auditor.evidence import processes
from auditor.evidence.text import LIMITS, MB, Limits, bounded_inflation, extract, page_text, sniff

# outcomes that say nothing lasting about the file (another night, a quieter machine may read it): not cached
PASSING = frozenset({"seconds", "budget", "died", "ocr_budget"})


class Reader:
    """One child at a time, started when a document first needs reading."""

    def __init__(self, limits: Limits = LIMITS) -> None:
        self.limits = limits
        self.spent = 0.0  # wall seconds spent reading, against limits.budget_seconds
        self.ocr_spent = 0.0  # of which reading by OCR, against limits.ocr_budget_seconds
        self.ocr_pages = 0  # pages read by OCR
        self.deferred = 0  # scans and pictures left for another night: the OCR budget was spent
        self.done: dict[tuple[str, bool], dict[str, Any]] = {}  # (payload sha, as a page): its answer tonight
        self._proc: subprocess.Popen[bytes] | None = None
        self._ocr = False  # whether the running child is the OCR reader

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._proc is not None:
            proc, self._proc = self._proc, None
            if proc.stdin:
                with contextlib.suppress(OSError):
                    proc.stdin.close()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                processes.end(proc)

    def read(
        self,
        body: bytes,
        content_type: str = "",
        name: str = "",
        capped: bool = False,
        page: bool = False,
        ocr: bool = False,
    ) -> dict[str, Any]:
        fmt = "html" if page else sniff(body, content_type.lower(), name)
        if self.spent >= self.limits.budget_seconds:
            return _unchecked(fmt, "budget", f"{self.limits.budget_seconds:.0f} s")
        ocr = ocr and fmt in ("pdf", "image")
        spent = self.ocr_spent >= self.limits.ocr_budget_seconds
        started = time.monotonic()
        try:
            header = {
                "page": page,
                "content_type": content_type,
                "name": name,
                "capped": capped,
                "size": len(body),
                "ocr": ocr and not spent,
            }
            answer = self._ask(header, body, fmt, self.limits.ocr_seconds if header["ocr"] else None)
        finally:
            took = time.monotonic() - started
            self.spent += took
            if ocr and not spent:
                self.ocr_spent += took
        self.ocr_pages += answer.get("ocr") or 0
        if ocr and spent and (fmt == "image" or answer.get("scanned")):
            self.deferred += 1
            return _unchecked(fmt, "ocr_budget", f"{self.limits.ocr_budget_seconds:.0f} s")
        return answer

    def _child(self, ocr: bool) -> subprocess.Popen[bytes]:
        if self._proc is not None and self._ocr != ocr:
            self.close()  # the other kind of reader: OCR reads come together (a night's 公示 files), rarely switched
        if self._proc is None or self._proc.poll() is not None:
            limits = replace(self.limits, memory_mb=self.limits.ocr_memory_mb) if ocr else self.limits
            self._ocr = ocr
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "auditor.evidence.reader", json.dumps(asdict(limits))],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                start_new_session=True,
            )  # fmt: skip
        return self._proc

    def _ask(
        self, header: dict[str, Any], body: bytes, fmt: str, seconds: float | None = None
    ) -> dict[str, Any]:
        proc = self._child(bool(header.get("ocr")))
        assert proc.stdin is not None and proc.stdout is not None
        seconds = seconds or self.limits.seconds
        deadline = time.monotonic() + seconds
        try:
            proc.stdin.write(json.dumps(header).encode() + b"\n")
            proc.stdin.write(body)
            proc.stdin.flush()
        except OSError:
            return self._died(fmt)
        line = b""
        fd = proc.stdout.fileno()
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                self._end()
                return _unchecked(fmt, "seconds", f"{seconds:.0f} s")
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return self._died(fmt)
            line += chunk
        answer: dict[str, Any] = json.loads(line)
        answer["format"] = answer.get("format") or fmt
        if answer.get("error") == "memory":  # the child ends itself after that answer
            self._end()
        return answer

    def _end(self) -> None:
        if self._proc is not None:
            processes.end(self._proc)
            self._proc = None

    def _died(self, fmt: str) -> dict[str, Any]:
        """The child ended without answering: its CPU limit (SIGXCPU), or a crash in a parser."""
        proc, self._proc = self._proc, None
        code = proc.wait() if proc is not None else None
        if proc is not None:
            processes.end(proc)  # whatever it started goes with it
        if code == -signal.SIGXCPU:
            return _unchecked(fmt, "seconds", f"{self.limits.seconds:.0f} s CPU")
        return _unchecked(
            fmt, "died", signal.Signals(-code).name if code is not None and code < 0 else f"exit {code}"
        )


def _unchecked(fmt: str, error: str, detail: str) -> dict[str, Any]:
    return {"format": fmt, "text": None, "error": error, "detail": detail}


def _serve(limits: Limits) -> int:
    """The child: set the ceilings, then read documents until stdin closes."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mb * MB, hard))  # soft: LibreOffice gets its own
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    bounded_inflation()
    import docx  # noqa: F401 — loaded once, not per document
    import openpyxl  # noqa: F401
    import pypdf  # noqa: F401

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while line := stdin.readline():
        ask = json.loads(line)
        body = stdin.read(ask["size"])
        usage = resource.getrusage(resource.RUSAGE_SELF)
        used = usage.ru_utime + usage.ru_stime
        _, cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)
        seconds = limits.ocr_seconds if ask.get("ocr") else limits.seconds
        resource.setrlimit(resource.RLIMIT_CPU, (int(used + seconds) + 1, cpu_hard))
        try:
            if ask["page"]:
                answer = page_text(body, ask["content_type"])
            else:
                answer = extract(
                    body, ask["content_type"], ask["name"], ask["capped"], limits, ask.get("ocr")
                )
        except MemoryError:
            answer = {"format": None, "text": None, "error": "memory", "detail": f"{limits.memory_mb} MB"}
        stdout.write(json.dumps(answer, ensure_ascii=False).encode() + b"\n")
        stdout.flush()
        if answer.get("error") == "memory":
            return 0  # what is left of this process's heap is not to be trusted: the next file gets a new one
    return 0


if __name__ == "__main__":
    sys.exit(_serve(Limits(**json.loads(sys.argv[1])) if len(sys.argv) > 1 else LIMITS))

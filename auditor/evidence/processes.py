"""Ending a child and everything it started: a reader whose LibreOffice is still converting, a Chromium with
its renderers and crash handler. A process group is not enough (LibreOffice is given one of its own, and
Chromium's crash handler leaves the browser's session), so the session, and any process naming a marker
such as a throwaway profile's path, are ended too. Linux (/proc), as the rest of the night is."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from pathlib import Path


def _processes() -> list[tuple[int, int, bytes]]:
    """(pid, session id, command line) of every process this user can see."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        out.append((int(entry.name), int(fields[3]), cmdline))  # state ppid pgrp session …
    return out


def end(proc: subprocess.Popen[bytes], marker: str = "") -> None:
    """Kill `proc` (started with start_new_session=True), every process of its session, and every process
    whose command line holds `marker`; then reap `proc`."""
    me = os.getpid()
    for pid, session, cmdline in _processes():
        if pid != me and (session == proc.pid or (marker and marker.encode() in cmdline)):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def leftovers(session: int, marker: str = "") -> list[int]:
    """Live processes still in `session` or naming `marker` (for tests: nothing may outlive a kill)."""
    alive = []
    for pid, sid, cmdline in _processes():
        if sid == session or (marker and marker.encode() in cmdline):
            try:
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if state != "Z":
                alive.append(pid)
    return alive

"""A screenshot of the page that shows each open gap, taken as a sandbox would take it: from the **archived
copy**, never the live site; the copy rebuilt by the sanitiser (auditor.evidence.sanitise); served to
headless Chromium from a loopback origin made for the one shot (never as file://, which would let a page
reach this machine's files), with the Content-Security-Policy as a response header; scripts switched off in
the browser itself (its profile's content settings), every host name but that origin resolving to nothing,
a throwaway profile, and a hard time limit after which the browser and everything it started are killed.

Each shot is stamped with the URL, when it was captured and the payload's SHA-256, and kept per payload: a
page that answered 304 (same payload) reuses its earlier screenshot. A shot that fails says why on its gap
("未截图：…"); the others and the night go on."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from auditor.browser import CHROMIUM_FLAGS, chromium
from auditor.clock import beijing
from auditor.evidence import archive, processes
from auditor.evidence.sanitise import CSP, FOCUS, safe_copy
from auditor.findings import AuditResult, ItemResult
from auditor.store import Store
from auditor.wording import say

SHOT_VERSION = 2  # in the file name: shots taken before the sandbox (version 1) are never shown again
SHOT_SECONDS = 30.0  # one shot, start to finish; Chromium takes about a second for an ordinary page
FLAGS = (
    *CHROMIUM_FLAGS,
    "--disable-crash-reporter",
    "--disable-breakpad",
    "--disable-extensions",
    "--no-proxy-server",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--window-size=1000,1200",
)
# the profile's content settings: no JavaScript at all (Chromium's --blink-settings=scriptEnabled=false
# stops its own headless screenshot too)
PREFERENCES = {
    "profile": {"default_content_setting_values": {"javascript": 2, "popups": 2, "notifications": 2}}
}


def shown_at(item: ItemResult, directory_pages: list[str]) -> tuple[str | None, str | None]:
    """(the page that shows the gap, the words to show on it): the page linking to a dead target (at the
    link), the page a rule pointed at (the empty column, the newest old edition), the best evidence — or, for
    an item with none, the 信息公开目录 at the row that names it, else at its category."""
    for f in item.findings:
        if f.link and f.link.get("source"):
            return f.link["source"], f.link.get("anchor") or None
        if f.url:
            return f.url, None
    if item.evidence:
        return item.evidence[0].url, None
    if item.directory:
        return item.directory["page"], item.directory["label"]
    return (directory_pages[0], item.category) if directory_pages else (None, None)


class OneShot:
    """A loopback origin for one shot: the copy at one unguessable path, with the policy as a header;
    every other request is 404. `asked` lists the paths the browser requested."""

    def __init__(self, body: bytes) -> None:
        self.body, self.path, self.asked = body, f"/{secrets.token_hex(8)}.html", []
        shot = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 — http.server's name
                shot.asked.append(self.path)
                found = self.path == shot.path
                self.send_response(200 if found else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Security-Policy", CSP)
                self.send_header("X-Content-Type-Options", "nosniff")
                self.send_header("Cache-Control", "no-store")
                self.send_header("Content-Length", str(len(shot.body) if found else 0))
                self.end_headers()
                if found:
                    self.wfile.write(shot.body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{self.path}"

    def __enter__(self) -> OneShot:
        threading.Thread(target=self.server.serve_forever, name="one-shot", daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def render(copy: bytes, png: Path, seconds: float = SHOT_SECONDS, browser: str | None = None) -> str:
    """Photograph `copy` (a safe document) into `png`: '' when taken, else why not (a key of SHOT_REASONS).
    Never raises for what the page or the browser did."""
    browser = browser or chromium()
    if browser is None:
        return "no_browser"
    try:
        with OneShot(copy) as origin, tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
            (Path(profile) / "Default").mkdir()
            (Path(profile) / "Default" / "Preferences").write_text(json.dumps(PREFERENCES))
            target = origin.url + (f"#{FOCUS}" if f'id="{FOCUS}"'.encode() in copy else "")
            proc = subprocess.Popen(
                [browser, *FLAGS, f"--user-data-dir={profile}", f"--screenshot={png}", target],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True,
            )  # fmt: skip
            try:
                proc.wait(timeout=seconds)
                timed_out = False
            except subprocess.TimeoutExpired:
                timed_out = True
            processes.end(proc, marker=profile)  # the browser, its renderers, its crash handler
    except OSError:  # the browser could not start, or its profile could not be made
        return "browser"
    if timed_out:
        png.unlink(missing_ok=True)
        return "timeout"
    return "" if png.exists() and png.stat().st_size else "browser"


def shot_name(sha: str, mark: str | None = None) -> str:
    """One picture per payload — and per place on it (the same 目录 shows each missing item at its row)."""
    at = f"-{hashlib.sha1(mark.encode()).hexdigest()[:10]}" if mark else ""
    return f"{sha}{at}-v{SHOT_VERSION}.png"


def take(store: Store, store_path: Path, result: AuditResult) -> dict[str, Any]:
    """Screenshots for the open gaps. Returns {taken, reused, failed, seconds, skipped: why or ''}."""
    started = time.monotonic()
    out: dict[str, Any] = {"taken": 0, "reused": 0, "failed": 0, "seconds": 0.0, "skipped": ""}
    if os.environ.get("AUDITOR_SCREENSHOTS", "on") == "off":  # a night that needs no pictures (tests, a quick
        out["skipped"] = say("shot.off", "zh")  # look over many schools): said on every gap, never silent
        return out
    if chromium() is None:
        out["skipped"] = "本机未安装 Chromium，未截图"
        return out
    run_id = result.run["id"]
    index = {r["url"]: dict(r) for r in store.archived(run_id)}
    types = {u: r.get("content_type") for u, r in store.responses(run_id, list(index)).items()}
    pages = list(dict.fromkeys(r["page"] for r in store.directory_rows(run_id)))
    shots = archive.folder(store_path) / "shots"
    shots.mkdir(parents=True, exist_ok=True)
    wanted: dict[str, tuple[dict[str, Any], str, str | None]] = {}  # shot → (archive row, url, words)
    gaps = []
    for it in result.items:
        if not it.open:
            continue
        url, mark = shown_at(it, pages)
        row = index.get(url or "")
        if row is not None:
            name = shot_name(row["sha256"], mark)
            gaps.append((it, row, url or "", name))
            wanted.setdefault(name, (row, url or "", mark))
    todo = [(name, *w) for name, w in wanted.items() if not (shots / name).exists()]
    out["reused"] = len(wanted) - len(todo)
    problems: dict[str, str] = {}
    with ThreadPoolExecutor(max_workers=4) as pool:
        jobs = {}
        for name, row, url, mark in todo:
            payload, problem = archive.read(store_path, row, store)
            if problem or payload is None:
                problems[name] = problem or "missing"
                continue
            try:
                copy = safe_copy(
                    payload, url, beijing(row["archived_at"]), row["sha256"], types.get(row["url"]), mark
                )
            except Exception:  # whatever a page holds, the others are still photographed
                problems[name] = "copy"
                continue
            jobs[name] = pool.submit(render, copy, shots / name)
        for name, job in jobs.items():
            problems[name] = job.result()
    out["taken"] = sum(1 for why in problems.values() if not why)
    out["failed"] = len(problems) - out["taken"]
    for it, row, url, name in gaps:
        png = shots / name
        if png.exists():
            store.set_screenshot(run_id, row["url"], f"shots/{png.name}")
            it.screenshot = {
                "url": url,
                "file": f"shots/{png.name}",
                "captured": row["archived_at"],
                "sha256": row["sha256"],
            }
        else:
            it.screenshot_problem = problems.get(name) or "browser"
    out["seconds"] = round(time.monotonic() - started, 1)
    return out

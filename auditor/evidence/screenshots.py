"""A screenshot of the page that shows each open gap, rendered from the **archived copy** in headless
Chromium with its network cut off (every host name resolves to nothing, and the copy carries a CSP that
forbids loading anything): a live browser would run the site's scripts and follow redirects the crawler
refuses; the CSP also stops every script, inline ones too. Each shot is stamped with the URL, when it was captured and the payload's SHA-256, and kept per
payload: a page that answered 304 (same payload) reuses its earlier screenshot."""

from __future__ import annotations

import html
import re
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from auditor.clock import beijing
from auditor.evidence import archive
from auditor.findings import AuditResult, ItemResult
from auditor.report.printing import CHROMIUM_FLAGS, chromium
from auditor.store import Store

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
HEAD = re.compile(rb"<head[^>]*>", re.I)


def shown_at(item: ItemResult, directory_pages: list[str]) -> str | None:
    """The page that shows the gap: the page linking to a dead target, the page a rule pointed at (the
    empty column, the newest old edition), the best evidence — or, for an item with none, the 目录."""
    for f in item.findings:
        if f.link and f.link.get("source"):
            return f.link["source"]
        if f.url:
            return f.url
    if item.evidence:
        return item.evidence[0].url
    return directory_pages[0] if directory_pages else None


def safe_copy(payload: bytes, url: str, captured: str, sha: str) -> bytes:
    """The archived HTML with a CSP first thing in <head> and a stamp saying what it is."""
    stamp = (
        f'<div style="position:sticky;top:0;z-index:2147483647;background:#fff3cd;color:#000;font:13px sans-serif;'
        f'padding:4px 8px;border-bottom:2px solid #c0392b">存档副本 · {html.escape(url)} · 抓取于 {html.escape(captured)}'
        f"（北京时间）· SHA-256 {sha[:16]}…</div>"
    )
    meta = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'.encode()
    if HEAD.search(payload):
        payload = HEAD.sub(lambda m: m.group(0) + meta, payload, count=1)
    else:
        payload = meta + payload
    body = re.search(rb"<body[^>]*>", payload, re.I)
    mark = stamp.encode("ascii", "xmlcharrefreplace")  # character references: right in GBK and UTF-8 pages
    return payload[: body.end()] + mark + payload[body.end() :] if body else mark + payload


def render(copy: Path, png: Path) -> bool:
    browser = chromium()
    if browser is None:
        return False
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--host-resolver-rules=MAP * ~NOTFOUND",
             "--window-size=1000,1200", f"--screenshot={png}",
             copy.resolve().as_uri()],
            capture_output=True, timeout=120,
        )  # fmt: skip
    return png.exists()


def take(store: Store, store_path: Path, result: AuditResult) -> dict[str, Any]:
    """Screenshots for the open gaps. Returns {taken, reused, seconds, skipped: why or ''}."""
    started = time.monotonic()
    out = {"taken": 0, "reused": 0, "seconds": 0.0, "skipped": ""}
    if chromium() is None:
        out["skipped"] = "本机未安装 Chromium，未截图"
        return out
    run_id = result.run["id"]
    index = {r["url"]: dict(r) for r in store.archived(run_id)}
    pages = list(dict.fromkeys(r["page"] for r in store.directory_rows(run_id)))
    shots = archive.folder(store_path) / "shots"
    shots.mkdir(parents=True, exist_ok=True)
    wanted: dict[str, tuple[dict[str, Any], str]] = {}  # sha256 → (archive row, url): one shot per payload
    gaps = []
    for it in result.items:
        if not it.open:
            continue
        url = shown_at(it, pages)
        row = index.get(url or "")
        if row is not None:
            gaps.append((it, row, url or ""))
            wanted.setdefault(row["sha256"], (row, url or ""))
    todo = [(sha, row, url) for sha, (row, url) in wanted.items() if not (shots / f"{sha}.png").exists()]
    out["reused"] = len(wanted) - len(todo)
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(max_workers=4) as pool:
        jobs = []
        for sha, row, url in todo:
            payload, problem = archive.read(store_path, row, store)
            if problem or payload is None:
                continue
            copy = Path(tmp) / f"{sha}.html"
            copy.write_bytes(safe_copy(payload, url, beijing(row["archived_at"]), sha))
            jobs.append(pool.submit(render, copy, shots / f"{sha}.png"))
        out["taken"] = sum(job.result() for job in jobs)
    for it, row, url in gaps:
        png = shots / f"{row['sha256']}.png"
        if png.exists():
            store.set_screenshot(run_id, row["url"], f"shots/{png.name}")
            it.screenshot = {
                "url": url,
                "file": f"shots/{png.name}",
                "captured": row["archived_at"],
                "sha256": row["sha256"],
            }
    out["seconds"] = round(time.monotonic() - started, 1)
    return out

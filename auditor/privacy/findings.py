"""The `privacy` list of findings.json: one entry per URL and kind of personal data the night's crawl holds —
on a page, or inside a file (the file itself is the URL, the page linking it is `page`) — masked, with the
department that owns where it was published and since when it is online. Read from the store (given, not
imported: auditor.privacy depends on nothing of auditor's), where the extraction and the reader left only masks."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

COORDINATOR = "党政办"  # who routes what no department's site owns


def entries(store: Any, run_id: int, owner_of_host: dict[str, str]) -> list[dict[str, Any]]:
    """Every (URL, kind) with personal data in the run, pages first then files, each as the report shows it."""
    out: list[dict[str, Any]] = []
    pages = store.db.execute(
        "SELECT p.url, p.privacy, p.referer, (SELECT min(r.started_at) FROM pages q JOIN runs r ON r.id = q.run_id"
        " WHERE q.url = p.url AND q.privacy IS NOT NULL AND q.privacy != '[]') AS first"
        " FROM pages p WHERE p.run_id=? AND p.privacy IS NOT NULL AND p.privacy != '[]' ORDER BY p.url",
        (run_id,),
    ).fetchall()
    for p in pages:
        out.extend(_of(p["url"], json.loads(p["privacy"]), p["url"], p["first"], owner_of_host, False))
    files = store.db.execute(
        "SELECT a.url, d.privacy, d.ocr, (SELECT min(r.started_at) FROM attachments b JOIN runs r ON r.id = b.run_id"
        " WHERE b.url = a.url AND b.body_sha256 = a.body_sha256) AS first FROM attachments a"
        " JOIN documents d ON d.sha256 = a.body_sha256"
        " WHERE a.run_id=? AND d.privacy IS NOT NULL AND d.privacy != '[]' ORDER BY a.url",
        (run_id,),
    ).fetchall()
    for f in files:
        linked = store.inbound(run_id, f["url"])
        page = linked[0] if linked else ""
        out.extend(_of(f["url"], json.loads(f["privacy"]), page, f["first"], owner_of_host, bool(f["ocr"])))
    return out


def carried(found: list[dict[str, Any]], last: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each entry's first_seen is fixed when it was first found: an entry the last complete audit had (same URL
    and kind) keeps that audit's date, however long ago the crawl records behind it were pruned."""
    since = {(p["url"], p["kind"]): p.get("first_seen") for p in last}
    return [{**p, "first_seen": since.get((p["url"], p["kind"])) or p["first_seen"]} for p in found]


def _of(
    url: str,
    found: list[dict[str, Any]],
    page: str,
    first: str | None,
    owner_of_host: dict[str, str],
    on_scan: bool,
) -> list[dict[str, Any]]:
    host = urlsplit(page or url).hostname or ""
    return [
        {
            "url": url,
            "kind": f["kind"],
            "count": f["count"],
            "masked": f["masked"],
            "page": page,
            "department": owner_of_host.get(host) or COORDINATOR,
            "first_seen": (first or "")[:10],
            "on_scan": on_scan,  # read by OCR from a scan or a picture
        }
        for f in found
    ]


def owners(store: Any, departments: Any) -> dict[str, str]:
    """Each host's department, as its own title names it (…学生工作处 → 学生工作处), when site.yaml lists it."""
    names = [(n, d.name) for d in getattr(departments, "listed", ()) for n in (d.name, *d.aliases)]
    out = {}
    for host, title in store.host_titles().items():
        hits = sorted((len(n), name) for n, name in names if n and n in title)
        if hits:
            out[host] = hits[-1][1]  # the longest name the title holds
    return out

"""Quiet changes to what was published (issue 26): a file replaced at the same address — a budget table, an
annual report, a 公示's list swapped — seen as two different payloads of one URL on two nights. Each is told
with both payloads' hashes, the night each was fetched, a diff of the two texts the reader kept (masked: it
may quote a 公示's rows), and the department whose site it is. Both payloads are archived (WARC) by the audit,
so the change can be shown later as it was published.

A replacement is not always wrong (a corrected version); it is what an inspector must be able to see and
prove, so it is reported, not counted as a gap. Pages are not compared: their counters and sidebars change
every night."""

from __future__ import annotations

import difflib
from typing import Any
from urllib.parse import urlsplit

from auditor.privacy.detect import mask_text

DIFF_LINES = 40  # lines of a diff kept in findings.json (the archive holds both whole)


def find(
    store: Any, run_id: int, previous: int, owners: dict[str, str], coordinator: str
) -> list[dict[str, Any]]:
    """Every file run `previous` and run `run_id` both downloaded, whose payload changed."""
    out = []
    for row in store.replaced_files(run_id, previous):
        before, after = store.document(row["before"]) or {}, store.document(row["after"]) or {}
        linked = store.inbound(run_id, row["url"])
        page = linked[0] if linked else ""
        diff, added, removed = _diff(before.get("text"), after.get("text"))
        out.append(
            {
                "url": row["url"],
                "page": page,
                "before": {"sha256": row["before"], "seen": (row["before_at"] or "")[:10]},
                "after": {"sha256": row["after"], "seen": (row["after_at"] or "")[:10]},
                "diff": diff,  # None: a text was not read (a picture, a file over a limit): hashes only
                "added": added,
                "removed": removed,
                "department": owners.get(urlsplit(page or row["url"]).hostname or "") or coordinator,
            }
        )
    return out


def _diff(before: str | None, after: str | None) -> tuple[list[str] | None, int, int]:
    """(the changed lines as a unified diff without context, lines added, lines removed), masked."""
    if before is None or after is None:
        return None, 0, 0
    lines = [
        mask_text(line)
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if not line.startswith(("---", "+++", "@@"))
    ]
    added = sum(line.startswith("+") for line in lines)
    return lines[:DIFF_LINES], added, len(lines) - added

"""What the workspace's pages show: the newest audit's findings, scoped to who asks, and arranged — never
recounted. An open gap, its 应发布日期, 整改时限 and days overdue are the findings'; the groupings are the
reports' own (auditor.report.view), so a page and the HTML report cannot disagree."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

from auditor import history
from auditor.findings import is_overdue
from auditor.report.view import by_department, open_gaps, set_aside_items, to_check
from auditor.store import Store
from auditor.web.guard import User

FILTERS = ("department", "category", "status", "overdue", "q")


@dataclass
class Night:
    """The standing findings (read once per audit, then kept: a year's store has one new audit a day)."""

    audit_id: int  # the standing audit's
    findings: dict[str, Any]
    newest: int = 0  # the newest audit's (an inconclusive attempt after the standing one)

    @property
    def items(self) -> list[dict[str, Any]]:
        return self.findings["items"]

    def item(self, item_id: str) -> dict[str, Any] | None:
        return next((it for it in self.items if it["id"] == item_id), None)


class Latest:
    """The findings that stand (history.current: the newest complete audit, with a failed newer attempt noted),
    re-read only when a newer audit is stored."""

    def __init__(self) -> None:
        self._night: Night | None = None
        self._lock = threading.Lock()

    def get(self, store: Store) -> Night | None:
        newest = store.latest_audit_id()
        if newest is None:
            return None
        with self._lock:
            if self._night is None or self._night.newest != newest:
                findings = history.current(store)
                assert findings is not None
                self._night = Night(findings["audit"]["id"], findings, newest)
            return self._night


def visible(items: list[dict[str, Any]], user: User) -> list[dict[str, Any]]:
    return [it for it in items if user.may_see(it["owner"])]


def scoped(findings: dict[str, Any], user: User) -> dict[str, Any]:
    """The findings as a user may see them: a department's own items and its own personal-data findings."""
    if user.office:
        return findings
    own = {k: [x for x in findings.get(k) or [] if x.get("department") == user.department]
           for k in ("privacy", "gongshi", "replaced")}  # fmt: skip
    return {**findings, "items": visible(findings["items"], user), **own}


def chosen(items: list[dict[str, Any]], query: dict[str, str]) -> list[dict[str, Any]]:
    """The gap list's filters: department, category, status (open | to_check | set_aside | a status), overdue, q."""
    out = items
    if d := query.get("department"):
        out = [it for it in out if it["owner"] == d]
    if c := query.get("category"):
        out = [it for it in out if it["category"] == c]
    status = query.get("status") or "open"
    if status == "open":
        out = [it for it in out if it["open"]]
    elif status == "to_check":
        out = to_check({"items": out})
    elif status == "set_aside":
        out = set_aside_items({"items": out})
    elif status != "all":
        out = [it for it in out if it["status"] == status]
    if query.get("overdue"):
        out = [it for it in out if is_overdue(it)]
    if q := (query.get("q") or "").strip():
        out = [it for it in out if q in it["id"] or q in it["short"] or q in it["title"]]
    ranked = {it["id"]: n for n, it in enumerate(open_gaps({"items": out}))}
    return sorted(out, key=lambda it: (ranked.get(it["id"], len(ranked)), it.get("number") or 99, it["id"]))


def grid(findings: dict[str, Any]) -> tuple[list[str], list[tuple[str, dict[str, int], int]]]:
    """The reports' grouping of open gaps by department (rows, most first), spread over categories (columns):
    the dashboard's table. Each cell is the size of a group report.view made, nothing decided anew."""
    categories = list(dict.fromkeys(it["category"] for it in findings["items"]))
    rows = []
    for dept, group in by_department(findings).items():
        if not group["open"]:
            continue
        per = {c: sum(1 for it in group["open"] if it["category"] == c) for c in categories}
        rows.append((dept, per, len(group["open"])))
    return [c for c in categories if any(r[1][c] for r in rows)], rows


def nights(store: Store, item_id: str) -> list[dict[str, Any]]:
    """An item's history as spans of nights with the same status (first night, last night, how many)."""
    spans: list[dict[str, Any]] = []
    for r in store.item_nights(item_id):
        if spans and spans[-1]["status"] == r["status"] and spans[-1]["owner"] == r["owner"]:
            spans[-1].update(to=r["as_of"], nights=spans[-1]["nights"] + 1)
        else:
            spans.append({"status": r["status"], "from": r["as_of"], "to": r["as_of"], "nights": 1, "owner": r["owner"],
                          "due_date": r["due_date"]})  # fmt: skip
    return spans[::-1]


def departments(listed: list[str], night: Night | None) -> list[str]:
    """Every department a user may belong to or an item be given to: the school's list, then each owner the
    standing findings name."""
    owners = sorted({it["owner"] for it in night.items if it["owner"]}) if night else []
    return list(dict.fromkeys([*listed, *owners]))


def log_rows(store: Store, item: str | None = None, most: int = 200) -> list[dict[str, Any]]:
    return [{**dict(r), "detail": json.loads(r["detail"] or "{}")} for r in store.log_entries(item, most)]


def trend_svg(rows: list[Any], width: int = 720, height: int = 180) -> dict[str, Any]:
    """The open gaps over the stored nights as an SVG polyline's points and its axis labels (drawn server-side:
    no script). Nights that could not conclude are shown as gaps in the line, not as zero."""
    points = [
        (r["as_of"], r["open_gaps"]) for r in rows if r["open_gaps"] is not None and r["status"] == "complete"
    ]
    if not points:
        return {"lines": [], "labels": [], "top": 0, "width": width, "height": height, "last": None}
    top = max(1, max(v for _, v in points))
    left, bottom, pad = 36, height - 22, 8
    step = (width - left - pad) / max(1, len(rows) - 1)
    lines, line = [], []
    for n, r in enumerate(rows):
        if r["open_gaps"] is None or r["status"] != "complete":
            if line:
                lines.append(" ".join(line))
            line = []
            continue
        y = bottom - (bottom - pad) * r["open_gaps"] / top
        line.append(f"{left + n * step:.1f},{y:.1f}")
    if line:
        lines.append(" ".join(line))
    ends = {0: "start", len(rows) - 1: "end"}
    labels = [
        (left + n * step, rows[n]["as_of"], ends.get(n, "middle"))
        for n in sorted({0, len(rows) // 2, len(rows) - 1})
    ]
    return {"lines": lines, "labels": labels, "top": top, "width": width, "height": height, "left": left,
            "bottom": bottom, "pad": pad, "last": points[-1], "first": points[0]}  # fmt: skip

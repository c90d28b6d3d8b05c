"""The Excel workbook: all findings (filterable, frozen header), one sheet per department, every piece of
evidence with a hyperlink, and the run's provenance."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from auditor.report import safe
from auditor.report.view import GAPS, by_department, decision_label, message, status_label, t

FILL = {
    "missing": "F5B7B1",
    "late": "F5B7B1",
    "stale": "FAD7A0",
    "broken": "FAD7A0",
    "inconclusive": "AED6F1",
    "ok": "D5F5E3",
    "exempt": "E5E7E9",
    "not_applicable": "E5E7E9",
}
SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def text_width(value: Any) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(value or ""))


def fit(ws: Worksheet, max_width: int = 60) -> None:
    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            longest = max((text_width(line) for line in str(cell.value or "").split("\n")), default=0)
            widths[cell.column] = max(widths.get(cell.column, 0), longest)
    for col, w in widths.items():
        ws.column_dimensions[ws.cell(row=1, column=col).column_letter].width = min(max_width, max(6, w + 2))


def table(ws: Worksheet, header: list[str], rows: list[list[Any]], status_col: int | None = None) -> None:
    ws.append([safe.cell(h) for h in header])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D6DBDF")
    for r in rows:  # crawled text: never a live formula, never a character XML cannot hold
        ws.append([safe.cell(v) for v in r])
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    fit(ws)


def _item_row(it: dict[str, Any], lang: str) -> list[Any]:
    h = it.get("history") or {}
    review = it.get("review") or {}
    top = it["evidence"][0]["url"] if it["evidence"] else ""
    return [
        it["id"],
        it["category"],
        it["short"],
        status_label(it["status"], lang),
        it["owner"],
        message(it["findings"][0], lang) if it["findings"] else it.get("note", ""),
        it["findings"][0]["basis"] if it["findings"] else it.get("basis", ""),
        top,
        h.get("first_seen") or "",
        h.get("days_open") if h.get("days_open") is not None else "",
        (decision_label(review["decision"], lang) + (" !" if review.get("outdated") else ""))
        if review
        else "",
    ]


def write_xlsx(findings: dict[str, Any], out_dir: Path, lang: str = "zh") -> Path:
    wb = Workbook()
    header = [
        t(k, lang)
        for k in (
            "item_id",
            "category",
            "item",
            "status",
            "department",
            "message",
            "basis",
            "evidence",
            "first_seen",
            "days_open",
            "review",
        )
    ]
    ws = wb.active
    ws.title = "问题清单" if lang != "en" else "Findings"
    table(ws, header, [_item_row(it, lang) for it in findings["items"]])
    for row in ws.iter_rows(min_row=2):
        status = findings["items"][row[0].row - 2]["status"]
        row[3].fill = PatternFill("solid", fgColor=FILL[status])
    used: set[str] = {ws.title}
    for dept, items in by_department(findings).items():
        name = SHEET_BAD.sub("_", safe.document(dept)).strip("'")[:28] or "-"
        while name in used:
            name = name[:26] + "_" + str(len(used))
        used.add(name)
        table(wb.create_sheet(name), header, [_item_row(it, lang) for it in items])
    ev = wb.create_sheet("证据" if lang != "en" else "Evidence")
    rows = []
    for it in findings["items"]:
        for e in it["evidence"]:
            rows.append(
                [
                    it["id"],
                    it["short"],
                    status_label(it["status"], lang),
                    e["title"],
                    e["url"],
                    e["score"],
                    e["why"],
                    e.get("published") or "",
                    e.get("period") or "",
                    e.get("status") or "",
                ]
            )
    table(
        ev,
        [
            t(k, lang)
            for k in ("item_id", "item", "status", "title_col", "url", "score", "why", "published", "period")
        ]
        + ["HTTP"],
        rows,
    )
    for row in ev.iter_rows(min_row=2):
        if target := safe.link(row[4].value):
            row[4].hyperlink = target
            row[4].font = Font(color="0563C1", underline="single")
    run = wb.create_sheet("运行信息" if lang != "en" else "Run")
    r, a = findings["run"], findings["audit"]
    table(
        run,
        [t("summary", lang), ""],
        [
            [t("school", lang), findings["school"]],
            [t("as_of", lang), r["as_of"]],
            [t("audit", lang), f"#{a['id']} {a['status']} {a['reason']}"],
            [t("run", lang), f"#{r['id']} {r['status']}"],
            [t("window", lang), f"{r['started_at']} — {r.get('finished_at') or ''}"],
            [t("pages", lang), r["pages"]],
            [t("attachments", lang), r["attachments"]],
            [t("errors", lang), ", ".join(f"{k} {v}" for k, v in (r.get("errors") or {}).items())],
            [t("tool", lang), r["tool_version"]],
            [t("fingerprint", lang), r["config_fingerprint"]],
            [t("checklist", lang), "; ".join(findings["checklist"])],
            *[[status_label(s, lang), n] for s, n in findings["counts"].items()],
            [t("open_gaps", lang), sum(1 for it in findings["items"] if it["status"] in GAPS)],
        ],
    )
    path = out_dir / "findings.xlsx"
    wb.save(path)
    return path

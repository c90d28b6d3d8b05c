"""The Excel workbook: all findings (filterable, frozen header), one sheet per department, every piece of
evidence with a hyperlink, and the run's provenance."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from auditor import safe
from auditor.clock import beijing
from auditor.report.view import (
    by_department,
    crawl_errors,
    message,
    open_gaps,
    rectify_text,
    response_text,
    review_text,
    rotation,
    status_label,
    summary,
    t,
)
from auditor.wording import name as named

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
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


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


def print_setup(ws: Worksheet, landscape: bool = True) -> None:
    """A4 (landscape unless told), one page wide, the header row on every printed page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


def _value(v: Any) -> Any:
    """ISO dates as real dates (sortable, filterable); everything else made safe for a cell."""
    if isinstance(v, str) and ISO_DATE.fullmatch(v):
        return date.fromisoformat(v)
    return safe.cell(v)


def table(ws: Worksheet, header: list[str], rows: list[list[Any]], landscape: bool = True) -> None:
    ws.append([safe.cell(h) for h in header])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D6DBDF")
    for r in rows:  # crawled text: never a live formula, never a character XML cannot hold
        ws.append([_value(v) for v in r])
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    fit(ws)
    print_setup(ws, landscape)


def _listed(findings: dict[str, Any], lang: str) -> list[tuple[str, list[str], list[list[Any]]]]:
    """(sheet, headings after URL, rows) for each list findings.json keeps beside the items that is not empty:
    personal data, 公示 periods, replaced files."""

    def unit(g: dict[str, Any]) -> str:
        return named("gongshi_unit", g["unit"], lang)

    out = []
    if privacy := findings.get("privacy"):
        out.append((
            "privacy",
            [t(k, lang) for k in ("privacy_kind", "privacy_count", "privacy_masked", "department", "privacy_page",
                                  "privacy_since")],
            [[p["url"], named("pii", p["kind"], lang), p["count"], "、".join(p["masked"]), p["department"], p["page"],
              p["first_seen"]] for p in privacy],
        ))  # fmt: skip
    if gongshi := findings.get("gongshi"):
        out.append((
            "gongshi",
            [t(k, lang) for k in ("title_col", "gongshi_problem_col", "gongshi_stated", "gongshi_length",
                                  "gongshi_minimum", "gongshi_basis", "department", "privacy_since")],
            [[g["url"], g["title"], named("gongshi_problem", g["problem"], lang), g["stated"],
              f"{g['start']}–{g['end']}（{g['length']}{unit(g)}）", f"{g['minimum']}{unit(g)}" if g["minimum"] else "—",
              g["source"], g["department"], g["first_seen"]] for g in gongshi],
        ))  # fmt: skip
    if replaced := findings.get("replaced"):
        out.append((
            "replaced",
            [t(k, lang) for k in ("replaced_before", "replaced_after", "replaced_diff", "department", "privacy_page")],
            [[r["url"], f"{r['before']['sha256']} · {r['before']['seen']}", f"{r['after']['sha256']} · {r['after']['seen']}",
              t("replaced_unread", lang) if r["diff"] is None else "\n".join([f"+{r['added']} / -{r['removed']}", *r["diff"]]),
              r["department"], r["page"]] for r in replaced],
        ))  # fmt: skip
    return out


def _link(cell: Any) -> None:
    if target := safe.link(cell.value):
        cell.hyperlink = target
        cell.value = safe.readable(target)  # shown as read; the link keeps the encoded spelling
        cell.font = Font(color="0563C1", underline="single")


COLUMNS = (
    "item_id", "category", "item", "status", "open_short", "department", "message", "basis", "fix",
    "due_date", "days_overdue", "first_seen", "rectify_by", "evidence", "review", "response",
)  # fmt: skip
EVIDENCE_COL = COLUMNS.index("evidence")


def _item_row(it: dict[str, Any], lang: str) -> list[Any]:
    h = it.get("history") or {}
    top = it["evidence"][0]["url"] if it["evidence"] else ""
    return [
        it["id"],
        it["category"],
        it["short"],
        status_label(it["status"], lang),
        t("yes" if it["open"] else "no", lang),
        it["owner"],
        message(it["findings"][0], lang) if it["findings"] else it.get("note", ""),
        it["findings"][0]["basis"] if it["findings"] else it.get("basis", ""),
        it["publish"] if it["open"] else "",
        it.get("due_date") or "",
        it["days_overdue"] if it.get("days_overdue") is not None else "",
        h.get("first_seen") or "",
        rectify_text(it, lang),
        top,
        review_text(it.get("review"), lang),
        response_text(it.get("response"), lang),
    ]


def _items_sheet(ws: Worksheet, items: list[dict[str, Any]], lang: str) -> None:
    """One row per item, its status coloured and its evidence a link: the findings sheet and the workspace's 台账."""
    table(ws, [t(k, lang) for k in COLUMNS], [_item_row(it, lang) for it in items])
    for row, it in zip(ws.iter_rows(min_row=2), items, strict=True):
        row[3].fill = PatternFill("solid", fgColor=FILL[it["status"]])
        _link(row[EVIDENCE_COL])


def ledger_of(
    items: list[dict[str, Any]], findings: dict[str, Any], scope: str, out: Any, lang: str = "zh"
) -> None:
    """A 整改台账 of these items (what the workspace lists), as one sheet with the audit it is read from: for the
    office's files. `out` is a path or a binary file."""
    wb = Workbook()
    ws = wb.active
    ws.title = "整改台账" if lang != "en" else "Ledger"
    _items_sheet(ws, items, lang)
    about = wb.create_sheet("说明" if lang != "en" else "About")
    run = findings["run"]
    for line in (
        [t("school", lang), findings["school"]],
        [t("as_of", lang), run["as_of"]],
        [t("audit_no", lang), findings["audit"]["id"]],
        [t("scope", lang), scope or t("all_departments", lang)],
        [t("rows", lang), len(items)],
    ):
        about.append([safe.cell(v) for v in line])
    fit(about)
    wb.save(out)


def write_xlsx(findings: dict[str, Any], out_dir: Path, lang: str = "zh") -> Path:
    wb = Workbook()
    header = [t(k, lang) for k in COLUMNS]
    ws = wb.active
    ws.title = "问题清单" if lang != "en" else "Findings"
    _items_sheet(ws, open_gaps(findings) + [it for it in findings["items"] if not it["open"]], lang)
    used: set[str] = {ws.title}
    for dept, group in by_department(findings).items():
        name = SHEET_BAD.sub("_", safe.document(dept)).strip("'")[:28] or "-"
        while name in used:
            name = name[:26] + "_" + str(len(used))
        used.add(name)
        sheet = wb.create_sheet(name)
        rows = group["open"] + group["to_check"] + group["set_aside"]
        table(sheet, header, [_item_row(it, lang) for it in rows])
        for row in sheet.iter_rows(min_row=2):
            _link(row[EVIDENCE_COL])
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
        _link(row[4])
    for key, header, rows in _listed(findings, lang):  # the lists beside the items: one sheet each
        sheet = wb.create_sheet(t(key, lang)[:31])
        table(sheet, ["URL", *header], rows)
        for row in sheet.iter_rows(min_row=2):
            _link(row[0])
    run = wb.create_sheet("运行信息" if lang != "en" else "Run")
    r, a, s = findings["run"], findings["audit"], summary(findings)
    table(
        run,
        [t("summary", lang), ""],
        [
            [t("school", lang), findings["school"]],
            [t("as_of", lang), r["as_of"]],
            [t("audit", lang), f"#{a['id']} {a['reason']}".strip()],
            [
                t("window", lang),
                f"{beijing(r['started_at'])} — {beijing(r.get('finished_at'))}（{t('beijing', lang)}）",
            ],
            [t("pages", lang), r["pages"]],
            [t("attachments", lang), r["attachments"]],
            [t("errors", lang), crawl_errors(r, lang)],
            [t("rotation", lang), rotation(r, lang) or t("none", lang)],
            [t("open_gaps", lang), s["open_gaps"]],
            [t("to_check", lang), s["to_check"]],
            [t("set_aside", lang), s["set_aside"]],
            *[[status_label(st, lang), n] for st, n in findings["counts"].items()],
            [t("tool", lang), r["tool_version"]],
            [t("fingerprint", lang), r["config_fingerprint"]],
            [t("checklist", lang), "; ".join(findings["checklist"])],
        ],
    )
    path = out_dir / "findings.xlsx"
    wb.save(path)
    return path

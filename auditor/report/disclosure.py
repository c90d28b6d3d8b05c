"""The 清单事项公开情况表 a school appends to its 信息公开工作年度报告, as real schools publish it: every
item under its category in national order, numbered 1–50 by the checklist (不适用 and 暂未涉及 rows kept),
the official wording, where it is published, and a remark a person would write — as Word (A4, Chinese
fonts, zh-CN, header row repeated on each page), XLSX and Markdown, all from the same rows."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from auditor import safe, wording
from auditor.report.view import publication_link, t
from auditor.report.word import (
    chinese_document,
    heading,
    hyperlink,
    keep_row_together,
    repeat_header,
    set_widths,
    shade,
)
from auditor.report.xlsx import table
from auditor.statuses import is_published

BASENAME = "清单事项公开情况表"
URL_SAFE = (
    ":/?#[]@!$&'()*+,;=%~-._"  # everything of a URL but what could close a Markdown autolink (<, >, space, |)
)
EXTRA = wording.catalogue()["disclosure.extra"]
REMARKS = wording.table(
    "disclosure.remark"
)  # what a person writes in 备注 for an item not (yet) properly published
WIDTHS_CM = (1.2, 6.6, 5.6, 3.6)  # 序号, 公开事项, 公开网址, 备注: 17 cm, A4 less 2 cm margins


@dataclass(frozen=True)
class Row:
    number: str  # the national item number (1–50), or 补1… for provincial and school items
    item: str  # the checklist's official wording
    where: str  # an http(s) URL, or ""
    remark: str


def remark(it: dict[str, Any], lang: str) -> str:
    if it["status"] == "exempt":
        return (
            (f"暂未涉及：{it['note']}" if lang != "en" else f"not applicable yet: {it['note']}")
            if it["note"]
            else ""
        )
    if it["status"] == "not_applicable":
        return "不适用" + (f"：{it['note']}" if it["note"] else "") if lang != "en" else "not applicable"
    if is_published(it["status"], bool(it.get("set_aside"))):
        return ""
    return REMARKS.get(lang, REMARKS["zh"]).get(it["status"], "")


def sections(findings: dict[str, Any], lang: str = "zh") -> list[tuple[str, list[Row]]]:
    """(category, rows) in the checklist's order; items beyond the national 50 last, under their own head."""
    out: dict[str, list[Row]] = {}
    extra = 0
    for it in findings["items"]:
        link = publication_link(it)
        where = (safe.link(link["url"]) or "") if link and it["status"] != "not_applicable" else ""
        if it.get("number"):
            number, head = str(it["number"]), it["category"]
        else:
            extra += 1
            number, head = f"补{extra}" if lang != "en" else f"+{extra}", EXTRA.get(lang, EXTRA["zh"])
        out.setdefault(head, []).append(Row(number, it["title"], where, remark(it, lang)))
    return list(out.items())


def header(lang: str) -> list[str]:
    return [t("seq", lang), t("public_item", lang), t("where", lang), t("note", lang)]


def _title(findings: dict[str, Any], lang: str) -> tuple[str, str]:
    return (
        f"{findings['school']}{t('disclosure_table', lang)}",
        f"{t('as_of', lang)} {findings['run']['as_of']}",
    )


def write_markdown(findings: dict[str, Any], out_dir: Path, lang: str = "zh") -> Path:
    cell = safe.markdown
    title, as_of = _title(findings, lang)
    lines = [f"# {cell(title)}", "", as_of, "", "| " + " | ".join(header(lang)) + " |", "|---|---|---|---|"]
    for head, rows in sections(findings, lang):
        lines.append(f"| | **{cell(head)}** | | |")
        for r in rows:
            # an http(s) URL (sections() keeps no other) as an autolink; characters that could end it are %-encoded
            url = f"<{quote(r.where, safe=URL_SAFE)}>" if r.where else "—"
            lines.append(f"| {cell(r.number)} | {cell(r.item)} | {url} | {cell(r.remark)} |")
    path = out_dir / f"{BASENAME}.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_xlsx(findings: dict[str, Any], out_dir: Path, lang: str = "zh") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = BASENAME[:31]
    flat: list[list[Any]] = []
    heads: list[int] = []
    for head, rows in sections(findings, lang):
        heads.append(len(flat) + 2)
        flat.append(["", head, "", ""])
        flat.extend([r.number, r.item, r.where, r.remark] for r in rows)
    table(ws, header(lang), flat, landscape=False)
    for n in heads:
        ws.merge_cells(start_row=n, start_column=1, end_row=n, end_column=4)
        ws.cell(n, 1).value = ws.cell(n, 2).value
        ws.cell(n, 1).font = Font(bold=True)
        ws.cell(n, 1).fill = PatternFill("solid", fgColor="EEEEEE")
    for row in ws.iter_rows(min_row=2):
        if row[2].value:  # sections() keeps http(s) links only
            row[2].hyperlink = row[2].value
        row[0].alignment = Alignment(horizontal="center", vertical="top")
    path = out_dir / f"{BASENAME}.xlsx"
    wb.save(path)
    return path


def write_docx(findings: dict[str, Any], out_dir: Path, lang: str = "zh") -> Path:
    doc = chinese_document()
    title, as_of = _title(findings, lang)
    heading(doc, title)
    p = doc.add_paragraph(as_of)
    p.alignment = 1
    tbl = doc.add_table(rows=1, cols=4)
    tbl.style = "Table Grid"
    tbl.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(tbl.rows[0].cells, header(lang), strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        cell.paragraphs[0].alignment = 1
        shade(cell, "D9D9D9")
    repeat_header(tbl.rows[0])
    for head, rows in sections(findings, lang):
        cells = tbl.add_row().cells
        merged = cells[0].merge(cells[3])
        merged.text = ""
        merged.paragraphs[0].add_run(safe.document(head)).bold = True
        shade(merged)
        keep_row_together(tbl.rows[-1])
        for r in rows:
            cells = tbl.add_row().cells
            for cell, text in zip(cells, (r.number, r.item, "", r.remark), strict=True):
                cell.text = safe.document(text)
            if r.where:  # the 栏目链接 the 2018 notice asks for: a link Word opens
                hyperlink(cells[2].paragraphs[0], r.where, size=8)
            cells[0].paragraphs[0].alignment = 1
            for run in cells[2].paragraphs[0].runs:
                run.font.size = Pt(8)
            keep_row_together(tbl.rows[-1])
    set_widths(tbl, WIDTHS_CM)
    path = out_dir / f"{BASENAME}.docx"
    doc.save(path)
    return path

"""The 清单事项公开情况表 every school appends to its 信息公开工作年度报告: each applicable item in national
order, where it is published, its status and remarks — as XLSX, Word (.docx) and Markdown."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Pt
from openpyxl import Workbook

from auditor.report import safe
from auditor.report.view import decision_label, publication_link, status_label, t
from auditor.report.xlsx import table

BASENAME = "清单事项公开情况表"
URL_SAFE = (
    ":/?#[]@!$&'()*+,;=%~-._"  # everything of a URL but what could close a Markdown autolink (<, >, space, |)
)


def rows(findings: dict[str, Any], lang: str = "zh") -> list[list[str]]:
    """[序号, 类别, 公开事项, 公开网址, 状态, 备注] for every item that applies to the school, in national order."""
    out = []
    n = 0
    for it in findings["items"]:
        if it["status"] == "not_applicable":
            continue
        n += 1
        link = publication_link(it)
        if it["status"] == "exempt":
            note = f"暂未涉及：{it['note']}" if lang != "en" else f"Not applicable yet: {it['note']}"
        elif it.get("review"):
            r = it["review"]
            note = f"{decision_label(r['decision'], lang)}（{r['reason']}）"
        elif it["status"] != "ok" and it["findings"]:
            note = it["findings"][0]["message"] if lang != "en" else it["findings"][0].get("message_en", "")
        else:
            note = ""
        out.append(
            [
                str(n),
                it["category"],
                it["short"],
                (safe.link(link["url"]) or "") if link else "",
                status_label(it["status"], lang),
                note,
            ]
        )
    return out


def header(lang: str) -> list[str]:
    return [t(k, lang) for k in ("seq", "category", "public_item", "where", "status", "note")]


def write_markdown(findings: dict[str, Any], out_dir: Path, lang: str = "zh") -> Path:
    cell = safe.markdown
    lines = [
        f"# {cell(findings['school'])}{t('disclosure_table', lang)}",
        "",
        f"{t('as_of', lang)} {findings['run']['as_of']}（auditor {findings['run']['tool_version']}）",
        "",
        "| " + " | ".join(header(lang)) + " |",
        "|" + "---|" * 6,
    ]
    for r in rows(findings, lang):
        # an http(s) URL (rows() keeps no other) as an autolink; characters that could end it are %-encoded
        url = f"<{quote(r[3], safe=URL_SAFE)}>" if r[3] else "—"
        lines.append("| " + " | ".join([*(cell(x) for x in r[:3]), url, cell(r[4]), cell(r[5])]) + " |")
    path = out_dir / f"{BASENAME}.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_xlsx(findings: dict[str, Any], out_dir: Path, lang: str = "zh") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = BASENAME[:31]
    data = rows(findings, lang)
    table(ws, header(lang), data)
    for row in ws.iter_rows(min_row=2):
        if row[3].value:  # rows() keeps http(s) links only
            row[3].hyperlink = row[3].value
    path = out_dir / f"{BASENAME}.xlsx"
    wb.save(path)
    return path


def write_docx(findings: dict[str, Any], out_dir: Path, lang: str = "zh") -> Path:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    style = doc.styles["Normal"]
    style.font.size = Pt(9)
    style.font.name = "SimSun"
    doc.add_heading(safe.document(f"{findings['school']}{t('disclosure_table', lang)}"), level=1)
    doc.add_paragraph(f"{t('as_of', lang)} {findings['run']['as_of']}")
    data = rows(findings, lang)
    tbl = doc.add_table(rows=1, cols=6)
    tbl.style = "Table Grid"
    for cell, text in zip(tbl.rows[0].cells, header(lang), strict=True):
        cell.text = text
    for r in data:
        cells = tbl.add_row().cells
        for cell, text in zip(cells, r, strict=True):
            cell.text = safe.document(text)
    path = out_dir / f"{BASENAME}.docx"
    doc.save(path)
    return path

"""整改通知: one Word document per department with open gaps, for the 纪检监察处 to sign and send — the
department's gaps with evidence, basis, 应发布日期, 逾期天数 and the 整改时限, on A4 in Chinese fonts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docx.shared import Pt

from auditor.report import safe
from auditor.report.disclosure import (
    chinese_document,
    heading,
    keep_row_together,
    repeat_header,
    set_widths,
    shade,
)
from auditor.report.view import by_department, message, publication_link, review_label, status_label

FOLDER = "整改通知"
COLUMNS = ("序号", "事项", "问题及证据", "依据", "期限")
WIDTHS_CM = (0.9, 2.8, 7.4, 3.4, 2.5)  # 17 cm: A4 portrait less 2 cm margins; dates on lines of their own
UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\s]+')


def _evidence(it: dict[str, Any]) -> str:
    f = it["findings"][0] if it["findings"] else None
    lines = [message(f, "zh")] if f else []
    if f and f.get("link"):
        link = f["link"]
        lines.append(
            f"链接所在页面：{link.get('source') or '—'}；失效地址：{link['target']}；"
            f"链接文字：{link.get('anchor') or '—'}；访问结果：{link.get('answer') or '—'}"
        )
    elif (top := publication_link(it)) or it["evidence"]:
        e = top or it["evidence"][0]
        lines.append(f"证据：{e['title']} {e['url']}")
    if it.get("review"):
        lines.append(f"复核：{review_label(it['review'], 'zh')}")
    return "\n".join(lines)


def _deadlines(it: dict[str, Any]) -> str:
    overdue = it.get("days_overdue")
    return "\n".join(
        [
            "应发布日期",
            it.get("due_date") or "—",
            f"逾期 {overdue} 天" if overdue is not None else "逾期天数 —",
            "整改时限",
            it.get("rectify_by") or "—",
        ]
    )


def write_notice(findings: dict[str, Any], dept: str, gaps: list[dict[str, Any]], path: Path) -> Path:
    doc = chinese_document("仿宋")
    heading(doc, "信息公开问题整改通知", 18)
    doc.add_paragraph(f"{safe.document(dept)}：")
    as_of, audit = findings["run"]["as_of"], findings["audit"]["id"]
    deadline = min((it["rectify_by"] for it in gaps if it.get("rectify_by")), default="")
    doc.add_paragraph(
        safe.document(
            f"根据《高等学校信息公开办法》（教育部令第29号）和《高等学校信息公开事项清单》（教办函〔2014〕23号），"
            f"经对{findings['school']}网站信息公开情况的监测（截至 {as_of}，第 {audit} 次检查），"
            f"你部门负责的以下 {len(gaps)} 项信息公开事项存在问题。请于 {deadline or '规定期限'} 前完成整改，"
            "并将整改情况书面报纪检监察处。对认为不属实的事项，请在期限内提出书面说明及证明材料。"
        )
    )
    tbl = doc.add_table(rows=1, cols=len(COLUMNS))
    tbl.style = "Table Grid"
    for cell, text in zip(tbl.rows[0].cells, COLUMNS, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
        shade(cell, "D9D9D9")
    repeat_header(tbl.rows[0])
    for n, it in enumerate(gaps, 1):
        cells = tbl.add_row().cells
        values = (
            str(n),
            f"{it['id']} {it['short']}（{status_label(it['status'], 'zh')}）",
            _evidence(it),
            it["findings"][0]["basis"] if it["findings"] else it.get("basis", ""),
            _deadlines(it),
        )
        for cell, text in zip(cells, values, strict=True):
            cell.text = safe.document(text)
            for p in cell.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(9)
        keep_row_together(tbl.rows[-1])
    set_widths(tbl, WIDTHS_CM)
    doc.add_paragraph("")
    doc.add_paragraph("整改要求：" + "；".join(f"{it['id']} {safe.document(it['publish'])}" for it in gaps))
    for line in ("", "纪检监察处（盖章）", "年    月    日"):
        p = doc.add_paragraph(line)
        p.alignment = 2  # right
    p = doc.add_paragraph(
        f"本通知由 auditor {findings['run']['tool_version']} 根据第 {audit} 次检查生成，证据详见同次检查的问题报告。"
    )
    for run in p.runs:
        run.font.size = Pt(8)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


def write_notices(findings: dict[str, Any], out_dir: Path) -> list[Path]:
    """One notice per department with open gaps (an inconclusive check accuses nobody: none then)."""
    folder = out_dir / FOLDER
    for old in folder.glob("整改通知-*.docx") if folder.is_dir() else []:
        old.unlink()  # a department that has fixed its gaps gets no notice tonight
    if findings["audit"]["status"] != "complete":
        return []
    out = []
    for dept, group in by_department(findings).items():
        if group["open"]:
            name = UNSAFE_NAME.sub("_", safe.document(dept)).strip("._") or "部门"
            out.append(write_notice(findings, dept, group["open"], folder / f"整改通知-{name}.docx"))
    return out

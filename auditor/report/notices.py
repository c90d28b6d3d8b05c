"""整改通知: one Word document per department with open gaps, for the 纪检监察处 to sign and send — the
department's gaps with evidence, basis, 应发布日期, 逾期天数 and the 整改时限, on A4 in Chinese fonts."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docx.shared import Pt

from auditor import safe
from auditor.report.view import by_department, message, publication_link, review_label, status_label
from auditor.report.word import (
    chinese_document,
    heading,
    hyperlink,
    keep_row_together,
    repeat_header,
    set_widths,
    shade,
)
from auditor.wording import name as named

FOLDER = "整改通知"
COLUMNS = ("序号", "事项", "问题及证据", "依据", "期限")
WIDTHS_CM = (0.9, 2.8, 7.4, 3.4, 2.5)  # 17 cm: A4 portrait less 2 cm margins; dates on lines of their own
UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\s]+')


def _evidence(cell: Any, it: dict[str, Any]) -> None:
    """What is wrong and where: the finding, then the page or link as a link Word opens."""
    f = it["findings"][0] if it["findings"] else None
    p = cell.paragraphs[0]
    p.add_run(safe.document(message(f, "zh")) if f else "")
    if f and f.get("link"):
        link = f["link"]
        p = cell.add_paragraph("链接所在页面：")
        hyperlink(p, link.get("source") or "", size=9)
        p = cell.add_paragraph("失效地址：")
        hyperlink(p, link["target"], size=9)
        cell.add_paragraph(
            safe.document(f"链接文字：{link.get('anchor') or '—'}；访问结果：{link.get('answer') or '—'}")
        )
    elif (top := publication_link(it)) or it["evidence"]:
        e = top or it["evidence"][0]
        p = cell.add_paragraph(safe.document(f"证据：{e['title']} "))
        hyperlink(p, e["url"], size=9)
    if it.get("review"):
        cell.add_paragraph(safe.document(f"复核：{review_label(it['review'], 'zh')}"))


def _deadlines(it: dict[str, Any]) -> str:
    """应发布日期 and 逾期天数, then the 整改时限 — "原定", with the days it has been passed, once it has."""
    overdue, lapsed = it.get("days_overdue"), it.get("rectify_lapsed")
    lines = [
        "应发布日期",
        it.get("due_date") or "—",
        f"逾期 {overdue} 天" if overdue is not None else "逾期天数 —",
    ]
    lines += ["原定整改时限" if lapsed else "整改时限", it.get("rectify_by") or "—"]
    if lapsed:
        lines.append(f"已逾期 {lapsed} 天")
    if it.get("rectify_source") == "review":
        lines.append("（复核确定）")
    if it.get("calendar_note"):
        lines.append(f"（{it['calendar_note']}）")
    return "\n".join(lines)


def ask(gaps: list[dict[str, Any]]) -> tuple[str, str]:
    """(title, the sentence saying by when): never a date already past. The earliest 整改时限 still ahead is
    asked for; gaps whose 整改时限 has passed are to be fixed at once — and when every one has, the notice is
    a 再次通知 that asks for no date (a new one exists only when the office sets it in a review)."""
    ahead = sorted(it["rectify_by"] for it in gaps if it.get("rectify_by") and not it.get("rectify_lapsed"))
    passed = [it for it in gaps if it.get("rectify_lapsed")]
    if not ahead:
        return (
            "信息公开问题整改通知（再次通知）",
            "以上事项原定整改时限均已过，现再次通知，请立即整改，并将整改情况书面报纪检监察处。"
            "对认为不属实的事项，请尽快提出书面说明及证明材料。",
        )
    sentence = f"请于 {ahead[0]} 前完成整改，并将整改情况书面报纪检监察处。"
    if passed:
        sentence += f"其中 {len(passed)} 项原定整改时限已过，请立即整改。"
    return "信息公开问题整改通知", sentence + "对认为不属实的事项，请在期限内提出书面说明及证明材料。"


def write_notice(
    findings: dict[str, Any],
    dept: str,
    gaps: list[dict[str, Any]],
    path: Path,
    contacts: Sequence[str] = (),
    privacy: Sequence[dict[str, Any]] = (),
    gongshi: Sequence[dict[str, Any]] = (),
) -> Path:
    doc = chinese_document("仿宋")
    title, deadline = ask(gaps) if gaps else ("信息公开问题整改通知", "")
    heading(doc, title, 18)
    doc.add_paragraph(f"{safe.document(dept)}：")
    as_of, audit = findings["run"]["as_of"], findings["audit"]["id"]
    doc.add_paragraph(
        safe.document(
            f"根据《高等学校信息公开办法》（教育部令第29号）和《高等学校信息公开事项清单》（教办函〔2014〕23号），"
            f"经对{findings['school']}网站信息公开情况的监测（截至 {as_of}，第 {audit} 次检查），"
            + (f"你部门负责的以下 {len(gaps)} 项信息公开事项存在问题。{deadline}" if gaps else "")
            + (
                f"你部门网站有 {len(privacy)} 处公开了不应公开的个人信息，请立即撤下或去标识化后重新发布。"
                if privacy
                else ""
            )
            + (f"你部门有 {len(gongshi)} 处公示的公示期存在问题，请按规定整改。" if gongshi else "")
        )
    )
    if contacts:
        doc.add_paragraph(safe.document("部门联系人：" + "、".join(contacts)))
    if privacy:
        _privacy(doc, privacy)
    if gongshi:
        _gongshi(doc, gongshi)
    if gaps:
        _gaps(doc, gaps)
    for line in ("", "纪检监察处（盖章）", "年    月    日"):
        p = doc.add_paragraph(line)
        p.alignment = 2  # right
    p = doc.add_paragraph(f"本通知根据第 {audit} 次检查（截至 {as_of}）生成，证据详见同次检查的问题报告。")
    for run in p.runs:
        run.font.size = Pt(8)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


def _privacy(doc: Any, privacy: Sequence[dict[str, Any]]) -> None:
    """The department's pages and files publishing personal data, masked (auditor.privacy)."""
    doc.add_paragraph(
        "不应公开的个人信息（公示名单只应公开姓名、学校、院系、年级、专业、班级；以下均已遮盖）："
    )
    for n, p in enumerate(privacy, 1):
        kind = named("pii", p["kind"], "zh")
        examples = "、".join(p["masked"][:2])
        doc.add_paragraph(safe.document(f"{n}. {kind} {p['count']} 条（如 {examples}）：{p['url']}"))


def _gongshi(doc: Any, gongshi: Sequence[dict[str, Any]]) -> None:
    """The department's 公示 whose period is wrong: too short, outliving it, or taken down early (auditor.gongshi)."""
    doc.add_paragraph("公示期问题：")
    for n, g in enumerate(gongshi, 1):
        unit = named("gongshi_unit", g["unit"], "zh")
        what = named("gongshi_problem", g["problem"], "zh")
        minimum = f"，规定不少于 {g['minimum']}{unit}" if g.get("minimum") and g["problem"] == "short" else ""
        line = f"{n}. {g['title']}：{what}（{g['start']} 至 {g['end']}，{g['length']}{unit}{minimum}）：{g['url']}"
        doc.add_paragraph(safe.document(line + (f"；依据：{g['source']}" if g.get("source") else "")))


def _gaps(doc: Any, gaps: list[dict[str, Any]]) -> None:
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
            f"{it['short']}（{status_label(it['status'], 'zh')}）",
            None,
            it["findings"][0]["basis"] if it["findings"] else it.get("basis", ""),
            _deadlines(it),
        )
        for cell, text in zip(cells, values, strict=True):
            if text is None:
                _evidence(cell, it)
            else:
                cell.text = safe.document(text)
            for p in cell.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(9)
        keep_row_together(tbl.rows[-1])
    set_widths(tbl, WIDTHS_CM)
    doc.add_paragraph("")
    doc.add_paragraph("整改要求：")
    for n, it in enumerate(gaps, 1):
        doc.add_paragraph(safe.document(f"{n}. {it['short']}：{it['publish']}"))


def write_notices(findings: dict[str, Any], out_dir: Path) -> list[Path]:
    """One notice per department with open gaps (an inconclusive check accuses nobody: none then)."""
    folder = out_dir / FOLDER
    for old in folder.glob("整改通知-*.docx") if folder.is_dir() else []:
        old.unlink()  # a department that has fixed its gaps gets no notice tonight
    if findings["audit"]["status"] != "complete":
        return []
    out = []
    groups = by_department(findings)
    privacy: dict[str, list[dict[str, Any]]] = {}
    for p in findings.get("privacy") or []:
        privacy.setdefault(p["department"], []).append(p)
    gongshi: dict[str, list[dict[str, Any]]] = {}
    for g in findings.get("gongshi") or []:
        gongshi.setdefault(g["department"], []).append(g)
    for dept in dict.fromkeys([*groups, *privacy, *gongshi]):
        gaps = groups.get(dept, {}).get("open", [])
        if gaps or privacy.get(dept) or gongshi.get(dept):
            name = UNSAFE_NAME.sub("_", safe.document(dept)).strip("._") or "部门"
            contacts = (findings.get("contacts") or {}).get(dept, [])
            path = folder / f"整改通知-{name}.docx"
            mine = privacy.get(dept, ()), gongshi.get(dept, ())
            out.append(write_notice(findings, dept, gaps, path, contacts, *mine))
    return out

"""The draft of this year's 信息公开工作年度报告 (DOCX, A4, Chinese fonts): the parts the checklist's
`annual_report` names, in order, with what the tool knows filled in from auditor.annual's facts and what only
people know left as marked placeholders (【待填写：…】, highlighted). An appendix says how every figure was
counted. A renderer: it arranges the facts, never counts them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_COLOR_INDEX
from docx.shared import Pt

from auditor import safe
from auditor.config import REQUEST_KEYS
from auditor.report import disclosure
from auditor.report.view import status_label
from auditor.report.word import chinese_document, heading, repeat_header, set_widths, shade

NUMERALS = "一二三四五六七八九十"
PLACEHOLDER = "【待填写：{}】"


def _para(doc: Any, text: str = "", bold: bool = False) -> Any:
    p = doc.add_paragraph()
    if text:
        p.add_run(safe.document(text)).bold = bold
    p.paragraph_format.first_line_indent = Pt(21)
    return p


def placeholder(doc: Any, what: str) -> None:
    """A marked gap in the draft: only people know this. Highlighted so none is published by mistake."""
    run = _para(doc).add_run(PLACEHOLDER.format(what))
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _table(doc: Any, header: list[str], rows: list[list[Any]], widths: tuple[float, ...]) -> None:
    tbl = doc.add_table(rows=1, cols=len(header))
    tbl.style = "Table Grid"
    tbl.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(tbl.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
        shade(cell, "D9D9D9")
    repeat_header(tbl.rows[0])
    for r in rows:
        for cell, value in zip(tbl.add_row().cells, r, strict=True):
            cell.text = safe.document("" if value is None else str(value))
    set_widths(tbl, widths)


def _overview(doc: Any, f: dict[str, Any], cfg: Any) -> None:
    c = f["coverage"]
    if c["audits"]:
        _para(
            doc,
            f"本学年，学校信息公开网站经自动检查 {c['audits']} 次（{c['first']} 至 {c['last']}），"
            "对照《高等学校信息公开事项清单》逐项核对公开情况，发现的问题及时告知责任部门整改。",
        )
    placeholder(doc, "制度机制建设、推动清单落实、开展宣教培训和考核评议情况")


def _active(doc: Any, f: dict[str, Any], cfg: Any) -> None:
    p, end = f["published"], f["end_of_year"]
    _para(
        doc,
        f"（一）主动公开信息情况。{f['period']['label']}，学校通过网站主动公开信息 {p['pages']} 条（附件 {p['files']} 个），"
        f"其中属于清单事项的文件 {p['documents']} 份。各站点公开情况如下：",
    )
    _table(doc, ["站点", "公开信息（条）", "附件（个）"], p["by_host"] or [["—", 0, 0]], (8, 4, 4))
    if p["by_category"]:
        _para(doc, "清单事项文件按类别：")
        _table(doc, ["类别", "文件（份）"], [list(r) for r in p["by_category"]], (10, 4))
        _para(doc, "清单事项文件按责任部门：")
        _table(doc, ["责任部门", "文件（份）"], [list(r) for r in p["by_department"]], (10, 4))
    if end:
        _para(
            doc,
            f"（二）清单事项落实情况。截至 {end['as_of']}（学年末最后一次完整检查），适用本校的清单事项中：已公开 "
            f"{end['published']} 项，暂未涉及 {end['exempt']} 项，不适用 {end['not_applicable']} 项，未公开或未按期更新 "
            f"{end['open_gaps']} 项，需人工核实 {end['to_check']} 项（共 {end['items']} 项）。各事项的公开栏目见清单事项公开情况表。",
        )
    else:
        _para(
            doc, "（二）清单事项落实情况。存储的记录中没有学年末及以前的完整检查，无法给出学年末的落实情况。"
        )
    placeholder(doc, "招生、财务等重点领域信息的公开情况和特色做法；校报校刊、微博、微信等其他渠道发布的条数")


def _requests(doc: Any, f: dict[str, Any], cfg: Any) -> None:
    year = f["period"]["label"].removesuffix("学年")
    figures = cfg.requests.get(year)
    if figures is None:
        placeholder(
            doc,
            "收到信息公开申请的数量、分类及答复情况，依申请公开的收费、减免情况（可在 site.yaml 的 annual_report.requests 中登记）",
        )
        return
    said = "，".join(
        f"{REQUEST_KEYS[k]} {v} 件" if k != "fees" else f"{REQUEST_KEYS[k]} {v}" for k, v in figures.items()
    )
    _para(doc, f"本学年，{said}（学校登记于 site.yaml）。")
    placeholder(doc, "申请的分类及答复情况")


def _problems(doc: Any, f: dict[str, Any], cfg: Any) -> None:
    placeholder(doc, "（一）主要经验")
    n = f["problem_counts"]
    _para(
        doc,
        f"（二）存在的问题。本学年自动检查发现清单事项未公开、未按期更新或链接失效的问题 {n['open_during']} 项次"
        f"（学年内新发现 {n['found_in_period']} 项，上学年延续 {n['carried_in']} 项），学年内已整改 {n['fixed']} 项，"
        f"经复核排除 {n['set_aside']} 项，学年末仍未整改 {n['open_at_end']} 项：",
    )
    rows = [
        [
            str(n),
            g["short"] + (f"（清单第{g['number']}项）" if g.get("number") else ""),
            g["owner"],
            status_label(g["status"], "zh"),
            g["opened"],
            g["closed"] if g["fixed_in_period"] else "未整改",
            g["days_open"],
        ]
        for n, g in enumerate(f["problems"], 1)
    ]
    if rows:
        _table(
            doc,
            ["序号", "事项", "责任部门", "问题", "首次发现", "整改日期", "持续天数"],
            rows,
            (1.2, 4.6, 2.8, 1.6, 2.2, 2.4, 1.6),
        )
    placeholder(doc, "问题的原因分析")
    placeholder(doc, "（三）改进措施")


def _other(doc: Any, f: dict[str, Any], cfg: Any) -> None:
    placeholder(doc, "其他需要报告的事项；没有的，写“无其他需要报告的事项”")


def _table_part(doc: Any, f: dict[str, Any], cfg: Any) -> None:
    table = f["table"]
    if table is None:
        _para(doc, "存储的记录中没有报告日期及以前的完整检查，无法生成清单事项公开情况表。")
        return
    _para(doc, f"截至 {table['run']['as_of']}（报告日期前最后一次完整检查）：")
    rows = []
    for head, items in disclosure.sections(table):
        rows.append(["", head, "", ""])
        rows += [[r.number, r.item, r.where, r.remark] for r in items]
    _table(doc, disclosure.header("zh"), rows, disclosure.WIDTHS_CM)


FILL = {  # what the tool can fill, per part (the national eight); a province's added part gets a placeholder
    "工作情况概述": _overview,
    "主动公开情况": _active,
    "依申请公开和不予公开情况": _requests,
    "对信息公开的评议情况": lambda doc, f, cfg: placeholder(
        doc, "师生员工和社会公众对学校信息公开工作的评价情况"
    ),
    "因信息公开工作受到举报、复议、诉讼的情况": lambda doc, f, cfg: placeholder(
        doc, "受到举报、复议、诉讼的情况；没有的，写明“未发生”"
    ),
    "主要经验、存在的问题和改进措施": _problems,
    "其他需要报告的事项": _other,
    "清单事项公开情况表": _table_part,
}


def _appendix(doc: Any, f: dict[str, Any], store_path: str) -> None:
    heading(doc, "附录：数据来源与统计方法", 14)
    p, c, runs = f["published"], f["coverage"], f["published"]["runs"]
    lines = [
        f"数据来源：{store_path}（本系统的存储库），本草稿生成于 {f['report_date']}；统计期限 {f['period']['start']} 至 {f['period']['end']}。",
        f"检查覆盖：期间内完整检查 {c['audits']} 次，最早 {c['first'] or '无'}，最晚 {c['last'] or '无'}；"
        + (
            "覆盖整个学年。"
            if c["whole"]
            else "未覆盖的时段："
            + "；".join(f"{a} 至 {b}" for a, b in c["missing"])
            + "，这些时段的数字缺失。"
        ),
        f"公开信息（{p['pages']} 条）：存储库中仍保留的抓取（第 {runs['oldest']}–{runs['newest']} 次，共 {runs['count']} 次）里，"
        "页面自身标注的发布日期落在统计期限内、正常打开（2xx）、不是栏目列表页、也不是同一文章另一网址的页面，按最终网址去重；"
        "站点按网址的主机名归并。早于最早保留抓取即已删除的页面不在其中。",
        f"附件（{p['files']} 个）：上述页面链接的附件（按网址去重，每个页面计其最新一次抓取）。",
        f"清单事项文件（{p['documents']} 份）：报告日期前各次完整审计中，作为某一清单事项可读证据（文件本身）且发布日期在统计期限内的页面或文件，"
        "按网址去重，归入最近一次审计所属事项的类别和责任部门（审计每个事项最多保留 5 条证据）。",
        "学年末落实情况：统计期限最后一日及以前最近一次完整审计的汇总（与该次审计的 findings.json summary 相同）。",
        "问题：每个事项在按日期排列的完整审计中，自首次为未公开、逾期、未更新或链接失效之日起，至首次既非问题又非"
        "“需人工核实”之日止，计为一项；经复核认定为误报或不适用的（无论何时复核）不计入问题，单列为“经复核排除”；"
        "持续天数计至最后一次检查仍见其未整改之日（不超过统计期末），与每晚报告的首次发现日期一致。",
        "清单事项公开情况表：报告日期及以前最近一次完整审计（与本系统生成的清单事项公开情况表相同）。",
        "“无法核实”的夜晚（抓取失败或不完整）不计入以上任何数字。",
    ]
    for line in lines:
        _para(doc, line)
    if p["document_list"]:
        _para(doc, "清单事项文件明细：", bold=True)
        rows = [[d["published"], d["item_id"], d["owner"], d["url"]] for d in p["document_list"]]
        _table(doc, ["发布日期", "事项", "责任部门", "网址"], rows, (2.4, 2.2, 3.4, 9))


def write(facts: dict[str, Any], parts: list[str], cfg: Any, out_dir: Path) -> Path:
    """Write 信息公开工作年度报告（草稿）-<学年>.docx into out_dir."""
    doc = chinese_document("仿宋")
    label = facts["period"]["label"]
    heading(doc, f"{facts['school']}{label.replace('-', '～')}信息公开工作年度报告")
    sub = doc.add_paragraph("（草稿：根据每晚的检查记录生成，【待填写】处须由学校补充，发布前请删除本行）")
    sub.alignment = 1
    c = facts["coverage"]
    if not c["whole"]:
        run = _para(doc).add_run(
            "注意：存储的检查记录未覆盖整个学年（"
            + ("无任何记录" if not c["audits"] else f"仅有 {c['first']} 至 {c['last']} 的记录")
            + "），以下统计数字只反映已覆盖的时段，详见附录。"
        )
        run.bold = True
    _para(
        doc,
        "根据《高等学校信息公开办法》（教育部令第29号）、《高等学校信息公开事项清单》（教办函〔2014〕23号）和教育部办公厅"
        f"年度报告工作通知要求，编制本报告。本报告中所列数据的统计期限自{_zh(facts['period']['start'])}起至"
        f"{_zh(facts['period']['end'])}止。",
    )
    for n, name in enumerate(parts):
        number = NUMERALS[n] if n < len(NUMERALS) else str(n + 1)
        p = doc.add_paragraph()
        run = p.add_run(f"{number}、{name}")
        run.bold = True
        FILL.get(name, lambda d, f, c, name=name: placeholder(d, name))(doc, facts, cfg)
    _appendix(doc, facts, str(cfg.store))
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"信息公开工作年度报告（草稿）-{label}.docx"
    doc.save(path)
    return path


def _zh(day: str) -> str:
    y, m, d = (int(x) for x in day.split("-"))
    return f"{y}年{m}月{d}日"

"""Every report read back for its content: findings.json, the HTML gap report (parsed, and opened in
headless Chromium with a hostile page title), the Excel workbook, the 清单表 as XLSX/DOCX/Markdown, and the
terminal summary (narrow, NO_COLOR, English)."""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from docx import Document
from openpyxl import load_workbook
from rich.cells import cell_len
from rich.console import Console

from auditor.report import printing, write_all
from auditor.report.html import render_html
from auditor.report.terminal import print_summary
from tests.conftest import run_auditor

EVIL = "<script>document.body.setAttribute('data-pwned','1')</script><img src=x onerror=alert(1)>"


def test_every_output_written(audited):
    out, _ = audited
    names = {p.name for p in out.iterdir()}
    assert {
        "findings.json",
        "gap-report.html",
        "findings.xlsx",
        "清单事项公开情况表.xlsx",
        "清单事项公开情况表.docx",
        "清单事项公开情况表.md",
    } <= names


def test_html_gap_report_content(audited):
    out, findings = audited
    soup = BeautifulSoup((out / "gap-report.html").read_text("utf-8"), "html.parser")
    assert not soup.find_all("script") and not soup.find("link", rel="stylesheet")  # self-contained, no code
    assert (
        "default-src 'none'" in soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    )
    text = soup.get_text(" ")
    assert findings["run"]["config_fingerprint"] in text and "auditor " in text and "2022-11-15" in text
    titles = {" ".join(th.get_text().split()): th for th in soup.select("section.dept tr.title th")}
    # grouped under the school's official names (departments:), the site's own name kept beside
    assert any(t.startswith("责任部门：党委办公室（校长办公室）") for t in titles)
    assert not any(t.startswith("责任部门：党政办") for t in titles)
    assert "网站所列部门：党政办" in text
    dfc = next(th for t, th in titles.items() if "发展规划处" in t).find_parent("table").get_text(" ")
    assert "dfc-self-evaluation" in dfc and "未公开" in dfc and "湘财教〔2019〕2号" in dfc
    assert "首次发现" in dfc and "整改要求" in dfc and "未找到" in dfc  # places looked, not evidence
    assert "应发布日期" in dfc and "2022-10-31" in dfc  # due on 31 October, 15 days overdue on 15 November
    finance = next(th for t, th in titles.items() if "财务处" in t).find_parent("table")
    assert (
        "moe-20" in finance.get_text()
        and "相似度" in finance.get_text()
        and "2022-08-26" in finance.get_text()
    )
    # a dead link as link checkers show it: the page that links, the dead target, the link's words, the answer
    dead = next(t for t in finance.select("table") if "失效地址" in t.get_text())
    cells = [td for td in dead.select("tr")[1].select("td")]
    assert cells[0].a["href"].endswith("/gksx/cwjs/2022-08-26/3046.html") and cells[1].a["href"].endswith(
        ".pdf"
    )
    assert "部门决算公开表.pdf" in cells[2].get_text() and "404" in cells[3].get_text()
    # every evidence URL a link, http(s) only, opened without handing the report to the site
    links = soup.select("a")
    site = [a for a in links if not a["href"].startswith("存档/")]
    assert len(site) > 40 and all(a["href"].startswith(("http://", "https://")) for a in site)
    assert all(a.get("rel") == ["noopener", "noreferrer"] for a in links)
    copies = [a["href"] for a in links if a["href"].startswith("存档/")]  # each evidence's archived copy
    assert copies and all((out / c).exists() for c in copies)
    # the action list is the open gaps only, as many as the headline says
    action = soup.find("h2", string=lambda x: x and x.startswith("需要整改的问题")).find_next("table")
    assert len(action.select("tr")) - 1 == findings["summary"]["open_gaps"] == 7
    assert "moe-26" not in action.get_text()  # 无法核实 is not a gap: listed under 需人工核实
    # everything, not only gaps: exemptions with reason and who set them, published items with evidence
    exempt = (
        soup.find("h2", string=lambda x: x and x.startswith("豁免与不适用")).find_next("table").get_text(" ")
    )
    assert (
        "学校无校办企业" in exempt and "党委办公室 王敏 2022-09-01" in exempt and "学校无研究生培养" in exempt
    )
    published = soup.find("h2", string=lambda x: x and x.startswith("已公开事项")).find_next("table")
    assert len(published.select("tr")) - 1 == findings["summary"]["published"]
    assert published.select("a")
    for it in findings["items"]:
        assert it["id"] in text  # every item somewhere


def test_plain_chinese_in_chinese_reports(audited):
    out, findings = audited
    text = BeautifulSoup((out / "gap-report.html").read_text("utf-8"), "html.parser").get_text(" ")
    for word in ("blank_column", "undated", "deadline", "presence", "http_4", "配置指纹", "unreachable"):
        assert word not in text, word
    soup = BeautifulSoup((out / "gap-report.html").read_text("utf-8"), "html.parser")
    assert "审计" not in soup.title.get_text() and "审计" not in soup.h1.get_text()  # 审计处 does audits
    assert "信息公开监测报告" in soup.h1.get_text() and "北京时间" in text
    # the government-website indicators are cited as a reference, never as binding on a college
    assert "参照《政府网站与政务新媒体检查指标》" in text and " 政府网站与政务新媒体检查指标（" not in text
    assert "第九条" not in text and "第二十五条" not in text  # article numbers not checked are not cited
    assert "请在配置中" not in text and "在配置中登记" not in json.dumps(findings, ensure_ascii=False)


def evil_findings(findings: dict) -> dict:
    f = copy.deepcopy(findings)
    gap = next(it for it in f["items"] if it["id"] == "moe-20")
    gap["evidence"][0]["title"] = EVIL
    gap["short"] = EVIL
    return f


def test_crawled_text_is_escaped(audited):
    html = render_html(evil_findings(audited[1]))
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find_all("script") and not soup.find("img")
    assert EVIL in soup.get_text()  # shown as text


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def test_report_in_headless_chromium(audited, tmp_path):
    browser = chromium()
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run installs it")
        pytest.skip("chromium not installed on this machine")
    page = tmp_path / "evil.html"
    page.write_text(render_html(evil_findings(audited[1])), encoding="utf-8")
    flags = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--hide-scrollbars",
    ]
    dom = subprocess.run(
        [*flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120
    ).stdout
    assert "moe-20" in dom and "dfc-self-evaluation" in dom, "the report rendered, with its gaps"
    assert "data-pwned" not in dom.split("<body", 1)[1].split(">", 1)[0], "no script from a crawled page ran"
    assert "&lt;script&gt;" in dom


def test_printed_a4_pages_say_what_and_when_on_every_page(audited, tmp_path):
    """Printed from Chromium: A4, and every page — a department's pages handed out alone too — names the
    school, the date, the check's number and the page; a department's header repeats on its every page;
    dates never wrap."""
    if printing.chromium() is None or shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("chromium/poppler are not installed: .ci/run installs them")
        pytest.skip("chromium not installed on this machine")
    out, findings = audited
    f = copy.deepcopy(findings)
    gap = next(it for it in f["items"] if it["id"] == "moe-16")
    for n in range(25):  # one department with enough gaps to fill several pages
        f["items"].append({**copy.deepcopy(gap), "id": f"x-{n:02d}", "short": f"测试事项{n}"})
    page = tmp_path / "long.html"
    page.write_text(render_html(f), encoding="utf-8")
    pdf = printing.html_to_pdf(page, tmp_path / "long.pdf")
    w, h = printing.pdf_page_size(pdf)
    assert abs(w - 595) < 2 and abs(h - 842) < 2
    pages = printing.pdf_pages(pdf)
    assert len(pages) >= 6
    for n, text in enumerate(pages, 1):
        assert "湘岳职业技术学院" in text and "截至 2022-11-15" in text and "检查编号 #1" in text
        assert f"第 {n} 页，共 {len(pages)} 页" in " ".join(text.split())
    start = next(i for i, text in enumerate(pages) if "责任部门：财务处" in text)
    end = next(i for i, text in enumerate(pages) if i >= start and "测试事项24" in text)
    assert end - start >= 2  # the department's section runs over three pages or more
    assert all("责任部门：财务处" in text and "应发布日期" in text for text in pages[start : end + 1])
    html_text = BeautifulSoup(page.read_text("utf-8"), "html.parser").get_text(" ")
    assert "\n".join(pages).count("2022-11-15") >= html_text.count("2022-11-15")  # no date split by a wrap


def test_excel_workbook(audited):
    from datetime import datetime

    out, findings = audited
    wb = load_workbook(out / "findings.xlsx")
    ws = wb["问题清单"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    header = [c.value for c in ws[1]]
    for col in ("整改要求", "应发布日期", "逾期天数", "未关闭", "整改时限", "复核"):
        assert col in header
    rows = {r[0].value: {h: c for h, c in zip(header, r, strict=True)} for r in ws.iter_rows(min_row=2)}
    assert len(rows) == len(findings["items"])
    dfc = rows["dfc-self-evaluation"]
    assert (
        dfc["状态"].value == "未公开"
        and dfc["责任部门"].value == "发展规划处"
        and dfc["未关闭"].value == "是"
    )
    assert isinstance(dfc["应发布日期"].value, datetime) and dfc["应发布日期"].number_format == "yyyy-mm-dd"
    assert dfc["逾期天数"].value == 15 and dfc["整改要求"].value
    assert rows["moe-26"]["未关闭"].value == "否"  # 无法核实 is not an open gap
    # the first rows are the open gaps, most overdue first
    first = [r[0].value for r in ws.iter_rows(min_row=2, max_row=8)]
    assert set(first) == {it["id"] for it in findings["items"] if it["open"]}
    ev_links = [r[header.index("证据")] for r in ws.iter_rows(min_row=2) if r[header.index("证据")].value]
    assert ev_links and all(c.hyperlink and c.hyperlink.target == c.value for c in ev_links)
    assert ws.column_dimensions["C"].width >= 20  # wide enough for Chinese item names
    # printable: A4 landscape, one page wide, the header row on every page
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) and ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows.replace("$", "") == "1:1"
    assert "财务处" in wb.sheetnames and "发展规划处" in wb.sheetnames
    finance = [r[0].value for r in wb["财务处"].iter_rows(min_row=2)]
    assert set(finance) == {"moe-16", "moe-20"}
    ev = wb["证据"]
    assert all(r[4].hyperlink and r[4].hyperlink.target == r[4].value for r in ev.iter_rows(min_row=2))
    run = {r[0].value: r[1].value for r in wb["运行信息"].iter_rows(min_row=2)}
    assert run["配置校验码"] == findings["run"]["config_fingerprint"]
    assert run["截至"].date().isoformat() == "2022-11-15" and run["未关闭问题"] == 7


def test_xlsx_review_column_carries_reviewer_reason_and_due(audited):
    out, findings = audited
    f = copy.deepcopy(findings)
    gap = next(it for it in f["items"] if it["id"] == "moe-33")
    gap["review"] = {"decision": "acknowledged", "reviewer": "李四", "reason": "招生就业处承诺补发", "date": "2022-11-10",
                     "due": "2022-11-12", "outdated": False, "overdue": True}  # fmt: skip
    from auditor.report.xlsx import write_xlsx

    (out.parent / "x").mkdir()
    wb = load_workbook(write_xlsx(f, out.parent / "x", "zh"))
    ws = wb["问题清单"]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == "moe-33")
    review = row[header.index("复核")]
    assert "已认领（承诺 2022-11-12 前整改）" in review and "承诺期限已过" in review
    assert "李四" in review and "招生就业处承诺补发" in review


def disclosure_rows(docx_path: Path) -> list[list[str]]:
    [table] = Document(docx_path).tables
    return [[c.text for c in r.cells] for r in table.rows]


def test_disclosure_table_as_schools_attach_it(audited):
    from docx.shared import Cm

    out, findings = audited
    doc = Document(out / "清单事项公开情况表.docx")
    section = doc.sections[0]
    assert abs(section.page_width - Cm(21)) < Cm(0.1) and abs(section.page_height - Cm(29.7)) < Cm(0.1)
    rows = disclosure_rows(out / "清单事项公开情况表.docx")
    assert rows[0] == ["序号", "公开事项", "公开网址", "备注"]
    items = [r for r in rows[1:] if r[0] != r[1]]  # category rows span the table (merged cells repeat)
    heads = [r[0] for r in rows[1:] if r[0] == r[1]]
    assert heads[:10] == ["基本信息", "招生考试信息", "财务、资产及收费信息", "人事师资信息", "教学质量信息",
                          "学生管理服务信息", "学风建设信息", "学位、学科信息", "对外交流与合作信息", "其他"]  # fmt: skip
    assert [r[0] for r in items[:50]] == [str(n) for n in range(1, 51)]  # national numbers, 不适用 kept
    by_number = {r[0]: r for r in items}
    assert by_number["1"][1].startswith("办学规模、校级领导班子简介及分工")  # the official wording
    assert by_number["17"][3] == "暂未涉及：学校无校办企业"
    assert by_number["11"][3].startswith("不适用")
    assert by_number["7"][2].startswith("http://zs.xyvtc.test")
    assert by_number["19"][2].endswith("/gksx/cwys/index.htm")  # the column, as the annual report cites it
    assert all(
        "HTTP" not in r[3] and "相似度" not in r[3] for r in items
    )  # a person's remark, no diagnostics
    assert by_number["补1"][1] == "高等职业教育质量年度报告"  # the national file's extra, then the province's
    assert all(by_number[f"补{n}"][1].startswith("“双一流”") for n in range(2, 7))
    # Chinese fonts, the East Asian language zh-CN (not the template's ja-JP), a bold header repeated per page
    styles = doc.styles.element.xml
    assert 'w:eastAsia="zh-CN"' in styles and "ja-JP" not in styles and 'w:eastAsia="宋体"' in styles
    header_row = doc.tables[0].rows[0]._tr.xml
    assert "w:tblHeader" in header_row and "<w:b/>" in header_row
    grid = [int(c.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}w")) for c in
            doc.tables[0]._tbl.tblGrid]  # fmt: skip
    assert grid[1] > 2 * grid[0] and len(set(grid)) > 2  # widths fitted to content, not six equal columns
    # Markdown and XLSX: the same table
    wb = load_workbook(out / "清单事项公开情况表.xlsx")
    xrows = [list(r) for r in wb.active.iter_rows(values_only=True)]
    assert [str(r[0]) for r in xrows if r[0] and str(r[0]).isdigit()] == [str(n) for n in range(1, 51)]
    assert (
        wb.active.page_setup.orientation == "portrait"
        and wb.active.print_title_rows.replace("$", "") == "1:1"
    )
    md = (out / "清单事项公开情况表.md").read_text("utf-8")
    assert md.count("\n| 17 | ") == 1 and "暂未涉及：学校无校办企业" in md and "**基本信息**" in md


def office_or_skip() -> None:
    if printing.office() is None or shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice/poppler are not installed: .ci/run installs them")
        pytest.skip("LibreOffice not installed on this machine")


def test_disclosure_table_printed_through_libreoffice(audited, tmp_path):
    office_or_skip()
    out, _ = audited
    pdf = printing.docx_to_pdf(out / "清单事项公开情况表.docx", tmp_path)
    w, h = printing.pdf_page_size(pdf)
    assert abs(w - 595) < 2 and abs(h - 842) < 2  # A4
    pages = printing.pdf_pages(pdf)
    assert len(pages) >= 2
    for page in pages:  # the header row repeated on every page
        assert "序号" in page and "公开事项" in page and "备注" in page
    text = "\n".join(pages)
    assert "湘岳职业技术学院清单事项公开情况表" in text and "暂未涉及" in text and "不适用" in text
    numbers = {line.split()[0] for line in text.splitlines() if line.split() and line.split()[0].isdigit()}
    assert {str(n) for n in range(1, 51)} <= numbers
    assert printing.pdf_to_png(pdf, tmp_path / "page")  # and it renders as pages


def test_rectification_notices_per_department(audited, tmp_path):
    out, findings = audited
    folder = out / "整改通知"
    notices = {p.stem.removeprefix("整改通知-"): p for p in folder.glob("*.docx")}
    owners = {it["owner"] for it in findings["items"] if it["open"]}
    assert set(notices) == owners
    doc = Document(notices["发展规划处"])
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "发展规划处：" in body and "2022-11-29" in body  # 10 working days after 2022-11-15
    assert "纪检监察处（盖章）" in body
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert rows[0] == ["序号", "事项", "问题及证据", "依据", "期限"]
    assert rows[1][1] == "双一流建设项目绩效自评报告（未公开）"  # the item's short name, never its id
    assert "2022-10-31" in rows[1][4] and "逾期 15 天" in rows[1][4] and "整改时限\n2022-11-29" in rows[1][4]
    assert "湘财教〔2019〕2号" in rows[1][3]
    assert "请于 2022-11-29 前完成整改" in body and "再次通知" not in body
    every = body + "".join(c for r in rows for c in r)
    assert not re.search(r"dfc-|moe-\d|auditor", every)  # no English in a Chinese document
    finance_doc = Document(notices["财务处"])
    finance = [[c.text for c in r.cells] for r in finance_doc.tables[0].rows]
    assert any("失效地址" in r[2] and "3046.html" in r[2] for r in finance)
    links = [r.target_ref for r in finance_doc.part.rels.values() if r.reltype.endswith("/hyperlink")]
    assert any(u.endswith("3046.html") for u in links)  # evidence URLs are links Word opens
    from docx.oxml.ns import qn

    theme = finance_doc.settings.element.find(qn("w:themeFontLang"))  # the template says ja-JP
    assert theme.get(qn("w:eastAsia")) == theme.get(qn("w:val")) == "zh-CN"
    if printing.office():
        pdf = printing.docx_to_pdf(notices["财务处"], tmp_path)
        w, h = printing.pdf_page_size(pdf)
        assert abs(w - 595) < 2 and abs(h - 842) < 2
        text = "\n".join(printing.pdf_pages(pdf))
        assert "2022-11-29" in text  # a date on one line, never wrapped


@pytest.mark.parametrize("width", [60, 80, 140])
def test_terminal_summary_at_each_width(audited, monkeypatch, width):
    _, findings = audited
    monkeypatch.setenv("NO_COLOR", "1")
    console = Console(record=True, width=width, force_terminal=True)
    print_summary(findings, console)
    text = console.export_text()
    assert "\x1b[3" not in console.export_text(styles=True)  # NO_COLOR: no colours
    lines = text.splitlines()
    assert max(cell_len(line) for line in lines) <= width
    assert f"未关闭问题 {findings['summary']['open_gaps']}" in text and "dfc-self-evaluation" in text
    assert "分类统计" in text and "HTTP 404" in text
    for name in {it["category"] for it in findings["items"]}:
        assert any(name in line for line in lines), f"category {name} split across lines"
    for label in ("未公开", "链接失效", "未更新", "逾期"):
        assert label in text
    assert not any(line.rstrip().endswith(("未", "链接", "逾")) for line in lines)  # no status word cut
    wrapped = [
        ln for ln in lines if "┃" not in ln and ln.rstrip().endswith(("首次发现", "应发布日期", "逾期天数"))
    ]
    assert not wrapped  # a label stays with its value
    for dept in {it["owner"] for it in findings["items"] if it["open"]}:
        assert any(dept in line for line in lines), f"department {dept} split"


def test_english_reports(audited, tmp_path):
    _, findings = audited
    paths = write_all(findings, tmp_path, lang="en")
    html = paths[1].read_text("utf-8")
    assert "Items to fix" in html and "was not found" in html
    console = Console(record=True, width=100)
    print_summary(findings, console, lang="en")
    assert "By category" in console.export_text()


def test_json_flag_and_report_last(audited):
    demo_copy = audited[0].parent / "site.yaml"
    proc = run_auditor("report", "--last", "--config", str(demo_copy), "--json")
    assert proc.returncode == 0
    data = json.loads(proc.stdout)
    assert data["audit"]["id"] == audited[1]["audit"]["id"] and len(data["items"]) == 56
    proc = run_auditor("report", "--last", "--config", str(demo_copy))
    assert proc.returncode == 0 and "需要整改的问题" in proc.stdout

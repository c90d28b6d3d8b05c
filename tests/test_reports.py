"""Every report read back for its content: findings.json, the HTML gap report (parsed, and opened in
headless Chromium with a hostile page title), the Excel workbook, the 清单表 as XLSX/DOCX/Markdown, and the
terminal summary (narrow, NO_COLOR, English)."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from docx import Document
from openpyxl import load_workbook
from rich.console import Console

from auditor.report import write_all
from auditor.report.html import render_html
from auditor.report.terminal import print_summary
from tests.conftest import run_auditor

ROOT = Path(__file__).parents[1]
SHOTS = ROOT / "reports" / "screenshots"
TERMINAL_HTML = """<!DOCTYPE html><html><head><meta charset="UTF-8"><style>
body {{ background: #1e1e1e; color: #ddd; margin: 12px; }}
pre {{ font-family: "Noto Sans Mono CJK SC", "Noto Sans Mono", monospace; font-size: 14px; line-height: 1.3; }}
</style></head><body><pre>{code}</pre></body></html>"""
EVIL = "<script>document.body.setAttribute('data-pwned','1')</script><img src=x onerror=alert(1)>"


@pytest.fixture()
def audited(demo_copy: Path) -> tuple[Path, dict]:
    out = demo_copy.parent / "out"
    proc = run_auditor("audit", "--config", str(demo_copy), "--as-of", "2022-11-15", "--out", str(out))
    assert proc.returncode == 1, proc.stderr
    return out, json.loads((out / "findings.json").read_text("utf-8"))


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
    sections = soup.select("section.dept")
    depts = [s.h2.get_text() for s in sections]
    assert any("发展规划处" in d for d in depts) and any("财务处" in d for d in depts)
    dfc = next(s for s in sections if "发展规划处" in s.h2.get_text())
    block = dfc.get_text(" ")
    assert "dfc-self-evaluation" in block and "未公开" in block and "湘财教〔2019〕2号" in block
    assert "首次发现" in block and "整改要求" in block and "未找到" in block  # places looked, not evidence
    finance = next(s for s in sections if "财务处" in s.h2.get_text()).get_text(" ")
    assert "moe-20" in finance and "HTTP 404" in finance and "相似度" in finance and "2022-08-26" in finance
    # every open gap appears
    for it in findings["items"]:
        if it["status"] in ("missing", "late", "stale", "broken"):
            assert it["id"] in text


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
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / "gap-report.png"
    subprocess.run(
        [
            *flags,
            "--window-size=1000,1500",
            f"--screenshot={shot}",
            (audited[0] / "gap-report.html").as_uri(),
        ],
        capture_output=True,
        timeout=120,
    )
    assert shot.exists() and shot.stat().st_size > 20_000
    # the terminal summary too, as a terminal with a CJK monospace font shows it
    console = Console(record=True, width=100, force_terminal=True, color_system="truecolor")
    print_summary(audited[1], console)
    term = tmp_path / "terminal.html"
    term.write_text(console.export_html(inline_styles=True, code_format=TERMINAL_HTML), encoding="utf-8")
    subprocess.run(
        [*flags, "--window-size=1000,1000", f"--screenshot={SHOTS / 'terminal-summary.png'}", term.as_uri()],
        capture_output=True,
        timeout=120,
    )
    assert (SHOTS / "terminal-summary.png").stat().st_size > 20_000


def test_excel_workbook(audited):
    out, findings = audited
    wb = load_workbook(out / "findings.xlsx")
    ws = wb["问题清单"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    rows = {r[0].value: [c.value for c in r] for r in ws.iter_rows(min_row=2)}
    assert len(rows) == len(findings["items"])
    assert rows["dfc-self-evaluation"][3] == "未公开" and rows["dfc-self-evaluation"][4] == "发展规划处"
    assert ws.column_dimensions["C"].width >= 20  # wide enough for Chinese item names
    assert "财务处" in wb.sheetnames and "发展规划处" in wb.sheetnames
    finance = [r[0].value for r in wb["财务处"].iter_rows(min_row=2)]
    assert set(finance) == {"moe-16", "moe-20"}
    ev = wb["证据"]
    assert all(r[4].hyperlink and r[4].hyperlink.target == r[4].value for r in ev.iter_rows(min_row=2))
    run = {r[0].value: r[1].value for r in wb["运行信息"].iter_rows(min_row=2)}
    assert run["配置指纹"] == findings["run"]["config_fingerprint"] and run["截至"] == "2022-11-15"


def test_disclosure_table_in_three_formats(audited):
    out, findings = audited
    applicable = [it for it in findings["items"] if it["status"] != "not_applicable"]
    doc = Document(out / "清单事项公开情况表.docx")
    [table] = doc.tables
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0] == ["序号", "类别", "公开事项", "公开网址", "状态", "备注"]
    assert [r[2] for r in rows[1:]] == [it["short"] for it in applicable]  # national order, applicable only
    by_item = {r[2]: r for r in rows[1:]}
    assert by_item["校办企业资产负债信息"][5] == "暂未涉及：学校无校办企业"
    assert (
        by_item["双一流建设项目绩效自评报告"][4] == "未公开"
        and by_item["双一流建设项目绩效自评报告"][3] == ""
    )
    assert by_item["招生章程及招生计划"][3].startswith("http://zs.xyvtc.test")
    # the column, as the annual report cites it
    assert by_item["部门预算"][3].endswith("/gksx/cwys/index.htm")
    wb = load_workbook(out / "清单事项公开情况表.xlsx")
    xrows = list(wb.active.iter_rows(min_row=2, values_only=True))
    assert len(xrows) == len(applicable) == 40
    md = (out / "清单事项公开情况表.md").read_text("utf-8")
    assert md.count("\n| ") == 41 and "暂未涉及：学校无校办企业" in md


def test_terminal_summary_narrow_and_no_color(audited, monkeypatch):
    _, findings = audited
    monkeypatch.setenv("NO_COLOR", "1")
    console = Console(record=True, width=60, force_terminal=True)
    print_summary(findings, console)
    text = console.export_text()
    assert "\x1b[3" not in console.export_text(styles=True)  # NO_COLOR: no colours
    assert "需要处理的事项" in text and "dfc-self-evaluation" in text and "发展规划处" in text
    assert "页面" in text and "challenge" in text and "分类统计" in text
    assert max(len(line) for line in text.splitlines()) <= 60


def test_english_reports(audited, tmp_path):
    _, findings = audited
    paths = write_all(findings, tmp_path, lang="en")
    html = paths[1].read_text("utf-8")
    assert "Items needing action" in html and "was not found" in html
    console = Console(record=True, width=100)
    print_summary(findings, console, lang="en")
    assert "By category" in console.export_text()


def test_json_flag_and_report_last(audited, demo_copy):
    proc = run_auditor("report", "--last", "--config", str(demo_copy), "--json")
    assert proc.returncode == 0
    data = json.loads(proc.stdout)
    assert data["audit"]["id"] == audited[1]["audit"]["id"] and len(data["items"]) == 52
    proc = run_auditor("report", "--last", "--config", str(demo_copy))
    assert proc.returncode == 0 and "需要处理的事项" in proc.stdout

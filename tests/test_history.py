"""Two audits with a fixed gap and a new one in between: resolved and new are shown, gaps keep their age,
reviews are honoured or flagged as outdated, an inconclusive night changes nothing, and a malformed
reviews file stops the audit with a clear error instead of losing a review."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

from bs4 import BeautifulSoup

from auditor.demo import demo_config
from auditor.demo.server import DemoHTTPServer
from auditor.demo.site import load_college
from tests.conftest import run_auditor


def changed_college() -> dict:
    data = copy.deepcopy(load_college())
    data["columns"].append(
        {
            "id": 1901,
            "host": "xxgk",
            "slug": "qt/syl",
            "name": "“双一流”建设",
            "category": "其他",
            "articles": [
                {
                    "title": "湘岳职业技术学院2021年度“双一流”建设项目绩效自评报告",
                    "date": "2022-11-18",
                    "body": "根据湘教发〔2019〕34号要求公示。",
                    "attachments": [{"name": "2021年度双一流建设项目绩效自评报告.pdf"}],
                }
            ],
        }
    )
    for col in data["columns"]:
        if col["slug"] == "xsgl/xjgl":
            col.pop("articles")
            col["status"] = 404
    return data


def audit(config: Path, as_of: str) -> tuple[int, dict, str]:
    out = config.parent / f"out-{as_of}"
    proc = run_auditor("audit", "--config", str(config), "--as-of", as_of, "--out", str(out))
    data = json.loads((out / "findings.json").read_text("utf-8")) if (out / "findings.json").exists() else {}
    return proc.returncode, data, proc.stdout + proc.stderr


def item(findings: dict, item_id: str) -> dict:
    return next(it for it in findings["items"] if it["id"] == item_id)


def test_fixed_gap_resolved_new_gap_new_and_reviews(demo_copy):
    code, first, _ = audit(demo_copy, "2022-11-15")
    assert code == 1 and item(first, "dfc-self-evaluation")["status"] == "missing"
    assert first["changes"]["previous_audit"] is None  # nothing to compare with yet

    assert (
        run_auditor(
            "review",
            "moe-34",
            "--config",
            str(demo_copy),
            "--decision",
            "false_positive",
            "--reviewer",
            "李四（纪检监察处）",
            "--reason",
            "报告刊于校报，经核实已公开",
        ).returncode
        == 0
    )
    assert (
        run_auditor(
            "review",
            "dfc-self-evaluation",
            "--config",
            str(demo_copy),
            "--decision",
            "acknowledged",
            "--reviewer",
            "李四（纪检监察处）",
            "--reason",
            "发展规划处承诺补发",
            "--due",
            "2022-11-30",
        ).returncode
        == 0
    )
    assert "moe-34" in (demo_copy.parent / "reviews.yaml").read_text("utf-8")

    server = DemoHTTPServer(0, changed_college()).start()
    try:
        demo_config(server, demo_copy.parent)  # same store, same reviews.yaml, the changed site
        assert run_auditor("crawl", "--config", str(demo_copy)).returncode == 0
        code, second, out = audit(demo_copy, "2022-11-22")
    finally:
        server.stop()
    assert code == 1
    changes = second["changes"]
    assert changes["previous_audit"] == first["audit"]["id"]
    resolved = {r["id"]: r for r in changes["resolved"]}
    assert (
        resolved["dfc-self-evaluation"]["was"] == "missing" and resolved["dfc-self-evaluation"]["now"] == "ok"
    )
    assert resolved["dfc-self-evaluation"]["why"].startswith("已公开")
    # a false positive is not a rectification: it is set aside, with who said so and why
    aside = {r["id"]: r for r in changes["set_aside"]}
    assert (
        "moe-34" not in resolved
        and "复核为误报" in aside["moe-34"]["why"]
        and "李四" in aside["moe-34"]["why"]
    )
    assert changes["new"] == ["moe-36"] and item(second, "moe-36")["status"] == "broken"
    assert item(second, "moe-36")["history"]["new"] is True
    still = item(second, "moe-06")["history"]
    assert (
        "moe-06" in changes["still_open"] and still["first_seen"] == "2022-11-15" and still["days_open"] == 7
    )
    # reviews: the false positive is honoured but shown; the acknowledged item changed, so its review is flagged
    moe34 = item(second, "moe-34")
    assert (
        moe34["status"] == "missing"
        and moe34["review"]["decision"] == "false_positive"
        and not moe34["review"]["outdated"]
    )
    assert item(second, "dfc-self-evaluation")["review"]["outdated"] is True
    gaps = [it["id"] for it in second["items"] if it["status"] in ("missing", "late", "stale", "broken")]
    assert second["open_gaps"] == second["summary"]["open_gaps"] == len(gaps) - 1
    assert (
        "moe-34" not in changes["still_open"]
        and len(changes["still_open"]) + len(changes["new"]) == len(gaps) - 1
    )
    assert_reports_agree(demo_copy.parent / "out-2022-11-22", second, out)
    html = BeautifulSoup(
        (demo_copy.parent / "out-2022-11-22" / "gap-report.html").read_text("utf-8"), "html.parser"
    )
    text = html.get_text(" ")
    assert "已整改" in text and "dfc-self-evaluation" in text and "复核为误报" in text and "李四" in text
    assert any("moe-36" in b.parent.get_text() for b in html.select("span.new"))
    assert "复核为误报" in out  # terminal shows the review too

    diff = run_auditor("diff", "--config", str(demo_copy))
    assert diff.returncode == 0
    text = " ".join(diff.stdout.split())
    assert "dfc-self-evaluation" in text and "已整改" in text and "复核排除" in text and "新问题" in text
    assert "resolved" not in text and "new gap" not in text  # Chinese, with a reason on every row
    diff_rows = history_diff_rows(diff.stdout)
    assert len(diff_rows) >= 3
    for row in diff_rows:
        assert row[-1].strip(), f"a diff row without a reason: {row}"
    hist_all = run_auditor("history", "--config", str(demo_copy)).stdout
    assert f"#{second['audit']['id']}" in hist_all and "未关闭问题" in hist_all
    last = next(line for line in hist_all.splitlines() if f"#{second['audit']['id']} " in line)
    assert last.split("│")[5].strip() == str(second["summary"]["open_gaps"])
    hist = run_auditor("history", "dfc-self-evaluation", "--config", str(demo_copy))
    assert hist.returncode == 0 and hist.stdout.index("未公开") < hist.stdout.index("已公开")

    # an inconclusive night (crawl cut short) resolves nothing and starts no clock
    server = DemoHTTPServer(0, changed_college()).start()
    try:
        demo_config(server, demo_copy.parent, max_pages=20)
        assert run_auditor("crawl", "--config", str(demo_copy)).returncode == 3
        code, third, _ = audit(demo_copy, "2022-11-29")
    finally:
        server.stop()
    # the last complete audit stays current; the failed attempt is attached and said plainly
    assert (
        code == 3 and third["audit"]["id"] == second["audit"]["id"] and third["audit"]["status"] == "complete"
    )
    assert (
        third["latest_attempt"]["status"] == "inconclusive"
        and third["latest_attempt"]["as_of"] == "2022-11-29"
    )
    html = (demo_copy.parent / "out-2022-11-29" / "gap-report.html").read_text("utf-8")
    assert "未能完成" in html and f"完整检查 #{second['audit']['id']}" in html
    stored = json.loads(
        run_auditor(
            "report", "--audit", str(third["latest_attempt"]["audit"]), "--json", "--config", str(demo_copy)
        ).stdout
    )
    assert stored["audit"]["status"] == "inconclusive"
    assert stored["changes"]["resolved"] == [] and stored["changes"]["new"] == []
    hist = run_auditor("history", "--config", str(demo_copy))
    assert hist.stdout.count("无法核实") == 1


def history_diff_rows(stdout: str) -> list[list[str]]:
    """The rows of `auditor diff`'s table (rich, no outer edge: cells split by │), a folded row joined."""
    rows: list[list[str]] = []
    for line in stdout.splitlines()[2:]:
        cells = line.split("│")
        if len(cells) < 5 or set(line) <= set("━─┼ "):
            continue
        if cells[0].strip().startswith(("moe-", "dfc-", "voc")) or not rows:
            rows.append(cells)
        else:
            rows[-1] = [a + b for a, b in zip(rows[-1], cells, strict=False)]
    return rows


def assert_reports_agree(out: Path, findings: dict, terminal: str) -> None:
    """One number everywhere: the open gaps, the items to check and the set-aside ones are the same in
    findings.json, the HTML, the workbook, the 整改通知 and the terminal."""
    import docx
    import openpyxl

    s = findings["summary"]
    open_ids = [it["id"] for it in findings["items"] if it["open"]]
    assert s["open_gaps"] == len(open_ids)
    html = BeautifulSoup((out / "gap-report.html").read_text("utf-8"), "html.parser")
    head = " ".join(html.select_one("p.headline").get_text().split())
    assert f"未关闭问题 {s['open_gaps']}" in head and f"需人工核实 {s['to_check']}" in head
    assert f"已复核排除 {s['set_aside']}" in head
    h2 = [" ".join(h.get_text().split()) for h in html.select("h2")]
    assert f"需要整改的问题（{s['open_gaps']}）" in h2 and f"需人工核实（{s['to_check']}）" in h2
    action = html.find("h2", string=lambda x: x and x.startswith("需要整改的问题")).find_next("table")
    rows = action.select("tr")[1:]
    assert sorted(r.select("td")[1].get_text().split()[0] for r in rows) == sorted(open_ids)
    overdue = [int(d) if (d := r.select("td")[5].get_text().strip()).isdigit() else -1 for r in rows]
    assert overdue == sorted(overdue, reverse=True)  # the most overdue first
    dept_open = sum(
        int(th.get_text().split("未关闭")[1].strip(" ）)")) for th in html.select(".dept tr.title th")
    )
    assert dept_open == s["open_gaps"]
    pages = findings["run"]["pages"]  # one page count: the provenance line, and every "where we looked"
    assert f"{pages} / {findings['run']['attachments']}" in html.select_one("table.prov").get_text()
    counted = re.findall(r"(\d+) ?个?页面", html.get_text(" "))  # 本次抓取的 N 个页面, 检索范围：N 页面
    assert counted and set(counted) == {str(pages)}
    wb = openpyxl.load_workbook(out / "findings.xlsx")
    sheet = wb["问题清单"]
    header = [c.value for c in sheet[1]]
    col = header.index("未关闭")
    assert sum(1 for r in sheet.iter_rows(min_row=2, values_only=True) if r[col] == "是") == s["open_gaps"]
    run = {r[0]: r[1] for r in wb["运行信息"].iter_rows(min_row=2, values_only=True)}
    assert run["未关闭问题"] == s["open_gaps"] and run["需人工核实"] == s["to_check"]
    notices = sorted((out / "整改通知").glob("*.docx"))
    in_notices = sum(len(docx.Document(str(p)).tables[0].rows) - 1 for p in notices)
    assert in_notices == s["open_gaps"]
    flat = " ".join(terminal.split())
    assert f"未关闭问题 {s['open_gaps']}" in flat and f"需要整改的问题（{s['open_gaps']}）" in flat


def test_malformed_reviews_file_is_a_clear_error_and_nothing_is_lost(demo_copy):
    reviews = demo_copy.parent / "reviews.yaml"
    reviews.write_text(
        "reviews:\n  - item: moe-34\n    decision: maybe\n    reviewer: 李四\n    reason: x\n",
        encoding="utf-8",
    )
    code, data, out = audit(demo_copy, "2022-11-15")
    assert code == 2 and "reviews.yaml:3" in out and "而不是 'maybe'" in out and "Traceback" not in out
    assert data == {}  # nothing written
    before = reviews.read_text("utf-8")
    proc = run_auditor(
        "review",
        "moe-06",
        "--config",
        str(demo_copy),
        "--decision",
        "acknowledged",
        "--reviewer",
        "王五",
        "--reason",
        "x",
        "--due",
        "2022-12-31",
    )
    assert proc.returncode == 2 and "reviews.yaml:3" in proc.stderr
    assert reviews.read_text("utf-8") == before  # refuses to overwrite what it cannot read


def test_an_acknowledged_gap_reads_as_a_promise_and_a_broken_promise_is_flagged(demo_copy):
    code, first, _ = audit(demo_copy, "2022-11-15")
    assert code == 1
    ok_item = next(it["id"] for it in first["items"] if it["status"] == "ok")
    refused = run_auditor(
        "review", ok_item, "--config", str(demo_copy), "--decision", "false_positive",
        "--reviewer", "李四", "--reason", "x",
    )  # fmt: skip
    assert refused.returncode == 2 and "不是问题" in refused.stderr and "Traceback" not in refused.stderr
    assert not (demo_copy.parent / "reviews.yaml").exists()  # nothing recorded
    promised = run_auditor(
        "review", "moe-06", "--config", str(demo_copy), "--decision", "acknowledged",
        "--reviewer", "李四（纪检监察处）", "--reason", "党政办承诺补发年度报告", "--due", "2022-11-18",
    )  # fmt: skip
    assert promised.returncode == 0
    code, second, out = audit(demo_copy, "2022-11-22")
    assert code == 1
    moe06 = item(second, "moe-06")
    assert moe06["open"] and moe06["review"]["overdue"] and moe06["rectify_by"] == "2022-11-18"
    assert second["summary"]["promises_overdue"] == 1
    flat = " ".join(out.split())
    assert "已认领（承诺 2022-11-18 前整改）；承诺期限已过" in flat and "承诺期限已过 1" in flat
    assert "已确认整改" not in flat
    html = BeautifulSoup(
        (demo_copy.parent / "out-2022-11-22" / "gap-report.html").read_text("utf-8"), "html.parser"
    )
    assert "承诺期限已过 1" in " ".join(html.select_one("p.headline").get_text().split())
    action = html.find("h2", string=lambda x: x and x.startswith("需要整改的问题")).find_next("table")
    row = next(r for r in action.select("tr") if "moe-06" in r.get_text())
    assert "已认领（承诺 2022-11-18 前整改）；承诺期限已过" in row.get_text()

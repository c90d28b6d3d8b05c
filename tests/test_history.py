"""Two audits with a fixed gap and a new one in between: resolved and new are shown, gaps keep their age,
reviews are honoured or flagged as outdated, an inconclusive night changes nothing, and a malformed
reviews file stops the audit with a clear error instead of losing a review."""

from __future__ import annotations

import copy
import json
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
    assert {
        "id": "dfc-self-evaluation",
        "short": "双一流建设项目绩效自评报告",
        "was": "missing",
        "now": "ok",
    } in changes["resolved"]
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
    assert second["open_gaps"] == len(gaps) - 1
    html = BeautifulSoup(
        (demo_copy.parent / "out-2022-11-22" / "gap-report.html").read_text("utf-8"), "html.parser"
    )
    text = html.get_text(" ")
    assert "已整改" in text and "dfc-self-evaluation" in text and "复核为误报" in text and "李四" in text
    assert any("moe-36" in b.parent.get_text() for b in html.select("span.new"))
    assert "复核为误报" in out  # terminal shows the review too

    diff = run_auditor("diff", "--config", str(demo_copy))
    assert diff.returncode == 0
    lines = diff.stdout.splitlines()
    assert any("dfc-self-evaluation" in line and "resolved" in line for line in lines)
    assert any("moe-36" in line and "new gap" in line for line in lines)
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
    assert "未能完成" in html and f"完整审计 #{second['audit']['id']}" in html
    stored = json.loads(
        run_auditor(
            "report", "--audit", str(third["latest_attempt"]["audit"]), "--json", "--config", str(demo_copy)
        ).stdout
    )
    assert stored["audit"]["status"] == "inconclusive"
    assert stored["changes"]["resolved"] == [] and stored["changes"]["new"] == []
    hist = run_auditor("history", "--config", str(demo_copy))
    assert hist.stdout.count("inconclusive") == 1


def test_malformed_reviews_file_is_a_clear_error_and_nothing_is_lost(demo_copy):
    reviews = demo_copy.parent / "reviews.yaml"
    reviews.write_text(
        "reviews:\n  - item: moe-34\n    decision: maybe\n    reviewer: 李四\n    reason: x\n",
        encoding="utf-8",
    )
    code, data, out = audit(demo_copy, "2022-11-15")
    assert code == 2 and "reviews.yaml:3" in out and "decision 'maybe'" in out and "Traceback" not in out
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

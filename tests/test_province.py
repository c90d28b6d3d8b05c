"""Province mode on the embedded default (issue 15): a small province of fixture colleges, each served on
127.0.0.1, run end to end by `auditor province run`, reported by `auditor province report` — a ranking whose
order is known in advance, a school whose night failed keeping its last complete score, one that never had a
complete night listed without a score, the HTML in headless Chromium, and a draft with each school's preview."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml

from auditor.demo import local_env
from auditor.demo.server import DemoHTTPServer
from auditor.demo.site import load_college
from auditor.province import index
from auditor.province.config import load_province
from auditor.report import printing
from tests.conftest import run_auditor, run_bench

REPORT = {  # the 2021-2022 annual report the demo college lacks, with all eight parts: the best of the three
    "title": "{name}2021-2022学年信息公开工作年度报告",
    "date": "2022-10-28",
    "body": "",
    "paragraphs": [
        "本报告中所列数据的统计期限自2021年9月1日起至2022年8月31日止。",
        "一、信息公开工作情况概述",
        "学校健全信息公开工作机制。",
        "二、主动公开情况",
        "学校通过网站主动公开信息。",
        "三、依申请公开和不予公开情况",
        "本学年未收到申请。",
        "四、对信息公开的评议情况",
        "师生总体满意。",
        "五、因学校信息公开工作受到举报、复议、诉讼的情况",
        "未发生。",
        "六、信息公开工作的主要经验、存在的问题和改进措施",
        "个别单位更新不及时。",
        "七、其他需要报告的事项",
        "无。",
        "八、清单事项公开情况表",
        "见附表。",
    ],
}


def school(name: str, domain: str, variant: str) -> dict:
    """The demo college renamed; `best` adds the missing annual report, `worst` loses its admissions site."""
    text = (
        yaml.safe_dump(load_college(), allow_unicode=True).replace("湘岳", name[:2]).replace("xyvtc", domain)
    )
    data = yaml.safe_load(text)
    if variant == "best":
        col = next(c for c in data["columns"] if c.get("slug") == "jbxx/xxgkndbg")
        col["articles"].insert(0, {**REPORT, "title": REPORT["title"].format(name=data["school"])})
    if variant == "worst":
        data["columns"] = [c for c in data["columns"] if c["host"] != "zs"]
        rows = data["directory"]["rows"]
        data["directory"]["rows"] = [r for r in rows if not any(str(x).startswith("zs:") for x in r[3:])]
    return data


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    base = tmp_path_factory.mktemp("province")
    servers = {
        "best": DemoHTTPServer(0, school("湘江职业技术学院", "xjvtc", "best")).start(),
        "demo": DemoHTTPServer(0, school("湘岳职业技术学院", "xyvtc", "demo")).start(),
        "worst": DemoHTTPServer(0, school("湘北职业技术学院", "xbvtc", "worst")).start(),
    }
    fast = {"delay": 0, "autothrottle": False, "concurrency": 16, "concurrency_per_host": 8, "max_depth": 40}
    entries = []
    for key, server in servers.items():
        site = server.site
        entry = {"school": site.school, "start_urls": [site.start_url], "allowed_domains": [site.domain], **site.config,
                 "crawl": {"resolve": {site.domain: "127.0.0.1"}}}  # fmt: skip
        if key == "demo":  # one school given by its own site.yaml, the others inline
            own = base / "schools" / "xy" / "site.yaml"
            own.parent.mkdir(parents=True)
            own.write_text(yaml.safe_dump(entry, allow_unicode=True), "utf-8")
            entries.append({"config": "schools/xy/site.yaml"})
        else:
            entries.append(entry)
    # a school whose site never answers (nothing listens on that port): never a complete night
    entries.append({"school": "湘西职业技术学院", "start_urls": ["http://www.xxvtc.test:9/"], "allowed_domains": ["xxvtc.test"],
                    "crawl": {"resolve": {"xxvtc.test": "127.0.0.1"}, "retries": 0, "timeout": 3}})  # fmt: skip
    config = base / "province.yaml"
    config.write_text(
        yaml.safe_dump({"province": "湖南", "parallel": 2, "objection_days": 7, "defaults": {"crawl": fast}, "schools": entries},
                       allow_unicode=True), "utf-8",
    )  # fmt: skip
    first = run_auditor("province", "run", "--config", str(config), "--as-of", "2022-11-15", timeout=900)
    servers["worst"].stop()  # its next night fails: it keeps its last complete score
    second = run_auditor("province", "run", "--config", str(config), "--as-of", "2022-11-16", timeout=900)
    yield config, first, second
    for key, server in servers.items():
        if key != "worst":
            server.stop()


def test_every_school_runs_on_one_machine_and_the_exit_says_whether_all_completed(province):
    config, first, second = province
    assert first.returncode == 3, first.stdout + first.stderr  # the unreachable school
    assert "湘江职业技术学院：完成" in first.stdout and "湘西职业技术学院：无法核实" in first.stdout
    night = json.loads((config.parent / "province-run.json").read_text("utf-8"))
    by = {s["school"]: s for s in night["schools"]}
    assert (
        by["湘北职业技术学院"]["outcome"] == "inconclusive"
        and by["湘江职业技术学院"]["outcome"] == "complete"
    )
    assert all(s["cpu_seconds"] > 0 and s["max_rss_mb"] > 20 for s in night["schools"])
    # each school keeps its own store: an inline one in a folder named after it beside province.yaml
    assert (config.parent / "湘江职业技术学院" / "auditor.sqlite").exists()
    assert (config.parent / "schools" / "xy" / "auditor.sqlite").exists()
    effective = yaml.safe_load((config.parent / "湘岳职业技术学院" / "site.yaml").read_text("utf-8"))
    assert effective["reviews"] == str(config.parent / "schools" / "xy" / "reviews.yaml")
    assert effective["crawl"]["concurrency"] == 16 and effective["crawl"]["resolve"]  # defaults under its own


def test_the_ranking_the_index_and_the_failed_nights(province, tmp_path):
    config, _, _ = province
    out = tmp_path / "report"
    proc = run_auditor("province", "report", "--config", str(config), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    data = json.loads((out / "province.json").read_text("utf-8"))
    assert data["schema"] == "auditor.province/1"
    order = [s["school"] for s in data["schools"]]
    assert order == ["湘江职业技术学院", "湘岳职业技术学院", "湘北职业技术学院", "湘西职业技术学院"]
    best, demo, worst, never = data["schools"]
    assert best["parts"]["annual_report"] == 100 and best["parts"]["timeliness"] == 100
    assert (
        demo["parts"]["timeliness"] == 0 and demo["parts"]["annual_report"] == 100
    )  # 2020-2021's report: late
    assert best["score"] > demo["score"] > worst["score"] and never["score"] is None and "rank" not in never
    assert worst["status"] == "inconclusive" and worst["as_of"] == "2022-11-15" and "沿用" in worst["reason"]
    assert never["status"] == "never" and "从未完成一次完整检查" in never["reason"]
    weights = {**index.DEFAULT_WEIGHTS}
    assert best["score"] == index.score(best["parts"], weights)  # the method, applied as printed
    assert "清单完成度 55%" in data["method"] and "个人信息保护 10%" in data["method"]
    assert data["most_missing"][0]["schools"] == 3 and best["parts"]["care"] == 100.0
    assert all(
        "owner" not in it for s in data["schools"] for it in s.get("items", [])
    )  # departments stay home
    assert (out / best["report"]).resolve() == (
        config.parent / "湘江职业技术学院" / "reports" / "gap-report.html"
    )
    assert data["heat"]["湘北职业技术学院"]["招生考试信息"] < data["heat"]["湘江职业技术学院"]["招生考试信息"]


def test_the_province_report_in_headless_chromium(province, tmp_path):
    browser = printing.chromium()
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run installs it")
        pytest.skip("chromium not installed on this machine")
    config, _, _ = province
    out = tmp_path / "report"
    assert run_auditor("province", "report", "--config", str(config), "--out", str(out)).returncode == 0
    dom = subprocess.run(
        [browser, *printing.CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
         (out / "province.html").as_uri()], capture_output=True, text=True, timeout=120, env=local_env(),
    ).stdout  # fmt: skip
    ranking = dom.split('id="ranking"', 1)[1].split("</table>", 1)[0]
    assert (
        ranking.index("湘江职业技术学院")
        < ranking.index("湘岳职业技术学院")
        < ranking.index("湘北职业技术学院")
    )
    assert "无得分" in ranking and 'id="heat"' in dom and "计分方法" in dom and "<script" not in dom
    pdf = printing.html_to_pdf(out / "province.html", tmp_path / "province.pdf")
    assert pdf.stat().st_size > 10_000


def test_a_draft_gives_each_school_its_preview_and_the_objection_date(province, tmp_path):
    config, _, _ = province
    out = tmp_path / "draft"
    assert (
        run_auditor("province", "report", "--config", str(config), "--out", str(out), "--draft").returncode
        == 0
    )
    data = json.loads((out / "province.json").read_text("utf-8"))
    assert data["draft"] and data["objections_close"]
    page = (out / "draft" / "湘北职业技术学院.html").read_text("utf-8")
    assert data["objections_close"] in page and "异议" in page and "moe-07" in page
    assert "草稿" in (out / "province.html").read_text("utf-8")


def test_bad_province_files_name_file_and_line(tmp_path):
    bad = tmp_path / "province.yaml"
    bad.write_text(
        "province: 湖南\nschools:\n  - {school: 某学院, start_urls: [ftp://x], allowed_domains: [x.cn]}\n",
        "utf-8",
    )
    proc = run_auditor("province", "run", "--config", str(bad))
    assert proc.returncode == 2 and "province.yaml:3" in proc.stderr and "某学院" in proc.stderr
    bad.write_text("province: 湖南\nschools:\n  - config: nowhere/site.yaml\n", "utf-8")
    proc = run_auditor("province", "report", "--config", str(bad))
    assert proc.returncode == 2 and "文件不存在" in proc.stderr
    bad.write_text("province: 湖南\nshools: []\n", "utf-8")
    assert "未知的键 'shools'" in run_auditor("province", "run", "--config", str(bad)).stderr
    site = "{school: 甲学院, start_urls: ['http://www.a.cn/'], allowed_domains: [a.cn]}"
    bad.write_text(f"province: 湖南\nschools: [{site}]\nnight_hours: 0\n", "utf-8")
    proc = run_auditor("province", "run", "--config", str(bad), "--queue", "redis://127.0.0.1:9/0")
    assert proc.returncode == 2 and "province.yaml:3" in proc.stderr and "night_hours" in proc.stderr


def test_weights_are_data(tmp_path):
    path = tmp_path / "province.yaml"
    site = "{school: 甲学院, start_urls: ['http://www.a.cn/'], allowed_domains: [a.cn]}"
    path.write_text(
        f"province: 湖南\nscoring: {{weights: {{completion: 100, annual_report: 0, timeliness: 0, care: 0}}}}\n"
        f"schools: [{site}]\n",
        "utf-8",
    )
    p = load_province(path)
    weights = {**index.DEFAULT_WEIGHTS, **p.weights}
    assert (
        index.score({"completion": 80.0, "annual_report": 0.0, "timeliness": 0.0, "care": 0.0}, weights)
        == 80.0
    )
    assert Path(p.schools[0].config).parent.name == "甲学院"


@pytest.mark.system
def test_the_province_bench_still_runs():
    """bench/province.py, small (the twenty-school night is a benchmark, run by hand: bench/README.md), so the
    bench code cannot rot unnoticed: two fixture colleges at once, every night complete."""
    proc = run_bench(
        "province.py", "--schools", "2", "--min-pages", "190", "--max-pages", "220", "--parallel", "2"
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    line = next(x for x in proc.stdout.splitlines() if x.startswith("parallel 2"))
    assert "2/2 complete (exit 0)" in line and "schools/hour" in line and "peak RSS" in line


def test_a_school_that_publishes_personal_data_scores_lower_on_care():
    """Issue 26: the same findings with two pages leaking ID numbers (one of them through its attached list) lose
    50 points of care, and so 5 of the score at the default weights — the most complete school is not the most
    transparent when it publishes its students' 身份证号."""
    findings = {"items": [{"id": "moe-01", "status": "ok", "findings": [], "evidence": []}], "privacy": []}
    clean = index.parts(findings, "moe-50", 6)
    leaking = index.parts(
        {**findings, "privacy": [
            {"url": "http://x/a.htm", "page": "http://x/a.htm", "kind": "id_number"},
            {"url": "http://x/a.htm", "page": "http://x/a.htm", "kind": "phone"},
            {"url": "http://x/list.xlsx", "page": "http://x/b.htm", "kind": "id_number"},
        ]},
        "moe-50",
        6,
    )  # fmt: skip
    assert (clean["care"], leaking["care"], leaking["leaking_pages"]) == (100.0, 50.0, 2)
    weights = index.DEFAULT_WEIGHTS
    assert index.score(clean, weights) - index.score(leaking, weights) == 5.0
    assert "个人信息保护" in index.method(weights, 6)

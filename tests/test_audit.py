"""The audit end to end on the demo college: every planted gap with the right status, the seed case
(dfc-self-evaluation) missing with its legal basis and owner, the findings.json contract, exit codes,
and a crawl that was cut short never accusing anyone."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import yaml

from auditor.audit import run_audit
from auditor.checklist import for_site
from auditor.config import load_config
from auditor.demo import demo_config
from auditor.store import Store
from tests.conftest import crawl_demo, run_auditor

TRUTH = yaml.safe_load(
    (Path(__file__).parents[1] / "bench" / "sites" / "xiangyue.truth.yaml").read_text("utf-8")
)


def audit_json(config: Path, out: Path) -> tuple[int, dict]:
    proc = run_auditor("audit", "--config", str(config), "--as-of", "2022-11-15", "--out", str(out))
    return proc.returncode, json.loads((out / "findings.json").read_text("utf-8"))


def test_demo_findings_match_the_planted_truth(demo_server, demo_copy, tmp_path):
    code, data = audit_json(demo_copy, tmp_path)
    assert code == 1  # gaps found
    got = {it["id"]: it for it in data["items"]}
    for item_id, want in TRUTH["items"].items():
        assert got[item_id]["status"] == want["status"], item_id
        acceptable = set().union(*(demo_server.site.resolve_ref(r) for r in want.get("evidence", [])))
        if acceptable and want["status"] not in ("exempt", "not_applicable"):
            assert got[item_id]["evidence"][0]["url"] in acceptable, item_id


def test_seed_case_dfc_self_evaluation_missing_with_basis_and_owner(demo_copy, tmp_path):
    _, data = audit_json(demo_copy, tmp_path)
    dfc = next(it for it in data["items"] if it["id"] == "dfc-self-evaluation")
    assert dfc["status"] == "missing" and dfc["owner"] == "发展规划处"
    [finding] = dfc["findings"]
    assert finding["rule"] == "presence" and finding["severity"] == "high"
    assert "湘财教〔2019〕2号" in finding["basis"] and "湘教发〔2019〕34号" in finding["basis"]
    assert "双一流" in finding["message"] and "个页面" in finding["message"]


def test_findings_json_contract(demo_copy, tmp_path):
    _, data = audit_json(demo_copy, tmp_path)
    assert data["schema"] == "auditor.findings/1"
    run = data["run"]
    assert run["status"] == "complete" and run["as_of"] == "2022-11-15" and run["pages"] > 400
    assert run["started_at"] and run["tool_version"]
    for it in data["items"]:
        assert {"id", "title", "category", "status", "evidence", "findings"} <= set(it)
        assert it["status"] in (
            "ok",
            "missing",
            "stale",
            "late",
            "broken",
            "exempt",
            "not_applicable",
            "inconclusive",
        )
        for e in it["evidence"]:
            assert {"url", "title", "score", "published"} <= set(e) and e["why"]
        for f in it["findings"]:
            assert {"rule", "severity", "message", "basis"} <= set(f)
    exempt = next(it for it in data["items"] if it["id"] == "moe-17")
    assert exempt["status"] == "exempt" and exempt["note"] == "学校无校办企业"
    # the owner comes from the school's own 信息公开目录 when it names one
    late = next(it for it in data["items"] if it["id"] == "moe-33")
    assert late["owner"] == "招生就业处" and late["owner_source"] == "信息公开目录"
    stale = next(it for it in data["items"] if it["id"] == "moe-20")
    assert stale["evidence"][0]["published"] == "2022-08-26"


def test_cut_short_crawl_reports_no_gaps(demo_server, tmp_path):
    proc, db = crawl_demo(demo_server, tmp_path, max_pages=30)
    assert proc.returncode == 3
    cfg = load_config(tmp_path / "site.yaml")
    with Store(db) as store:
        result = run_audit(store, cfg, for_site(cfg), date(2022, 11, 15))
    assert result.status == "inconclusive" and "未完成" in result.reason
    assert not result.gaps()
    dfc = next(it for it in result.items if it.id == "dfc-self-evaluation")
    assert dfc.status == "inconclusive" and dfc.findings[0].rule == "crawl_incomplete"
    proc = run_auditor(
        "audit", "--config", str(tmp_path / "site.yaml"), "--as-of", "2022-11-15", "--out", str(tmp_path)
    )
    assert proc.returncode == 3 and "无法核实" in proc.stdout


def test_run_command_crawls_audits_and_writes(demo_server, tmp_path):
    config = demo_config(demo_server, tmp_path)
    out = tmp_path / "out"
    proc = run_auditor("run", "--config", str(config), "--as-of", "2022-11-15", "--out", str(out))
    assert proc.returncode == 1, proc.stderr
    assert (out / "findings.json").exists() and "dfc-self-evaluation" in proc.stdout


def test_bad_as_of_is_a_usage_error(demo_copy):
    proc = run_auditor("audit", "--config", str(demo_copy), "--as-of", "15/11/2022")
    assert proc.returncode == 2 and "YYYY-MM-DD" in proc.stderr and "Traceback" not in proc.stderr

"""A year of stored audits (issue 14): gap episodes, the departments' assessment, the annual report's figures
and its draft, read back with python-docx — on fixture histories whose every number is known in advance."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from auditor import annual
from auditor.assessment import assess
from auditor.checklist import load_checklist
from auditor.cli import main
from auditor.config import load_config
from auditor.evidence.text import extract
from auditor.findings import Evidence, summarize
from auditor.history import episodes
from auditor.report import annual_draft, assessment
from auditor.rules.annual_report import headings, stated_period
from auditor.store import Store

YEAR = annual.academic_year("2021-2022")

# item → (owner, [(from, state, extra)]): state open | to_check | ok | set_aside; extra: due_date, review
TIMELINES = {
    "moe-19": ("财务处", [("2021-09-01", "missing", {}), ("2021-10-01", "ok", {})]),
    "moe-33": ("招生就业处", [("2021-06-01", "ok", {}), ("2022-01-01", "late", {"due_date": "2021-12-31"})]),
    "moe-07": (
        "招生就业处",
        [
            ("2021-06-01", "ok", {}),
            ("2022-03-01", "stale", {}),
            ("2022-03-10", "to_check", {}),
            ("2022-03-12", "stale", {}),
            ("2022-03-14", "ok", {}),
        ],
    ),  # fmt: skip
    "moe-20": ("财务处", [("2021-06-01", "broken", {}), ("2021-09-20", "ok", {})]),
    "moe-16": (
        "财务处",
        [
            ("2021-06-01", "ok", {}),
            ("2021-11-01", "missing", {}),
            ("2021-11-05", "set_aside", {"review": {"decision": "false_positive", "reviewer": "李四"}}),
        ],
    ),  # fmt: skip
    "moe-23": (
        "党委组织部",
        [
            ("2021-06-01", "ok", {}),
            ("2021-10-01", "stale", {}),
            (
                "2021-10-05",
                "stale",
                {"review": {"decision": "acknowledged", "due": "2021-11-30", "reviewer": "张三"}},
            ),
            ("2021-12-15", "ok", {}),
        ],
    ),  # fmt: skip
    "moe-05": (
        "党委办公室（校长办公室）",
        [
            ("2021-06-01", "ok", {}),
            ("2022-02-01", "missing", {}),
            (
                "2022-02-03",
                "missing",
                {"review": {"decision": "acknowledged", "due": "2022-02-28", "reviewer": "王敏"}},
            ),
            ("2022-02-20", "ok", {}),
        ],
    ),  # fmt: skip
    "moe-11": ("研究生院", [("2021-06-01", "not_applicable", {})]),
}
TRANSITIONS = sorted({d for _, steps in TIMELINES.values() for d, _, _ in steps})


def nightly(first: str, last: str, step: int = 14) -> list[str]:
    """Every `step` days from first to last, plus every transition: a history with known dates."""
    day, out = date.fromisoformat(first), set(TRANSITIONS)
    while day <= date.fromisoformat(last):
        out.add(day.isoformat())
        day += timedelta(days=step)
    return sorted(d for d in out if first <= d <= last)


def state(item: str, on: str) -> tuple[str, dict]:
    owner, steps = TIMELINES[item]
    current = ("ok", {})
    for when, st, extra in steps:
        if when <= on:
            current = (st, extra if st != "ok" else {})
    return current


def write_history(path: Path, days: list[str]) -> None:
    """The audits as the nightly job stores them: an open gap's 整改时限 fixed when it is first found (14 days
    later: 10 working days), or the date an acknowledged review set."""
    first_seen: dict[str, str] = {}
    with Store(path) as store:
        for i, on in enumerate(days, 1):
            items = []
            for item, (owner, _) in TIMELINES.items():
                st, extra = state(item, on)
                review = extra.get("review")
                status = {"to_check": "inconclusive", "set_aside": "missing"}.get(st, st)
                set_aside = st == "set_aside"
                opened = status in ("missing", "late", "stale", "broken") and not set_aside
                if opened:
                    first_seen.setdefault(item, on)
                elif status != "inconclusive":
                    first_seen.pop(item, None)
                rectify, source = (
                    (review["due"], "review") if opened and (review or {}).get("due")
                    else ((date.fromisoformat(first_seen[item]) + timedelta(days=14)).isoformat(), "found")
                    if opened else (None, None)
                )  # fmt: skip
                items.append(
                    {"id": item, "number": int(item[4:]), "title": item, "short": f"{item}事项", "category": "基本信息",
                     "owner": owner, "status": status, "set_aside": set_aside, "open": opened,
                     "to_check": status == "inconclusive", "due_date": extra.get("due_date"),
                     "rectify_by": rectify, "rectify_source": source, "review": review, "evidence": [],
                     "findings": [], "note": ""}
                )  # fmt: skip
            summary = {
                "school": "示例职业技术学院",
                "audit": {"id": None, "status": "complete", "reason": ""},
                "run": {"id": i, "as_of": on, "tool_version": "t", "config_fingerprint": "f"},
                "counts": {},
                "summary": summarize(items),
            }
            store.save_audit(summary, [(it["id"], it["status"], "fp", it["open"], it) for it in items])


@pytest.fixture
def history(tmp_path) -> Path:
    path = tmp_path / "auditor.sqlite"
    write_history(path, nightly("2021-06-01", "2022-10-31"))
    return path


def test_gap_episodes_follow_the_one_definition(history):
    with Store(history) as store:
        eps = {e.item: e for e in episodes(store)}
    assert set(eps) == {"moe-19", "moe-33", "moe-07", "moe-20", "moe-16", "moe-23", "moe-05"}
    a = eps["moe-19"]
    assert (a.opened, a.closed, a.how, a.deadline, a.deadline_kind) == (
        "2021-09-01", "2021-10-01", "resolved", "2021-09-15", "rectify_by"
    )  # fmt: skip
    # days are counted over what was observed: last seen open on 2021-09-21, found fixed on 2021-10-01
    assert a.last_open == "2021-09-21" and a.days_open(YEAR.end) == 20 and a.days_to_fix() == 30
    assert a.days_past_deadline(YEAR.end) == 6  # 09-15 → 09-21, never to the night it was found fixed
    c = eps["moe-07"]  # a night it could not be verified does not end the gap, nor start a second one
    assert (c.opened, c.closed, c.fixed_in_time()) == ("2022-03-01", "2022-03-14", True)
    b = eps["moe-33"]
    assert b.closed is None and b.deadline == "2021-12-31" and b.deadline_kind == "due"
    assert b.days_past_deadline(YEAR.end, YEAR.start) == (YEAR.end - date(2021, 12, 31)).days
    assert eps["moe-16"].how == "set_aside" and eps["moe-16"].review["decision"] == "false_positive"
    assert eps["moe-23"].promise(YEAR.end) == "broken" and eps["moe-05"].promise(YEAR.end) == "kept"
    org = eps[
        "moe-23"
    ]  # the office's promised date replaced the 整改时限 found: the event that may change it
    assert (org.deadline, org.deadline_kind, org.rectify_by) == ("2021-11-30", "rectify_by", "2021-11-30")
    d = eps["moe-20"]  # found before the year: the year counts only its own days past the deadline
    assert (
        d.last_open == "2021-09-07"
        and d.days_past_deadline(YEAR.end) == (date(2021, 9, 7) - date(2021, 6, 15)).days
    )
    assert d.days_past_deadline(YEAR.end, YEAR.start) == 6
    one = Store(history)  # a gap seen open on one night only is charged that night, not the rest of the year
    assert all(e.days_open(YEAR.end) == 0 for e in episodes(one) if e.opened == e.last_open)
    one.close()


def test_the_assessment_numbers_and_score_by_the_weights(history, tmp_path):
    with Store(history) as store:
        result = assess(store, "示例职业技术学院", YEAR, {})
    rows = {r["department"]: r for r in result["departments"]}
    finance = rows["财务处"]
    assert (finance["items_owned"], finance["gaps_found"], finance["carried_in"], finance["fixed"]) == (
        3,
        1,
        1,
        2,
    )
    assert (finance["days_past_deadline"], finance["false_positives"], finance["fixed_in_time"]) == (
        6 + 6,  # observed: moe-19 to 09-21, moe-20 (the year's days) to 09-07
        1,
        0,
    )
    assert finance["score"] == round(100 - 5 - 0.1 * 12, 1)
    admissions = rows["招生就业处"]
    assert (
        admissions["gaps_found"],
        admissions["fixed"],
        admissions["fixed_in_time"],
        admissions["open_at_end"],
    ) == (2, 1, 1, 1)
    assert (
        admissions["days_past_deadline"] == (YEAR.end - date(2021, 12, 31)).days == 243
        and admissions["median_days_to_fix"] == 13
    )
    assert admissions["score"] == round(100 - 10 - 0.1 * 180 + 2, 1)  # 243 days, counted at most 180
    org = rows["党委组织部"]
    assert (org["promises_broken"], org["promises_kept"], org["days_past_deadline"]) == (
        1,
        0,
        14,
    )  # 11-30 → 12-14
    assert org["score"] == round(100 - 5 - 1.4 - 5, 1)
    assert rows["党委办公室（校长办公室）"]["promises_kept"] == 1
    assert "研究生院" not in rows  # owns only an item that does not apply
    heavier = assess(Store(history), "示例职业技术学院", YEAR, {"gap_found": 20.0})
    assert {r["department"]: r["score"] for r in heavier["departments"]}["财务处"] == round(100 - 20 - 1.2, 1)
    assert "每发现一个问题扣 20 分" in heavier["method"]
    html, xlsx = assessment.write(result, tmp_path / "out")
    text = html.read_text("utf-8")
    assert "计分方法" in text and result["method"] in text and "<script" not in text
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["部门得分", "问题明细", "计分方法"]
    sheet = {r[1]: r for r in wb["部门得分"].iter_rows(min_row=2, values_only=True)}
    assert sheet["财务处"][-1] == finance["score"] and sheet["招生就业处"][3] == 2
    # a ranking: 名次 by score (ties share one), then a 合计 row of the summed columns
    ranks = [(r["rank"], r["score"]) for r in result["departments"]]
    assert ranks == sorted(ranks, key=lambda x: -x[1]) and ranks[0][0] == 1
    assert (
        sheet["合计"][3]
        == sum(r["gaps_found"] for r in result["departments"])
        == result["total"]["gaps_found"]
    )
    assert wb["问题明细"].max_row - 1 == len(result["gaps"]) == 7
    # a Chinese document: no weight key, item id or tool name in it (the method's words say it)
    for word in ("gap_found", "day_past_deadline", "auditor", "acknowledged"):
        assert word not in text, word
    assert not re.search(r"<td>(moe-\d+|dfc-[a-z-]+)</td>", text)
    assert (
        "名次" in text and "合计" in text and "moe-20事项（清单第20项）" in text
    )  # the fixture's short names


def test_annual_figures_and_coverage(history, tmp_path):
    with Store(history) as store:
        facts = annual.facts(store, "示例职业技术学院", YEAR, date(2022, 10, 31), {})
    assert facts["coverage"]["whole"] and facts["coverage"]["first"] == "2021-09-01"
    # the false positive (moe-16) is no problem of the year: 经复核排除, as the assessment leaves it out
    assert facts["problem_counts"] == {
        "open_during": 6, "found_in_period": 5, "carried_in": 1, "fixed": 5, "set_aside": 1, "open_at_end": 1,
    }  # fmt: skip
    assert "moe-16" not in {p["item"] for p in facts["problems"]}
    last = max(d for d in nightly("2021-06-01", "2022-10-31") if d <= "2022-08-31")  # the year's last night
    assert facts["end_of_year"]["as_of"] == last != "2022-08-31" and facts["end_of_year"]["open_gaps"] == 1
    assert facts["table"]["run"]["as_of"] == max(nightly("2021-06-01", "2022-10-31"))  # as of the report date
    part = tmp_path / "part.sqlite"
    write_history(part, nightly("2022-01-15", "2022-08-31"))
    with Store(part) as store:
        c = annual.coverage(store, YEAR)
    assert not c["whole"] and c["missing"] == [["2021-09-01", "2022-01-14"]]
    with Store(part) as store:
        partial = assess(store, "示例职业技术学院", YEAR, {})
    assert partial["coverage"] == c and "2021-09-01 至 2022-01-14" in assessment.render_html(partial)


def test_the_draft_has_the_parts_the_facts_the_placeholders_and_passes_our_own_check(history, tmp_path):
    cfg = tmp_path / "site.yaml"
    cfg.write_text(
        "school: 示例职业技术学院\nstart_urls: [http://www.t.edu.cn/]\nallowed_domains: [t.edu.cn]\n"
        f"store: {history}\nannual_report: {{requests: {{2021-2022: {{received: 3, granted: 2, partly: 1}}}}}}\n",
        encoding="utf-8",
    )
    parts = list(load_checklist().annual_report.draft_parts(YEAR.start.year))
    with Store(history) as store:
        facts = annual.facts(store, "示例职业技术学院", YEAR, date(2022, 10, 31), {})
    path = annual_draft.write(facts, parts, load_config(cfg), tmp_path / "out")
    doc = Document(str(path))
    text = [p.text for p in doc.paragraphs]
    numbered = [t for t in text if t[:2] in {f"{n}、" for n in "一二三四五六七八"}]
    assert numbered == [f"{n}、{p}" for n, p in zip("一二三四五六七八", parts, strict=True)]
    assert "统计期限自2021年9月1日起至2022年8月31日止" in "".join(text)
    assert any("收到信息公开申请 3 件" in t and "部分公开 1 件" in t for t in text)
    assert any(
        "问题 6 项次" in t and "已整改 5 项" in t and "经复核排除 1 项" in t and "仍未整改 1 项" in t
        for t in text
    )
    marked = [r for p in doc.paragraphs for r in p.runs if r.text.startswith("【待填写")]
    assert len(marked) >= 6 and all(r.font.highlight_color is not None for r in marked)
    assert "附录：数据来源与统计方法" in text and not any("未覆盖整个学年" in t for t in text)
    head = lambda t: [c.text for c in t.rows[0].cells][:2]  # noqa: E731
    problems = next(t for t in doc.tables if head(t) == ["序号", "事项"])
    assert len(problems.rows) - 1 == 6  # the false positive is not listed
    assert (
        problems.rows[1].cells[1].text == "moe-20事项（清单第20项）"
    )  # the short name (the fixture's), no id
    listing = next(t for t in doc.tables if head(t) == ["序号", "公开事项"])
    assert {r.cells[0].text for r in listing.rows} >= {"5", "7", "19", "33"}
    section = doc.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    # published as it is (placeholders filled), the draft passes the check auditor makes of a school's report
    read = extract(path.read_bytes(), name=path.name)
    report = Evidence(
        url="http://xxgk.t.edu.cn/ndbg.htm", title=path.stem, score=100, field="title", matched="", alias=""
    )
    report.contents = [{"name": path.name, "text": read["text"]}]
    lines = headings(report)
    spec = load_checklist().annual_report
    assert all(any(w in line for line in lines for w in spec.part(p).words) for p in parts)
    assert stated_period(read["text"]) == (date(2021, 9, 1), date(2022, 8, 31))


def test_the_commands_write_their_files_and_exit_0_or_2(history, tmp_path, capsys):
    cfg = tmp_path / "site.yaml"
    cfg.write_text(
        f"school: 示例职业技术学院\nstart_urls: [http://www.t.edu.cn/]\nallowed_domains: [t.edu.cn]\nstore: {history}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    args = ["--config", str(cfg), "--out", str(out)]
    assert main(["annual-report", "--year", "2021-2022", "--as-of", "2022-10-31", *args]) == 0
    assert (out / "信息公开工作年度报告（草稿）-2021-2022学年.docx").exists()
    figures = json.loads((out / "annual-2021-2022.json").read_text("utf-8"))
    assert figures["schema"] == "auditor.annual/1" and figures["problem_counts"]["fixed"] == 5
    assert main(["assessment", "--from", "2021-09-01", "--to", "2022-08-31", *args]) == 0
    result = json.loads((out / "assessment-2021-09-01-2022-08-31.json").read_text("utf-8"))
    assert {d["department"] for d in result["departments"]} >= {"财务处", "招生就业处"}
    # the 整改台账: one row per episode of the period, its dates the episode's (as every output reads them)
    assert main(["ledger", "--from", "2021-09-01", "--to", "2022-08-31", *args]) == 0
    sheet = load_workbook(out / "整改台账-2021-09-01至2022-08-31.xlsx")["整改台账"]
    head = [c.value for c in sheet[1]]
    day = lambda v: v.date().isoformat() if hasattr(v, "date") else v  # noqa: E731 — dates are dates in Excel
    ledger = {
        r[2]: {h: day(v) for h, v in zip(head, r, strict=True)}
        for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    gaps = {g["item"]: g for g in result["gaps"]}
    assert len(ledger) == len(gaps) == 7
    org = ledger["moe-23事项（清单第23项）"]
    assert (org["首次发现"], org["整改时限"], org["整改情况"], org["复核"]) == (
        gaps["moe-23"]["opened"], "2021-11-30", "已整改", "已认领，承诺 2021-11-30（张三）"
    )  # fmt: skip
    assert org["超期天数"] == gaps["moe-23"]["days_past_deadline"] == 14
    assert ledger["moe-33事项（清单第33项）"]["应发布日期"] == "2021-12-31"
    assert ledger["moe-16事项（清单第16项）"]["整改情况"] == "复核排除"
    capsys.readouterr()
    assert main(["annual-report", "--year", "2021-2023", *args]) == 2
    assert "不是学年" in capsys.readouterr().err
    assert main(["assessment", "--from", "2022-08-31", "--to", "2021-09-01", *args]) == 2
    empty = tmp_path / "empty.yaml"
    empty.write_text(cfg.read_text("utf-8").replace(str(history), str(tmp_path / "none.sqlite")), "utf-8")
    assert main(["assessment", "--from", "2021-09-01", "--to", "2022-08-31", "--config", str(empty)]) == 2
    assert "还没有数据库" in capsys.readouterr().err
    blocked = tmp_path / "a-file"
    blocked.write_text("x", "utf-8")
    args_blocked = ["--config", str(cfg), "--out", str(blocked / "reports")]
    assert (
        main(["annual-report", "--year", "2021-2022", *args_blocked]) == 3
    )  # could not write: not a finding
    assert main(["assessment", "--from", "2021-09-01", "--to", "2022-08-31", *args_blocked]) == 3
    capsys.readouterr()
    bad = tmp_path / "bad.yaml"
    bad.write_text(cfg.read_text("utf-8") + "assessment:\n  weights: {gap_fund: 5}\n", "utf-8")
    assert main(["assessment", "--from", "2021-09-01", "--to", "2022-08-31", "--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml:6" in err and "gap_fund" in err


@pytest.mark.system
def test_the_demo_ships_a_year_of_history_both_commands_read(tmp_path):
    """`auditor demo` out of the box: fifteen month-end nights of 2021-2022 before the day it stands at, with
    gaps opening and closing by the site's own dates, so the annual report and the assessment say something."""
    from tests.conftest import run_auditor

    out = tmp_path / "reports"
    proc = run_auditor("demo", "--out", str(out), "--port", "0", timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "历史 2021-09-01: complete" in proc.stdout and "需要整改的问题（7）" in proc.stdout
    cfg = out / "demo" / "site.yaml"
    year = ["--config", str(cfg), "--out", str(tmp_path / "year")]
    assert run_auditor("annual-report", "--year", "2021-2022", "--as-of", "2022-11-15", *year).returncode == 0
    assert run_auditor("assessment", "--from", "2021-09-01", "--to", "2022-08-31", *year).returncode == 0
    facts = json.loads((tmp_path / "year" / "annual-2021-2022.json").read_text("utf-8"))
    result = json.loads((tmp_path / "year" / "assessment-2021-09-01-2022-08-31.json").read_text("utf-8"))
    assert facts["coverage"]["whole"] and facts["coverage"]["audits"] == 13
    gaps = {g["item"]: g for g in facts["problems"]}
    assert (
        gaps["moe-33"]["opened"] == "2022-01-31" and gaps["moe-33"]["closed"] is None
    )  # 2021届 report never came
    assert gaps["moe-31"]["closed"] == "2022-03-31" and gaps["moe-31"]["how"] == "resolved"
    assert gaps["moe-23"]["promise"] == "broken" and "dfc-self-evaluation" in gaps
    assert facts["published"]["pages"] > 100 and facts["published"]["documents"] > 20
    # one definition of a gap: the assessment's departments add up to the annual report's problems
    rows = result["departments"]
    assert (
        sum(r["gaps_found"] + r["false_positives"] for r in rows)
        == facts["problem_counts"]["found_in_period"]
    )
    assert sum(r["fixed"] for r in rows) == facts["problem_counts"]["fixed"]
    assert next(r for r in rows if r["department"] == "党委组织部")["promises_broken"] == 1
    assert 0 <= min(r["score"] for r in rows) < max(r["score"] for r in rows) == 100


def test_the_nightly_first_seen_date_runs_through_a_night_it_could_not_be_verified(tmp_path):
    """The nightly reports' 首次发现 follows the episode's rule: missing, then 无法核实, then missing again is one
    gap found on the first night (before issue 14 the clock restarted on the third)."""
    from auditor import history
    from auditor.findings import AuditResult, ItemResult

    path = tmp_path / "auditor.sqlite"
    timeline = {"moe-19": ("财务处", [("2022-01-01", "missing", {}), ("2022-01-02", "to_check", {})])}
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(globals(), "TIMELINES", timeline)
        write_history(path, ["2022-01-01", "2022-01-02"])
    result = AuditResult("示例职业技术学院", "2022-01-03", "complete", "", {"id": 3}, [], "f", "t")
    result.items.append(
        ItemResult("moe-19", "部门预算", "部门预算", "基本信息", "财务处", "checklist", "missing")
    )
    with Store(path) as store:
        history.attach(store, result)
    assert result.history["moe-19"].first_seen == "2022-01-01" and result.history["moe-19"].days_open == 2


def test_the_index_counts_what_the_annual_report_check_found():
    """Two missing parts of eight, published late and off the 信息公开专栏: 75 and 0; a school with no report: 0."""
    from auditor.province import index

    def findings(status, keys, usable=True):
        item = {
            "id": "moe-06",
            "status": status,
            "evidence": [{"usable": usable}],
            "findings": [{"key": k} for k in keys],
        }
        other = {"id": "moe-07", "status": "ok", "evidence": [], "findings": []}
        return {
            "items": [
                item,
                other,
                {"id": "moe-11", "status": "not_applicable", "evidence": [], "findings": []},
            ]
        }

    two = index.parts(
        findings("ok", ["annual_report.part_missing"] * 2 + ["annual_report.late", "annual_report.channel"]),
        "moe-06",
        8,
    )
    assert (two["annual_report"], two["timeliness"], two["completion"], two["applicable"]) == (
        75.0,
        0.0,
        100.0,
        2,
    )
    whole = index.parts(findings("ok", []), "moe-06", 8)
    assert (whole["annual_report"], whole["timeliness"]) == (100.0, 100.0)
    unread = index.parts(findings("ok", ["annual_report.unread"]), "moe-06", 8)
    assert unread["annual_report"] == 0.0 and unread["annual_parts_missing"] is None
    none = index.parts(findings("missing", [], usable=False), "moe-06", 8)
    assert (none["annual_report"], none["timeliness"], none["completion"]) == (0.0, 0.0, 50.0)

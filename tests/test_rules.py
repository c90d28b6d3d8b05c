"""Each rule at its edges, on hand-made evidence (no crawl needed): deadlines, periods, undated pages,
broken and unverifiable evidence, blank columns, decoys, and a crawl too unhealthy to accuse anyone."""

from __future__ import annotations

from datetime import date

import pytest

from auditor.checklist import load_checklist, province_path
from auditor.extract.dates import title_period
from auditor.findings import Evidence
from auditor.match import Matcher, PageSignals
from auditor.rules import (
    Context,
    blank_column,
    broken,
    crawl_health,
    freshness,
    precedence,
    presence,
    unverifiable,
)
from auditor.store import Run

CHECKLIST = load_checklist(extra=[province_path("湖南")])  # with the dfc items
ITEM = CHECKLIST.get


def ev(title: str, published: str | None = None, status: int | None = 200, **kw) -> Evidence:
    p = title_period(title)
    return Evidence(
        url=kw.pop("url", f"http://xxgk.x.test/{abs(hash(title))}.htm"),
        title=title,
        score=100,
        field="title",
        matched=title,
        alias=title,
        status=status,
        published=published,
        period=p.label if p else None,
        period_start=p.start if p else None,
        period_kind=p.kind if p else None,
        **kw,
    )


def ctx(as_of: str, claims: tuple[str, ...] = ()) -> Context:
    """`claims`: 信息公开目录 links the crawl never stored."""
    return Context(date.fromisoformat(as_of), 400, ("xxgk.x.test",), claims, claims)


def _status(findings, claimed_unverified: bool) -> str:
    return precedence.decide(
        ITEM("moe-32"),
        findings,
        ctx("2022-11-15", ("https://x/",) if claimed_unverified else ()),
        usable=True,
    )[0]


def statuses(item_id: str, evidence: list[Evidence], as_of: str) -> list[str]:
    return [f.status for f in freshness.check(ITEM(item_id), evidence, ctx(as_of))]


# ---- deadlines and periods ------------------------------------------------------------------
ANNUAL_2021 = "湘岳职业技术学院2020-2021学年信息公开工作年度报告"


def test_annual_report_31_october_is_on_time_1_november_is_late():
    evidence = [ev(ANNUAL_2021, "2021-10-28")]
    assert statuses("moe-06", evidence, "2022-10-31") == []
    late = freshness.check(ITEM("moe-06"), evidence, ctx("2022-11-01"))
    assert [f.status for f in late] == ["late"]
    assert (
        "2021-2022学年" in late[0].message
        and "2022-10-31" in late[0].message
        and "10月31日前" in late[0].basis
        and "第二十五条" not in late[0].basis  # no article number the project has not checked (README)
    )
    assert late[0].due == "2022-10-31"


@pytest.mark.parametrize(
    "title",
    [
        "2021-2022学年信息公开工作年度报告",
        "2021—2022学年度信息公开工作年度报告",
        "2021～2022学年信息公开年度报告",
        "2022年信息公开工作年度报告",
    ],
)
def test_every_way_of_naming_the_academic_year_counts(title):
    assert statuses("moe-06", [ev(title)], "2022-11-15") == []


def test_undated_title_falls_back_to_the_publication_date():
    # no period in the title; published 2022-10-20 → covers 2021-2022学年
    assert statuses("moe-06", [ev("学校信息公开工作年度报告", "2022-10-20")], "2022-11-15") == []
    assert statuses("moe-06", [ev("学校信息公开工作年度报告", "2021-10-20")], "2022-11-15") == ["late"]


def test_employment_report_cohort_and_31_december():
    assert statuses("moe-33", [ev("2021届毕业生就业质量年度报告")], "2022-12-31") == []
    assert statuses("moe-33", [ev("2021届毕业生就业质量年度报告")], "2023-01-01") == ["late"]
    assert statuses("moe-33", [ev("2022届毕业生就业质量年度报告")], "2023-01-01") == []


def test_academic_year_boundary_for_fees():
    # 收费 (moe-21) renews every academic year, due by 30 September of its first year
    fees = [ev("2021—2022学年收费项目及标准公示", "2021-08-30")]
    assert statuses("moe-21", fees, "2022-09-30") == []
    assert statuses("moe-21", fees, "2022-10-01") == ["stale"]
    renewal = ITEM("moe-21").renewal
    assert renewal.due_period(date(2022, 8, 31)) == 2021 and renewal.due_period(date(2022, 9, 1)) == 2021


def test_undated_evidence_counts_as_not_updated():
    found = freshness.check(ITEM("moe-23"), [ev("校级领导干部因公出国（境）情况", None)], ctx("2022-11-15"))
    assert [(f.rule, f.status) for f in found] == [("undated", "stale")]
    assert "未注明信息发布时间的视为不更新" in found[0].basis


def test_editions_only_count_the_report_itself():
    # 信息公开指南 is moe-06 evidence but not an edition of the annual report
    assert statuses("moe-06", [ev("信息公开指南", "2022-09-01")], "2022-11-15") == ["late"]


def test_standing_items_never_go_stale():
    assert statuses("moe-36", [ev("学生学籍管理规定", None)], "2030-01-01") == []


# ---- presence, blank column, broken, unverifiable ----------------------------------------------
def test_missing_only_without_evidence_or_claims():
    assert [f.status for f in presence.check(ITEM("dfc-self-evaluation"), [], ctx("2022-11-15"))] == [
        "missing"
    ]
    assert presence.check(ITEM("moe-32"), [], ctx("2022-11-15", ("https://www.91job.com/x/",))) == []


def test_blank_column():
    blank = ev("受捐赠财产的使用与管理情况", placeholder="暂无内容")
    assert [f.rule for f in blank_column.check(ITEM("moe-16"), [blank], ctx("2022-11-15"))] == [
        "blank_column"
    ]
    assert (
        blank_column.check(
            ITEM("moe-16"), [blank, ev("2021年受捐赠财产使用情况", "2022-01-01")], ctx("2022-11-15")
        )
        == []
    )


def test_broken_page_and_broken_attachment():
    assert [f.status for f in broken.check(ITEM("moe-45"), [ev("404", status=404)], ctx("2023-11-10"))] == [
        "broken"
    ]
    page = ev(
        "2021年度部门决算",
        "2022-08-26",
        attachments=[{"url": "http://cwc.x.test/a.pdf", "name": "决算表.pdf", "status": 404}],
    )
    found = broken.check(ITEM("moe-20"), [page], ctx("2022-11-15"))
    assert [f.status for f in found] == ["broken"] and "决算表.pdf" in found[0].message
    fine = ev(
        "2021年度部门决算",
        "2022-08-26",
        attachments=[{"url": "http://cwc.x.test/a.pdf", "name": "决算表.pdf", "status": 200}],
    )
    assert broken.check(ITEM("moe-20"), [fine], ctx("2022-11-15")) == []


@pytest.mark.parametrize("status", [403, 412])
def test_waf_and_forbidden_are_inconclusive_not_missing(status):
    blocked = ev("安全验证", status=status)
    found = unverifiable.check(ITEM("moe-26"), [blocked], ctx("2022-11-15"))
    assert [f.status for f in found] == ["inconclusive"]
    assert presence.check(ITEM("moe-26"), [blocked], ctx("2022-11-15")) == []
    assert broken.check(ITEM("moe-26"), [blocked], ctx("2022-11-15")) == []
    # a readable copy elsewhere settles it
    assert (
        unverifiable.check(
            ITEM("moe-26"), [blocked, ev("教职工申诉处理办法", "2019-11-13")], ctx("2022-11-15")
        )
        == []
    )


def test_offsite_claim_turns_a_gap_into_inconclusive():
    claim = ("https://www.91job.com/xyvtc/",)
    found = unverifiable.check(ITEM("moe-32"), [], ctx("2022-11-15", claim))
    assert [f.status for f in found] == ["inconclusive"] and "91job" in found[0].message
    stale = freshness.check(
        ITEM("moe-32"), [ev("2019届毕业生就业情况", "2019-12-01")], ctx("2022-11-15", claim)
    )
    assert _status(stale + found, claimed_unverified=True) == "inconclusive"
    assert _status(stale, claimed_unverified=False) == "stale"


def test_status_precedence():
    from auditor.findings import Finding

    def f(status: str) -> Finding:
        return Finding("r", status, "high", "presence.missing", {}, "")

    assert _status([f("stale"), f("broken")], False) == "broken"
    assert _status([f("late"), f("broken")], False) == "late"
    assert _status([f("inconclusive"), f("missing")], False) == "missing"
    assert _status([], False) == "ok"


# ---- matching ---------------------------------------------------------------------------------
def signals(url: str, title: str, **texts: list[str]) -> PageSignals:
    p = PageSignals(url, title, 200, None, "2022-06-01", None, None, False)
    p.texts["title"].append(title)
    for k, v in texts.items():
        p.texts[k].extend(v)
    return p


def test_decoys_stay_decoys():
    m = Matcher(CHECKLIST.items, CHECKLIST.decoy_words, "湘岳职业技术学院")
    found = m.match(
        {
            "http://www.x.test/info/1016/1.htm": signals(
                "http://www.x.test/info/1016/1.htm", "我校召开2022年招生工作会议", column=["学校新闻"]
            ),
            "http://zs.x.test/2022/page.htm": signals(
                "http://zs.x.test/2022/page.htm", "湘岳职业技术学院2022年招生章程", column=["招生章程"]
            ),
        }
    )
    assert [e.url for e in found["moe-07"]] == ["http://zs.x.test/2022/page.htm"]
    e = found["moe-07"][0]
    assert e.field == "title" and "招生章程" in e.explain() and "相似度" in e.explain()
    assert "title" not in e.also and "column" in e.also


def test_category_crumbs_and_generic_aliases():
    m = Matcher(CHECKLIST.items, CHECKLIST.decoy_words, "东江大学")
    found = m.match(
        {
            "http://yz.x.test/1.html": signals(
                "http://yz.x.test/1.html", "研究生招生咨询及申诉方式", column=["咨询申诉"]
            ),
            "http://xxgk.x.test/2.htm": signals(
                "http://xxgk.x.test/2.htm", "学术道德规范", column=["学风建设信息", "学术规范"]
            ),
        }
    )
    assert "http://yz.x.test/1.html" not in [
        e.url for e in found.get("moe-10", [])
    ]  # 招生咨询 ⊂ 研究生招生咨询
    assert [e.url for e in found["moe-14"]] == ["http://yz.x.test/1.html"]
    assert not found.get("moe-40")  # 学风建设信息 is the category, not the 学风建设机构 column


def test_slug_signal_uses_pinyin_initials():
    m = Matcher(CHECKLIST.items, CHECKLIST.decoy_words)
    found = m.match(
        {
            "http://xxgk.x.test/jxzlxx/gxbysjyzlndbg.htm": signals(
                "http://xxgk.x.test/jxzlxx/gxbysjyzlndbg.htm",
                "2021届就业质量年度报告",
                slug=["jxzlxx", "gxbysjyzlndbg"],
            )
        }
    )
    assert "slug" in found["moe-33"][0].also


# ---- crawl health -------------------------------------------------------------------------------
def run(status: str, errors: dict | None = None, pages: int = 100) -> Run:
    return Run(
        1,
        "x",
        "2022-11-15T01:00:00",
        None,
        status,
        None,
        None,
        None,
        {"counts": {"pages": pages, "attachments": 0}, "errors": errors or {}},
    )


def test_crawl_health():
    assert crawl_health.problem(run("complete")) is None
    assert "未完成" in crawl_health.problem(run("partial"))
    assert "起始页面" in crawl_health.problem(run("failed"))
    assert "大部分请求失败" in crawl_health.problem(run("complete", {"timeout": 80}))
    # 404s are findings, not a sick crawl
    assert crawl_health.problem(run("complete", {"http_404": 80})) is None

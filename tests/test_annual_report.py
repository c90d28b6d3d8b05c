"""The school's own 信息公开工作年度报告 checked for what the yearly notice requires (issue 14): each part a
finding of its own, the statistics period, publication by 31 October on the 信息公开专栏 — read from the report's
web page or its attached file, never changing the item's status.

The six-part report imitates a real one: the 2020-2021学年 report on a WebPlus 信息公开网
(http://xxgk.ustc.tsg211.com/2021/1030/c13749a530262/page.htm, path /2021/1030/c13749a530262/page.htm), whose
opening paragraph names six parts — 概述、信息主动公开情况、依申请公开和不予公开情况、信息公开评议情况、
因信息公开工作受到的举报、复议、诉讼的情况、存在的主要问题和改进措施 — and states 统计期限自2020年9月1日起,
至2021年8月31日止: no 其他需要报告的事项 and no 清单事项公开情况表. Headings as it numbers them; body paraphrased."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from auditor import history
from auditor.audit import run_audit
from auditor.checklist import for_site
from auditor.config import load_config
from auditor.report.html import render_html
from auditor.report.xlsx import write_xlsx
from auditor.store import Store
from tests.sitelet import audit, college, write_store

XXGK = {"layout": "webplus", "name": "示例大学信息公开网", "role": "xxgk"}
WWW = {"layout": "vsb", "name": "示例大学", "role": "portal"}
SIX = [
    "本年度报告依据《高等学校信息公开办法》和《高等学校信息公开事项清单》编制，全文由概述、信息主动公开情况、"
    "依申请公开和不予公开情况、信息公开评议情况、因信息公开工作受到的举报、复议、诉讼的情况、存在的主要问题和改进措施六部分组成。"
    "本报告中所列数据的统计期限自2020年9月1日起，至2021年8月31日止。",
    "一、概述",
    "学年内学校坚持以公开为常态、不公开为例外，推进信息公开标准化规范化。",
    "二、信息主动公开情况",
    "（一）主动公开信息的情况",
    "学校通过信息公开网主动公开信息326条。",
    "三、依申请公开和不予公开情况",
    "学年内共收到信息公开申请3件，均在规定时限内答复。",
    "四、信息公开评议情况",
    "五、因信息公开工作受到的举报、复议、诉讼的情况",
    "学年内未发生因信息公开工作受到举报、复议、诉讼的情况。",
    "六、存在的主要问题和改进措施",
    "个别单位信息更新不够及时。学校将健全考核评议制度，并在今后的报告中附清单事项公开情况表和其他需要报告的事项。",
]
EIGHT = [*SIX[:-1], SIX[-1].split("学校将")[0], "七、其他需要报告的事项", "无。", "附件：清单事项公开情况表"]


def report_site(
    paragraphs, date="2021-10-30", host="xxgk", title="示例大学2020-2021学年信息公开工作年度报告"
):
    column = {
        "id": 13749,
        "host": host,
        "slug": "xxgkndbg" if host == "xxgk" else "xwzx",
        "name": "信息公开年度报告" if host == "xxgk" else "学校新闻",
        "category": "基本信息" if host == "xxgk" else "新闻",
        "articles": [{"title": title, "date": date, "body": "", "paragraphs": paragraphs}],
    }
    return college([column], {"xxgk": XXGK, "www": WWW})


def annual(tmp_path, paragraphs, as_of="2021-11-20", **kw):
    item = audit(write_store(report_site(paragraphs, **kw), tmp_path), as_of)["moe-06"]
    return item, [f for f in item.findings if f.rule == "annual_report"]


def test_a_six_part_report_yields_exactly_its_two_missing_parts(tmp_path):
    item, found = annual(tmp_path, SIX)
    assert item.status == "ok"  # content findings never change the status
    assert [f.params["part"] for f in found] == ["其他需要报告的事项", "清单事项公开情况表"]
    assert {f.key for f in found} == {"annual_report.part_missing"}
    assert "教办厅函〔2018〕80号" in found[0].basis and "逐项说明并附栏目链接" in found[1].basis
    assert "缺少“其他需要报告的事项”部分" in found[0].message and found[0].url == item.evidence[0].url
    # the opening paragraph names 清单事项公开情况表 and 其他需要报告的事项 (in the last one): not headings


def test_a_complete_report_on_time_on_the_column_has_no_finding(tmp_path):
    item, found = annual(tmp_path, EIGHT)
    assert item.status == "ok" and found == []


def test_late_and_off_the_column_and_no_statistics_period(tmp_path):
    late = [p.replace("本报告中所列数据的统计期限自2020年9月1日起，至2021年8月31日止。", "") for p in EIGHT]
    item, found = annual(tmp_path, late, date="2021-11-08", host="www")
    keys = [f.key for f in found]
    assert keys == ["annual_report.late", "annual_report.channel", "annual_report.no_period"]
    assert found[0].params["days"] == 8 and found[0].params["due"] == "2021-10-31"
    assert "2020年9月1日至2021年8月31日" in found[2].message
    assert item.status == "ok"


def test_a_statistics_period_of_another_year(tmp_path):
    wrong = [
        p.replace("2020年9月1日", "2019年9月1日").replace("2021年8月31日", "2020年8月31日") for p in EIGHT
    ]
    _, found = annual(tmp_path, wrong)
    assert [f.key for f in found] == ["annual_report.wrong_period"]


@pytest.mark.parametrize("as_of,status", [("2021-10-15", "ok"), ("2022-11-20", "late")])
def test_the_edition_checked_is_the_newest_and_freshness_still_decides(tmp_path, as_of, status):
    item, found = annual(tmp_path, SIX, as_of=as_of)
    assert item.status == status and len(found) == 2


def test_a_page_that_only_points_to_an_unread_file_is_not_eight_accusations(tmp_path):
    data = report_site(["详见附件。"])
    data["columns"][0]["articles"][0]["attachments"] = [{"name": "2020-2021学年信息公开工作年度报告.pdf"}]
    item, found = annual(tmp_path, [])  # no text at all
    assert [f.key for f in found] == ["annual_report.unread"]
    item, found = annual_from(tmp_path / "b", data)  # a file it names, never downloaded
    assert [f.key for f in found] == ["annual_report.unread"] and "年度报告.pdf" in found[0].message
    assert item.status == "ok"


def annual_from(tmp_path, data, as_of="2021-11-20"):
    tmp_path.mkdir()
    item = audit(write_store(data, tmp_path), as_of)["moe-06"]
    return item, [f for f in item.findings if f.rule == "annual_report"]


def test_every_report_shows_the_missing_parts_of_a_published_report(tmp_path):
    """The item stays 已公开; the gap report's published list, the XLSX row and findings.json say what it lacks."""
    cfg = load_config(write_store(report_site(SIX), tmp_path))
    with Store(cfg.store) as store:
        result = run_audit(store, cfg, for_site(cfg), date(2021, 11, 20))
        history.attach(store, result)
        findings = result.as_json()
    html = render_html(findings)
    assert (
        "年度报告内容：" in html
        and "缺少“其他需要报告的事项”部分" in html
        and "缺少“清单事项公开情况表”部分" in html
    )
    rows = {r[0]: r for r in load_workbook(write_xlsx(findings, tmp_path)).active.iter_rows(values_only=True)}
    assert rows["moe-06"][3] == "已公开" and "缺少“其他需要报告的事项”部分" in rows["moe-06"][6]

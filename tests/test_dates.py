"""Every date format of docs/reference/real-site-patterns.md, and the periods titles name."""

from __future__ import annotations

from datetime import date

import pytest

from auditor.extract.dates import labelled_date, parse_date, path_date, title_period


@pytest.mark.parametrize(
    "text,expected",
    [
        ("[2024-11-18]", date(2024, 11, 18)),
        ("<span>2025-04-25</span>", date(2025, 4, 25)),
        ("发布时间：2021-04-09", date(2021, 4, 9)),
        ("发布日期:2020-11-04 作者: 来源:", date(2020, 11, 4)),
        ("【作者:xzb | 发布日期:2021-11-01 | 点击数:", date(2021, 11, 1)),
        ("时间:2022-10-30", date(2022, 10, 30)),
        ("2026/04/14 15:29:31", date(2026, 4, 14)),
        ("2019.11.13", date(2019, 11, 13)),
        ("2023年10月16日", date(2023, 10, 16)),
        ("2023年04月", date(2023, 4, 1)),
        ("20 2026.05", date(2026, 5, 20)),
        ("no date here", None),
        ("2022-13-45", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_compact_dates_only_after_a_label():
    assert parse_date("20260416") is None  # could be an article id
    assert parse_date("20260416", compact=True) == date(2026, 4, 16)
    assert labelled_date("发布日期：20260416 浏览：12") == (date(2026, 4, 16), "发布日期：20260416 浏览：12")
    assert labelled_date("文章编号 20260416") is None


@pytest.mark.parametrize(
    "title,kind,start,label",
    [
        ("湘岳职业技术学院2021-2022学年信息公开工作年度报告", "academic_year", 2021, "2021-2022学年"),
        ("2021—2022学年度信息公开工作年度报告", "academic_year", 2021, "2021-2022学年"),
        ("2021～2022学年信息公开年度报告", "academic_year", 2021, "2021-2022学年"),
        ("2021年-2022年学年度本科教学质量报告", "academic_year", 2021, "2021-2022学年"),
        ("湘岳职业技术学院2022届毕业生就业质量年度报告", "cohort", 2022, "2022届"),
        ("2022年度部门决算", "year", 2022, "2022年度"),
        ("2022年招生章程", "year", 2022, "2022年"),
    ],
)
def test_title_period(title, kind, start, label):
    p = title_period(title)
    assert p is not None and (p.kind, p.start, p.label) == (kind, start, label)


def test_title_without_period():
    assert title_period("学生申诉处理办法") is None
    assert title_period("2022年11月8日学校召开会议") is None  # a date, not a period
    assert title_period("2021-2023学年") is None  # not one academic year


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://cwc.x.test/uploadfile/2024/0830/20240830151203.pdf", date(2024, 8, 30)),
        ("http://zs.x.test/2021/1030/c13749a530262/page.htm", date(2021, 10, 30)),
        ("http://cwc.x.test/docs/2026-04/ab12.pdf", date(2026, 4, 1)),
        ("http://www.x.test/202009/t20200903_2748784.html", date(2020, 9, 3)),
        ("http://xxgk.x.test/art/2021/7/19/art_1_2.html", date(2021, 7, 19)),
        ("http://jy.x.test/2024_06/03_17/content-18228.shtml", date(2024, 6, 3)),
        ("http://xxgk.x.test/info/1016/5299.htm", None),  # ids, not dates
        ("http://x.test/system/_content/download.jsp?wbfileid=20240830", None),
    ],
)
def test_dates_a_cms_writes_into_paths(url, expected):
    found = path_date(url)
    assert (found[0] if found else None) == expected

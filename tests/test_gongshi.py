"""公示 periods (issue 26): the period a 公示's text states, as real pages word it, counted on China's calendar,
and checked against its kind's minimum. The sentences follow real colleges' 公示 pages (rules/gongshi.yaml
cites the rules; tests/fixtures name the pages)."""

from __future__ import annotations

from datetime import date

import pytest

from auditor import gongshi

RULES = gongshi.load()


@pytest.mark.parametrize(
    ("text", "published", "start", "end"),
    [
        ("经学院评审，现将名单予以公示，公示期为2023年9月1日至9月7日。", None, "2023-09-01", "2023-09-07"),
        ("公示时间：2023年9月1日—2023年9月7日（5个工作日）", None, "2023-09-01", "2023-09-07"),
        ("公示期：9月1日至7日。", date(2023, 8, 31), "2023-09-01", "2023-09-07"),  # the day alone
        (
            "公示时间为2023年12月28日（星期四）至1月4日",
            None,
            "2023-12-28",
            "2024-01-04",
        ),  # into the next year
        ("自2024-05-20至2024-05-24公示，如有异议请反映。", None, "2024-05-20", "2024-05-24"),
        # a length counts from the day it was published, on China's calendar: 2024-09-29 (a Sunday) was a
        # working day and 1–7 October a holiday, so five working days from Friday 27 September end on 9 October
        ("现予以公示，公示时间为5个工作日。", date(2024, 9, 27), "2024-09-27", "2024-10-09"),
        ("公示期五个工作日", date(2023, 9, 4), "2023-09-04", "2023-09-08"),
        ("公示期为7天", date(2023, 9, 4), "2023-09-04", "2023-09-10"),
    ],
)
def test_the_period_a_gongshi_states_as_pages_word_it(text, published, start, end):
    period = gongshi.stated(text, published)
    assert period is not None and (period.start.isoformat(), period.end.isoformat()) == (start, end)
    assert "公示" in period.sentence


def test_the_sentence_quoted_never_holds_a_full_value():
    period = gongshi.stated("公示期为2023年9月1日至9月7日，如有异议请联系张老师13812345678。", None)
    assert period is not None and "138****5678" in period.sentence and "13812345678" not in period.sentence


@pytest.mark.parametrize(
    "text",
    [
        "现将名单予以公示。",  # no period stated
        "报名时间：2023年9月1日至9月7日。经评审，现将结果予以公示。",  # another sentence's dates
        "公示时间为5个工作日。",  # a length, but no date to count it from (published unknown)
    ],
)
def test_no_period_is_made_up(text):
    assert gongshi.stated(text, None) is None


def test_a_period_is_short_by_its_kinds_minimum_on_chinas_calendar():
    """A 资助 公示 from Friday 1 September 2023 to Sunday the 3rd is one working day: under its minimum. The same
    three days over a 调休 weekend are not counted as weekdays either way: the calendar decides."""
    zizhu = gongshi.kind_of("关于2023年国家助学金获得者名单的公示", RULES)
    assert zizhu is not None and zizhu.minimum
    short = gongshi.stated("公示期为2023年9月1日至9月3日。", None)
    assert short is not None and gongshi.length_in(short.start, short.end, "workday") == 1
    assert gongshi.too_short(short, zizhu)
    whole = gongshi.stated("公示期为2023年9月1日至9月7日。", None)
    assert whole is not None and not gongshi.too_short(whole, zizhu)
    assert gongshi.kind_of("2023年国家助学金获得者名单", RULES) is None  # not said to be a 公示


def test_a_bad_rules_file_names_its_line(tmp_path):
    from auditor.errors import InputError

    path = tmp_path / "gongshi.yaml"
    path.write_text(
        "kinds:\n  - name: 资助\n    words: [助学金]\n    minimum: 5\ntake_down: {grace_days: 30}\n", "utf-8"
    )
    with pytest.raises(InputError) as e:
        gongshi.load(path)
    assert e.value.line == 2 and "source" in str(e.value)


ID = "320106199003070418"


def notices(a_status: int | None = None) -> dict:
    """A 学生工作处 site with three 资助 公示, worded as colleges word them: one whose period is still running
    (taken down on the second night: `a_status` 404), one of a single working day, and one from June that still
    lists a student's 身份证号 months after its period ended."""
    running = {
        "title": "关于2024年国家励志奖学金获得者名单的公示",
        "date": "2024-10-18",
        "body": "经个人申请、学院推荐、学校评审，现将获得者名单予以公示，公示期为2024年10月18日至10月24日。",
    }
    sheet = ["序号\t姓名\t学院\t减免金额", "1\t赵某某\t机电学院\t2000", "2\t钱某某\t信息学院\t1500"]
    if a_status:  # the second night: the running 公示 is gone, and the 学费减免 list swapped at its address
        running["status"] = a_status
        sheet = [*sheet[:2], "2\t孙某某\t信息学院\t4500\t联系电话13812345678"]
    return {
        "school": "示例大学", "domain": "sl.test", "site_as_of": "2024-10-22",
        "hosts": {"www": {"layout": "vsb", "name": "示例大学", "role": "portal"},
                  "xsc": {"layout": "vsb", "name": "示例大学学生工作处"}},
        "columns": [{"id": 5103, "host": "xsc", "slug": "zzgs", "name": "资助公示", "category": "学生管理服务信息",
                     "articles": [
                         running,
                         {"title": "关于2024年学费减免名单的公示", "date": "2024-10-18",
                          "body": "现将学费减免名单予以公示，公示时间：2024年10月18日至10月20日。",
                          "attachments": [{"name": "2024年学费减免名单.xlsx", "text": sheet}]},
                         {"title": "关于2024年春季学期临时困难补助名单的公示", "date": "2024-06-01",
                          "body": "现予以公示，公示期为2024年6月3日至6月7日。",
                          "paragraphs": [f"1 王某某 信息学院 身份证号：{ID}"]},
                     ]}],
        "config": {"departments": [{"name": "学生工作处", "aliases": ["学工处"]}]},
    }  # fmt: skip


@pytest.mark.integration
def test_gongshi_periods_are_checked_on_the_nightly_history(tmp_path):
    """Night 1: the one-working-day 公示 is short, the June one still online with an ID number 136 days after
    its period is flagged, the running one is not. Night 2: the running one is gone (404) before its period
    ends — taken down early, with the night it was last seen; the June one keeps its first_seen."""
    import json
    import socket
    import sqlite3
    import zipfile

    import openpyxl

    from tests.conftest import night_on

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # both nights on one port: the same URLs

    def night(data: dict, as_of: str) -> tuple[int, dict]:
        proc, out = night_on(data, tmp_path, as_of, port)
        assert (out / "findings.json").exists(), proc.stdout + proc.stderr
        return proc.returncode, json.loads((out / "findings.json").read_text("utf-8"))

    code, first = night(notices(), "2024-10-21")
    assert code == 1
    got = {(g["title"], g["problem"]): g for g in first["gongshi"]}
    assert set(got) == {
        ("关于2024年学费减免名单的公示", "short"),
        ("关于2024年春季学期临时困难补助名单的公示", "expired_personal"),
    }
    short = got[("关于2024年学费减免名单的公示", "short")]
    assert (short["length"], short["minimum"], short["unit"]) == (1, 5, "workday")
    assert "2024年10月18日至10月20日" in short["stated"] and "5个工作日" in short["source"]
    june = got[("关于2024年春季学期临时困难补助名单的公示", "expired_personal")]
    assert (
        june["days_over"] == 136 and june["department"] == "学生工作处" and june["first_seen"] == "2024-10-21"
    )
    assert first["summary"]["gongshi"] == 2
    out = tmp_path / "out-2024-10-21"  # every output says it, from the same entries
    html = (out / "gap-report.html").read_text("utf-8")
    assert "公示期问题（2）" in html and "公示期短于规定" in html and "期满后 136 天仍在线" in html
    with zipfile.ZipFile(out / "整改通知" / "整改通知-学生工作处.docx") as z:
        words = z.read("word/document.xml").decode("utf-8")
    assert (
        "公示期问题" in words and "关于2024年学费减免名单的公示" in words and "规定不少于 5个工作日" in words
    )
    sheet = openpyxl.load_workbook(out / "findings.xlsx")["公示期问题"]
    assert sheet.max_row == 3

    code, second = night(notices(a_status=404), "2024-10-22")
    assert code == 1
    got = {(g["title"], g["problem"]): g for g in second["gongshi"]}
    early = got[("关于2024年国家励志奖学金获得者名单的公示", "removed_early")]
    assert early["end"] == "2024-10-24" and early["tonight"] == "HTTP 404" and early["last_seen"]
    assert got[("关于2024年春季学期临时困难补助名单的公示", "expired_personal")]["first_seen"] == "2024-10-21"
    # the 学费减免 list replaced at the same address: both hashes, both nights, the masked difference
    (swap,) = second["replaced"]
    assert swap["url"].startswith("http://xsc.sl.test") and swap["page"].endswith("3002.htm")
    assert swap["before"]["sha256"] != swap["after"]["sha256"] and swap["department"] == "学生工作处"
    assert (swap["added"], swap["removed"]) == (1, 1) and any("孙某某" in line for line in swap["diff"])
    assert not any("13812345678" in line for line in swap["diff"]) and any(
        "138****5678" in line for line in swap["diff"]
    )
    assert first["replaced"] == [] and second["summary"]["replaced"] == 1
    out2 = tmp_path / "out-2024-10-22"
    assert "同一地址的文件被替换（1）" in (out2 / "gap-report.html").read_text("utf-8")
    assert "13812345678" not in (out2 / "findings.json").read_text("utf-8")
    with sqlite3.connect(tmp_path / "auditor.sqlite") as db:  # both payloads archived, each under its night
        archived = {r[0] for r in db.execute("SELECT sha256 FROM archive WHERE url = ?", (swap["url"],))}
    assert {swap["before"]["sha256"], swap["after"]["sha256"]} <= archived

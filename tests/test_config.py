"""Bad config gets one clear message (file, line, what, fix) and exit code 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from auditor.cli import main
from auditor.config import load_config
from auditor.errors import InputError

pytestmark = pytest.mark.usefixtures("english")

GOOD = """school: 示例职业技术学院
start_urls: [http://www.example.edu.cn/]
allowed_domains: [example.edu.cn]        # and all subdomains
profile: {type: vocational, graduate_programs: false, province: 湖南, double_first_class: true}
exemptions: {moe-17: 学校无校办企业}
"""


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "site.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def error_of(tmp_path: Path, text: str) -> InputError:
    with pytest.raises(InputError) as e:
        load_config(write(tmp_path, text))
    return e.value


def test_the_issue_example_loads(tmp_path):
    cfg = load_config(write(tmp_path, GOOD))
    assert cfg.school == "示例职业技术学院"
    assert cfg.allowed_domains == ("example.edu.cn",)
    assert cfg.profile.type == "vocational" and cfg.profile.double_first_class
    assert cfg.exemptions == {"moe-17": "学校无校办企业"}
    assert cfg.store == tmp_path / "auditor.sqlite"
    assert cfg.crawl.obey_robots is True
    assert len(cfg.fingerprint) == 16


def test_unknown_key_names_line_and_suggests(tmp_path):
    e = error_of(tmp_path, GOOD + "crawl:\n  max_page: 10\n")
    assert e.line == 7 and "unknown key 'max_page'" in e.message and "max_pages" in e.hint


def test_wrong_type_names_line(tmp_path):
    e = error_of(tmp_path, GOOD + "crawl:\n  obey_robots: maybe\n")
    assert e.line == 7 and "true or false" in e.message


def test_profile_type_must_be_known(tmp_path):
    e = error_of(tmp_path, GOOD.replace("type: vocational", "type: 高职"))
    assert e.line == 4 and "vocational" in e.hint


def test_start_url_outside_allowed_domains(tmp_path):
    e = error_of(tmp_path, GOOD.replace("http://www.example.edu.cn/", "http://www.other.edu.cn/"))
    assert e.line == 2 and "outside allowed_domains" in e.message


def test_missing_required_key(tmp_path):
    e = error_of(tmp_path, "school: x\nstart_urls: [http://a.edu.cn/]\n")
    assert "allowed_domains" in e.message


def test_exemption_needs_an_item_id_and_a_reason(tmp_path):
    assert "not a checklist item id" in error_of(tmp_path, GOOD.replace("moe-17:", "item 17:")).message
    e = error_of(tmp_path, GOOD.replace("moe-17: 学校无校办企业", "moe-17: ''"))
    assert e.line == 5 and "no reason" in e.message


def test_yaml_syntax_error_line(tmp_path):
    e = error_of(tmp_path, GOOD + "crawl: {max_pages: 10\n")
    assert e.line is not None and e.line >= 6 and "YAML syntax error" in e.message


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        load_config(tmp_path / "nope.yaml")


def test_cli_exit_code_2_without_traceback(tmp_path, capsys):
    path = write(tmp_path, GOOD + "crawl:\n  max_page: 10\n")
    assert main(["crawl", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:7" in err and "max_pages" in err
    proc = subprocess.run(
        [sys.executable, "-m", "auditor.cli", "crawl", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "site.yaml:7" in proc.stderr


BASE = """school: 示例职业技术学院
start_urls: [http://www.example.edu.cn/]
allowed_domains: [example.edu.cn]
"""
DEPTS = """
departments:
  - {name: 党委办公室（校长办公室）, aliases: [党政办, 党委办公室, 校长办公室], contacts: [dzb@x.edu.cn]}
  - {name: 财务处, aliases: [计划财务处]}
"""


def test_departments_map_site_names_to_official_ones(tmp_path):
    cfg = load_config(write(tmp_path, BASE + DEPTS))
    d = cfg.departments
    assert d.official("党政办").name == "党委办公室（校长办公室）"
    assert d.official("党委办公室、校长办公室").name == "党委办公室（校长办公室）"  # merged 目录 cells
    assert d.official(" 计划 财务处 ").name == "财务处" and d.official("教务处") is None
    assert d.official("党政办、财务处") is None  # two departments: not guessed
    assert d.contacts("党委办公室（校长办公室）") == ("dzb@x.edu.cn",)


def test_departments_file_beside_site_yaml(tmp_path):
    (tmp_path / "departments.yaml").write_text(DEPTS, encoding="utf-8")
    cfg = load_config(write(tmp_path, BASE + "departments: departments.yaml\n"))
    assert cfg.departments.official("计划财务处").name == "财务处"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("departments: {财务处: x}\n", "must be a list"),
        ("departments:\n  - {aliases: [x]}\n", "needs a name"),
        ("departments:\n  - {name: 财务处, emails: [a@b.c]}\n", "unknown key 'emails'"),
        ("departments:\n  - {name: 财务处, contacts: [财务处]}\n", "not an e-mail address"),
        (
            "departments:\n  - {name: 财务处, aliases: [计财处]}\n  - {name: 资产处, aliases: [计财处]}\n",
            "names both",
        ),
        ("departments: nowhere.yaml\n", "does not exist"),
        ("rectification: {working_days: 0}\n", "at least 1"),
        ("rectification: {days: 10}\n", "takes working_days and holidays"),
        ("exemptions: {moe-17: {reason: 无, who: 张三}}\n", "reason and by only"),
        ("documents: {max_bytes: 10}\n", "at least 1024"),
        ("documents: {size: 1}\n", "takes max_bytes only"),
    ],
)
def test_bad_departments_and_rectification_are_clear_errors(tmp_path, text, words):
    e = error_of(tmp_path, BASE + text)
    assert words in e.message and e.line is not None


def test_a_departments_file_without_its_list_is_an_error_not_no_departments(tmp_path):
    (tmp_path / "departments.yaml").write_text("- {name: 财务处}\n", encoding="utf-8")
    e = error_of(tmp_path, BASE + "departments: departments.yaml\n")
    assert e.path.endswith("departments.yaml") and "'departments:' list" in e.message


def test_exemption_with_who_set_it(tmp_path):
    cfg = load_config(
        write(tmp_path, BASE + "exemptions: {moe-17: {reason: 学校无校办企业, by: 党政办 王敏}}\n")
    )
    assert cfg.exemptions == {"moe-17": "学校无校办企业"} and cfg.exempted_by == {"moe-17": "党政办 王敏"}


def test_working_days_and_beijing_time():
    from datetime import date

    from auditor.clock import beijing
    from auditor.workdays import add_working_days

    assert add_working_days(date(2022, 11, 15), 10).day == date(2022, 11, 29)  # two weekends skipped
    # China's calendar: 国庆 1–7 October off, Saturday 8 and Sunday 9 October 2022 make-up working days (调休)
    assert add_working_days(date(2022, 9, 28), 10).day == date(2022, 10, 17)  # weekends only: 10-12
    assert add_working_days(date(2022, 9, 29), 3).day == date(2022, 10, 9)
    # the school's own closures come on top (a 校庆 day)
    assert add_working_days(date(2022, 9, 29), 3, frozenset({date(2022, 10, 8)})).day == date(2022, 10, 10)
    # a year whose arrangement is not published: weekends only, and said to be provisional
    late = add_working_days(date(2031, 12, 30), 3)
    assert late.day == date(2032, 1, 2) and late.provisional
    assert not add_working_days(date(2022, 9, 28), 10).provisional
    assert (
        beijing("2022-11-14T18:30:00+00:00") == "2022-11-15 02:30" and beijing("2022-11-15") == "2022-11-15"
    )


def test_the_crawl_names_whom_to_ask_in_its_user_agent(tmp_path):
    """As government site scanners do: a server's admin who sees the crawl can write to its operator."""
    from auditor.crawl import scrapy_settings

    path = tmp_path / "site.yaml"
    base = "school: 示例大学\nstart_urls: [http://www.x.edu.cn/]\nallowed_domains: [x.edu.cn]\n"
    path.write_text(base + "crawl: {contact: dzb@x.edu.cn}\n", encoding="utf-8")
    agent = scrapy_settings(load_config(path), 1, tmp_path / "log")["USER_AGENT"]
    assert agent.startswith("auditor/") and agent.endswith("obeys robots.txt; contact: dzb@x.edu.cn)")
    # and its log names a record by its URL, never prints its body (tests/test_privacy.py)
    assert scrapy_settings(load_config(path), 1, tmp_path / "log")["LOG_FORMATTER"].endswith(
        "RecordLogFormatter"
    )
    path.write_text(
        base + "crawl: {contact: dzb@x.edu.cn, user_agent: Mozilla/5.0 Auditor}\n", encoding="utf-8"
    )
    assert scrapy_settings(load_config(path), 1, tmp_path / "log")["USER_AGENT"] == "Mozilla/5.0 Auditor"

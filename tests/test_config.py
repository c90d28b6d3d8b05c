"""Bad config gets one clear message (file, line, what, fix) and exit code 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from auditor.cli import main
from auditor.config import load_config
from auditor.errors import InputError

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

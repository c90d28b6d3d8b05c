"""The catalogue of words (auditor/wording): every entry has Chinese, its English asks for the same facts, every
key the code names exists, and the command line speaks Chinese unless told --lang en."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from auditor import cli, wording
from auditor.errors import StoreWriteError
from auditor.lock import Busy

ROOT = Path(__file__).resolve().parents[1]


def fields(text: object) -> set[str]:
    texts = text if isinstance(text, list) else [text]
    found = {f for t in texts for _, f, _, _ in string.Formatter().parse(str(t)) if f}
    # a fact given in each language (answer_zh / answer_en) is one fact
    return {re.sub(r"_(zh|en)$", "", f) for f in found}


def test_every_entry_has_chinese_and_its_english_asks_for_the_same_facts():
    entries = wording.catalogue()
    assert len(entries) > 200
    for key, entry in entries.items():
        assert entry.get("zh"), key
        if "en" in entry:
            assert fields(entry["zh"]) == fields(entry["en"]), key


def test_every_key_the_code_names_is_in_the_catalogue():
    named: set[str] = set()
    for path in (ROOT / "auditor").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        named |= {f"cli.{k}" for k in re.findall(r'\b_t\(\s*"([\w.]+)"', text)}
        named |= set(re.findall(r'\bsay\(\s*"([\w.]+)"', text))
        named |= {f"unchecked.{k}" for k in re.findall(r'\bunchecked\(\s*"(\w+)"', text)}
    assert len(named) > 40
    assert named - set(wording.catalogue()) == set()


def test_a_missing_fact_renders_as_nothing_and_english_falls_back_to_chinese(monkeypatch):
    assert wording.say("cli.alert_sent", "en") == "alert sent: "
    wording.use("en")
    assert (
        wording.say("cli.alert_sent") == "alert sent: "
        and wording.name("province.outcome", "killed") == "killed"
    )
    wording.use("zh")
    assert (
        wording.name("province.outcome", "killed") == "被终止"
        and wording.name("province.outcome", "x") == "x"
    )
    monkeypatch.setitem(wording.catalogue(), "x.only_zh", {"zh": "只有中文 {n}"})
    assert wording.say("x.only_zh", "en", n=3) == "只有中文 3"
    assert wording.table("x")["en"] == {} and wording.table("x")["zh"] == {"only_zh": "只有中文 {n}"}


def test_the_command_line_speaks_chinese_by_default_and_english_when_told(capsys):
    assert cli.main(["checklist", "--check", str(ROOT / "rules" / "checklist.yaml")]) == 0
    zh = capsys.readouterr().out
    assert cli.main(["checklist", "--check", str(ROOT / "rules" / "checklist.yaml"), "--lang", "en"]) == 0
    en = capsys.readouterr().out
    assert "有效：叠加到内置清单后共" in zh and "items after layering" not in zh
    assert "items after layering on the shipped" in " ".join(en.split()) and "有效" not in en


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_errors_say_what_happened_in_the_command_language(lang, tmp_path, capsys):
    holder = '{"pid": 42, "host": "web1", "since": "2022-11-15T01:00:00+00:00"}'
    busy, full = (
        Busy(holder, tmp_path / "x.lock").text(lang),
        StoreWriteError("/d/a.sqlite", OSError(28, "No space")),
    )
    if lang == "zh":
        assert (
            busy.startswith("本站点的另一次运行正在进行（web1 上的进程 42，自 2022-11-15")
            and '{"pid"' not in busy
        )
        assert full.text("zh").startswith("/d/a.sqlite：数据库未能写入（No space），本次运行不得出任何结论")
    else:
        assert busy.startswith(
            "another run for this site is in progress (process 42 on web1, since 2022-11-15"
        )
        assert "the store could not be written (No space); nothing was concluded" in full.text("en")
    code = cli.main(["history", "--config", str(tmp_path / "nowhere.yaml"), "--lang", lang])
    said = capsys.readouterr().err
    assert code == cli.EXIT_USAGE and said.startswith("错误：" if lang == "zh" else "error:")

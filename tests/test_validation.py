"""The files' models (pydantic) and their errors: file, line, what is wrong and what to write — never a
traceback — and the published JSON Schema of site.yaml, which cannot drift from the model."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from auditor import config
from auditor.checklist import load_checklist
from auditor.config import SiteFile, json_schema, load_config
from auditor.errors import InputError
from auditor.validation import Model
from auditor.yamlsrc import Located

pytestmark = pytest.mark.usefixtures("english")

ROOT = Path(__file__).parent.parent
BASE = "school: 示例大学\nstart_urls: [http://www.x.edu.cn/]\nallowed_domains: [x.edu.cn]\n"


def test_the_published_schema_is_the_models():
    published = (ROOT / "docs" / "site.schema.json").read_text("utf-8")
    assert published == json_schema(), "regenerate it: python -m auditor.config > docs/site.schema.json"


def error(tmp_path: Path, text: str, checklist: bool = False) -> InputError:
    path = tmp_path / "f.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(InputError) as e:
        load_checklist(extra=[path]) if checklist else load_config(path)
    return e.value


@pytest.mark.parametrize(
    ("text", "line", "message", "hint"),
    [
        (
            "shcool: x\nstart_urls: [http://a.cn/]\nallowed_domains: [a.cn]\n",
            1,
            "unknown key 'shcool'",
            "'school'",
        ),
        (
            BASE + "crawl:\n  max_pages: '10'\n",
            5,
            "'max_pages' must be a whole number, not '10'",
            "max_pages: 20000",
        ),
        (BASE + "crawl: 5\n", 4, "'crawl' must be a mapping, not 5", "crawl: {max_pages: 5000}"),
        (
            "school: x\nallowed_domains: [a.cn]\n",
            1,
            "missing required key 'start_urls'",
            "start_urls: [http://",
        ),
        (
            BASE + "departments:\n  - {name: 财务处}\n  - 教务处\n",
            6,
            "each of 'departments' must be a mapping",
            "name:",
        ),
        (
            BASE + "rectification:\n  holidays: ['2022-10-03']\n",
            5,
            "each of 'holidays' must be a date",
            "[2022-10-03]",
        ),
        (
            BASE + "profile: {typ: vocational}\n",
            4,
            "'profile' takes type, graduate_programs",
            "did you mean 'type'?",
        ),
        (
            BASE + "alerts:\n  on: [new_gap]\n",
            5,
            "each of 'on' must be 'new_gaps' or 'inconclusive'",
            "new_gaps",
        ),
        (BASE + "crawl: {yes: 1}\n", 4, "key True is not a word", "quote it"),
        (
            BASE + "assessment:\n  weights: {gap_found: -1}\n",
            5,
            "'gap_found' must be at least 0",
            "(default 5)",
        ),
        (
            BASE + "annual_report:\n  requests: {2021-2022: {recieved: 3}}\n",
            5,
            "unknown key 'recieved'",
            "received",
        ),
    ],
)
def test_site_yaml_errors_name_the_line_and_what_to_write(tmp_path, text, line, message, hint):
    e = error(tmp_path, text)
    assert (e.line, e.path) == (line, str(tmp_path / "f.yaml"))
    assert message in e.message and hint in e.hint, str(e)


def test_checklist_errors_name_the_item(tmp_path):
    e = error(tmp_path, "items:\n  - id: moe-07\n    content: {requires: [a]}\n", checklist=True)
    assert e.line == 3 and e.message.startswith("item moe-07: unknown key 'requires'")
    assert "did you mean 'require'?" in e.hint
    e = error(tmp_path, "items:\n  - id: moe-07\n    renewal: {period: year, lag: 5}\n", checklist=True)
    assert e.line == 3 and "lag must be a whole number from -1 to 2" in e.message


def test_on_is_a_word_in_alerts(tmp_path):
    """YAML 1.1 reads the key `on` as true: the alerts' `on:` (docs/operations.md) is still understood."""
    path = tmp_path / "site.yaml"
    path.write_text(BASE + "alerts:\n  on: [new_gaps]\n", "utf-8")
    assert load_config(path).alerts.on == ("new_gaps",)


ODD = [0, -1, 1.5, "x", "", True, [], [1], {}, {"a": 1}, date(2022, 2, 28)]


def test_any_odd_value_anywhere_is_an_input_error_never_a_traceback(monkeypatch):
    """Every key of site.yaml, and of each of its sections, given values of every wrong kind (in memory: the
    YAML is read as yamlsrc reads it, without its lines)."""
    sections = {k: f.annotation for k, f in SiteFile.model_fields.items()}
    keys = [(k,) for k in sections] + [
        (k, sub)
        for k, t in sections.items()
        if isinstance(t, type) and issubclass(t, Model)
        for sub in t.model_fields
    ]
    good = {"school": "示例大学", "start_urls": ["http://www.x.edu.cn/"], "allowed_domains": ["x.edu.cn"]}
    for key in keys:
        for odd in ODD:
            data = {**good, key[0]: odd if len(key) == 1 else {key[1]: odd}}
            monkeypatch.setattr(config, "load_located", lambda path, data=data: Located(str(path), data, {}))
            try:
                load_config("site.yaml")
            except InputError as e:
                assert e.path == "site.yaml" and e.message and e.hint, (data, str(e))

"""The checklist as data: complete, validated with clear errors, applicable by profile, extensible."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.checklist import default_path, load_checklist
from auditor.cli import main
from auditor.config import Profile
from auditor.errors import InputError

VOC_HUNAN = Profile(type="vocational", graduate_programs=False, province="湖南", double_first_class=True)
UNIVERSITY = Profile(type="undergraduate", graduate_programs=True, province="广东", double_first_class=True)


def test_all_fifty_national_items_in_order_plus_the_two_extra():
    c = load_checklist()
    ids = [i.id for i in c.items]
    assert ids[:50] == [f"moe-{n:02d}" for n in range(1, 51)]
    assert ids[50:] == ["dfc-self-evaluation", "vocational-quality-report"]
    for item in c.items:
        assert item.aliases and item.owner and item.basis and item.category and item.publish
    assert len({i.category for i in c.items[:50]}) == 10


def test_legal_basis_and_deadlines():
    c = load_checklist()
    assert "第7项" in c.get("moe-07").basis and "教办函〔2014〕23号" in c.get("moe-07").basis
    annual = c.get("moe-06").renewal
    assert (annual.period, annual.due, annual.lag, annual.hard) == ("academic_year", (10, 31), 1, True)
    employment = c.get("moe-33").renewal
    assert (employment.period, employment.due, employment.hard) == ("cohort", (12, 31), True)
    dfc = c.get("dfc-self-evaluation")
    assert "湘财教〔2019〕2号" in dfc.basis and "湘教发〔2019〕34号" in dfc.basis
    assert c.get("moe-19").attachment is True


def test_applicability_by_profile():
    c = load_checklist()
    voc = [i.id for i in c.items if i.applies_to(VOC_HUNAN) is None]
    assert "dfc-self-evaluation" in voc and "vocational-quality-report" in voc
    assert not set(voc) & {
        "moe-11",
        "moe-12",
        "moe-13",
        "moe-14",
        "moe-27",
        "moe-29",
        "moe-30",
        "moe-35",
        "moe-43",
        "moe-44",
        "moe-45",
        "moe-46",
    }
    assert len(voc) == 40
    uni = {i.id: i.applies_to(UNIVERSITY) for i in c.items}
    assert uni["moe-11"] is None and uni["moe-35"] is None
    assert uni["dfc-self-evaluation"] == "仅适用于湖南高校"
    assert uni["vocational-quality-report"] == "仅适用于高职院校"


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "extra.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_extension_overrides_and_adds(tmp_path):
    extra = write(
        tmp_path,
        """items:
  - id: moe-33
    owner: 学生就业指导中心
  - id: hn-budget-performance
    category: 财务、资产及收费信息
    title: 预算绩效自评结果
    aliases: [预算绩效自评, 绩效自评结果]
    owner: 财务处
    renewal: {period: year, due: "06-30", lag: 1}
    applies: {province: 湖南}
""",
    )
    c = load_checklist(extra=[extra])
    assert c.get("moe-33").owner == "学生就业指导中心"
    assert c.get("moe-33").aliases == load_checklist().get("moe-33").aliases  # untouched fields kept
    new = c.get("hn-budget-performance")
    assert new is not None and new.renewal.period == "year" and new.applies_to(VOC_HUNAN) is None
    assert [i.id for i in c.items][-1] == "hn-budget-performance"


@pytest.mark.parametrize(
    "text,line,words",
    [
        ("items:\n  - id: moe-07\n    renewal: {period: monthly}\n", 3, "renewal period"),
        ('items:\n  - id: moe-07\n    renewal: {period: year, due: "1031"}\n', 3, "not MM-DD"),
        ("items:\n  - id: moe-07\n    aliasses: [x]\n", 3, "unknown key 'aliasses'"),
        ("items:\n  - id: new-item\n    title: x\n", 2, "missing 'category'"),
        ("items:\n  - id: moe-07\n    owner: a\n  - id: moe-07\n    owner: b\n", 4, "appears twice"),
        ("items:\n  - id: Moe_07\n", 2, "id must be"),
        ("items:\n  - id: moe-07\n    applies: {graduate_programs: yes please}\n", 3, "not understood"),
    ],
)
def test_validation_errors_name_line_and_item(tmp_path, text, line, words):
    with pytest.raises(InputError) as e:
        load_checklist(extra=[write(tmp_path, text)])
    assert e.value.line == line and words in e.value.message


def test_cli_checklist_check_and_listing(tmp_path, capsys):
    assert main(["checklist", "--check", str(default_path())]) == 0
    assert "OK" in capsys.readouterr().out
    bad = write(tmp_path, "items:\n  - id: moe-07\n    renewal: {period: weekly}\n")
    assert main(["checklist", "--check", str(bad)]) == 2
    assert "extra.yaml:3" in capsys.readouterr().err
    cfg = tmp_path / "site.yaml"
    cfg.write_text(
        "school: 测试学院\nstart_urls: [http://www.t.edu.cn/]\nallowed_domains: [t.edu.cn]\n"
        "profile: {type: vocational, province: 湖南, double_first_class: true}\n",
        encoding="utf-8",
    )
    assert main(["checklist", "--config", str(cfg)]) == 0
    out = capsys.readouterr().out
    assert "40 items apply" in out and "dfc-self-evaluation" in out and "moe-11 " not in out

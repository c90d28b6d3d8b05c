"""The checklist as data: complete, validated with clear errors, applicable by profile, extensible."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.checklist import default_path, for_site, load_checklist, province_path
from auditor.cli import main
from auditor.config import Profile, load_config
from auditor.errors import InputError

pytestmark = pytest.mark.usefixtures("english")

VOC_HUNAN = Profile(type="vocational", graduate_programs=False, province="湖南", double_first_class=True)
UNIVERSITY = Profile(type="undergraduate", graduate_programs=True, province="广东", double_first_class=True)


HUNAN = load_checklist(extra=[province_path("湖南")])
DFC = ["dfc-plan", "dfc-selection", "dfc-selection-results", "dfc-self-evaluation", "dfc-audit-report"]


def test_all_fifty_national_items_in_order_plus_the_extra():
    c = load_checklist()
    ids = [i.id for i in c.items]
    assert ids[:50] == [f"moe-{n:02d}" for n in range(1, 51)]
    assert ids[50:] == ["vocational-quality-report"]
    assert [i.id for i in HUNAN.items][51:] == DFC
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
    dfc = HUNAN.get("dfc-self-evaluation")
    assert "湘财教〔2019〕2号" in dfc.basis and "湘教发〔2019〕34号" in dfc.basis
    assert dfc.renewal.hard and dfc.renewal.due == (10, 31)
    assert c.get("moe-19").attachment is True


def test_applicability_by_profile():
    c = HUNAN
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
    assert len(voc) == 44 and set(DFC) <= set(voc)
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
    assert "本校适用 44 项" in out and "dfc-self-evaluation" in out and "moe-11 " not in out


def site(tmp_path: Path, profile: str, extra: str = "") -> Path:
    cfg = tmp_path / "site.yaml"
    cfg.write_text(
        "school: 测试学院\nstart_urls: [http://www.t.edu.cn/]\nallowed_domains: [t.edu.cn]\n"
        f"profile: {profile}\n{extra}",
        encoding="utf-8",
    )
    return cfg


def test_the_province_file_is_layered_by_profile_and_a_school_file_overrides_it(tmp_path):
    hunan = for_site(
        load_config(site(tmp_path, "{type: vocational, province: 湖南, double_first_class: true}"))
    )
    assert set(DFC) <= hunan.ids() and any(s.endswith("湖南.yaml") for s in hunan.sources)
    assert all(hunan.get(i).owner and hunan.get(i).basis.startswith("湘财教〔2019〕2号") for i in DFC)
    no_funds = load_config(site(tmp_path, "{type: vocational, province: 湖南, double_first_class: false}"))
    assert {for_site(no_funds).get(i).applies_to(no_funds.profile) for i in DFC} == {
        "学校未获“双一流”建设专项资金"
    }
    # a school elsewhere is not audited for them, but every report lists them: 不适用, and why
    guangdong = load_config(site(tmp_path, "{type: vocational, province: 广东, double_first_class: true}"))
    elsewhere = for_site(guangdong)
    assert province_path("广东") is None and not any(s.endswith("湖南.yaml") for s in elsewhere.sources)
    assert {elsewhere.get(i).applies_to(guangdong.profile) for i in DFC} == {"仅适用于湖南高校"}
    assert [it.id for it in elsewhere.items][-len(DFC) :] == list(DFC)  # after the national items
    write(tmp_path, "items:\n  - id: dfc-audit-report\n    owner: 审计处（监察审计室）\n")
    own = site(tmp_path, "{province: 湖南, double_first_class: true}", "checklist_extra: [extra.yaml]\n")
    assert for_site(load_config(own)).get("dfc-audit-report").owner == "审计处（监察审计室）"


def test_annual_report_parts_are_data_a_province_file_extends(tmp_path):
    spec = load_checklist().annual_report
    eight = spec.form(2021).parts
    assert eight[0] == "工作情况概述" and eight[-1] == "清单事项公开情况表" and len(eight) == 8
    assert spec.form(2017) == spec.form(2022) and spec.form(2016) is None and spec.form(2023) is None
    assert set(spec.common) < set(eight) and "教办厅函〔2024〕52号" in spec.unknown
    parts = spec.parts
    assert all(p.words and "教办厅函〔2018〕80号" in p.basis or "年度报告工作通知" in p.basis for p in parts)
    extra = write(
        tmp_path,
        "annual_report:\n  parts:\n    - {part: 某省特色工作情况, words: [特色工作], basis: 某省年度报告通知}\n"
        "    - {part: 其他需要报告的事项, words: [其他需要报告, 其他事项]}\n"
        "  forms:\n    - {notice: 某省2024年年度报告通知, first: 2023, parts: [工作情况概述, 某省特色工作情况],"
        " periods: [to_october], source: 某省教育厅网站}\nitems: []\n",
    )
    layered = load_checklist(extra=[extra]).annual_report
    assert len(layered.parts) == len(parts) + 1 and layered.parts[-1].basis == "某省年度报告通知"
    assert layered.form(2024).notice == "某省2024年年度报告通知" and layered.form(2021) == spec.form(2021)
    unknown = write(
        tmp_path,
        "annual_report:\n  forms:\n    - {notice: x, first: 2023, parts: [概况], source: y}\nitems: []\n",
    )
    with pytest.raises(InputError) as e:
        load_checklist(extra=[unknown])
    assert e.value.line == 3 and "概况" in e.value.message
    layered = layered.parts
    assert next(p for p in layered if p.name == "其他需要报告的事项").words == ("其他需要报告", "其他事项")
    bad = write(tmp_path, "annual_report:\n  parts:\n    - {words: [x]}\nitems: []\n")
    with pytest.raises(InputError) as e:
        load_checklist(extra=[bad])
    assert e.value.line == 3 and "part" in e.value.message
    typo = write(tmp_path, "anual_report: {}\nitems: []\n")
    with pytest.raises(InputError) as e:
        load_checklist(extra=[typo])
    assert e.value.line == 1 and "anual_report" in e.value.message


def test_an_item_is_asked_for_only_while_its_rule_is_in_force(tmp_path):
    """A provincial rule that starts (or ends) on a day: an audit of an earlier year, re-run today, does not ask
    for it — 不适用, saying since when and on what authority — and one on its day does."""
    from datetime import date

    from auditor.rules import Context
    from auditor.rules.applicability import check as applicability

    extra = write(
        tmp_path,
        "items:\n  - id: dfc-plan\n    effective: {from: 2023-01-01, until: 2030-12-31, source: 某省某号文}\n",
    )
    item = load_checklist(extra=[province_path("湖南"), extra]).get("dfc-plan")
    ctx = lambda day: Context(as_of=day, pages=1, hosts=(), profile=VOC_HUNAN)  # noqa: E731
    assert [f.params["reason"] for f in applicability(item, [], ctx(date(2022, 11, 15)))] == [
        "2023-01-01起施行（某省某号文）"
    ]
    assert applicability(item, [], ctx(date(2023, 1, 1))) == []
    assert applicability(item, [], ctx(date(2031, 1, 1)))[0].status == "not_applicable"
    bad = write(tmp_path, "items:\n  - id: moe-07\n    effective: {from: 2023-13-01, source: x}\n")
    with pytest.raises(InputError):
        load_checklist(extra=[bad])

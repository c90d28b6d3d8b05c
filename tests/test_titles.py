"""The grammar of real college titles: the document itself, a notice or news about it, someone else's post.
Titles as college sites write them (the fixture colleges cite where each wording was seen)."""

from __future__ import annotations

import pytest

from auditor.checklist import load_checklist
from auditor.pages.titles import genre_fit, title_kind

NEWS = load_checklist().decoy_words

CASES = [
    # notices about a document: the work on it, not it
    ("关于征集2023-2024学年信息公开工作年度报告素材的通知", "notice"),
    ("关于编制2023—2024学年信息公开年度报告的工作提示", "notice"),
    ("学校办公室关于收集2024-2025学年信息公开工作相关数据的函", "notice"),
    ("关于做好2023年度部门决算编报工作的通知", "notice"),
    ("关于开展2024届毕业生就业质量年度报告编制工作的通知", "notice"),
    ("关于填报2025年高等职业教育质量年报数据的通知", "notice"),
    ("关于核查2024届毕业生就业数据的通知", "notice"),
    ("关于报送2024年校级领导干部社会兼职情况的通知", "notice"),
    ("关于组织编写2024-2025学年本科教学质量报告的通知", "notice"),
    ("转发四川省财政厅关于批复2024年省级部门预算的通知", "notice"),
    (
        "山东省教育厅办公室转发《教育部办公厅关于全面推进高校信息公开做好信息公开年度报告工作的通知》的通知",
        "notice",
    ),
    ("关于同意示例大学2024年部门预算的批复", "notice"),
    ("2021年本科教学基本状态数据填报指南", "notice"),
    ("示例大学学生申诉处理办法（征求意见稿）", "notice"),
    # the documents themselves
    ("荆江大学2024年部门预算", "document"),
    ("巴山职业技术学院2023—2024学年信息公开工作情况报告", "document"),
    # a report titled 关于…: 福建农业职业技术学院, fjny.edu.cn/info/1771/138241.htm (issue 25)
    ("福建农业职业技术学院关于2024-2025学年度信息公开工作的报告", "document"),
    ("关于报送2023年信息公开工作的报告", "notice"),  # a report *sending* something: about the work
    ("关于印发《荆江大学学生申诉处理办法》的通知", "document"),
    ("关于公布2021年度部门决算的通知", "document"),
    ("关于刘某某等同志职务任免的通知", "document"),
    ("关于张某某同志任职的通知", "document"),
    ("关于2023—2024学年国家励志奖学金、国家助学金获得者名单的公示", "document"),
    ("中共湘岳职业技术学院委员会关于省委第三巡视组巡视反馈意见整改进展情况的通报", "document"),
    ("关于进一步促进毕业生就业创业的实施意见", "document"),
    ("巴山职业技术学院2024年下半年公开考核招聘工作人员公告", "document"),
    ("荆江大学2024年高水平运动队专项测试合格考生名单公示", "document"),
    ("【置顶】示例大学2024年招生章程", "document"),
    ("研究生复试须知", "document"),
    # news
    ("我校召开2022年招生工作会议", "news"),
    ("学校召开2022年预算编制工作布置会", "news"),
    ("我校学生在全国职业院校技能大赛中获一等奖", "news"),
    ("学校举办“学术诚信”专题讲座", "news"),
    # someone else's post
    ("湖北某某光电科技股份有限公司2025届校园招聘简章", "third_party"),
    ("某某银行湖北省分行2025年校园招聘公告", "third_party"),
    ("成都某某智能装备有限公司2025届校园专场招聘会", "third_party"),
]


@pytest.mark.parametrize(("title", "kind"), CASES)
def test_title_grammar(title, kind):
    assert title_kind(title, NEWS).kind == kind


def test_the_reason_names_the_words_that_decided():
    assert title_kind("关于征集2023-2024学年信息公开工作年度报告素材的通知").reason == "关于征集…的通知"
    assert title_kind("转发某某厅关于某某的通知").reason == "转发"


def test_genres_name_the_kind_of_document_an_item_asks_for():
    genres = load_checklist().get("moe-37").genres
    assert genre_fit("示例大学本科生奖助学金评定管理办法", genres)
    assert not genre_fit("示例大学2023-2024学年国家励志奖学金拟推荐名单公示", genres)

"""The grammar of a page title: is it the document itself, a notice about it, news, or someone else's?

Chinese administrative titles say what they are. A notice *about* a document names the work done on it:
关于{征集|报送|编制|填报|核查|做好…}…（工作）的通知, 转发…, …工作提示, 复函/批复/请示. The document itself is
named after its subject (某某学院2022年部门预算, …2021-2022学年信息公开工作年度报告), or published by a notice
whose verb is a publication verb (关于印发《…办法》的通知, 关于公布…名单的通知). News tells what happened
(我校召开…会议). A company's recruitment post is not the school's own.

Examples (tests/test_titles.py has them all):
    关于征集2023-2024学年信息公开工作年度报告素材的通知  → notice   (征集)
    转发四川省财政厅关于批复2024年省级部门预算的通知    → notice   (转发)
    关于印发《荆江大学学生申诉处理办法》的通知          → document (印发)
    关于刘某某等同志职务任免的通知                     → document (the 任免 itself)
    2021年本科教学基本状态数据填报指南                  → notice   (填报…指南: how to fill in data for it)
    荆江大学2024年部门预算                            → document
    我校召开2024年招生工作会议                         → news
    某某光电科技股份有限公司2025届校园招聘简章           → third_party
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# Verbs of publishing: a notice built on one of these *is* the publication (关于公布…名单的通知).
PUBLISH = ("印发", "公布", "发布", "公示", "公开", "颁布", "下达", "启用")
# Verbs of work on something: a notice built on one of these is about the work, not the thing.
PROCESS = (
    "报送",
    "上报",
    "报备",
    "编制",
    "编报",
    "编写",
    "填报",
    "核查",
    "核对",
    "征集",
    "申报",
    "部署",
    "做好",
    "开展",
    "组织",
    "提交",
    "收集",
    "统计",
    "审核",
    "自查",
    "检查",
    "撰写",
    "起草",
    "征求",
    "推荐",
    "遴选",
    "评选",
    "评审",
    "申请",
    "参加",
    "举办",
    "召开",
    "启动",
    "落实",
    "学习",
    "宣传",
    "培训",
    "采集",
    "报名",
    "补报",
    "更新",
)
ABOUT = re.compile(
    r"关于(?P<body>.+?)(?:的)?(?P<end>通知|通告|公告|通报|函|复函|批复|请示|意见|决定|提示|工作提示|说明|"
    r"报告|公示|规定|办法|方案|安排)$"
)
CORRESPONDENCE = ("函", "复函", "批复", "请示", "提示", "工作提示")
FORWARD = re.compile(r"^(关于)?转发|转发《|的转发$")
WORK_NOTICE = re.compile(
    "("
    + "|".join(PROCESS)
    + r")(.*?工作的?(通知|方案|安排|提示|部署)|.{0,12}(说明|指南|须知|提纲|模板|样表))$"
)
DRAFT = re.compile(r"征求意见稿|（草案）|\(草案\)|送审稿")
THIRD_PARTY = re.compile(r"(公司|集团|银行|分行|支行)[^，。]*?(招聘|宣讲|校招|双选|专场|实习生)")
# A title ending in one of these names a document, whatever verb it contains (…获得者名单公示 is a list).
DOCUMENT_HEADS = (
    "公示",
    "名单",
    "公告",
    "通知",
    "办法",
    "规定",
    "报告",
    "年报",
    "章程",
    "简章",
    "计划",
    "规划",
    "方案",
    "细则",
    "条例",
    "制度",
    "结果",
    "目录",
    "表",
    "预算",
    "决算",
    "要点",
    "指南",
    "情况",
)
TAGS = re.compile(r"^\s*(?:[【\[［(（][^】\]］)）]{1,6}[】\]］)）]\s*)+")  # 【置顶】 [通知] （转载）


@dataclass(frozen=True)
class TitleKind:
    kind: str  # document | notice | news | third_party
    reason: str  # the words that decided it, for the explanation

    @property
    def is_document(self) -> bool:
        return self.kind == "document"


def clean(title: str) -> str:
    return TAGS.sub("", unicodedata.normalize("NFKC", title or "")).strip()


def _first(body: str, verbs: Iterable[str]) -> tuple[int, str]:
    hits = [(body.find(v), v) for v in verbs if v in body]
    return min(hits) if hits else (len(body) + 1, "")


def title_kind(title: str, news_words: Iterable[str] = ()) -> TitleKind:
    """What a title says the page is. `news_words` are the checklist's verbs of news (召开, 举行 …)."""
    t = clean(title)
    if m := THIRD_PARTY.search(t):
        return TitleKind("third_party", m.group(0))
    if m := FORWARD.search(t):
        return TitleKind("notice", "转发")
    if m := DRAFT.search(t):
        return TitleKind("notice", m.group(0))  # a draft for comment is not the document in force
    if m := ABOUT.search(t):
        body, end = m.group("body"), m.group("end")
        if end in CORRESPONDENCE:
            return TitleKind("notice", end)
        work_at, work = _first(body, PROCESS)
        pub_at, pub = _first(body, PUBLISH)
        if work and (work_at < pub_at or body.endswith("工作")):
            return TitleKind("notice", f"关于{work}…的{end}")
        if body.endswith("工作") and end != "报告":  # 关于…工作的报告 reports on that work: it is the report
            return TitleKind("notice", f"关于…工作的{end}")
        return TitleKind("document", f"关于{pub}…的{end}" if pub else "")
    if m := WORK_NOTICE.search(t):
        return TitleKind("notice", m.group(0))
    head = any(t.endswith(h) for h in DOCUMENT_HEADS)
    if not head and (word := next((w for w in news_words if w in t), None)):
        return TitleKind("news", word)
    return TitleKind("document", "")


def genre_fit(title: str, genres: Iterable[str]) -> bool:
    """Does the title name the kind of document the item asks for (办法/规定 for rules, 名单/结果 for results…)?"""
    t = clean(title)
    return any(g in t for g in genres)

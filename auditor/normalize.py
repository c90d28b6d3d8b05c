"""Chinese text normalisation before fuzzy comparison, and pinyin initials for URL slugs.

Full/half width, punctuation, school names (→ 学校), years and 届/学年 are removed so that
'湘岳职业技术学院2021—2022学年信息公开工作年度报告' compares equal to '信息公开工作年度报告'.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

PUNCT = re.compile(r"[\s\W_]+", re.U)
_SUFFIX = r"(?:学年度|学年|年度|届|级|年)?"
PERIODS = re.compile(
    r"(?:19|20)\d{2}\s*" + _SUFFIX + r"(?:\s*[-—–~～至到]+\s*(?:19|20)\d{2}\s*" + _SUFFIX + ")?" + _SUFFIX
)
SCHOOL = re.compile(
    r"^(?:中共)?[\u4e00-\u9fff]{2,12}?(?:职业技术学院|职业学院|技术学院|大学|学院)(?:委员会)?"
)
LEADING = re.compile(r"^(关于|转发|印发|公布|发布)")
TRAILING = re.compile(
    r"(的通知|的公告|的通报|的决定|的说明|通知|公告|（试行）|\(试行\)|试行|修订|修订版|版)$"
)
NUMBERED = re.compile(r"[（(][一二三四五六七八九十\d]+[)）]|第[一二三四五六七八九十\d]+[期次批届号]|\d+")


@lru_cache(maxsize=8192)  # the same column names and aliases recur; titles are normalised once each
def normalise(text: str, school: str = "") -> str:
    """Comparable form of a title, column name, anchor text or alias."""
    t = unicodedata.normalize("NFKC", text or "")
    t = PERIODS.sub("", t)
    t = PUNCT.sub("", t)
    if school:
        t = t.replace(school, "学校")
    t = SCHOOL.sub("学校", t) if len(t) > 8 else t
    for _ in range(2):
        t = LEADING.sub("", t)
    for _ in range(2):
        t = TRAILING.sub("", t)
    return NUMBERED.sub("", t).lower()


@lru_cache(maxsize=4096)
def initials(text: str) -> str:
    """Pinyin initials, as 博达 VSB column slugs are built: 信息公开年度报告 → xxgkndbg."""
    han = "".join(ch for ch in normalise(text) if "\u4e00" <= ch <= "\u9fff")
    return "".join(lazy_pinyin(han, style=Style.FIRST_LETTER)) if han else ""

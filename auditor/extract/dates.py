"""Publication dates and the periods titles name, in every format real college sites use."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_SEP = r"\s*[-/.年]\s*"
FULL = re.compile(r"(?<!\d)((?:19|20)\d{2})" + _SEP + r"(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)\s*日?")
MONTH = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:年\s*(\d{1,2})\s*月|[-/.](\d{1,2}))(?![\d/.\-月])")
COMPACT = re.compile(r"(?<!\d)((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)")
SPLIT_BOX = re.compile(r"^\s*(\d{1,2})\s+((?:19|20)\d{2})[.\-/](\d{1,2})\s*$")
LABEL = re.compile(
    r"(发布时间|发布日期|发表时间|更新时间|更新日期|发布于|上传时间|录入时间|日期|时间)\s*[:：]?\s*"
)


def _mk(y: str, m: str, d: str) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def parse_date(text: str, *, compact: bool = False) -> date | None:
    """First full date in `text` (2022-10-30, 2026/04/14 15:29, 2019.11.13, 2023年10月16日, [2024-11-18]).

    A month-only date (2023年04月, 2026.05) gives the 1st of the month. Compact 20260416 is only
    accepted when `compact` is set (i.e. right after a label), since bare 8-digit numbers are often ids.
    """
    if m := FULL.search(text):
        return _mk(*m.groups())
    if compact and (m := COMPACT.search(text)):
        return _mk(*m.groups())
    if m := SPLIT_BOX.match(text):
        return _mk(m.group(2), m.group(3), m.group(1))
    if m := MONTH.search(text):
        return _mk(m.group(1), m.group(2) or m.group(3), "1")
    return None


def labelled_date(text: str) -> tuple[date, str] | None:
    """A date introduced by a label such as 发布时间： / 发布日期: / 时间: — with the raw snippet."""
    for m in LABEL.finditer(text):
        tail = text[m.end() : m.end() + 24]
        if d := parse_date(tail, compact=True):
            return d, (m.group(0) + tail).strip()[:40]
    return None


@dataclass(frozen=True)
class Period:
    """The period a document covers, as its title names it."""

    kind: str  # academic_year | cohort | year
    start: int  # first calendar year (academic year 2021-2022 → 2021)
    label: str

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "start": self.start, "label": self.label}


_Y = r"((?:19|20)\d{2})"
ACADEMIC = re.compile(_Y + r"\s*(?:年)?\s*[-—–~～至到]+\s*" + _Y + r"\s*(?:年)?\s*学年(度)?")
COHORT = re.compile(_Y + r"\s*届")
ANNUAL = re.compile(_Y + r"\s*年度")
YEAR = re.compile(_Y + r"\s*年(?!\s*\d{1,2}\s*月)")


def title_period(title: str) -> Period | None:
    """The period a title names: 2021-2022学年 / 2021—2022学年度 / 2022届 / 2022年度 / 2022年…"""
    if m := ACADEMIC.search(title):
        a, b = int(m.group(1)), int(m.group(2))
        if b == a + 1:
            return Period("academic_year", a, f"{a}-{b}学年")
    if m := COHORT.search(title):
        return Period("cohort", int(m.group(1)), f"{m.group(1)}届")
    if m := ANNUAL.search(title):
        return Period("year", int(m.group(1)), f"{m.group(1)}年度")
    if m := YEAR.search(title):
        return Period("year", int(m.group(1)), f"{m.group(1)}年")
    return None


_PATH_DATES = (
    # /2026-04-23/  /art/2021/7/19/  /2024_06/03_17/
    re.compile(r"/((?:19|20)\d{2})[-_/](\d{1,2})[-_/](\d{1,2})(?=[/_.])"),
    re.compile(r"/((?:19|20)\d{2})/(\d{2})(\d{2})/"),  # WebPlus /2021/1030/…, /uploadfile/2024/0830/…
    # t20200903_2748784.html, 20240830151203.pdf
    re.compile(r"[/_t]((?:19|20)\d{2})(\d{2})(\d{2})[\d_-]*\.\w+$"),
    re.compile(r"/((?:19|20)\d{2})[-_]?(\d{2})/()"),  # /docs/2026-04/…, /202009/…
)


def path_date(url: str) -> tuple[date, str] | None:
    """The date a CMS wrote into a URL's path (its upload folder or file name), with the part it came from.
    Only a date that exists is taken; a bare year folder is not a date."""
    from urllib.parse import urlsplit

    path = urlsplit(url).path
    for pattern in _PATH_DATES:
        for m in pattern.finditer(path):
            y, mo, d = m.groups()
            if found := _mk(y, mo, d or "1"):
                return found, m.group(0).strip("/")
    return None

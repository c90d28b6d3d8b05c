"""annual_report: the school's own 信息公开工作年度报告, read (its page's text or its attached PDF/DOCX) for what
the notice governing its year requires of it: each part of that notice's form (checklist `annual_report.forms`,
data a province layers over), a statistics period the form allows, publication by 31 October, on the
信息公开专栏. Each shortcoming is one finding; none changes the item's status (freshness decides late or ok),
reports show them beside it. What it cannot read (a file not downloaded, a page holding none of the parts) is
one finding that the parts were not checked, never eight accusations. A year no form governs (its notice was
not read) is checked for what every form has, with the report's own statement of its structure counting as
the report's word for what it holds; an `info` finding says what was not checked and why, never that a part
is missing.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from auditor.checklist import Item
from auditor.evidence.contents import PAGE_TEXT, files_of
from auditor.findings import Evidence, Finding
from auditor.privacy.detect import mask_text
from auditor.rules import Context, rule
from auditor.rules.freshness import editions

HEADING = re.compile(
    r"^(第?[一二三四五六七八九十]+[、.．部分章]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．]|附件|附表)"
)
SHORT = 30  # characters: a line this short is a heading or a table caption, not narrative
DAY = r"(\d{4})[年.\-/](\d{1,2})[月.\-/](\d{1,2})日?"
RANGE = re.compile(DAY + r"(?:起)?[，,]?(?:至|到|—|–|－|~|～|-){1,2}" + DAY)
# "全文包括概述、主动公开情况……等七个部分" / "报告由……六部分组成" / "报告内容包括……等方面内容"
STATEMENT = re.compile(
    r"(?:包括|包含|涵盖|由)(.{6,240}?)(?:等|共)?(?:([一二三四五六七八九十\d]+)个?部分|方面|组成)"
)


def headings(e: Evidence) -> list[str]:
    """Where a part is looked for: the report's numbered or short lines, and the names of its files (a
    清单事项公开情况表 is often an attachment of its own). A paragraph that merely lists the parts is neither."""
    out = [c["name"] for c in e.contents if c.get("name")]
    out += [a["name"] for a in e.attachments if a.get("name")]
    for c in e.contents:
        for line in (c.get("text") or "").splitlines():
            flat = "".join(line.split())
            if flat and (len(flat) <= SHORT or HEADING.match(flat)):
                out.append(flat[:60])
    return out


def stated_period(text: str) -> tuple[date, date] | None:
    """The statistics period a report states: (2021-09-01, 2022-08-31) for 自2021年9月1日起至2022年8月31日止."""
    for m in RANGE.finditer("".join(text.split())):
        try:
            return date(*map(int, m.group(1, 2, 3))), date(*map(int, m.group(4, 5, 6)))
        except ValueError:
            continue
    return None


def fits(stated: tuple[date, date], year: int, periods: tuple[str, ...]) -> bool:
    """A period a form allows for the report on school year `year`: the school year itself (academic_year),
    or a year ending 31 October of its second calendar year (to_october: from 1 January, or 1 November)."""
    start, end = stated
    if "academic_year" in periods and (start, end) == (date(year, 9, 1), date(year + 1, 8, 31)):
        return True
    return (
        "to_october" in periods
        and end == date(year + 1, 10, 31)
        and start in (date(year + 1, 1, 1), date(year, 11, 1))
    )


def wanted(year: int, periods: tuple[str, ...]) -> str:
    words = []
    if "academic_year" in periods:
        words.append(f"{year}年9月1日至{year + 1}年8月31日")
    if "to_october" in periods:
        words.append(f"截至{year + 1}年10月31日的一年")
    return "，或".join(words)


def said(stated: tuple[date, date]) -> str:
    a, b = stated
    return f"{a.year}年{a.month}月{a.day}日至{b.year}年{b.month}月{b.day}日"


def statement(text: str) -> tuple[str, str] | None:
    """The report's own statement of its structure: (what it lists, how many parts it says), if it has one."""
    m = STATEMENT.search("".join(text.split()))
    return (m.group(1), m.group(2) or "") if m else None


def on_column(e: Evidence, words: tuple[str, ...]) -> bool:
    """Published on the 信息公开专栏: its host or path, its column, or the school's 目录 says so."""
    parts = urlsplit(e.url)
    where = " ".join((parts.hostname or "", parts.path, e.column_title or "", e.column or ""))
    return e.claimed or any(w in where for w in words)


ANNUAL_REPORT = rule(
    "annual_report",
    "ok",
    "medium",
    (
        "annual_report.late",
        "annual_report.channel",
        "annual_report.unread",
        "annual_report.no_period",
        "annual_report.wrong_period",
        "annual_report.part_missing",
    ),
    order=13,
)
FORM_UNKNOWN = rule("annual_report_form", "ok", "info", ("annual_report.form_unknown",), of=ANNUAL_REPORT)
EVERY_FORM = ("academic_year", "to_october")  # what notices use, when the year's own form is not known


@ANNUAL_REPORT.checker
def check(item: Item, evidence: list[Evidence], ctx: Context) -> list[Finding]:
    spec = ctx.annual_report
    r = item.renewal
    if spec is None or r.period is None:
        return []
    dated = [
        (p, e)
        for e in editions(item, evidence)
        if (p := r.covered(e.edition_start, e.edition_kind, e.published))
    ]
    if not dated:
        return []  # no edition at all: freshness says so
    period, e = max(dated, key=lambda pe: (pe[0], pe[1].published or ""))
    due = r.due_date(period)
    base = {"short": item.short, "title": e.title, "url": e.url, "year": r.describe(period)}
    form = spec.form(period)
    required = [spec.part(n) for n in (form.parts if form else spec.common)]
    periods = form.periods if form else EVERY_FORM
    basis = form.notice if form else spec.basis or item.basis
    out: list[Finding] = []

    def add(key: str, basis: str, **params: object) -> None:
        out.append(ANNUAL_REPORT.finding(item, key, {**base, **params}, e.url, basis=basis))

    if e.published and date.fromisoformat(e.published[:10]) > due:
        days = (date.fromisoformat(e.published[:10]) - due).days
        add("annual_report.late", item.basis, published=e.published[:10], due=due.isoformat(), days=days)
    if spec.column and not on_column(e, spec.column):
        add("annual_report.channel", item.basis, words="、".join(spec.column))
    text = "\n".join(c.get("text") or "" for c in e.contents)
    lines = headings(e)
    own = statement(text)
    if form is None and own:  # the report's word for what it holds, where no notice we read says otherwise
        lines.append(own[0])
    missing = [p for p in required if not any(w in line for line in lines for w in p.words)]
    read = {c["url"] for c in e.contents if c.get("text")}
    unread = [name or url for url, name in files_of(e) if url not in read]  # not downloaded, a scan, broken
    if not text.strip() or len(missing) == len(required) or (missing and unread):
        # not the report's text, or only part of it: a part may be in what could not be read — say so, once
        add("annual_report.unread", basis, parts=len(required), names="、".join(unread) or PAGE_TEXT)
        return out
    if form is None:
        others = [p.name for p in spec.parts if p.name not in spec.common]
        told = (
            f"报告自述：“{mask_text(own[0][:80])}”" + (f"（{own[1]}个部分）" if own[1] else "")
            if own
            else "报告未自述其结构"
        )
        params = {**base, "checked": "、".join(spec.common), "others": "、".join(others), "why": spec.unknown,
                  "told": told}  # fmt: skip
        out.append(FORM_UNKNOWN.finding(item, "annual_report.form_unknown", params, e.url, basis=item.basis))
    stated = stated_period(text)
    if stated is None:
        add("annual_report.no_period", basis, want=wanted(period, periods))
    elif not fits(stated, period, periods):
        add("annual_report.wrong_period", basis, stated=said(stated), want=wanted(period, periods))
    for part in missing:
        add("annual_report.part_missing", part.basis or basis, part=part.name, words="、".join(part.words),
            required=len(required))  # fmt: skip
    return out

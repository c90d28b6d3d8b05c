"""annual_report: the school's own 信息公开工作年度报告, read (its page's text or its attached PDF/DOCX) for what
the yearly notice requires of it: each part it must have (checklist `annual_report.parts`, data a province
extends), the statistics period it must state (1 September – 31 August of the year it covers), publication by
31 October, on the 信息公开专栏. Each shortcoming is one finding; none changes the item's status (freshness
decides late or ok), reports show them beside it. What it cannot read (a file not downloaded, a page holding
none of the parts) is one finding that the parts were not checked, never eight accusations."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from auditor.checklist import Item
from auditor.evidence.contents import PAGE_TEXT, files_of
from auditor.findings import Evidence, Finding
from auditor.rules import Context, rule
from auditor.rules.freshness import editions

HEADING = re.compile(
    r"^(第?[一二三四五六七八九十]+[、.．部分章]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．]|附件|附表)"
)
SHORT = 30  # characters: a line this short is a heading or a table caption, not narrative
PERIOD = re.compile(
    r"(\d{4})\s*年\s*0?9\s*月\s*0?1\s*日.{0,15}?(\d{4})\s*年\s*0?8\s*月\s*31\s*日"
    r"|(\d{4})[.\-/]0?9[.\-/]0?1\s*[至到—\-~～]+\s*(\d{4})[.\-/]0?8[.\-/]31"
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


def stated_period(text: str) -> tuple[int, int] | None:
    """The statistics period a report states: (2021, 2022) for 2021年9月1日 … 2022年8月31日."""
    m = PERIOD.search("".join(text.split()))
    if not m:
        return None
    a, b = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    return int(a), int(b)


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
    basis = spec.basis or item.basis
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
    missing = [p for p in spec.parts if not any(w in line for line in lines for w in p.words)]
    read = {c["url"] for c in e.contents if c.get("text")}
    unread = [name or url for url, name in files_of(e) if url not in read]  # not downloaded, a scan, broken
    if not text.strip() or len(missing) == len(spec.parts) or (missing and unread):
        # not the report's text, or only part of it: a part may be in what could not be read — say so, once
        add("annual_report.unread", basis, parts=len(spec.parts), names="、".join(unread) or PAGE_TEXT)
        return out
    stated = stated_period(text)
    if stated is None:
        add("annual_report.no_period", basis, want=f"{period}年9月1日至{period + 1}年8月31日")
    elif stated != (period, period + 1):
        add("annual_report.wrong_period", basis, stated=f"{stated[0]}年9月1日至{stated[1]}年8月31日")
    for part in missing:
        add("annual_report.part_missing", part.basis or basis, part=part.name, words="、".join(part.words))
    return out

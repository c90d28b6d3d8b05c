"""The year's figures for the 信息公开工作年度报告, each counted from the store and reproducible from it, with the
way it was counted kept beside it (the draft prints that as its appendix).

Periods are judged by the audits' `as_of` dates and the pages' own publication dates, never by when the tool
ran; when the stored audits do not cover the whole academic year, `coverage` says which part they do.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

from auditor.errors import InputError
from auditor.history import Episode, episodes
from auditor.store import Store

YEAR = re.compile(r"^(\d{4})\s*[-—～~至]\s*(\d{4})$")


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str

    def holds(self, day: str | None) -> bool:
        return bool(day) and self.start.isoformat() <= day[:10] <= self.end.isoformat()


def academic_year(text: str) -> Period:
    """'2021-2022' → 1 September 2021 to 31 August 2022 (the period the annual report covers)."""
    m = YEAR.match(text.strip())
    if not m or int(m.group(2)) != int(m.group(1)) + 1:
        raise InputError.said("--year", None, "not_academic_year", input=text)
    first = int(m.group(1))
    return Period(date(first, 9, 1), date(first + 1, 8, 31), f"{first}-{first + 1}学年")


def between(start: str, end: str) -> Period:
    """--from/--to as a period (the assessment's)."""
    try:
        a, b = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        raise InputError.said("--from/--to", None, "not_dates", start=start, end=end) from None
    if b < a:
        raise InputError.said("--from/--to", None, "dates_reversed", start=start, end=end)
    return Period(a, b, f"{a.isoformat()}至{b.isoformat()}")


GAP_DAYS = 31  # a stretch longer than this without a complete audit is not covered (a month-end night covers)


def coverage(store: Store, period: Period) -> dict[str, Any]:
    """Which part of the period the stored complete audits cover: the first and last as-of date inside it, and
    every stretch of more than GAP_DAYS days without one (at either end, or between two audits)."""
    inside = [a["as_of"] for a in store.audits("complete") if period.holds(a["as_of"])]
    dates = sorted(set(inside))
    if not dates:
        return {
            "audits": 0,
            "first": None,
            "last": None,
            "whole": False,
            "missing": [[str(period.start), str(period.end)]],
        }
    day = date.fromisoformat
    bounds = [period.start - timedelta(days=1), *map(day, dates), period.end + timedelta(days=1)]
    missing = [
        [(a + timedelta(days=1)).isoformat(), (b - timedelta(days=1)).isoformat()]
        for a, b in zip(bounds, bounds[1:], strict=False)
        if (b - a).days > GAP_DAYS
    ]
    return {
        "audits": len(inside),
        "first": dates[0],
        "last": dates[-1],
        "whole": not missing,
        "missing": missing,
    }


def standing(store: Store, on: date) -> dict[str, Any] | None:
    """The findings that stood on `on`: the newest complete audit as of that day or before."""
    audits = [a for a in store.audits("complete") if a["as_of"] <= on.isoformat()]
    if not audits:
        return None
    newest = max(audits, key=lambda a: (a["as_of"], a["id"]))
    return store.findings(newest["id"])


def _host_name(names: dict[str, str], url: str) -> str:
    host = urlsplit(url).hostname or ""
    return names.get(host, host)


def published(store: Store, period: Period, until: date, host_names: dict[str, str]) -> dict[str, Any]:
    """Pages and files published in the period (by the pages' own dates), by host, and the checklist
    documents among them by category and by owning department."""
    pages = store.published_pages(period.start.isoformat(), period.end.isoformat())
    by_host: dict[str, list[int]] = {}
    for p in pages:
        row = by_host.setdefault(_host_name(host_names, p["final"]), [0, 0])
        row[0] += 1
        row[1] += p["files"] or 0
    docs = store.item_documents(period.start.isoformat(), period.end.isoformat(), until.isoformat())
    oldest, newest, runs = store.stored_runs()
    return {
        "pages": len(pages),
        "files": sum(p["files"] or 0 for p in pages),
        "by_host": sorted(([h, n, f] for h, (n, f) in by_host.items()), key=lambda r: -r[1]),
        "documents": len(docs),
        "by_category": Counter(d["category"] for d in docs).most_common(),
        "by_department": Counter(d["owner"] for d in docs).most_common(),
        "document_list": [dict(d) for d in docs],
        "runs": {"oldest": oldest, "newest": newest, "count": runs},
    }


def problems(store: Store, period: Period) -> list[Episode]:
    """The gaps that were open at some time in the period (found in it, or carried into it), those a review
    later voided (false positive, not applicable) included: callers count them apart (Episode.void)."""
    return [e for e in episodes(store) if e.overlaps(period.start.isoformat(), period.end.isoformat())]


def facts(
    store: Store, school: str, period: Period, report_date: date, host_names: dict[str, str]
) -> dict[str, Any]:
    """Everything the draft states that the tool knows, with how each figure was counted."""
    end_of_year = standing(store, period.end)
    table = standing(store, report_date)
    overlapping = problems(store, period)
    found = [e for e in overlapping if not e.void]
    until = min(report_date, period.end)
    start, end = period.start.isoformat(), period.end.isoformat()
    return {
        "schema": "auditor.annual/1",
        "school": school,
        "period": {"start": start, "end": end, "label": period.label},
        "report_date": report_date.isoformat(),
        "coverage": coverage(store, period),
        "published": published(store, period, report_date, host_names),
        "end_of_year": (
            {
                "audit": end_of_year["audit"]["id"],
                "as_of": end_of_year["run"]["as_of"],
                **end_of_year["summary"],
            }
            if end_of_year
            else None
        ),
        "table": table,
        "problems": [
            {
                **e.as_json(until),
                "carried_in": e.opened < start,
                "fixed_in_period": e.fixed_between(start, end),
            }
            for e in found
        ],
        "problem_counts": {
            "open_during": len(found),
            "found_in_period": sum(e.opened >= start for e in found),
            "carried_in": sum(e.opened < start for e in found),
            "fixed": sum(e.fixed_between(start, end) for e in found),
            "set_aside": sum(e.void for e in overlapping),  # 经复核排除, whenever the review was made
            "open_at_end": sum(e.open_after(end) for e in found),
        },
    }

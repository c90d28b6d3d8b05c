"""Working days (工作日) on China's calendar, as disclosure deadlines and rectification periods count them:
statutory holidays and make-up working days (调休上班, e.g. Saturday 2022-10-08) from the maintained
`chinesecalendar` package — updated each year once the State Council publishes the arrangement — plus the
school's own closures (site.yaml `rectification.holidays`).

A year the package does not know yet counts weekends only, and the date computed across it is provisional:
outputs say "该年度节假日安排尚未公布" beside it, never crash."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar

NOT_PUBLISHED = "该年度节假日安排尚未公布"


@dataclass(frozen=True)
class WorkDate:
    day: date
    provisional: bool = False  # crossed a year whose holiday arrangement is not yet published

    def isoformat(self) -> str:
        return self.day.isoformat()


def working(day: date, closures: frozenset[date] = frozenset()) -> tuple[bool, bool]:
    """(is a working day, known from the published calendar)."""
    if day in closures:
        return False, True
    try:
        return bool(chinese_calendar.is_workday(day)), True
    except NotImplementedError:  # a year the package has no arrangement for yet
        return day.weekday() < 5, False


def add_working_days(start: date, days: int, closures: frozenset[date] = frozenset()) -> WorkDate:
    """The date `days` working days after `start` (the next working day counts as the first)."""
    d, left, known = start, days, True
    while left > 0:
        d += timedelta(days=1)
        work, sure = working(d, closures)
        known = known and sure
        if work:
            left -= 1
    return WorkDate(d, not known)

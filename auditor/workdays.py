"""Working days (工作日), as disclosure deadlines and rectification periods count them."""

from __future__ import annotations

from datetime import date, timedelta


def add_working_days(start: date, days: int, holidays: frozenset[date] = frozenset()) -> date:
    """The date `days` working days after `start`: Saturdays, Sundays and the given holidays do not count.
    China's statutory holidays and their make-up working days change each year; a school lists them."""
    d = start
    left = days
    while left > 0:
        d += timedelta(days=1)
        if d.weekday() < 5 and d not in holidays:
            left -= 1
    return d

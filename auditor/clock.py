"""Times as the school reads them: Beijing time (UTC+8, no daylight saving), whatever zone the server runs in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8))


def beijing(stamp: str | None) -> str:
    """'2022-11-15T02:05:09+00:00' → '2022-11-15 10:05'; a bare date or an unreadable value unchanged."""
    if not stamp or "T" not in stamp:
        return stamp or ""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # the store writes aware times; a naive one is UTC
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")

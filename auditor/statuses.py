"""An item's status and what it means (a vocabulary every room reads, none re-decides): the statuses, the
order every report lists them in — the order precedence decides by, most serious first — and the one
definition of an open gap and of a published item."""

from __future__ import annotations

# most serious first: precedence picks the first a finding argues for; reports list them in this order
ORDER = ("missing", "late", "broken", "stale", "inconclusive", "ok", "exempt", "not_applicable")
DECIDING = ORDER[:5]  # the statuses a rule's finding can argue for, in the order they win
GAPS = ("missing", "late", "broken", "stale")  # what a department has to fix
STATUSES = ("ok", "missing", "stale", "late", "broken", "exempt", "not_applicable", "inconclusive")


def is_open(status: str, set_aside: bool) -> bool:
    """An open gap: a gap status not set aside by an honoured review. The one definition."""
    return status in GAPS and not set_aside


def is_published(status: str, set_aside: bool) -> bool:
    """Counts as published (已公开) wherever a share of published items is computed — the province's index,
    its heat map, the 清单表: found and current, or a gap the office's review set aside."""
    return status == "ok" or (status in GAPS and set_aside)

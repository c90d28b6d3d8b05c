"""stale / late: a periodic item whose newest edition does not cover the period due as of `as_of`.

late  — the item has a legal deadline (annual report by 31 Oct for the previous academic year,
        employment quality report by 31 Dec) and it passed without the due edition (rule `deadline`);
stale — any other periodic item behind its renewal (rule `freshness`), or whose editions carry no date at
        all (rule `undated`: an undated item counts as not updated, as government-site inspections do).
Only documents are editions: a notice asking for material for the report is not the report.

An edition that could not be read (a redirect off-site, a WAF) stands for what its list entry says it is
when no readable one exists: older than the edition due, it cannot make the item current (unverifiable
does not raise it), so the item is behind. 应发布日期 (the finding's `due`) is the due date of the oldest
edition missing; with no edition at all, that of the edition due tonight (the gap's episode keeps the
earliest any night found).
"""

from __future__ import annotations

from auditor.checklist import Item
from auditor.findings import Evidence, Finding
from auditor.rules import TIMELY, UNDATED, Context, is_blocked, rule, set_aside, set_aside_en

FRESHNESS = rule(
    "freshness", "stale", "medium", ("freshness.none", "freshness.behind"), basis=TIMELY, order=14
)
# Its variants: a legal deadline passed (annual report, employment report); editions with no date at all
DEADLINE = rule(
    "deadline", "late", "high", ("freshness.none", "freshness.behind"), basis=TIMELY, of=FRESHNESS
)
UNDATED_EDITIONS = rule("undated", "stale", "medium", ("freshness.undated",), basis=UNDATED, of=FRESHNESS)


def editions(item: Item, evidence: list[Evidence]) -> list[Evidence]:
    """The item's readable documents whose titles name an edition of it."""
    return [e for e in evidence if e.usable and e.is_document and item.renewal.is_edition(e.title)]


@FRESHNESS.checker
def check(item: Item, evidence: list[Evidence], ctx: Context) -> list[Finding]:
    r = item.renewal
    unread = [e for e in evidence if is_blocked(e) and e.is_document and r.is_edition(e.title)]
    if r.period is None or not (any(e.usable for e in evidence) or unread):
        return []
    due = r.due_period(ctx.as_of)
    if due is None:
        return []
    want = r.describe(due)
    deadline = r.due_date(due).isoformat()
    found = editions(item, evidence) or unread
    dated = [
        (p, e) for e in found if (p := r.covered(e.edition_start, e.edition_kind, e.published)) is not None
    ]
    params = {
        "short": item.short,
        "as_of": ctx.as_of.isoformat(),
        "want": want,
        "deadline": deadline,
        "publish": item.publish,
        "aside_zh": set_aside(ctx),
        "aside_en": set_aside_en(ctx),
    }
    behind = DEADLINE if r.hard else FRESHNESS
    if not found:
        return [behind.finding(item, "freshness.none", params, due=deadline)]
    if not dated:
        e = found[0]
        return [
            UNDATED_EDITIONS.finding(
                item,
                "freshness.undated",
                {**params, "url": e.url, "edition": e.describe()},
                e.url,
                due=deadline,
            )
        ]
    newest, e = max(dated, key=lambda pe: (pe[0], pe[1].published or ""))
    if newest >= due:
        return []
    first = newest + 1  # the oldest edition that should be there and is not: 应发布日期 is its due date
    since = (
        {"since_zh": f"自{r.describe(first)}起均未发布（{r.describe(first)}版应于 {r.due_date(first)} 前发布）；",
         "since_en": f"nothing since {r.describe(first)} (due by {r.due_date(first)}); "}
        if first < due
        else {}
    )  # fmt: skip
    return [
        behind.finding(
            item,
            "freshness.behind",
            {
                **params,
                **since,
                "have": r.describe(newest),
                "title": e.title,
                "url": e.url,
                "edition": e.describe(),
            },
            e.url,
            due=r.due_date(first).isoformat(),
        )
    ]

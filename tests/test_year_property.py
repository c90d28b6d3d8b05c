"""A school's year, generated (issue 23): nights weeks apart; items whose newest edition is current, behind by a
year or two, absent, or dead; editions falling due as the months pass; crawls that fail; the office's reviews —
false positives, promises kept and broken, withdrawn. Each night is audited by the real rules and kept by the
real history, in process; the test's own oracle says what each gap's facts must be, and every output — the
findings, the terminal, the HTML report, the workbook, the 整改通知, the assessment and the annual figures —
must agree with it and with each other."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

from bs4 import BeautifulSoup
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from rich.console import Console

from auditor import history
from auditor.annual import Period, facts
from auditor.assessment import assess
from auditor.audit import audit_item
from auditor.checklist import load_checklist
from auditor.findings import AuditResult, Evidence
from auditor.pages import ItemPages
from auditor.report import html, notices, xlsx
from auditor.report.terminal import print_summary
from auditor.report.view import rectify_text
from auditor.reviews import Review, apply_reviews, sync
from auditor.rules import Context
from auditor.store import Store
from auditor.workdays import add_working_days

CHECKLIST = load_checklist()
PERIODIC = ("moe-19", "moe-20", "moe-34", "moe-23")  # due 31 May, 30 Sep (+1), 31 Dec (+1), 31 Mar (+1)
STANDING = ("moe-16",)
START = date(2021, 9, 1)
STATES = {
    "periodic": ("current", "behind1", "behind2", "none", "dead"),
    "standing": ("present", "none", "dead"),
}


def evidence(item_id: str, state: str, on: date) -> list[Evidence]:
    """What the crawl holds for the item in `state` on `on`."""
    item = CHECKLIST.get(item_id)
    r = item.renewal
    if state == "none":
        return []
    if r.period is None:
        year, url = on.year, f"http://xxgk.x.test/{item_id}.htm"
    else:
        year = r.due_period(on) - {"current": 0, "behind1": 1, "behind2": 2, "dead": 0}[state]
        url = f"http://xxgk.x.test/{item_id}/{year}.htm"
    title = f"示例学院{year}年{item.short}"
    return [
        Evidence(url=url, title=title, score=100, field="title", matched=title, alias=item.short,
                 status=404 if state == "dead" else 200, published=f"{year + r.lag}-01-15",
                 period=f"{year}年", period_start=year, period_kind="year")
    ]  # fmt: skip


def rule_due(item_id: str, state: str, on: date) -> str | None:
    """The oracle: what was due for the item in `state` on `on` — the oldest edition missing."""
    r = CHECKLIST.get(item_id).renewal
    if r.period is None or state in ("current", "dead"):
        return None
    due = r.due_period(on)
    first = {"none": due, "behind1": due, "behind2": due - 1}[state]
    return r.due_date(first).isoformat()


@st.composite
def years(draw):
    n = draw(st.integers(5, 12))
    nights = [START]
    for gap in draw(st.lists(st.integers(7, 60), min_size=n - 1, max_size=n - 1)):
        nights.append(nights[-1] + timedelta(days=gap))
    kinds = {i: "periodic" for i in PERIODIC} | {i: "standing" for i in STANDING}
    states: list[dict[str, str]] = []
    for _ in nights:
        prev = states[-1] if states else {}
        states.append({
            i: prev[i] if i in prev and draw(st.booleans()) else draw(st.sampled_from(STATES[k]))
            for i, k in kinds.items()
        })  # fmt: skip
    failed = [False] + [draw(st.integers(0, 5)) == 0 for _ in nights[1:-1]] + [False]
    reviews = [
        draw(st.one_of(st.none(), st.tuples(st.sampled_from([*PERIODIC, *STANDING]),
                                            st.sampled_from(["false_positive", "acknowledged", "withdraw"]),
                                            st.integers(1, 60))))
        for _ in nights
    ]  # fmt: skip
    return nights, states, failed, reviews


def night(store: Store, i: int, on: date, states: dict[str, str], failed: bool, filed: list[Review]) -> dict:
    """One night, as audit_and_record runs it (without the crawl and the evidence archive)."""
    run = {"id": i, "status": "failed" if failed else "complete", "started_at": f"{on}T01:00:00+00:00",
           "finished_at": f"{on}T01:30:00+00:00", "pages": 100, "copies": 0, "attachments": 0, "stop_reason": None,
           "errors": {}, "revisit": {"kept": 0, "overdue": 0, "days": 7}}  # fmt: skip
    result = AuditResult(
        "示例学院", on.isoformat(), "inconclusive" if failed else "complete", "抓取失败" if failed else "", run,
        [], "f", "t",
    )  # fmt: skip
    ctx_problem = "抓取失败：站点无法访问" if failed else None
    for item_id, state in states.items():
        item = CHECKLIST.get(item_id)
        ctx = Context(on, 100, ("xxgk.x.test",), crawl_problem=ctx_problem)
        result.items.append(audit_item(item, ItemPages(evidence=evidence(item_id, state, on)), ctx))
    apply_reviews(result, sync(store, filed, on))
    history.attach(store, result, 10, frozenset())
    history.save(store, result)
    return store.findings(result.audit_id)


def review_of(
    findings: dict, wish: tuple[str, str, int] | None, on: date, filed: list[Review]
) -> list[Review]:
    """The office's decision tonight, written as reviews.yaml would hold it (one per item)."""
    if wish is None:
        return filed
    item_id, decision, days = wish
    it = next(it for it in findings["items"] if it["id"] == item_id)
    kept = [r for r in filed if r.item != item_id]
    if decision == "withdraw" or not it["open"]:
        return kept
    due = (on + timedelta(days=days)).isoformat() if decision == "acknowledged" else None
    return [*kept, Review(item_id, decision, "纪检监察处", "复核", on.isoformat(), due, it["status"], None)]


def oracle(past: list[tuple[date, dict, bool]], item_id: str) -> tuple[str, str | None]:
    """(首次发现, 应发布日期) of the item's current gap, from the generated nights alone."""
    first, dues = None, []
    for on, findings, failed in reversed(past):
        it = next(x for x in findings["items"] if x["id"] == item_id)
        if failed or it["status"] == "inconclusive":
            continue
        if not it["open"]:
            break
        first = on
        dues.append(it["_state_due"])
    return first.isoformat(), min((d for d in dues if d), default=None)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(year=years())
def test_every_output_agrees_on_every_gap_all_year(tmp_path_factory, year):
    nights, states, failed, wishes = year
    folder = tmp_path_factory.mktemp("year")
    filed: list[Review] = []
    past: list[tuple[date, dict, bool]] = []
    previous: dict[str, dict] = {}
    with Store(folder / "auditor.sqlite") as store:
        for i, on in enumerate(nights, 1):
            findings = night(store, i, on, states[i - 1], failed[i - 1], filed)
            for it in findings["items"]:
                it["_state_due"] = rule_due(it["id"], states[i - 1][it["id"]], on)
            past.append((on, findings, failed[i - 1]))
            if not failed[i - 1]:
                for it in findings["items"]:
                    if not it["open"]:
                        previous.pop(it["id"], None)
                        continue
                    first, due = oracle(past, it["id"])
                    assert it["history"]["first_seen"] == first, it["id"]
                    assert it["due_date"] == due, it["id"]
                    days = (on - date.fromisoformat(due)).days if due else None
                    assert it["days_overdue"] == (max(0, days) if days is not None else None)
                    review = it.get("review") or {}
                    if review.get("decision") == "acknowledged" and not review.get("outdated"):
                        assert (it["rectify_by"], it["rectify_source"]) == (review["due"], "review")
                    else:
                        found = add_working_days(date.fromisoformat(first), 10).isoformat()
                        assert (it["rectify_by"], it["rectify_source"]) == (found, "found"), it["id"]
                    before = previous.get(it["id"])
                    if before and before["history"]["first_seen"] == first:  # the same gap, a later night
                        if before["due_date"]:  # known: it only ever moves earlier (a dead page has none)
                            assert it["due_date"] <= before["due_date"], it["id"]
                        if it["rectify_source"] == before["rectify_source"] == "found":
                            assert it["rectify_by"] == before["rectify_by"]
                    previous[it["id"]] = it
                filed = review_of(findings, wishes[i - 1], on, filed)
        last = past[-1][1]
        outputs_agree(store, last, folder)


def _cell(value: object) -> object:
    """A workbook cell as findings.json says it: dates as ISO text, blanks as None."""
    if hasattr(value, "date") and callable(value.date):
        return value.date().isoformat()
    return None if value == "" else value


def outputs_agree(store: Store, findings: dict, folder: Path) -> None:
    gaps = {it["id"]: it for it in findings["items"] if it["open"]}
    assert findings["summary"]["open_gaps"] == len(gaps)
    as_of = date.fromisoformat(findings["run"]["as_of"])
    # terminal
    console = Console(record=True, width=220, file=io.StringIO())
    print_summary(findings, console)
    text = console.export_text()
    assert f"未关闭问题 {len(gaps)}" in text
    # HTML: the gap table's row of each gap
    soup = BeautifulSoup(html.render_html(findings), "html.parser")
    rows = {}
    for tr in soup.select("table.gaps tbody tr") or soup.find_all("tr"):
        cells = [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        for item_id in gaps:
            if len(cells) >= 8 and cells[1].startswith(item_id + " "):
                rows[item_id] = cells
    # the workbook
    book = load_workbook(xlsx.write_xlsx(findings, folder))
    sheet = book.worksheets[0]
    head = [c.value for c in sheet[1]]
    table = {r[0]: dict(zip(head, r, strict=False)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    for item_id, it in gaps.items():
        due, overdue, first = it["due_date"] or "—", it["days_overdue"], it["history"]["first_seen"]
        rectify = rectify_text(it, "zh")
        assert rows[item_id][4:8] == [due, str(overdue) if overdue is not None else "—", first, rectify], (
            item_id
        )
        row = {k: _cell(v) for k, v in table[item_id].items()}
        assert [row["应发布日期"] or "—", row["逾期天数"], row["首次发现"], row["整改时限"]] == [
            due, overdue, first, rectify,
        ], item_id  # fmt: skip
        assert due in text and first in text
    # the 整改通知: each gap's 期限 cell, and never a date already past asked for
    for path in notices.write_notices(findings, folder):
        doc = Document(str(path))
        body = "\n".join(p.text for p in doc.paragraphs)
        asked = [w for w in body.split("请于 ")[1:]]
        assert all(w[:10] >= as_of.isoformat() for w in asked), body
        for r in doc.tables[0].rows[1:]:
            cell = r.cells[4].text
            it = next(g for g in gaps.values() if r.cells[1].text.startswith(g["short"]))
            assert (it["due_date"] or "—") in cell and it["rectify_by"] in cell
    # the assessment and the annual figures over a period running past the last night: the nightly deadline,
    # and the days observed only (the last night that saw a gap open, never the period's end)
    period = Period(START, as_of + timedelta(days=90), "year")
    result = assess(store, "示例学院", period, {})
    assert sum(d["open_at_end"] for d in result["departments"]) == len(gaps)
    assert facts(store, "示例学院", period, as_of, {})["problem_counts"]["open_at_end"] == len(gaps)
    open_eps = {g["item"]: g for g in result["gaps"] if g["closed"] is None and not g["void"]}
    assert set(open_eps) == set(gaps)
    for item_id, g in open_eps.items():
        it = gaps[item_id]
        if it["due_date"]:
            assert (g["deadline"], g["deadline_kind"], g["days_past_deadline"]) == (
                it["due_date"], "due", it["days_overdue"]
            ), item_id  # fmt: skip
        else:
            assert (g["deadline"], g["deadline_kind"]) == (it["rectify_by"], "rectify_by"), item_id
            assert g["days_past_deadline"] == (it["rectify_lapsed"] or 0), item_id
        assert g["opened"] == it["history"]["first_seen"] and g["last_open"] == as_of.isoformat()
    for g in result["gaps"]:  # fixed ones too: never a day after the last audit that saw them open
        if g["deadline"]:
            seen = (date.fromisoformat(g["last_open"]) - date.fromisoformat(g["deadline"])).days
            assert g["days_past_deadline"] == max(0, seen), g["item"]

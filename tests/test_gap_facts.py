"""One gap, one set of facts (issue 23): on an unchanged site audited on three dates two weeks apart, every open
gap keeps its 应发布日期, 首次发现 and 整改时限 and its 逾期天数 grows by exactly the days between; the assessment
gives each gap the nightly deadline and never more days than were observed; a review is the one event that
changes a 整改时限."""

from __future__ import annotations

from datetime import date

import pytest

from auditor import history
from auditor.annual import between
from auditor.assessment import assess
from auditor.audit import run_audit
from auditor.checklist import for_site
from auditor.config import load_config
from auditor.reviews import Review, apply_reviews
from auditor.store import Store

NIGHTS = ("2022-12-20", "2023-01-03", "2023-01-17")  # across 31 December, when the next editions fall due


def audit(cfg, on: str, reviews: list[Review] = ()) -> dict:
    """The nightly audit of the stored crawl as of `on` (no crawl: the site is unchanged), kept in history."""
    with Store(cfg.store) as store:
        result = run_audit(store, cfg, for_site(cfg), date.fromisoformat(on))
        apply_reviews(result, list(reviews))
        history.attach(store, result, cfg.rectify_days, cfg.holidays)
        history.save(store, result)
        return result.as_json()


@pytest.fixture
def three_nights(demo_copy):
    cfg = load_config(demo_copy)
    return cfg, [audit(cfg, on) for on in NIGHTS]


def gaps(findings: dict) -> dict[str, dict]:
    return {it["id"]: it for it in findings["items"] if it["open"]}


def test_an_open_gap_keeps_its_dates_and_its_days_grow_by_the_days_between(three_nights):
    _, nights = three_nights
    first, *later = [gaps(n) for n in nights]
    assert len(first) >= 5 and all(set(g) == set(first) for g in later)
    for item, g in first.items():
        for n, on in zip(later, NIGHTS[1:], strict=True):
            again = n[item]
            assert again["due_date"] == g["due_date"], item
            assert again["history"]["first_seen"] == g["history"]["first_seen"] == NIGHTS[0], item
            assert again["rectify_by"] == g["rectify_by"], item
            if g["days_overdue"] is not None:
                gap_days = (date.fromisoformat(on) - date.fromisoformat(NIGHTS[0])).days
                assert again["days_overdue"] == g["days_overdue"] + gap_days, item
    # 整改时限: 10 working days after 2022-12-20 on China's calendar (2 January 2023 is 元旦's day off), the
    # same every night, and said to have lapsed, not moved
    assert {g["rectify_by"] for g in first.values()} == {"2023-01-04"}
    lapsed = gaps(nights[-1])
    assert all(g["rectify_lapsed"] == 13 and g["rectify_source"] == "found" for g in lapsed.values())
    # a year-end deadline passed between the nights: 应发布日期 stayed the earliest the gap left unmet
    assert any(g["due_date"] and g["due_date"] < "2022-12-31" for g in first.values())


def test_the_assessment_gives_each_gap_the_nightly_deadline_and_only_observed_days(three_nights):
    cfg, nights = three_nights
    last = gaps(nights[-1])
    with Store(cfg.store) as store:
        result = assess(store, cfg.school, between("2022-09-01", "2023-08-31"), {})
    by_item = {g["item"]: g for g in result["gaps"] if g["opened"] == NIGHTS[0]}
    assert set(by_item) == set(last)
    for item, g in by_item.items():
        nightly = last[item]
        if nightly["due_date"]:
            assert (g["deadline"], g["deadline_kind"]) == (nightly["due_date"], "due"), item
            # never beyond the last night that saw it open (not to the period's end, 2023-08-31)
            assert g["days_past_deadline"] == nightly["days_overdue"], item
        else:
            assert (g["deadline"], g["deadline_kind"]) == (nightly["rectify_by"], "rectify_by"), item
            assert g["days_past_deadline"] == nightly["rectify_lapsed"], item


def test_a_review_is_the_one_event_that_sets_another_rectify_by(demo_copy):
    cfg = load_config(demo_copy)
    before = gaps(audit(cfg, "2022-11-01"))
    item = next(iter(before))
    promise = Review(item, "acknowledged", "党政办 王敏", "已安排补发", "2022-11-02", "2022-12-30")
    after = gaps(audit(cfg, "2022-11-15", [promise]))[item]
    assert (after["rectify_by"], after["rectify_source"], after["rectify_lapsed"]) == (
        "2022-12-30",
        "review",
        None,
    )
    assert after["history"]["first_seen"] == "2022-11-01" and after["due_date"] == before[item]["due_date"]
    with Store(cfg.store) as store:
        ep = next(e for e in history.episodes(store) if e.item == item)
    assert ep.rectify_by == "2022-12-30"


def test_no_notice_asks_for_a_date_already_past(three_nights, tmp_path):
    from docx import Document

    from auditor.report import notices

    _, nights = three_nights
    first, last = nights[0], nights[-1]
    title, sentence = notices.ask(list(gaps(first).values()))
    assert title == "信息公开问题整改通知" and "请于 2023-01-04 前完成整改" in sentence
    # two weeks later every 整改时限 has passed: a 再次通知, asking for no date at all
    for path in notices.write_notices(last, tmp_path):
        doc = Document(str(path))
        body = "\n".join(p.text for p in doc.paragraphs)
        cells = "".join(c.text for r in doc.tables[0].rows for c in r.cells)
        assert "（再次通知）" in body and "请于" not in body and "请立即整改" in body
        assert "原定整改时限\n2023-01-04\n已逾期 13 天" in cells
    mixed = [
        *gaps(last).values(),
        {**next(iter(gaps(first).values())), "rectify_by": "2023-02-01", "rectify_lapsed": None},
    ]
    title, sentence = notices.ask(mixed)
    assert (
        "再次通知" not in title
        and "请于 2023-02-01 前完成整改" in sentence
        and "原定整改时限已过" in sentence
    )


def test_reviews_are_events_kept_in_the_store(demo_copy):
    """reviews.yaml writes events; an entry taken out of the file is recorded as withdrawn, not forgotten."""
    from auditor.reviews import load_reviews, sync, write_review

    cfg = load_config(demo_copy)
    item = next(iter(gaps(audit(cfg, "2022-11-01"))))
    write_review(
        cfg.reviews, Review(item, "false_positive", "纪检监察处 李四", "该栏目另有链接", "2022-11-02")
    )
    with Store(cfg.store) as store:
        honoured = sync(store, load_reviews(cfg.reviews), date(2022, 11, 2))
        assert [(r.item, r.decision) for r in honoured] == [(item, "false_positive")]
        assert sync(store, load_reviews(cfg.reviews), date(2022, 11, 3)) == honoured  # kept once
        cfg.reviews.write_text("reviews: []\n", "utf-8")
        assert sync(store, [], date(2022, 11, 4)) == []
        events = [(e["decision"], e["reviewer"], e["date"]) for e in store.review_events()]
    assert events == [
        ("false_positive", "纪检监察处 李四", "2022-11-02"),
        ("withdrawn", "reviews.yaml", "2022-11-04"),
    ]

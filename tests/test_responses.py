"""What the next audit makes of a department's response and of the office's reassignment (auditor.responses)."""

from __future__ import annotations

import pytest

from auditor.findings import AuditResult, ItemResult
from auditor.responses import REASSIGNED, apply_assignments, verdict
from auditor.store import Store


@pytest.mark.parametrize(
    ("kind", "status", "crawled", "said"),
    [
        ("fixed", "ok", True, "confirmed"),
        ("fixed", "ok", False, "confirmed"),  # published elsewhere than the URL given: still published
        ("fixed", "missing", True, "still_open"),
        ("fixed", "late", False, "url_not_crawled"),
        ("fixed", "inconclusive", True, "unverified"),  # a night that could not verify confirms nothing
        ("not_ours", "missing", None, "noted"),
        ("explained", "missing", None, "noted"),
    ],
)
def test_only_a_fixed_answer_is_verified_and_only_by_the_item_no_longer_being_a_gap(
    kind, status, crawled, said
):
    assert verdict(kind, status, crawled) == said


def test_the_newest_reassignment_gives_the_item_to_its_department_and_says_who_had_it(tmp_path):
    result = AuditResult("学院", "2022-11-15", "complete", "", {"id": 1}, [], "fp", "t")
    result.items = [
        ItemResult("moe-20", "决算", "决算", "财务", "党政办", "checklist", "missing", 20),
        ItemResult("moe-21", "预算", "预算", "财务", "财务处", "checklist", "missing", 21),
    ]
    with Store(tmp_path / "auditor.sqlite") as store:
        store.reassign("moe-20", "招生就业处", "office", "先改派")
        store.reassign("moe-20", "财务处", "office", "决算由财务处编制")
        apply_assignments(result, store)
        assert [e["event"] for e in store.log_entries("moe-20")] == ["reassign", "reassign"]
    moved, kept = result.items
    assert (moved.owner, moved.owner_source, moved.owner_seen) == ("财务处", REASSIGNED, "党政办")
    assert (kept.owner, kept.owner_source) == ("财务处", "checklist")

"""The departments' yearly assessment: per department, what it owned, which gaps were found and how long each
stayed open past its deadline, what was fixed and how fast, and what reviews said — counted from the stored
gap episodes (auditor.history.Episode, the one definition) and scored by weights kept as data
(rules/assessment.yaml, overridden per school in site.yaml). The method is part of the result, so every
output prints it."""

from __future__ import annotations

from collections import Counter
from statistics import median
from typing import Any

from auditor.annual import Period, coverage, problems, standing
from auditor.history import Episode
from auditor.store import Store
from auditor.weights import DEFAULT_WEIGHTS, START

METHOD = (
    "每个部门以 {start:g} 分为起点：期间内每发现一个问题扣 {gap_found:g} 分（经复核为误报或不适用的不计）；问题超过应发布"
    "日期（无应发布日期的，超过整改时限）后仍未整改的，每天扣 {day_past_deadline:g} 分，每个问题最多计 {days_cap:g} 天；"
    "已确认并承诺整改日期而逾期未整改的，每个扣 {promise_broken:g} 分；在期限内整改的，每个加 {fixed_in_time:g} 分。得分介于 "
    "0 与 {start:g} 之间。问题、日期与天数均取自每晚完整检查的记录，与每晚报告一致：一个问题自首次发现之日起，至首次既非"
    "问题又非“需人工核实”之日止；应发布日期、整改时限在发现时确定，只有复核记录可以改变；天数只计到最后一次检查仍见其未"
    "整改之日，且只计期间内的天数。"
)


TOTALLED = (
    "items_owned", "gaps_found", "carried_in", "days_past_deadline", "fixed", "fixed_in_time", "open_at_end",
    "false_positives", "accepted", "promises_kept", "promises_broken", "promises_pending",
)  # fmt: skip


def _score(row: dict[str, Any], w: dict[str, float]) -> float:
    points = (
        START
        - w["gap_found"] * row["gaps_found"]
        - w["day_past_deadline"] * row["days_counted"]
        - w["promise_broken"] * row["promises_broken"]
        + w["fixed_in_time"] * row["fixed_in_time"]
    )
    return round(min(START, max(0.0, points)), 1)


def _set_aside_as(e: Episode, decision: str) -> bool:
    return e.void and (e.review or {}).get("decision") == decision


def _row(dept: str, owned: int, eps: list[Episode], period: Period, w: dict[str, float]) -> dict[str, Any]:
    start, end = period.start, period.end
    first, last = start.isoformat(), end.isoformat()
    real = [e for e in eps if not e.void]
    found = [e for e in real if first <= e.opened <= last]
    fixed = [e for e in real if e.fixed_between(first, last)]
    days = [e.days_past_deadline(end, start) for e in real]
    promises = [p for e in real if (p := e.promise(end))]
    row = {
        "department": dept,
        "items_owned": owned,
        "gaps_found": len(found),
        "carried_in": sum(e.opened < first for e in real),
        "fixed": len(fixed),
        "fixed_in_time": sum(e.fixed_in_time() for e in fixed),
        "median_days_to_fix": median(e.days_to_fix() or 0 for e in fixed) if fixed else None,
        "days_past_deadline": sum(days),
        "days_counted": sum(min(d, w["days_cap"]) for d in days),
        "open_at_end": sum(e.open_after(last) for e in real),
        "false_positives": sum(_set_aside_as(e, "false_positive") for e in eps),
        "accepted": sum(_set_aside_as(e, "exempted") for e in eps),
        "promises_kept": promises.count("kept"),
        "promises_broken": promises.count("broken"),
        "promises_pending": promises.count("pending"),
    }
    row["score"] = _score(row, w)
    return row


def assess(store: Store, school: str, period: Period, overrides: dict[str, float]) -> dict[str, Any]:
    """The assessment as data (schema auditor.assessment/1): departments, every gap behind their figures,
    the weights used and the method in words."""
    w = {**DEFAULT_WEIGHTS, **overrides}
    s, e = period.start.isoformat(), period.end.isoformat()
    eps = problems(store, period)
    at_end = standing(store, period.end)
    owned: dict[str, int] = {}
    for it in (at_end or {}).get("items", []):
        if it["status"] != "not_applicable":
            owned[it["owner"]] = owned.get(it["owner"], 0) + 1
    gaps = Counter(x.owner for x in eps)
    rows = [
        _row(d, owned.get(d, 0), [x for x in eps if x.owner == d], period, w) for d in set(owned) | set(gaps)
    ]
    rows.sort(key=lambda r: (-r["score"], -r["items_owned"], r["department"]))
    for r in rows:  # 名次: departments with the same score share it (1, 2, 2, 4)
        r["rank"] = 1 + sum(o["score"] > r["score"] for o in rows)
    return {
        "schema": "auditor.assessment/1",
        "school": school,
        "period": {"start": s, "end": e, "label": period.label},
        "standing_audit": (at_end or {}).get("audit", {}).get("id"),
        "standing_as_of": (at_end or {}).get("run", {}).get("as_of"),
        "audits": sum(period.holds(a["as_of"]) for a in store.audits("complete")),
        "coverage": coverage(store, period),
        "weights": w,
        "start": START,
        "method": METHOD.format(start=START, **w),
        "departments": rows,
        "total": {k: sum(r[k] for r in rows) for k in TOTALLED},  # 合计
        "gaps": [
            {
                **x.as_json(period.end),
                "days_past_deadline_in_period": x.days_past_deadline(period.end, period.start),
                "fixed_in_time": x.fixed_in_time(),
            }
            for x in eps
        ],
    }

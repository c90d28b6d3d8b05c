"""Every rule's examples as data, run by this one harness (as sqlfluff runs its rule tests): one file a rule,
tests/rule_cases/<rule>.yaml, its top-level `as_of` the default of its cases.

A case has a `name`, its input — the checklist `item`, `as_of`, the `evidence` the pages model gave the rule
(a title is enough: its period is read from it as the extractor reads it, its answer is 200 unless said), and
what else the rule's context holds (`mentions`, `unfetched`: the 信息公开目录's links the crawl never stored,
`profile`, `exemption`) — and what the rule should find: `pass: true` for nothing, or `findings`, each with its
`rule` and `status` and the facts that matter (`key`, `severity`, `params` it must hold, `due`, `url`, `says`:
words its message must contain). precedence.yaml and crawl_health.yaml decide an item's one status from the
findings `given` (by rule and key: the rule's declaration supplies the rest) and the crawl's `run`; they
expect the `status`, and the findings kept."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.checklist import Checklist, load_checklist, province_path
from auditor.config import Profile
from auditor.extract.dates import title_period
from auditor.findings import Evidence, Finding
from auditor.rules import Context, all_rules, crawl_health, precedence, registry
from auditor.store import Run

CASES = Path(__file__).parent / "rule_cases"
DECIDING = ("precedence", "crawl_health")  # files whose cases decide a status rather than run one check
INPUT = {"name", "item", "as_of", "evidence", "mentions", "unfetched", "pages", "profile", "exemption"}
DECISION_INPUT = {"given", "usable", "run"}  # what precedence and crawl_health start from
EXPECTED = {"pass", "findings", "status", "note"}
FACTS = {"rule", "status", "key", "severity", "params", "due", "url", "says", "basis"}


@cache
def checklist() -> Checklist:
    return load_checklist(extra=[province_path("湖南")])  # the national items and Hunan's


def _plain(value: Any) -> Any:
    """YAML's dates as the ISO strings evidence and findings hold."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def load_cases() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in sorted(CASES.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text("utf-8"))
        names = [c["name"] for c in doc["cases"]]
        assert len(names) == len(set(names)), f"{path.name}: two cases share a name"
        for case in doc["cases"]:
            out.append((path.stem, {"as_of": doc.get("as_of"), **case}))
    return out


ALL = load_cases()
EVIDENCE_FIELDS = {f.name for f in fields(Evidence)}


def evidence(spec: dict[str, Any], n: int, kind: str = "document") -> Evidence:
    """Evidence as the pages model leaves it, from what a case says; its periods read from its title and
    from `content_period` (what its document states) as the extractor reads them."""
    spec = _plain(spec)
    unknown = set(spec) - EVIDENCE_FIELDS
    assert not unknown, f"evidence fields {unknown} do not exist"
    title = spec["title"]
    got: dict[str, Any] = {
        "url": f"http://xxgk.x.test/{n}.htm",
        "score": 100,
        "field": "title",
        "matched": title,
        "alias": title,
        "status": 200,
        "kind": kind,
    }
    if p := title_period(title):
        got |= {"period": p.label, "period_start": p.start, "period_kind": p.kind}
    if stated := spec.get("content_period"):
        p = title_period(stated)
        assert p, f"content_period {stated!r} names no period"
        got |= {"content_period": p.label, "content_period_start": p.start, "content_period_kind": p.kind}
    return Evidence(**{**got, **spec})


def context(case: dict[str, Any], problem: str | None = None) -> Context:
    unfetched = tuple(case.get("unfetched", ()))
    profile = case.get("profile")
    annual = checklist().annual_report
    return Context(
        as_of=date.fromisoformat(_plain(case["as_of"])),
        pages=case.get("pages", 400),
        hosts=("xxgk.x.test",),
        claimed=unfetched,
        unfetched=unfetched,
        mentions=tuple(evidence(m, 900 + i, "notice") for i, m in enumerate(case.get("mentions", ()))),
        profile=Profile(**profile) if profile is not None else None,
        exemption=case.get("exemption"),
        crawl_problem=problem,
        annual_report=annual if case["item"] == annual.item else None,  # as the audit gives it
    )


def given(case: dict[str, Any]) -> list[Finding]:
    """Findings a case starts from, named by rule and key: the declaration says the rest."""
    item = checklist().get(case["item"])
    rules = registry()
    return [
        rules[g["rule"]].finding(item, g["key"], _plain(g.get("params", {}))) for g in case.get("given", ())
    ]


def run_case(stem: str, case: dict[str, Any]) -> tuple[list[Finding], str | None, str | None]:
    """(the findings, the status decided or None, the note) — a rule's check alone, or an item's decision."""
    unknown = set(case) - INPUT - EXPECTED - (DECISION_INPUT if stem in DECIDING else set())
    assert not unknown, f"case keys {unknown} mean nothing here"
    item = checklist().get(case["item"])
    found = [evidence(e, i) for i, e in enumerate(case.get("evidence", ()))]
    if stem in DECIDING:
        problem = crawl_problem(case["run"]) if "run" in case else None
        usable = case.get("usable", any(e.usable for e in found))
        status, kept, note = precedence.decide(item, given(case), context(case, problem), usable)
        return kept, status, note
    rule = registry()[stem]
    assert rule.check, f"{stem}.yaml: rule {stem!r} runs no check"
    return rule.check(item, found, context(case)), None, None


def crawl_problem(run: dict[str, Any]) -> str | None:
    """What crawl_health says of a crawl run as a case describes it (status, stop_reason, pages, errors)."""
    stats = {"counts": {"pages": run.get("pages", 100), "attachments": 0}, "errors": run.get("errors", {})}
    return crawl_health.problem(
        Run(
            id=1,
            school="x",
            started_at="2022-11-15T01:00:00",
            finished_at=None,
            status=run["status"],
            stop_reason=run.get("stop_reason"),
            config_fingerprint=None,
            tool_version=None,
            stats=stats,
        )
    )


def mismatch(got: Finding, want: dict[str, Any]) -> list[str]:
    """What about `got` differs from the facts a case expects."""
    unknown = set(want) - FACTS
    assert not unknown, f"expected facts {unknown} mean nothing here"
    want = _plain(want)
    bad = [
        f"{k}: {getattr(got, k)!r} ≠ {want[k]!r}"
        for k in ("rule", "status", "key", "severity", "due", "url")
        if k in want and getattr(got, k) != want[k]
    ]
    bad += [
        f"params[{k}]: {got.params.get(k)!r} ≠ {v!r}"
        for k, v in want.get("params", {}).items()
        if got.params.get(k) != v
    ]
    says = want.get("says", [])
    bad += [
        f"message lacks {w!r}: {got.message}"
        for w in ([says] if isinstance(says, str) else says)
        if w not in got.message
    ]
    if "basis" in want and want["basis"] not in got.basis:
        bad.append(f"basis lacks {want['basis']!r}: {got.basis}")
    return bad


@pytest.mark.parametrize(("stem", "case"), ALL, ids=[f"{stem}:{case['name']}" for stem, case in ALL])
def test_rule_case(stem: str, case: dict[str, Any]) -> None:
    assert set(case) & EXPECTED, "a case says what it expects: pass, findings or status"
    found, status, note = run_case(stem, case)
    if case.get("pass"):
        assert found == [], [(f.rule, f.key, f.message) for f in found]
    if "status" in case:
        assert status == case["status"], (status, [(f.rule, f.key) for f in found])
    if "note" in case:
        assert note == case["note"]
    if "findings" in case:
        want = case["findings"]
        assert len(found) == len(want), [(f.rule, f.key, f.message) for f in found]
        problems = {
            i: bad for i, (f, w) in enumerate(zip(found, want, strict=True)) if (bad := mismatch(f, w))
        }
        assert not problems, problems


def emitted() -> list[tuple[str, Finding]]:
    """Every finding the cases' rules emit (not the ones a case was given), with the case's file."""
    out = []
    for stem, case in ALL:
        found, _, _ = run_case(stem, case)
        start = {(g["rule"], g["key"]) for g in case.get("given", ())}  # precedence passes them on
        out += [(stem, f) for f in found if (f.rule, f.key) not in start]
    return out


def test_every_rule_name_a_rule_emits_is_registered_with_its_message_key():
    rules = registry()
    for stem, f in emitted():
        assert f.rule in rules, f"{stem}: {f.rule!r} is not a registered rule"
        declared = rules[f.rule]
        assert f.key in declared.keys, f"{stem}: {f.rule!r} does not declare {f.key!r}"
        assert (f.status, f.severity) == (declared.status, declared.severity), f"{stem}: {f.rule}"


def test_every_rule_and_each_of_its_message_keys_has_a_case():
    shown = {(f.rule, f.key) for _, f in emitted()}
    declared = {(r.name, key) for r in registry().values() for key in r.keys}
    assert declared - shown == set(), "no case shows these (rule, key)"
    files = {stem for stem, _ in ALL}
    assert files == {r.name for r in all_rules()} | set(
        DECIDING
    )  # a file for each rule that runs, no stray one


def test_a_rule_declares_what_it_says():
    rules = registry()
    item = checklist().get("moe-06")
    freshness = rules["freshness"]
    with pytest.raises(ValueError, match="declares no message key"):
        freshness.finding(item, "presence.missing", {})
    assert rules["deadline"].of == rules["undated"].of == "freshness" and not rules["deadline"].check

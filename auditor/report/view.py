"""What every renderer needs from a findings dict (the findings.json contract): labels in Chinese or
English, gaps grouped by owning department, counts by category, the link to cite for each item.
Nothing here decides a status: it only arranges what the audit decided."""

from __future__ import annotations

from collections import Counter, OrderedDict
from typing import Any

from auditor.answers import error_label
from auditor.statuses import GAPS
from auditor.wording import name, table

STATUS = table("status")
DECISION = table("decision")
REVIEW_FLAGS = table("review_flag")
RULES = table("rule")  # what each rule checks, as a report names it (codes stay in findings.json)
TEXT = table("text")


def t(key: str, lang: str) -> str:
    return TEXT.get(lang, TEXT["zh"]).get(key, TEXT["zh"][key])


def status_label(status: str, lang: str) -> str:
    return STATUS.get(lang, STATUS["zh"])[status]


def rule_label(rule: str, lang: str) -> str:
    return RULES.get(lang, {}).get(rule) or rule.replace("_", " ")


def decision_label(decision: str, lang: str, due: str | None = None) -> str:
    return DECISION.get(lang, DECISION["zh"]).get(decision, decision).format(due=due or "?")


def review_label(review: dict[str, Any] | None, lang: str) -> str:
    """复核为误报 / 已认领（承诺 2022-12-01 前整改）；承诺期限已过 — the review as one phrase, flags included."""
    if not review:
        return ""
    flags = REVIEW_FLAGS.get(lang, REVIEW_FLAGS["zh"])
    extra = [flags[k] for k in ("overdue", "outdated") if review.get(k)]
    text = decision_label(review["decision"], lang, review.get("due"))
    return text + ("；" if lang != "en" else "; ").join(["", *extra]) if extra else text


def review_text(review: dict[str, Any] | None, lang: str) -> str:
    """The review with who decided, when and why: 已认领（承诺 …前整改）（李四，2022-11-16：…）."""
    if not review:
        return ""
    who = "，".join(x for x in (review.get("reviewer"), review.get("date")) if x)
    why = "：".join(x for x in (who, review.get("reason")) if x)
    return review_label(review, lang) + (f"（{why}）" if why else "")


def response_text(response: dict[str, Any] | None, lang: str) -> str:
    """The department's answer and what the night made of it: 已整改：URL（张三，2026-12-06）；复查：仍未发现."""
    if not response:
        return ""
    kind = name("response_kind", response["kind"], lang)
    what = "：".join(x for x in (kind, response.get("url") or response.get("text") or "") if x)
    who = "，".join(x for x in (response.get("user"), (response.get("at") or "")[:10]) if x)
    verdict = response.get("verdict")
    checked = f"；{name('response_verdict', verdict, lang)}" if verdict and verdict != "noted" else ""
    return f"{what}（{who}）{checked}" if lang != "en" else f"{what} ({who}){checked.replace('；', '; ')}"


def rectify_text(it: dict[str, Any], lang: str) -> str:
    """整改时限 as every output shows it: the date; once passed, how long ago (it stays on record, it never
    moves); who set it when the office did; and the calendar's caveat for a year not yet published."""
    by = it.get("rectify_by")
    if not by:
        return ""
    lapsed = it.get("rectify_lapsed")
    if lang == "en":
        text = by + (f" (passed {lapsed} days ago)" if lapsed else "")
        text += " (set by the office)" if it.get("rectify_source") == "review" else ""
        return text + (
            " (holiday calendar for that year not yet published)" if it.get("calendar_note") else ""
        )
    text = by + (f"（已过 {lapsed} 天）" if lapsed else "")
    text += "（复核确定）" if it.get("rectify_source") == "review" else ""
    return text + (f"（{it['calendar_note']}）" if it.get("calendar_note") else "")


def message(finding: dict[str, Any], lang: str) -> str:
    return finding.get("message_en") if lang == "en" and finding.get("message_en") else finding["message"]


def summary(findings: dict[str, Any]) -> dict[str, int]:
    """The headline figures, as the audit counted them (findings.summarize)."""
    return findings["summary"]


def _urgency(it: dict[str, Any]) -> tuple[Any, ...]:
    """Most overdue first, then longest open, then national order."""
    h = it.get("history") or {}
    overdue = it.get("days_overdue")
    return (
        -(overdue if overdue is not None else -1),
        -(h.get("days_open") or 0),
        it.get("number") or 99,
        it["id"],
    )


def open_gaps(findings: dict[str, Any]) -> list[dict[str, Any]]:
    """The open gaps (ItemResult.open), most overdue first: the action list every output shows."""
    return sorted((it for it in findings["items"] if it["open"]), key=_urgency)


def to_check(findings: dict[str, Any]) -> list[dict[str, Any]]:
    return [it for it in findings["items"] if it["to_check"]]


def set_aside_items(findings: dict[str, Any]) -> list[dict[str, Any]]:
    return [it for it in findings["items"] if it["set_aside"] and it["status"] in GAPS]


def by_department(findings: dict[str, Any]) -> OrderedDict[str, dict[str, list[dict[str, Any]]]]:
    """Department → {open, to_check, set_aside}; departments with the most open gaps first."""
    groups: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for kind, items in (
        ("open", open_gaps(findings)),
        ("to_check", to_check(findings)),
        ("set_aside", set_aside_items(findings)),
    ):
        for it in items:
            groups.setdefault(it["owner"], {"open": [], "to_check": [], "set_aside": []})[kind].append(it)
    return OrderedDict(sorted(groups.items(), key=lambda kv: (-len(kv[1]["open"]), kv[0])))


def by_category(findings: dict[str, Any]) -> list[tuple[str, Counter[str]]]:
    cats: dict[str, Counter[str]] = {}
    for it in findings["items"]:
        cats.setdefault(it["category"], Counter())[it["status"]] += 1
    return list(cats.items())


def publication_link(item: dict[str, Any]) -> dict[str, Any] | None:
    """The place to cite for an item: its column (a list page) when one was matched or holds its newest
    document, else the best usable page."""
    ok = [e for e in item["evidence"] if e["usable"]]
    column = next((e for e in ok if e.get("kind") == "column" or e.get("is_list")), None)
    if column is None and ok and ok[0].get("column"):  # the newest document's column, cited as its place
        return {**ok[0], "url": ok[0]["column"], "title": ok[0].get("column_title") or ok[0]["title"]}
    return column or (ok[0] if ok else None)


def rotation(run: dict[str, Any], lang: str) -> str:
    """How much of tonight was kept from earlier nights, and what the rotation left past its turn."""
    r = run.get("revisit") or {}
    if not r.get("kept"):
        return ""
    if lang == "en":
        text = f"{r['kept']} pages and files kept from earlier nights (each re-requested at least every {r['days']} nights)"
        return text + (f"; {r['overdue']} past their turn" if r.get("overdue") else "")
    text = f"沿用此前记录 {r['kept']} 个页面和附件（轮换复查：每个至少每 {r['days']} 晚请求一次）"
    return text + (f"；超期未复查 {r['overdue']} 个" if r.get("overdue") else "")


def crawl_errors(run: dict[str, Any], lang: str) -> str:
    """The crawl's errors in words: HTTP 404 ×3、请求超时 ×1."""
    errors = sorted((run.get("errors") or {}).items(), key=lambda kv: -kv[1])
    sep = "、" if lang != "en" else ", "
    return sep.join(f"{error_label(k) if lang != 'en' else k} ×{v}" for k, v in errors) or t("none", lang)


def attempt_banner(findings: dict[str, Any], lang: str) -> str:
    """Says plainly that tonight's run could not conclude and that an older complete audit is shown."""
    a = findings["latest_attempt"]
    if lang == "en":
        return (
            f"The latest run ({a['as_of']}, crawl #{a['run'].get('id', '?')}) could not conclude: {a['reason']}. "
            f"Shown below: the last complete check #{findings['audit']['id']} ({findings['run']['as_of']}); "
            "nothing new is concluded from the failed run."
        )
    return (
        f"最近一次运行（{a['as_of']}，抓取 #{a['run'].get('id', '?')}）未能完成：{a['reason']}。"
        f"以下为最近一次完整检查 #{findings['audit']['id']}（{findings['run']['as_of']}）的结果，不据此次失败认定任何新问题。"
    )

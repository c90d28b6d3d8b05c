"""What every renderer needs from a findings dict (the findings.json contract): labels in Chinese or
English, gaps grouped by owning department, counts by category, the link to cite for each item.
Nothing here decides a status: it only arranges what the audit decided."""

from __future__ import annotations

from collections import Counter, OrderedDict
from typing import Any

from auditor.answers import error_label
from auditor.statuses import GAPS

STATUS = {
    "zh": {
        "ok": "已公开",
        "missing": "未公开",
        "stale": "未更新",
        "late": "逾期",
        "broken": "链接失效",
        "exempt": "豁免",
        "not_applicable": "不适用",
        "inconclusive": "无法核实",
    },
    "en": {
        "ok": "published",
        "missing": "missing",
        "stale": "stale",
        "late": "late",
        "broken": "broken",
        "exempt": "exempt",
        "not_applicable": "not applicable",
        "inconclusive": "cannot verify",
    },
}
DECISION = {
    "zh": {
        "false_positive": "复核为误报",
        "exempted": "复核豁免",
        "acknowledged": "已认领（承诺 {due} 前整改）",
    },
    "en": {
        "false_positive": "reviewed: false positive",
        "exempted": "reviewed: exempted",
        "acknowledged": "acknowledged (promised by {due})",
    },
}
REVIEW_FLAGS = {
    "zh": {"overdue": "承诺期限已过", "outdated": "事项已变化，复核需重新确认"},
    "en": {"overdue": "promise overdue", "outdated": "item changed since the review"},
}
# What each rule checks, as a report names it (rule codes stay in findings.json)
RULES = {
    "zh": {
        "presence": "是否公开",
        "blank_column": "空白栏目",
        "freshness": "是否按期更新",
        "deadline": "法定期限",
        "undated": "未注明发布时间",
        "broken": "链接可用性",
        "unverifiable": "无法核实",
        "crawl_incomplete": "抓取不完整",
        "content": "文件内容",
        "annual_report": "年度报告内容",
    },
    "en": {"annual_report": "annual report content"},
}
TEXT = {
    "zh": {
        "title": "信息公开监测报告",
        "as_of": "截至",
        "crawl": "抓取",
        "pages": "页面",
        "attachments": "附件",
        "errors": "错误",
        "run_status": "抓取状态",
        "tool": "工具版本",
        "fingerprint": "配置校验码",
        "summary": "概况",
        "by_category": "分类统计",
        "category": "类别",
        "department": "责任部门",
        "item": "事项",
        "status": "状态",
        "rule": "规则",
        "basis": "依据",
        "evidence": "证据",
        "looked": "检索范围",
        "matched": "匹配",
        "score": "相似度",
        "published": "发布日期",
        "period": "所属期间",
        "first_seen": "首次发现",
        "days_open": "已持续（天）",
        "fix": "整改要求",
        "new": "新发现",
        "resolved": "已整改",
        "still_open": "仍未整改",
        "changes": "与上次检查相比",
        "previous": "上次检查",
        "none": "无",
        "review": "复核",
        "reviewer": "复核人",
        "due": "整改期限",
        "outdated": "事项已变化，复核需重新确认",
        "overdue": "已超过整改期限",
        "gaps": "需要整改的问题",
        "open_gaps": "未关闭问题",
        "inconclusive_audit": "本次检查结论：无法核实",
        "no_accusation": "不据此认定任何事项缺失",
        "window": "抓取时间",
        "owner_source_dir": "（信息公开目录所列）",
        "days": "天",
        "url": "网址",
        "title_col": "标题",
        "note": "备注",
        "seq": "序号",
        "where": "公开网址",
        "disclosure_table": "清单事项公开情况表",
        "not_found": "未找到",
        "why": "匹配依据",
        "item_id": "编号",
        "message": "说明",
        "reviewed": "已复核",
        "school": "学校",
        "audit": "检查编号",
        "run": "抓取批次",
        "config": "配置文件",
        "checklist": "清单文件",
        "count": "数量",
        "total": "合计",
        "new_mark": "新",
        "manual": "需人工核实",
        "public_item": "公开事项",
        "due_date": "应发布日期",
        "days_overdue": "逾期天数",
        "rectify_by": "整改时限",
        "to_check": "需人工核实",
        "to_check_note": "以下事项本次无法自动核实（网页被拦截、目录指向未能抓取的地址等），不认定为问题，请人工查看",
        "set_aside": "已复核排除",
        "exempt_list": "豁免与不适用事项",
        "exempted_by": "登记人",
        "reason": "理由",
        "published_list": "已公开事项",
        "first_evidence": "公开位置",
        "source": "链接所在页面",
        "target": "失效地址",
        "anchor": "链接文字",
        "answer": "访问结果",
        "owner_seen": "网站所列部门",
        "open_short": "未关闭",
        "copies": "重复副本",
        "rotation": "轮换复查",
        "tech": "技术信息（供系统维护人员）",
        "beijing": "北京时间",
        "method": "公开方式",
        "yes": "是",
        "no": "否",
        "items_total": "清单事项",
        "page": "页",
    },
    "en": {
        "title": "Information Disclosure Monitoring Report",
        "as_of": "as of",
        "crawl": "crawl",
        "pages": "pages",
        "attachments": "attachments",
        "errors": "errors",
        "run_status": "crawl status",
        "tool": "tool version",
        "fingerprint": "config fingerprint",
        "summary": "Summary",
        "by_category": "By category",
        "category": "Category",
        "department": "Department",
        "item": "Item",
        "status": "Status",
        "rule": "Rule",
        "basis": "Legal basis",
        "evidence": "Evidence",
        "looked": "Searched",
        "matched": "Matched",
        "score": "Score",
        "published": "Published",
        "period": "Period",
        "first_seen": "First seen",
        "days_open": "Days open",
        "fix": "To fix",
        "new": "New",
        "resolved": "Resolved",
        "still_open": "Still open",
        "changes": "Since the previous audit",
        "previous": "previous audit",
        "none": "none",
        "review": "Review",
        "reviewer": "Reviewer",
        "due": "Due",
        "outdated": "item changed since the review",
        "overdue": "past its due date",
        "gaps": "Items to fix",
        "open_gaps": "open gaps",
        "inconclusive_audit": "Audit result: cannot verify",
        "no_accusation": "no item is reported missing because of it",
        "window": "Crawl window",
        "owner_source_dir": " (per the school's directory)",
        "days": "days",
        "url": "URL",
        "title_col": "Title",
        "note": "Remarks",
        "seq": "No.",
        "where": "Published at",
        "disclosure_table": "Checklist disclosure table",
        "not_found": "not found",
        "why": "Why matched",
        "item_id": "ID",
        "message": "Finding",
        "reviewed": "Reviewed",
        "school": "School",
        "audit": "Audit",
        "run": "Crawl run",
        "config": "Config",
        "checklist": "Checklist",
        "count": "Count",
        "total": "Total",
        "new_mark": "new",
        "manual": "check by hand",
        "public_item": "Item",
        "due_date": "Due",
        "days_overdue": "Days overdue",
        "rectify_by": "Fix by",
        "to_check": "Check by hand",
        "to_check_note": "These could not be verified automatically (blocked pages, directory links not crawled); they are not reported as gaps",
        "set_aside": "Set aside by review",
        "exempt_list": "Exempt and not applicable",
        "exempted_by": "Set by",
        "reason": "Reason",
        "published_list": "Published items",
        "first_evidence": "Published at",
        "source": "Linking page",
        "target": "Dead target",
        "anchor": "Link text",
        "answer": "Answer",
        "owner_seen": "Named on the site as",
        "open_short": "open",
        "copies": "duplicate copies",
        "rotation": "revisit rotation",
        "tech": "Technical details",
        "beijing": "Beijing time",
        "method": "Channel",
        "yes": "yes",
        "no": "no",
        "items_total": "checklist items",
        "page": "page",
    },
}


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

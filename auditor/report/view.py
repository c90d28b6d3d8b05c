"""What every renderer needs from a findings dict (the findings.json contract): labels in Chinese or
English, gaps grouped by owning department, counts by category, the link to cite for each item.
Nothing here decides a status: it only arranges what the audit decided."""

from __future__ import annotations

from collections import Counter, OrderedDict
from typing import Any

from auditor.findings import GAPS

ORDER = ("missing", "late", "broken", "stale", "inconclusive", "ok", "exempt", "not_applicable")
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
    "zh": {"false_positive": "复核为误报", "exempted": "复核豁免", "acknowledged": "已确认整改"},
    "en": {
        "false_positive": "reviewed: false positive",
        "exempted": "reviewed: exempted",
        "acknowledged": "acknowledged",
    },
}
TEXT = {
    "zh": {
        "title": "信息公开合规审计报告",
        "as_of": "截至",
        "crawl": "抓取",
        "pages": "页面",
        "attachments": "附件",
        "errors": "错误",
        "run_status": "抓取状态",
        "tool": "工具版本",
        "fingerprint": "配置指纹",
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
        "changes": "与上次审计相比",
        "previous": "上次审计",
        "none": "无",
        "review": "复核",
        "reviewer": "复核人",
        "due": "整改期限",
        "outdated": "事项已变化，复核需重新确认",
        "overdue": "已超过整改期限",
        "gaps": "需要处理的事项",
        "open_gaps": "未关闭问题",
        "inconclusive_audit": "本次审计结论：无法核实",
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
        "audit": "审计",
        "run": "抓取批次",
        "config": "配置文件",
        "checklist": "清单文件",
        "count": "数量",
        "total": "合计",
        "new_mark": "新",
        "manual": "需人工核实",
        "public_item": "公开事项",
    },
    "en": {
        "title": "Information Disclosure Compliance Audit",
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
        "gaps": "Items needing action",
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
    },
}


def t(key: str, lang: str) -> str:
    return TEXT.get(lang, TEXT["zh"]).get(key, TEXT["zh"][key])


def status_label(status: str, lang: str) -> str:
    return STATUS.get(lang, STATUS["zh"])[status]


def decision_label(decision: str, lang: str) -> str:
    return DECISION.get(lang, DECISION["zh"]).get(decision, decision)


def message(finding: dict[str, Any], lang: str) -> str:
    return finding.get("message_en") if lang == "en" and finding.get("message_en") else finding["message"]


def set_aside(item: dict[str, Any]) -> bool:
    """Taken out of the open gaps by an honoured review (decided by ItemResult.set_aside)."""
    return bool(item.get("set_aside"))


def needs_action(item: dict[str, Any]) -> bool:
    """Shown in the gap report: gaps (reviewed ones too, marked as such) and items to check by hand."""
    return item["status"] in GAPS or item["status"] == "inconclusive"


def by_department(findings: dict[str, Any]) -> OrderedDict[str, list[dict[str, Any]]]:
    """Department → its items needing action, worst and oldest first; departments with open gaps first."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for it in findings["items"]:
        if needs_action(it):
            groups.setdefault(it["owner"], []).append(it)

    def item_key(it: dict[str, Any]) -> tuple[Any, ...]:
        return (
            set_aside(it),
            ORDER.index(it["status"]),
            -((it.get("history") or {}).get("days_open") or 0),
            it["id"],
        )

    def dept_key(kv: tuple[str, list[dict[str, Any]]]) -> tuple[int, str]:
        return (-sum(1 for it in kv[1] if it["status"] in GAPS and not set_aside(it)), kv[0])

    return OrderedDict((d, sorted(items, key=item_key)) for d, items in sorted(groups.items(), key=dept_key))


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


def open_gap_count(findings: dict[str, Any]) -> int:
    return sum(1 for it in findings["items"] if it["status"] in GAPS and not set_aside(it))


def attempt_banner(findings: dict[str, Any], lang: str) -> str:
    """Says plainly that tonight's run could not conclude and that an older complete audit is shown."""
    a = findings["latest_attempt"]
    if lang == "en":
        return (
            f"The latest run ({a['as_of']}, crawl #{a['run'].get('id', '?')}) could not conclude: {a['reason']}. "
            f"Shown below: the last complete audit #{findings['audit']['id']} ({findings['run']['as_of']}); "
            "nothing new is concluded from the failed run."
        )
    return (
        f"最近一次运行（{a['as_of']}，抓取 #{a['run'].get('id', '?')}）未能完成：{a['reason']}。"
        f"以下为最近一次完整审计 #{findings['audit']['id']}（{findings['run']['as_of']}）的结果，不据此次失败认定任何新问题。"
    )

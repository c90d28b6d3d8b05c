"""inconclusive (the whole audit): a crawl that did not finish, never reached its start page, or where most
requests failed (network errors, not 404s) cannot show that anything is missing. Every item says so, keeps
what it *would* have reported in the message, and nothing counts as a gap."""

from __future__ import annotations

from auditor.answers import error_label
from auditor.checklist import Item
from auditor.findings import GAPS, Finding
from auditor.rules import rule
from auditor.store import Run

MOST_FAILED = 0.5  # a crawl where more than this share of requests failed cannot support "missing"
BASIS = "一次失败或不完整的抓取不能证明内容缺失（参照《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）：站点无法访问须持续一周以上方可认定）"
REASONS = {
    "partial": "抓取未完成（达到页面或时间上限，或被中止）",
    "failed": "无法访问起始页面",
    "interrupted": "抓取进程中断",
    "running": "抓取仍在进行",
}
# Not a check of its own: precedence gives every item this one finding when `problem` names one
CRAWL_INCOMPLETE = rule(
    "crawl_incomplete", "inconclusive", "info", ("audit.crawl_incomplete",), basis=BASIS, cites_item=False
)


STOPS = {
    "closespider_pagecount": "达到页面数上限",
    "closespider_timeout": "达到抓取时间上限",
    "shutdown": "被人工或系统中止",
    "finished": "",
}


def stop_reason(reason: str) -> str:
    """The crawl's own stop reason ('start page unreachable (refused)') in plain Chinese."""
    if reason.startswith("start page unreachable"):
        errors = reason.partition("(")[2].rstrip(")")
        named = "、".join(error_label(e.strip()) for e in errors.split(",") if e.strip())
        return "起始页面无法访问" + (f"（{named}）" if named else "")
    if reason.startswith("store write failed"):
        return "抓取结果未能写入存储（磁盘已满或无写权限）"
    if reason.startswith("crashed"):
        return "抓取程序出错退出（详见日志）"
    return STOPS.get(reason, reason)


def problem(run: Run) -> str | None:
    """Why this run cannot support gap findings, or None when it can."""
    if run.status != "complete":
        why = stop_reason(run.stop_reason or "")
        return REASONS.get(run.status, run.status) + (f"：{why}" if why else "")
    counts = run.stats.get("counts", {})
    requests = counts.get("pages", 0) + counts.get("attachments", 0)
    failed = sum(v for k, v in run.stats.get("errors", {}).items() if not k.startswith("http_4"))
    if requests and failed / requests > MOST_FAILED:
        return f"大部分请求失败（{failed}/{requests}）"
    return None


def finding(item: Item, would: list[Finding], reason: str) -> Finding:
    """The one finding an item gets from a crawl that cannot support gaps; `would` is what it would have said."""
    gaps = [f for f in would if f.status in GAPS]
    return CRAWL_INCOMPLETE.finding(
        item,
        "audit.crawl_incomplete",
        {
            "short": item.short,
            "reason": reason,
            "would_zh": f"若抓取完整，将检查：{gaps[0].message}" if gaps else "",
            "would_en": f"A complete crawl would check: {gaps[0].text('en')}" if gaps else "",
        },
    )

"""The end-of-audit summary on the terminal (rich): counts by status and the gaps with their owners."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from auditor.findings import GAPS, AuditResult

STATUS_CN = {"ok": "已公开", "missing": "未公开", "stale": "未更新", "late": "逾期", "broken": "链接失效",
             "exempt": "豁免", "not_applicable": "不适用", "inconclusive": "无法核实"}
STYLE = {"ok": "green", "missing": "red", "late": "red", "stale": "yellow", "broken": "yellow", "inconclusive": "cyan",
         "exempt": "dim", "not_applicable": "dim"}


def print_audit(result: AuditResult, console: Console) -> None:
    counts = result.counts()
    head = f"[bold]{result.school}[/] 信息公开审计 截至 {result.as_of}（抓取 #{result.run['id']}，{result.run['pages']} 个页面）"
    console.print(head)
    if result.status != "complete":
        console.print(f"[bold cyan]审计结论：无法核实[/] — {result.reason}。不据此认定任何事项缺失。")
    console.print("  ".join(f"[{STYLE[s]}]{STATUS_CN[s]} {n}[/]" for s, n in counts.items() if n))
    gaps = [it for it in result.items if it.status in GAPS or it.status == "inconclusive"]
    if not gaps:
        return
    t = Table(title="需要处理的事项", title_justify="left", expand=False)
    t.add_column("事项")
    t.add_column("状态", no_wrap=True)
    t.add_column("责任部门", no_wrap=True)
    for it in gaps:
        t.add_row(f"{it.id}\n{it.short}", f"[{STYLE[it.status]}]{STATUS_CN[it.status]}[/]", it.owner)
    console.print(t)
    for it in gaps:
        if it.findings:
            console.print(f"[bold]{it.id}[/] {it.findings[0].message}", soft_wrap=False)

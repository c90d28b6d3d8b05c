"""The departments' yearly assessment as an HTML page a 纪检监察处 attaches to the yearly 绩效考核 and as XLSX
(部门得分, 问题明细, 计分方法), both from one auditor.assessment result: a renderer, it counts nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from openpyxl import Workbook

from auditor.report.view import status_label
from auditor.report.xlsx import table

MEANING = {  # the weights as a Chinese reader names them (their keys stay in site.yaml)
    "gap_found": "每发现一个问题扣分",
    "day_past_deadline": "问题超期每天扣分",
    "days_cap": "每个问题最多计的超期天数",
    "promise_broken": "整改承诺逾期每个扣分",
    "fixed_in_time": "按期整改每个加分",
}
DEPT_COLUMNS = (
    ("rank", "名次"), ("department", "责任部门"), ("items_owned", "负责事项"), ("gaps_found", "期间发现问题"), ("carried_in", "上期延续"),
    ("days_past_deadline", "超期天数"), ("fixed", "已整改"), ("fixed_in_time", "按期整改"),
    ("median_days_to_fix", "整改用时中位数（天）"), ("open_at_end", "期末未整改"), ("false_positives", "误报（复核）"),
    ("accepted", "复核豁免"), ("promises_kept", "承诺履行"), ("promises_broken", "承诺逾期"),
    ("promises_pending", "承诺未到期"), ("score", "得分"),
)  # fmt: skip
HOW = {"resolved": "已整改", "set_aside": "复核排除"}
GAP_COLUMNS = (
    "序号",
    "事项",
    "责任部门",
    "问题",
    "首次发现",
    "期限",
    "期限依据",
    "整改",
    "持续天数",
    "期间内超期天数",
    "复核",
)
KINDS = {"due": "应发布日期", "rectify_by": "整改时限"}
DECISIONS = {"false_positive": "误报", "exempted": "豁免", "acknowledged": "已认领"}


def item(g: dict[str, Any]) -> str:
    """The item as a Chinese document names it: its short name, and the national number when it has one."""
    return g["short"] + (f"（清单第{g['number']}项）" if g.get("number") else "")


def gap_row(n: int, g: dict[str, Any]) -> list[Any]:
    return [
        n, item(g), g["owner"], status_label(g["status"], "zh"), g["opened"], g["deadline"] or "—",
        KINDS.get(g["deadline_kind"], ""), closed(g), g["days_open"], g["days_past_deadline_in_period"], review(g),
    ]  # fmt: skip


def total_row(a: dict[str, Any]) -> list[Any]:
    """合计, under the department column: the summed figures (no rank, no median, no score)."""
    return ["", "合计", *(a["total"].get(k, "") for k, _ in DEPT_COLUMNS[2:])]


def closed(g: dict[str, Any]) -> str:
    return f"{HOW[g['how']]} {g['closed']}" if g["closed"] else "未整改"


def review(g: dict[str, Any]) -> str:
    r = g.get("review") or {}
    if not r.get("decision"):
        return ""
    text = DECISIONS.get(r["decision"], r["decision"]) + (f"（承诺 {r['due']}）" if r.get("due") else "")
    promise = {"kept": "，已履行", "broken": "，已逾期", "pending": "，未到期"}.get(
        g.get("promise") or "", ""
    )
    return text + promise + (f" · {r['by']}" if r.get("by") else "")


def render_html(a: dict[str, Any]) -> str:
    env = Environment(
        loader=PackageLoader("auditor.report", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("assessment.html.j2").render(
        a=a, meaning=MEANING, columns=DEPT_COLUMNS, gap_columns=GAP_COLUMNS, rows=[gap_row(n, g) for n, g in
        enumerate(a["gaps"], 1)], total=total_row(a),
    )  # fmt: skip


def write(a: dict[str, Any], out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"信息公开考核-{a['period']['start']}至{a['period']['end']}"
    html = out_dir / f"{stem}.html"
    html.write_text(render_html(a), encoding="utf-8")
    wb = Workbook()
    ws = wb.active
    ws.title = "部门得分"
    rows = [[d[k] for k, _ in DEPT_COLUMNS] for d in a["departments"]]
    table(ws, [h for _, h in DEPT_COLUMNS], [*rows, total_row(a)])
    gaps = wb.create_sheet("问题明细")
    table(gaps, list(GAP_COLUMNS), [gap_row(n, g) for n, g in enumerate(a["gaps"], 1)])
    method = wb.create_sheet("计分方法")
    table(
        method, ["计分项", "分值"], [[MEANING.get(k, k), v] for k, v in a["weights"].items()], landscape=False
    )
    method.append([])
    method.append([a["method"]])
    xlsx = out_dir / f"{stem}.xlsx"
    wb.save(xlsx)
    return [html, xlsx]

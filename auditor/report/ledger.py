"""The 整改台账 an office keeps for its files, as XLSX: one row per gap episode open at some time in a period —
the same episodes (auditor.history.Episode, as JSON) the assessment and the annual report count, so the ledger,
the nightly reports and the yearly figures cannot disagree. A renderer: it counts nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from auditor.report.assessment import DECISIONS, item
from auditor.report.view import status_label
from auditor.report.xlsx import table

COLUMNS = ("序号", "问题", "事项", "责任部门", "首次发现", "应发布日期", "整改时限", "整改情况", "完成日期",
           "超期天数", "复核")  # fmt: skip
PROMISE = {"kept": "承诺已履行", "broken": "承诺已逾期", "pending": "承诺未到期"}


def state(e: dict[str, Any], until: date) -> str:
    """整改情况 as of `until`."""
    if e["closed"] and e["closed"] <= until.isoformat():
        return "复核排除" if e["how"] == "set_aside" else "已整改"
    return "未整改" + (f"（{PROMISE[e['promise']]}）" if e.get("promise") else "")


def review(e: dict[str, Any]) -> str:
    r = e.get("review") or {}
    if not r.get("decision"):
        return ""
    text = DECISIONS.get(r["decision"], r["decision"]) + (f"，承诺 {r['due']}" if r.get("due") else "")
    return text + (f"（{r['by']}）" if r.get("by") else "")


def rows(episodes: list[dict[str, Any]], until: date) -> list[list[Any]]:
    out = []
    for n, e in enumerate(episodes, 1):
        fixed = (
            e["closed"] if e["how"] == "resolved" and e["closed"] and e["closed"] <= until.isoformat() else ""
        )
        out.append([
            n, status_label(e["status"], "zh"), item(e), e["owner"], e["opened"],
            e["deadline"] if e["deadline_kind"] == "due" else "—", e["rectify_by"] or "—", state(e, until),
            fixed or "—", e["days_past_deadline"], review(e),
        ])  # fmt: skip
    return out


def write(school: str, label: str, episodes: list[dict[str, Any]], until: date, out_dir: Path) -> Path:
    """整改台账-<label>.xlsx: the episodes' rows (Episode.as_json(until)), as of `until` (the period's end)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    ws.title = "整改台账"
    table(ws, list(COLUMNS), rows(episodes, until))
    ws.oddHeader.center.text = f"{school} 信息公开问题整改台账（{label}）"
    path = out_dir / f"整改台账-{label}.xlsx"
    wb.save(path)
    return path

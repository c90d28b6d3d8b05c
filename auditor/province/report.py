"""The province's report over its schools' stores: a ranking by transparency score (method printed), a school ×
category heat map, the items most often missing, each school's trend, and a link to each school's own gap
report. A school whose latest night was inconclusive is shown so and keeps its last complete score; one that
never had a complete night is listed without a score, saying why. `--draft` writes each school's preview
with the evidence behind its result and the date objections close, before anything is published.

This module only arranges: every status comes from the school's own stored findings, every score from
auditor.province.index."""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from openpyxl import Workbook

from auditor import history
from auditor.checklist import load_checklist, province_path
from auditor.config import load_config
from auditor.province import index
from auditor.province.config import ProvinceConfig, School, folder_name
from auditor.report.view import status_label
from auditor.report.xlsx import table
from auditor.statuses import is_published
from auditor.store import Store

TREND_POINTS = 12  # the last audit of each of the latest months


def _school_data(
    school: School, weights: dict[str, float], item: str, parts: int, out: Path
) -> dict[str, Any]:
    cfg = load_config(school.config)
    row: dict[str, Any] = {"school": school.name, "score": None, "status": "never", "counts": {}, "parts": {}}
    gap_report = school.reports / "gap-report.html"
    row["report"] = os.path.relpath(gap_report, out) if gap_report.exists() else None
    if not cfg.store.exists():
        row["reason"] = "尚未运行：存储库不存在"
        return row
    with Store(cfg.store) as store:
        standing = history.current(store)
        complete = store.audits("complete")
        trend = _trend(store, complete, weights, item, parts)
    row["trend"] = trend
    if not standing or not complete:
        attempt = (standing or {}).get("audit", {})
        row["reason"] = "从未完成一次完整检查" + (
            f"（最近一次：{attempt.get('reason')}）" if attempt.get("reason") else ""
        )
        return row
    p = index.parts(standing, item, parts)
    row.update(
        score=index.score(p, weights),
        parts=p,
        counts=standing["summary"],
        as_of=standing["run"]["as_of"],
        audit=standing["audit"]["id"],
        status="complete",
        items=[
            {
                "id": it["id"],
                "short": it["short"],
                "category": it["category"],
                "status": it["status"],
                "open": it["open"],
                "owner": it["owner"],
                "url": next((e["url"] for e in it["evidence"] if e.get("usable")), None),
                "why": (it["findings"][0]["message"] if it["findings"] else it.get("note", "")),
            }
            for it in standing["items"]
        ],  # fmt: skip
    )
    attempt = standing.get("latest_attempt")
    if attempt:  # the latest night was inconclusive: say so, keep the last complete score
        row["status"] = "inconclusive"
        row["reason"] = (
            f"{attempt['as_of']} 的检查未完成（{attempt.get('reason') or '原因见该校报告'}），沿用 {row['as_of']} 的完整检查结果"
        )
    return row


def _trend(
    store: Store, complete: list[Any], weights: dict[str, float], item: str, parts: int
) -> list[list[Any]]:
    """(as_of, score) for the last complete audit of each of the latest TREND_POINTS months."""
    monthly: dict[str, Any] = {}
    for a in complete:
        monthly[a["as_of"][:7]] = a
    out = []
    for month in sorted(monthly)[-TREND_POINTS:]:
        findings = store.findings(monthly[month]["id"])
        if findings:
            out.append([findings["run"]["as_of"], index.score(index.parts(findings, item, parts), weights)])
    return out


def collect(province: ProvinceConfig, out: Path) -> dict[str, Any]:
    own = province_path(province.province)  # a province's file may add parts to the annual report
    checklist = load_checklist(extra=[own] if own else [])
    item, parts = (
        checklist.annual_report.item,
        len(checklist.annual_report.common),
    )  # a school's own form: index.parts
    weights = {**index.DEFAULT_WEIGHTS, **province.weights}
    schools = [_school_data(s, weights, item, parts, out) for s in province.schools]
    ranked = sorted(schools, key=lambda r: (r["score"] is None, -(r["score"] or 0), r["school"]))
    rank = 0
    for r in ranked:
        if r["score"] is not None:
            rank += 1
            r["rank"] = rank
    categories = [c for c in dict.fromkeys(i.category for i in checklist.items)]
    heat: dict[str, dict[str, float | None]] = {}
    missing: Counter[str] = Counter()
    names: dict[str, str] = {}
    for r in ranked:
        per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for it in r.get("items", []):
            names.setdefault(it["id"], it["short"])
            if it["status"] in index.NOT_COUNTED:
                continue
            per[it["category"]][1] += 1
            per[it["category"]][0] += is_published(it["status"], bool(it.get("set_aside")))
            if it["open"]:
                missing[it["id"]] += 1
        heat[r["school"]] = {
            c: (round(100 * per[c][0] / per[c][1]) if per[c][1] else None) for c in categories
        }
    scored = [r["score"] for r in ranked if r["score"] is not None]
    return {
        "schema": "auditor.province/1",
        "province": province.province,
        "generated": date.today().isoformat(),
        "weights": weights,
        "method": index.method(weights, parts),
        "average": round(sum(scored) / len(scored), 2) if scored else None,
        "schools": ranked,
        "categories": categories,
        "heat": heat,
        "most_missing": [{"id": i, "short": names[i], "schools": n} for i, n in missing.most_common(10)],
    }


def _public(data: dict[str, Any], departments: bool) -> dict[str, Any]:
    """What the published report holds: department-level detail stays in each school's own report."""
    if departments:
        return data
    schools = [
        {**s, "items": [{k: v for k, v in it.items() if k != "owner"} for it in s.get("items", [])]}
        for s in data["schools"]
    ]
    return {**data, "schools": schools}


def _env() -> Environment:
    return Environment(
        loader=PackageLoader("auditor.report", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def write(province: ProvinceConfig, out: Path, draft: bool = False) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    data = collect(province, out)
    closes = (date.today() + timedelta(days=province.objection_days)).isoformat() if draft else None
    data = {**_public(data, province.publish_departments), "draft": draft, "objections_close": closes}
    paths = [out / "province.json", out / "province.xlsx", out / "province.html"]
    paths[0].write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    _xlsx(data, paths[1])
    paths[2].write_text(
        _env().get_template("province.html.j2").render(p=data, status=_status), encoding="utf-8"
    )
    if draft:  # each school's own preview: its result and the evidence behind it, before publication
        for s in data["schools"]:
            page = out / "draft" / f"{folder_name(s['school'])}.html"
            page.parent.mkdir(exist_ok=True)
            page.write_text(
                _env().get_template("province_school.html.j2").render(p=data, s=s, status=_status), "utf-8"
            )
            paths.append(page)
    return paths


def _status(status: str) -> str:
    return status_label(status, "zh")


def _xlsx(data: dict[str, Any], path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "排名"
    table(
        ws,
        ["名次", "学校", "透明度得分", "清单完成度", "年度报告完整性", "及时性与渠道", "个人信息保护", "状态", "截至", "说明"],
        [
            [s.get("rank", ""), s["school"], s["score"] if s["score"] is not None else "",
             s["parts"].get("completion", ""), s["parts"].get("annual_report", ""), s["parts"].get("timeliness", ""),
             s["parts"].get("care", ""), {"complete": "完整", "inconclusive": "当晚未完成", "never": "无完整检查"}[s["status"]], s.get("as_of", ""),
             s.get("reason", "")]
            for s in data["schools"]
        ],
    )  # fmt: skip
    heat = wb.create_sheet("分类热力图")
    table(
        heat,
        ["学校", *data["categories"]],
        [[s, *(v.get(c, "") for c in data["categories"])] for s, v in data["heat"].items()],
    )
    miss = wb.create_sheet("最常缺失事项")
    table(
        miss,
        ["事项", "内容", "缺失学校数"],
        [[m["id"], m["short"], m["schools"]] for m in data["most_missing"]],
    )
    trend = wb.create_sheet("趋势")
    table(
        trend,
        ["学校", "截至", "得分"],
        [[s["school"], d, v] for s in data["schools"] for d, v in s.get("trend", [])],
    )
    method = wb.create_sheet("计分方法")
    table(method, ["权重", "值"], [[k, v] for k, v in data["weights"].items()], landscape=False)
    method.append([])
    method.append([data["method"]])
    wb.save(path)

"""The transparency score of one school, from the findings that stand for it (findings.json), by weights
kept as data (rules/transparency.yaml). Three parts as outside evaluators score schools — how much of the
checklist is published, how complete the annual report is, and whether it was published on time and in
the right place — and a fourth (issue 26): care with personal data, less for each page that leaks it. Every part and the method are returned with the score, so every output can print them."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from auditor.statuses import is_published

DEFAULTS = yaml.safe_load(
    Path(str(resources.files("rules").joinpath("transparency.yaml"))).read_text("utf-8")
)
DEFAULT_WEIGHTS: dict[str, float] = {k: float(v) for k, v in DEFAULTS["weights"].items()}
METHOD = (
    "透明度得分（满分 100）由四部分加权：清单完成度 {completion:g}%（适用且未豁免的清单事项中已公开的比例；无法核实的事项"
    "不计为已公开）；年度报告完整性 {annual_report:g}%（最新一期信息公开工作年度报告具备的部分占其所属学年适用通知规定部分的比例，适用通知未知时按各版通知共有的 {parts} 个部分计；"
    "没有任何一期或内容无法读取的为 0）；年度报告及时性与渠道 {timeliness:g}%（按期发布占一半，发布在信息公开专栏占一半；"
    "逾期未发布的为 0）；个人信息保护 {care:g}%（未在公示等页面公开身份证号、手机号、银行卡号或家庭住址为 100，每有一个页面"
    "（连同其附件）公开此类信息扣 25 分，扣完为止）。数据取自各校最近一次完整的夜间检查；当晚检查不完整的学校沿用上次完整检查的结果并注明。"
)
NOT_COUNTED = ("not_applicable", "exempt")
LEAK_COST = 25  # points of care a page publishing personal data costs (with its files)


def parts(findings: dict[str, Any], item: str, total: int) -> dict[str, float]:
    """The four parts, each 0–100, with what they were counted from."""
    applicable = [it for it in findings["items"] if it["status"] not in NOT_COUNTED]
    published = [it for it in applicable if is_published(it["status"], bool(it.get("set_aside")))]
    completion = 100 * len(published) / len(applicable) if applicable else 0.0
    report = next((it for it in findings["items"] if it["id"] == item), None)
    keys = [f.get("key") or "" for f in (report or {}).get("findings", [])]
    missing_parts = keys.count("annual_report.part_missing")
    # the parts the report's own year requires (its notice's form), when it lacks any; else the checklist's
    total = next(
        (f["params"]["required"] for f in (report or {}).get("findings", [])
         if f.get("key") == "annual_report.part_missing" and (f.get("params") or {}).get("required")),
        total,
    )  # fmt: skip
    unread = "annual_report.unread" in keys
    has_edition = (
        report is not None
        and report["status"] not in ("missing", "broken")
        and any(e.get("usable") for e in report.get("evidence", []))
    )
    annual = 0.0 if not has_edition or unread or not total else 100 * (total - missing_parts) / total
    on_time = (
        report is not None
        and report["status"] not in ("late", "missing")
        and "annual_report.late" not in keys
    )
    on_column = has_edition and "annual_report.channel" not in keys
    timeliness = (
        0.0
        if report is None or report["status"] in ("late", "missing")
        else 50.0 * on_time + 50.0 * on_column
    )
    leaks = len({p.get("page") or p["url"] for p in findings.get("privacy") or []})  # pages, with their files
    return {
        "care": float(max(0, 100 - LEAK_COST * leaks)),
        "leaking_pages": leaks,
        "completion": round(completion, 1),
        "annual_report": round(annual, 1),
        "timeliness": round(timeliness, 1),
        "applicable": len(applicable),
        "published": len(published),
        "annual_parts_missing": missing_parts if has_edition and not unread else None,
    }


def score(p: dict[str, float], weights: dict[str, float]) -> float:
    total = sum(weights[k] for k in DEFAULT_WEIGHTS)
    return round(sum(weights[k] * p[k] for k in DEFAULT_WEIGHTS) / total, 2) if total else 0.0


def method(weights: dict[str, float], total_parts: int) -> str:
    return METHOD.format(parts=total_parts, **weights)

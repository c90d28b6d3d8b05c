"""The one-screen summary on the terminal (rich): crawl health, counts by status and category, the gaps
with owner and age, and what changed since the previous audit. Works narrow and with NO_COLOR (rich
honours it)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from auditor.report.safe import terminal as clean
from auditor.report.view import (
    GAPS,
    ORDER,
    attempt_banner,
    by_category,
    decision_label,
    open_gap_count,
    set_aside,
    status_label,
    t,
)

STYLE = {
    "ok": "green",
    "missing": "bold red",
    "late": "bold red",
    "stale": "yellow",
    "broken": "yellow",
    "inconclusive": "cyan",
    "exempt": "dim",
    "not_applicable": "dim",
}


def print_summary(findings: dict[str, Any], console: Console, lang: str = "zh") -> None:
    run, audit = findings["run"], findings["audit"]
    errors = clean(
        ", ".join(f"{k} {v}" for k, v in sorted((run.get("errors") or {}).items(), key=lambda kv: -kv[1]))
    )
    errors = errors or t("none", lang)
    console.print(
        f"[bold]{clean(findings['school'])}[/] {t('title', lang)} · {t('as_of', lang)} {clean(run['as_of'])}"
    )
    console.print(
        f"{t('crawl', lang)} #{run['id']} [{'green' if run['status'] == 'complete' else 'red'}]{run['status']}[/] · "
        f"{t('pages', lang)} {run['pages']} · {t('attachments', lang)} {run['attachments']} · {t('errors', lang)}: {errors}"
    )
    if audit["status"] != "complete":
        console.print(
            f"[bold cyan]{t('inconclusive_audit', lang)}[/] — {clean(audit['reason'])}; {t('no_accusation', lang)}."
        )
    if findings.get("latest_attempt"):
        console.print(f"[bold cyan]{clean(attempt_banner(findings, lang))}[/]")
    counts = findings["counts"]
    console.print(
        "  ".join(f"[{STYLE[s]}]{status_label(s, lang)} {counts[s]}[/]" for s in ORDER if counts.get(s))
    )

    cat = Table(title=t("by_category", lang), title_justify="left", show_edge=False, pad_edge=False)
    cat.add_column(t("category", lang), overflow="fold")
    shown = [s for s in ORDER if counts.get(s)]
    for s in shown:
        cat.add_column(status_label(s, lang), justify="right", style=STYLE[s])
    for name, c in by_category(findings):
        cat.add_row(clean(name), *[str(c.get(st, "")) if c.get(st) else "·" for st in shown])
    console.print(cat)

    history_known = findings.get("changes") and findings["changes"].get("previous_audit")
    action = [it for it in findings["items"] if it["status"] in GAPS or it["status"] == "inconclusive"]
    if action:
        gaps = Table(
            title=f"{t('gaps', lang)} ({t('open_gaps', lang)}: {open_gap_count(findings)})",
            title_justify="left",
            show_lines=False,
        )
        gaps.add_column(t("item", lang), overflow="fold", ratio=3, min_width=20)
        gaps.add_column(t("status", lang), no_wrap=True)
        gaps.add_column(t("department", lang), overflow="fold", ratio=2)
        gaps.add_column(t("days_open", lang), justify="right", no_wrap=True)
        for it in sorted(action, key=lambda i: (set_aside(i), ORDER.index(i["status"]))):
            h = it.get("history") or {}
            mark = f" [bold magenta]{t('new_mark', lang)}[/]" if history_known and h.get("new") else ""
            review = it.get("review")
            status = f"[{STYLE[it['status']]}]{status_label(it['status'], lang)}[/]"
            if review:
                status += f"\n[dim]{decision_label(review['decision'], lang)}{'!' if review.get('outdated') else ''}[/]"
            gaps.add_row(
                f"{clean(it['id'])}{mark}\n{clean(it['short'])}",
                status,
                clean(it["owner"]),
                str(h["days_open"]) if h.get("days_open") is not None else "",
            )
        console.print(gaps)
    changes = findings.get("changes") or {}
    if history_known:
        resolved = clean(", ".join(f"{r['id']} {r['short']}" for r in changes["resolved"])) or t("none", lang)
        console.print(
            f"[bold]{t('changes', lang)}[/] (#{changes['previous_audit']}, {changes['previous_as_of']}): "
            f"{t('new', lang)} {len(changes['new'])} · {t('resolved', lang)} {len(changes['resolved'])} · "
            f"{t('still_open', lang)} {len(changes['still_open'])}"
        )
        if changes["resolved"]:
            console.print(f"  {t('resolved', lang)}: {resolved}")
        if changes["new"]:
            console.print(f"  {t('new', lang)}: {clean(', '.join(changes['new']))}")

"""The one-screen summary on the terminal (rich): crawl health, the headline figures, counts by category,
the open gaps with owner and days overdue, what needs checking by hand, and what changed since the previous
check. Cron logs are 80 columns, phones 60: below 100 columns the tables become lines, so no status word,
category or department is ever cut. Works with NO_COLOR (rich honours it)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from auditor.report.view import (
    attempt_banner,
    by_category,
    crawl_errors,
    open_gaps,
    rectify_text,
    review_label,
    rotation,
    status_label,
    summary,
    t,
    to_check,
)
from auditor.safe import terminal as clean
from auditor.statuses import ORDER
from auditor.wording import say

NBSP = "\u00a0"  # a fact's own spaces do not break the line
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
WIDE = 100  # at least this many columns: tables; fewer: one block of lines per row


def _headline(findings: dict[str, Any], lang: str) -> str:
    s = summary(findings)
    parts = [
        f"[bold red]{t('open_gaps', lang)} {s['open_gaps']}[/]",
        f"[cyan]{t('to_check', lang)} {s['to_check']}[/]",
        f"{t('set_aside', lang)} {s['set_aside']}",
        f"[green]{status_label('ok', lang)} {s['published']}[/]",
        f"[dim]{status_label('exempt', lang)} {s['exempt']}[/]",
        f"[dim]{status_label('not_applicable', lang)} {s['not_applicable']}[/]",
    ]
    if s["promises_overdue"]:
        parts.append(
            f"[bold red]{'承诺期限已过' if lang != 'en' else 'promises overdue'} {s['promises_overdue']}[/]"
        )
    return " · ".join(parts)


def _categories(findings: dict[str, Any], console: Console, lang: str) -> None:
    counts = findings["counts"]
    shown = [s for s in ORDER if counts.get(s)]
    if console.width >= WIDE:
        cat = Table(title=t("by_category", lang), title_justify="left", show_edge=False, pad_edge=False)
        cat.add_column(t("category", lang), no_wrap=True)
        for s in shown:
            cat.add_column(status_label(s, lang), justify="right", style=STYLE[s], no_wrap=True)
        for name, c in by_category(findings):
            cat.add_row(clean(name), *[str(c[st]) if c.get(st) else "·" for st in shown])
        console.print(cat)
        return
    console.print(f"[bold]{t('by_category', lang)}[/]")
    for name, c in by_category(findings):
        figures = " · ".join(f"[{STYLE[s]}]{status_label(s, lang)} {c[s]}[/]" for s in shown if c.get(s))
        console.print(f"  {clean(name)}：{figures}")


def _gap_facts(it: dict[str, Any], lang: str) -> list[str]:
    """Owner, days overdue, due date, first seen — each without a space inside, so a narrow terminal wraps
    between facts, never between a label and its date."""
    h = it.get("history") or {}
    sep = "：" if lang != "en" else ":"
    facts = [clean(it["owner"])]
    if it.get("days_overdue") is not None:
        facts.append(f"{t('days_overdue', lang)}{sep}{it['days_overdue']}")
    if it.get("due_date"):
        facts.append(f"{t('due_date', lang)}{sep}{it['due_date']}")
    if h.get("first_seen"):
        facts.append(f"{t('first_seen', lang)}{sep}{h['first_seen']}")
    if it.get("rectify_by"):
        facts.append(f"{t('rectify_by', lang)}{sep}" + rectify_text(it, lang).replace(" ", NBSP))
    return facts


def _gaps(findings: dict[str, Any], console: Console, lang: str) -> None:
    gaps = open_gaps(findings)
    history_known = (findings.get("changes") or {}).get("previous_audit")
    console.print(f"[bold]{t('gaps', lang)}（{summary(findings)['open_gaps']}）[/]")
    if console.width >= WIDE:
        table = Table(show_edge=False, pad_edge=False)
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column(t("item", lang), overflow="fold", ratio=3)
        table.add_column(t("status", lang), no_wrap=True)
        table.add_column(t("department", lang), overflow="fold", ratio=2)
        table.add_column(t("due_date", lang), no_wrap=True)
        table.add_column(t("days_overdue", lang), justify="right", no_wrap=True)
        table.add_column(t("first_seen", lang), no_wrap=True)
        table.add_column(t("rectify_by", lang), overflow="fold")
    for n, it in enumerate(gaps, 1):
        h = it.get("history") or {}
        new = f" [bold magenta]{t('new_mark', lang)}[/]" if history_known and h.get("new") else ""
        status = f"[{STYLE[it['status']]}]{status_label(it['status'], lang)}[/]"
        review = f" [dim]{clean(review_label(it.get('review'), lang))}[/]" if it.get("review") else ""
        if console.width >= WIDE:
            table.add_row(
                str(n),
                f"{clean(it['id'])} {clean(it['short'])}{new}{review}",
                status,
                clean(it["owner"]),
                it.get("due_date") or "—",
                str(it["days_overdue"]) if it.get("days_overdue") is not None else "—",
                h.get("first_seen") or "—",
                rectify_text(it, lang) or "—",
            )
        else:
            console.print(f"{n:>2}. {status} {clean(it['id'])} {clean(it['short'])}{new}{review}")
            console.print("    " + " · ".join(_gap_facts(it, lang)))
    if gaps and console.width >= WIDE:
        console.print(table)
    checks = to_check(findings)
    if checks:
        console.print(f"[bold cyan]{t('to_check', lang)}（{len(checks)}）[/]")
        for it in checks:
            console.print(f"  {clean(it['id'])} {clean(it['short'])} · {clean(it['owner'])}")


def print_summary(findings: dict[str, Any], console: Console, lang: str = "zh") -> None:
    run, audit = findings["run"], findings["audit"]
    console.print(
        f"[bold]{clean(findings['school'])}[/] {t('title', lang)} · {t('as_of', lang)} {clean(run['as_of'])}"
        f" · {t('audit', lang)} #{audit['id']}"
    )
    console.print(
        f"{t('crawl', lang)} #{run['id']} · {t('pages', lang)} {run['pages']}"
        + (f"（{t('copies', lang)} {run['copies']}）" if run.get("copies") else "")
        + " · "
        + f"{t('attachments', lang)} {run['attachments']} · {t('errors', lang)}：{clean(crawl_errors(run, lang))}"
    )
    if text := rotation(run, lang):
        console.print(f"[{'red' if run['revisit']['overdue'] else 'dim'}]{clean(text)}[/]")
    if audit["status"] != "complete":
        console.print(
            f"[bold cyan]{t('inconclusive_audit', lang)}[/] — {clean(audit['reason'])}；{t('no_accusation', lang)}。"
        )
    if findings.get("latest_attempt"):
        console.print(f"[bold cyan]{clean(attempt_banner(findings, lang))}[/]")
    console.print(_headline(findings, lang))
    if n := findings["summary"].get("privacy"):
        console.print(f"[bold red]{say('text.privacy_line', lang, n=n)}[/]")
    if n := findings["summary"].get("gongshi"):
        console.print(f"[bold red]{say('text.gongshi_line', lang, n=n)}[/]")
    if n := findings["summary"].get("replaced"):
        console.print(f"[yellow]{say('text.replaced_line', lang, n=n)}[/]")
    if n := (findings.get("privacy_scans") or {}).get("deferred"):
        console.print(f"[yellow]{say('text.privacy_deferred', lang, n=n)}[/]")
    _categories(findings, console, lang)
    _gaps(findings, console, lang)
    changes = findings.get("changes") or {}
    if changes.get("previous_audit"):
        console.print(
            f"[bold]{t('changes', lang)}[/]（#{changes['previous_audit']}，{changes['previous_as_of']}）："
            f"{t('new', lang)} {len(changes['new'])} · {t('resolved', lang)} {len(changes['resolved'])} · "
            f"{t('still_open', lang)} {len(changes['still_open'])}"
            + (f" · {t('set_aside', lang)} {len(changes['set_aside'])}" if changes.get("set_aside") else "")
        )
        for label, rows in (("resolved", changes["resolved"]), ("set_aside", changes.get("set_aside", []))):
            for r in rows:
                console.print(f"  {t(label, lang)}：{clean(r['id'])} {clean(r['short'])} — {clean(r['why'])}")
        if changes["new"]:
            console.print(f"  {t('new', lang)}：{clean('、'.join(changes['new']))}")

"""The `auditor` command line. Thin: parse arguments, call the library, map outcomes to exit codes.

Exit codes (for cron): 0 done, nothing open; 1 gaps found; 2 usage or config error; 3 inconclusive
(site unreachable, crawl cut short or failed, or another run holds the site's lock); 4 internal error (a bug:
nothing concluded, the traceback is in the file named).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from auditor import __version__, preflight, wording
from auditor.errors import InputError, StoreWriteError
from auditor.lock import Busy
from auditor.nightly import (
    EXIT_GAPS,
    EXIT_INCONCLUSIVE,
    EXIT_OK,
    Night,
    audit_night,
    fetch_documents,
    run_night,
    unstored,
)
from auditor.safe import terminal as clean
from auditor.wording import say

if TYPE_CHECKING:
    from auditor.config import SiteConfig
    from auditor.store import Store

EXIT_USAGE, EXIT_INTERNAL = 2, 4  # 0, 1 and 3 are a night's (auditor.nightly.Night.exit_code)
LANG = "zh"  # the language of this command's messages (--lang; reports take theirs from the same option)


def _t(key: str, **facts: Any) -> str:
    """One of the command line's messages (auditor/wording/cli.yaml), in the command's language."""
    return say(f"cli.{key}", LANG, **facts)


def _console() -> Console:
    return Console(stderr=False, highlight=False)


def _as_of(text: str | None, flag: str = "--as-of") -> date:
    if not text:
        return date.today()  # the CLI is the only place that reads the clock
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(
            flag, None, _t("input.not_a_date", text=text), _t("input.not_a_date_hint", flag=flag)
        ) from None


def _report_night(night: Night, console: Console, as_json: bool = False, lang: str = "zh") -> int:
    """Print what a night did; its exit code."""
    from auditor.report.terminal import print_summary

    if night.documents:
        if night.documents_failed:
            _say(_t("warning"), "yellow", _t("documents_failed", why=clean(night.documents)))
        else:
            console.print(night.documents)
    if as_json:
        print(night.paths[0].read_text(encoding="utf-8"))
    else:
        print_summary(night.findings, console, lang)
        console.print(
            f"{_t('reports')}: " + "  ".join(str(p) for p in night.paths),
            soft_wrap=True,
        )
    if night.pruned:
        rows = ", ".join(f"{table} {n}" for table, n in night.pruned.rows.items()) or "—"
        console.print(_t("retention", runs=len(night.pruned.runs), rows=rows, files=len(night.pruned.files)))
    for what in night.alerts_sent:
        console.print(_t("alert_sent", what=what))
    for what in night.alerts_failed:
        _say(_t("warning"), "yellow", _t("alert_failed", what=what))
    return night.exit_code


@contextmanager
def _site_lock(cfg: SiteConfig) -> Iterator[None]:
    """Refuse to overlap with another run for the same site; say so when a killed run left its lock."""
    from auditor.lock import RunLock

    with RunLock(cfg.store) as lock:
        if lock.stale:
            _say(_t("warning"), "yellow", _t("stale_lock", lock=lock.stale))
        yield


def cmd_audit(args: argparse.Namespace) -> int:
    from auditor.config import load_config

    cfg = load_config(args.config)
    preflight.check(cfg, Path(args.out))
    with _site_lock(cfg):
        night = audit_night(cfg, _as_of(args.as_of), Path(args.out), args.lang)
    return _report_night(night, _console(), args.json, args.lang)


def cmd_run(args: argparse.Namespace) -> int:
    from auditor.config import load_config
    from auditor.crawl import print_summary

    cfg = load_config(args.config)
    as_of = _as_of(args.as_of)
    preflight.check(cfg, Path(args.out))  # every input, before an hour of crawling
    console = _console()
    with _site_lock(cfg):
        night = run_night(
            cfg, as_of, Path(args.out), args.lang, Console(stderr=True),
            on_crawl=lambda crawl: print_summary(crawl, console, cfg.crawl.revisit_days),
        )  # fmt: skip
    return _report_night(night, console, lang=args.lang)


def cmd_documents(args: argparse.Namespace) -> int:
    from auditor.audit import candidate_documents
    from auditor.config import load_config
    from auditor.crawl import fetch_documents

    cfg = load_config(args.config)
    urls = candidate_documents(cfg, args.run, _as_of(args.as_of) if args.as_of else None)
    counts = fetch_documents(cfg, args.run, urls) if urls else {}
    print(_t("documents", downloaded=counts.get("documents", 0), candidates=len(urls)))
    return EXIT_OK


def cmd_checklist(args: argparse.Namespace) -> int:
    from auditor.checklist import load_checklist

    console = _console()
    if args.check:
        base = load_checklist()
        checked = load_checklist(extra=[args.check])
        new = checked.ids() - base.ids()
        names = ("：" if LANG == "zh" else ": ") + ", ".join(sorted(new)) if new else ""
        console.print(
            "[green]OK[/] "
            + escape(_t("checklist_ok", path=args.check, items=len(checked.items), new=len(new), names=names))
        )
        return EXIT_OK
    profile, exemptions, checklist = None, {}, load_checklist()
    if args.config:
        from auditor.checklist import for_site
        from auditor.config import load_config

        cfg = load_config(args.config)
        profile, exemptions, checklist = cfg.profile, cfg.exemptions, for_site(cfg)
    t = Table(title="信息公开事项清单" + ("（按本校配置）" if profile else ""), title_justify="left")
    t.add_column("id", no_wrap=True)
    for col in ("类别", "事项", "责任部门", "更新要求", "适用"):
        t.add_column(col, overflow="fold")  # Chinese has no spaces to wrap at: fold, never cut with …
    if not console.is_terminal:  # piped or redirected: the whole table, not rich's 80 columns
        console = Console(highlight=False, width=200)
    shown = 0
    for it in checklist.items:
        na = it.applies_to(profile) if profile else None
        if na and not args.all:
            continue
        applies = (
            f"[dim]不适用：{na}[/]"
            if na
            else (f"豁免：{exemptions[it.id]}" if it.id in exemptions else "适用")
        )
        r = it.renewal
        renewal = (
            "长期"
            if r.period is None
            else f"{ {'year': '每年', 'academic_year': '每学年', 'cohort': '每届'}[r.period] }，"
            f"{'+' + str(r.lag) + '年 ' if r.lag > 0 else ('提前一年 ' if r.lag < 0 else '')}{r.due[0]}月{r.due[1]}日前"
            + ("（法定期限）" if r.hard else "")
        )
        t.add_row(it.id, it.category, it.short, it.owner, renewal, applies)
        shown += 1
    console.print(t)
    console.print(_t("checklist_count_site" if profile else "checklist_count", shown=shown))
    return EXIT_OK


def _stored_findings(cfg: SiteConfig, audit_id: int | None) -> dict:
    """A stored audit, or (by default) the current one: the last complete audit, with the latest attempt."""
    from auditor.history import current
    from auditor.store import Store

    with Store(cfg.store) as store:
        if not store.audits():
            raise InputError(
                str(cfg.store),
                None,
                _t("input.no_audit_yet"),
                _t("input.run_first", config=cfg.path),
            )
        findings = store.findings(audit_id) if audit_id else current(store)
    if findings is None:
        raise InputError(
            str(cfg.store), None, _t("input.no_audit", audit=audit_id), _t("input.no_audit_hint")
        )
    return findings


def cmd_report(args: argparse.Namespace) -> int:
    from auditor.config import load_config
    from auditor.report import write_all
    from auditor.report.terminal import print_summary

    cfg = load_config(args.config)
    findings = _stored_findings(cfg, args.audit)
    if args.json:
        print(json.dumps(findings, ensure_ascii=False, indent=2))
        return EXIT_OK
    print_summary(findings, _console(), args.lang)
    if args.out:
        from auditor.evidence import COPIES, archive
        from auditor.store import Store

        with Store(cfg.store) as store:
            archive.export(store, cfg.store, findings, Path(args.out) / COPIES)
        for p in write_all(findings, Path(args.out), args.lang):
            _console().print(str(p))
    return EXIT_OK


DIFF_MARKS = wording.table("diff")
HEADS = wording.table("heads")


def cmd_diff(args: argparse.Namespace) -> int:
    from auditor.config import load_config
    from auditor.history import diff
    from auditor.report.view import status_label
    from auditor.store import Store

    cfg = load_config(args.config)
    with Store(cfg.store) as store:
        ids = [a["id"] for a in store.audits()]
    if args.audits and len(args.audits) != 2:
        raise InputError(
            "diff",
            None,
            _t("input.two_audits", n=len(args.audits)),
            _t("input.two_audits_hint"),
        )
    if args.audits:
        a_id, b_id = args.audits
    elif len(ids) >= 2:
        a_id, b_id = ids[-2], ids[-1]
    else:
        raise InputError(
            str(cfg.store),
            None,
            _t("input.fewer_than_two"),
            _t("input.fewer_than_two_hint"),
        )
    a, b = _stored_findings(cfg, int(a_id)), _stored_findings(cfg, int(b_id))
    heads = HEADS.get(args.lang, HEADS["zh"])
    console = _console()
    console.print(
        f"#{a_id}（{a['run']['as_of']}，{a['summary']['open_gaps']}）→ #{b_id}（{b['run']['as_of']}，"
        f"{b['summary']['open_gaps']}）· {heads['audits'][4]}"
    )
    t = Table(show_edge=False)
    for col in heads["diff"]:
        t.add_column(col, overflow="fold", no_wrap=col != heads["diff"][-1] and col != heads["diff"][0])
    changed = diff(a, b)
    for row in changed:
        it = row["item"]
        t.add_row(
            clean(f"{it['id']} {it['short']}"),
            status_label(row["was"], args.lang) if row["was"] else "—",
            status_label(it["status"], args.lang),
            DIFF_MARKS.get(args.lang, DIFF_MARKS["zh"])[row["change"]],
            clean(row["why"]),
        )
    console.print(t if changed else heads["no_change"])
    return EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    from auditor.config import load_config
    from auditor.report.view import status_label
    from auditor.store import Store

    cfg = load_config(args.config)
    heads = HEADS.get(args.lang, HEADS["zh"])
    console = _console()
    with Store(cfg.store) as store:
        if not args.item:
            t = Table(title=heads["audits_title"], title_justify="left")
            for col in heads["audits"]:
                t.add_column(col, no_wrap=True)
            for a in store.audits():
                figures = (store.findings(a["id"]) or {}).get("summary") or {}
                t.add_row(
                    f"#{a['id']}",
                    a["as_of"],
                    f"#{a['run_id']}",
                    heads.get(a["status"], a["status"]),
                    str(figures.get("open_gaps", "—")),
                    str(figures.get("to_check", "—")),
                )
            console.print(t)
            return EXIT_OK
        rows = store.item_history(args.item)
    if not rows:
        raise InputError(
            str(cfg.store), None, _t("input.item_in_no_audit", item=args.item), _t("input.use_checklist_id")
        )
    t = Table(title=clean(args.item), title_justify="left")
    for col in heads["item"]:
        t.add_column(col, overflow="fold")
    for r in rows:
        item = json.loads(r["result"])
        t.add_row(
            f"#{r['audit_id']}" + ("" if r["audit_status"] == "complete" else f"（{heads['inconclusive']}）"),
            r["as_of"],
            status_label(r["status"], args.lang),
            "●" if r["open"] else "",
            clean(item["evidence"][0]["url"]) if item["evidence"] else "—",
            clean(item["findings"][0]["message"][:80]) if item["findings"] else "",
        )
    console.print(t)
    return EXIT_OK


def _history_store(cfg: SiteConfig) -> Store:
    """The store, refusing one that holds no complete audit (nothing to count: a usage error, exit 2)."""
    from auditor.store import Store

    if not cfg.store.exists():
        raise InputError(str(cfg.store), None, _t("input.no_store"), _t("input.run_first", config=cfg.path))
    store = Store(cfg.store)
    if not store.audits("complete"):
        store.close()
        raise InputError(
            str(cfg.store),
            None,
            _t("input.no_complete_audit"),
            _t("input.run_first", config=cfg.path),
        )
    return store


def cmd_annual_report(args: argparse.Namespace) -> int:
    """Draft the year's 信息公开工作年度报告 from the stored history (DOCX) and keep its figures (JSON)."""
    from auditor import annual
    from auditor.checklist import for_site
    from auditor.config import load_config
    from auditor.report import annual_draft

    cfg = load_config(args.config)
    period = annual.academic_year(args.year)
    report_date = _as_of(args.as_of)
    parts = list(for_site(cfg).annual_report.draft_parts(period.start.year))
    with _history_store(cfg) as store:
        names = {h: f"{h}（{t}）" for h, t in store.host_titles().items()}
        facts = annual.facts(store, cfg.school, period, report_date, names)
    out = Path(args.out)
    data = out / f"annual-{period.start.year}-{period.end.year}.json"
    try:
        path = annual_draft.write(facts, parts, cfg, out)
        data.write_text(json.dumps(facts, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    except OSError as e:  # a full disk or a read-only --out: nothing was concluded about the school, exit 3
        raise StoreWriteError(str(out), e, "annual_report") from e
    c, n = facts["coverage"], facts["published"]
    console = _console()
    console.print(
        f"{clean(cfg.school)} {period.label}：公开信息 {n['pages']} 条，清单事项文件 {n['documents']} 份，"
        f"问题 {facts['problem_counts']['open_during']} 项次（已整改 {facts['problem_counts']['fixed']}）",
        soft_wrap=True,
    )
    if not c["whole"]:
        console.print(
            "[yellow]注意[/] 检查记录未覆盖整个学年："
            + ("无记录" if not c["audits"] else f"仅 {c['first']} 至 {c['last']}"),
            soft_wrap=True,
        )
    console.print(f"草稿: {clean(str(path))}  数据: {clean(str(data))}", soft_wrap=True)
    return EXIT_OK


def cmd_assessment(args: argparse.Namespace) -> int:
    """Each department's year: gaps, days past deadline, fixes, reviews, score (HTML + XLSX + JSON)."""
    from auditor import annual
    from auditor.assessment import assess
    from auditor.config import load_config
    from auditor.report import assessment

    cfg = load_config(args.config)
    period = annual.between(args.date_from, args.date_to)
    with _history_store(cfg) as store:
        result = assess(store, cfg.school, period, cfg.weights)
    out = Path(args.out)
    data = out / f"assessment-{period.start}-{period.end}.json"
    try:
        paths = assessment.write(result, out)
        data.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    except OSError as e:
        raise StoreWriteError(str(out), e, "assessment") from e
    t = Table(title=f"{clean(cfg.school)} 信息公开考核 {period.start} 至 {period.end}", title_justify="left")
    for col in ("名次", "责任部门", "负责事项", "发现问题", "超期天数", "已整改", "得分"):
        t.add_column(col)
    for d in result["departments"]:
        t.add_row(
            str(d["rank"]), clean(d["department"]), str(d["items_owned"]), str(d["gaps_found"]),
            str(d["days_past_deadline"]), str(d["fixed"]), str(d["score"]),
        )  # fmt: skip
    total = result["total"]
    t.add_row(
        "", "合计", *(str(total[k]) for k in ("items_owned", "gaps_found", "days_past_deadline", "fixed")), ""
    )
    console = _console()
    console.print(t)
    if not result["coverage"]["whole"]:
        gaps = "；".join(f"{a} 至 {b}" for a, b in result["coverage"]["missing"])
        console.print(f"[yellow]注意[/] 检查记录未覆盖整个期间：{gaps}", soft_wrap=True)
    console.print("报告: " + "  ".join(clean(str(p)) for p in [*paths, data]), soft_wrap=True)
    return EXIT_OK


def cmd_ledger(args: argparse.Namespace) -> int:
    """The 整改台账 of a period: every gap episode open in it, with its dates and what became of it."""
    from auditor import annual
    from auditor.config import load_config
    from auditor.report import ledger

    cfg = load_config(args.config)
    period = annual.between(args.date_from, args.date_to)
    with _history_store(cfg) as store:
        episodes = [e.as_json(period.end) for e in annual.problems(store, period)]
    try:
        path = ledger.write(cfg.school, period.label, episodes, period.end, Path(args.out))
    except OSError as e:
        raise StoreWriteError(args.out, e, "ledger") from e
    _console().print(f"整改台账：{len(episodes)} 个问题 · {clean(str(path))}", soft_wrap=True)
    return EXIT_OK


def cmd_province_run(args: argparse.Namespace) -> int:
    """Every school of province.yaml, on this machine, `parallel` at a time (the embedded default)."""
    from auditor.province.config import load_province
    from auditor.province.runner import exit_code, run_province

    province = load_province(args.config)
    console = _console()
    as_of = _as_of(args.as_of) if args.as_of else None
    say = lambda line: console.print(clean(line), soft_wrap=True)  # noqa: E731
    if args.queue:
        from auditor.province.dispatch import QueueUnreachable, run_queued
        from auditor.province.queue import check_url

        try:
            night = run_queued(province, check_url(args.queue), as_of, say)
        except QueueUnreachable as e:
            _say(_t("refused"), "red", _t("queue_down", why=e))
            return EXIT_INCONCLUSIVE
    else:
        night = run_province(province, as_of, say)
    done = sum(s["outcome"] == "complete" for s in night["schools"])
    console.print(
        _t(
            "province_done",
            province=clean(province.province),
            done=done,
            total=len(night["schools"]),
            seconds=f"{night['seconds']:.0f}",
        )
    )
    return exit_code(night)


def cmd_worker(args: argparse.Namespace) -> int:
    """Take schools' nights off the queue until stopped (SIGTERM or Ctrl-C): logs each school it takes and ends."""
    from auditor.province.queue import check_url
    from auditor.province.worker import serve

    if args.schools < 1:
        raise InputError("--schools", None, _t("input.schools_min"), _t("input.schools_min_hint"))
    return serve(check_url(args.queue), args.schools, args.name, lambda line: print(line, flush=True))


def cmd_province_report(args: argparse.Namespace) -> int:
    """The province's ranking and index over its schools' stores (HTML + XLSX + JSON); --draft for previews."""
    from auditor.province.config import load_province
    from auditor.province.report import write

    province = load_province(args.config)
    try:
        paths = write(province, Path(args.out), draft=args.draft)
    except OSError as e:
        raise StoreWriteError(args.out, e, "province_report") from e
    _console().print("报告: " + "  ".join(clean(str(p)) for p in paths[:3]), soft_wrap=True)
    if args.draft:
        _console().print(
            f"各校预览: {clean(str(Path(args.out) / 'draft'))}（{len(paths) - 3} 所）", soft_wrap=True
        )
    return EXIT_OK


def cmd_evidence(args: argparse.Namespace) -> int:
    """An item's archived records in an audit (the current one by default), each checked against its hash;
    --extract N writes record N's payload to --to."""
    from auditor.config import load_config
    from auditor.evidence import REASONS, archive
    from auditor.store import Store

    cfg = load_config(args.config)
    findings = _stored_findings(cfg, args.audit)
    item = next((it for it in findings["items"] if it["id"] == args.item), None)
    if item is None:
        raise InputError(
            args.item, None, _t("input.no_item_here", item=args.item), _t("input.use_checklist_id")
        )
    rows = []
    with Store(cfg.store) as store:
        index = {r["url"]: dict(r) for r in store.archived(findings["run"]["id"])}
        urls = [e["url"] for e in item["evidence"]]
        urls += [c["url"] for e in item["evidence"] for c in e.get("contents", [])]
        urls += [
            u
            for f in item["findings"]
            if f.get("link")
            for u in (f["link"].get("source"), f["link"].get("target"))
        ]
        if not item[
            "evidence"
        ]:  # nothing on the site is the item: where it should be — the 目录, the start page
            urls += [r["page"] for r in store.directory_rows(findings["run"]["id"])] + list(cfg.start_urls)
        for url in dict.fromkeys(u for u in urls if u):
            row = index.get(url)
            payload, problem = archive.read(cfg.store, row, store) if row else (None, "none")
            rows.append((url, row, payload, problem))
    console = _console()
    t = Table(
        title=f"{clean(item['id'])} {clean(item['short'])}：存档记录（检查 #{findings['audit']['id']}）",
        title_justify="left",
    )
    for col in ("#", "网址", "记录", "存档文件", "SHA-256", "校验"):
        t.add_column(col, overflow="fold")
    for n, (url, row, _, problem) in enumerate(rows, 1):
        t.add_row(
            str(n),
            clean(url),
            (row or {}).get("record", "—"),
            f"{row['warc']}@{row['offset']}" if row else "—",
            (row or {}).get("sha256", "—")[:16],
            "[green]一致[/]" if not problem else f"[red]{REASONS[problem]}[/]",
        )
    console.print(t)
    if item.get("screenshot"):
        console.print(f"截图：{archive.folder(cfg.store) / item['screenshot']['file']}")
    if args.extract:
        if not 1 <= args.extract <= len(rows) or rows[args.extract - 1][2] is None:
            raise InputError(
                "--extract",
                None,
                _t("input.cannot_extract", record=args.extract),
                _t("input.cannot_extract_hint"),
            )
        target = Path(args.to or f"{rows[args.extract - 1][1]['sha256']}.bin")
        target.write_bytes(rows[args.extract - 1][2])
        console.print(_t("written_to", path=target))
    return EXIT_OK if all(not r[3] or r[3] == "none" for r in rows) else EXIT_INCONCLUSIVE


def cmd_review(args: argparse.Namespace) -> int:
    from auditor.checklist import for_site
    from auditor.config import load_config
    from auditor.reviews import decide, load_reviews, write_review
    from auditor.store import Store

    cfg = load_config(args.config)
    load_reviews(cfg.reviews)  # a malformed file is reported first, and never overwritten
    if args.decision == "acknowledged" and not args.due:
        raise InputError("--due", None, _t("input.due_needed"), _t("input.due_needed_hint"))
    due = _as_of(args.due, "--due") if args.due else None
    ids = set(for_site(cfg).ids())
    with Store(cfg.store) as store:
        review = decide(
            store, ids, args.item, args.decision, args.reviewer, args.reason, due, date.today(), "cli"
        )
    write_review(cfg.reviews, review)
    _console().print(
        _t(
            "review_recorded",
            file=cfg.reviews,
            item=args.item,
            decision=args.decision,
            status=review.status,
            reviewer=args.reviewer,
        )
    )
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    """The workspace over the school's store, until stopped (Ctrl-C / SIGTERM: exit 0)."""
    import uvicorn

    from auditor.config import load_config
    from auditor.store import Store
    from auditor.web.app import create_app

    cfg = load_config(args.config)
    _can_listen(args.host, args.port)  # uvicorn would exit 1 ("gaps found" to cron) on a port already taken
    with Store(cfg.store) as store:
        nobody = not store.users()
    console = _console()
    if nobody:
        _say(_t("warning"), "yellow", say("serve.no_users", LANG, config=args.config))
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        _say(_t("warning"), "yellow", say("serve.exposed", LANG, host=args.host))
    console.print(say("serve.listening", LANG, host=args.host, port=args.port, school=escape(cfg.school)))
    uvicorn.run(
        create_app(cfg), host=args.host, port=args.port, log_level="warning", proxy_headers=True,
        forwarded_allow_ips="127.0.0.1", server_header=False,
    )  # fmt: skip
    return EXIT_OK


def _can_listen(host: str, port: int) -> None:
    import socket

    try:
        with socket.create_server((host, port)):
            pass
    except OSError as e:
        raise InputError(f"{host}:{port}", None, say("serve.cannot_listen", LANG, why=e.strerror or e),
                         say("serve.cannot_listen_hint", LANG)) from None  # fmt: skip


def cmd_users(args: argparse.Namespace) -> int:
    from auditor.config import load_config
    from auditor.store import Store
    from auditor.web import accounts
    from auditor.web.passwords import hash_password

    cfg = load_config(args.config)
    console = _console()
    with Store(cfg.store) as store:
        if args.users_command == "list":
            rows = store.users()
            if not rows:
                console.print(say("users.none", LANG))
                return EXIT_OK
            table = Table(*say_list("users.heads"))
            for r in rows:
                state = say("users.inactive" if r["disabled"] else "users.active", LANG)
                table.add_row(
                    clean(r["name"]), r["role"], clean(r["department"]), state, r["created_at"][:10]
                )
            console.print(table)
            return EXIT_OK
        if args.users_command == "add":
            if args.role == "department" and not args.department:
                raise InputError("--department", None, say("users.unknown_department", LANG, department=""))
            listed = [d.name for d in cfg.departments.listed]
            accounts.add(store, args.name, args.role, args.department or "", listed, accounts.read_password())
            where = f"，{args.department}" if args.role == "department" else ""
            console.print(
                say("users.added", LANG, name=escape(args.name), role=args.role, department=escape(where))
            )
            return EXIT_OK
        accounts.existing(store, args.name)
        if args.users_command == "disable":
            store.disable_user(args.name)
            console.print(say("users.disabled", LANG, name=escape(args.name)))
        else:
            store.set_password(args.name, hash_password(accounts.read_password()))
            console.print(say("users.changed", LANG, name=escape(args.name)))
    return EXIT_OK


def say_list(key: str) -> list[str]:
    from auditor.wording import word

    return list(word(key, LANG))


def cmd_crawl(args: argparse.Namespace) -> int:
    from auditor.config import load_config
    from auditor.crawl import print_summary, run_crawl

    cfg = load_config(args.config)
    preflight.writable_dir(cfg.store.parent, say("errors.store_folder"))
    console = _console()
    with _site_lock(cfg):
        result = run_crawl(cfg, Console(stderr=True))
        print_summary(result, console, cfg.crawl.revisit_days)
        if result.store_error:
            raise unstored(cfg, result)
        line, failed = fetch_documents(cfg, result)
    if line:
        (Console(stderr=True) if failed else console).print(clean(line) if failed else line)
    return EXIT_OK if result.status == "complete" else EXIT_INCONCLUSIVE


def cmd_demo(args: argparse.Namespace) -> int:
    from auditor.config import load_config
    from auditor.crawl import print_summary
    from auditor.demo import demo_config, start_server
    from auditor.demo import history as demo_history

    console = _console()
    preflight.writable_dir(Path(args.out), "--out")
    server = start_server(args.port)
    try:
        out = Path(args.out) / "demo"
        cfg = load_config(demo_config(server, out))
        if not demo_history.has_history(cfg):
            console.print(_t("demo_history", school=cfg.school))
            demo_history.build(server, cfg, lambda line: console.print(_t("demo_history_night", night=line)))
        console.print(_t("demo_start", school=cfg.school, port=server.port, url=cfg.start_urls[0]))
        night = run_night(
            cfg, server.site.as_of, out, args.lang, Console(stderr=True),
            on_crawl=lambda crawl: print_summary(crawl, console, cfg.crawl.revisit_days),
        )  # fmt: skip
        code = _report_night(night, console, lang=args.lang)
        year = f"--config {cfg.path} --out {out}"
        console.print(
            _t("demo_next", config=cfg.path, store=cfg.store, year=year, as_of=server.site.as_of),
            soft_wrap=True,
        )
        # the demo has planted gaps: finding them is success
        return EXIT_OK if code in (EXIT_OK, EXIT_GAPS) else code
    finally:
        server.stop()


def cmd_serve_demo(args: argparse.Namespace) -> int:
    from auditor.demo import demo_config, start_server

    server = start_server(args.port)
    path = demo_config(server, Path(args.out) / "demo")
    console = _console()
    console.print(_t("demo_serving", port=server.port, domain=server.site.domain))
    console.print(_t("demo_serving_next", url=server.site.start_url, config=path))
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return EXIT_OK
    finally:
        server.stop()


def _sub(subparsers: Any, name: str, **kw: Any) -> argparse.ArgumentParser:
    """A command; every one speaks Chinese by default and English with --lang en (AUDITOR_LANG sets the
    default), in its messages and in the reports it writes."""
    command = subparsers.add_parser(name, **kw)
    command.add_argument(
        "--lang",
        choices=("zh", "en"),
        default=os.environ.get("AUDITOR_LANG") if os.environ.get("AUDITOR_LANG") in ("zh", "en") else "zh",
        help="language of messages and reports (default zh; AUDITOR_LANG)",
    )
    return command


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="auditor",
        description="信息公开合规审计 — audit a college's websites against the "
        "national disclosure checklist (教办函〔2014〕23号).",
    )
    p.add_argument("--version", action="version", version=f"auditor {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    c = _sub(sub, "crawl", help="crawl a site into the store")
    c.add_argument("--config", required=True, help="the site's YAML config (site.yaml)")
    c.set_defaults(func=cmd_crawl)

    a = _sub(sub, "audit", help="audit the latest crawl in the store; write findings.json")
    a.add_argument("--config", required=True)
    a.add_argument("--as-of", help="audit as of this date (YYYY-MM-DD; default today)")
    a.add_argument("--out", default="reports", help="output directory (default: reports)")
    a.add_argument("--json", action="store_true", help="print findings.json instead of the summary")
    a.set_defaults(func=cmd_audit)

    rp = _sub(sub, "report", help="show a stored audit again (default: the last)")
    rp.add_argument("--config", required=True)
    rp.add_argument("--last", action="store_true", help="the latest audit (the default)")
    rp.add_argument("--audit", type=int, help="a stored audit number instead of the last")
    rp.add_argument("--out", help="also write its report files here")
    rp.add_argument("--json", action="store_true", help="print its findings.json")
    rp.set_defaults(func=cmd_report)

    dc = _sub(sub, "documents", help="(run by crawl) download the candidate documents of a crawl")
    dc.add_argument("--config", required=True)
    dc.add_argument("--run", type=int, required=True)
    dc.add_argument("--as-of", help="the night's date (which 公示 are still running); the crawl's by default")
    dc.set_defaults(func=cmd_documents)

    ev = _sub(sub, "evidence", help="an item's archived records (WARC), checked; --extract N --to FILE")
    ev.add_argument("item")
    ev.add_argument("--config", required=True)
    ev.add_argument("--audit", type=int)
    ev.add_argument("--extract", type=int, help="write record N's payload to a file")
    ev.add_argument("--to", help="file to write the extracted payload to")
    ev.set_defaults(func=cmd_evidence)

    df = _sub(sub, "diff", help="compare the last two audits (or two named ones)")
    df.add_argument("--config", required=True)
    df.add_argument(
        "audits", nargs="*", type=int, metavar="AUDIT", help="two audit numbers (default: the last two)"
    )
    df.set_defaults(func=cmd_diff)

    hi = _sub(sub, "history", help="the stored audits, or one item's history: history moe-33")
    hi.add_argument("item", nargs="?")
    hi.add_argument("--config", required=True)
    hi.set_defaults(func=cmd_history)

    rv = _sub(sub, "review", help="record a review decision about an item's finding (writes reviews.yaml)")
    rv.add_argument("item")
    rv.add_argument("--config", required=True)
    rv.add_argument("--decision", required=True, choices=("false_positive", "exempted", "acknowledged"))
    rv.add_argument("--reviewer", required=True, help="who decided, e.g. 李四（纪检监察处）")
    rv.add_argument("--reason", required=True)
    rv.add_argument("--due", help="for acknowledged: when it will be published (YYYY-MM-DD)")
    rv.set_defaults(func=cmd_review)

    r = _sub(sub, "run", help="crawl, audit and write reports (the nightly job)")
    r.add_argument("--config", required=True)
    r.add_argument("--as-of", help="audit as of this date (YYYY-MM-DD; default today)")
    r.add_argument("--out", default="reports", help="output directory (default: reports)")
    r.set_defaults(func=cmd_run)

    ar = _sub(
        sub, "annual-report", help="draft the year's 信息公开工作年度报告 (DOCX) from the stored history"
    )
    ar.add_argument("--year", required=True, help="the academic year it reports on, e.g. 2021-2022")
    ar.add_argument("--config", required=True)
    ar.add_argument(
        "--as-of", help="the report's date: its 清单事项公开情况表 stands as of then (default today)"
    )
    ar.add_argument("--out", default="reports", help="output directory (default: reports)")
    ar.set_defaults(func=cmd_annual_report)

    for name, what, func in (
        ("assessment", "each department's disclosure record over a period (HTML + XLSX)", cmd_assessment),
        ("ledger", "the 整改台账 of a period: one row per gap (XLSX)", cmd_ledger),
    ):
        period = _sub(sub, name, help=what)
        period.add_argument("--from", dest="date_from", required=True, help="first day, YYYY-MM-DD")
        period.add_argument("--to", dest="date_to", required=True, help="last day, YYYY-MM-DD")
        period.add_argument("--config", required=True)
        period.add_argument("--out", default="reports", help="output directory (default: reports)")
        period.set_defaults(func=func)

    sv = _sub(
        sub, "serve", help="the workspace: a web application over the store for the office and departments"
    )
    sv.add_argument("--config", required=True)
    sv.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)"
    )
    sv.add_argument("--port", type=int, default=8080)
    sv.set_defaults(func=cmd_serve)

    us = sub.add_parser("users", help="the workspace's accounts: add, list, disable, passwd")
    uss = us.add_subparsers(dest="users_command", required=True, metavar="add|list|disable|passwd")
    ua = _sub(uss, "add", help="add a user; the password is read from standard input")
    ua.add_argument("name", metavar="NAME")
    ua.add_argument("--role", required=True, choices=("office", "department"))
    ua.add_argument("--department", help="a department user's department, as findings.json names it in owner")
    ua.add_argument("--config", required=True)
    ul = _sub(uss, "list", help="list the users")
    ul.add_argument("--config", required=True)
    for verb, text in (
        ("disable", "disable a user (ends their sessions)"),
        ("passwd", "set a user's password from standard input (ends their sessions)"),
    ):
        uv = _sub(uss, verb, help=text)
        uv.add_argument("name", metavar="NAME")
        uv.add_argument("--config", required=True)
    for command in (ua, ul, *uss.choices.values()):
        command.set_defaults(func=cmd_users)

    pv = sub.add_parser("province", help="every college of a province: run their nights, report the index")
    pvs = pv.add_subparsers(dest="province_command", required=True, metavar="run|report")
    pr = _sub(pvs, "run", help="crawl and audit every school of province.yaml (in parallel, bounded)")
    pr.add_argument("--config", required=True, help="province.yaml")
    pr.add_argument(
        "--queue",
        metavar="redis://HOST:PORT/DB",
        help="put the schools on this queue for `auditor worker`s and wait for them (default: run them here)",
    )
    pr.add_argument("--as-of", help="audit as of this date (YYYY-MM-DD; default today)")
    pr.set_defaults(func=cmd_province_run)
    pp = _sub(pvs, "report", help="write province.html, province.xlsx, province.json")
    pp.add_argument("--config", required=True, help="province.yaml")
    pp.add_argument("--out", default="reports", help="output directory (default: reports)")
    pp.add_argument(
        "--draft", action="store_true", help="a draft: each school's preview and the objection date"
    )
    pp.set_defaults(func=cmd_province_report)

    w = _sub(sub, "worker", help="run schools' nights from a province queue (see province run --queue)")
    w.add_argument("--queue", required=True, metavar="redis://HOST:PORT/DB")
    w.add_argument(
        "--schools", type=int, default=1, help="schools at a time, each a child process (default 1)"
    )
    w.add_argument("--name", default="", help="this worker's name in logs and results (default host-pid)")
    w.set_defaults(func=cmd_worker)

    k = _sub(
        sub,
        "checklist",
        help="list the checklist items (that apply to a config), or validate a checklist file",
    )
    k.add_argument("--config", help="show only the items that apply to this site's profile")
    k.add_argument("--all", action="store_true", help="with --config: also show the items that do not apply")
    k.add_argument("--check", metavar="FILE", help="validate a changed or extension checklist file")
    k.set_defaults(func=cmd_checklist)

    d = _sub(sub, "demo", help="serve the bundled demo college, crawl and audit it, write reports")
    d.add_argument("--out", default="reports", help="output directory (default: reports)")
    d.add_argument(
        "--port", type=int, default=8410, help="port for the demo server (default 8410; a free one if taken)"
    )
    d.set_defaults(func=cmd_demo)

    s = _sub(sub, "serve-demo", help="only serve the demo college, so you can crawl it yourself")
    s.add_argument("--out", default="reports", help="where to write the demo's site.yaml (default: reports)")
    s.add_argument("--port", type=int, default=8410)
    s.set_defaults(func=cmd_serve_demo)
    return p


def _say(label: str, colour: str, text: str) -> None:
    """One message on stderr; `text` may hold anything a user or a site wrote, so it is never markup."""
    Console(stderr=True, highlight=False).print(f"[{colour}]{label}[/] " + escape(text), soft_wrap=True)


def _die_with_parent() -> None:
    """A night run by the province runner or a worker ends when they do: a killed worker must leave no crawl
    running beside the one another worker starts for the same school (Linux; elsewhere a no-op)."""
    parent = os.environ.pop("AUDITOR_PARENT_PID", "")
    if not parent.isdigit() or not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != int(parent):  # the parent died before the line above
        os._exit(EXIT_INCONCLUSIVE)


def main(argv: list[str] | None = None) -> int:
    _die_with_parent()
    global LANG
    args = build_parser().parse_args(argv)
    LANG = getattr(args, "lang", LANG)
    wording.use(LANG)
    try:
        return int(args.func(args))
    except Busy as e:
        _say(_t("refused"), "red", e.text(LANG))
        return EXIT_INCONCLUSIVE
    except InputError as e:
        _say(_t("error"), "red", str(e))  # worded where it was raised
        return EXIT_USAGE
    except StoreWriteError as e:
        _say(_t("failed"), "red", e.text(LANG))
        return EXIT_INCONCLUSIVE
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # a bug: never a traceback on the terminal cron reads, never exit 1 ("gaps found")
        log = Path(tempfile.gettempdir()) / f"auditor-crash-{os.getpid()}.log"
        try:
            log.write_text(traceback.format_exc(), encoding="utf-8")
            details = _t("crash_log", log=log)
        except OSError:  # a full disk: the one line on stderr is all there is
            details = _t("crash_no_room")
        _say(_t("internal"), "red", _t("crashed", error=f"{type(e).__name__}: {e}", details=details))
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())

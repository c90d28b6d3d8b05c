"""Run one crawl of a configured site into the store: Scrapy settings from site.yaml, run bookkeeping,
live progress and the end-of-crawl summary. The only auditor module besides spiders/ that imports Scrapy.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.table import Table

from auditor import __version__
from auditor.config import SiteConfig
from auditor.errors import InputError, StoreWriteError
from auditor.safe import terminal as clean
from auditor.store import Store

USER_AGENT = f"auditor/{__version__} (college information-disclosure compliance audit; obeys robots.txt)"


def user_agent(c: Any) -> str:
    """The crawl's name to the school's servers: its own `user_agent`, else auditor's, naming whom to ask
    (`crawl.contact`, as government site scanners name their operator) so a server's admin can ask, not ban."""
    if c.user_agent:
        return c.user_agent
    return USER_AGENT[:-1] + f"; contact: {c.contact})" if c.contact else USER_AGENT


@dataclass
class CrawlResult:
    run_id: int
    status: str  # complete | partial | failed
    reason: str
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    store: Path = Path()
    store_error: str = ""  # set when records were lost: nothing may be concluded from this run


def scrapy_settings(cfg: SiteConfig, run_id: int, log_file: Path) -> dict[str, Any]:
    c = cfg.crawl
    shared = os.environ.get("AUDITOR_POLITENESS_REDIS", "") if c.delay > 0 else ""  # spiders/politeness.py
    return {
        "ROBOTSTXT_OBEY": c.obey_robots,
        "USER_AGENT": user_agent(c),
        "CONCURRENT_REQUESTS": c.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": c.concurrency_per_host,
        "DOWNLOAD_DELAY": 0 if shared else c.delay,
        "AUDITOR_POLITENESS_REDIS": shared,
        "AUDITOR_POLITE_DELAY": c.delay,
        "AUTOTHROTTLE_ENABLED": c.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(c.delay, 0.1),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(c.concurrency_per_host),
        "DEPTH_LIMIT": 0,  # the spider counts depth itself: pages kept from last night are hops too
        "CLOSESPIDER_PAGECOUNT": c.max_pages,
        "CLOSESPIDER_TIMEOUT": c.max_seconds,
        "DOWNLOAD_MAXSIZE": c.max_response_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "DOWNLOAD_TIMEOUT": c.timeout,
        "AUDITOR_RETRIES": c.retries,
        "AUDITOR_RETRY_WAIT_MAX": c.retry_wait_max,
        "AUDITOR_RESOLVE": c.resolve,
        "AUDITOR_STORE": str(cfg.store),
        "AUDITOR_RUN_ID": run_id,
        "LOG_FILE": str(log_file),
        "LOG_LEVEL": "INFO",
        "LOG_FORMATTER": "spiders.logformatter.RecordLogFormatter",  # a record by its URL, never its body
    }


def _status(reason: str, start_reached: bool) -> str:
    if not start_reached:
        return "failed"
    return "complete" if reason == "finished" else "partial"


def _progress_table(spider: Any, started: float) -> Table:
    t = Table.grid(padding=(0, 2))
    counts = spider.counts if spider else {}
    errors = sum(spider.errors.values()) if spider else 0
    t.add_row(
        "[bold]crawling[/]",
        f"pages {counts.get('pages', 0)}",
        f"attachments {counts.get('attachments', 0)}",
        f"errors {errors}",
        f"{time.monotonic() - started:.0f}s",
    )
    return t


def fetch_documents(cfg: SiteConfig, run_id: int, urls: list[str]) -> dict[str, int]:
    """The documents pass: download `urls` (files the audit wants to read) into run `run_id`, with the
    crawl's scope, robots, proxy, politeness and retries, each up to `documents.max_bytes` (a bigger file
    is kept as its first part, marked capped). Returns the spider's counts and errors."""
    from scrapy.crawler import CrawlerProcess

    from spiders import resolver
    from spiders import settings as base_settings
    from spiders.college import CollegeSpider

    logging.raiseExceptions = False
    log_file = cfg.store.parent / "logs" / f"documents-{run_id}.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    settings = {k: getattr(base_settings, k) for k in dir(base_settings) if k.isupper()}
    settings.update(scrapy_settings(cfg, run_id, log_file))
    settings[resolver.SETTING] = "spiders.resolver.PinnedResolver"
    settings["CLOSESPIDER_PAGECOUNT"] = 0
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(CollegeSpider)
    process.crawl(
        crawler,
        start_urls=[],
        allowed_domains=list(cfg.allowed_domains),
        documents=urls,
        document_max_bytes=cfg.documents_max_bytes,
    )
    process.start()
    spider = crawler.spider
    return {**dict(spider.counts), **{f"error:{k}": v for k, v in spider.errors.items()}} if spider else {}


def required(store: Store) -> list[str]:
    """What every night requests whatever the rotation says: each item's evidence in the last complete
    audit — its pages, the columns listing them, their files — so a dead evidence link is found the same night."""
    audits = store.audits("complete")
    findings = store.findings(audits[-1]["id"]) if audits else None
    out: dict[str, None] = {}
    for it in (findings or {}).get("items", []):
        for e in it["evidence"]:
            out.update((u, None) for u in (e["url"], e.get("column")) if u)
            out.update((a["url"], None) for a in e.get("attachments", []))
        for f in it["findings"]:
            out.update(
                (u, None)
                for u in ((f.get("link") or {}).get("source"), (f.get("link") or {}).get("target"))
                if u
            )
    return list(out)


def run_crawl(cfg: SiteConfig, console: Console | None = None) -> CrawlResult:
    """Crawl `cfg` once. Always closes the run in the store, whatever happens to the crawl."""
    from scrapy.crawler import CrawlerProcess  # imported here so `auditor --help` stays fast
    from twisted.internet import task

    from spiders import resolver
    from spiders import settings as base_settings
    from spiders.college import CollegeSpider
    from spiders.extraction import default_workers

    console = console or Console(stderr=True)
    logging.raiseExceptions = False  # a log file on a full disk must not print a traceback per line
    with Store(cfg.store) as store:
        run_id = store.start_run(cfg.school, cfg.path, cfg.fingerprint, __version__, list(cfg.start_urls))
        previous = store.previous_crawl(run_id)
        always = required(store)
    log_file = cfg.store.parent / "logs" / f"crawl-{run_id}.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    settings = {k: getattr(base_settings, k) for k in dir(base_settings) if k.isupper()}
    settings.update(scrapy_settings(cfg, run_id, log_file))
    settings[resolver.SETTING] = "spiders.resolver.PinnedResolver"
    settings["AUDITOR_PREVIOUS_RUN"] = previous or 0
    started = time.monotonic()
    settings["LOG_INSTALL_ROOT_HANDLER"] = True
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(CollegeSpider)
    process.crawl(
        crawler,
        start_urls=list(cfg.start_urls),
        allowed_domains=list(cfg.allowed_domains),
        trap_chain=cfg.crawl.trap_chain,
        max_depth=cfg.crawl.max_depth,
        extract_workers=default_workers(),
        previous_run=previous,
        store=str(cfg.store),
        run_id=run_id,
        revisit_days=cfg.crawl.revisit_days,
        always=always,
    )
    live = Live(_progress_table(None, started), console=console, refresh_per_second=4, transient=True)
    ticker = task.LoopingCall(lambda: live.update(_progress_table(crawler.spider, started)))
    reason = "finished"
    try:
        with live:
            ticker.start(0.25, now=False)
            process.start()
        reason = str(crawler.stats.get_value("finish_reason") or "finished") if crawler.stats else "finished"
    except BaseException as exc:  # the run must be closed even if the crawl blows up
        reason = f"crashed: {type(exc).__name__}: {exc}"
        raise
    finally:
        if ticker.running:
            ticker.stop()
        spider = crawler.spider
        start_reached = bool(spider and spider.start_reached)
        status = "failed" if reason.startswith("crashed") else _status(reason, start_reached)
        if not start_reached and not reason.startswith("crashed"):
            reason = "start page unreachable" + (
                f" ({', '.join(sorted(spider.errors))})" if spider and spider.errors else ""
            )
        counts = dict(spider.counts) if spider else {}
        errors = dict(spider.errors) if spider else {}
        store_error = _store_error(spider, crawler.stats, counts)
        if store_error:
            status, reason = "failed", f"store write failed: {store_error}"
        seconds = time.monotonic() - started
        stats = {
            "counts": counts,
            "errors": errors,
            "seconds": round(seconds, 1),
            "log": str(log_file),
            "previous_run": previous,
        }
        try:
            with Store(cfg.store) as store:
                if previous:
                    counts["vanished"] = len(store.vanished(previous, run_id)) if status == "complete" else 0
                    counts["revisit_overdue"] = store.overdue(run_id, cfg.crawl.revisit_days)
                    if counts.get("revisit_kept"):  # what the store holds, not what the spider yielded
                        counts["revisit_kept"] = store.kept(run_id)
                store.finish_run(run_id, status, reason, stats)
        # the run cannot be closed: it stays 'running' in the store, and the next run marks it interrupted
        except (StoreWriteError, InputError) as e:
            store_error = store_error or (e.why if isinstance(e, StoreWriteError) else e.message)
            status, reason = "failed", f"store write failed: {store_error}"
    return CrawlResult(run_id, status, reason, seconds, counts, errors, cfg.store, store_error)


def _store_error(spider: Any, stats: Any, counts: dict[str, int]) -> str:
    """Why this crawl's records are not all in the store, or "": a record the pipeline failed on, or fewer
    records committed than the spider made."""
    made = counts.get("pages", 0) + counts.get("attachments", 0)
    stored = stats.get_value("auditor/stored") if stats else None
    error = getattr(spider, "store_error", None) or ""
    if stored is not None and stored != made:
        error = f"{error}; " if error else ""
        error += f"{stored} of {made} records stored"
    return error


def print_summary(result: CrawlResult, console: Console, days: int = 7) -> None:
    colour = {"complete": "green", "partial": "yellow", "failed": "red"}[result.status]
    t = Table(title=f"抓取结果 crawl #{result.run_id}", show_header=False, title_justify="left")
    t.add_row("状态 status", f"[{colour}]{result.status}[/] ({clean(result.reason)})")
    t.add_row(
        "网址 URLs", f"{result.counts.get('pages', 0)}（页面，含同一页面的其他网址 pages, copies included）"
    )
    t.add_row("附件 attachments", str(result.counts.get("attachments", 0)))
    errors = (
        clean(", ".join(f"{k} {v}" for k, v in sorted(result.errors.items(), key=lambda kv: -kv[1])))
        or "none"
    )
    t.add_row("错误 errors", errors)
    if result.counts.get("revisit_kept"):
        t.add_row(
            "轮换 rotation",
            f"未请求、沿用上次记录 kept {result.counts['revisit_kept']}（非证据、非列表页，每页至少每 {days} 晚复查一次）"
            + (
                f"；[red]超期未复查 overdue {result.counts['revisit_overdue']}[/]"
                if result.counts.get("revisit_overdue")
                else ""
            ),
        )
    if result.counts.get("not_modified") or result.counts.get("vanished"):
        t.add_row(
            "增量 incremental",
            f"304 未变 {result.counts.get('not_modified', 0)}, 消失 vanished {result.counts.get('vanished', 0)}",
        )
    skipped = {
        k: v for k, v in result.counts.items() if k in ("offsite_links", "trap_skipped", "head_refused")
    }
    if skipped:
        t.add_row("跳过 skipped", ", ".join(f"{k} {v}" for k, v in skipped.items()))
    t.add_row("用时 time", f"{result.seconds:.1f}s")
    t.add_row("存储 store", clean(result.store))
    console.print(t)

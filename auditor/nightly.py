"""The nightly job as one function: crawl → documents → audit → archive → reports → alerts → exit code.

`run_night` is what `auditor run` does (and so what the province runner and the queue worker run, as an
`auditor run` process each); `audit_night` is the part after the crawl (`auditor audit`). The CLI only parses,
prints and maps a Night to its exit code; the demo's year audits its month-end nights with the same
`audit.audit_and_record`."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.errors import StoreWriteError
from auditor.store.rotation import Pruned

if TYPE_CHECKING:
    from auditor.config import SiteConfig
    from auditor.crawl import CrawlResult

EXIT_OK, EXIT_GAPS, EXIT_INCONCLUSIVE = 0, 1, 3


@dataclass
class Night:
    """What one night did: the findings that stand, the files written, the alerts, and the exit code."""

    status: str  # complete | inconclusive (the audit's)
    findings: dict[str, Any]
    paths: list[Path] = field(default_factory=list)
    pruned: Pruned = field(default_factory=Pruned)  # what retention dropped tonight
    alerts_sent: list[str] = field(default_factory=list)
    alerts_failed: list[str] = field(default_factory=list)
    documents: str = ""  # the documents pass's one line, or why it failed
    documents_failed: bool = False
    open_gaps: int = 0

    @property
    def exit_code(self) -> int:
        """0 done, nothing open; 1 gaps found or personal data published; 3 inconclusive (cron reads each)."""
        if self.status != "complete":
            return EXIT_INCONCLUSIVE
        return (
            EXIT_GAPS
            if self.open_gaps or self.findings.get("privacy") or self.findings.get("gongshi")
            else EXIT_OK
        )


def unstored(cfg: SiteConfig, result: CrawlResult) -> StoreWriteError:
    """The crawl's records did not all reach the store: a full disk, or a pipeline that raised (a bug)."""
    error = RuntimeError(result.store_error)
    if result.counts.get("item_errors"):  # storing a record raised: a bug, or dependencies too old
        return StoreWriteError(str(cfg.store), error, hint="item_errors", logs=str(cfg.store.parent / "logs"))
    return StoreWriteError(str(cfg.store), error)


def fetch_documents(cfg: SiteConfig, result: CrawlResult, as_of: date | None = None) -> tuple[str, bool]:
    """The documents pass, in a child process (Scrapy's reactor runs once per process): the candidate files of
    this crawl's items, chosen from the pages model, downloaded into the same run. A failure here loses
    nothing: the audit then says the documents' content was not checked. (its line, failed)"""
    if result.status != "complete":
        return "", False
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "auditor.cli",
            "documents",
            "--config",
            str(cfg.path),
            "--run",
            str(result.run_id),
            *(["--as-of", as_of.isoformat()] if as_of else []),  # which 公示 are still running
        ],
        capture_output=True,
        text=True,
    )
    if proc.returncode == 0:
        return (proc.stdout.strip().splitlines() or [""])[-1], False
    return proc.stderr[-400:], True


def run_night(
    cfg: SiteConfig,
    as_of: date,
    out: Path,
    lang: str = "zh",
    progress: Any = None,
    on_crawl: Callable[[CrawlResult], None] | None = None,
) -> Night:
    """Crawl the site, download its candidate documents, audit, keep the evidence, write the reports, send
    the alerts. A crawl whose records did not all reach the store raises StoreWriteError: no audit, no
    report, no alert of gaps."""
    from auditor.crawl import run_crawl

    crawl = run_crawl(cfg, progress)
    if on_crawl:
        on_crawl(crawl)
    if crawl.store_error:
        raise unstored(cfg, crawl)
    line, failed = fetch_documents(cfg, crawl, as_of)
    night = audit_night(cfg, as_of, out, lang, prune=True)
    night.documents, night.documents_failed = line, failed
    return night


def audit_night(cfg: SiteConfig, as_of: date, out: Path, lang: str = "zh", prune: bool = False) -> Night:
    """Audit the stored crawl as of `as_of`, keep it in history, export the evidence, write the reports and
    send the alerts."""
    from auditor import history
    from auditor.alerts import send_alerts
    from auditor.audit import audit_and_record
    from auditor.checklist import check_exemptions, for_site
    from auditor.evidence import COPIES, archive
    from auditor.report import write_all
    from auditor.store import Store

    checklist = for_site(cfg)
    check_exemptions(checklist, cfg.exemptions, cfg.path, cfg.exemption_lines)
    with Store(cfg.store) as store:
        result = audit_and_record(store, cfg, checklist, as_of)
        findings = history.current(store) or result.as_json()
        pruned = store.prune(cfg.keep_runs) if prune else Pruned()
        if pruned.rows.get("archive"):
            pruned.files = archive.prune_files(store, cfg.store)
        archive.export(store, cfg.store, findings, out / COPIES)
    try:
        paths = write_all(findings, out, lang)
    except OSError as e:  # a full disk under reports/: the audit is stored, but nobody was told — exit 3
        raise StoreWriteError(str(out), e, "reports") from e
    sent, failed = send_alerts(cfg.alerts, findings, paths, cfg.departments)
    return Night(result.status, findings, paths, pruned, sent, failed, open_gaps=len(result.gaps()))

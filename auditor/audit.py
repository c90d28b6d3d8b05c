"""Glue: a stored crawl + the checklist + the school's profile + an as-of date → findings."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from auditor import __version__
from auditor.checklist import Checklist, Item
from auditor.config import SiteConfig
from auditor.errors import InputError
from auditor.findings import GAPS, PRECEDENCE, AuditResult, Evidence, Finding, ItemResult
from auditor.match import DirectoryClaim, Matcher, iter_signals, load_claims, match_directory, page_urls
from auditor.rules import Context, all_rules
from auditor.store import Run, Store

MOST_FAILED = 0.5  # a crawl where more than this share of requests failed cannot support "missing"
CRAWL_BASIS = "一次失败或不完整的抓取不能证明内容缺失（国办秘函〔2019〕19号：站点无法访问须持续一周以上方可认定）"


def crawl_health(run: Run) -> str | None:
    """Why this run cannot support gap findings, or None when it can."""
    if run.status != "complete":
        return {"partial": "抓取未完成（达到页面或时间上限，或被中止）", "failed": "无法访问起始页面",
                "interrupted": "抓取进程中断", "running": "抓取仍在进行"}.get(run.status, run.status) + \
            (f"：{run.stop_reason}" if run.stop_reason else "")
    counts = run.stats.get("counts", {})
    requests = counts.get("pages", 0) + counts.get("attachments", 0)
    failed = sum(v for k, v in run.stats.get("errors", {}).items() if not k.startswith("http_4"))
    if requests and failed / requests > MOST_FAILED:
        return f"大部分请求失败（{failed}/{requests}）"
    return None


def _status(findings: list[Finding], claimed_unverified: bool) -> str:
    statuses = {f.status for f in findings}
    if claimed_unverified and statuses & {"missing", "late", "stale"} and "broken" not in statuses:
        return "inconclusive"  # the school points elsewhere and we could not look there: no accusation
    return next((s for s in PRECEDENCE if s in statuses), "ok")


def _result(item: Item, status: str, evidence: list[Evidence], claim: DirectoryClaim | None = None,
            note: str = "") -> ItemResult:
    owner, source = (claim.department, "信息公开目录") if claim and claim.department else (item.owner, "checklist")
    return ItemResult(item.id, item.title, item.short, item.category, owner, source, status, evidence[:5],
                      note=note, publish=item.publish, basis=item.basis)


def audit_item(item: Item, evidence: list[Evidence], ctx: Context, claim: DirectoryClaim | None,
               claimed_unverified: bool) -> ItemResult:
    result = _result(item, "ok", evidence, claim)
    for rule in all_rules():
        result.findings.extend(rule(item, evidence, ctx))
    result.status = _status(result.findings, claimed_unverified)
    return result


def run_audit(store: Store, cfg: SiteConfig, checklist: Checklist, as_of: date, run_id: int | None = None) -> AuditResult:
    run = store.run(run_id) if run_id else store.latest_run(status=None)
    if run is None:
        raise InputError(str(cfg.store), None, "no crawl in this store yet", f"run `auditor crawl --config {cfg.path}` first")
    urls = page_urls(store, run.id)
    claims = load_claims(store, run.id)
    matcher = Matcher(checklist.items, checklist.decoy_words, cfg.school)
    evidence = matcher.match_all(iter_signals(store, run.id, urls))
    by_item = match_directory(matcher, claims)
    pages = set(urls)
    hosts = tuple(sorted({urlsplit(u).hostname or "" for u in pages}))
    unhealthy = crawl_health(run)
    result = AuditResult(cfg.school, as_of.isoformat(), "inconclusive" if unhealthy else "complete", unhealthy or "",
                         {"id": run.id, "status": run.status, "started_at": run.started_at, "finished_at": run.finished_at,
                          "pages": store.count("pages", run.id), "attachments": store.count("attachments", run.id),
                          "stop_reason": run.stop_reason, "errors": run.stats.get("errors", {})},
                         list(checklist.sources), cfg.fingerprint, __version__)
    for item in checklist.items:
        claim = by_item.get(item.id)
        ev = evidence.get(item.id, [])
        if (reason := item.applies_to(cfg.profile)) is not None:
            result.items.append(_result(item, "not_applicable", ev, note=reason))
            continue
        if item.id in cfg.exemptions:
            result.items.append(_result(item, "exempt", ev, note=cfg.exemptions[item.id]))
            continue
        claimed = tuple(claim.targets) if claim else ()
        ctx = Context(as_of, len(pages), hosts, claimed)
        item_result = audit_item(item, ev, ctx, claim, any(u not in pages for u in claimed))
        if unhealthy:
            gaps = [f for f in item_result.findings if f.status in GAPS]
            item_result.status = "inconclusive"
            item_result.findings = [Finding("crawl_incomplete", "inconclusive", "info", "audit.crawl_incomplete",
                                            {"short": item.short, "reason": unhealthy,
                                             "would_zh": f"若抓取完整，将检查：{gaps[0].message}" if gaps else "",
                                             "would_en": f"A complete crawl would check: {gaps[0].text('en')}" if gaps else ""},
                                            CRAWL_BASIS)]
        result.items.append(item_result)
    return result


def audit_and_record(store: Store, cfg: SiteConfig, checklist: Checklist, as_of: date) -> AuditResult:
    """The audit as the nightly job runs it: decide, honour reviews, compare with history, keep it."""
    from auditor import history
    from auditor.reviews import apply_reviews, load_reviews

    reviews = load_reviews(cfg.reviews)  # a malformed file stops here, before anything is written
    result = run_audit(store, cfg, checklist, as_of)
    apply_reviews(result, reviews, str(cfg.reviews))
    history.attach(store, result)
    history.save(store, result)
    return result

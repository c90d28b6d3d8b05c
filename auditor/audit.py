"""Glue: a stored crawl + the checklist + the school's profile + an as-of date → findings.

match (pages whose own signals name an item) → pages (what each page is; columns through their entries;
the 目录's claims) → rules (one module per check) → precedence (one status) → findings.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from auditor import __version__
from auditor.checklist import Checklist, Item
from auditor.config import SiteConfig
from auditor.errors import InputError
from auditor.findings import AuditResult, Evidence, ItemResult
from auditor.match import ClaimMatch, Matcher, iter_signals, load_claims, match_directory
from auditor.pages import ItemPages, PagesModel
from auditor.rules import Context, all_rules, crawl_health, precedence
from auditor.store import Store


def _result(
    item: Item, status: str, evidence: list[Evidence], claim: ClaimMatch | None = None, note: str = ""
) -> ItemResult:
    department = claim.claim.department if claim else ""
    owner, source = (department, "信息公开目录") if department else (item.owner, "checklist")
    return ItemResult(
        item.id,
        item.title,
        item.short,
        item.category,
        owner,
        source,
        status,
        evidence[:5],
        note=note,
        publish=item.publish,
        basis=item.basis,
    )


def audit_item(item: Item, pages: ItemPages, ctx: Context) -> ItemResult:
    findings = []
    for rule in all_rules():
        found = rule.check(item, pages.evidence, ctx)
        findings.extend(found)
        if rule.terminal and found:
            break
    usable = any(e.usable for e in pages.evidence)
    status, findings, note = precedence.decide(item, findings, ctx, usable)
    result = _result(item, status, pages.evidence, pages.claim, note)
    result.findings, result.mentions = findings, pages.mentions
    return result


def run_audit(
    store: Store, cfg: SiteConfig, checklist: Checklist, as_of: date, run_id: int | None = None
) -> AuditResult:
    run = store.run(run_id) if run_id else store.latest_run(status=None)
    if run is None:
        raise InputError(
            str(cfg.store),
            None,
            "no crawl in this store yet",
            f"run `auditor crawl --config {cfg.path}` first",
        )
    urls = store.page_urls(run.id)
    matcher = Matcher(checklist.items, checklist.decoy_words, cfg.school)
    matched = matcher.match_all(iter_signals(store, run.id, urls))
    claims = match_directory(matcher, load_claims(store, run.id))
    by_item = PagesModel(store, run.id, matcher, checklist.decoy_words).build(
        list(checklist.items), matched, claims
    )
    hosts = tuple(sorted({urlsplit(u).hostname or "" for u in urls}))
    problem = crawl_health.problem(run)
    result = AuditResult(
        cfg.school,
        as_of.isoformat(),
        "inconclusive" if problem else "complete",
        problem or "",
        {
            "id": run.id,
            "status": run.status,
            "started_at": run.started_at,
            "finished_at": run.finished_at,
            "pages": store.count("pages", run.id),
            "attachments": store.count("attachments", run.id),
            "stop_reason": run.stop_reason,
            "errors": run.stats.get("errors", {}),
        },
        list(checklist.sources),
        cfg.fingerprint,
        __version__,
    )
    for item in checklist.items:
        pages = by_item[item.id]
        claim = pages.claim.claim if pages.claim else None
        ctx = Context(
            as_of,
            len(urls),
            hosts,
            tuple(claim.targets) if claim else (),
            tuple(pages.unfetched),
            tuple(pages.mentions),
            cfg.profile,
            cfg.exemptions.get(item.id),
            problem,
        )
        result.items.append(audit_item(item, pages, ctx))
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

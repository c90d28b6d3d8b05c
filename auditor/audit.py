"""Glue: a stored crawl + the checklist + the school's profile + an as-of date → findings.

match (pages whose own signals name an item) → pages (what each page is; columns through their entries;
the 目录's claims) → rules (one module per check) → precedence (one status) → findings.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from auditor import __version__, gongshi, replaced
from auditor.checklist import Checklist, Item
from auditor.config import SiteConfig
from auditor.departments import Departments
from auditor.errors import InputError
from auditor.evidence import contents
from auditor.findings import AuditResult, Evidence, ItemResult
from auditor.match import ClaimMatch, Matcher, iter_signals, load_claims, match_directory
from auditor.pages import ItemPages, PagesModel
from auditor.privacy import findings as privacy
from auditor.rules import Context, all_rules, crawl_health, precedence
from auditor.store import Store


def _result(
    item: Item, status: str, evidence: list[Evidence], claim: ClaimMatch | None = None, note: str = ""
) -> ItemResult:
    department = claim.claim.department if claim else ""
    owner, source = (department, "信息公开目录") if department else (item.owner, "checklist")
    number = int(item.id[4:]) if item.id.startswith("moe-") else None
    return ItemResult(
        item.id,
        item.title,
        item.short,
        item.category,
        owner,
        source,
        status,
        number,
        evidence=evidence[:5],
        note=note,
        publish=item.publish,
        basis=item.basis,
        directory={"page": claim.claim.page, "label": claim.claim.label}
        if claim and claim.claim.page
        else None,
    )


def _owned(result: ItemResult, departments: Departments) -> None:
    """Group under the school's official department name; keep the name the site or checklist used."""
    if (dept := departments.official(result.owner)) and dept.name != result.owner:
        result.owner_seen, result.owner = result.owner, dept.name


def _dead_links(store: Store, run_id: int, result: ItemResult) -> None:
    """Name the page that links to a dead target, and the link's words, where the rule could not."""
    for f in result.findings:
        if f.link and not f.link.get("source") and (found := store.inbound(run_id, f.link["target"])):
            f.link["source"], anchor = found
            f.link["anchor"] = anchor or f.link.get("anchor") or ""


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


def item_pages(
    store: Store, cfg: SiteConfig, checklist: Checklist, run_id: int | None = None
) -> tuple[Any, list[str], dict[str, ItemPages]]:
    """(the run, its pages, what it holds for each item): matching and the pages model, before any document
    is read — all the documents pass needs to choose its files."""
    run = store.run(run_id) if run_id else store.latest_run(status=None)
    if run is None:
        raise InputError.said(str(cfg.store), None, "no_crawl", config=cfg.path)
    urls = store.page_urls(run.id)
    matcher = Matcher(checklist.items, checklist.decoy_words, cfg.school)
    matched = matcher.match_all(iter_signals(store, run.id, urls))
    claims = match_directory(matcher, load_claims(store, run.id))
    by_item = PagesModel(store, run.id, matcher, checklist.decoy_words).build(
        list(checklist.items), matched, claims
    )
    return run, urls, by_item


def run_audit(
    store: Store, cfg: SiteConfig, checklist: Checklist, as_of: date, run_id: int | None = None
) -> AuditResult:
    run, urls, by_item = item_pages(store, cfg, checklist, run_id)
    contents.attach(store, run.id, checklist, {i: p.evidence for i, p in by_item.items()})
    scans = contents.read_files(store, run.id, gongshi_files(store, run.id))  # for personal data only
    hosts = tuple(sorted({urlsplit(u).hostname or "" for u in urls}))
    problem = crawl_health.problem(run)
    owners, last = privacy.owners(store, cfg.departments), _last_summary(store)
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
            "pages": len(urls),  # distinct pages: the figure every message and report cites
            "copies": store.count("pages", run.id) - len(urls),  # the same article under another URL
            "attachments": store.count("attachments", run.id),
            "stop_reason": run.stop_reason,
            "errors": run.stats.get("errors", {}),
            # the revisit rotation: records kept from an earlier night, and those kept past their turn
            "revisit": {
                "kept": run.stats.get("counts", {}).get("revisit_kept", 0),
                "overdue": run.stats.get("counts", {}).get("revisit_overdue", 0),
                "days": cfg.crawl.revisit_days,
            },
        },
        list(checklist.sources),
        cfg.fingerprint,
        __version__,
        contacts={d.name: list(d.contacts) for d in cfg.departments.listed if d.contacts},
        privacy=privacy.carried(privacy.entries(store, run.id, owners), last.get("privacy") or []),
        privacy_scans=scans.as_dict(),
    )
    before = previous_complete(store, run.id)
    if not problem:  # an incomplete crawl judges no 公示 and compares no file: what it missed is not gone
        found = result.privacy, owners, last.get("gongshi") or []
        result.gongshi = _gongshi(store, run.id, before, as_of, *found)
        if before is not None:  # files replaced since the last complete crawl
            result.replaced = replaced.find(store, run.id, before, owners, privacy.COORDINATOR)
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
            checklist.annual_report if item.id == checklist.annual_report.item else None,
        )
        found = audit_item(item, pages, ctx)
        found.note_by = cfg.exempted_by.get(item.id, "") if found.status == "exempt" else ""
        _owned(found, cfg.departments)
        _dead_links(store, run.id, found)
        result.items.append(found)
    return result


def _last_summary(store: Store) -> dict[str, Any]:
    """The last complete audit's findings without their items (its stored summary): the personal data and 公示
    it found, whose first_seen dates carry over."""
    complete = store.audits("complete")
    return json.loads(complete[-1]["summary"] or "{}") if complete else {}


def previous_complete(store: Store, run_id: int) -> int | None:
    """The last complete crawl before run `run_id`: what tonight is compared with."""
    earlier = [r.id for r in store.runs() if r.status == "complete" and r.id < run_id]
    return earlier[-1] if earlier else None


def _gongshi(
    store: Store,
    run_id: int,
    before: int | None,
    as_of: date,
    found: list[dict[str, Any]],
    owners: dict[str, str],
    last: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """The night's 公示 findings (auditor.gongshi), each first_seen carried from the last complete audit."""
    personal = {p["page"] or p["url"] for p in found}
    rules = gongshi.load()
    entries = gongshi.judge(store, run_id, before, as_of, rules, personal, owners, privacy.COORDINATOR)
    return gongshi.carried(entries, last, as_of.isoformat())


def gongshi_files(store: Store, run_id: int) -> list[str]:
    """Files of the run's 公示-like pages (auditor.privacy): downloaded and read for personal data."""
    from auditor.privacy import GONGSHI_FILES, GONGSHI_WORDS

    return store.files_of_pages_titled(run_id, GONGSHI_WORDS, GONGSHI_FILES)


def candidate_documents(cfg: SiteConfig, run_id: int, as_of: date | None = None) -> list[str]:
    """The files the documents pass should download for run `run_id`: those of each item's evidence, those of
    公示-like pages (read for personal data), and the 公示 whose period is still running (asked for again
    tonight, whatever the revisit rotation kept: one taken down early must be seen gone) — chosen
    from the pages model alone (no document is read and no rule runs: the night audits once, after)."""
    from auditor.checklist import for_site

    with Store(cfg.store) as store:
        run, _, by_item = item_pages(store, cfg, for_site(cfg), run_id)
        files = gongshi_files(store, run_id)
        before = previous_complete(store, run_id)
        day = as_of or date.fromisoformat(run.started_at[:10])
        running = gongshi.watch(store, [run_id] if before is None else [run_id, before], day)
    evidence = contents.candidates({i: p.evidence for i, p in by_item.items()})
    return list(dict.fromkeys([*evidence, *files, *running]))


def keep_evidence(store: Store, cfg: SiteConfig, result: AuditResult) -> None:
    """Archive what decided each status (WARC), screenshot the open gaps from the archive, and name both
    in the findings. A failure here never stops the audit: the findings say what is not archived."""
    from auditor.evidence import archive, screenshots

    run_id = result.run["id"]
    context = [*cfg.start_urls, *dict.fromkeys(r["page"] for r in store.directory_rows(run_id))]
    changed = [c["url"] for c in result.replaced]  # a replaced file's both payloads, each under its night
    try:
        written = archive.write(
            store, cfg.store, run_id, archive.urls_to_archive(result, [*context, *changed])
        )
        if changed and (before := previous_complete(store, run_id)) is not None:
            archive.write(store, cfg.store, before, changed)
    except OSError as e:  # a full disk under archive/: the audit stands, its archive is said to be missing
        result.evidence = {"error": f"存档未能写入：{e.strerror or e}"}
        return
    try:
        shots = screenshots.take(store, cfg.store, result)
    except OSError as e:  # the shots' folder could not be written: said as that, the archive stands
        shots = {
            "taken": 0,
            "reused": 0,
            "failed": 0,
            "seconds": 0.0,
            "skipped": f"截图未能保存：{e.strerror or e}",
        }
    archive.attach(store, cfg.store, result)
    result.evidence = {
        "warc": written.file,
        "records": written.records,
        "revisits": written.revisits,
        "bytes": written.bytes,
        "screenshots": shots,
    }


def audit_and_record(
    store: Store, cfg: SiteConfig, checklist: Checklist, as_of: date, evidence: bool = True
) -> AuditResult:
    """The audit as the nightly job runs it: decide, honour reviews, keep the evidence (the demo's past nights
    do without), compare with history, keep it."""
    from auditor import history
    from auditor.responses import apply_assignments, apply_responses
    from auditor.reviews import apply_reviews, load_reviews, sync

    reviews = load_reviews(cfg.reviews)  # a malformed file stops here, before anything is written
    result = run_audit(store, cfg, checklist, as_of)
    apply_reviews(result, sync(store, reviews, as_of), str(cfg.reviews))
    apply_assignments(result, store)
    apply_responses(result, store)
    if evidence:
        keep_evidence(store, cfg, result)
    history.attach(store, result, cfg.rectify_days, cfg.holidays)
    history.save(store, result)
    return result

"""A year of nights in one store, written as the nightly job writes it, without a crawl (issue 24).

`build_year(path, pages=5000, nights=365, change=0.02)` renders the demo college (auditor.demo.site) with
enough news stories for `pages` HTML pages — columns and list pages with dated entries, articles, the
信息公开目录, attachments, redirects, a dead file — and then, night after night:

1. edits `change` of the pages (a sentence added to an article's first paragraph; an "updated" line on a
   page without one): a new body, so a new ETag and Last-Modified, as the demo's server would answer;
2. "crawls" it into a new run through the Store's own writes, deciding each URL as the spider does: the
   revisit rotation (`CollegeSpider.keep`, the spider's own rule, over `Store.revisit_info` and
   `auditor.crawl.required`) keeps a page or file unasked (`kept` / `kept_attachment`); an asked page whose
   ETag matches `Store.validators` of the previous run answers 304 (`unchanged`: last night's record copied);
   any other is fetched, read by the spider's own extractor and stored with its body and headers (`page`);
   files are asked by HEAD (`attachment`); redirects are hops (`write_hops`, `settle_redirects`); the run is
   closed with the crawl's counts (`finish_run`), in batches of 200 records as the pipeline commits them;
3. runs the documents pass (the files `audit.candidate_documents` would choose, stored again with their
   bodies), the audit as the nightly records it (`audit.audit_and_record`, with the WARC evidence archive)
   and retention as `nightly.audit_night` runs it (`Store.prune(keep_runs)`, `archive.prune_files`).
   Reports and alerts (files under reports/, mail) are not the store's and are not written; screenshots
   (PNG files beside the store, Chromium's time) are left out unless `screenshots=True`.

No row is written with SQL of its own: every one comes from a Store method. `on_night(record)` is called
after each night with the store closed (its files are then what a night leaves on disk). Used by
`bench/store_growth.py`; other benchmarks import it the same way:

    sys.path[0] = ROOT  # as bench/ scripts do
    from bench.yearstore import build_year
    year = build_year(Path("year/auditor.sqlite"), pages=5000, nights=365)
"""

from __future__ import annotations

import copy
import random
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import formatdate
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urljoin

import yaml

from auditor import __version__
from auditor.demo.site import Resource, Site, build_site, load_college
from auditor.extract import decode_html, extract_page
from auditor.extract.attachment import filename_from_disposition, filename_from_url
from auditor.extract.record import page_record
from auditor.store import Pruned, Store

FIRST = date(2022, 11, 15)  # the day the demo college's content stands at: night 1
BATCH = 200  # records per transaction, as the crawl pipeline's BatchWriter commits them
SERVER = "BaseHTTP/0.6 Python/3.11, VWebServer"  # what the demo server's answers carry


@dataclass
class NightRecord:
    """What one night wrote (and what the site did that day)."""

    night: int
    run_id: int
    as_of: date
    edited: list[str]  # pages the site changed before tonight's crawl
    fetched: list[str]  # pages stored with a new body tonight (answered in full)
    not_modified: int  # pages that answered 304: the previous night's record copied
    kept: int  # pages and files the rotation did not ask about: copied as an earlier night stored them
    files_asked: int  # files asked about (HEAD, or GET stopped after the headers)
    documents: int  # files the documents pass stored with their body
    audit: str  # the audit's status ('' when not audited)
    open_gaps: int
    pruned: Pruned  # what retention dropped tonight (as Store.prune and archive.prune_files say)
    seconds: float  # to write the night: crawl, documents, audit, retention
    wal_bytes: int  # the WAL file at the end of the night, before the store was closed


@dataclass
class Year:
    store: Path
    config: Path
    pages: int  # HTML pages the site has (each stored every night)
    files: int  # attachments the site links
    nights: list[NightRecord] = field(default_factory=list)


class YearSite:
    """The demo college with `pages` HTML pages, under the URLs a crawl stores (no port)."""

    def __init__(self, pages: int, weight_kb: int = 0) -> None:
        self.data = _college(pages)
        site = build_site(80, self.data)
        if weight_kb:
            weigh(site, weight_kb)
        self.school: str = site.school
        self.domain = site.domain
        self.start_url = _bare(site.start_url)
        linked = {_bare(u) for u in site.attachment_links}
        self.pages: dict[str, Resource] = {}
        self.files: dict[str, Resource] = {}
        self.hops: list[tuple[str, str]] = []
        self.parsed: dict[str, tuple[bytes, Any]] = {}  # url → (body, its signals): read once per body
        for (host, path), res in site.resources.items():
            url = f"http://{host}{path}"
            location = dict(res.headers).get("Location")
            if location:
                self.hops.append((url, _bare(urljoin(url, location))))
            elif res.kind == "attachment" and url in linked:
                self.files[url] = res
            elif res.kind in ("page", "redirect") and not res.robots_disallowed:
                text, _ = decode_html(res.body, dict(res.headers).get("Content-Type"))
                sig = extract_page(url, text)
                if sig.redirect_to:  # a JavaScript or meta refresh stub: a hop, never a stored page
                    self.hops.append((url, sig.redirect_to))
                else:
                    self.pages[url] = res
                    self.parsed[url] = (res.body, sig)
        self.head_refused = tuple(f"http://{h}/" for h in site.head_refused)
        self.via = self._breadth_first()

    def _breadth_first(self) -> dict[str, tuple[int, str | None]]:
        """url → (link depth, the page it was first found on), as the night's breadth-first crawl meets it."""
        nxt = dict(self.hops)
        via: dict[str, tuple[int, str | None]] = {self.start_url: (0, None)}
        todo = deque([self.start_url])
        while todo:
            url = todo.popleft()
            depth, referer = via[url]
            if url in nxt:  # a redirect is no hop
                targets, depth = [nxt[url]], depth - 1
            else:
                targets = [link.url for link in self.parsed[url][1].links] if url in self.parsed else []
            for target in targets:
                if target not in via:
                    via[target] = (depth + 1, url if url not in nxt else referer)
                    todo.append(target)
        return via

    def signals(self, url: str) -> tuple[Any, str]:
        """The page's signals as the spider's extractor reads its current body, and the body's encoding."""
        res = self.pages[url]
        text, encoding = decode_html(res.body, dict(res.headers).get("Content-Type", ""))
        body, sig = self.parsed[url]
        if body != res.body:
            sig = extract_page(url, text)
            self.parsed[url] = (res.body, sig)
        return sig, encoding

    def edit(self, url: str, night: int, when: float) -> None:
        """Change a page as an editor would: a sentence in its first paragraph, or an "updated" line."""
        res = self.pages[url]
        charset = _charset(res)
        if b"</p>" in res.body:
            mark = f"（第{night}晚更新）".encode(charset)
            res.body = res.body.replace(b"</p>", mark + b"</p>", 1)
        else:
            mark = f'<div class="update">更新于第{night}晚</div>'.encode(charset)
            cut = res.body.lower().rfind(b"</body>")
            cut = len(res.body) if cut < 0 else cut
            res.body = res.body[:cut] + mark + res.body[cut:]
        res.modified = when


def _college(pages: int) -> dict[str, Any]:
    """The demo college's data with as many news stories as make `pages` HTML pages (lists included)."""
    base = load_college()
    news = 3  # the fewest the portal's "热点关注" box needs
    for _ in range(6):
        data = copy.deepcopy(base)
        data["news"]["count"] = news
        got = sum(r.kind == "page" and r.status == 200 for r in build_site(80, data).resources.values())
        if got == pages:
            break
        news = max(3, news + round((pages - got) * (20 / 21)))  # one list page per 20 stories
    data = copy.deepcopy(base)
    data["news"]["count"] = news
    return data


def _bare(url: str) -> str:
    """A URL as the crawl stores it: the default port left out."""
    return url.replace(":80/", "/", 1) if ":80/" in url else url.removesuffix(":80")


def _charset(res: Resource) -> str:
    ctype = dict(res.headers).get("Content-Type", "").lower()
    return "gbk" if "gbk" in ctype or "gb2312" in ctype else "utf-8"


def weigh(site: Site, kb: int) -> None:
    """Pad every HTML page to about `kb` KB with what real college pages carry besides their content, as
    bench/crawl.py does: a mega-menu of a hundred links to the host's own pages, 友情链接 to thirty other
    schools, inline styles and statistics scripts."""
    pads: dict[str, str] = {}
    for (host, _), res in site.resources.items():
        if res.kind != "page" or res.status != 200 or b"</body>" not in res.body.lower():
            continue
        if host not in pads:
            own = sorted(p for (h, p), r in site.resources.items() if h == host and r.kind == "page")[:100]
            parts = [
                '<div class="mega-menu"><ul>'
                + "".join(f'<li><a href="{p}">栏目导航{i}</a></li>' for i, p in enumerate(own))
                + "</ul></div>",
                '<div class="footer-links">友情链接：'
                + "".join(f'<a href="http://www.school{i}.edu.cn/">兄弟院校{i}</a>' for i in range(30))
                + "</div>",
            ]
            i = 0
            while sum(len(x.encode()) for x in parts) < (kb - 2) * 1024:
                parts.append(
                    "<style>"
                    + "".join(f".nav-item{{margin:0 {i + j}px;padding:0 12px}}\n" for j in range(20))
                    + "</style><script>var _hmt=_hmt||[];"
                    + "".join(f"_hmt.push(['_trackEvent','column','{i + j}']);\n" for j in range(20))
                    + "</script>"
                )
                i += 20
            pads[host] = "".join(parts)
        cut = res.body.lower().rfind(b"</body>")
        res.body = res.body[:cut] + pads[host].encode(_charset(res)) + res.body[cut:]


def write_config(
    folder: Path, site: YearSite, store: Path, revisit_days: int | None, keep_runs: int | None
) -> Path:
    """The college's site.yaml (the demo's profile, exemptions, departments); crawl and retention settings
    at their defaults unless given."""
    data: dict[str, Any] = {
        "school": site.school,
        "start_urls": [site.start_url],
        "allowed_domains": [site.domain],
        **site.data.get("config", {}),
        "store": store.name,
    }
    if revisit_days is not None:
        data["crawl"] = {"revisit_days": revisit_days}
    if keep_runs is not None:
        data["retention"] = {"keep_runs": keep_runs}
    path = folder / "site.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def _headers(res: Resource) -> dict[str, str]:
    """The response headers as the spider records them (Scrapy's spelling of the names)."""
    out = {k.title(): v for k, v in res.headers}
    out.update(
        {
            "Etag": res.etag,
            "Last-Modified": formatdate(res.modified, usegmt=True),
            "Content-Length": str(len(res.body)),
            "Server": SERVER,
            "Date": formatdate(time.time(), usegmt=True),
        }
    )
    return out


def _now() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


def _page(site: YearSite, url: str) -> dict[str, Any]:
    """A page answered in full: its record as the spider yields it (`page_record` of its signals)."""
    res = site.pages[url]
    sig, encoding = site.signals(url)
    depth, referer = site.via.get(url, (1, site.start_url))
    ok = res.status == 200
    return page_record(
        url,
        sig,
        res.status,
        redirects=[],
        content_type=dict(res.headers).get("Content-Type", ""),
        encoding=encoding,
        size=len(res.body),
        depth=depth,
        etag=res.etag if ok else None,
        last_modified=formatdate(res.modified, usegmt=True) if ok else None,
        referer=referer,
        fetched_at=_now(),
        failed_at=None if ok else _now(),
        attempts=1,
        body=res.body,
        headers=_headers(res),
    )


def _file(url: str, res: Resource, method: str, body: bool = False) -> dict[str, Any]:
    """A file's record as the spider yields it: asked about (HEAD, or GET stopped after the headers), or
    downloaded by the documents pass (`body`)."""
    headers = _headers(res)
    ok = res.status < 400
    item: dict[str, Any] = {
        "kind": "attachment",
        "url": url,
        "final_url": url,
        "status": res.status,
        "error": None if ok else f"http_{res.status}",
        "content_type": headers.get("Content-Type", ""),
        "size": len(res.body) or None,
        "filename": filename_from_disposition((headers.get("Content-Disposition") or "").encode("utf-8"))
        or filename_from_url(url),
        "method": method,
        "fetched_at": _now(),
        "last_modified": headers["Last-Modified"],
        "failed_at": None if ok else _now(),
        "attempts": 1,
        "headers": headers,
    }
    if body and ok:
        item.update(body=res.body, capped=False)
    return item


def _chunks(items: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for k in range(0, len(items), BATCH):
        yield items[k : k + BATCH]


@dataclass
class Crawled:
    run_id: int
    counts: Counter[str]  # the spider's counts, as the run's stats keep them
    fetched: list[str]  # pages stored with a new body
    files_asked: int


def crawl_night(store: Store, site: YearSite, cfg: Any) -> Crawled:
    """One night's crawl of `site` into a new run, each URL decided as the spider decides it."""
    from auditor.crawl import required
    from spiders.college import CollegeSpider

    run_id = store.start_run(site.school, str(cfg.path), cfg.fingerprint, __version__, [site.start_url])
    previous = store.previous_crawl(run_id)
    days = cfg.crawl.revisit_days
    # the state the spider holds tonight, for its own rotation rule
    spider = SimpleNamespace(
        known=store.revisit_info(previous) if previous and days > 1 else {},
        always=set(required(store)),
        start_urls=[site.start_url],
        revisit_days=days,
        run_id=run_id,
    )
    validators = store.validators(previous) if previous else {}  # what the conditional requests send
    counts: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    items: list[dict[str, Any]] = []
    fetched: list[str] = []
    asked = 0
    for url, res in site.pages.items():
        counts["pages"] += 1
        if spider.known and CollegeSpider.keep(spider, url):
            counts["revisit_kept"] += 1
            items.append({"kind": "kept", "url": url, "from_run": previous})
        elif res.status == 200 and validators.get(url, (None, None))[0] == res.etag:
            counts["not_modified"] += 1
            depth, referer = site.via.get(url, (1, site.start_url))
            items.append(
                {"kind": "unchanged", "url": url, "from_run": previous, "depth": depth, "referer": referer,
                 "fetched_at": _now(), "redirects": []}
            )  # fmt: skip
        else:
            if res.status >= 400:
                errors[f"http_{res.status}"] += 1
            items.append(_page(site, url))
            fetched.append(url)
    for url, res in site.files.items():
        counts["attachments"] += 1
        if spider.known and CollegeSpider.keep(spider, url):
            counts["revisit_kept"] += 1
            items.append({"kind": "kept_attachment", "url": url, "from_run": previous})
            continue
        asked += 1
        refused = url.startswith(site.head_refused)
        counts["head_refused"] += refused
        if res.status >= 400:
            errors[f"http_{res.status}"] += 1
        items.append(_file(url, res, "GET (headers only)" if refused else "HEAD"))
    for batch in _chunks(items):
        store.write_batch(run_id, batch)
    store.write_hops(run_id, site.hops)
    for kind, n in store.settle_redirects(run_id).items():
        errors[kind] += n
    if previous:  # as auditor.crawl.run_crawl closes a run
        counts["vanished"] = len(store.vanished(previous, run_id))
        counts["revisit_overdue"] = store.overdue(run_id, days)
        if counts.get("revisit_kept"):
            counts["revisit_kept"] = store.kept(run_id)
    stats = {
        "counts": dict(counts),
        "errors": dict(errors),
        "seconds": 0.0,
        "log": "",
        "previous_run": previous,
    }
    store.finish_run(run_id, "complete", "finished", stats)
    return Crawled(run_id, counts, fetched, asked)


def documents_pass(store: Store, site: YearSite, cfg: Any, checklist: Any, run_id: int) -> int:
    """The nightly's documents pass: the files `audit.candidate_documents` chooses (the pages model, no
    audit; here with the night's checklist loaded once), stored again with their bodies."""
    from auditor.audit import item_pages
    from auditor.evidence import contents

    _, _, by_item = item_pages(store, cfg, checklist, run_id)
    urls = contents.candidates({i: p.evidence for i, p in by_item.items()})
    items = [_file(url, site.files[url], "GET", body=True) for url in urls if url in site.files]
    downloaded = sum("body" in i for i in items)  # before the store takes the bodies out of the records
    for batch in _chunks(items):
        store.write_batch(run_id, batch)
    return downloaded


def audit_night(
    store: Store, cfg: Any, checklist: Any, as_of: date, evidence: bool = True
) -> tuple[str, int, Pruned]:
    """What `nightly.audit_night(prune=True)` does to the store: the audit recorded with its evidence, the
    findings that stand read back, retention. (status, open gaps, pruned runs)"""
    from auditor import history
    from auditor.audit import audit_and_record
    from auditor.evidence import archive

    result = audit_and_record(store, cfg, checklist, as_of, evidence=evidence)
    history.current(store)
    pruned = store.prune(cfg.keep_runs)
    if pruned.rows.get("archive"):
        pruned.files = archive.prune_files(store, cfg.store)
    return result.status, len(result.gaps()), pruned


@contextmanager
def no_screenshots(off: bool) -> Iterator[None]:
    """Screenshots left out: the evidence room then finds no Chromium and says so in the findings."""
    if not off:
        yield
        return
    from auditor.evidence import screenshots

    found = screenshots.chromium
    screenshots.chromium = lambda: None
    try:
        yield
    finally:
        screenshots.chromium = found


def wal_bytes(store: Path) -> int:
    wal = store.with_name(store.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def build_year(
    path: Path,
    pages: int = 5000,
    nights: int = 365,
    change: float = 0.02,
    seed: int = 20221115,
    *,
    first: date = FIRST,
    revisit_days: int | None = None,
    keep_runs: int | None = None,
    weight_kb: int = 0,
    audit: bool = True,
    evidence: bool = True,
    screenshots: bool = False,
    on_night: Callable[[NightRecord], None] | None = None,
) -> Year:
    """Write `nights` nights of a `pages`-page college into a new store at `path` (its site.yaml beside it),
    `change` of the pages edited before each night after the first; night 1 is audited as of `first`.
    `revisit_days` and `keep_runs` go into site.yaml (None: their defaults, 7 and 30). `weight_kb` pads
    the pages to that weight (0: the demo's light pages). `audit=False` leaves out the documents pass and
    the audit (retention still runs); `evidence=False` audits without the WARC archive."""
    from auditor.checklist import check_exemptions, for_site
    from auditor.config import load_config

    path = Path(path)
    if path.exists():
        raise FileExistsError(f"{path}: build_year writes a new store")
    path.parent.mkdir(parents=True, exist_ok=True)
    site = YearSite(pages, weight_kb)
    cfg = load_config(write_config(path.parent, site, path, revisit_days, keep_runs))
    checklist = for_site(cfg) if audit else None
    if checklist is not None:
        check_exemptions(checklist, cfg.exemptions, cfg.path, cfg.exemption_lines)
    year = Year(path, Path(cfg.path), len(site.pages), len(site.files))
    rng = random.Random(seed)
    urls = sorted(site.pages)
    edits = round(change * len(urls))
    with no_screenshots(audit and not screenshots):
        for night in range(1, nights + 1):
            started = time.perf_counter()
            as_of = first + timedelta(days=night - 1)
            edited = sorted(rng.sample(urls, edits)) if night > 1 else []
            when = datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC).timestamp()
            for url in edited:
                site.edit(url, night, when)
            status, gaps, documents = "", 0, 0
            with Store(path) as store:
                crawled = crawl_night(store, site, cfg)
                if audit:
                    documents = documents_pass(store, site, cfg, checklist, crawled.run_id)
                    status, gaps, pruned = audit_night(store, cfg, checklist, as_of, evidence)
                else:
                    pruned = store.prune(cfg.keep_runs)
                wal = wal_bytes(path)
            counts = crawled.counts
            record = NightRecord(
                night, crawled.run_id, as_of, edited, crawled.fetched, counts["not_modified"],
                counts["revisit_kept"], crawled.files_asked, documents, status, gaps, pruned,
                time.perf_counter() - started, wal,
            )  # fmt: skip
            year.nights.append(record)
            if on_night:
                on_night(record)
    return year

"""Map stored pages to checklist items with rapidfuzz, keeping the reason for every score.

Signals per page: its title, its column (breadcrumb), the anchor texts and list entries that point at it,
the 信息公开目录 rows that link to it, the names of its attachments, and its URL slug (博达 slugs are pinyin
initials). All strings are normalised once, then scored against all aliases in one `process.cdist` call
per scorer: no pairwise Python loops.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import numpy as np
from rapidfuzz import fuzz, process

from auditor.checklist import Item
from auditor.findings import Evidence
from auditor.normalize import initials, normalise
from auditor.store import Store

WEIGHTS = {
    "title": 1.0,
    "entry": 0.97,
    "column": 0.95,
    "directory": 0.93,
    "anchor": 0.92,
    "attachment": 0.92,
    "slug": 0.82,
}
# (directory: the weight of a 信息公开目录 claim, which auditor.pages weighs; the matcher reads a page's own signals)
TITLE_LIKE = ("title", "entry", "anchor", "attachment")  # fields a decoy word in the text discounts
DECOY_FACTOR = 0.5
THRESHOLD = (
    90.0  # raw similarity a signal needs on its own: one character in eight changes a Chinese title's meaning
)
RIVAL_GAP = 12.0  # a page matching one item at 100 is not evidence for another it matches at < 88
AGREE = 85.0  # another signal at or above this adds AGREE_BONUS
FLOOR = AGREE  # below this a raw score can neither match nor agree: not worth computing
AGREE_BONUS = 2.0
MIN_SLUG = 5
MAX_EVIDENCE = 5
GENERIC_ANCHORS = re.compile(
    r"^(更多|more|详细|详情|查看|点击|下载|下页|上页|首页|尾页|返回|\d+|>>|»|\.\.\.)$", re.I
)


@dataclass(slots=True)  # one per crawled page: 100k of them must stay small
class PageSignals:
    url: str
    title: str
    status: int | None
    error: str | None
    published: str | None
    period: dict | None
    placeholder: str | None
    is_list: bool  # it lists dated entries
    texts: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # signal kind → texts
    list_dates: list[str] = field(default_factory=list)
    attachments: list[dict] = field(default_factory=list)
    fetched: bool = True
    listing: bool | None = None  # named after its column (None: a store from before this was measured)
    content_chars: int | None = None
    content_links: int | None = None
    scripted: bool = False
    rows: int = 0  # list entries on it, dated or not
    crumb: str = ""  # the last part of its breadcrumb: the column it says it belongs to
    has_directory: bool = False  # it holds the school's 信息公开目录 table
    failed_at: str | None = None  # when it first failed tonight (before its late retries)
    attempts: int = 1
    excerpt: str = ""  # the start of its own text: a 印发 notice may say the document is not in it


@dataclass
class DirectoryClaim:
    """A 信息公开目录 row: the school's own claim of where an item is, and which department owns it."""

    label: str
    department: str
    targets: list[str]
    page: str = ""


@dataclass
class ClaimMatch:
    """A 信息公开目录 row assigned to an item, with how well its label matched the item's wording."""

    claim: DirectoryClaim
    score: float
    alias: str


CHUNK = 5000  # pages matched at a time: memory is bounded by this, not by the size of the site


def load_claims(store: Store, run_id: int) -> list[DirectoryClaim]:
    claims: dict[tuple[str, str], DirectoryClaim] = {}
    for r in store.directory_rows(run_id):
        key = (r["label"], r["department"] or "")
        claim = claims.setdefault(key, DirectoryClaim(r["label"], r["department"] or "", [], r["page"]))
        if r["target"]:
            claim.targets.append(r["target"])
    return list(claims.values())


def load_signals(store: Store, run_id: int, urls: list[str]) -> dict[str, PageSignals]:
    """The signals of these pages: their own fields, and what list entries, link texts and their attachments
    say about them."""
    q = store.signal_rows(run_id, urls)
    pages: dict[str, PageSignals] = {}
    texts: dict[str, dict[str, list[str]]] = {}
    for r in q["pages"]:
        p = PageSignals(
            r["url"],
            r["title"] or "",
            r["status"],
            r["error"],
            r["published"],
            json.loads(r["period"]) if r["period"] else None,
            r["placeholder"],
            False,
            listing=None if r["listing"] is None else bool(r["listing"]),
            content_chars=r["content_chars"],
            content_links=r["content_links"],
            scripted=bool(r["scripted"]),
            failed_at=r["failed_at"],
            attempts=r["attempts"] or 1,
            excerpt=r["excerpt"] or "",
        )
        t = texts[p.url] = defaultdict(list)
        if p.title:
            t["title"].append(p.title)
        crumbs = json.loads(r["breadcrumb"] or "[]")
        p.crumb = crumbs[-1] if crumbs else ""
        t["column"].extend(c for c in crumbs[-2:] if c != p.title)
        t["slug"].extend(s for s in re.split(r"[/._?=&-]+", urlsplit(p.url).path.lower()) if s.isalpha())
        pages[p.url] = p
    for r in q["entries_to"]:
        if r["target"] in pages:  # a URL asked for that the crawl never stored has no signals
            texts[r["target"]]["entry"].append(r["title"])
            if r["date"]:
                pages[r["target"]].list_dates.append(r["date"])
    for r in q["lists"]:
        pages[r["page"]].is_list = r["dated"] > 0
        pages[r["page"]].rows = r["rows"]
    for r in q["anchors_to"]:
        if r["dst"] in pages and not GENERIC_ANCHORS.match(r["text"]):
            texts[r["dst"]]["anchor"].append(r["text"])
    for r in q["directories"]:
        pages[r["page"]].has_directory = True
    for r in q["files_of"]:
        name = r["text"] or r["filename"] or ""
        pages[r["src"]].attachments.append(
            {
                "url": r["dst"],
                "name": name,
                "status": r["status"],
                "error": r["error"],
                "filename": r["filename"],
                "last_modified": r["last_modified"],
                "failed_at": r["failed_at"],
                "attempts": r["attempts"] or 1,
            }
        )
        if name and not pages[r["src"]].has_directory:  # the 目录's links are claims, not the page's files
            texts[r["src"]]["attachment"].append(name)
    for url, t in texts.items():  # an unreachable page keeps only what others say about it
        pages[url].texts = {k: list(dict.fromkeys(x for x in v if x)) for k, v in t.items() if v}
    return pages


def iter_signals(
    store: Store, run_id: int, urls: list[str], chunk: int = CHUNK
) -> Iterator[dict[str, PageSignals]]:
    for k in range(0, len(urls), chunk):
        yield load_signals(store, run_id, urls[k : k + chunk])


class Matcher:
    """Scores strings against the aliases of a set of items. Build once per audit."""

    def __init__(self, items: Iterable[Item], decoy_words: Iterable[str], school: str = "") -> None:
        self.items = list(items)
        self.school = school
        self.decoys = tuple(decoy_words)
        # breadcrumbs often carry the checklist's own category names (学风建设信息): those are not item columns
        self.categories = {normalise(item.category) for item in self.items}
        self.alias_rows: list[tuple[int, str]] = []  # (item index, alias)
        for i, item in enumerate(self.items):
            for alias in dict.fromkeys((*item.aliases, item.short)):
                self.alias_rows.append((i, alias))
        self.alias_norm = [normalise(a) for _, a in self.alias_rows]
        self.alias_len = np.array([len(a) for a in self.alias_norm])
        self.alias_item = np.array([i for i, _ in self.alias_rows])
        self.alias_initials = [initials(a) for _, a in self.alias_rows]
        self.alias_by_norm = {n: a for n, (_, a) in zip(self.alias_norm, self.alias_rows, strict=True)}
        # blocking index: bigram → aliases holding it
        self.alias_by_bigram: dict[str, list[int]] = defaultdict(list)
        for j, a in enumerate(self.alias_norm):
            for bg in self._bigrams(a):
                self.alias_by_bigram[bg].append(j)
        self.alias_by_initials: dict[str, list[int]] = defaultdict(list)
        for j, ini in enumerate(self.alias_initials):
            if len(ini) >= MIN_SLUG:
                self.alias_by_initials[ini].append(j)

    def _bigrams(self, text: str) -> set[str]:
        return {text[i : i + 2] for i in range(len(text) - 1)} or ({text} if text else set())

    def text_hits(self, strings: list[str], floor: float = FLOOR) -> dict[int, list[tuple[int, float, str]]]:
        """Row → [(item index, score, alias)] for every item some alias of which scores ≥ floor against the row.

        Blocking: a text and an alias can only be ≥ 85 % similar if they share a character bigram, so only
        such pairs are scored — element-wise, in one rapidfuzz `cpdist` call per scorer: partial ratio where
        the text is at least as long as the alias, plain ratio otherwise."""
        norm = [normalise(s, self.school) for s in strings]
        rows: list[int] = []
        cols: list[int] = []
        for r, text in enumerate(norm):
            candidates: set[int] = set()
            for bg in self._bigrams(text):
                candidates.update(self.alias_by_bigram.get(bg, ()))
            rows.extend([r] * len(candidates))
            cols.extend(candidates)
        if not rows:
            return {}
        row_a, col_a = np.array(rows), np.array(cols)
        text_len = np.array([len(t) for t in norm])[row_a]
        longer = text_len >= self.alias_len[col_a]
        scores = np.zeros(len(rows), dtype=np.float32)
        for mask, scorer in ((longer, fuzz.partial_ratio), (~longer, fuzz.ratio)):
            idx = np.nonzero(mask)[0]
            if len(idx):
                scores[idx] = process.cpdist(
                    [norm[i] for i in row_a[idx]],
                    [self.alias_norm[j] for j in col_a[idx]],
                    scorer=scorer,
                    score_cutoff=floor,
                    dtype=np.float32,
                    workers=-1,
                )
        # (row, item) → every alias that matched
        best: dict[tuple[int, int], dict[str, float]] = defaultdict(dict)
        for k in np.nonzero(scores >= floor)[0]:
            r, j = int(row_a[k]), int(col_a[k])
            best[(r, int(self.alias_item[j]))][self.alias_norm[j]] = float(scores[k])
        out: dict[int, list[tuple[int, dict[str, float]]]] = defaultdict(list)
        for (r, i), aliases in best.items():
            out[r].append((i, aliases))
        return {
            r: [(i, sc, self.alias_by_norm[a]) for i, sc, a in _most_specific(found)]
            for r, found in out.items()
        }

    def is_decoy(self, text: str, item: Item) -> bool:
        return any(w in text for w in self.decoys) or any(w in text for w in item.decoys)

    def slug_hits(self, slugs: list[str]) -> dict[int, list[tuple[int, float, str]]]:
        out: dict[int, list[tuple[int, float, str]]] = defaultdict(list)
        for r, slug in enumerate(slugs):
            for j in self.alias_by_initials.get(slug, ()):
                i = int(self.alias_item[j])
                if all(i != k for k, _, _ in out[r]):
                    out[r].append((i, 100.0, self.alias_rows[j][1]))
        return out

    def match_all(self, chunks: Iterable[dict[str, PageSignals]]) -> dict[str, list[Evidence]]:
        """Evidence over a stream of page chunks; only the evidence is kept between chunks."""
        out: dict[str, list[Evidence]] = defaultdict(list)
        for pages in chunks:
            for item_id, found in self.match(pages).items():
                out[item_id].extend(found)
        for found in out.values():
            found.sort(key=_rank)
        return out

    def match(self, pages: dict[str, PageSignals]) -> dict[str, list[Evidence]]:
        """item id → evidence, best first (only scores ≥ THRESHOLD)."""
        rows: list[tuple[str, str, str]] = []  # (url, field, text)
        for p in pages.values():
            for fld, texts in p.texts.items():
                rows.extend(
                    (p.url, fld, t)
                    for t in texts
                    if not (fld == "column" and normalise(t) in self.categories)
                )
        unique = list(dict.fromkeys(t for _, f, t in rows if f != "slug"))
        slugs = list(dict.fromkeys(t for _, f, t in rows if f == "slug"))
        text_hits = self.text_hits(unique)
        slug_hits = self.slug_hits(slugs)
        text_pos = {t: i for i, t in enumerate(unique)}
        slug_pos = {t: i for i, t in enumerate(slugs)}
        best: dict[tuple[str, int], dict[str, tuple[float, str, str]]] = defaultdict(dict)
        for url, fld, text in rows:
            found = slug_hits.get(slug_pos[text], ()) if fld == "slug" else text_hits.get(text_pos[text], ())
            for i, raw, alias in found:
                s = raw * WEIGHTS[fld]
                if fld in TITLE_LIKE and self.is_decoy(text, self.items[i]):
                    s *= DECOY_FACTOR
                cur = best[(url, i)].get(fld)
                if cur is None or s > cur[0]:
                    best[(url, i)][fld] = (s, text, alias)
        scored: dict[tuple[str, int], tuple[float, str, str, str, list[str]]] = {}
        page_best: dict[str, float] = defaultdict(float)
        for (url, i), fields in best.items():
            ranked = sorted(fields.items(), key=lambda kv: -kv[1][0])
            fld, (s, text, alias) = ranked[0]
            if s < THRESHOLD:  # the best signal must match on its own; agreement only ranks
                continue
            agree = [f for f, (v, _, _) in ranked[1:] if v >= AGREE * WEIGHTS[f]]  # raw score ≥ AGREE
            score = min(100.0, s + AGREE_BONUS * len(agree))
            scored[(url, i)] = (score, fld, text, alias, agree)
            page_best[url] = max(page_best[url], score)
        out: dict[str, list[Evidence]] = defaultdict(list)
        for (url, i), (score, fld, text, alias, agree) in scored.items():
            if score < THRESHOLD or score < page_best[url] - RIVAL_GAP:
                continue
            out[self.items[i].id].append(page_evidence(pages[url], score, fld, text, alias, agree))
        for ev in out.values():
            ev.sort(key=_rank)
        return out


def _rank(e: Evidence) -> tuple[float, bool, bool, int, str]:
    """Best first: score, then readable before broken, documents before lists, newest period first."""
    return (-round(e.score, 1), not e.usable, e.is_list, -(e.period_start or 0), e.url)


def _most_specific(found: list[tuple[int, dict[str, float]]]) -> list[tuple[int, float, str]]:
    """Each item's best alias on the text, dropping an item whose best alias lies inside a longer alias of
    another item that matched the same text as well: '研究生招生咨询及申诉方式' is moe-14 (研究生招生咨询), not
    moe-10 (招生咨询); '招生章程及特殊类型招生办法' is moe-07 (特殊类型招生办法), not moe-08 (特殊类型招生)."""
    out = []
    for i, aliases in found:
        a, s = max(aliases.items(), key=lambda kv: (kv[1], len(kv[0])))
        if not any(j != i and t >= s and a != b and a in b for j, other in found for b, t in other.items()):
            out.append((i, s, a))
    return out


def page_evidence(
    p: PageSignals, score: float, fld: str, text: str, alias: str, agree: list[str]
) -> Evidence:
    published, source = (
        (p.published, "page")
        if p.published
        else ((max(p.list_dates), "list") if p.list_dates else (None, None))
    )
    # a page that did not answer with itself (404 page, WAF challenge, refused) is named by what linked it
    failed = (p.status or 0) >= 400 or p.error is not None or p.status is None
    return Evidence(
        url=p.url,
        title=(text or p.title) if failed and fld in TITLE_LIKE else p.title,
        score=round(score, 1),
        field=fld,
        matched=text,
        alias=alias,
        status=p.status,
        error=p.error,
        published=published,
        published_from=source,
        period=(p.period or {}).get("label"),
        period_start=(p.period or {}).get("start"),
        period_kind=(p.period or {}).get("kind"),
        placeholder=p.placeholder,
        is_list=p.is_list,
        fetched=p.fetched,
        attachments=p.attachments,
        also=agree,
        failed_at=p.failed_at,
        attempts=p.attempts,
    )


def match_directory(matcher: Matcher, claims: list[DirectoryClaim]) -> dict[str, ClaimMatch]:
    """item id → the 信息公开目录 row that names it (best match ≥ THRESHOLD; a row naming two items, as merged
    rows do, is each one's)."""
    out: dict[str, ClaimMatch] = {}
    for row, found in (matcher.text_hits([c.label for c in claims], THRESHOLD) if claims else {}).items():
        for i, score, alias in found:
            item_id = matcher.items[i].id
            if item_id not in out or score > out[item_id].score:
                out[item_id] = ClaimMatch(claims[row], score, alias)
    return out

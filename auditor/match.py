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
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import numpy as np
from rapidfuzz import fuzz, process

from auditor.checklist import Item
from auditor.findings import Evidence
from auditor.normalize import initials, normalise
from auditor.store import Store

WEIGHTS = {"title": 1.0, "entry": 0.97, "column": 0.95, "directory": 0.93, "anchor": 0.92, "attachment": 0.92, "slug": 0.82}
TITLE_LIKE = ("title", "entry", "anchor", "attachment")  # fields a decoy word in the text discounts
DECOY_FACTOR = 0.5
THRESHOLD = 90.0  # raw similarity a signal needs on its own: one character in eight changes a Chinese title's meaning
RIVAL_GAP = 12.0  # a page matching one item at 100 is not evidence for another it matches at < 88
AGREE = 85.0  # another signal at or above this adds AGREE_BONUS
AGREE_BONUS = 2.0
MIN_SLUG = 5
MAX_EVIDENCE = 5
GENERIC_ANCHORS = re.compile(r"^(更多|more|详细|详情|查看|点击|下载|下页|上页|首页|尾页|返回|\d+|>>|»|\.\.\.)$", re.I)


@dataclass
class PageSignals:
    url: str
    title: str
    status: int | None
    error: str | None
    published: str | None
    period: dict | None
    placeholder: str | None
    is_list: bool
    texts: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    list_dates: list[str] = field(default_factory=list)
    attachments: list[dict] = field(default_factory=list)
    fetched: bool = True


@dataclass
class DirectoryClaim:
    """A 信息公开目录 row: the school's own claim of where an item is, and which department owns it."""

    label: str
    department: str
    targets: list[str]


def load_signals(store: Store, run_id: int) -> tuple[dict[str, PageSignals], list[DirectoryClaim]]:
    db = store.db
    pages: dict[str, PageSignals] = {}
    for r in db.execute("SELECT url, title, status, error, published, period, placeholder, breadcrumb FROM pages "
                        "WHERE run_id=? AND duplicate_of IS NULL", (run_id,)):
        p = PageSignals(r["url"], r["title"] or "", r["status"], r["error"], r["published"],
                        json.loads(r["period"]) if r["period"] else None, r["placeholder"], False)
        if p.title:
            p.texts["title"].append(p.title)
        crumbs = json.loads(r["breadcrumb"] or "[]")
        p.texts["column"].extend(c for c in crumbs[-2:] if c != p.title)
        p.texts["slug"].extend(s for s in re.split(r"[/._?=&-]+", urlsplit(p.url).path.lower()) if s.isalpha())
        pages[p.url] = p
    entries_by_page: dict[str, int] = defaultdict(int)
    for r in db.execute("SELECT page, target, title, date FROM entries WHERE run_id=?", (run_id,)):
        entries_by_page[r["page"]] += 1
        if (p := pages.get(r["target"])) is not None:
            p.texts["entry"].append(r["title"])
            if r["date"]:
                p.list_dates.append(r["date"])
    for url, n in entries_by_page.items():
        if url in pages and n >= 1:
            pages[url].is_list = True
    for r in db.execute("SELECT DISTINCT dst, text FROM links WHERE run_id=? AND is_attachment=0 AND text != ''", (run_id,)):
        if (p := pages.get(r["dst"])) is not None and not GENERIC_ANCHORS.match(r["text"]):
            p.texts["anchor"].append(r["text"])
    for r in db.execute("SELECT l.src, l.dst, l.text, a.status, a.filename, a.error FROM links l "
                        "LEFT JOIN attachments a ON a.run_id = l.run_id AND a.url = l.dst "
                        "WHERE l.run_id=? AND l.is_attachment=1", (run_id,)):
        if (p := pages.get(r["src"])) is not None:
            name = r["text"] or r["filename"] or ""
            p.attachments.append({"url": r["dst"], "name": name, "status": r["status"], "error": r["error"]})
            if name:
                p.texts["attachment"].append(name)
    claims: dict[tuple[str, str], DirectoryClaim] = {}
    for r in db.execute("SELECT label, department, target FROM directory WHERE run_id=? ORDER BY rowid", (run_id,)):
        claim = claims.setdefault((r["label"], r["department"] or ""), DirectoryClaim(r["label"], r["department"] or "", []))
        if r["target"]:
            claim.targets.append(r["target"])
            if (p := pages.get(r["target"])) is not None:
                p.texts["directory"].append(r["label"])
    for p in pages.values():  # an unreachable page keeps only what others say about it
        for k in p.texts:
            p.texts[k] = list(dict.fromkeys(t for t in p.texts[k] if t))
    return pages, list(claims.values())


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
        # aliases are grouped by item: column ranges let numpy reduce alias scores to item scores
        self.item_starts = np.searchsorted(self.alias_item, np.arange(len(self.items)))
        self.item_ends = np.append(self.item_starts[1:], len(self.alias_rows))

    def score_strings(self, strings: list[str]) -> np.ndarray:
        """strings × aliases, 0..100: partial ratio where the string is at least as long as the alias, else ratio."""
        norm = [normalise(s, self.school) for s in strings]
        if not norm:
            return np.zeros((0, len(self.alias_norm)), dtype=np.float32)
        partial = process.cdist(norm, self.alias_norm, scorer=fuzz.partial_ratio, dtype=np.float32, workers=-1)
        whole = process.cdist(norm, self.alias_norm, scorer=fuzz.ratio, dtype=np.float32, workers=-1)
        lengths = np.array([len(s) for s in norm])[:, None]
        scores = np.where(lengths >= self.alias_len[None, :], partial, whole)
        scores[lengths[:, 0] == 0, :] = 0
        return scores

    def slug_scores(self, slugs: list[str]) -> np.ndarray:
        out = np.zeros((len(slugs), len(self.alias_rows)), dtype=np.float32)
        index: dict[str, list[int]] = defaultdict(list)
        for j, ini in enumerate(self.alias_initials):
            if len(ini) >= MIN_SLUG:
                index[ini].append(j)
        for i, s in enumerate(slugs):
            out[i, index.get(s, [])] = 100.0
        return out

    def is_decoy(self, text: str, item: Item) -> bool:
        return any(w in text for w in self.decoys) or any(w in text for w in item.decoys)

    def hits(self, scores: np.ndarray, floor: float) -> dict[int, list[tuple[int, float, str]]]:
        """Row → [(item index, score, alias)] for every item scoring ≥ floor: one pass over the matrix."""
        item_max = np.maximum.reduceat(scores, self.item_starts, axis=1) if scores.size else scores
        out: dict[int, list[tuple[int, float, str]]] = defaultdict(list)
        for row, i in zip(*np.nonzero(item_max >= floor), strict=True):
            lo, hi = self.item_starts[i], self.item_ends[i]
            j = lo + int(np.argmax(scores[row, lo:hi]))
            out[int(row)].append((int(i), float(item_max[row, i]), self.alias_norm[j]))
        for row, found in out.items():
            if len(found) > 1:
                out[row] = _most_specific(found)
        return {row: [(i, s, self.alias_by_norm[a]) for i, s, a in found] for row, found in out.items()}

    def match(self, pages: dict[str, PageSignals]) -> dict[str, list[Evidence]]:
        """item id → evidence, best first (only scores ≥ THRESHOLD)."""
        rows: list[tuple[str, str, str]] = []  # (url, field, text)
        for p in pages.values():
            for fld, texts in p.texts.items():
                rows.extend((p.url, fld, t) for t in texts if not (fld == "column" and normalise(t) in self.categories))
        floor = THRESHOLD * 0.9
        unique = list(dict.fromkeys(t for _, f, t in rows if f != "slug"))
        slugs = list(dict.fromkeys(t for _, f, t in rows if f == "slug"))
        text_hits = self.hits(self.score_strings(unique), floor)
        slug_hits = self.hits(self.slug_scores(slugs), floor)
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
            out[self.items[i].id].append(_evidence(pages[url], score, fld, text, alias, agree))
        for ev in out.values():
            ev.sort(key=lambda e: (-round(e.score, 1), not e.usable, e.is_list, -(e.period_start or 0), e.url))
        return out


def _most_specific(found: list[tuple[int, float, str]]) -> list[tuple[int, float, str]]:
    """Drop an item whose matching alias lies inside another item's longer matching alias on the same text:
    '研究生招生咨询及申诉方式' is moe-14 (研究生招生咨询), not moe-10 (招生咨询)."""
    return [(i, s, a) for i, s, a in found
            if not any(j != i and t >= s and a != b and a in b for j, t, b in found)]


def _evidence(p: PageSignals, score: float, fld: str, text: str, alias: str, agree: list[str]) -> Evidence:
    published, source = (p.published, "page") if p.published else ((max(p.list_dates), "list") if p.list_dates else (None, None))
    return Evidence(url=p.url, title=p.title, score=round(score, 1), field=fld, matched=text, alias=alias, status=p.status,
                    error=p.error, published=published, published_from=source,
                    period=(p.period or {}).get("label"), period_start=(p.period or {}).get("start"),
                    period_kind=(p.period or {}).get("kind"),
                    placeholder=p.placeholder, is_list=p.is_list, fetched=p.fetched, attachments=p.attachments, also=agree)


def match_directory(matcher: Matcher, claims: list[DirectoryClaim]) -> dict[str, DirectoryClaim]:
    """item id → the 信息公开目录 row that names it (best match ≥ THRESHOLD)."""
    if not claims:
        return {}
    out: dict[str, tuple[float, DirectoryClaim]] = {}
    for row, found in matcher.hits(matcher.score_strings([c.label for c in claims]), THRESHOLD).items():
        for i, score, _alias in found:
            item_id = matcher.items[i].id
            if item_id not in out or score > out[item_id][0]:
                out[item_id] = (score, claims[row])
    return {k: v[1] for k, v in out.items()}

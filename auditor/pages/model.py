"""From matched pages to each item's documents, columns and editions (see the package docstring)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from auditor.checklist import Item
from auditor.extract.dates import path_date, title_period
from auditor.findings import Evidence
from auditor.match import CHUNK, THRESHOLD, ClaimMatch, Matcher, PageSignals, load_signals, page_evidence
from auditor.pages.titles import genre_fit, title_kind
from auditor.store import Store

EMPTY_CHARS = 20  # a column page with fewer characters of its own (and no entries, files or links) is empty
# A publication notice that does not carry what it publishes: "文件全文请登录学院OA办公系统查阅",
# "全文请在校内办公系统查阅", "原文见校园网内网" — the document is not public, the notice is only about it.
ELSEWHERE = re.compile(
    r"(?:全文|原文|正文|文件)[^。；]{0,8}?(?:请|可)?(?:登录|登陆|在|到|见|进入)[^。；]{0,14}?"
    r"(?:OA|ＯＡ|办公系统|办公平台|办公网|内网|校内网|校园网|内部网|协同办公)[^。；]{0,10}?(?:查阅|查看|下载|获取|浏览)?"
)
ENTRIES_PER_COLUMN = (
    30  # a column's newest entries considered: an edition older than that is not the current one
)
FURNITURE = (
    4  # an entry listed on this many pages or more is a 'latest news' box of the site, not the column's
)
HOME = re.compile(r"^/?((index|main|default|home)\.(s?html?|jsp|php|aspx?))?$", re.I)
MENTIONS = 5


@dataclass
class ItemPages:
    """What the crawl holds for one item, ready for the rules."""

    evidence: list[Evidence] = field(default_factory=list)  # documents and columns, best first
    # notices, news, others' posts: named it, are not it
    mentions: list[Evidence] = field(default_factory=list)
    claim: ClaimMatch | None = None
    # 目录 targets the crawl never stored (off-site, unreachable)
    unfetched: list[str] = field(default_factory=list)
    home_claims: list[str] = field(default_factory=list)  # 目录 targets that are only a site's home page


def is_home(url: str) -> bool:
    return bool(HOME.match(urlsplit(url).path))


def _date_of(last_modified: str | None) -> str | None:
    try:
        return parsedate_to_datetime(last_modified).date().isoformat() if last_modified else None
    except (TypeError, ValueError):
        return None


def page_kind(p: PageSignals, news_words: tuple[str, ...]) -> tuple[str, str, bool]:
    """(kind, the words that decided it, empty). A list page is a column; one with nothing of its own in it
    (no entries, files, links or text) is an empty column; a column page that shows the item's text itself
    is the document; anything else is what its title's grammar says."""
    if p.has_directory:
        return "directory", "", False
    article = p.listing is False  # its CMS's article body, or a labelled date of its own
    if (p.listing or p.is_list or p.placeholder) and not (article and not p.placeholder):
        if p.placeholder:
            return "column", p.placeholder, True
        if p.rows or p.attachments or p.is_list:
            return "column", "", False
        if p.content_chars is not None and p.content_chars < EMPTY_CHARS and not p.content_links:
            return "column", "", True
        return "document", "", False  # named after its column, lists nothing, shows text: the document itself
    kind = title_kind(p.title, news_words)
    if kind.is_document and not p.attachments and (m := ELSEWHERE.search("".join(p.excerpt.split()))):
        return "notice", m.group(0), False  # 关于印发《…》的通知 whose 《…》 is only on the school's intranet
    return kind.kind, kind.reason, False


class PagesModel:
    """Builds every item's ItemPages from the matcher's evidence and the 目录's claims. One per audit."""

    def __init__(self, store: Store, run_id: int, matcher: Matcher, news_words: tuple[str, ...]) -> None:
        self.store, self.run_id, self.matcher, self.news = store, run_id, matcher, news_words
        self.signals: dict[str, PageSignals] = {}

    def _load(self, urls: list[str]) -> None:
        todo = [u for u in dict.fromkeys(urls) if u not in self.signals]
        for k in range(0, len(todo), CHUNK):
            self.signals.update(load_signals(self.store, self.run_id, todo[k : k + CHUNK]))

    def build(
        self, items: list[Item], matched: dict[str, list[Evidence]], claims: dict[str, ClaimMatch]
    ) -> dict[str, ItemPages]:
        targets = [t for c in claims.values() for t in c.claim.targets]
        resolved = self.store.resolve(self.run_id, targets)
        self._load(
            [e.url for found in matched.values() for e in found] + [r["url"] for r in resolved.values()]
        )
        out: dict[str, ItemPages] = {}
        for item in items:
            pages = out[item.id] = ItemPages(claim=claims.get(item.id))
            candidates = [self._classified(e) for e in matched.get(item.id, [])]
            claimed: set[str] = set()
            if pages.claim:
                for target in pages.claim.claim.targets:
                    row = resolved.get(target)
                    if row is None:
                        pages.unfetched.append(target)
                    elif row["kind"] == "page" and (is_home(target) or is_home(row["url"])):
                        pages.home_claims.append(target)
                    else:
                        claimed.add(row["url"])
                        if all(e.url != row["url"] for e in candidates):
                            candidates.append(self._claimed(row, pages.claim))
            for e in candidates:
                e.claimed = e.url in claimed
            out[item.id] = pages
            pages.evidence = candidates
        self._expand_columns(items, out)
        for item in items:
            self._finish(item, out[item.id])
        return out

    # ------------------------------------------------------------------ one page
    def _classified(self, e: Evidence) -> Evidence:
        p = self.signals.get(e.url)
        if p is None:
            return e
        kind, reason, empty = page_kind(p, self.news)
        e.kind, e.kind_reason, e.empty, e.scripted = kind, reason, empty, p.scripted
        e.entries = p.rows + len(p.attachments)
        return self._dated(e)

    def _claimed(self, row: dict, claim: ClaimMatch) -> Evidence:
        """A 目录 target that no signal of its own matched: evidence because the school says so."""
        label, score, alias = claim.claim.label, claim.score, claim.alias
        if row["kind"] == "file":
            files = self.store.files(self.run_id, [row["url"]])
            return self._file(
                row["url"],
                row["title"] or label,
                files.get(row["url"]),
                None,
                score,
                "directory",
                label,
                alias,
            )
        e = page_evidence(self.signals[row["url"]], score, "directory", label, alias, [])
        e.via = "directory"
        return self._classified(e)

    def _file(
        self,
        url: str,
        name: str,
        record: dict | None,
        list_date: str | None,
        score: float,
        fld: str,
        matched: str,
        alias: str,
    ) -> Evidence:
        period = title_period(name) or title_period((record or {}).get("filename") or "")
        e = Evidence(
            url=url,
            title=name,
            score=score,
            field=fld,
            matched=matched,
            alias=alias,
            status=(record or {}).get("status"),
            error=(record or {}).get("error"),
            failed_at=(record or {}).get("failed_at"),
            attempts=(record or {}).get("attempts") or 1,
            period=period.label if period else None,
            period_start=period.start if period else None,
            period_kind=period.kind if period else None,
            is_file=True,
            fetched=record is not None,
            kind=title_kind(name, self.news).kind,
        )
        if list_date:
            e.published, e.published_from = list_date, "list"
        e = self._dated(e)
        if not e.published and (lm := _date_of((record or {}).get("last_modified"))):
            e.published, e.published_from = lm, "last_modified"
        return e

    @staticmethod
    def _dated(e: Evidence) -> Evidence:
        """Fill what dates an edition when the page itself does not: its files' names, its URL's path."""
        if e.period_start is None:
            for a in e.attachments:
                if p := title_period(a.get("name") or ""):
                    e.period, e.period_start, e.period_kind = p.label, p.start, p.kind
                    break
        if not e.published and (found := path_date(e.url)):
            e.published, e.published_from = found[0].isoformat(), "path"
        return e

    # ------------------------------------------------------------------ columns through their entries
    def _expand_columns(self, items: list[Item], out: dict[str, ItemPages]) -> None:
        columns = {
            e.url for pages in out.values() for e in pages.evidence if e.kind == "column" and not e.empty
        }
        if not columns:
            return
        listed = self.store.list_rows(self.run_id, sorted(columns))
        repeats = self.store.listed_on(self.run_id, list({r["target"] for r in listed}))
        self._load([r["target"] for r in listed])
        rows: dict[str, list[dict]] = defaultdict(list)
        for r in listed:
            target = self.signals.get(r["target"])
            own = target is not None and target.crumb and target.crumb == self.signals[r["page"]].title
            # a 'latest news' box repeats on every page; a row is the column's own unless it is in such a box
            # and the page it links to says it belongs to another column
            if (own or repeats.get(r["target"], 0) < FURNITURE) and len(rows[r["page"]]) < ENTRIES_PER_COLUMN:
                rows[r["page"]].append(dict(r))
        for pages in out.values():  # a column whose rows and links are all the site's furniture holds nothing
            for e in pages.evidence:
                if e.kind == "column" and not e.empty and self._holds_nothing(e.url, rows.get(e.url, [])):
                    e.empty, e.entries = True, 0
        titles = list(
            dict.fromkeys(
                [
                    *(r["title"] for rs in rows.values() for r in rs),
                    *(a["name"] for c in columns for a in self.signals[c].attachments if a["name"]),
                    *(
                        self.signals[r["target"]].title
                        for rs in rows.values()
                        for r in rs
                        if r["target"] in self.signals
                    ),
                ]
            )
        )
        names = {
            titles[k]: {self.matcher.items[i].id for i, score, _ in found if score >= THRESHOLD}
            for k, found in self.matcher.text_hits(titles, THRESHOLD).items()
        }
        for item in items:
            pages = out[item.id]
            for column in [e for e in pages.evidence if e.kind == "column" and not e.empty]:
                entries = self._entries(column, rows.get(column.url, []))
                own = []
                for entry in entries:
                    named = names.get(entry.title, set())
                    if named and item.id not in named:
                        continue  # its own title names another item: that item's document, listed here
                    own.append(entry)
                    self._add(pages, entry)
                if entries and not own:  # a shared column (学风建设) holding only the other items' documents
                    k = pages.evidence.index(column)
                    pages.evidence[k] = replace(column, others=entries[0].title)

    def _holds_nothing(self, url: str, rows: list[dict]) -> bool:
        """A list page with no rows of its own (sub-columns do not count), no files, next to no text, and no
        link to a page of its own: what is left are the site's menus and boxes."""
        p = self.signals[url]
        if not p.listing or p.attachments or p.content_chars is None or p.content_chars >= EMPTY_CHARS:
            return False
        if any(not (t := self.signals.get(r["target"])) or not t.listing for r in rows):
            return False
        return not self.store.own_links(self.run_id, url, FURNITURE)

    def _entries(self, column: Evidence, rows: list[dict]) -> list[Evidence]:
        out: list[Evidence] = []
        seen: set[str] = set()
        p = self.signals[column.url]
        files = {a["url"]: a for a in p.attachments}
        records = self.store.files(self.run_id, list(files))
        for r in rows:
            target = r["target"]
            if target in seen:
                continue
            seen.add(target)
            if target in files:
                out.append(
                    self._file(
                        target,
                        r["title"] or files[target]["name"],
                        records.get(target),
                        r["date"],
                        column.score,
                        "column_entry",
                        r["title"],
                        column.alias,
                    )
                )
                continue
            tp = self.signals.get(target)
            if tp is None:  # listed but never stored: off-site, or a crawl limit
                continue
            e = self._classified(
                page_evidence(tp, column.score, "column_entry", r["title"] or tp.title, column.alias, [])
            )
            if e.kind == "column" or e.kind == "directory":
                continue  # a sub-column, not a document
            if not e.published and r["date"]:
                e.published, e.published_from = r["date"], "list"
            if not tp.title:
                e.title = r["title"]
            out.append(e)
        for url, a in files.items():  # files linked from the column page outside its list rows
            if url not in seen and a["name"]:
                out.append(
                    self._file(
                        url,
                        a["name"],
                        records.get(url),
                        None,
                        column.score,
                        "column_entry",
                        a["name"],
                        column.alias,
                    )
                )
        for e in out:
            e.via, e.column, e.column_title, e.claimed = "entry", column.url, column.title, column.claimed
        return out

    @staticmethod
    def _add(pages: ItemPages, entry: Evidence) -> None:
        for k, e in enumerate(pages.evidence):
            if e.url == entry.url:  # matched on its own too: keep its own reason, note the column
                pages.evidence[k] = replace(
                    e,
                    column=entry.column,
                    column_title=entry.column_title,
                    claimed=e.claimed or entry.claimed,
                )
                return
        pages.evidence.append(entry)

    # ------------------------------------------------------------------ what is left: rank and set aside
    def _finish(self, item: Item, pages: ItemPages) -> None:
        keep: list[Evidence] = []
        for e in pages.evidence:
            e.genre = genre_fit(e.title, item.genres)
            if e.kind == "directory":
                # the 目录 page itself is item 6's 公开目录, and evidence of nothing else
                if e.field == "title":
                    keep.append(replace(e, kind="document"))
            elif e.kind in ("notice", "news", "third_party"):
                if len(pages.mentions) < MENTIONS:
                    pages.mentions.append(e)
            else:
                keep.append(e)
        pages.evidence = sorted(keep, key=lambda e: rank(item, e))


def names_subject(item: Item, title: str) -> bool:
    """The title names the item's own subject (one of its names), not only its column's or its genre: in a
    学生工作 column of sibling regulations, the 学籍管理规定 is moe-36's, the 学生管理规定 is not."""
    flat = "".join(title.split())
    return any(name in flat for name in (item.short, *item.aliases) if len(name) >= 2)


def rank(item: Item, e: Evidence) -> tuple:
    """Best first: readable, documents before columns (a list after what it lists); then for a periodic item
    a document naming the item's subject, its own kind of document and the newest edition; for a standing
    item the place the 目录 names, and there the document naming the item's subject before its siblings;
    then similarity."""
    day = -date.fromisoformat(e.published[:10]).toordinal() if e.published else 0
    head = (not e.usable, e.kind != "document")
    subject = names_subject(item, e.title or "")
    if item.renewal.period is not None:
        covered = item.renewal.covered(e.period_start, e.period_kind, e.published)
        return (
            *head,
            not subject,
            not e.genre,
            -(covered if covered is not None else -1),
            day,
            not e.claimed,
            -e.score,
            e.url,
        )
    return (*head, not e.claimed, not subject, not e.genre, -e.score, day, e.url)

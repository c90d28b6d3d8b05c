"""What each candidate document contains, attached to the evidence before the rules run: the text of the
file itself (evidence that is a file) or of a page's attached files, read once per payload and cached in
the store, and the period the document states (its cover and headings), which the rules trust over a title.

A document's period is the one its opening lines name most often: a 部门预算 whose title says 2022 over
tables headed 2021年 is the 2021 edition."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from auditor.checklist import Checklist, Item
from auditor.evidence.reader import PASSING, Reader
from auditor.evidence.text import LIMITS, Limits
from auditor.extract.dates import title_period
from auditor.findings import Evidence
from auditor.store import Store

FILES_PER_EVIDENCE = 3  # a page's first attached files are its tables; the rest are rarely the item
HEAD_LINES = 60  # the cover, title and table headings: where a document states its period


def files_of(e: Evidence) -> list[tuple[str, str]]:
    """(url, name) of the files whose content stands for `e`."""
    if e.is_file:
        return [(e.url, e.title)]
    return [
        (a["url"], a.get("name") or "")
        for a in e.attachments
        if a.get("status") is not None and a["status"] < 400
    ][:FILES_PER_EVIDENCE]


def candidates(by_item: dict[str, list[Evidence]]) -> list[str]:
    """The files to download for the items' usable evidence (the documents pass fetches these)."""
    out: dict[str, None] = {}
    for evidence in by_item.values():
        for e in evidence:
            if e.usable or (e.is_file and e.fetched and not e.error):
                out.update((url, None) for url, _ in files_of(e))
    return list(out)


def stated_period(text: str, kind: str | None) -> tuple[str, int, str] | None:
    """(label, start, kind) of the period the document's opening lines name most often (of `kind`)."""
    found: Counter[tuple[str, int, str]] = Counter()
    for line in text.splitlines()[:HEAD_LINES]:
        p = title_period(line)
        if p and kind in (None, p.kind):
            found[(p.label.replace("年度", "年"), p.start, p.kind)] += 1
    return found.most_common(1)[0][0] if found else None


PAGE_TEXT = "页面正文"  # the name a page's own text goes by among an evidence's contents


def _read(
    store: Store,
    reader: Reader,
    sha: str,
    record: dict[str, Any],
    name: str,
    page: bool = False,
    ocr: bool = False,
) -> dict[str, Any]:
    """What the payload contains, from the store's cache or read now (apart from this process); a reading
    cut short by time or by a dying reader is not cached, so another night tries again. With `ocr`, a scan or
    picture cached without OCR (read for an item) is read again, by OCR."""
    doc = reader.done.get((sha, page)) or store.document(sha)
    if doc is None or page != (doc.get("format") == "html") or (ocr and _unrecognised(doc)):
        got = store.body(sha)
        if got is None:
            return {"error": "not_downloaded"}
        body, capped = got
        doc = {"sha256": sha, **reader.read(body, record.get("content_type") or "", name, capped, page, ocr)}
        if doc.get("error") not in PASSING:
            store.put_document(sha, doc)
        doc["capped"] = capped
        reader.done[(sha, page)] = doc
    return doc


def pages_of(checklist: Checklist, item_id: str, e: Evidence) -> list[tuple[str, str]]:
    """The page whose own text is read as well: only for the annual report, which schools often publish as
    a web page rather than a file (every other item's text is its files')."""
    if item_id != checklist.annual_report.item or e.is_file or not e.is_document or e.is_list:
        return []
    return [(e.url, PAGE_TEXT)]


def attach(store: Store, run_id: int, checklist: Checklist, by_item: dict[str, list[Evidence]]) -> None:
    """Fill each evidence's `contents` (and content period) from the files the store holds."""
    urls = list(
        {u for i, ev in by_item.items() for e in ev for u, _ in (*pages_of(checklist, i, e), *files_of(e))}
    )
    records = store.responses(run_id, urls)
    items = {it.id: it for it in checklist.items}
    with Reader() as reader:
        for item_id, evidence in by_item.items():
            _attach_item(store, reader, records, checklist, items[item_id], evidence)


def _unrecognised(doc: dict[str, Any]) -> bool:
    """A scan or a picture not (yet) read by OCR."""
    return doc.get("ocr") is None and (bool(doc.get("scanned")) or doc.get("format") == "image")


@dataclass
class Scans:
    """What reading a night's 公示 files cost, for the findings: files read, pages OCR'd and the seconds it took,
    and the scans and pictures left for another night because the OCR budget was spent (never silently)."""

    read: int = 0
    ocr_pages: int = 0
    ocr_seconds: float = 0.0
    deferred: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ocr_seconds": round(self.ocr_seconds, 1)}


def read_files(store: Store, run_id: int, urls: list[str], limits: Limits = LIMITS) -> Scans:
    """Read (and keep, as the store's documents) the files at `urls` the night downloaded that no one has read,
    scans and pictures by OCR: a 公示's files, checked for personal data though no item needs their text."""
    records = store.responses(run_id, urls)
    todo = []
    for url, r in records.items():
        doc = store.document(r["body_sha256"]) if r.get("body_sha256") else None
        if r.get("body_sha256") and (doc is None or _unrecognised(doc)):
            todo.append((url, r))
    with Reader(limits) as reading:
        for url, record in todo:
            _read(store, reading, record["body_sha256"], record, url.rsplit("/", 1)[-1], ocr=True)
        return Scans(len(todo), reading.ocr_pages, reading.ocr_spent, reading.deferred)


def _attach_item(
    store: Store,
    reader: Reader,
    records: dict[str, dict[str, Any]],
    checklist: Checklist,
    item: Item,
    evidence: list[Evidence],
) -> None:
    for e in evidence:
        periods: Counter[tuple[str, int, str]] = Counter()
        for url, name in (*pages_of(checklist, item.id, e), *files_of(e)):
            record = records.get(url) or {}
            sha = record.get("body_sha256")
            if not sha:
                continue
            doc = _read(store, reader, sha, record, name, name == PAGE_TEXT and url == e.url)
            text = doc.get("text") or ""
            stated = stated_period(text, item.renewal.period) if text else None
            if stated:
                periods[stated] += 1
            e.contents.append(
                {
                    "url": url,
                    "name": name,
                    "sha256": sha,
                    "format": doc.get("format"),
                    "chars": len("".join(text.split())),
                    "scanned": bool(doc.get("scanned")),
                    "capped": bool(doc.get("capped")),
                    "error": doc.get("error"),
                    "detail": doc.get("detail"),
                    "period": stated[0] if stated else None,
                    "text": text,
                }
            )
        if item.content.period and periods:
            e.content_period, e.content_period_start, e.content_period_kind = periods.most_common(1)[0][0]

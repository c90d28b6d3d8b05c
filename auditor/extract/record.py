"""A page's signals as the record the store keeps (one definition for the spider and for tests that build a
store from saved pages without a crawl)."""

from __future__ import annotations

from datetime import date
from typing import Any

from auditor.extract import EXTRACTION_VERSION
from auditor.extract.html import PageSignals
from auditor.privacy.detect import mask_text


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def page_record(url: str, sig: PageSignals, status: int, **fields: Any) -> dict[str, Any]:
    """The store's page item: `fields` adds what only the crawl knows (redirects, depth, headers…)."""
    return {
        "kind": "page",
        "extraction": EXTRACTION_VERSION,
        "url": url,
        "final_url": url,
        "redirects": [],
        "status": status,
        "error": f"http_{status}" if status >= 400 else None,
        "title": sig.title,
        "html_title": sig.html_title,
        "breadcrumb": sig.breadcrumb,
        "published": _iso(sig.published),
        "published_raw": sig.published_raw,
        "period": sig.period.as_dict() if sig.period else None,
        "excerpt": mask_text(sig.excerpt),  # the store's page row keeps no personal value in full
        "privacy": sig.privacy,
        "text_hash": sig.text_hash,
        "placeholder": sig.placeholder,
        "canonical": sig.canonical,
        "listing": None if sig.listing is None else int(sig.listing),
        "content_chars": sig.content_chars,
        "content_links": sig.content_links,
        "scripted": int(sig.scripted),
        "links": [
            {"url": x.url, "text": x.text, "context": x.context, "is_attachment": x.is_attachment}
            for x in sig.links
        ],
        "entries": [
            {"title": e.title, "url": e.url, "date": _iso(e.date)} for e in [*sig.entries, *sig.rows]
        ],
        "directory": [
            {
                "label": r.label,
                "category": r.category,
                "department": r.department,
                "number": r.number,
                "links": [{"url": x.url, "text": x.text} for x in r.links],
            }
            for r in sig.directory
        ],
        **fields,
    }

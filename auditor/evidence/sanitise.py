"""Archived pages made safe to open and to photograph. What a school's site served is rebuilt, not patched:
its markup goes through a maintained sanitiser (nh3, the Rust `ammonia`), and the result is placed in a
document this module writes, whose first element is the Content-Security-Policy. Nothing the page says can
move that policy out of effect (a `<head>` inside a comment, an attribute, the title or a script string
once did, when the policy was inserted into the page's own markup).

What survives: text, headings, lists, tables and their layout attributes, inline styles limited to colour,
type, spacing and borders, images given as data: URLs, and links to http(s) addresses (made absolute, so a
copy opened from the report links to the live site). What does not: scripts, styles blocks, iframes,
objects, embeds, forms, meta refreshes, <base>, SVG and MathML, comments, event handlers, and every URL
a browser would load by itself other than a data: image."""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urljoin

import nh3

from auditor.extract import decode_html

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
TAGS = (nh3.ALLOWED_TAGS | {"font", "center", "caption", "tfoot", "big", "section", "main", "u"}) - {
    "area",
    "map",
}
CLEARED = {  # removed with everything inside them
    "script", "style", "title", "noscript", "template", "textarea", "select", "option", "button", "svg", "math",
    "object", "iframe", "frame", "frameset", "noframes", "embed", "applet", "audio", "video", "canvas", "head",
}  # fmt: skip
LAYOUT = {"align", "valign", "width", "height", "bgcolor", "colspan", "rowspan", "border", "cellpadding",
          "cellspacing", "nowrap"}  # fmt: skip
ATTRIBUTES = {
    "*": {"style", "title", "lang", "dir"} | LAYOUT,
    "a": {"href"},
    "img": {"src", "alt"},
    "font": {"color", "size", "face"},
    "ol": {"start", "type"},
}
STYLES = {
    "color", "background-color", "font", "font-family", "font-size", "font-style", "font-weight", "line-height",
    "letter-spacing", "text-align", "text-decoration", "text-indent", "vertical-align", "white-space", "width",
    "height", "max-width", "min-width", "margin", "margin-top", "margin-right", "margin-bottom", "margin-left",
    "padding", "padding-top", "padding-right", "padding-bottom", "padding-left", "border", "border-top",
    "border-right", "border-bottom", "border-left", "border-color", "border-style", "border-width",
    "border-collapse", "border-spacing", "list-style-type", "display", "float", "clear",
}  # fmt: skip
DATA_IMAGE = ("data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp", "data:image/bmp")


def clean(markup: str, base: str) -> str:
    """The page's markup with only what is listed above left in it."""

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "src":
            return value if value.strip().lower().startswith(DATA_IMAGE) else None
        if attribute == "href":
            target = urljoin(base, value.strip())
            return target if target.lower().startswith(("http://", "https://")) else None
        return value

    return nh3.clean(
        markup,
        tags=TAGS,
        clean_content_tags=CLEARED,
        attributes=ATTRIBUTES,
        attribute_filter=keep,
        url_schemes={"http", "https", "data"},
        filter_style_properties=STYLES,
        strip_comments=True,
        link_rel="noopener noreferrer nofollow",
    )


FOCUS = "auditor-focus"  # the id of the element a screenshot scrolls to (a URL fragment: no script needed)
ROWS = ("tr", "li", "dd", "dt", "p", "h1", "h2", "h3", "h4", "h5", "h6")  # preferred: a whole 目录 row
BLOCKS = (*ROWS, "td", "div", "span", "a")


def focus(markup: str, text: str) -> str:
    """The cleaned markup with the smallest row (else block) that holds `text` (spaces ignored) marked and
    outlined, so a screenshot shows where the item is — its 目录 row, the dead link — not the top of the page."""
    import lxml.html

    want = "".join(text.split())
    if not want or want not in "".join(markup.split()):
        return markup
    root = lxml.html.fragment_fromstring(markup, create_parent="div")

    def smallest(tags: tuple[str, ...]) -> Any:
        found = None
        for el in root.iter(*tags):
            inside = found is None or found in el.iterancestors()  # document order: inside the one found
            if inside and el is not root and want in "".join(el.text_content().split()):
                found = el
        return found

    found = smallest(ROWS)
    found = found if found is not None else smallest(BLOCKS)
    if found is None:
        return markup
    found.set("id", FOCUS)
    found.set("style", (found.get("style") or "") + ";outline:3px solid #c0392b;background:#fff3cd")
    return (root.text or "") + "".join(lxml.html.tostring(child, encoding="unicode") for child in root)


def document(body: str, title: str, stamp: str = "") -> bytes:
    """A whole UTF-8 document: the policy first, then `stamp` (already safe HTML) above the cleaned `body`.
    The stamp sits outside the page's markup, which can style only its own elements."""
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{html.escape(title)}</title></head>\n<body>{stamp}<div>{body}</div></body></html>\n"
    ).encode()


def safe_page(
    payload: bytes, url: str, content_type: str | None = None, stamp: str = "", mark: str | None = None
) -> bytes:
    """An archived page (or an HTML/SVG/XML file) as a document safe to open and to render; `mark`: text
    whose block is outlined and given the id FOCUS."""
    text, _ = decode_html(payload, content_type or None)
    body = clean(text, url)
    return document(focus(body, mark) if mark else body, f"存档副本 · {url}", stamp)


def stamp(url: str, captured: str, sha: str) -> str:
    """What the copy is, above it (character references only: right whatever the copy's encoding)."""
    text = (
        f'<div style="position:sticky;top:0;z-index:2147483647;background:#fff3cd;color:#000;font:13px sans-serif;'
        f'padding:4px 8px;border-bottom:2px solid #c0392b">存档副本 · {html.escape(url)} · 抓取于 {html.escape(captured)}'
        f"（北京时间）· SHA-256 {sha[:16]}…</div>"
    )
    return text.encode("ascii", "xmlcharrefreplace").decode("ascii")


def safe_copy(
    payload: bytes,
    url: str,
    captured: str,
    sha: str,
    content_type: str | None = None,
    mark: str | None = None,
) -> bytes:
    """The archived page as a document safe to open and to photograph, stamped; `mark`: words whose row the
    picture is to show. Personal data in it is masked (auditor.privacy): neither the copy under the report
    nor its screenshot shows a full 身份证号, phone or card number — the WARC keeps the page as published."""
    from auditor.privacy.detect import mask_text

    page = safe_page(payload, url, content_type, stamp(url, captured, sha), mark)
    return mask_text(page.decode("utf-8")).encode("utf-8")

"""The parsed page: lxml's tree (libxml2's HTML parser, the one BeautifulSoup's "lxml" builder drives) and the
few ways extraction reads it. Every page of every crawl goes through here, so it is lxml directly — a tree
built in C and read with compiled XPath — not a Python object per node: on a 40 KB page with a mega-menu
that is ~0.2 ms to parse instead of ~5 ms (bench/crawl.py). Text is read as BeautifulSoup's get_text() reads
it — script, style and template contents and comments are not text — so what the signals mean is unchanged."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from lxml import etree

El = Any  # lxml.etree._Element (lxml ships no type stubs)
NOT_TEXT = ("script", "style", "template")
_TEXT = etree.XPath(
    ".//text()[not(parent::script or parent::style or parent::template)]", smart_strings=False
)
_STRINGS = etree.XPath(".//text() | .//comment()")  # every string, as BeautifulSoup's string=… finds them
_PRECEDING = etree.XPath("preceding::text() | preceding::comment()")


def parse(html: str) -> El:
    """The page's <html> element (an empty one for an empty or comment-only document)."""
    parser = etree.HTMLParser(encoding="utf-8", no_network=True)
    data = html.encode("utf-8", "replace")
    root = etree.fromstring(data, parser) if data.strip() else None
    return root if root is not None else etree.fromstring(b"<html></html>", parser)


def is_tag(node: Any) -> bool:
    """An element (not a comment or processing instruction, whose .tag is a function)."""
    return isinstance(node.tag, str)


def text(el: El, sep: str = "") -> str:
    """BeautifulSoup's el.get_text(sep): the strings below el, joined (a <script>'s own code for a script)."""
    if el.tag in NOT_TEXT:
        return el.text or ""
    return sep.join(_TEXT(el))


def has_text(el: El) -> bool:
    """get_text(strip=True) is not empty."""
    return any(s.strip() for s in _TEXT(el))


def strings(el: El) -> list[tuple[str, El | None]]:
    """Every string below el (comments and script code too) with the element that holds it."""
    return [_owned(s) for s in _STRINGS(el)]


def preceding_strings(el: El) -> list[tuple[str, El | None]]:
    """Every string before el in the document, nearest last, with the element that holds it."""
    return [_owned(s) for s in _PRECEDING(el)]


def _owned(s: Any) -> tuple[str, El | None]:  # None: a comment outside <html>
    if not isinstance(s, str):  # a comment: its text, held by its parent
        return s.text or "", s.getparent()
    holder = s.getparent()
    return str(s), holder.getparent() if s.is_tail else holder


def elements(root: El) -> Iterator[El]:
    """Every element below and including root, in document order (no comments)."""
    return root.iter(etree.Element)


def first(root: El, name: str) -> El | None:
    return next(root.iter(name), None)


def classes(el: El) -> list[str]:
    return (el.get("class") or "").split()


def parent_of(el: El, names: Iterable[str]) -> El | None:
    """The nearest ancestor with one of these tag names (BeautifulSoup's find_parent)."""
    wanted = set(names)
    return next((p for p in el.iterancestors() if p.tag in wanted), None)


def count(el: El, name: str, attr: str | None = None) -> int:
    return sum(1 for a in el.iter(name) if attr is None or a.get(attr) is not None)


def children(el: El) -> list[Any]:
    """el's content in order: its text, then each child followed by its tail (BeautifulSoup's .children)."""
    out: list[Any] = [el.text] if el.text else []
    for child in el:
        out.append(child)
        if child.tail:
            out.append(child.tail)
    return out

"""HTML every layout shares: the page skeleton, escaping, stable hex ids, relative links, an article's text and
what an empty list shows."""

from __future__ import annotations

import hashlib
import html
import posixpath
from typing import Any


def html_page(title: str, body: str, charset: str = "UTF-8", head_extra: str = "") -> str:
    return (
        f'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}" />\n'
        f"<title>{html.escape(title)}</title>{head_extra}</head>\n<body>\n{body}\n</body></html>\n"
    )


def esc(text: str) -> str:
    return html.escape(text or "")


def hex_id(*parts: object, n: int = 32) -> str:
    """A stable id made of `parts`, as CMSs name files and folders by hashes."""
    return hashlib.md5("/".join(map(str, parts)).encode()).hexdigest()[:n]


def rel(from_path: str, to_path: str) -> str:
    return posixpath.relpath(to_path, posixpath.dirname(from_path) or "/")


def blank(col: dict[str, Any], wrapper: str, default: str) -> str:
    """What an empty list shows: the CMS's placeholder text, or nothing at all (`placeholder: ""`)."""
    text = col.get("placeholder", default)
    return wrapper.format(text) if text else ""


def article_text(a: dict[str, Any]) -> str:
    """An article's body as paragraphs: its `body`, then its `paragraphs` (a report written as a page), then
    the pictures it shows (`shown`: path and alt text, each centred in its own paragraph as CMS editors do)."""
    return (
        (f"<p>{esc(a['body'])}</p>" if a.get("body") else "")
        + "".join(f"<p>{esc(line)}</p>" for line in a.get("paragraphs") or [])
        + "".join(
            f'<p style="text-align:center"><img src="{esc(src)}" alt="{esc(alt)}" width="1000" border="0"></p>'
            for src, alt in a.get("shown") or []
        )
    )

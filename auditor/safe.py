"""Crawled text is data, everywhere: page titles, 信息公开目录 cells and URLs are written by strangers.
Each output neutralises them for its own format — here, one function per format, used by every renderer.

    terminal("标题\x1b]8;;http://x\x07[bold]x[/]")  → '标题\\[bold]x\\[/]'   (no escape sequences, no markup)
    cell("=HYPERLINK(\"http://x\",\"点击\")")       → "'=HYPERLINK(…)"      (text, never a live formula)
    markdown("<svg onload=alert(1)>|")             → '&lt;svg onload=alert(1)&gt;\\|'
    link("javascript:alert(1)")                    → None                    (links are http(s) only)
"""

from __future__ import annotations

import html
import re
from typing import Any

from rich.markup import escape

from auditor import urls

# ANSI/VT sequences: CSI (ESC [ … final), OSC (ESC ] … BEL or ST), and two-byte escapes
ESCAPES = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])|\x9b[0-?]*[ -/]*[@-~]"
)
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
XML_ILLEGAL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"
)  # what XLSX and DOCX (XML 1.0) cannot hold
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def plain(text: Any) -> str:
    """The text without escape sequences, control characters or bidirectional overrides."""
    return CONTROLS.sub("", ESCAPES.sub("", str(text if text is not None else "")))


def terminal(text: Any) -> str:
    """For the terminal: plain, one line per value, and never read as rich markup."""
    return escape(plain(text).replace("\r", " ").replace("\n", " "))


def cell(value: Any) -> Any:
    """For a spreadsheet cell: numbers as they are; text without XML-illegal characters, and text that a
    spreadsheet would run as a formula (=, +, -, @ first) made inert with a leading apostrophe."""
    if not isinstance(value, str):
        return value
    text = XML_ILLEGAL.sub("", plain(value) if ESCAPES.search(value) else value)
    return "'" + text if text.startswith(FORMULA_START) else text


def document(text: Any) -> str:
    """For Word (XML): no characters XML cannot hold."""
    return XML_ILLEGAL.sub("", plain(text))


def markdown(text: Any) -> str:
    """For a Markdown table cell: HTML escaped (no raw tags reach a renderer), pipes and newlines inert."""
    return html.escape(plain(text), quote=False).replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def readable(url: Any) -> str:
    """A URL as a person reads it, plain (auditor.urls.readable)."""
    return plain(urls.readable(url))


def link(url: Any) -> str | None:
    """A link target made from a crawled URL: http(s) only."""
    text = plain(url).strip()
    return text if text.lower().startswith(("http://", "https://")) else None

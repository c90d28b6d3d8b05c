"""How a URL is read (a vocabulary every room imports): the stored, requested and linked spelling is Scrapy's
percent-encoded one (auditor.extract.clean_url); people read the decoded form."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def readable(url: Any) -> str:
    """A URL as a person reads it — 某某大学2022年部门决算.pdf, not %E6%9F%90… — for text only (a link's target
    keeps the encoded spelling every door uses). Bytes that are not UTF-8 (a GBK query) stay encoded; what
    decodes to a control character is dropped."""
    text = str(url if url is not None else "")
    return "?".join(_decoded(part) for part in text.split("?", 1))  # the path and the query each on its own


def _decoded(part: str) -> str:
    try:
        return CONTROLS.sub("", unquote(part, errors="strict"))
    except UnicodeDecodeError:
        return part

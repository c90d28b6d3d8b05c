"""What an attachment response says about itself: file name (Content-Disposition, GBK or RFC 5987) and size."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

FILENAME_STAR = re.compile(rb"filename\*\s*=\s*([\w-]+)'[^']*'([^;]+)", re.I)
FILENAME = re.compile(rb'filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;]+)', re.I)


def _decode_bytes(raw: bytes) -> str:
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def filename_from_disposition(value: bytes | str | None) -> str | None:
    """File name from a Content-Disposition header: filename*=UTF-8''… first, then raw UTF-8/GBK bytes."""
    if not value:
        return None
    raw = value.encode("latin-1", "replace") if isinstance(value, str) else value
    if m := FILENAME_STAR.search(raw):
        charset = m.group(1).decode("ascii", "replace") or "utf-8"
        try:
            return unquote(m.group(2).strip().decode("ascii", "replace"), encoding=charset)
        except LookupError:
            return unquote(m.group(2).strip().decode("ascii", "replace"))
    if m := FILENAME.search(raw):
        name = (m.group(1) if m.group(1) is not None else m.group(2)).strip()
        text = _decode_bytes(name)
        return unquote(text) if "%" in text else text
    return None


def filename_from_url(url: str) -> str | None:
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    return name if "." in name else None

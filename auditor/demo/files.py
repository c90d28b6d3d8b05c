"""The bytes and headers of a fixture college's files: real documents where the data gives their text (or a scan),
filler of the stated size otherwise, with the Content-Type and Content-Disposition the CMS sends."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from auditor.demo.documents import document
from auditor.demo.model import Resource

CTYPES = {
    "pdf": "application/pdf",
    "xls": "application/vnd.ms-excel",
    "doc": "application/msword",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}


def filler(name: str, size: int) -> bytes:
    """`size` bytes that start and end as a file of `name`'s type does."""
    ext = name.rsplit(".", 1)[-1].lower()
    head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" if ext == "pdf" else b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    pad = (name.encode("utf-8") + b" ") * (size // max(1, len(name.encode())) + 1)
    tail = b"\n%%EOF\n" if ext == "pdf" else b""
    return (head + pad)[: max(size - len(tail), len(head))] + tail


def file_resource(f: dict[str, Any], disposition: str = "") -> Resource:
    """The file `f` (an `attachments:` or `files:` entry) as served: `disposition` "utf8" names it in an RFC 5987
    header, `gbk_filename` in raw GBK bytes."""
    name, size = f["name"], f.get("size", 20000 + len(f["name"]) * 997)
    ext = name.rsplit(".", 1)[-1].lower()
    headers = [("Content-Type", CTYPES.get(ext, "application/octet-stream"))]
    if f.get("gbk_filename"):
        # What 博达 download.jsp really sends: raw GBK bytes in the header (latin-1 round-trips them).
        headers.append(
            ("Content-Disposition", 'attachment; filename="' + name.encode("gbk").decode("latin-1") + '"')
        )
    elif disposition == "utf8":
        headers.append(("Content-Disposition", f"attachment; filename*=UTF-8''{quote(name)}"))
    text = f.get("text")
    real = "size" not in f or text or f.get("scanned")  # a stated size: filler of that size (big files)
    body = document(name, [text] if isinstance(text, str) else text, bool(f.get("scanned"))) if real else None
    return Resource(200, body or filler(name, size), headers, kind="attachment")

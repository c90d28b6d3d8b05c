"""The text of a downloaded document, with maintained libraries: pypdf (PDF), python-docx (DOCX), openpyxl
(XLSX), xlrd (XLS); legacy .doc through LibreOffice when it is installed. A PDF with pages but no text
layer is a scan: its content cannot be checked (no OCR here), which a finding says."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

MAX_CHARS = 200_000  # what the content rules read of a document: tables and headings come first
SCANNED_CHARS = 20  # fewer characters than this on all pages: a scan


def sniff(body: bytes, content_type: str = "", name: str = "") -> str:
    """pdf | docx | xlsx | xls | doc | other, from the bytes first (sites mislabel files), then the name."""
    head = body[:8]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if b"word/" in body[:4000] or name.lower().endswith(".docx"):
            return "docx"
        if b"xl/" in body[:4000] or name.lower().endswith(".xlsx"):
            return "xlsx"
        return "docx" if "word" in content_type else "xlsx" if "sheet" in content_type else "other"
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE: .xls or .doc
        return "xls" if name.lower().endswith((".xls", ".et")) or "excel" in content_type else "doc"
    return "other"


def _pdf(body: bytes) -> dict[str, Any]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(body))
    parts = [(page.extract_text() or "") for page in reader.pages]
    text = "\n".join(parts)
    chars = len("".join(text.split()))
    return {"text": text, "pages": len(parts), "scanned": bool(parts) and chars < SCANNED_CHARS}


def _docx(body: bytes) -> dict[str, Any]:
    from docx import Document

    doc = Document(io.BytesIO(body))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        lines += [" ".join(c.text for c in row.cells) for row in table.rows]
    return {"text": "\n".join(lines)}


def _xlsx(body: bytes) -> dict[str, Any]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    lines = []
    for ws in wb.worksheets:
        lines.append(ws.title)
        for row in ws.iter_rows(values_only=True):
            lines.append(" ".join(str(v) for v in row if v is not None))
    return {"text": "\n".join(lines), "pages": len(wb.worksheets)}


def _xls(body: bytes) -> dict[str, Any]:
    import xlrd

    book = xlrd.open_workbook(file_contents=body)
    lines = []
    for sheet in book.sheets():
        lines.append(sheet.name)
        lines += [" ".join(str(v) for v in sheet.row_values(r) if v != "") for r in range(sheet.nrows)]
    return {"text": "\n".join(lines), "pages": book.nsheets}


def _doc(body: bytes) -> dict[str, Any]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return {"error": "legacy .doc: LibreOffice is not installed to read it"}
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "document.doc"
        src.write_bytes(body)
        subprocess.run(
            [soffice, f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}", "--headless", "--convert-to",
             "txt:Text (encoded):UTF8", "--outdir", tmp, str(src)],
            capture_output=True, timeout=120,
        )  # fmt: skip
        out = Path(tmp) / "document.txt"
        return (
            {"text": out.read_text("utf-8", "replace")}
            if out.exists()
            else {"error": "LibreOffice could not read it"}
        )


READERS = {"pdf": _pdf, "docx": _docx, "xlsx": _xlsx, "xls": _xls, "doc": _doc}


def page_text(body: bytes, content_type: str = "") -> dict[str, Any]:
    """A report published as a web page: its article body as lines (auditor.extract.html.article_lines)."""
    from auditor.extract import decode_html
    from auditor.extract.html import article_lines

    html, _ = decode_html(body, content_type or None)
    return {"format": "html", "text": "\n".join(article_lines(html))[:MAX_CHARS]}


def extract(body: bytes, content_type: str = "", name: str = "", capped: bool = False) -> dict[str, Any]:
    """{format, text, pages, scanned, error}: never raises on a broken or hostile file."""
    fmt = sniff(body, content_type.lower(), name)
    reader = READERS.get(fmt)
    if reader is None:
        return {"format": fmt, "text": None, "error": "not a document format that is read"}
    try:
        info = reader(body)
    except Exception as e:  # a truncated (capped) or malformed file: say so, check nothing
        why = (
            "only the first part was downloaded (over the size cap)"
            if capped
            else f"unreadable ({type(e).__name__})"
        )
        return {"format": fmt, "text": None, "error": why}
    text = info.get("text")
    return {"format": fmt, **info, "text": text[:MAX_CHARS] if text else text}

"""The text of a downloaded document, with maintained libraries: pypdfium2 (PDF text; pypdf measures the file
first), python-docx (DOCX), openpyxl (XLSX), xlrd (XLS); legacy .doc through LibreOffice when it is installed.
A PDF with pages but no text layer is a scan: its content cannot be checked, which a finding says (only a 公示's
scans are read, by OCR: auditor.evidence.ocr).

Every file comes from a site nobody here controls, so every reader works under LIMITS and stops with
`OverLimit(which, found, limit)` rather than follow a file's own claims: a zip container is measured before
any parser opens it (Python's zipfile then never inflates an entry past the size the check accepted), a
spreadsheet is read row by row with its `<dimension>` ignored, a PDF's pages and content streams are counted
before their text is extracted. Memory and time are bounded by the process this runs in
(auditor.evidence.reader): never call `extract` in the night's own process."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_CHARS = 200_000  # what the content rules read of a document: tables and headings come first
SCANNED_CHARS = 20  # fewer characters than this on all pages: a scan
MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one document may cost. Chosen from what real disclosure files need (docs/decisions.md): a
    budget workbook or a 300-page 决算 PDF stays far inside each; a crafted file crosses one at once."""

    memory_mb: int = 1024  # the reader process's address space (RLIMIT_AS); Python + parsers take ~200
    seconds: float = 60.0  # one document, wall clock (the reader is killed) and CPU (RLIMIT_CPU)
    budget_seconds: float = 1200.0  # every document of one audit together; the rest wait for the next night
    ocr_seconds: float = (
        240.0  # one document read by OCR (auditor.evidence.ocr: its first pages, ~2-30 s each)
    )
    ocr_memory_mb: int = (
        3072  # the OCR reader's address space: onnxruntime maps ~1.6 GB before its first picture
    )
    ocr_budget_seconds: float = 600.0  # every OCR of one night together; the rest wait, and the audit says so
    zip_bytes: int = 256 * MB  # a container's entries, uncompressed, together
    zip_entries: int = 10_000
    zip_ratio: int = 100  # an entry over 1 MB may not inflate more than this (Apache POI's default)
    rows: int = 200_000  # spreadsheet rows, all sheets
    cells: int = 5_000_000  # spreadsheet cells as the parser hands them over, all sheets
    pdf_pages: int = 2_000
    page_content_bytes: int = 4 * MB  # one page's content streams and forms, decoded
    content_bytes: int = 128 * MB  # every page's, together


LIMITS = Limits()


class OverLimit(Exception):  # noqa: N818 — it is a verdict on the file, not an error of the reader
    """The file crosses `which` (a key of messages.UNCHECKED): what was found, and the limit."""

    def __init__(self, which: str, found: str, limit: str) -> None:
        super().__init__(f"{which}: {found} > {limit}")
        self.which, self.found, self.limit = which, found, limit


def _mb(n: float) -> str:
    return f"{n / MB:.0f} MB" if n >= MB else f"{n / 1024:.0f} KB"


def sniff(body: bytes, content_type: str = "", name: str = "") -> str:
    """pdf | docx | xlsx | xls | doc | image | other, from the bytes first (sites mislabel files), then the
    name."""
    head = body[:8]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):  # JPEG, PNG: a picture of a list
        return "image"
    if head.startswith(b"PK\x03\x04"):
        if b"word/" in body[:4000] or name.lower().endswith(".docx"):
            return "docx"
        if b"xl/" in body[:4000] or name.lower().endswith(".xlsx"):
            return "xlsx"
        return "docx" if "word" in content_type else "xlsx" if "sheet" in content_type else "other"
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE: .xls or .doc
        return "xls" if name.lower().endswith((".xls", ".et")) or "excel" in content_type else "doc"
    return "other"


def check_zip(body: bytes, limits: Limits) -> zipfile.ZipFile:
    """The container opened, after its central directory passed the limits. With `bounded_inflation()` in
    force (the reader process), zipfile inflates an entry only to the size declared here, so the check holds
    for every parser reading through it: a header that lies ends in a CRC error, not in a bigger inflation.
    Entries that are archives themselves (embedded objects) are never opened."""
    archive = zipfile.ZipFile(io.BytesIO(body))
    entries = archive.infolist()
    if len(entries) > limits.zip_entries:
        raise OverLimit("zip_entries", f"{len(entries)}", f"{limits.zip_entries}")
    total = sum(e.file_size for e in entries)
    if total > limits.zip_bytes:
        raise OverLimit("zip_bytes", _mb(total), _mb(limits.zip_bytes))
    for e in entries:
        if e.file_size > MB and e.file_size > limits.zip_ratio * max(e.compress_size, 1):
            ratio = e.file_size // max(e.compress_size, 1)
            raise OverLimit("zip_ratio", f"{e.filename} {ratio}:1", f"{limits.zip_ratio}:1")
    return archive


INFLATE_STEP = 16 * MB


def bounded_inflation() -> None:
    """zipfile reads a whole entry by asking zlib for up to 2 GB at once, and cuts the result to the declared
    size only afterwards: a 2 KB declared entry whose stream inflates to 2 GB costs 2 GB. Asking for 16 MB at
    a time stops each entry within 16 MB of what its header declared. For the reader process only."""
    zipfile.ZipExtFile.MAX_N = INFLATE_STEP


def _pdf(body: bytes, limits: Limits) -> dict[str, Any]:
    """The limits are measured with pypdf (pages, each page's content streams, before anything is drawn); the
    text is pdfium's (pypdfium2): 18× faster on a 160-page LibreOffice PDF here, the same characters
    (docs/benchmarks.md, "PDF text")."""
    import pypdfium2
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(body)).pages
    if len(pages) > limits.pdf_pages:
        raise OverLimit("pdf_pages", f"{len(pages)}", f"{limits.pdf_pages}")
    total = 0
    for n, page in enumerate(pages, 1):
        size = _content_bytes(page)
        if size > limits.page_content_bytes:
            raise OverLimit("page_content", f"p.{n} {_mb(size)}", _mb(limits.page_content_bytes))
        total += size
        if total > limits.content_bytes:
            raise OverLimit("pdf_content", _mb(total), _mb(limits.content_bytes))
    document = pypdfium2.PdfDocument(body)
    parts = []
    try:
        for n in range(len(document)):
            page = document[n]
            textpage = page.get_textpage()
            parts.append(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
            textpage.close()
            page.close()
    finally:
        document.close()
    text = "\n".join(parts)
    chars = len("".join(text.split()))
    return {"text": text, "pages": len(parts), "scanned": bool(parts) and chars < SCANNED_CHARS}


def _content_bytes(page: Any, depth: int = 0) -> int:
    """What text extraction will decode for a page: its content streams and the forms it draws (nested
    forms to three levels), decoded. One stream drawn by a hundred pages counts a hundred times, as it is
    interpreted a hundred times."""
    size = 0
    contents = page.get("/Contents") if depth == 0 else page
    if contents is not None:
        contents = contents.get_object()
        for part in contents if isinstance(contents, list) else [contents]:
            data = part.get_object().get_data() if hasattr(part.get_object(), "get_data") else b""
            size += len(data or b"")
    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources is not None else None
    if xobjects is not None and depth < 3:
        for ref in xobjects.get_object().values():
            form = ref.get_object()
            if form.get("/Subtype") == "/Form":
                size += _content_bytes(form, depth + 1)
    return size


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx(body: bytes, limits: Limits) -> dict[str, Any]:
    """Body paragraphs, then each table row's cells. Read from the XML, not python-docx's `row.cells`,
    which repeats a merged cell once per grid column a file claims (a gridSpan of 10⁹ is one line of XML)."""
    from docx import Document

    check_zip(body, limits)
    root = Document(io.BytesIO(body)).element.body
    lines = [_runs(p) for p in root.iterchildren(W + "p")]
    rows = []
    for table in root.iterchildren(W + "tbl"):
        for row in table.iter(W + "tr"):
            rows.append([_runs(cell) for cell in row.iterchildren(W + "tc")])
            lines.append(" ".join(rows[-1]))
    return {"text": "\n".join(lines), "rows": rows}


def _runs(element: Any) -> str:
    return "".join((t.text or "") if t.tag == W + "t" else "\t" for t in element.iter(W + "t", W + "tab"))


def _xlsx(body: bytes, limits: Limits) -> dict[str, Any]:
    from openpyxl import load_workbook

    check_zip(body, limits)
    wb = load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    count = _Count(limits)
    lines, rows = [], []
    for ws in wb.worksheets:
        lines.append(ws.title)
        if hasattr(ws, "reset_dimensions"):  # read-only sheets: pad rows to what is there, not to <dimension>
            ws.reset_dimensions()
        for row in ws.iter_rows(values_only=True):
            count.row(len(row))
            rows.append(list(row))
            lines.append(" ".join(str(v) for v in row if v is not None))
    return {"text": "\n".join(lines), "pages": len(wb.worksheets), "rows": rows}


def _xls(body: bytes, limits: Limits) -> dict[str, Any]:
    import xlrd

    book = xlrd.open_workbook(file_contents=body, ragged_rows=True, on_demand=True)
    count = _Count(limits)
    lines, rows = [], []
    for index in range(book.nsheets):
        sheet = book.sheet_by_index(index)
        lines.append(sheet.name)
        for r in range(sheet.nrows):
            values = sheet.row_values(r)
            count.row(len(values))
            rows.append(values)
            lines.append(" ".join(str(v) for v in values if v != ""))
        book.unload_sheet(index)
    return {"text": "\n".join(lines), "pages": book.nsheets, "rows": rows}


class _Count:
    """Rows and cells read so far, against the limits."""

    def __init__(self, limits: Limits) -> None:
        self.limits, self.rows, self.cells = limits, 0, 0

    def row(self, cells: int) -> None:
        self.rows += 1
        self.cells += cells
        if self.rows > self.limits.rows:
            raise OverLimit("rows", f"{self.rows}", f"{self.limits.rows}")
        if self.cells > self.limits.cells:
            raise OverLimit("cells", f"{self.cells}", f"{self.limits.cells}")


def _doc(body: bytes, limits: Limits) -> dict[str, Any]:
    """Legacy Word through LibreOffice, in a process group of its own that is killed whole a little before
    the reader's own time is up (the reader's session, which holds it, is ended if that fails)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return {"error": "no_office"}
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        src = Path(tmp) / "document.doc"
        src.write_bytes(body)
        proc = subprocess.Popen(
            [soffice, f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}", "--headless", "--convert-to",
             "txt:Text (encoded):UTF8", "--outdir", tmp, str(src)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=_office_group,
        )  # fmt: skip
        try:
            proc.wait(timeout=limits.seconds * 0.9)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise OverLimit("seconds", "LibreOffice", f"{limits.seconds * 0.9:.0f} s") from None
        out = Path(tmp) / "document.txt"
        return {"text": out.read_text("utf-8", "replace")} if out.exists() else {"error": "office_failed"}


def _office_group() -> None:
    """A group of its own; and LibreOffice maps far more address space than it uses: a larger ceiling."""
    import resource

    os.setpgid(0, 0)
    resource.setrlimit(resource.RLIMIT_AS, (4096 * MB, resource.RLIM_INFINITY))


def _image(body: bytes, limits: Limits) -> dict[str, Any]:
    from auditor.evidence import ocr as recognise

    return recognise.image(body)


READERS = {"pdf": _pdf, "docx": _docx, "xlsx": _xlsx, "xls": _xls, "doc": _doc}


def page_text(body: bytes, content_type: str = "") -> dict[str, Any]:
    """A report published as a web page: its article body as lines (auditor.extract.html.article_lines)."""
    from auditor.extract import decode_html
    from auditor.extract.html import article_lines

    html, _ = decode_html(body, content_type or None)
    return {"format": "html", "text": "\n".join(article_lines(html))[:MAX_CHARS]}


def extract(
    body: bytes,
    content_type: str = "",
    name: str = "",
    capped: bool = False,
    limits: Limits = LIMITS,
    ocr: bool = False,
) -> dict[str, Any]:
    """{format, text, pages, scanned, ocr, error, detail}: never raises on a broken or hostile file. `error` is
    a key of messages.UNCHECKED (why the content was not checked), `detail` what was found. With `ocr`, a
    picture and a PDF without a text layer are read by OCR (auditor.evidence.ocr); without, they are scans."""
    fmt = sniff(body, content_type.lower(), name)
    reader = READERS.get(fmt)
    if ocr and fmt == "image":
        reader = _image
    if reader is None:
        return {"format": fmt, "text": None, "error": "format"}
    try:
        info = reader(body, limits)
        if ocr and fmt == "pdf" and info.get("scanned"):
            from auditor.evidence import ocr as recognise

            info = recognise.pdf(body)
    except OverLimit as e:
        return {"format": fmt, "text": None, "error": e.which, "detail": f"{e.found} > {e.limit}"}
    except MemoryError:
        raise  # the reader process answers for it (auditor.evidence.reader)
    except Exception as e:  # a truncated (capped) or malformed file: say so, check nothing
        if "memory" in str(e).lower():  # libxml2's "Memory allocation failed": the ceiling, not the file
            return {"format": fmt, "text": None, "error": "memory", "detail": type(e).__name__}
        if capped:
            return {"format": fmt, "text": None, "error": "capped"}
        return {"format": fmt, "text": None, "error": "unreadable", "detail": type(e).__name__}
    text = info.get("text")
    return {
        "format": fmt,
        **{k: v for k, v in info.items() if k != "rows"},
        "text": text[:MAX_CHARS] if text else text,
        "privacy": personal(text or "", info.get("rows") or []),
    }


def personal(text: str, rows: list[list[Any]]) -> list[dict[str, Any]]:
    """The personal data the file holds, masked (auditor.privacy): its tables (or a PDF's lines under a header
    line) read with their headers, the rest as text. The full values never leave the reader."""
    from auditor.privacy.detect import find, find_in_rows, summary, text_tables

    tables = [rows] if rows else text_tables(text)  # a PDF's table is only lines of words
    return summary([h for t in tables for h in find_in_rows(t)] + find(text))

"""Real documents for fixture colleges: PDFs with Chinese text (the Adobe-GB1 CID font every PDF reader
ships, STSong-Light, so nothing is embedded), scanned PDFs (an image, no text layer), Word and Excel files
(legacy .xls through LibreOffice), and pictures of lists (JPG, PNG: a 公示 photographed or exported as images)
— so the documents pass and the content rules read files as real schools publish them.

A scan or picture with text is drawn as a bordered table in a CJK font (fonts-noto-cjk, which .ci/run installs),
as a scanner or a screenshot of a spreadsheet shows it: each tab-separated cell of a line in its own column."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import zlib
from pathlib import Path
from typing import Any

CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def _pdf(objects: list[bytes]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def _stream(data: bytes, extra: str = "") -> bytes:
    packed = zlib.compress(data)
    return (
        f"<< /Length {len(packed)} /Filter /FlateDecode {extra}>>\nstream\n".encode()
        + packed
        + b"\nendstream"
    )


def text_pdf(lines: list[str]) -> bytes:
    """A one-page A4 PDF showing `lines` in 宋体 (STSong-Light, UniGB-UCS2-H): text a reader extracts."""
    ops = ["BT", "/F1 14 Tf", "72 770 Td", "20 TL"]
    for line in lines:
        ops.append(f"<{line.replace(chr(9), '  ').encode('utf-16-be').hex()}> Tj T*")  # cells apart
    ops.append("ET")
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >>"
            b" /Contents 4 0 R >>",
            _stream("\n".join(ops).encode("latin-1")),
            b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H"
            b" /DescendantFonts [6 0 R] >>",
            b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
            b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor 7 0 R >>",
            b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880]"
            b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
        ]
    )


def picture(lines: list[str], fmt: str = "PNG") -> bytes:
    """`lines` drawn as a bordered table (cells split at tabs), 1240 px wide (A4 at 150 dpi), grey on white
    with a little noise, saved as `fmt` (PNG, JPEG)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(CJK_FONT, 24)
    rows = [line.split("\t") for line in lines]
    widths = [0] * max(len(r) for r in rows)
    for r in rows:
        for k, cell in enumerate(r):
            widths[k] = max(widths[k], int(font.getlength(cell)) + 40)
    width, height = max(1240, sum(widths) + 80), 80 + 48 * len(rows) + 40
    img = Image.new("RGB", (width, height), (250, 250, 247))
    draw = ImageDraw.Draw(img)
    y = 60
    for r in rows:
        x = 40
        for k, cell in enumerate(r):
            draw.rectangle((x, y, x + widths[k], y + 48), outline=(90, 90, 90))
            draw.text((x + 20, y + 10), cell, fill=(30, 30, 30), font=font)
            x += widths[k]
        y += 48
    out = io.BytesIO()
    img.save(out, fmt, **({"quality": 85} if fmt == "JPEG" else {}))
    return out.getvalue()


def scanned_pdf(lines: list[str] | None = None) -> bytes:
    """A page that is only an image, as a scanner makes it: no text layer at all; with `lines`, the picture of
    them (a JPEG, as scanners store pages), else a checkerboard."""
    if lines:
        return _scan_of(picture(lines, "JPEG"))
    w, h = 64, 90
    pixels = bytes((200 if (x // 8 + y // 6) % 2 else 40) for y in range(h) for x in range(w))
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 5 0 R >> >>"
            b" /Contents 4 0 R >>",
            _stream(b"q 595 0 0 842 0 0 cm /Im1 Do Q"),
            _stream(pixels, f"/Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceGray "
                    "/BitsPerComponent 8 "),
        ]
    )  # fmt: skip


def _scan_of(jpeg: bytes) -> bytes:
    from PIL import Image

    with Image.open(io.BytesIO(jpeg)) as img:
        w, h = img.size
    shown = 595 * h // w  # the picture across the page's width, from its top
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 5 0 R >> >>"
            b" /Contents 4 0 R >>",
            _stream(f"q 595 0 0 {shown} 0 {842 - shown} cm /Im1 Do Q".encode()),
            f"<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceRGB /BitsPerComponent 8"
            f" /Filter /DCTDecode /Length {len(jpeg)} >>\nstream\n".encode()
            + jpeg
            + b"\nendstream",
        ]
    )


def docx(lines: list[str]) -> bytes:
    """A Word file, a paragraph a line; a line's "¦" splits it into runs (as Word splits a value it autocorrected
    or that was typed in two goes), a tab-separated line is a table row."""
    from docx import Document

    doc = Document()
    table = None
    for line in lines:
        if "\t" in line:
            cells = line.split("\t")
            table = table or doc.add_table(rows=0, cols=len(cells))
            for cell, value in zip(table.add_row().cells, cells, strict=False):
                for run in value.split("¦"):
                    cell.paragraphs[0].add_run(run)
            continue
        table = None
        paragraph = doc.add_paragraph()
        for run in line.split("¦"):
            paragraph.add_run(run)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def xlsx(lines: list[Any]) -> bytes:
    """A workbook, a row a line (cells split at tabs); a line given as a list keeps its cells' types (a number
    stored as a spreadsheet number)."""
    from openpyxl import Workbook

    wb = Workbook()
    for line in lines:
        wb.active.append(line if isinstance(line, list) else line.split("\t"))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xls(lines: list[Any]) -> bytes | None:
    """A legacy Excel file, converted from the workbook by LibreOffice (None when it is not installed)."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "list.xlsx"
        source.write_bytes(xlsx(lines))
        subprocess.run(
            [office, f"-env:UserInstallation=file://{folder}/profile", "--headless", "--convert-to", "xls",
             "--outdir", folder, str(source)],
            capture_output=True, timeout=120, check=False,
        )  # fmt: skip
        out = Path(folder) / "list.xls"
        return out.read_bytes() if out.exists() else None


def document(name: str, lines: list[Any] | None, scanned: bool = False) -> bytes | None:
    """The bytes of a fixture file named `name`, or None for a format made of filler (legacy .doc, and .xls
    without text or LibreOffice)."""
    ext = name.rsplit(".", 1)[-1].lower()
    given = bool(lines)
    lines = lines or [name.rsplit(".", 1)[0]]
    if ext == "pdf":
        return scanned_pdf(lines if given else None) if scanned else text_pdf(lines)
    if ext == "docx":
        return docx(lines)
    if ext == "xlsx":
        return xlsx(lines)
    if ext == "xls" and given:
        return xls(lines)
    if ext in ("png", "jpg", "jpeg"):
        return picture(lines, "PNG" if ext == "png" else "JPEG")
    return None

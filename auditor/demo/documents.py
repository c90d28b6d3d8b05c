"""Real documents for fixture colleges: PDFs with Chinese text (the Adobe-GB1 CID font every PDF reader
ships, STSong-Light, so nothing is embedded), scanned PDFs (an image, no text layer), Word and Excel files —
so the documents pass and the content rules read files as real schools publish them."""

from __future__ import annotations

import io
import zlib


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
        ops.append(f"<{line.encode('utf-16-be').hex()}> Tj T*")
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


def scanned_pdf() -> bytes:
    """A page that is only an image, as a scanner makes it: no text layer at all."""
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


def docx(lines: list[str]) -> bytes:
    from docx import Document

    doc = Document()
    for line in lines:
        doc.add_paragraph(line)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def xlsx(lines: list[str]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    for line in lines:
        wb.active.append(line.split("\t"))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def document(name: str, lines: list[str] | None, scanned: bool = False) -> bytes | None:
    """The bytes of a fixture file named `name`, or None for a format made of filler (legacy .doc/.xls)."""
    ext = name.rsplit(".", 1)[-1].lower()
    lines = lines or [name.rsplit(".", 1)[0]]
    if ext == "pdf":
        return scanned_pdf() if scanned else text_pdf(lines)
    if ext == "docx":
        return docx(lines)
    if ext == "xlsx":
        return xlsx(lines)
    return None

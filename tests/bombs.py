"""Crafted files, as an attacker who can place a file on a college's site would make them (issue 22): small on
the wire, ruinous to read naively. Generated at test time, a few KB to a few MB each.

Big entries are deflated once per repeated chunk: after a full flush deflate starts afresh, so the same chunk
compresses to the same bytes and a 2 GB entry is a 2 MB list of one repeated block."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from auditor.demo import documents

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>'
)


def _deflate(prefix: bytes, chunk: bytes, times: int, suffix: bytes) -> tuple[bytes, int, int]:
    """(raw deflate data, crc32, size) of prefix + chunk × times + suffix."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(prefix) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    data = head + block * times + c.compress(suffix) + c.flush()
    crc = zlib.crc32(prefix)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    return data, zlib.crc32(suffix, crc), len(prefix) + len(chunk) * times + len(suffix)


def raw_zip(entries: list[tuple[str, bytes, int, int]], declared: dict[str, int] | None = None) -> bytes:
    """A zip of (name, deflated data, crc, size) entries; `declared` overrides the central directory's size
    of an entry (a header that lies)."""
    out, central = io.BytesIO(), []
    for name, data, crc, size in entries:
        offset = out.tell()
        fname = name.encode()
        said = (declared or {}).get(name, size)
        out.write(
            struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), said, len(fname), 0)
        )
        out.write(fname + data)
        central.append(
            struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(data), said,
                        len(fname), 0, 0, 0, 0, 0, offset) + fname
        )  # fmt: skip
    start = out.tell()
    for c in central:
        out.write(c)
    size = out.tell() - start
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), size, start, 0))
    return out.getvalue()


def _small(name: str, text: str) -> tuple[str, bytes, int, int]:
    raw = text.encode()
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return name, c.compress(raw) + c.flush(), zlib.crc32(raw), len(raw)


def docx_with_body(prefix: str, chunk: str, times: int, suffix: str, declared: int | None = None) -> bytes:
    """A .docx whose word/document.xml is prefix + chunk × times + suffix (inside <w:body>)."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><w:document {W_NS}><w:body>{prefix}'.encode()
    doc = (
        "word/document.xml",
        *_deflate(head, chunk.encode(), times, f"{suffix}</w:body></w:document>".encode()),
    )
    return raw_zip(
        [_small("[Content_Types].xml", CONTENT_TYPES), _small("_rels/.rels", RELS), doc],
        {"word/document.xml": declared} if declared is not None else None,
    )


def docx_bomb(inflated: int = 2 * 1024**3) -> bytes:
    """A ~2 MB .docx whose document.xml inflates to `inflated` bytes of spaces."""
    mb = 1024 * 1024
    return docx_with_body("<w:p><w:r><w:t>", " " * mb, inflated // mb, "</w:t></w:r></w:p>")


def docx_lying_header() -> bytes:
    """Its central directory says document.xml is 2 KB; the stream inflates to 300 MB."""
    return docx_with_body("<w:p><w:r><w:t>", " " * 1024 * 1024, 300, "</w:t></w:r></w:p>", declared=2048)


def docx_grid_span(span: int = 1_000_000_000) -> bytes:
    """One table cell that claims to span a billion grid columns: one line of XML."""
    cell = f'<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr><w:p><w:r><w:t>合并单元格</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
    return docx_with_body("<w:p><w:r><w:t>2025年部门预算</w:t></w:r></w:p>", "", 0, cell)


def docx_xxe(path: str) -> bytes:
    """An external entity naming a local file, and a billion laughs, in document.xml."""
    laughs = "".join(
        f'<!ENTITY l{i} "&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};">' for i in range(1, 12)
    )
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{path}">'
        f'<!ENTITY l0 "哈">{laughs}]><w:document {W_NS}><w:body><w:p><w:r><w:t>部门预算&xxe;&l11;</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )
    return raw_zip(
        [
            _small("[Content_Types].xml", CONTENT_TYPES),
            _small("_rels/.rels", RELS),
            _small("word/document.xml", xml),
        ]
    )


def docx_many_entries(n: int = 100_000) -> bytes:
    """A real .docx with `n` empty entries beside its parts."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(documents.docx(["部门预算"]))) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        for i in range(n):
            dst.writestr(f"bloat/{i}.xml", b"")
    return out.getvalue()


def xlsx_dimension_bomb(sheets: int = 8) -> bytes:
    """A ~2 KB workbook whose sheets each claim <dimension ref="A1:XFD1048576"/> and hold two cells."""
    from openpyxl import Workbook

    wb = Workbook()
    for i in range(sheets):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = f"表{i + 1}"
        ws["A1"], ws["B2"] = "2025年部门预算", 1
    plain = io.BytesIO()
    wb.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = data.replace(b'<dimension ref="A1:B2"/>', b'<dimension ref="A1:XFD1048576"/>')
                assert b"XFD1048576" in data
            dst.writestr(info.filename, data)
    return out.getvalue()


def xlsx_one_cell_bomb(inflated: int = 1024**3) -> bytes:
    """A ~1 MB .xlsx whose one cell (an inline string) inflates to `inflated` bytes."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = 1
    plain = io.BytesIO()
    wb.save(plain)
    entries, mb = [], 1024 * 1024
    with zipfile.ZipFile(plain) as src:
        for info in src.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                head = (
                    b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
                )
                tail = b"</t></is></c></row></sheetData></worksheet>"
                entries.append((info.filename, *_deflate(head, b"A" * mb, inflated // mb, tail)))
            else:
                entries.append(_small(info.filename, src.read(info).decode()))
    return raw_zip(entries)


def xlsx_rows(rows: int) -> bytes:
    """A workbook of `rows` rows of one cell: what a real, very long register looks like."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("名单")
    for i in range(rows):
        ws.append([f"第{i}行"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def pdf_shared_stream(pages: int = 100, mb: int = 5) -> bytes:
    """A PDF of `pages` pages that all draw one content stream of `mb` MB (deflated to a few KB)."""
    ops = b"BT /F1 1 Tf 0 0 Td <4e00> Tj ET\n" * (mb * 1024 * 1024 // 32)
    kids = " ".join(f"{4 + i} 0 R" for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        documents._stream(ops),
    ]
    objects += [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>" for _ in range(pages)
    ]
    return documents._pdf(objects)


def pdf_slow_page(mb: float = 3.5, pages: int = 36) -> bytes:
    """`pages` pages, each under the content limit and all under the total, whose text extraction takes long:
    many tiny text operators (one stream every page shares, so the file is small). pdfium reads a page of them
    in ~0.1 s, so it takes many (pypdf took 6 s over one)."""
    ops = b"BT /F1 9 Tf 1 0 0 1 72 700 Tm (a) Tj ET\n" * int(mb * 1024 * 1024 // 40)
    kids = " ".join(f"{5 + k} 0 R" for k in range(pages)).encode()
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R"
        b" /Resources << /Font << /F1 4 0 R >> >> >>"
    )
    return documents._pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + kids + b"] /Count " + str(pages).encode() + b" >>",
            documents._stream(ops),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            *[page] * pages,
        ]
    )


def pdf_javascript_and_launch() -> bytes:
    """An ordinary text PDF with /OpenAction JavaScript and a /Launch action in its catalogue."""
    body = documents.text_pdf(["2025年部门预算", "收支预算总表"])
    return body.replace(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"
        b" /AA << /O << /S /Launch /F (/bin/sh) >> >> >>",
    )


def pdf_page_loop() -> bytes:
    """A page tree whose Pages node lists itself as its own kid."""
    return documents._pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ]
    )

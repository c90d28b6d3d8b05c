"""The text of scans and pictures of lists (issue 26): a 公示 published as a scanned PDF or as JPG/PNG images holds
the same 身份证号 as a typed one. Read by OCR that runs offline — rapidocr with onnxruntime, whose Chinese models
ship inside the wheel (nothing is downloaded at run time); Debian's tesseract read the same scans as garbage.
PDF pages are rendered by pdfium (pypdfium2).

OCR is slow (seconds a page on two cores): only files the audit asks to OCR (those of 公示-like pages) are read
so, their first OCR_PAGES pages, in the reader process (auditor.evidence.reader) under its limits, and the
result is cached by payload hash like every document's."""

from __future__ import annotations

import io
from typing import Any

OCR_PAGES = 4  # a scanned file's pages read, at most: a 公示's list starts on its first pages
RENDER_SCALE = 2.0  # 144 dpi: small print (a table's 10-pt digits) stays legible to the recogniser
MAX_SIDE = (
    2400  # pixels: a bigger picture is scaled down first (a phone photo's 4000 px costs 3× for nothing)
)
_engine: Any = None


def _ocr() -> Any:
    global _engine
    if _engine is None:
        from rapidocr_onnxruntime import RapidOCR

        _engine = RapidOCR()
    return _engine


def rows_of(image: Any) -> list[list[str]]:
    """The picture's text as rows of cells, top to bottom and left to right: each box the recogniser returns
    is a cell, and boxes whose middles lie within half a line of each other are one row (a table's columns
    stay apart, so an ID in one column never runs into the phone in the next)."""
    found, _ = _ocr()(image)
    boxes = []
    for points, text, _score in found or []:
        ys = [p[1] for p in points]
        boxes.append(((min(ys) + max(ys)) / 2, max(ys) - min(ys), min(p[0] for p in points), text))
    rows: list[list[tuple[float, str]]] = []
    middle = height = 0.0
    for mid, h, x, text in sorted(boxes):
        if rows and abs(mid - middle) <= max(height, h) / 2:
            rows[-1].append((x, text))
        else:
            rows.append([(x, text)])
            middle, height = mid, h
    return [[t for _, t in sorted(row)] for row in rows]


def _scaled(picture: Any) -> Any:
    side = max(picture.size)
    if side > MAX_SIDE:
        picture = picture.resize((picture.width * MAX_SIDE // side, picture.height * MAX_SIDE // side))
    return picture.convert("RGB")


def _result(rows: list[list[str]], pages: int, read: int) -> dict[str, Any]:
    return {
        "text": "\n".join("  ".join(r) for r in rows),
        "rows": rows,
        "pages": pages,
        "scanned": True,
        "ocr": read,  # pages read by OCR (a scan's first OCR_PAGES)
    }


def image(body: bytes) -> dict[str, Any]:
    """A JPG or PNG picture's text."""
    from PIL import Image

    with Image.open(io.BytesIO(body)) as picture:
        return _result(rows_of(_numpy(_scaled(picture))), 1, 1)


def pdf(body: bytes) -> dict[str, Any]:
    """A scanned PDF's text: its first OCR_PAGES pages rendered and read."""
    import pypdfium2

    document = pypdfium2.PdfDocument(body)
    try:
        pages = len(document)
        rows: list[list[str]] = []
        for n in range(min(pages, OCR_PAGES)):
            page = document[n]
            picture = page.render(scale=RENDER_SCALE).to_pil()
            rows += rows_of(_numpy(_scaled(picture)))
            page.close()
        return _result(rows, pages, min(pages, OCR_PAGES))
    finally:
        document.close()


def _numpy(picture: Any) -> Any:
    import numpy

    return numpy.asarray(picture)[:, :, ::-1]  # RGB → the BGR order OpenCV (and so the recogniser) reads

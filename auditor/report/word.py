"""Word documents as a Chinese office writes them (python-docx): A4, Chinese fonts declared for East Asian
text, the document language zh-CN, header rows repeated on each page, rows kept whole, fixed widths. Used by
the 清单事项公开情况表 and the 整改通知."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from auditor import safe


def chinese_document(body_font: str = "宋体") -> Any:
    """A python-docx Document set up as a Chinese office document: A4, 2.5/2 cm margins, Chinese fonts for
    East Asian text, and the East Asian language declared zh-CN (the default template says ja-JP)."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), "Times New Roman")
    fonts.set(qn("w:hAnsi"), "Times New Roman")
    fonts.set(qn("w:eastAsia"), body_font)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    theme = doc.settings.element.find(qn("w:themeFontLang"))  # the template's theme says ja-JP too
    if theme is not None:
        theme.set(qn("w:val"), "zh-CN")
        theme.set(qn("w:eastAsia"), "zh-CN")
    for name in ("Normal", "Title", "Heading 1"):
        style = doc.styles[name]
        style.font.name = "Times New Roman"
        style.element.get_or_add_rPr().get_or_add_rFonts().set(
            qn("w:eastAsia"), "黑体" if name != "Normal" else body_font
        )
    doc.styles["Normal"].font.size = Pt(10.5)
    return doc


def heading(doc: Any, text: str, size: float = 16) -> None:
    p = doc.add_paragraph()
    p.alignment = 1  # centred
    run = p.add_run(safe.document(text))
    run.bold, run.font.size = True, Pt(size)
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "黑体")


def repeat_header(row: Any) -> None:
    """Mark a table row as the header repeated at the top of every page."""
    trpr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    trpr.append(flag)


def keep_row_together(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:cantSplit")
    trpr.append(flag)


def set_widths(tbl: Any, widths_cm: tuple[float, ...]) -> None:
    """Fixed column widths, in the grid (LibreOffice reads it) and in every cell (Word reads those)."""
    tbl.autofit = False
    for col, w in zip(tbl._tbl.tblGrid.findall(qn("w:gridCol")), widths_cm, strict=False):
        col.set(qn("w:w"), str(int(Cm(w).twips)))
    for row in tbl.rows:
        for cell, w in zip(row.cells, widths_cm, strict=False):
            cell.width = Cm(w)


def shade(cell: Any, fill: str = "EEEEEE") -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


def hyperlink(paragraph: Any, url: str, text: str | None = None, size: float | None = None) -> None:
    """A link Word opens on a click (http(s) only; shown as plain text otherwise), blue and underlined."""
    target = safe.link(url)
    if target is None:
        run = paragraph.add_run(safe.document(text or url))
        if size:
            run.font.size = Pt(size)
        return
    r_id = paragraph.part.relate_to(
        quote(target, safe=URL_SAFE), RELATIONSHIP_TYPE.HYPERLINK, is_external=True
    )
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run, props = OxmlElement("w:r"), OxmlElement("w:rPr")
    for tag, value in (
        ("w:color", "0563C1"),
        ("w:u", "single"),
        *((("w:sz", str(int(size * 2))),) if size else ()),
    ):
        el = OxmlElement(tag)
        el.set(qn("w:val"), value)
        props.append(el)
    run.append(props)
    t = OxmlElement("w:t")
    t.text = safe.document(text or safe.readable(target))
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    link.append(run)
    paragraph._p.append(link)

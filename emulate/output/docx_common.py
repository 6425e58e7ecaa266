"""Word building blocks shared by the nomination list and the Tờ trình: Times New Roman in
every script slot, pages per Nghị định 30/2020, the letterhead, rule lines, fixed-width tables
and a fast path for long tables."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import TypedDict, Unpack

from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row
from docx.section import Section as DocxSection
from docx.shared import Cm, Mm, Pt
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from emulate.output.letterhead import MOTTO, NATION, Letterhead
from emulate.output.list_layout import PAGE

FONT = "Times New Roman"
BODY_PT = 13
TABLE_PT = 12


def font_attrs(rpr: OxmlElement) -> None:
    """Times New Roman for every script slot, so Vietnamese text never falls back."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def setup_styles(doc: DocxDocument) -> None:
    """Times New Roman 13 as the document default and in the styles python-docx uses."""
    for style_name in ("Normal", "Header", "Footer", "Table Grid"):
        style = doc.styles[style_name]
        style.font.name = FONT
        font_attrs(style.element.get_or_add_rPr())
    doc.styles["Normal"].font.size = Pt(BODY_PT)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            font_attrs(rpr)


def set_page(section: DocxSection, *, landscape: bool) -> None:
    """A4 with the margins of `PAGE`; page numbers hidden on the section's first page."""
    long, short = Mm(max(PAGE.width, PAGE.height)), Mm(min(PAGE.width, PAGE.height))
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    section.top_margin, section.bottom_margin = Mm(PAGE.top), Mm(PAGE.bottom)
    section.left_margin, section.right_margin = Mm(PAGE.left), Mm(PAGE.right)
    section.header_distance = Mm(10)
    section.different_first_page_header_footer = True


def text_width_cm(section: DocxSection) -> float:
    return (section.page_width - section.left_margin - section.right_margin) / 360000


def page_numbers(section: DocxSection) -> None:
    """Page numbers centred in the top margin (Nghị định 30/2020); with
    `different_first_page_header_footer` the first page shows none."""
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), " PAGE ")
    paragraph._p.append(field)
    run = paragraph.add_run("1")
    style_run(run, size=BODY_PT)
    field.append(run._r)


def restart_numbering(section: DocxSection) -> None:
    """Number this section's pages from 1 again (an attached list after its Tờ trình)."""
    number = OxmlElement("w:pgNumType")
    number.set(qn("w:start"), "1")
    section._sectPr.insert_element_before(
        number, "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg",
        "w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings",
    )  # fmt: skip


def style_run(run: Run, *, bold: bool = False, italic: bool = False, size: float = BODY_PT) -> None:
    run.font.name = FONT
    font_attrs(run._r.get_or_add_rPr())
    run.font.size = Pt(size)
    run.bold = bold or None
    run.italic = italic or None


def fill(
    paragraph: Paragraph,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float = BODY_PT,
    align: str = "left",
    before: float = 0,
    after: float = 0,
) -> Paragraph:
    run = paragraph.add_run(text)
    style_run(run, bold=bold, italic=italic, size=size)
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    paragraph.alignment = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }[align]
    return paragraph


class Style(TypedDict, total=False):
    bold: bool
    italic: bool
    size: float
    align: str  # left | center | right
    before: float  # points of space before the paragraph
    after: float


def para(doc: DocxDocument, text: str, **style: Unpack[Style]) -> Paragraph:
    return fill(doc.add_paragraph(), text, **style)


def cell_text(cell: _Cell, text: str, **style: Unpack[Style]) -> None:
    """Replace a cell's content by one styled paragraph."""
    paragraph = cell.paragraphs[0]
    for extra in cell.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    for run in paragraph.runs:
        run._r.getparent().remove(run._r)
    fill(paragraph, text, **style)


def rule(cell: _Cell, length_cm: float, width_cm: float) -> None:
    """A solid line of `length_cm`, centred in a cell: a bottom border on an empty
    paragraph indented from both sides."""
    paragraph = cell.add_paragraph()
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "auto")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)  # before spacing/ind/jc, which python-docx inserts in schema order
    indent = max((width_cm - length_cm) / 2, 0)
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Cm(indent)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(2)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def text_cm(text: str, size: float) -> float:
    """Rough printed width of bold Times New Roman text (half an em per character)."""
    return len(text) * size * 0.5 / 72 * 2.54


def fix_widths(table: Table, widths: Sequence[float]) -> None:
    """Fixed column widths: the grid, then every row made so far (a merged cell gets the
    sum of the columns it spans)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        tc_widths(row._tr, widths)


def tc_widths(tr: CT_Row, widths: Sequence[float]) -> None:
    col = 0
    for tc in tr.tc_lst:
        span = tc.grid_span
        tc.width = Cm(sum(widths[col : col + span]))
        col += span


_RUN = f"{qn('w:p')}/{qn('w:r')}"
_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_BREAKS = frozenset("\t\n\r")


class FastRows:
    """Data rows made by copying one styled prototype row: python-docx's cell API costs
    about 10 ms a row, and a province's list runs to thousands of rows."""

    def __init__(self, table: Table, widths: Sequence[float], aligns: Sequence[str]) -> None:
        row = data_row(table)
        for cell, align in zip(row.cells, aligns, strict=True):
            cell_text(cell, "", size=TABLE_PT, align=align)
        tc_widths(row._tr, widths)
        self._proto = row._tr
        self._tbl = table._tbl
        self._tbl.remove(self._proto)

    def add(self, values: Sequence[str]) -> None:
        tr = copy.deepcopy(self._proto)
        self._tbl.append(tr)
        for tc, value in zip(tr.tc_lst, values, strict=True):
            run = tc.find(_RUN)
            if _BREAKS.isdisjoint(value):
                text = OxmlElement("w:t")
                text.text = value
                text.set(_SPACE, "preserve")
                run.append(text)
            else:  # python-docx turns tabs and line breaks into w:tab / w:br
                run.text = value


def row_flag(row: _Row, tag: str) -> None:
    """`w:tblHeader` (repeat the row on every page) or `w:cantSplit` (keep a row whole)."""
    flag = OxmlElement(tag)
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def repeat_header(row: _Row) -> None:
    row_flag(row, "w:tblHeader")


def data_row(table: Table) -> _Row:
    row = table.add_row()
    row_flag(row, "w:cantSplit")
    return row


def letterhead(doc: DocxDocument, head: Letterhead, width_cm: float, *, number: bool) -> None:
    """Issuing body (with "Số: …" under it for a Tờ trình) beside Quốc hiệu and Tiêu ngữ,
    each with its rule line; the place and date under the motto. A borderless table."""
    left_w = min(9.7, width_cm * 0.35)
    right_w = width_cm - left_w
    table = doc.add_table(rows=1, cols=2)
    fix_widths(table, (left_w, right_w))
    left, right = table.rows[0].cells
    cell_text(left, head.issuer_caps, bold=True, size=13, align="center")
    rule(left, max(min(text_cm(head.issuer_caps, 13), left_w) / 3, 1.5), left_w)
    if number:
        fill(left.add_paragraph(), f"Số: {head.number_or_gap}", align="center", before=6)
    cell_text(right, NATION, bold=True, size=12, align="center")
    fill(right.add_paragraph(), MOTTO, bold=True, size=13.5, align="center")
    rule(right, text_cm(MOTTO, 13.5), right_w)
    fill(right.add_paragraph(), head.place_date(), italic=True, size=13.5, align="center", before=6)


def signature(
    doc: DocxDocument, head: Letterhead, width_cm: float, recipients: Sequence[str] = ()
) -> None:
    """ "Nơi nhận" on the left (when given), the signer's title, seal note and name right."""
    table = doc.add_table(rows=1, cols=2)
    fix_widths(table, (width_cm / 2, width_cm / 2))
    row_flag(table.rows[0], "w:cantSplit")  # the signer's block stays on one page
    left, right = table.rows[0].cells
    if recipients:
        cell_text(left, "Nơi nhận:", bold=True, italic=True, size=12, before=12)
        for line in recipients:
            fill(left.add_paragraph(), line, size=11)
    cell_text(right, head.signer_title.upper(), bold=True, align="center", before=12)
    fill(right.add_paragraph(), "(Ký tên, đóng dấu)", italic=True, align="center", after=60)
    fill(right.add_paragraph(), head.signer, bold=True, align="center")


def header_cells(table: Table, labels: Sequence[str]) -> None:
    for cell, label in zip(table.rows[0].cells, labels, strict=True):
        cell_text(cell, label, bold=True, size=TABLE_PT, align="center")
    repeat_header(table.rows[0])

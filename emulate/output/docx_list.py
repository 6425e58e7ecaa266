"""The nomination list as a Word document in the layout of Nghị định 30/2020 (Phụ lục I):
A4 landscape, Times New Roman, the issuing body beside Quốc hiệu and Tiêu ngữ, page numbers
centred in the top margin from page 2, tables whose header rows repeat on every page.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK
from docx.table import Table

from emulate.output.docx_common import (
    TABLE_PT,
    FastRows,
    cell_text,
    data_row,
    fix_widths,
    header_cells,
    letterhead,
    page_numbers,
    para,
    repeat_header,
    restart_numbering,
    set_page,
    setup_styles,
    signature,
    style_run,
    tc_widths,
    text_width_cm,
)
from emulate.output.letterhead import Letterhead, date_words
from emulate.output.list_layout import MONEY_COLUMNS, PEOPLE_COLUMNS, UNIT_COLUMNS, VOTE_COLUMNS
from emulate.output.nominations import NominationList, Section, format_money, two_digits


def render_docx(
    nominations: NominationList,
    head: Letterhead,
    *,
    minutes: bool = False,
    submission: bool = False,
) -> bytes:
    """The list as .docx bytes. `submission` puts a draft Tờ trình (portrait) in front of
    the list, whose pages are then numbered on their own; `minutes` adds the council's vote
    table (biên bản) after it."""
    doc = Document()
    setup_styles(doc)
    first = doc.sections[0]
    set_page(first, landscape=not submission)
    page_numbers(first)
    if submission:
        from emulate.output.docx_submission import write_submission

        write_submission(doc, nominations, head, text_width_cm(first))
        attached = doc.add_section(WD_SECTION.NEW_PAGE)
        set_page(attached, landscape=True)
        restart_numbering(attached)
    width = text_width_cm(doc.sections[-1])
    letterhead(doc, head, width, number=False)
    para(doc, nominations.heading(), bold=True, size=14, align="center", before=12)
    para(doc, head.attachment(), italic=True, align="center", after=12)
    for number, section in nominations.numbered():
        para(doc, f"{number}. {section.heading}", bold=True, before=6, after=6)
        _list_table(doc, section)
    para(doc, nominations.totals_line() + ".", bold=True, before=12)
    _money_table(doc, nominations)
    signature(doc, head, width)
    if minutes:
        _minutes(doc, nominations, head)
    properties = doc.core_properties
    properties.title = nominations.heading()
    properties.author = head.issuer
    properties.comments = nominations.source
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _group_row(table: Table, text: str, widths: Sequence[float]) -> None:
    row = data_row(table)
    merged = row.cells[0].merge(row.cells[-1])
    cell_text(merged, text, bold=True, size=TABLE_PT)
    tc_widths(row._tr, widths)


def _list_table(doc: DocxDocument, section: Section) -> None:
    people = section.scope == "people"
    columns = PEOPLE_COLUMNS if people else UNIT_COLUMNS
    widths = [w for _, w in columns]
    table = doc.add_table(rows=2 if people else 1, cols=len(columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    if people:
        top, sub = table.rows[0].cells, table.rows[1].cells
        for i, (label, _) in enumerate(columns):
            if i in (2, 3):
                continue
            cell_text(top[i].merge(sub[i]), label, bold=True, size=TABLE_PT, align="center")
        cell_text(top[2].merge(top[3]), "Năm sinh", bold=True, size=TABLE_PT, align="center")
        for i in (2, 3):
            cell_text(sub[i], columns[i][0], bold=True, size=TABLE_PT, align="center")
        repeat_header(table.rows[0])
        repeat_header(table.rows[1])
    else:
        header_cells(table, [label for label, _ in columns])
    fix_widths(table, widths)
    centred = {0, 2, 3} if people else {0}
    aligns = ["center" if i in centred else "left" for i in range(len(columns))]
    rows = FastRows(table, widths, aligns)
    for number, group in enumerate(section.groups, start=1):
        kind = "Danh hiệu" if group.kind == "title" else "Hình thức"
        label = f"{number}. {kind} “{group.name}” ({two_digits(len(group.entries))})"
        _group_row(table, label, widths)
        for stt, e in enumerate(group.entries, start=1):
            values = (
                [str(stt), e.name, e.born_male, e.born_female, e.affiliation]
                if people
                else [str(stt), e.name, e.affiliation]
            )
            rows.add([*values, e.title_name, e.achievement, e.note])


def _money_table(doc: DocxDocument, nominations: NominationList) -> None:
    para(doc, "KINH PHÍ KHEN THƯỞNG", bold=True, before=12, after=6)
    table = doc.add_table(rows=1, cols=len(MONEY_COLUMNS))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header_cells(table, [label for label, _ in MONEY_COLUMNS])
    for stt, line in enumerate(nominations.money, start=1):
        values = (
            str(stt),
            line.name,
            two_digits(line.count),
            format_money(line.amount),
            format_money(line.total if line.amount is not None else None),
        )
        cells = data_row(table).cells
        for i, (cell, value) in enumerate(zip(cells, values, strict=True)):
            align = "center" if i == 0 else "left" if i == 1 else "right"
            cell_text(cell, value, size=TABLE_PT, align=align)
    cells = data_row(table).cells
    label = cells[0].merge(cells[3])
    cell_text(label, "Tổng cộng", bold=True, size=TABLE_PT, align="center")
    cell_text(
        cells[4], format_money(nominations.total_money), bold=True, size=TABLE_PT, align="right"
    )
    fix_widths(table, [w for _, w in MONEY_COLUMNS])
    if nominations.has_ties:
        para(
            doc,
            "Ghi chú: các trường hợp “Hội đồng quyết định” đồng hạng tại ngưỡng chỉ tiêu; "
            "Hội đồng Thi đua - Khen thưởng xem xét, quyết định.",
            italic=True,
            size=TABLE_PT,
            before=6,
        )


def _minutes(doc: DocxDocument, nominations: NominationList, head: Letterhead) -> None:
    """The vote table of the council's minutes: one row per nominee, votes to fill in."""
    breaker = doc.add_paragraph().add_run()
    style_run(breaker)
    breaker.add_break(WD_BREAK.PAGE)
    para(
        doc,
        "KẾT QUẢ BỎ PHIẾU CỦA HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG",
        bold=True,
        size=14,
        align="center",
    )
    when = date_words(head.date)
    para(doc, f"(Kèm theo Biên bản họp Hội đồng {when})", italic=True, align="center", after=12)
    widths = [w for _, w in VOTE_COLUMNS]
    table = doc.add_table(rows=1, cols=len(VOTE_COLUMNS))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header_cells(table, [label for label, _ in VOTE_COLUMNS])
    fix_widths(table, widths)
    rows = FastRows(table, widths, ["center"] + ["left"] * (len(VOTE_COLUMNS) - 1))
    for number, section in nominations.numbered():
        _group_row(table, f"{number}. {section.heading}", widths)
        entries = [e for group in section.groups for e in group.entries]
        for stt, e in enumerate(entries, start=1):
            rows.add([str(stt), e.name, e.title_name, "", "", e.note])

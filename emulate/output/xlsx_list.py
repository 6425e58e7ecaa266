"""The nomination list as a printable Excel workbook: one sheet per section (each with its
own header rows repeated on every printed page), then a summary sheet with the totals, the
prize-money table and the signature. A4 landscape, fit to width, Times New Roman.

Every text cell is stored as text (`data_type` "s", with Excel's quote prefix when it starts
like a formula): a name such as `=HYPERLINK(...)` stays a name. No formulas are written; the
money totals are computed values.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from emulate.output.letterhead import MOTTO, NATION, Letterhead
from emulate.output.list_layout import MONEY_COLUMNS, PAGE, PEOPLE_COLUMNS, UNIT_COLUMNS
from emulate.output.nominations import NominationList, Section, two_digits

FONT = "Times New Roman"
SIZE = 12
THIN = Side(style="thin")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FORMULA_START = ("=", "+", "-", "@")
MONEY_FORMAT = "#,##0"
CM_TO_CHARS = 4.6  # Excel column width units per cm of Times New Roman 12 (approximate)
MM_PER_INCH = 25.4


def render_xlsx(nominations: NominationList, head: Letterhead) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    styles: dict[StyleKey, StyleArray] = {}
    for number, section in nominations.numbered():
        ws = wb.create_sheet(f"{number}. {section.heading.capitalize()}")
        _list_sheet(_Sheet(ws, styles), nominations, section, number, head)
    _summary_sheet(_Sheet(wb.create_sheet("Tổng hợp"), styles), nominations, head)
    wb.properties.creator = head.issuer or "emulate"
    wb.properties.title = nominations.heading()
    wb.properties.description = nominations.source
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


StyleKey = tuple[object, ...]


class _Sheet:
    """Writes cells of one worksheet. Each distinct style is built once per workbook and
    then copied: setting fonts and borders through openpyxl's descriptors costs about a
    millisecond a cell, and a province's list runs to thousands of rows."""

    def __init__(self, ws: Worksheet, styles: dict[StyleKey, StyleArray]) -> None:
        self.ws = ws
        self._styles = styles

    def put(
        self,
        row: int,
        col: int,
        value: str | int | Decimal | None,
        *,
        bold: bool = False,
        italic: bool = False,
        size: float = SIZE,
        align: str = "left",
        grid: bool = False,
        span: int = 1,
    ) -> None:
        """One cell (merged over `span` columns): text always as text, numbers as numbers."""
        cell = self.ws.cell(row=row, column=col)
        cell.value = value
        quote = isinstance(value, str) and value.startswith(FORMULA_START)
        if isinstance(value, str):
            cell.data_type = "s"
        self._style(cell, (bold, italic, size, align, grid, isinstance(value, Decimal), quote))
        if span > 1:
            self.ws.merge_cells(
                start_row=row, start_column=col, end_row=row, end_column=col + span - 1
            )
            if grid:
                for c in range(col + 1, col + span):
                    self.grid(row, c)

    def grid(self, row: int, col: int) -> None:
        """Borders only: the hidden cells of a merged range still draw their edges."""
        self._style(self.ws.cell(row=row, column=col), ("grid",))

    def _style(self, cell: Cell, key: StyleKey) -> None:
        cached = self._styles.get(key)
        if cached is not None:
            cell._style = copy.copy(cached)
            return
        if key == ("grid",):
            cell.border = GRID
        else:
            bold, italic, size, align, grid, money, quote = key
            cell.font = Font(name=FONT, size=size, bold=bold, italic=italic)
            cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
            if grid:
                cell.border = GRID
            if money:
                cell.number_format = MONEY_FORMAT
            if quote:  # Excel keeps the cell text even when it is edited
                cell.quotePrefix = True
        self._styles[key] = copy.copy(cell._style)


def _print_setup(ws: Worksheet, widths: Sequence[float], last_row: int) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width * CM_TO_CHARS
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    margins = ws.page_margins
    margins.top, margins.bottom = PAGE.top / MM_PER_INCH, PAGE.bottom / MM_PER_INCH
    margins.left, margins.right = PAGE.left / MM_PER_INCH, PAGE.right / MM_PER_INCH
    ws.print_area = f"A1:{get_column_letter(len(widths))}{last_row}"
    # Page numbers centred at the top, none on page 1 (Nghị định 30/2020).
    ws.HeaderFooter.differentFirst = True
    ws.oddHeader.center.text = "&P"
    ws.oddHeader.center.font = FONT


def _letterhead(sheet: _Sheet, ncols: int, head: Letterhead, heading: str) -> int:
    """Issuing body and Quốc hiệu side by side, place and date, title; returns next row."""
    left = 3
    right = ncols - left
    sheet.put(1, 1, head.issuer_caps, bold=True, size=13, align="center", span=left)
    sheet.put(1, left + 1, NATION, bold=True, size=12, align="center", span=right)
    sheet.put(2, left + 1, MOTTO, bold=True, size=13.5, align="center", span=right)
    sheet.put(3, left + 1, head.place_date(), italic=True, size=13.5, align="center", span=right)
    sheet.put(5, 1, heading, bold=True, size=14, align="center", span=ncols)
    sheet.put(6, 1, head.attachment(), italic=True, size=13, align="center", span=ncols)
    sheet.ws.row_dimensions[6].height = 34
    return 8


def _list_sheet(
    sheet: _Sheet, nominations: NominationList, section: Section, number: str, head: Letterhead
) -> None:
    people = section.scope == "people"
    columns = PEOPLE_COLUMNS if people else UNIT_COLUMNS
    ncols = len(columns)
    row = _letterhead(sheet, ncols, head, nominations.heading())
    sheet.put(row, 1, f"{number}. {section.heading}", bold=True, span=ncols)
    row += 1
    header_top = row
    if people:
        for col, (label, _) in enumerate(columns, start=1):
            if col in (3, 4):
                sheet.put(row + 1, col, label, bold=True, align="center", grid=True)
            else:
                sheet.put(row, col, label, bold=True, align="center", grid=True)
                sheet.grid(row + 1, col)
                sheet.ws.merge_cells(
                    start_row=row, start_column=col, end_row=row + 1, end_column=col
                )
        sheet.put(row, 3, "Năm sinh", bold=True, align="center", grid=True, span=2)
        row += 2
    else:
        for col, (label, _) in enumerate(columns, start=1):
            sheet.put(row, col, label, bold=True, align="center", grid=True)
        row += 1
    sheet.ws.print_title_rows = f"{header_top}:{row - 1}"
    sheet.ws.freeze_panes = sheet.ws.cell(row=row, column=1)
    for gnum, group in enumerate(section.groups, start=1):
        kind = "Danh hiệu" if group.kind == "title" else "Hình thức"
        label = f"{gnum}. {kind} “{group.name}” ({two_digits(len(group.entries))})"
        sheet.put(row, 1, label, bold=True, grid=True, span=ncols)
        row += 1
        for stt, e in enumerate(group.entries, start=1):
            values: list[str | int] = [stt, e.name]
            if people:
                values += [e.born_male, e.born_female]
            values += [e.affiliation, e.title_name, e.achievement, e.note]
            for col, value in enumerate(values, start=1):
                centred = col == 1 or (people and col in (3, 4))
                sheet.put(row, col, value, align="center" if centred else "left", grid=True)
            row += 1
    _print_setup(sheet.ws, [w for _, w in columns], row - 1)


def _summary_sheet(sheet: _Sheet, nominations: NominationList, head: Letterhead) -> None:
    ncols = len(MONEY_COLUMNS)
    row = _letterhead(sheet, ncols, head, nominations.heading())
    sheet.put(row, 1, nominations.totals_line() + ".", bold=True, span=ncols)
    row += 2
    sheet.put(row, 1, "KINH PHÍ KHEN THƯỞNG", bold=True, span=ncols)
    row += 1
    for col, (label, _) in enumerate(MONEY_COLUMNS, start=1):
        sheet.put(row, col, label, bold=True, align="center", grid=True)
    sheet.ws.print_title_rows = f"{row}:{row}"
    row += 1
    for stt, line in enumerate(nominations.money, start=1):
        values = (stt, line.name, line.count, line.amount, line.total)
        for col, value in enumerate(values, start=1):
            sheet.put(row, col, value, align="left" if col == 2 else "right", grid=True)
        if line.amount is None:
            sheet.put(row, 4, "-", align="right", grid=True)
        row += 1
    sheet.put(row, 1, "Tổng cộng", bold=True, align="center", grid=True, span=4)
    sheet.put(row, 5, nominations.total_money, bold=True, align="right", grid=True)
    row += 2
    sheet.put(row, 3, head.signer_title.upper(), bold=True, align="center", span=3)
    sheet.put(row + 1, 3, "(Ký tên, đóng dấu)", italic=True, align="center", span=3)
    sheet.put(row + 5, 3, head.signer, bold=True, align="center", span=3)
    _print_setup(sheet.ws, [w for _, w in MONEY_COLUMNS], row + 5)

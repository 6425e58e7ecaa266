"""The Excel list, read back with openpyxl: layout, print setup, text stays text."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import load_workbook
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from emulate.output.letterhead import MOTTO, NATION, Letterhead
from emulate.output.nominations import build_nominations
from emulate.output.xlsx_list import render_xlsx
from tests.export_factory import HOSTILE, hostile, sample

HEAD = Letterhead(
    issuer="Sở Nội vụ tỉnh Hưng Yên", date=dt.date(2026, 1, 5), place="Hưng Yên", signer="Lê A"
)


@pytest.fixture(scope="module")
def wb() -> Workbook:
    data = render_xlsx(build_nominations(sample(), statuses=["awarded", "tie"]), HEAD)
    return load_workbook(io.BytesIO(data))


def column(ws: Worksheet, col: int) -> list:
    return [ws.cell(row=r, column=col).value for r in range(1, ws.max_row + 1)]


def test_sheets_in_section_order(wb: Workbook) -> None:
    assert wb.sheetnames == ["I. Tập thể", "II. Cá nhân", "Tổng hợp"]


def test_letterhead_and_title(wb: Workbook) -> None:
    ws = wb["I. Tập thể"]
    assert ws["A1"].value == "SỞ NỘI VỤ TỈNH HƯNG YÊN" and ws["A1"].font.b
    assert ws["D1"].value == NATION and ws["D2"].value == MOTTO
    assert ws["D3"].value == "Hưng Yên, ngày 05 tháng 01 năm 2026" and ws["D3"].font.i
    assert ws["A5"].value == "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2025"
    assert ws["A8"].value == "I. TẬP THỂ"


def test_people_rows_in_order(wb: Workbook) -> None:
    ws = wb["II. Cá nhân"]
    assert ws["A8"].value == "II. CÁ NHÂN"
    assert [ws.cell(row=9, column=c).value for c in (1, 2, 3)] == ["STT", "Họ và tên", "Năm sinh"]
    assert [ws["C10"].value, ws["D10"].value] == ["Nam", "Nữ"]
    start = column(ws, 1).index("2. Danh hiệu “Lao động tiên tiến” (12)")
    names = column(ws, 2)
    assert (
        names[start + 1 : start + 8]
        == [
            "Hoàng Văn Yên",
            "Ngô Thị Xuân",
            "Nguyễn Văn An",
            "Lê Thị Ăn",
            "Trần Văn Ân",
            "Đỗ Thị Dung",
            "Phạm Văn Đào",
        ]
        or names[start] is None
    )
    stt = column(ws, 1)[start + 1 : start + 13]
    assert stt == list(range(1, 13))


def test_print_setup(wb: Workbook) -> None:
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.print_area
        assert round(ws.page_margins.left * 25.4) == 30
        assert ws.oddHeader.center.text == "&P" and ws.HeaderFooter.differentFirst
        assert not ws.firstHeader.center.text
    assert wb["II. Cá nhân"].print_title_rows == "$9:$10"
    assert wb["I. Tập thể"].print_title_rows == "$9:$9"


def test_fonts_and_text_types(wb: Workbook) -> None:
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                assert cell.font.name == "Times New Roman", cell.coordinate
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", cell.coordinate


def test_totals_and_money(wb: Workbook) -> None:
    ws = wb["Tổng hợp"]
    values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert "Tổng số: 03 tập thể, 12 cá nhân." in values
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    ldtt = next(r for r in rows if r[1] == "Lao động tiên tiến")
    assert ldtt[2:5] == [12, 710000, 8520000]
    total = next(r for r in rows if r[0] == "Tổng cộng")
    assert total[4] == 10860000
    money_cell = next(c for row in ws.iter_rows() for c in row if c.value == 8520000)
    assert money_cell.number_format == "#,##0"
    assert "Lê A" in values and "THỦ TRƯỞNG CƠ QUAN" in values


def test_no_formulas_hostile_text_is_text() -> None:
    data = render_xlsx(build_nominations(hostile()), Letterhead())
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml and "<f " not in xml
    wb = load_workbook(io.BytesIO(data))
    cells = {c.value: c for ws in wb.worksheets for row in ws.iter_rows() for c in row}
    assert cells[HOSTILE].data_type == "s"
    assert cells[HOSTILE].quotePrefix
    assert "Nguyễn\ufffd Văn\ufffd An" in cells
    assert cells["@SUM(A1:A9)"].data_type == "s"
    assert cells["-5 điểm trừ"].quotePrefix
    assert 1 in cells and isinstance(cells[1].value, int)  # numbers stay numbers (STT)


def test_file_properties_name_the_source(wb: Workbook) -> None:
    assert wb.properties.creator == "Sở Nội vụ tỉnh Hưng Yên"
    assert wb.properties.title == "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2025"
    assert wb.properties.description.startswith("emulate 0.1.0; kết quả SHA-256 ")

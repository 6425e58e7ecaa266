"""`write_template`: the blank report workbook (DESIGN §7)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from openpyxl import load_workbook

from emulate.diagnostics import EmulateError
from emulate.intake.layout import LISTS_SHEET, STAMP_SHEET
from emulate.intake.template import FIRST_DATA_ROW, HEADER_ROW, rules_digest, write_template
from tests.intake_support import make_rules


@pytest.fixture
def workbook(tmp_path: Path):  # type: ignore[no-untyped-def]
    rules = make_rules()
    path = write_template(rules, tmp_path / "mau.xlsx", source="thu.yaml")
    return rules, load_workbook(path)


def test_sheets_and_visibility(workbook) -> None:  # type: ignore[no-untyped-def]
    _, wb = workbook
    assert wb.sheetnames == ["Đơn vị", "Cá nhân", "Lịch sử", "Hướng dẫn", LISTS_SHEET, STAMP_SHEET]
    states = {ws.title: ws.sheet_state for ws in wb.worksheets}
    assert states[LISTS_SHEET] == "hidden" and states[STAMP_SHEET] == "veryHidden"
    assert states["Cá nhân"] == "visible"


def test_headers_title_block_and_frozen_panes(workbook) -> None:  # type: ignore[no-untyped-def]
    _, wb = workbook
    ws = wb["Đơn vị"]
    assert ws["A1"].value == "DANH SÁCH ĐƠN VỊ (TẬP THỂ) NĂM 2025"
    headers = [c.value for c in ws[HEADER_ROW]]
    assert headers == [
        "Mã đơn vị *", "Tên đơn vị *", "Xếp loại", "Cụm, khối thi đua *", "Nội bộ đoàn kết",
        "1. Hoàn thành chỉ tiêu kế hoạch (tối đa 30) *", "2. Tiến độ giải ngân (tối đa 20) *",
        "3. Chuyển đổi số (tối đa 20) *", "Điểm thưởng", "Điểm trừ",
    ]  # fmt: skip
    assert ws.freeze_panes == f"A{FIRST_DATA_ROW}"
    assert all(8 <= ws.column_dimensions[c].width <= 40 for c in "ABCDEFGHIJ")
    assert [c.value for c in wb["Lịch sử"][HEADER_ROW]] == [
        "Mã *",
        "Năm *",
        "Xếp loại",
        "Danh hiệu",
    ]


def test_dropdowns_and_ranges(workbook) -> None:  # type: ignore[no-untyped-def]
    _, wb = workbook
    ws = wb["Cá nhân"]
    by_range = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    level = by_range[f"D{FIRST_DATA_ROW}:D{FIRST_DATA_ROW + 1999}"]
    assert level.type == "list" and level.formula1.startswith(f"='{LISTS_SHEET}'!$")
    col = level.formula1.split("!$")[1][0]
    lists = wb[LISTS_SHEET]
    assert [lists[f"{col}{r}"].value for r in range(1, 5)] == ["HTXS", "HTT", "HT", "KHT"]
    months = by_range[f"F{FIRST_DATA_ROW}:F{FIRST_DATA_ROW + 1999}"]
    assert (months.type, months.operator, months.formula1, months.formula2) == (
        "decimal",
        "between",
        "0",
        "12",
    )
    movement = by_range[f"I{FIRST_DATA_ROW}:I{FIRST_DATA_ROW + 1999}"]
    assert movement.formula1 == '"Có,Không"'
    initiatives = by_range[f"G{FIRST_DATA_ROW}:G{FIRST_DATA_ROW + 1999}"]
    assert (initiatives.type, initiatives.operator) == ("whole", "greaterThanOrEqual")
    assert ws.column_dimensions["A"].number_format == "@"  # ids keep their leading zeros


def test_stamp_and_instructions(workbook) -> None:  # type: ignore[no-untyped-def]
    rules, wb = workbook
    stamp = {r[0].value: r[1].value for r in wb[STAMP_SHEET].iter_rows()}
    assert stamp["name"] == "Bộ thử" and stamp["year"] == 2025
    assert stamp["sha256"] == rules_digest(rules) and stamp["source"] == "thu.yaml"
    text = " ".join(str(c.value) for row in wb["Hướng dẫn"].iter_rows() for c in row if c.value)
    assert "Số tháng công tác trong năm" in text and "HTXS (Hoàn thành xuất sắc nhiệm vụ)" in text


def test_refuses_other_extensions(tmp_path: Path) -> None:
    with pytest.raises(EmulateError) as info:
        write_template(make_rules(), tmp_path / "mau.xls")
    assert (
        info.value.diagnostics[0].message_vi
        == f"Tên file mẫu {tmp_path / 'mau.xls'} phải có đuôi .xlsx."
    )


def test_never_over_its_input(tmp_path: Path) -> None:
    target = tmp_path / "rules.xlsx"
    target.write_bytes(b"x")
    with pytest.raises(EmulateError) as info:
        write_template(make_rules(), target, source=str(target))
    assert info.value.diagnostics[0].code == "output.is_input"
    assert target.read_bytes() == b"x"


def test_file_open_in_excel_message_and_no_leftovers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(src: str, dst: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", locked)
    target = tmp_path / "mau.xlsx"
    with pytest.raises(EmulateError) as info:
        write_template(make_rules(), target)
    assert info.value.diagnostics[0].message_vi == (
        f"Không ghi được {target}: file đang mở (thường là trong Excel); hãy đóng file rồi "
        "chạy lại."
    )
    assert list(tmp_path.iterdir()) == []


def test_blank_template_reads_without_errors(tmp_path: Path) -> None:
    from emulate.intake.read import read_reports

    rules = make_rules()
    path = write_template(rules, tmp_path / "mau.xlsx")
    intake = read_reports([path], rules)
    assert not intake.has_errors
    assert {d.code for d in intake.diagnostics} == {"table.empty"}

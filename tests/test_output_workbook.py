"""The results workbook read back with openpyxl: sheets, headers, values, formats, panes,
filters, the chart, no formulas, hostile text inert, the hidden canonical JSON."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from emulate.output.resultjson import (
    dumps_canonical,
    load_result,
    result_to_document,
    sha256_hex,
)
from emulate.output.workbook import write_results_workbook
from tests.output_factory import HOSTILE, make_result

NOW = dt.datetime(2025, 12, 31, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
VI = ["Tổng hợp", "Đơn vị", "Cá nhân", "Đề nghị", "Giải trình", "Cảnh báo", "Nhật ký", "_emulate"]
EN = ["Summary", "Units", "People", "Nominations", "Explanations", "Warnings", "Log", "_emulate"]


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    path = tmp_path_factory.mktemp("wb") / "ket-qua.xlsx"
    write_results_workbook(make_result(), path, now=NOW)
    return load_workbook(path)


def _rows(ws):
    return [list(r) for r in ws.iter_rows(values_only=True)]


def _header(ws):
    return [c.value for c in ws[1]]


def test_sheets(book):
    assert book.sheetnames == VI
    assert [ws.sheet_state for ws in book] == ["visible"] * 7 + ["hidden"]


def test_english_sheet_names(tmp_path):
    path = tmp_path / "results.xlsx"
    write_results_workbook(make_result(lang="en"), path, lang="en", now=NOW)
    wb = load_workbook(path)
    assert wb.sheetnames == EN
    assert _header(wb["Units"])[:2] == ["Unit ID", "Unit name"]
    assert wb["Summary"]["D2"].value == "Unit"


def test_summary(book):
    ws = book["Tổng hợp"]
    assert _header(ws) == [
        "Mã", "Danh hiệu, hình thức khen thưởng", "Loại", "Đối tượng", "Đủ điều kiện",
        "Đề nghị", "Bằng điểm (Hội đồng quyết định)", "Ngoài chỉ tiêu",
        "Đã có hình thức cao hơn", "Số suất", "Suất đã dùng", "Tiền thưởng (đồng)",
    ]  # fmt: skip
    rows = _rows(ws)
    assert rows[4] == ["CSTDCS", "Chiến sĩ thi đua cơ sở", "Danh hiệu thi đua", "Cá nhân",
                       4, 2, 2, 0, 0, 3, 2, 4680000]  # fmt: skip
    assert rows[6][0] == "Tổng cộng" and rows[6][-1] == 6810000
    assert ws["L5"].number_format == "#,##0"
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:L6"
    # the chart's data: units by cluster then rank, points in their cluster's column
    assert rows[8][:3] == ["Đơn vị", "Khối 1", "Khối 2"]
    assert rows[9][:3] == ["Văn phòng Sở", 92.5, None]
    assert rows[11][:3] == ["Thanh tra Sở", None, 84.75]
    assert ws["B10"].number_format == "0.00"
    (chart,) = ws._charts
    assert chart.tagname == "barChart" and len(chart.series) == 2


def test_many_units_chart_each_cluster_leader(tmp_path, monkeypatch):
    from emulate.output import workbook

    monkeypatch.setattr(workbook, "CHART_UNITS", 3)  # the example has 4 units
    path = tmp_path / "ket-qua.xlsx"
    write_results_workbook(make_result(), path, now=NOW)
    ws = load_workbook(path)["Tổng hợp"]
    rows = _rows(ws)
    assert rows[8][:3] == ["Cụm, khối", "Điểm đơn vị dẫn đầu", None]
    assert rows[9:11] == [["Khối 1", 92.5, *[None] * 10], ["Khối 2", 84.75, *[None] * 10]]
    (chart,) = ws._charts
    assert len(chart.series) == 1


def test_units(book):
    ws = book["Đơn vị"]
    assert _header(ws) == [
        "Mã đơn vị", "Tên đơn vị", "Cụm, khối thi đua", "Nội bộ đoàn kết",
        "I. Thực hiện nhiệm vụ chuyên môn", "II. Cải cách hành chính, chuyển đổi số",
        "Điểm thưởng", "Điểm trừ", "Tổng điểm", "Hạng trong cụm", "Xếp loại",
        "Danh hiệu, khen thưởng được đề nghị",
    ]  # fmt: skip
    assert _rows(ws)[3] == [
        "P03", "Thanh tra Sở", "Khối 2", "Có", 42, 43.25, 0, 0.5, 84.75, 1, "HTXS",
        "Tập thể lao động xuất sắc; Cờ thi đua của Ủy ban nhân dân tỉnh",
    ]  # fmt: skip
    assert ws["I2"].number_format == "0.00"
    assert ws.freeze_panes == "C2" and ws.auto_filter.ref == "A1:L5"
    assert ws.column_dimensions["B"].width >= len("Trung tâm Công nghệ thông tin")


def test_people(book):
    ws = book["Cá nhân"]
    assert _header(ws) == [
        "Mã cán bộ", "Họ và tên", "Mã đơn vị", "Tên đơn vị", "Xếp loại", "Giới tính",
        "Số sáng kiến được công nhận", "Danh hiệu, khen thưởng được đề nghị",
    ]  # fmt: skip
    rows = _rows(ws)
    # in unit order, then Vietnamese name order (given name first): Bình before Hòa
    assert [r[0] for r in rows[1:]] == ["CB002", "CB001", "CB003", "CB004", "CB005", "CB006"]
    assert rows[2][:7] == ["CB001", "Nguyễn Thị Hòa", "P01", "Văn phòng Sở", "HTXS", "Nữ", 1]
    assert rows[6][1] == "Đỗ Minh Đức"  # the control character is gone


def test_nominations_in_official_order(book):
    ws = book["Đề nghị"]
    assert _header(ws) == [
        "STT", "Đối tượng", "Danh hiệu, hình thức khen thưởng", "Mã", "Tên", "Đơn vị / Cụm",
        "Trạng thái", "Thành tích", "Căn cứ", "Tiền thưởng (đồng)",
    ]  # fmt: skip
    rows = _rows(ws)[1:]
    assert [(r[2][:12], r[3]) for r in rows] == [
        ("Tập thể lao ", "P02"), ("Tập thể lao ", "P01"), ("Tập thể lao ", "P03"),
        ("Cờ thi đua c", "P01"), ("Cờ thi đua c", "P03"),
        ("Bằng khen củ", "P02"),
        ("Chiến sĩ thi", "CB001"), ("Chiến sĩ thi", "CB003"), ("Chiến sĩ thi", "CB004"),
        ("Chiến sĩ thi", "CB006"),
        ("Lao động tiê", "CB002"), ("Lao động tiê", "CB001"), ("Lao động tiê", "CB003"),
        ("Lao động tiê", "CB004"), ("Lao động tiê", "CB006"),
    ]  # fmt: skip
    assert [r[0] for r in rows] == list(range(1, 16))
    tie = rows[7]
    assert tie[6] == "Bằng điểm, Hội đồng quyết định"
    assert tie[8] == "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 23"
    assert ws["J8"].value == 2340000 and ws["J8"].number_format == "#,##0"


def test_explanations(book):
    ws = book["Giải trình"]
    rows = _rows(ws)
    result = make_result()
    statuses = result.decisions["status"]
    assert len(rows) == 1 + 18 == 1 + int((statuses != "ineligible").sum())
    assert "Không đủ điều kiện" not in [r[4] for r in rows]
    log = {r[0]: r[1] for r in _rows(book["Nhật ký"])}
    assert log["Giải trình"].startswith("Các quyết định đủ điều kiện (đề nghị, bằng điểm,")
    tie = next(r for r in rows if r[1] == "CB003" and r[3] == "Chiến sĩ thi đua cơ sở")
    assert tie[4:8] == ["Bằng điểm, Hội đồng quyết định", 1, 1, "P02"]
    assert tie[8].split("\n")[0] == "LDTT ✓"
    assert ws.freeze_panes == "D2"


def test_every_decision_explained_on_request(tmp_path):
    path = tmp_path / "ket-qua.xlsx"
    write_results_workbook(make_result(), path, now=NOW, every_decision=True)
    book = load_workbook(path)
    rows = _rows(book["Giải trình"])
    assert len(rows) == 1 + 24
    assert [r[4] for r in rows].count("Không đủ điều kiện") == 6
    log = {r[0]: r[1] for r in _rows(book["Nhật ký"])}
    assert log["Giải trình"] == "Mọi quyết định, kể cả không đủ điều kiện"


def test_diagnostics_and_log(book):
    assert _rows(book["Cảnh báo"])[1] == [
        "Cảnh báo", "name-near-match", "bao-cao-p01.xlsx!Cá nhân!B9", "Tên gần giống CB004",
    ]  # fmt: skip
    log = {r[0]: r[1:] for r in _rows(book["Nhật ký"])}
    sha = sha256_hex(dumps_canonical(result_to_document(make_result())))
    assert log["Kết quả (JSON chuẩn)"] == [None, sha]
    assert log["Thời điểm tạo"][0] == "2025-12-31T09:30:00+07:00"
    assert log["Bộ tiêu chí"] == ["Tiêu chuẩn thi đua thử nghiệm", "ab" * 32]
    assert log["Tùy chọn"][0] == '{"keep_going": false}'


def test_no_formula_anywhere_and_hostile_text_is_inert(tmp_path):
    path = tmp_path / "ket-qua.xlsx"
    write_results_workbook(make_result(), path, now=NOW, every_decision=True)
    book = load_workbook(path)
    hostile = []
    for ws in book:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate}"
                if cell.value == HOSTILE:
                    hostile.append(cell)
    assert len(hostile) >= 3  # people, explanations (twice)
    assert all(c.data_type == "s" for c in hostile)


def test_text_that_looks_like_an_error_code_stays_text(tmp_path):
    result = make_result()
    result.units.loc[result.units["id"] == "P04", "name"] = "#N/A"
    path = tmp_path / "r.xlsx"
    write_results_workbook(result, path, now=NOW)
    ws = load_workbook(path)["Đơn vị"]
    cell = next(c for c in ws["B"] if c.value == "#N/A")
    assert cell.data_type == "s"


def test_text_shaped_like_markup_or_an_escape_stays_text(tmp_path):
    result = make_result()
    result.people.loc[result.people["id"] == "CB001", "name"] = "<r>Hòa</r>"
    result.people.loc[result.people["id"] == "CB002", "name"] = "Bình _x0041_"
    path = tmp_path / "r.xlsx"
    write_results_workbook(result, path, now=NOW)
    assert "<r>Hòa</r>" in [c.value for c in load_workbook(path)["Cá nhân"]["B"]]
    assert load_result(path) == result_to_document(result)  # the hidden JSON, whole


def test_never_over_an_input(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bao-cao-p01.xlsx").write_bytes(b"report")
    from emulate.diagnostics import EmulateError

    with pytest.raises(EmulateError):
        write_results_workbook(make_result(), "bao-cao-p01.xlsx")
    assert (tmp_path / "bao-cao-p01.xlsx").read_bytes() == b"report"


def test_long_tables_continue_on_numbered_sheets(tmp_path, monkeypatch, book):
    """Past Excel's row limit a table goes on in "<name> (2)"…, each with its header, the
    rows in the same order; rows are made a slice at a time (chunks smaller than a sheet)."""
    from emulate.output import sheetxml, workbook

    monkeypatch.setattr(workbook, "MAX_ROWS", 3)  # two rows a sheet under the header
    monkeypatch.setattr(sheetxml, "ROWS_PER_CHUNK", 1)
    path = tmp_path / "dai.xlsx"
    write_results_workbook(make_result(), path, now=NOW)
    split = load_workbook(path)
    whole = _rows(book["Cá nhân"])
    parts = ["Cá nhân", "Cá nhân (2)", "Cá nhân (3)"]
    assert [name for name in split.sheetnames if name.startswith("Cá nhân")] == parts
    for name in parts:
        assert _rows(split[name])[0] == whole[0]
    assert [r for name in parts for r in _rows(split[name])[1:]] == whole[1:]
    assert split["Đề nghị (2)"]["A2"].value == 3  # numbering goes on across sheets


def test_canonical_json_waited_for_only_after_the_big_sheets(tmp_path, monkeypatch):
    """The JSON may still be being written by another process: the workbook asks for it
    once, when the log and hidden sheets are reached, after every other sheet's rows."""
    import emulate.output.sheetxml as sheetxml
    from emulate.output.canonical import write_canonical

    result = make_result()
    rendered: list[int] = []
    asked: list[int] = []
    rows = sheetxml._rows
    monkeypatch.setattr(sheetxml, "_rows", lambda *a: rendered.append(1) or rows(*a))

    def canonical():
        asked.append(len(rendered))
        return write_canonical(result)

    path = tmp_path / "ket-qua.xlsx"
    write_results_workbook(result, path, canonical=canonical, now=NOW)
    # rows rendered for the units, people, nominations, explanations and warnings sheets
    # before it was asked for; then the log's and the hidden sheet's
    assert asked == [5]
    assert len(rendered) == 7
    log = {r[0]: r[1:] for r in _rows(load_workbook(path)["Nhật ký"])}
    assert log["Kết quả (JSON chuẩn)"] == [None, write_canonical(result).sha256]

# ruff: noqa: E501  (exact messages are long lines)
"""One fixture per bad input of the catalogue (inputs-and-reliability.md §2 A–D), built by
code, each with its exact Vietnamese message and place."""

from __future__ import annotations

import datetime as dt
import shutil
import unicodedata
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from tests.intake_support import (
    PEOPLE_HEAD,
    UNIT_ROW,
    UNITS_HEAD,
    book,
    patch,
    read,
    rendered,
    simple,
)

P = ["CB01", "Nguyễn Văn An", "P01", "HTT", "Nam"]
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SAVE_AS = (
    "hãy mở file bằng Excel, chọn Lưu thành (Save As) kiểu Excel Workbook (*.xlsx) rồi gửi lại."
)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # relative file names make the messages exact


def people(name: str, rows: list[list], extra: tuple[str, ...] = (), **kw) -> object:
    return read(simple(name, sheets={"Cá nhân": [PEOPLE_HEAD + list(extra), *rows]}, **kw))


def only(intake, code: str) -> str:  # type: ignore[no-untyped-def]
    found = rendered(intake, code)
    assert len(found) == 1, (code, [d.render() for d in intake.diagnostics])
    return found[0]


# ------------------------------------------------------------------------- A. file level


def test_a1_old_xls() -> None:
    Path("cu.xls").write_bytes(OLE2 + b"\0" * 600)
    assert only(read("cu.xls"), "file.xls") == (
        f"cu.xls: File cu.xls là định dạng Excel cũ (.xls); {SAVE_AS}"
    )


def test_a2_xlsm_warns_macros_not_run() -> None:
    simple("macro.xlsm")
    with zipfile.ZipFile("macro.xlsm", "a") as z:
        z.writestr("xl/vbaProject.bin", b"vba")
    intake = read("macro.xlsm")
    assert only(intake, "file.macro") == (
        "macro.xlsm: File macro.xlsm có macro (.xlsm); macro không được chạy, chỉ dữ liệu được đọc."
    )
    assert not intake.has_errors and list(intake.people["id"]) == ["CB01"]


def test_a3_html_saved_as_xls() -> None:
    Path("web.xls").write_text("<html><body><table><tr><td>Mã</td></tr></table></body></html>")
    assert only(read("web.xls"), "file.html") == (
        "web.xls: File web.xls thực chất là trang HTML (thường do phần mềm trên web xuất ra), "
        f"không phải file Excel; {SAVE_AS}"
    )


def test_a4_csv_renamed() -> None:
    Path("csv.xlsx").write_text("Mã cán bộ,Họ và tên\nCB01,An\n", encoding="utf-8")
    assert only(read("csv.xlsx"), "file.text") == (
        "csv.xlsx: File csv.xlsx là file văn bản (CSV/TXT) bị đổi tên, không phải file Excel; "
        "hãy mở bằng Excel rồi Lưu thành (Save As) kiểu Excel Workbook (*.xlsx)."
    )


def test_a4_empty_file() -> None:
    Path("rong.xlsx").write_bytes(b"")
    assert only(read("rong.xlsx"), "file.empty") == (
        "rong.xlsx: File rong.xlsx rỗng (0 byte); hãy đề nghị đơn vị gửi lại báo cáo."
    )


def test_a5_lock_file_named() -> None:
    simple("~$bao-cao.xlsx")
    assert only(read("~$bao-cao.xlsx"), "file.lock") == (
        "~$bao-cao.xlsx: ~$bao-cao.xlsx là file khóa tạm của Excel (tên bắt đầu bằng ~$), không "
        "phải báo cáo; hãy đóng Excel rồi chọn file báo cáo thật."
    )


def test_a5_lock_file_in_folder_skipped() -> None:
    Path("dir").mkdir()
    simple("dir/a.xlsx")
    simple("dir/~$a.xlsx")
    intake = read("dir")
    assert only(intake, "input.lock_skipped") == (
        "dir/~$a.xlsx: Bỏ qua dir/~$a.xlsx: file khóa tạm của Excel."
    )
    assert not intake.has_errors and len(intake.people) == 1


def test_a6_password_protected() -> None:
    Path("mk.xlsx").write_bytes(OLE2 + b"\0" * 100 + "EncryptedPackage".encode("utf-16-le"))
    assert only(read("mk.xlsx"), "file.encrypted") == (
        "mk.xlsx: File mk.xlsx có đặt mật khẩu; hãy mở bằng Excel, gỡ mật khẩu (File › Info › "
        "Protect Workbook › Encrypt with Password, xóa mật khẩu), lưu lại rồi gửi lại. emulate "
        "không bao giờ hỏi hay lưu mật khẩu."
    )


def test_a7_truncated_zip() -> None:
    simple("full.xlsx")
    Path("cut.xlsx").write_bytes(Path("full.xlsx").read_bytes()[:3000])
    assert only(read("cut.xlsx"), "file.corrupt") == (
        "cut.xlsx: File cut.xlsx bị hỏng hoặc chưa tải về hết (File is not a zip file); hãy đề "
        "nghị đơn vị gửi lại."
    )


def test_a8_zip_bomb_refused_before_inflating() -> None:
    with zipfile.ZipFile("bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<x/>")
        z.writestr("xl/workbook.xml", "<x/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (5 * 1024 * 1024))
    info = zipfile.ZipFile("bomb.xlsx").getinfo("xl/worksheets/sheet1.xml")
    ratio = info.file_size // info.compress_size
    assert only(read("bomb.xlsx"), "file.bomb") == (
        f"bomb.xlsx: File bomb.xlsx có cấu trúc bất thường (xl/worksheets/sheet1.xml nén {ratio} "
        "lần) và bị từ chối để bảo vệ máy; hãy mở bằng Excel, lưu lại thành file mới rồi gửi lại."
    )


def test_a10_ods_refused() -> None:
    with zipfile.ZipFile("x.ods", "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    assert only(read("x.ods"), "file.ods") == (
        "x.ods: File x.ods là bảng tính OpenDocument (.ods); hãy mở bằng LibreOffice hoặc Excel "
        "rồi lưu thành kiểu Excel 2007-365 (.xlsx)."
    )


def test_missing_file() -> None:
    assert only(read("khong-co.xlsx"), "file.missing") == (
        "khong-co.xlsx: Không tìm thấy file khong-co.xlsx; hãy kiểm tra lại đường dẫn."
    )


def test_a12_same_file_twice() -> None:
    simple("full.xlsx")
    shutil.copy("full.xlsx", "copy.xlsx")
    intake = read("full.xlsx", "copy.xlsx")
    assert only(intake, "input.same_file") == (
        "copy.xlsx: copy.xlsx giống hệt full.xlsx (cùng nội dung): một báo cáo được đưa vào hai "
        "lần; hãy bỏ một file."
    )
    assert len(intake.people) == 1  # read once
    assert [i.path for i in intake.inputs] == ["full.xlsx"]


def test_a13_our_own_results_workbook_refused() -> None:
    book(
        "ket-qua.xlsx",
        {
            "Tổng hợp": [["x"]],
            "Cá nhân": [PEOPLE_HEAD, P],
            "Giải trình": [["x"]],
            "Nhật ký": [["x"]],
        },
    )
    intake = read("ket-qua.xlsx")
    assert only(intake, "input.own_output") == (
        "ket-qua.xlsx: ket-qua.xlsx là file kết quả do emulate ghi ra (có sheet “Nhật ký” và “Giải "
        "trình”), không phải báo cáo của đơn vị; hãy bỏ file này khỏi danh sách hoặc thư mục báo cáo."
    )
    assert len(intake.people) == 0


def test_inputs_are_hashed() -> None:
    import hashlib

    simple("a.xlsx")
    intake = read("a.xlsx")
    assert intake.inputs[0].sha256 == hashlib.sha256(Path("a.xlsx").read_bytes()).hexdigest()


# -------------------------------------------------------------------- B. sheet and layout


def test_b1_title_rows_above_the_table() -> None:
    intake = read(
        book(
            "b1.xlsx",
            {
                "Đơn vị": [["UBND TỈNH X"], ["BẢNG TỔNG HỢP"], [], UNITS_HEAD, UNIT_ROW],
                "Cá nhân": [["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"], [], PEOPLE_HEAD, P],
            },
            merges={"Đơn vị": ["A1:F1"]},
        )
    )
    assert not intake.has_errors
    assert intake.people[["id", "_row"]].to_dict("records") == [{"id": "CB01", "_row": 4}]
    assert intake.columns[("b1.xlsx", "Cá nhân")]["gender"] == "E"


def test_b2_merged_two_level_header() -> None:
    intake = read(
        book(
            "b2.xlsx",
            {
                "Đơn vị": [
                    ["STT", "Mã đơn vị", "Tên đơn vị", "Cụm, khối thi đua", "Điểm chấm"],
                    [None] * 4 + ["1. Hoàn thành chỉ tiêu kế hoạch (tối đa 30)", "2. Tiến độ giải ngân", "3. Chuyển đổi số"],
                    [1, "P01", "Phòng A", "Cụm 1", 28, "17,5", 15],
                ],
                "Cá nhân": [PEOPLE_HEAD, P],
            },
            merges={"Đơn vị": ["A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:G1"]},
        )
    )  # fmt: skip
    assert not intake.has_errors
    row = intake.units.iloc[0]
    assert (row["id"], row["item:1"], row["item:2"], row["_row"]) == ("P01", 28, Decimal("17.5"), 3)


def test_b3_merged_data_cells_filled_within_the_range_only() -> None:
    rows = [
        P,
        ["CB02", "Trần Thị Bình", None, "HTT", "Nữ"],
        ["CB03", "Lê Văn C", None, "HTT", "Nam"],
    ]
    intake = read(
        simple("b3.xlsx", sheets={"Cá nhân": [PEOPLE_HEAD, *rows]}, merges={"Cá nhân": ["C2:C3"]})
    )
    assert list(intake.people["unit"]) == ["P01", "P01", None]
    assert only(intake, "cell.required") == (
        "b3.xlsx!Cá nhân!C4: Ô C4 (cột “Mã đơn vị”) đang trống nhưng bắt buộc phải có; hãy nhập giá trị."
    )


def test_b4_total_row_skipped() -> None:
    intake = people("b4.xlsx", [P, ["Tổng cộng", None, None, None, None]])
    assert only(intake, "table.total_row") == (
        "b4.xlsx!Cá nhân!A3: Dòng 3 là dòng tổng (“Tổng cộng”), không phải dữ liệu: đã bỏ qua."
    )
    assert len(intake.people) == 1 and not intake.has_errors


def test_b5_data_resumes_after_an_empty_row() -> None:
    intake = people("b5.xlsx", [P, [], ["CB03", "Lê Văn Cường", "P01", "HTT", "Nam"]])
    assert only(intake, "table.data_after_gap") == (
        "b5.xlsx!Cá nhân!A4: Bảng dừng ở dòng trống 3 nhưng dòng 4 lại có dữ liệu; hãy xóa dòng "
        "trống (nếu là cùng bảng) hoặc chuyển dữ liệu thừa sang sheet khác."
    )


def test_b5_signature_block_below_the_table_is_a_note() -> None:
    intake = people("b5b.xlsx", [P, [], ["Người lập biểu", None, None, "Thủ trưởng đơn vị"]])
    assert only(intake, "table.after_table") == (
        "b5b.xlsx!Cá nhân!A4: Nội dung bên dưới bảng (từ dòng 4, ví dụ “Người lập biểu”) không "
        "phải dữ liệu: đã bỏ qua."
    )
    assert not intake.has_errors


def test_b6_hidden_rows_and_sheets_reported() -> None:
    rows = [P, ["CB02", "Trần Thị Bình", "P01", "HTT", "Nữ"]]
    intake = people("b6.xlsx", rows, hidden_rows={"Cá nhân": [3]}, hidden_sheets=("Đơn vị",))
    assert only(intake, "sheet.hidden") == (
        "b6.xlsx!Đơn vị: Sheet “Đơn vị” đang bị ẩn nhưng vẫn được đọc; hãy bỏ ẩn để kiểm tra."
    )
    assert only(intake, "table.hidden_rows") == (
        "b6.xlsx!Cá nhân!A3: Các dòng đang bị ẩn: 3; dữ liệu của chúng vẫn được đọc. Hãy bỏ ẩn "
        "(Unhide) để kiểm tra, xóa các dòng không thuộc báo cáo."
    )
    assert len(intake.people) == 2


def test_b7_no_expected_sheet() -> None:
    intake = read(book("b7.xlsx", {"Sheet1": [PEOPLE_HEAD, P]}))
    assert only(intake, "sheet.none") == (
        "b7.xlsx: File b7.xlsx không có sheet nào cần đọc (“Đơn vị”, “Cá nhân”, “Lịch sử”); các "
        "sheet có trong file: “Sheet1”. Hãy dùng mẫu của `emulate template` hoặc đổi tên sheet."
    )


def test_b8_duplicate_headers_name_both_letters() -> None:
    intake = people("b8.xlsx", [[*P, "x"]], extra=("Ho va ten",))
    assert only(intake, "table.duplicate_column") == (
        "b8.xlsx!Cá nhân!F1: Cột B và cột F cùng là “Ho va ten”; hãy xóa hoặc đổi tên một cột."
    )


def test_b9_missing_required_column_lists_closest() -> None:
    head = ["Mã cán bộ", "Họ tên", "Đơn vị", "Xếp loại", "Giới tính"]
    intake = read(simple("b9.xlsx", sheets={"Cá nhân": [head, P]}))
    assert only(intake, "table.missing_column") == (
        "b9.xlsx!Cá nhân!A1: Thiếu cột bắt buộc “Mã đơn vị” (dòng tiêu đề 1); các cột gần giống "
        "tìm thấy: “Đơn vị” (C). Hãy thêm cột hoặc sửa tên cột cho đúng."
    )


def test_b9_any_order_case_diacritics_aliases() -> None:
    head = ["GIỚI TÍNH", "xep loai", "Mã CB", "Ho ten", "Mã đơn vị (*)"]
    intake = read(
        simple(
            "b9b.xlsx", sheets={"Cá nhân": [head, ["Nữ", "HTXS", "CB09", "Phan Thị Yến", "P01"]]}
        )
    )
    assert not intake.has_errors
    assert intake.people[["id", "name", "unit", "level", "gender"]].to_dict("records") == [
        {"id": "CB09", "name": "Phan Thị Yến", "unit": "P01", "level": "HTXS", "gender": "female"}
    ]
    assert intake.columns[("b9b.xlsx", "Cá nhân")]["id"] == "C"


def test_no_header_row() -> None:
    intake = read(simple("nh.xlsx", sheets={"Cá nhân": [["a", "b"], [1, 2]]}))
    assert only(intake, "table.no_header") == (
        "nh.xlsx!Cá nhân!A1: Không tìm thấy dòng tiêu đề của bảng trong 30 dòng đầu; cần các cột: "
        "“Mã cán bộ”, “Họ và tên”, “Mã đơn vị”, “Xếp loại”, “Giới tính”. Hãy dùng mẫu của "
        "`emulate template` hoặc sửa tên cột."
    )


def test_column_number_row_skipped() -> None:
    intake = people("cn.xlsx", [["(1)", "(2)", "(3)", "(4)", "(5)"], P])
    assert only(intake, "table.column_numbers") == (
        "cn.xlsx!Cá nhân!A2: Dòng 2 là dòng đánh số cột, đã bỏ qua."
    )
    assert list(intake.people["_row"]) == [3]


# ---------------------------------------------------------------------------- C. cells

MONTHS = ("Số tháng công tác trong năm",)


def test_c1_formula_without_cached_value() -> None:
    intake = people("c1.xlsx", [[*P, "=6+6"]], MONTHS)
    assert only(intake, "cell.formula_no_value") == (
        "c1.xlsx!Cá nhân!F2: Ô F2 (cột “Số tháng công tác trong năm”) chứa công thức =6+6 nhưng "
        "chưa có giá trị tính sẵn; hãy mở file bằng Excel rồi Lưu lại (hoặc nhập giá trị thay cho "
        "công thức)."
    )
    assert intake.people["months"].iloc[0] is None  # never a blank that becomes the default


def test_c3_excel_error_value() -> None:
    intake = people("c3.xlsx", [[*P, None]], MONTHS, errors={"Cá nhân": {"F2": "#DIV/0!"}})
    assert only(intake, "cell.excel_error") == (
        "c3.xlsx!Cá nhân!F2: Ô F2 (cột “Số tháng công tác trong năm”) có lỗi Excel #DIV/0!; hãy "
        "sửa công thức hoặc nhập giá trị đúng."
    )
    assert intake.people["months"].iloc[0] is None


def test_c4_numbers_stored_as_text() -> None:
    intake = people("c4.xlsx", [[*P, " 9 "], ["CB02", "Bình", "P01", "HTT", "Nam", "9.0"]], MONTHS)
    assert only(intake, "note.text_number") == (
        "c4.xlsx!Cá nhân!F2: Số lưu dạng văn bản ở cột “Số tháng công tác trong năm” tại F2, F3: "
        "đã đọc như số."
    )
    assert list(intake.people["months"]) == [Decimal(9), Decimal(9)]


def test_c5_decimal_comma_and_ambiguous_separators() -> None:
    rows = [
        [*P, "8,5"],
        ["CB02", "Bình", "P01", "HTT", "Nam", "1.234,5"],
        ["CB03", "Cúc", "P01", "HTT", "Nữ", "tám"],
    ]
    intake = people("c5.xlsx", rows, MONTHS)
    assert only(intake, "note.decimal_comma") == (
        "c5.xlsx!Cá nhân!F2: Dấu phẩy thập phân ở cột “Số tháng công tác trong năm” tại F2 (ví dụ "
        "“8,5”): đã đọc như dấu chấm thập phân."
    )
    assert only(intake, "cell.ambiguous_number") == (
        "c5.xlsx!Cá nhân!F3: Ô F3 (cột “Số tháng công tác trong năm”) = “1.234,5” không rõ dấu "
        "chấm/phẩy là phần thập phân hay phân cách hàng nghìn; hãy nhập lại dưới dạng số trong Excel."
    )
    assert only(intake, "cell.not_number") == (
        "c5.xlsx!Cá nhân!F4: Ô F4 (cột “Số tháng công tác trong năm”) = “tám” không phải số; hãy "
        "nhập số (ví dụ 8,5 hoặc 8.5)."
    )
    assert intake.people["months"].iloc[0] == Decimal("8.5")


def test_c5_thousands_ambiguity_where_thousands_are_possible() -> None:
    intake = people("c5b.xlsx", [[*P, "1.234"]], ("Số sáng kiến được công nhận",))
    assert rendered(intake, "cell.not_integer") == [
        "c5b.xlsx!Cá nhân!F2: Ô F2 (cột “Số sáng kiến được công nhận”) = “1.234” không phải số "
        "nguyên; hãy nhập số nguyên (ví dụ 2)."
    ]


def test_c6_percentages() -> None:
    rows = [
        [*P, "85%"],
        ["CB02", "B", "P01", "HTT", "Nam", 85],
        ["CB03", "C", "P01", "HTT", "Nữ", 0.9],
    ]
    intake = people("c6.xlsx", rows, ("Tỷ lệ ngày công",))
    assert only(intake, "note.percent_scaled") == (
        "c6.xlsx!Cá nhân!F3: Cột “Tỷ lệ ngày công” tại F3 (ví dụ 85) được hiểu là phần trăm (85%); "
        "hãy kiểm tra."
    )
    assert list(intake.people["attendance"]) == [Decimal("0.85"), Decimal("0.85"), Decimal("0.9")]


def test_c7_dates_day_first_only() -> None:
    rows = [
        [*P, "31/12/2023"],
        ["CB02", "B", "P01", "HTT", "Nam", "12/31/2023"],
        ["CB03", "C", "P01", "HTT", "Nữ", "31/02/2024"],
        ["CB04", "D", "P01", "HTT", "Nữ", dt.date(2024, 1, 5)],
    ]
    intake = people("c7.xlsx", rows, ("Ngày vào ngành",))
    assert only(intake, "cell.month_first") == (
        "c7.xlsx!Cá nhân!F3: Ô F3 (cột “Ngày vào ngành”) = “12/31/2023” có vẻ ghi tháng/ngày/năm "
        "kiểu Mỹ; hãy ghi ngày/tháng/năm (ví dụ 31/12/2025)."
    )
    assert only(intake, "cell.bad_date") == (
        "c7.xlsx!Cá nhân!F4: Ô F4 (cột “Ngày vào ngành”) = “31/02/2024” không phải ngày hợp lệ; "
        "hãy ghi theo dạng ngày/tháng/năm (ví dụ 31/12/2025)."
    )
    assert list(intake.people["joined"]) == [dt.date(2023, 12, 31), None, None, dt.date(2024, 1, 5)]


def test_c9_points_over_the_maximum_are_errors_not_capped() -> None:
    intake = read(
        simple("c9.xlsx", sheets={"Đơn vị": [UNITS_HEAD, ["P01", "Phòng", "Cụm 1", 31, 18, 15]]})
    )
    assert only(intake, "cell.out_of_range") == (
        "c9.xlsx!Đơn vị!D2: Ô D2 (cột “1. Hoàn thành chỉ tiêu kế hoạch (tối đa 30)”) = 31 nằm "
        "ngoài khoảng cho phép 0 – 30; hãy sửa lại (điểm vượt mức tối đa không được tự cắt bớt)."
    )
    assert intake.units["item:1"].iloc[0] is None


def test_c9_negative_where_not_allowed() -> None:
    intake = people("c9b.xlsx", [[*P, -1]], MONTHS)
    assert only(intake, "cell.out_of_range").startswith(
        "c9b.xlsx!Cá nhân!F2: Ô F2 (cột “Số tháng công tác trong năm”) = -1 nằm ngoài khoảng cho phép 0 – 12"
    )


def test_c10_ids_stay_text() -> None:
    rows = [
        [123, "An", "P01", "HTT", "Nam"],
        [1.5, "Bình", "P01", "HTT", "Nam"],
        ["00124", "Cúc", "P01", "HTT", "Nữ"],
    ]
    intake = people("c10.xlsx", rows)
    assert only(intake, "cell.fractional_id") == (
        "c10.xlsx!Cá nhân!A3: Ô A3 (cột “Mã cán bộ”) = 1.5: mã không thể là số thập phân; hãy nhập "
        "mã dưới dạng văn bản (định dạng ô Text)."
    )
    assert only(intake, "note.number_id").startswith(
        "c10.xlsx!Cá nhân!A2: Mã ở cột “Mã cán bộ” tại A2 là ô số"
    )
    assert list(intake.people["id"]) == ["123", None, "00124"]


def test_c10_zero_padding_probable_duplicate() -> None:
    intake = people(
        "c10b.xlsx", [[123, "An", "P01", "HTT", "Nam"], ["00123", "Cúc", "P01", "HTT", "Nữ"]]
    )
    assert only(intake, "id.zero_padding") == (
        "c10b.xlsx!Cá nhân!A3: Mã “00123” ở c10b.xlsx!Cá nhân!A3 và “123” ở c10b.xlsx!Cá nhân!A2 "
        "chỉ khác số 0 ở đầu (có thể Excel đã làm mất số 0); hãy định dạng cột mã là Text và nhập "
        "lại mã đúng."
    )


def test_c12_duplicate_ids_within_a_file() -> None:
    rows = [
        P,
        P,
        ["CB02", "Lê Thị Hoà", "P01", "HTT", "Nữ"],
        ["CB02", "Lê Thị Hòa", "P01", "HTT", "Nữ"],
    ]
    intake = people("c12.xlsx", rows)
    assert rendered(intake, "id.duplicate") == [
        "c12.xlsx!Cá nhân!A3: Mã “CB01” ở c12.xlsx!Cá nhân!A3 trùng với c12.xlsx!Cá nhân!A2; mỗi "
        "cán bộ chỉ được báo cáo một lần, hãy xóa dòng thừa hoặc sửa mã.",
        "c12.xlsx!Cá nhân!A5: Mã “CB02” ở c12.xlsx!Cá nhân!A5 trùng với c12.xlsx!Cá nhân!A4; mỗi "
        "cán bộ chỉ được báo cáo một lần, hãy xóa dòng thừa hoặc sửa mã.",
    ]


def test_c12_duplicate_ids_across_files() -> None:
    simple("x1.xlsx")
    book("x2.xlsx", {"Cá nhân": [PEOPLE_HEAD, P]})
    assert only(read("x1.xlsx", "x2.xlsx"), "id.duplicate") == (
        "x2.xlsx!Cá nhân!A2: Mã “CB01” ở x2.xlsx!Cá nhân!A2 trùng với x1.xlsx!Cá nhân!A2; mỗi cán "
        "bộ chỉ được báo cáo một lần, hãy xóa dòng thừa hoặc sửa mã."
    )


def test_c12_same_id_two_names() -> None:
    rows = [
        ["CB03", "Trần Văn Bảo", "P01", "HTT", "Nam"],
        ["CB03", "Phạm Văn Bảo", "P01", "HTT", "Nam"],
    ]
    assert only(people("c12b.xlsx", rows), "id.two_names") == (
        "c12b.xlsx!Cá nhân!A3: Mã “CB03” ở c12b.xlsx!Cá nhân!A3 mang tên “Phạm Văn Bảo” nhưng ở "
        "c12b.xlsx!Cá nhân!A2 là “Trần Văn Bảo”; một mã chỉ thuộc một cán bộ, hãy sửa mã hoặc tên."
    )


def test_c12_namesakes_warned() -> None:
    rows = [P, ["CB02", "Nguyễn  Văn An", "P01", "HTT", "Nam"]]
    assert only(people("ns.xlsx", rows), "name.namesake") == (
        "ns.xlsx!Cá nhân!B2: “Nguyễn Văn An” có 2 mã khác nhau (CB01, CB02); nếu là cùng một người "
        "thì đang bị báo cáo hai lần, nếu là người trùng tên thì bỏ qua cảnh báo này."
    )


def test_c13_unknown_unit_with_suggestions() -> None:
    rows = [
        ["CB01", "An", "P0l", "HTT", "Nam"],
        ["CB02", "Bình", "Phòng Kế hoạch", "HTT", "Nam"],
        ["CB03", "C", "P01", "HTT", "Nữ"],
    ]
    assert rendered(people("c13.xlsx", rows), "unit.unknown") == [
        "c13.xlsx!Cá nhân!C2: Mã đơn vị “P0l” (1 người, đầu tiên ở c13.xlsx!Cá nhân!C2) không có "
        "trong sheet “Đơn vị” (có phải mã “P01”?); hãy thêm đơn vị đó hoặc sửa mã.",
        "c13.xlsx!Cá nhân!C3: Mã đơn vị “Phòng Kế hoạch” (1 người, đầu tiên ở c13.xlsx!Cá nhân!C3) "
        "không có trong sheet “Đơn vị” (có phải mã “P01”?); hãy thêm đơn vị đó hoặc sửa mã.",
    ]


def test_c14_boolean_vocabulary() -> None:
    values = ["x", "✓", "Đúng", "không", False, "TRUE", "có lẽ"]
    rows = [[f"CB{i}", f"Người {i}", "P01", "HTT", "Nam", v] for i, v in enumerate(values)]
    intake = people("c14.xlsx", rows, ("Tham gia phong trào thi đua",))
    assert only(intake, "cell.bad_boolean") == (
        "c14.xlsx!Cá nhân!F8: Ô F8 (cột “Tham gia phong trào thi đua”) = “có lẽ” không hiểu là Có "
        "hay Không; hãy ghi “Có” hoặc “Không” (hoặc x / để trống)."
    )
    assert list(intake.people["movement"])[:6] == [True, True, True, False, False, True]
    assert str(intake.people["movement"].dtype) == "boolean"


def test_unknown_choice_with_did_you_mean() -> None:
    intake = people("ch.xlsx", [["CB01", "An", "P01", "HTT", "Nữ giớ"]])
    assert only(intake, "cell.bad_choice") == (
        "ch.xlsx!Cá nhân!E2: Ô E2 (cột “Giới tính”) = “Nữ giớ” không thuộc danh sách cho phép (Nam, "
        "Nữ); hãy chọn một giá trị trong danh sách (có phải “Nữ”?)."
    )


def test_levels_by_code_or_label() -> None:
    rows = [
        ["CB01", "An", "P01", "Hoàn thành tốt nhiệm vụ", "nam"],
        ["CB02", "B", "P01", "htxs", "Nu"],
        ["CB03", "C", "P01", "HTX", "Nữ"],
    ]
    intake = people("lv.xlsx", rows)
    assert list(intake.people["level"]) == ["HTT", "HTXS", None]
    assert list(intake.people["gender"]) == ["male", "female", "female"]
    assert only(intake, "cell.bad_choice") == (
        "lv.xlsx!Cá nhân!D4: Ô D4 (cột “Xếp loại”) = “HTX” không thuộc danh sách cho phép (HTXS, "
        "HTT, HT, KHT); hãy chọn một giá trị trong danh sách (có phải “HTXS”?)."
    )
    assert only(intake, "note.loose_choice") == (
        "lv.xlsx!Cá nhân!E3: Cột “Giới tính” tại E3: “Nu” được hiểu là “Nữ” (viết không dấu hoặc "
        "khác chữ hoa/thường)."
    )


def test_required_blank() -> None:
    assert only(people("rq.xlsx", [["CB01", None, "P01", "HTT", "Nam"]]), "cell.required") == (
        "rq.xlsx!Cá nhân!B2: Ô B2 (cột “Họ và tên”) đang trống nhưng bắt buộc phải có; hãy nhập giá trị."
    )


def test_blank_optional_takes_the_default() -> None:
    intake = people(
        "df.xlsx", [[*P, None, None]], ("Số tháng công tác trong năm", "Phạm vi sáng kiến")
    )
    assert intake.people["months"].iloc[0] == Decimal(12)
    assert intake.people["scope"].iloc[0] == "cơ sở"
    assert not intake.has_errors


def test_integer_with_a_fraction() -> None:
    intake = people("in.xlsx", [[*P, 1.5]], ("Số sáng kiến được công nhận",))
    assert only(intake, "cell.not_integer") == (
        "in.xlsx!Cá nhân!F2: Ô F2 (cột “Số sáng kiến được công nhận”) = “1.5” không phải số nguyên; "
        "hãy nhập số nguyên (ví dụ 2)."
    )


def test_c15_floats_become_exact_decimals() -> None:
    unit = ["P01", "Phòng", "Cụm 1", 0.1, 17.25, 15]
    intake = read(simple("c15.xlsx", sheets={"Đơn vị": [UNITS_HEAD, unit]}))
    assert intake.units["item:1"].iloc[0] == Decimal(
        "0.1"
    )  # not Decimal(0.1) = 0.1000000000000000055…
    assert intake.units["item:2"].iloc[0] == Decimal("17.25")
    assert all(isinstance(v, Decimal) for v in intake.units[["item:1", "item:2", "item:3"]].iloc[0])


# ------------------------------------------------------------------ D. text and identity


def test_d1_d3_nfd_nbsp_zwsp_cleaned() -> None:
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hòa")
    rows = [
        ["CB01", nfd, "P01", "HTT", "Nữ"],
        ["CB\u200b02", "Trần\u00a0Văn  Bình", "P01 ", "HTT", "Nam"],
    ]
    intake = people("d1.xlsx", rows)
    assert intake.people[["id", "name", "unit"]].to_dict("records") == [
        {"id": "CB01", "name": "Nguyễn Thị Hòa", "unit": "P01"},
        {"id": "CB02", "name": "Trần Văn Bình", "unit": "P01"},
    ]
    assert only(intake, "note.text_cleaned") == (
        "d1.xlsx!Cá nhân!B2: Văn bản ở cột “Họ và tên” tại B2, B3 đã được chuẩn hóa (Unicode dựng "
        "sẵn, ký tự ẩn, khoảng trắng thừa)."
    )
    assert rendered(intake, "note.id_cleaned") == [
        "d1.xlsx!Cá nhân!A3: Mã ở cột “Mã cán bộ” tại A3 có ký tự ẩn hoặc khoảng trắng thừa (ví dụ "
        "“CB\u200b02”): đã làm sạch; hãy sửa trong file gốc.",
        "d1.xlsx!Cá nhân!C3: Mã ở cột “Mã đơn vị” tại C3 có ký tự ẩn hoặc khoảng trắng thừa (ví dụ "
        "“P01”): đã làm sạch; hãy sửa trong file gốc.",
    ]


def test_d5_d6_legacy_encodings_refused() -> None:
    rows = [["CB01", "B¶o Th¾ng", "P01", "HTT", "Nam"], ["CB02", "Xin chaøo", "P01", "HTT", "Nam"]]
    assert only(people("d5.xlsx", rows), "sheet.legacy") == (
        "d5.xlsx!Cá nhân!B2: Sheet “Cá nhân” có 2 ô dùng bảng mã cũ TCVN3 (ABC) hoặc VNI (ví dụ B2: "
        "“B¶o Th¾ng”); hãy chuyển sang Unicode (Unikey: Công cụ chuyển mã, Ctrl+Shift+F6, nguồn "
        "TCVN3 hoặc VNI Windows, đích Unicode) rồi gửi lại. emulate không tự chuyển mã."
    )


def test_d8_control_characters_stripped() -> None:
    simple("d8.xlsx", [["CB01", "Trần Văn CTRL", "P01", "HTT", "Nam"]])
    patch("d8.xlsx", b"CTRL", "_x000B_Bình".encode())
    intake = read("d8.xlsx")
    assert intake.people["name"].iloc[0] == "Trần Văn Bình"
    assert only(intake, "note.text_cleaned").startswith("d8.xlsx!Cá nhân!B2:")


# ------------------------------------------------------------------------------ history

HIST = ["Mã", "Năm", "Xếp loại", "Danh hiệu"]


def test_history_titles_by_id_or_name() -> None:
    rows = [
        ["CB01", 2024, "HTXS", "LĐTT; chiến sĩ thi đua cơ sở"],
        ["CB01", 2023, "HTT", "Lao dong tien tien,\nCSTDCS"],
        ["P01", 2024, "HTXS", "BK tỉnh"],
        ["P01", 2023, "HTT", "Bằng khen của Chủ tịch UBND tỉnh"],
    ]
    intake = read(simple("h.xlsx", sheets={"Lịch sử": [HIST, *rows]}))
    assert not intake.has_errors, [d.render() for d in intake.diagnostics]
    assert list(intake.history["titles"]) == [
        ("LDTT", "CSTDCS"),
        ("LDTT", "CSTDCS"),
        ("BK_TINH_TT",),
        ("BK_TINH_TT",),
    ]
    assert list(intake.history["year"]) == [2024, 2023, 2024, 2023]


def test_history_unknown_title_suggests() -> None:
    intake = read(
        simple("h2.xlsx", sheets={"Lịch sử": [HIST, ["CB01", 2024, "HTT", "Lao động tiên tiếng"]]})
    )
    assert only(intake, "history.unknown_title") == (
        "h2.xlsx!Lịch sử!D2: Ô D2: không nhận ra danh hiệu “Lao động tiên tiếng” (có phải “Lao động "
        "tiên tiến”?); hãy ghi mã (ví dụ CSTDCS) hoặc tên đầy đủ, cách nhau bằng dấu phẩy."
    )


def test_history_duplicate_year_and_future_year() -> None:
    rows = [["CB01", 2024, "HTT", "LDTT"], ["CB01", 2024, "HTXS", ""], ["CB01", 2025, "HTT", ""]]
    intake = read(simple("h3.xlsx", sheets={"Lịch sử": [HIST, *rows]}))
    assert only(intake, "history.duplicate") == (
        "h3.xlsx!Lịch sử!A3: Lịch sử của “CB01” năm 2024 có hai dòng: h3.xlsx!Lịch sử!A3 và "
        "h3.xlsx!Lịch sử!A2; hãy gộp thành một dòng."
    )
    assert only(intake, "history.future") == (
        "h3.xlsx!Lịch sử!B4: Ô B4: năm 2025 không trước năm đánh giá 2025; sheet lịch sử chỉ ghi "
        "các năm trước."
    )


def test_history_file_given_separately() -> None:
    book("ls.xlsx", {"Lịch sử": [HIST, ["CB01", 2024, "HTT", "LDTT"]]})
    intake = read(simple("r.xlsx"), history=("ls.xlsx",))
    assert not intake.has_errors
    assert list(intake.history["_file"]) == ["ls.xlsx"]
    book("no.xlsx", {"Sheet1": [["x"]]})
    assert only(read(simple("r2.xlsx"), history=("no.xlsx",)), "history.no_sheet") == (
        "no.xlsx: File lịch sử no.xlsx không có sheet “Lịch sử” (cột Mã, Năm, Xếp loại, Danh hiệu)."
    )


def test_b6_hidden_columns_reported() -> None:
    from openpyxl import load_workbook

    path = simple("hc.xlsx")
    wb = load_workbook(path)
    wb["Cá nhân"].column_dimensions["E"].hidden = True
    wb.save(path)
    assert only(read(path), "table.hidden_columns") == (
        "hc.xlsx!Cá nhân!E1: Cột E đang bị ẩn nhưng vẫn được đọc; hãy bỏ ẩn để kiểm tra."
    )


def test_c7_date_serials_follow_the_1904_epoch() -> None:
    intake = people("d1900.xlsx", [[*P, 45291]], ("Ngày vào ngành",))
    assert intake.people["joined"].iloc[0] == dt.date(2023, 12, 31)
    simple("e1904.xlsx", sheets={"Cá nhân": [[*PEOPLE_HEAD, "Ngày vào ngành"], [*P, 43829]]})
    patch("e1904.xlsx", b"<workbookPr/>", b'<workbookPr date1904="1"/>')
    assert read("e1904.xlsx").people["joined"].iloc[0] == dt.date(2023, 12, 31)


def test_a9_xml_entities_refused() -> None:
    simple("xxe.xlsx")
    dtd = b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
    patch("xxe.xlsx", b"<workbook ", dtd + b"<workbook ")
    intake = read("xxe.xlsx")
    assert only(intake, "workbook.unreadable").startswith(
        "xxe.xlsx: Không đọc được nội dung file xxe.xlsx (EntitiesForbidden"
    )
    assert len(intake.people) == 0

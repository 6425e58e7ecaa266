"""The reader's shortcuts decide what the slow, cell-by-cell way decides: each one is checked
here against that way on the inputs that could tell them apart."""

from __future__ import annotations

import random
import sys
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from emulate import text
from emulate.intake import checks, coerce, grid
from emulate.intake.coerce import SEP, ColumnType, coerce_column, unchanged_by_clean
from emulate.intake.grid import Grid, _might_hide, _scan_xml
from emulate.intake.table import Column, locate
from emulate.text import clean_changed, match_key
from tests.intake_support import book, make_rules, read

TRICKY = [
    "An", "Nguyễn Văn An", "Nguyễn  Văn An", " An", "An ", "An\u00a0Bình", "Ho\u0300a", "Hòa",
    "CB\u200b01", "x\ty", "x\ny", "a\x0bb", "\u3000An", "An\u2003B", "Trần\u202fB", "\ufeffAn",
    "soft\u00adhyphen", "B¶o Th¾ng", "caùc", "Đặng", "ĐV01", "ǰ", "Ω", "é", "e\u0301", "\x7f",
    "\x85x", "a\u2028b", "zero\u2060width", "O'Brien", "a-b_c.d", "1.234,5", "Thuỵ",
]  # fmt: skip


def test_touchy_covers_what_clean_touches() -> None:
    table = text._TABLE  # what `clean` translates: the batch check must see all of it
    missed = [chr(c) for c in table if chr(c) != SEP and not coerce._TOUCHY.match(chr(c))]
    assert missed == []
    assert not unchanged_by_clean("a" + SEP + "b", 1)  # the separator inside a text: counted
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace() and c != 0x20]
    assert [ch for ch in spaces if not coerce._TOUCHY.match(ch)] == []


@pytest.mark.parametrize("sample", TRICKY)
def test_batch_clean_check_agrees_with_clean(sample: str) -> None:
    alone = clean_changed(sample) == (sample, False)
    assert unchanged_by_clean(sample, 1) == alone
    among = ["Lê Văn Tám", sample, "CB01"]
    assert unchanged_by_clean(SEP.join(among), 3) == alone


def test_batch_clean_check_random_strings() -> None:
    rng = random.Random(11)
    alphabet = "aAđĐ ờ\u0300\u0301 \u00a0\t-.0" + "".join(TRICKY)
    for _ in range(3000):
        words = ["".join(rng.choices(alphabet, k=rng.randint(1, 6))) for _ in range(3)]
        words = [w for w in words if SEP not in w]
        expected = all(clean_changed(w) == (w, False) for w in words)
        assert unchanged_by_clean(SEP.join(words), len(words)) == expected, words


def test_name_keys_are_match_keys() -> None:
    names = [
        "Nguyễn Thị Hoà", "Nguyễn Thị Hòa", "NGUYỄN THỊ HÒA", "Lê Thuỳ", "Lê Thủy", "Lê Thụy",
        "Trần Văn Vy", "Trần Văn Vi", "ǰohn", "Đặng Ngọc Ánh", "Müller Straße",
    ]  # fmt: skip
    assert checks._name_keys(names) == [match_key(n) for n in names]
    assert checks._name_keys(["An  Bình", "Hòa"]) == [match_key("An  Bình"), match_key("Hòa")]


# --------------------------------------------------------------------- the XML markers


SHEET = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="http://schemas.openxmlformats.'
    'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships"><sheetFormatPr defaultRowHeight="15"/>{cols}<sheetData>{rows}'
    "</sheetData></worksheet>"
)
ROW = '<row r="{r}"{extra}><c r="A{r}" t="inlineStr"><is><t>Nguyễn Văn {r}</t></is></c>{cell}</row>'
CELLS = {
    "plain": '<c r="B{r}"><v>8.5</v></c>',
    "error": '<c r="B{r}" t="e"><v>#REF!</v></c>',
    "formula": '<c r="B{r}"><f>SUM(A1:A3)</f></c>',
    "formula cached": '<c r="B{r}"><f>SUM(A1:A3)</f><v>3</v></c>',
    "shared formula": '<c r="B{r}"><f t="shared" si="0"/></c>',
    "hash in text": '<c r="B{r}" t="inlineStr"><is><t>Số #12 of file</t></is></c>',
}


def _xml(
    cell: str, *, hidden_row: bool = False, hidden_col: bool = False, rows: int = 300
) -> bytes:
    body = "".join(
        ROW.format(
            r=r,
            extra=' hidden="1"' if hidden_row and r == rows - 1 else "",
            cell=CELLS[cell if r == rows // 2 else "plain"].format(r=r),
        )
        for r in range(1, rows)
    )
    cols = '<cols><col min="3" max="3" hidden="true"/></cols>' if hidden_col else ""
    return SHEET.format(cols=cols, rows=body).encode()


def _pieces(xml: bytes, size: int, offset: int) -> Iterator[bytes]:
    yield xml[:offset]
    for start in range(offset, len(xml), size):
        yield xml[start : start + size]


@pytest.mark.parametrize("cell", list(CELLS))
@pytest.mark.parametrize("hidden", ["", "row", "col"])
def test_markers_are_never_missed_across_pieces(cell: str, hidden: str) -> None:
    xml = _xml(cell, hidden_row=hidden == "row", hidden_col=hidden == "col")
    found = _scan_xml(xml)
    finds = bool(found.errors or found.formulas or found.hidden_rows or found.hidden_cols)
    assert finds == (cell in ("error", "formula", "shared formula") or bool(hidden))
    for size in (5000, 997, 61):
        for offset in (0, 1, 29, 63, 4095, 4100):
            hides = _might_hide(_pieces(xml, size, offset))
            assert hides or not finds, (size, offset)
            if cell in ("plain", "hash in text") and not hidden:
                assert hides == (cell == "hash in text")  # a "#" alone is enough to look


def test_a_formula_seen_far_past_the_first_f_probes() -> None:
    words = "".join(
        f'<c r="C{r}" t="inlineStr"><is><t>file of office {r}</t></is></c>' for r in range(200)
    )
    xml = (SHEET.format(cols="", rows=f'<row r="1">{words}<c r="D1"><f>A1</f></c></row>')).encode()
    assert _scan_xml(xml).formulas == {(0, 3): "=A1"}
    assert grid._might_hide(iter([xml]))


def test_read_sheet_with_markers_past_the_first_pieces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sheet is inflated in pieces of 4 KB here: an error cell and a hidden row near its
    end still reach the full scan."""
    monkeypatch.setattr(grid, "_CHUNK", 4096)
    people = [[f"CB{i:05d}", f"Nguyễn Văn {i}", "P01", "HTT", "Nam"] for i in range(1500)]
    head = ["Mã cán bộ", "Họ và tên", "Mã đơn vị", "Xếp loại", "Giới tính"]
    unit_head = ["Mã đơn vị", "Tên đơn vị", "Cụm, khối thi đua"]
    unit_head += ["1. Hoàn thành chỉ tiêu kế hoạch", "2. Tiến độ giải ngân", "3. Chuyển đổi số"]
    path = book(
        tmp_path / "to.xlsx",
        {"Đơn vị": [unit_head, ["P01", "Phòng", "Cụm 1", 1, 1, 1]], "Cá nhân": [head, *people]},
        errors={"Cá nhân": {"D1490": "#N/A"}},
        hidden_rows={"Cá nhân": [1495]},
    )
    intake = read(path)
    found = {
        d.code: d.where.cell
        for d in intake.diagnostics
        if d.code.startswith(("cell", "table.hidden"))
    }
    assert found == {"cell.excel_error": "D1490", "table.hidden_rows": "A1495"}


# --------------------------------------------------------------------- columns


def test_history_ids_share_one_object_per_run() -> None:
    ids = tuple(f"CB{i // 5:05d}" + "" for i in range(5000))
    col = ColumnType(type="id", header="Mã", required=True)
    done = coerce_column(
        ids, range(5000), col, letter="A", file="f", sheet="s", errors={}, formulas={}
    )
    assert list(done.values) == list(ids) and done.diagnostics == []
    assert done.values[0] is done.values[4] and done.values[5] is not done.values[4]
    assert done.texts == SEP.join(dict.fromkeys(ids))


def test_numbers_of_several_types_are_not_confused() -> None:
    """1.0 == True == 1: one memo would give the first's value to the others."""
    values = (1.0, True, 1, "1", "", 2.5)
    col = ColumnType(type="integer", header="Số", low=Decimal(0), high=Decimal(5))
    done = coerce_column(
        values, range(6), col, letter="B", file="f", sheet="s", errors={}, formulas={}
    )
    assert list(done.values) == [1, None, 1, 1, None, None]
    assert [d.code for d in done.diagnostics] == [
        "cell.not_integer",
        "cell.not_integer",
        "note.text_number",
    ]


def test_problem_rows_reported_in_row_order_with_error_cells() -> None:
    values = ("HTT", "", "xấu", "HTT", "htt", "")
    levels = tuple((label, code) for code, label in make_rules().levels.items())
    col = ColumnType(type="level", header="Xếp loại", required=True, choices=levels)
    done = coerce_column(
        values, [4, 5, 6, 7, 8, 9], col, letter="D", file="f", sheet="s",
        errors={7: "#REF!"}, formulas={9: "=A1"},
    )  # fmt: skip
    assert list(done.values) == ["HTT", None, None, None, "HTT", None]
    assert [(d.code, d.where.cell) for d in done.diagnostics] == [
        ("cell.required", "D6"),
        ("cell.bad_choice", "D7"),
        ("cell.excel_error", "D8"),
        ("cell.formula_no_value", "D10"),
    ]
    assert isinstance(done.values, np.ndarray)


def test_data_rows_in_runs_and_one_by_one() -> None:
    """Runs of rows with plain ids are taken whole; ids with diacritics, blanks, total rows
    and the empty row that ends the table are looked at one by one, in order."""
    rows: list[list[object]] = [["Mã", "Tên", "Điểm"]]
    rows += [[f"A{i}", "x", 1.0] for i in range(5)]
    rows += [["ĐV01", "đơn vị", 2.0], ["", "không mã", 3.0], ["Tổng cộng", "", 9.0]]
    rows += [[7.0, "số", 4.0], ["A9", "y", 5.0], ["", "", ""], ["Người lập", "", ""]]
    g = Grid(sheet="S", rows=rows, hidden_rows=frozenset({2, 9}))
    columns = [Column("id", "Mã", required=True), Column("name", "Tên"), Column("p", "Điểm")]
    table, diags = locate(g, columns, file="f.xlsx")
    assert table is not None
    assert table.rows == [1, 2, 3, 4, 5, 6, 7, 9, 10]
    assert [(d.code, d.where.cell) for d in diags] == [
        ("table.total_row", "A9"),
        ("table.after_table", "A13"),
        ("table.hidden_rows", "A3"),
    ]
    assert next(d for d in diags if d.code == "table.hidden_rows").message_en.startswith(
        "Hidden rows: 3, 10;"
    )


def test_unicode_normal_forms_in_a_column() -> None:
    nfd = unicodedata.normalize("NFD", "Hòa")
    values = ("Hòa", nfd, "Hòa")
    col = ColumnType(type="text", header="Tên")
    done = coerce_column(
        values, range(3), col, letter="B", file="f", sheet="s", errors={}, formulas={}
    )
    assert list(done.values) == ["Hòa", "Hòa", "Hòa"]
    assert [d.code for d in done.diagnostics] == ["note.text_cleaned"]

"""The sheet writer's whole-column path writes exactly what the value-by-value path writes.

A column of plain text or of integers is rendered in one pass over its distinct values
(`sheetxml._bulk_bodies`); anything unusual (escapes, blanks at an edge, text the workbook
would clean, styled values, other types) must fall back to the value-by-value path. Either
way the cells are the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
import unicodedata

import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from emulate.output import sheetxml
from emulate.output.workbook import Column, _Book


def _slow(values, xf, convert):
    """The value-by-value path alone."""

    def body(value):
        if convert is not None:
            value = convert(value)
        if value is None:
            return ""
        if value.__class__ is sheetxml.Styled:
            return sheetxml._styled_body(value, _xf)
        if isinstance(value, str) and value == "":
            return ""
        return sheetxml._body(value, xf) or ""

    return sheetxml.distinct_map(body, values)


def _xf(fmt):
    return None if fmt is None else fmt._get_xf_index()


def _converters():
    book = _Book(io.BytesIO())
    return {
        "plain": book.converter(Column("x")),
        "wrapped": book.converter(Column("x", wrap=True)),
        "bold": book.converter(Column("x"), bold=True),
        "money": book.converter(Column("x", fmt="#,##0")),
        "none": None,
    }


CONVERTERS = _converters()

texts = st.one_of(
    st.sampled_from(
        [
            "Nguyễn Văn An",
            unicodedata.normalize("NFD", "Nguyễn Văn An"),
            "",
            " leading",
            "trailing ",
            "a\nb",
            "line\n",
            "\tTab",
            "A & B < C > D",
            "_x0041_",
            "x_x00e9_y",
            "<r>rich</r>",
            "bell\x07",
            "cr\rlf",
            "\ufffe",
            "✓ level >= HTT",
            '=HYPERLINK("x")',
            "x" * 20_000,
        ]
    ),
    st.text(max_size=12),
)
values = st.one_of(
    st.none(),
    texts,
    st.integers(min_value=-(10**17), max_value=10**17),
    st.booleans(),
    st.decimals(
        allow_nan=False, allow_infinity=False, places=2, max_value=10**9, min_value=-(10**9)
    ),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=dt.date(1800, 1, 1)),
)


@settings(max_examples=300, deadline=None)
@given(
    column=st.one_of(
        st.lists(texts | st.none(), max_size=30),
        st.lists(st.integers(min_value=-(10**16), max_value=10**16) | st.none(), max_size=30),
        st.lists(values, max_size=30),
    ),
    converter=st.sampled_from(sorted(CONVERTERS)),
    xf=st.sampled_from([None, 3]),
)
def test_whole_column_path_writes_what_the_value_by_value_path_writes(column, converter, xf):
    convert = CONVERTERS[converter]
    assert _expanded(sheetxml._bodies(column, xf, _xf, convert)) == _slow(column, xf, convert)


def _expanded(column):
    return column.bodies() if isinstance(column, sheetxml.Wrapped) else column


@settings(max_examples=200, deadline=None)
@given(
    columns=st.integers(min_value=1, max_value=4).flatmap(
        lambda n: st.lists(
            st.lists(
                st.sampled_from(["", ' t="b"><v>1</v></c>', ' s="3"><v>7%</v></c>']),
                min_size=n,
                max_size=n,
            ),
            min_size=1,
            max_size=5,
        )
    ),
    wrap=st.lists(st.booleans(), min_size=5, max_size=5),
    first_row=st.integers(min_value=1, max_value=10**6),
)
def test_rows_are_the_same_whether_columns_are_wrapped_or_not(columns, wrap, first_row):
    """A column given as `Wrapped` or as its bodies writes the same rows (with or without
    gaps, with a % in the text)."""
    n = len(columns[0])
    letters = [chr(ord("A") + j) for j in range(len(columns))]
    plain = sheetxml._rows(columns, letters, first_row, n)
    expected = "".join(
        f'<row r="{r}">'
        + "".join(f'<c r="{x}{r}"{c[i]}' for x, c in zip(letters, columns) if c[i])
        + "</row>"
        for i, r in enumerate(range(first_row, first_row + n))
    )
    assert plain == expected
    mixed = [
        sheetxml.Wrapped(
            ' s="3"><v>', [b[len(' s="3"><v>') : -len("</v></c>")] for b in c], "</v></c>"
        )
        if w and all(b.startswith(' s="3"') for b in c)
        else c
        for c, w in zip(columns, wrap)
    ]
    assert sheetxml._rows(mixed, letters, first_row, n) == expected


def test_plain_columns_take_the_whole_column_path():
    plain = CONVERTERS["plain"]
    names = ["Trần Thị Bình", None, "A & B", "", "Trần Thị Bình"]
    assert sheetxml._bulk_bodies(names, None, plain) == [
        ' t="inlineStr"><is><t>Trần Thị Bình</t></is></c>',
        "",
        ' t="inlineStr"><is><t>A &amp; B</t></is></c>',
        "",
        ' t="inlineStr"><is><t>Trần Thị Bình</t></is></c>',
    ]
    assert sheetxml._bulk_bodies([1, None, 30], 2, plain) == [
        ' s="2"><v>1</v></c>',
        "",
        ' s="2"><v>30</v></c>',
    ]
    # every row has a cell: the column is wrapped, its values kept as they are
    full = sheetxml._bulk_bodies(["Bình", "A & B", "Bình"], None, plain)
    assert full == sheetxml.Wrapped(
        ' t="inlineStr"><is><t>', ["Bình", "A &amp; B", "Bình"], "</t></is></c>"
    )
    numbers = [4, 5]
    assert sheetxml._bulk_bodies(numbers, 2, plain) == sheetxml.Wrapped(
        ' s="2"><v>', numbers, "</v></c>"
    )


def test_unusual_columns_are_left_to_the_value_by_value_path():
    plain = CONVERTERS["plain"]
    for column in (
        ["ok", " edge"],  # xml:space
        ["ok", "_x0041_"],  # a literal escape
        ["ok", "bell\x07"],  # a control character
        ["ok", unicodedata.normalize("NFD", "Ấn")],  # cleaned to NFC by the workbook
        ["ok", "<r>rich</r>"],  # written as a rich string
        ["ok", 1],  # mixed types
        [10**15],  # beyond what %.16G writes exactly as an integer
    ):
        assert sheetxml._bulk_bodies(column, None, plain) is None, column
    assert sheetxml._bulk_bodies(["text"], None, CONVERTERS["bold"]) is None  # styled


def test_workbook_cells_unchanged_through_xlsxwriter(tmp_path):
    """The spliced rows read back as xlsxwriter writes them (one cell of each kind)."""
    from openpyxl import load_workbook

    rows = [["Đào Thị Ánh", 7, "A & B", None], ["Nguyễn Văn An", 12, "x", "y"]]
    package = io.BytesIO()
    book = xlsxwriter.Workbook(package, {"constant_memory": True})
    ws = book.add_worksheet("t")
    book.close()
    package.seek(0)
    columns = [list(c) for c in zip(*rows, strict=True)]
    out = tmp_path / "t.xlsx"
    with open(out, "wb") as handle:
        sheetxml.splice(
            package,
            handle,
            {f"xl/worksheets/sheet{ws.index + 1}.xml": sheetxml.Table(columns, [None] * 4, _xf, 1)},
        )
    got = [list(r) for r in load_workbook(out).active.iter_rows(values_only=True)]
    assert got == rows


class _FullDisk(io.BytesIO):
    """A target that fails once it holds `room` bytes, as a full disk does."""

    def __init__(self, room: int) -> None:
        super().__init__()
        self.room = room

    def write(self, data) -> int:
        if self.tell() + len(data) > self.room:
            raise OSError(28, "No space left on device")
        return super().write(data)


def _package():
    package = io.BytesIO()
    book = xlsxwriter.Workbook(package, {"constant_memory": True})
    ws = book.add_worksheet("t")
    book.close()
    package.seek(0)
    return package, f"xl/worksheets/sheet{ws.index + 1}.xml"


def test_a_full_disk_while_compressing_is_raised_not_hung(monkeypatch):
    monkeypatch.setattr(sheetxml, "ROWS_PER_CHUNK", 10)
    rows = [[f"Nguyễn Văn {i} " * 20 for i in range(5_000)]]
    package, part = _package()
    with pytest.raises(OSError, match="No space left"):
        sheetxml.splice(package, _FullDisk(20_000), {part: sheetxml.Table(rows, [None], _xf, 1)})


def test_a_failure_while_rendering_leaves_no_thread_behind(monkeypatch):
    def broken(self):
        yield "<row/>"
        raise RuntimeError("rendering failed")

    monkeypatch.setattr(sheetxml.Table, "chunks", broken)
    package, part = _package()
    before = threading.active_count()
    with pytest.raises(RuntimeError, match="rendering failed"):
        sheetxml.splice(package, io.BytesIO(), {part: sheetxml.Table([["x"]], [None], _xf, 1)})
    assert threading.active_count() == before

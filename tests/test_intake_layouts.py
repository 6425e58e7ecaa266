"""Generated tables rendered into workbooks with random layouts (title rows, two-level merged
headers, column order, header spellings, total row, NFD text, NBSP, text numbers, decimal
commas, a signature block) read back to the same table, with only our diagnostics."""

from __future__ import annotations

import tempfile
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulate.intake.read import read_reports
from emulate.text import clean, strip_diacritics
from tests.intake_support import UNIT_ROW, UNITS_HEAD, book, make_rules

FAMILY = ["Nguyễn", "Trần", "Lê", "Đặng", "Huỳnh", "Ngô"]
MIDDLE = ["Văn", "Thị", "Ngọc", "Đức", "Thuỳ", "Hữu"]
GIVEN = ["An", "Ánh", "Ân", "Hòa", "Hoà", "Thủy", "Thụy", "Đào", "Yến", "Khoẻ"]
COLUMNS = [
    ("id", "Mã cán bộ", ("Mã CB",)),
    ("name", "Họ và tên", ("Họ tên",)),
    ("unit", "Mã đơn vị", ()),
    ("level", "Xếp loại", ()),
    ("gender", "Giới tính", ()),
    ("months", "Số tháng công tác trong năm", ()),
    ("movement", "Tham gia phong trào thi đua", ()),
]
OPTIONAL = {"months", "movement"}


@st.composite
def person(draw: Any, index: int) -> dict[str, Any]:
    parts = [draw(st.sampled_from(words)) for words in (FAMILY, MIDDLE, GIVEN)]
    name = " ".join(parts)
    return {
        "id": f"{draw(st.sampled_from(['CB', '0', 'N-']))}{index:03d}",
        "name": name,
        "unit": "P01",
        "level": draw(st.sampled_from(["HTXS", "HTT", "HT", "KHT"])),
        "gender": draw(st.sampled_from(["male", "female"])),
        "months": Decimal(draw(st.integers(0, 24))) / 2,
        "movement": draw(st.booleans()),
    }


@st.composite
def layouts(draw: Any) -> dict[str, Any]:
    n = draw(st.integers(1, 12))
    people = [draw(person(i)) for i in range(n)]
    order = draw(st.permutations([c[0] for c in COLUMNS]))
    return {
        "people": people,
        "order": order,
        "titles": draw(st.integers(0, 4)),
        "two_levels": draw(st.booleans()),
        "spelling": draw(
            st.lists(st.sampled_from(["exact", "upper", "bare", "alias"]), min_size=7, max_size=7)
        ),
        "total": draw(st.booleans()),
        "signature": draw(st.booleans()),
        "text_style": draw(
            st.lists(st.sampled_from(["plain", "nfd", "nbsp", "spaces"]), min_size=n, max_size=n)
        ),
        "number_style": draw(
            st.lists(st.sampled_from(["number", "comma", "dot"]), min_size=n, max_size=n)
        ),
        "bool_style": draw(
            st.sampled_from(
                [("Có", "Không"), ("x", "không"), ("TRUE", "FALSE"), (True, False), ("✓", "không")]
            )
        ),
        "level_labels": draw(st.booleans()),
    }


def _header(text: str, aliases: tuple[str, ...], spelling: str) -> str:
    if spelling == "upper":
        return text.upper()
    if spelling == "bare":
        return strip_diacritics(text)
    if spelling == "alias" and aliases:
        return aliases[0]
    return text


def _text(value: str, style: str) -> str:
    if style == "nfd":
        return unicodedata.normalize("NFD", value)
    if style == "nbsp":
        return value.replace(" ", "\u00a0") + "\u00a0"
    if style == "spaces":
        return "  " + value.replace(" ", "   ") + " "
    return value


def _render(layout: dict[str, Any], path: Path) -> Path:
    rules = make_rules()
    by_key = {key: (header, aliases) for key, header, aliases in COLUMNS}
    order = layout["order"]
    rows: list[list[Any]] = [[f"TIÊU ĐỀ {i}"] for i in range(layout["titles"])]
    headers = [_header(*by_key[k], s) for k, s in zip(order, layout["spelling"], strict=False)]
    merges: list[str] = []
    if layout["two_levels"]:
        top = ["Thông tin cán bộ" if i < 3 else "Kết quả" for i in range(len(order))]
        first = len(rows) + 1
        rows.append(top)
        merges += [f"A{first}:C{first}", f"D{first}:{chr(64 + len(order))}{first}"]
    rows.append(headers)
    yes, no = layout["bool_style"]
    for i, p in enumerate(layout["people"]):
        row = []
        for key in order:
            value: Any = p[key]
            if key == "name":
                value = _text(value, layout["text_style"][i])
            elif key == "gender":
                value = "Nam" if value == "male" else "Nữ"
            elif key == "level" and layout["level_labels"]:
                value = rules.levels[value]
            elif key == "months":
                style = layout["number_style"][i]
                text = format(value.normalize(), "f")
                value = (
                    float(value)
                    if style == "number"
                    else (text.replace(".", ",") if style == "comma" else text)
                )
            elif key == "movement":
                value = yes if value else no
            row.append(None if value == "" else value)
        rows.append(row)
    if layout["total"]:
        rows.append(["Tổng cộng", *[None] * (len(order) - 1)])
    if layout["signature"]:
        rows += [[], [None, "Người lập biểu", None, None, "Thủ trưởng đơn vị"]]
    return book(
        path, {"Đơn vị": [UNITS_HEAD, UNIT_ROW], "Cá nhân": rows}, merges={"Cá nhân": merges}
    )


ALLOWED = {
    "table.total_row", "table.after_table", "table.unknown_columns", "table.optional_missing",
    "table.optional_absent", "note.text_number", "note.decimal_comma", "note.text_cleaned",
    "note.id_cleaned", "note.loose_choice", "name.namesake", "unit.no_people",
}  # fmt: skip


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layouts())
def test_random_layouts_read_back_the_same_table(layout: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = _render(layout, Path(tmp) / "r.xlsx")
        intake = read_reports([path], make_rules())
    codes = {d.code for d in intake.diagnostics}
    assert codes <= ALLOWED, [d.render() for d in intake.diagnostics if d.code not in ALLOWED]
    got = intake.people[[c[0] for c in COLUMNS]].to_dict("records")
    expected = [{**p, "name": clean(p["name"])} for p in layout["people"]]
    for g in got:
        g["movement"] = bool(g["movement"]) if g["movement"] is not None else None
    assert got == expected

"""Shared helpers for the intake tests: a rule set with every field type, and workbooks
built by code (no binary fixtures)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from emulate.diagnostics import Diagnostic
from emulate.rules.model import (
    Adjustment,
    FieldSpec,
    RuleSet,
    ScoreGroup,
    ScoreItem,
    SubjectSpec,
    Title,
)

LEVELS = {
    "HTXS": "Hoàn thành xuất sắc nhiệm vụ",
    "HTT": "Hoàn thành tốt nhiệm vụ",
    "HT": "Hoàn thành nhiệm vụ",
    "KHT": "Không hoàn thành nhiệm vụ",
}


def make_rules(**overrides: Any) -> RuleSet:
    people = SubjectSpec(
        sheet="Cá nhân",
        fields={
            "gender": FieldSpec(
                header="Giới tính", type="choice", values={"Nam": "male", "Nữ": "female"}
            ),
            "months": FieldSpec(
                header="Số tháng công tác trong năm",
                type="number",
                min=Decimal(0),
                max=Decimal(12),
                default=Decimal(12),
            ),
            "initiatives": FieldSpec(
                header="Số sáng kiến được công nhận", type="integer", min=Decimal(0), default=0
            ),
            "scope": FieldSpec(
                header="Phạm vi sáng kiến",
                type="choice",
                ordered=True,
                values=("cơ sở", "tỉnh", "toàn quốc"),
                default="cơ sở",
            ),
            "movement": FieldSpec(
                header="Tham gia phong trào thi đua", type="boolean", default=True
            ),
            "joined": FieldSpec(header="Ngày vào ngành", type="date", required=False),
            "attendance": FieldSpec(
                header="Tỷ lệ ngày công",
                type="percent",
                min=Decimal(0),
                max=Decimal(1),
                required=False,
            ),
            "position": FieldSpec(header="Chức vụ", type="text", required=False),
        },
    )
    units = SubjectSpec(
        sheet="Đơn vị",
        fields={
            "cluster": FieldSpec(header="Cụm, khối thi đua", type="text"),
            "solidarity": FieldSpec(header="Nội bộ đoàn kết", type="boolean", default=True),
        },
        score=(
            ScoreGroup(
                id="I",
                label="Chuyên môn",
                items=(
                    ScoreItem(id="1", label="Hoàn thành chỉ tiêu kế hoạch", max=Decimal(30)),
                    ScoreItem(id="2", label="Tiến độ giải ngân", max=Decimal(20)),
                ),
            ),
            ScoreGroup(
                id="II",
                label="Chuyển đổi số",
                items=(ScoreItem(id="3", label="Chuyển đổi số", max=Decimal(20)),),
            ),
        ),
        bonus=Adjustment(header="Điểm thưởng", max=Decimal(5)),
        penalty=Adjustment(header="Điểm trừ"),
    )
    titles = {
        "CSTDCS": Title(
            name="Chiến sĩ thi đua cơ sở", short="CSTĐCS", **{"for": "people"}, when="LDTT"
        ),
        "LDTT": Title(
            name="Lao động tiên tiến", short="LĐTT", **{"for": "people"}, when="level >= HTT"
        ),
        "TTLDXS": Title(name="Tập thể lao động xuất sắc", **{"for": "units"}, when="level == HTXS"),
        "BK_TINH_TT": Title(
            name="Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
            short="BK tỉnh",
            kind="award",
            **{"for": "units"},
            when="true",
        ),
    }
    data = {
        "name": "Bộ thử",
        "year": 2025,
        "levels": LEVELS,
        "people": people,
        "units": units,
        "titles": titles,
    }
    data.update(overrides)
    return RuleSet(**data)


UNITS = [
    {
        "id": "P01",
        "name": "Phòng Kế hoạch",
        "level": "HTXS",
        "cluster": "Cụm 1",
        "solidarity": True,
        "item:1": Decimal("28.5"),
        "item:2": Decimal(20),
        "item:3": Decimal("17.25"),
        "bonus": Decimal(2),
        "penalty": Decimal("0.5"),
    },
    {
        "id": "P02",
        "name": "Phòng Tổ chức",
        "level": "HTT",
        "cluster": "Cụm 1",
        "solidarity": False,
        "item:1": Decimal(25),
        "item:2": Decimal("15.5"),
        "item:3": Decimal(10),
        "bonus": Decimal(0),
        "penalty": Decimal(0),
    },
]
PEOPLE = [
    {
        "id": "00123",
        "name": "Nguyễn Thị Hòa",
        "unit": "P01",
        "level": "HTXS",
        "gender": "female",
        "months": Decimal(12),
        "initiatives": 2,
        "scope": "tỉnh",
        "movement": True,
        "joined": dt.date(2010, 3, 15),
        "attendance": Decimal("0.95"),
        "position": "Trưởng phòng",
    },
    {
        "id": "00124",
        "name": "Trần Văn Đức",
        "unit": "P01",
        "level": "HTT",
        "gender": "male",
        "months": Decimal("7.5"),
        "initiatives": 0,
        "scope": "cơ sở",
        "movement": False,
        "joined": dt.date(2020, 12, 1),
        "attendance": Decimal("0.8"),
        "position": None,
    },
    {
        "id": "CB-3",
        "name": "Lê Thuỵ Ánh",
        "unit": "P02",
        "level": "HT",
        "gender": "female",
        "months": Decimal(12),
        "initiatives": 1,
        "scope": "toàn quốc",
        "movement": True,
        "joined": None,
        "attendance": None,
        "position": "Chuyên viên",
    },
]
HISTORY = [
    {"id": "00123", "year": 2024, "level": "HTXS", "titles": "LDTT, CSTDCS"},
    {
        "id": "00123",
        "year": 2023,
        "level": "HTXS",
        "titles": "Lao động tiên tiến; Chiến sĩ thi đua cơ sở",
    },
    {"id": "P01", "year": 2024, "level": "HTXS", "titles": "BK tỉnh"},
]


def codes(diags: list[Diagnostic]) -> list[str]:
    return [d.code for d in diags]


def errors(diags: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diags if d.is_error]


def write_filled(
    tmp: Path, rules: RuleSet | None = None, name: str = "bao-cao.xlsx", **rows: Any
) -> Path:
    from emulate.intake.template import fill, write_template

    rules = rules or make_rules()
    template = write_template(rules, tmp / "mau.xlsx")
    data = {"units": UNITS, "people": PEOPLE, "history": HISTORY}
    data.update(rows)
    return fill(template, tmp / name, rules, data)


PEOPLE_HEAD = ["Mã cán bộ", "Họ và tên", "Mã đơn vị", "Xếp loại", "Giới tính"]
UNITS_HEAD = [
    "Mã đơn vị",
    "Tên đơn vị",
    "Cụm, khối thi đua",
    "1. Hoàn thành chỉ tiêu kế hoạch",
    "2. Tiến độ giải ngân",
    "3. Chuyển đổi số",
]
UNIT_ROW = ["P01", "Phòng Kế hoạch", "Cụm 1", 28, 18, 15]


def book(
    path: str | Path,
    sheets: dict[str, list[list[Any]]],
    *,
    merges: dict[str, list[str]] | None = None,
    errors: dict[str, dict[str, str]] | None = None,
    hidden_rows: dict[str, list[int]] | None = None,
    hidden_sheets: tuple[str, ...] = (),
) -> Path:
    """A workbook built cell by cell: `sheets` maps names to rows (row 1 first; None = empty).
    `errors` puts Excel error values (#REF!, ...) into cells; a str starting with "=" is a
    formula saved without a computed value, as openpyxl and web systems write them."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
        for ref in (merges or {}).get(name, []):
            ws.merge_cells(ref)
        for ref, code in (errors or {}).get(name, {}).items():
            ws[ref] = code
            ws[ref].data_type = "e"
        for r in (hidden_rows or {}).get(name, []):
            ws.row_dimensions[r].hidden = True
        if name in hidden_sheets:
            ws.sheet_state = "hidden"
    path = Path(path)
    wb.save(path)
    return path


def simple(path: str | Path, people: list[list[Any]] | None = None, **kw: Any) -> Path:
    """A report with one unit P01 and the given people rows under the default header."""
    rows = people if people is not None else [["CB01", "Nguyễn Văn An", "P01", "HTT", "Nam"]]
    sheets = {"Đơn vị": [UNITS_HEAD, UNIT_ROW], "Cá nhân": [PEOPLE_HEAD, *rows]}
    sheets.update(kw.pop("sheets", {}))
    return book(path, sheets, **kw)


def read(*paths: str | Path, rules: RuleSet | None = None, history: tuple = ()) -> Any:
    from emulate.intake.read import read_reports

    return read_reports(list(paths), rules or make_rules(), history=history)


def rendered(intake: Any, code: str) -> list[str]:
    """Every diagnostic of `code`, rendered in Vietnamese."""
    return [d.render() for d in intake.diagnostics if d.code == code]


def patch(path: str | Path, old: bytes, new: bytes) -> Path:
    """Rewrite every part of a workbook replacing `old` by `new` (for what openpyxl refuses
    to write, e.g. control characters, stored by Excel as `_x000B_`)."""
    import zipfile

    path = Path(path)
    with zipfile.ZipFile(path) as src:
        parts = [(info, src.read(info.filename)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in parts:
            out.writestr(info, data.replace(old, new))
    return path


def assert_same_intake(a: Any, b: Any) -> None:
    """Two reads of the same inputs are the same: frames, diagnostics, inputs, columns."""
    import pandas as pd

    for name in ("units", "people", "history"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)
    assert a.diagnostics == b.diagnostics
    assert a.inputs == b.inputs
    assert a.columns == b.columns
    assert a.stamp == b.stamp

"""`emulate score` on the shipped example: the workbook an officer opens (golden, reviewed).

The example is made by examples/make_examples.py (deterministic); the figures below were
checked by hand against its data: P07 has 12 LĐTT → 15% = 1.8 → 1 place, and two women with
the same level and initiatives tie for it; Khối kinh tế's two leaders have 94.5 points each.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from emulate.cli import app

EXAMPLE = Path(__file__).parent.parent / "examples" / "bao-cao-so-2025.xlsx"


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("score") / "ket-qua.xlsx"
    result = CliRunner().invoke(app, ["score", str(EXAMPLE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return load_workbook(out)


def test_sheets_chart_and_no_formulas(workbook) -> None:
    assert workbook.sheetnames == [
        "Tổng hợp",
        "Đơn vị",
        "Cá nhân",
        "Đề nghị",
        "Giải trình",
        "Cảnh báo",
        "Nhật ký",
        "_emulate",
    ]
    assert len(workbook["Tổng hợp"]._charts) == 1
    formulas = [
        cell.coordinate
        for ws in workbook.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []


def test_summary_counts_per_title(workbook) -> None:
    rows = {r[0]: r for r in workbook["Tổng hợp"].iter_rows(min_row=2, values_only=True) if r[0]}
    # eligible, awarded, tie, over quota, superseded, places, places used, money
    assert rows["CSTDCS"][4:12] == (34, 11, 2, 21, 0, 12, 11, 23400000)
    assert rows["CO_TINH"][4:12] == (3, 1, 2, 0, 0, 2, 1, 18720000)
    assert rows["LDTT"][4:12] == (111, 111, 0, 0, 0, None, None, 71000000)


def test_nominations_in_official_order_with_ties_for_the_council(workbook) -> None:
    rows = list(workbook["Đề nghị"].iter_rows(min_row=2, values_only=True))
    titles = [r[2] for r in rows]
    # collectives before individuals; titles before awards (Decree 152 Art 29.5)
    assert titles.index("Tập thể lao động xuất sắc") < titles.index(
        "Cờ thi đua của Ủy ban nhân dân tỉnh"
    )
    assert max(i for i, r in enumerate(rows) if r[1] == "Tập thể") < min(
        i for i, r in enumerate(rows) if r[1] == "Cá nhân"
    )
    ties = sorted((r[3], r[2]) for r in rows if r[6] == "Bằng điểm, Hội đồng quyết định")
    assert ties == [
        ("CB0075", "Chiến sĩ thi đua cơ sở"),
        ("CB0076", "Chiến sĩ thi đua cơ sở"),
        ("P01", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh (tập thể)"),
        ("P01", "Cờ thi đua của Ủy ban nhân dân tỉnh"),
        ("P02", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh (tập thể)"),
        ("P02", "Cờ thi đua của Ủy ban nhân dân tỉnh"),
    ]

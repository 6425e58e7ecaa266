"""`emulate check` and `emulate template` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from emulate.cli import app

ROOT = Path(__file__).resolve().parent.parent
CLEAN = ROOT / "examples" / "bao-cao-so-2025.xlsx"
MESSY = ROOT / "examples" / "bao-cao-loi.xlsx"
runner = CliRunner()


def _json(*args: str) -> tuple[int, list[dict[str, str]]]:
    result = runner.invoke(app, ["check", *args, "--json"])
    return result.exit_code, json.loads(result.stdout)


def test_clean_example_has_no_errors() -> None:
    result = runner.invoke(app, ["check", str(CLEAN)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stdout
    assert "Không có lỗi: 120 cá nhân, 10 đơn vị, 650 dòng lịch sử." in result.stdout
    assert "theo dấu trong báo cáo" in result.stdout  # rule set found from the stamp
    code, items = _json(str(CLEAN))
    assert code == 0 and not [i for i in items if i["severity"] == "error"]


def test_messy_example_lists_each_planted_problem() -> None:
    code, items = _json(str(MESSY), "--criteria", "vi-du-so")
    assert code == 1
    errors = sorted(
        (i["code"], i["where"].split("!", 1)[1]) for i in items if i["severity"] == "error"
    )
    assert errors == [
        ("cell.bad_choice", "Cá nhân!I9"),  # "cấp tỉnh" → did you mean "tỉnh"
        ("cell.excel_error", "Đơn vị!I8"),  # #REF!
        ("cell.formula_no_value", "Cá nhân!G12"),
        ("cell.out_of_range", "Đơn vị!E9"),  # 21 points of 20
        ("id.two_names", "Cá nhân!C10"),  # CB0002 twice
    ]
    notes = {(i["code"], i["where"].split("!", 1)[1]) for i in items}
    assert ("table.total_row", "Đơn vị!A10") in notes
    assert ("note.decimal_comma", "Đơn vị!F7") in notes
    assert ("note.text_number", "Cá nhân!G7") in notes
    assert ("note.text_cleaned", "Cá nhân!B6") in notes  # NBSP and NFD names
    assert ("table.after_table", "Cá nhân!A15") in notes  # the signature block


def test_second_header_row_is_never_data_even_when_the_rules_expect_no_header_there() -> None:
    # The messy report has a two-level header (points items under "Điểm chấm"). The national
    # rules have no points table, so only the first header row matches; the merged cells of
    # that row still take the second row into the header band.
    code, items = _json(str(MESSY), "--criteria", "national")
    assert code == 1
    units = [i for i in items if i["where"].startswith(f"{MESSY}!Đơn vị!")]
    assert not [i for i in units if "Mã đơn vị" in i["message"] and "không có ai" in i["message"]]
    assert sorted(i["where"].rsplit("!", 1)[1] for i in items if i["severity"] == "error") == [
        "C10",
        "G12",
        "I9",
    ]


def test_table_output_grouped_by_file_and_english(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["check", str(MESSY), "-c", "vi-du-so", "--lang", "en"], env={"COLUMNS": "250"}
    )
    assert result.exit_code == 1
    assert "holds the Excel error #REF!" in result.stdout
    assert "5 errors" in result.stdout
    assert result.stdout.count("bao-cao-loi.xlsx") == 1 + result.stdout.count("bao-cao-loi.xlsx!")


def test_bad_file_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    page = tmp_path / "web.xls"
    page.write_text("<html><table></table></html>")
    result = runner.invoke(
        app, ["check", str(page), "--criteria", "vi-du-so"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 1
    assert "thực chất là trang HTML" in result.stdout
    assert "Traceback" not in result.stdout + (result.stderr or "")


def test_unknown_criteria_exits_1_with_diagnostics(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["check", str(CLEAN), "--criteria", str(tmp_path / "khong-co.yaml"), "--json"]
    )
    assert result.exit_code == 1
    assert json.loads(result.stdout)[0]["severity"] == "error"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_template_command_writes_a_readable_template(tmp_path: Path, lang: str) -> None:
    out = tmp_path / "mau.xlsx"
    result = runner.invoke(app, ["template", "-c", "vi-du-so", "-o", str(out), "--lang", lang])
    assert result.exit_code == 0, result.stdout
    assert out.exists()
    code, items = _json(str(out))
    assert code == 0 and {i["code"] for i in items} == {"table.empty"}


def test_template_refuses_a_bad_name(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["template", "-o", str(tmp_path / "mau.csv")], env={"COLUMNS": "300"}
    )
    assert result.exit_code == 1
    assert "phải có đuôi .xlsx" in result.stdout

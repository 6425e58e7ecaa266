"""Last year's results workbook (or JSON) is accepted as history (DESIGN §7)."""

from __future__ import annotations

from pathlib import Path

from emulate.engine.run import score
from emulate.intake.read import read_reports
from emulate.output.resultjson import dumps_canonical, result_to_document
from emulate.rules.load import load_rules

EXAMPLE = Path(__file__).parent.parent / "examples" / "bao-cao-so-2025.xlsx"


def test_a_previous_result_counts_as_that_years_history(tmp_path: Path) -> None:
    rules = load_rules("vi-du-so")
    last_year = score(
        rules, read_reports([EXAMPLE], rules), year=2019
    )  # the example's history sheet covers 2020–2024
    previous = tmp_path / "ket-qua-2019.json"
    previous.write_bytes(dumps_canonical(result_to_document(last_year)))

    intake = read_reports([EXAMPLE], rules, history=[previous])
    assert not [d for d in intake.diagnostics if d.is_error]
    from_result = intake.history[intake.history["_file"] == str(previous)]
    awarded = last_year.decisions.query("status == 'awarded'")
    subjects = len(last_year.units) + len(last_year.people)
    assert len(from_result) == subjects
    assert set(from_result["year"]) == {2019}
    held = {(row.id, title) for row in from_result.itertuples() for title in row.titles}
    assert held == set(zip(awarded["subject"], awarded["title"]))

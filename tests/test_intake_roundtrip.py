"""A template filled programmatically reads back exactly the values written, every type."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from emulate.intake.read import read_reports, read_stamp
from emulate.intake.template import rules_digest
from tests.intake_support import HISTORY, PEOPLE, UNITS, make_rules, write_filled


def test_round_trip_every_field_type(tmp_path: Path) -> None:
    rules = make_rules()
    path = write_filled(tmp_path, rules)
    intake = read_reports([path], rules)
    assert [d.render() for d in intake.diagnostics] == []
    assert intake.units[list(UNITS[0])].to_dict("records") == UNITS
    assert intake.people[list(PEOPLE[0])].to_dict("records") == PEOPLE
    history = intake.history[["id", "year", "level", "titles"]].to_dict("records")
    assert history == [
        {"id": "00123", "year": 2024, "level": "HTXS", "titles": ("LDTT", "CSTDCS")},
        {"id": "00123", "year": 2023, "level": "HTXS", "titles": ("LDTT", "CSTDCS")},
        {"id": "P01", "year": 2024, "level": "HTXS", "titles": ("BK_TINH_TT",)},
    ]
    assert len(HISTORY) == 3


def test_round_trip_types_and_provenance(tmp_path: Path) -> None:
    rules = make_rules()
    path = write_filled(tmp_path, rules)
    intake = read_reports([path], rules)
    people = intake.people
    assert str(people["initiatives"].dtype) == "Int64"
    assert people["movement"].dtype == bool
    for key in (
        "id",
        "name",
        "unit",
        "level",
        "gender",
        "scope",
        "position",
        "months",
        "attendance",
        "joined",
    ):
        assert people[key].dtype == object, key
    assert all(isinstance(v, Decimal) for v in people["months"])
    assert isinstance(people["joined"].iloc[0], dt.date)
    assert people["id"].iloc[0] == "00123"  # leading zeros kept
    assert list(people["_row"]) == [5, 6, 7]
    assert set(people["_sheet"]) == {"Cá nhân"} and set(people["_file"]) == {str(path)}
    assert str(intake.where(people, 1, "months")) == f"{path}!Cá nhân!F6"
    assert intake.columns[(str(path), "Đơn vị")]["item:3"] == "H"


def test_stamp_round_trip(tmp_path: Path) -> None:
    rules = make_rules()
    path = write_filled(tmp_path, rules)
    stamp = read_stamp([path])
    assert stamp is not None
    assert (stamp.name, stamp.year, stamp.sha256) == ("Bộ thử", 2025, rules_digest(rules))
    assert read_reports([path], rules).stamp == stamp
    assert read_stamp([tmp_path / "khong-co.xlsx"]) is None


def test_folder_input_reads_every_workbook(tmp_path: Path) -> None:
    rules = make_rules()
    write_filled(tmp_path, rules)
    (tmp_path / "mau.xlsx").unlink()  # the blank template would add nothing but warnings
    intake = read_reports([tmp_path], rules)
    assert len(intake.people) == len(PEOPLE) and not intake.has_errors


def test_vi_du_so_template_round_trip(tmp_path: Path) -> None:
    from emulate.intake.template import fill, write_template
    from emulate.rules.load import load_rules

    rules = load_rules("vi-du-so")
    template = write_template(rules, tmp_path / "mau.xlsx", source="vi-du-so")
    unit = {"id": "S01", "name": "Văn phòng Sở", "cluster": "Khối kinh tế", "solidarity": True}
    unit.update({f"item:{i}": Decimal("9.5") for i in range(1, 9)})
    person = {"id": "0001", "name": "Đỗ Thị Ân", "unit": "S01", "level": "HTXS", "gender": "female"}
    person.update(birth_year=1990, months=Decimal("11.5"), initiative_scope="tỉnh")
    person.update(discipline="khiển trách", movement=False)
    path = fill(template, tmp_path / "r.xlsx", rules, {"units": [unit], "people": [person]})
    intake = read_reports([path], rules)
    assert not intake.has_errors, [d.render() for d in intake.diagnostics]
    got = intake.people.iloc[0]
    assert {k: got[k] for k in person} == person
    assert intake.units.iloc[0]["item:8"] == Decimal("9.5")
    assert intake.stamp is not None and intake.stamp.source == "vi-du-so"


def test_report_from_another_rule_set_is_flagged(tmp_path: Path) -> None:
    path = write_filled(tmp_path, make_rules())
    other = make_rules(name="Bộ thử năm sau", year=2026)
    intake = read_reports([path], other)
    (message,) = [d.render() for d in intake.diagnostics if d.code == "stamp.mismatch"]
    stamp, rules = rules_digest(make_rules())[:12], rules_digest(other)[:12]
    assert message == (
        f"{path}: File {path} được lập từ mẫu của bộ tiêu chí “Bộ thử” năm 2025 (dấu {stamp}…), "
        f"khác với bộ tiêu chí đang dùng (dấu {rules}…); hãy kiểm tra đơn vị đã dùng đúng mẫu của "
        "năm nay."
    )

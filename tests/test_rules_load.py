# ruff: noqa: E501  (exact messages are long)
"""The strict loader: one test per kind of problem, each with its exact message and place,
plus the built-in rule sets, `extends`, hashing and scalar resolution."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulate.diagnostics import EmulateError, Severity
from emulate.rules.load import (
    builtin_names,
    builtin_path,
    check_rules,
    check_rules_text,
    load_rules,
    load_rules_text,
)

BASE = """format: emulate/1
name: "Thử"
year: 2025
references:
  L2022: "Luật Thi đua, khen thưởng"
levels: {HTXS: "Xuất sắc", HTT: "Tốt", HT: "Hoàn thành", KHT: "Không hoàn thành"}
people:
  sheet: "Cá nhân"
  fields:
    gender: {header: "Giới tính", type: choice, values: {Nam: male, "Nữ": female}}
    initiatives: {header: "Sáng kiến", type: integer, default: 0}
    discipline: {header: "Kỷ luật", type: choice, ordered: true, values: ["không", "khiển trách", "cảnh cáo"], default: "không"}
titles:
  LDTT:
    name: "Lao động tiên tiến"
    for: people
    when: "level >= HTT"
    basis: "L2022 Điều 24"
"""


def t(when, scope="people", extra=""):
    return (
        BASE.replace(
            '    for: people\n    when: "level >= HTT"', f'    for: {scope}\n    when: "{when}"'
        )
        + extra
    )


CASES: dict[str, str] = {
    "duplicate_key": BASE.replace("year: 2025\n", "year: 2025\nyear: 2026\n"),
    "duplicate_key_invisible": BASE + "  LDTT\u200b:\n    name: x\n",
    "duplicate_key_nfc": BASE.replace(
        'values: {Nam: male, "Nữ": female}',
        'values: {Nam: male, "N\u1eef": female, "Nu\u031b\u0303": x}',
    ),
    "anchor": BASE.replace('name: "Thử"', 'name: &n "Thử"'),
    "alias": BASE.replace('name: "Thử"', 'name: &n "Thử"\ndescription: *n'),
    "merge_key": BASE + "  CSTDCS:\n    <<: {name: x}\n    for: people\n    when: LDTT\n",
    "tag_python": BASE.replace('name: "Thử"', 'name: !!python/object:os.system "Thử"'),
    "tag_custom": BASE.replace("year: 2025", "year: !foo 2025"),
    "tag_str": BASE.replace("year: 2025", "year: !!str 2025"),
    "multiple_documents": BASE + "---\nname: again\n",
    "tab": BASE.replace("  L2022:", "\tL2022:"),
    "syntax": BASE.replace('levels: {HTXS: "Xuất sắc",', 'levels: {HTXS: "Xuất sắc",,'),
    "empty": "",
    "not_mapping": "- a\n- b\n",
    "unknown_key_top": BASE.replace("year: 2025", "year: 2025\nrefrences: {}"),
    "unknown_key_title": BASE.replace(
        '    basis: "L2022 Điều 24"', '    basis: "L2022 Điều 24"\n    qouta: {count: 1}'
    ),
    "unknown_key_field": BASE.replace(
        'initiatives: {header: "Sáng kiến", type: integer, default: 0}',
        'initiatives: {header: "Sáng kiến", type: integer, defualt: 0}',
    ),
    "wrong_type_year": BASE.replace("year: 2025", "year: năm nay"),
    "wrong_type_name": BASE.replace('name: "Thử"', "name: 2025"),
    "bad_literal_for": BASE.replace("    for: people", "    for: person"),
    "bad_field_type": BASE.replace("type: integer", "type: int"),
    "float_like_decimal_ok_but_bad_date": BASE.replace(
        "year: 2025", "year: 2025\neffective: {from: 2025-13-01}"
    ),
    "missing_field": BASE.replace('    name: "Lao động tiên tiến"\n', ""),
    "missing_top": BASE.replace(
        'levels: {HTXS: "Xuất sắc", HTT: "Tốt", HT: "Hoàn thành", KHT: "Không hoàn thành"}\n', ""
    ),
    "quota_share_and_count": t("level >= HTT", extra="    quota: {share: 15%, count: 2}\n"),
    "quota_share_zero": t("level >= HTT", extra="    quota: {share: 0%}\n"),
    "quota_share_over": t("level >= HTT", extra="    quota: {share: 150%}\n"),
    "quota_count_zero": t("level >= HTT", extra="    quota: {count: 0}\n"),
    "quota_at_least_negative": t("level >= HTT", extra="    quota: {count: 1, at_least: -1}\n"),
    "quota_per": t("level >= HTT", extra="    quota: {count: 1, per: unti}\n"),
    "quota_of": t("level >= HTT", extra="    quota: {share: 15%, of: LDTX}\n"),
    "unknown_name": t("level >= HTT and initiative >= 1"),
    "members_in_people": t("count(level == HTXS) >= 1"),
    "person_only_in_units": t("female", scope="units"),
    "level_vs_number": t("level >= 3"),
    "unknown_choice": t('discipline >= \\"canh cao\\"'),
    "bool_vs_number": t("LDTT == 1", scope="people")
    .replace("  LDTT:\n", "  LDTT:\n", 1)
    .replace('when: "LDTT == 1"', 'when: "true == 1"'),
    "arithmetic_on_levels": t("level + 1 >= HTT"),
    "wrong_arity": t("streak(level == HTXS, 2) >= 2"),
    "history_in_members": t("count(streak(LDTT) >= 2) >= 1", scope="units"),
    "not_allowed_attribute": t("level.upper() == HTT"),
    "condition_syntax": t("level >="),
    "not_boolean": t("initiatives"),
    "title_cycle": BASE.replace('    when: "level >= HTT"', '    when: "level >= HTT and CSTDCS"')
    + '  CSTDCS:\n    name: "CSTĐCS"\n    for: people\n    when: "LDTT"\n    basis: "L2022 Điều 23"\n',
    "one_of_cycle": BASE.replace(
        "titles:\n",
        'titles:\n  CSTDCS:\n    name: "CSTĐCS"\n    for: people\n    when: "LDTT"\n    basis: "L2022 Điều 23"\n',
    )
    + "one_of: [[CSTDCS, LDTT]]\n",
    "one_of_unknown": BASE + "one_of: [[LDTT, LDTX]]\n",
    "one_of_scope": BASE
    + '  TTLDTT:\n    name: "TT"\n    for: units\n    when: "share(LDTT) > 50%"\n    basis: "L2022 Điều 28"\none_of: [[LDTT, TTLDTT]]\n',
    "missing_reference": BASE.replace('basis: "L2022 Điều 24"', 'basis: "L2020 Điều 24"'),
    "levels_empty": BASE.replace(
        'levels: {HTXS: "Xuất sắc", HTT: "Tốt", HT: "Hoàn thành", KHT: "Không hoàn thành"}',
        "levels: {}",
    ),
    "money_base": BASE + "    money: 0.3\n",
    "empty_name": BASE.replace('name: "Lao động tiên tiến"', 'name: "  "'),
    "band_level": BASE.replace(
        "titles:", 'units:\n  sheet: "Đơn vị"\n  bands: {XS: "true"}\ntitles:'
    ),
    "band_condition": BASE.replace(
        "titles:", 'units:\n  sheet: "Đơn vị"\n  bands: {HTXS: "score >= 90"}\ntitles:'
    ),
    "check_condition": BASE
    + 'checks:\n  CAP:\n    for: people\n    per: [unit]\n    require: "level == HTXS"\n',
    "order_expression": t("level >= HTT", extra="    quota: {count: 1}\n    order: [levle]\n"),
    "choice_default": BASE.replace('default: "không"}', 'default: "khong"}'),
    "leading_zero": BASE.replace("year: 2025", "year: 02025"),
    "extends_unknown_builtin": "extends: nationl\n" + BASE,
}


EXPECTED: dict[str, list[tuple[str, str]]] = {
    "duplicate_key": [
        ("yaml.duplicate_key", "bad.yaml:4:1: duplicate key 'year' (first at line 3)")
    ],
    "duplicate_key_invisible": [
        ("yaml.duplicate_key", "bad.yaml:19:3: duplicate key 'LDTT' (first at line 14)")
    ],
    "duplicate_key_nfc": [
        ("yaml.duplicate_key", "bad.yaml:10:83: duplicate key 'Nữ' (first at line 10)")
    ],
    "anchor": [
        ("yaml.anchor", "bad.yaml:2:7: YAML anchors are not allowed ('&n'): write the value out")
    ],
    "alias": [
        ("yaml.anchor", "bad.yaml:2:7: YAML anchors are not allowed ('&n'): write the value out"),
        ("yaml.alias", "bad.yaml:3:14: YAML aliases are not allowed ('*n'): write the value out"),
    ],
    "merge_key": [
        (
            "yaml.merge",
            "bad.yaml:20:5: merge keys '<<' are not allowed: write the keys out (or use 'extends')",
        ),
        ("rules.missing_key", "bad.yaml:20:5: missing required key 'name' in titles.CSTDCS"),
    ],
    "tag_python": [
        ("yaml.tag", "bad.yaml:2:7: YAML tags are not allowed ('!!python/object:os.system')")
    ],
    "tag_custom": [("yaml.tag", "bad.yaml:3:7: YAML tags are not allowed ('!foo')")],
    "tag_str": [("yaml.tag", "bad.yaml:3:7: YAML tags are not allowed ('!!str')")],
    "multiple_documents": [
        (
            "yaml.multiple_documents",
            "bad.yaml:19:1: the file holds more than one YAML document ('---'); use one",
        )
    ],
    "tab": [("yaml.tab", "bad.yaml:5:1: tab character; indent with spaces")],
    "syntax": [
        (
            "yaml.syntax",
            "bad.yaml:6:27: YAML syntax error: expected the node content, but found ','",
        )
    ],
    "empty": [("yaml.empty", "bad.yaml: the file is empty")],
    "not_mapping": [
        (
            "rules.not_mapping",
            "bad.yaml:1:1: a criteria file must be a mapping (key: value) at the top level",
        )
    ],
    "unknown_key_top": [
        (
            "rules.unknown_key",
            "bad.yaml:4:1: unknown key 'refrences' in the criteria file (did you mean 'references'?)",
        )
    ],
    "unknown_key_title": [
        (
            "rules.unknown_key",
            "bad.yaml:19:5: unknown key 'qouta' in titles.LDTT (did you mean 'quota'?)",
        )
    ],
    "unknown_key_field": [
        (
            "rules.unknown_key",
            "bad.yaml:11:55: unknown key 'defualt' in people.fields.initiatives (did you mean 'default'?)",
        )
    ],
    "wrong_type_year": [
        (
            "rules.invalid",
            "bad.yaml:3:7: invalid value of 'year': must be a whole number (got 'năm nay')",
        )
    ],
    "wrong_type_name": [
        (
            "rules.invalid",
            "bad.yaml:2:7: invalid value of 'name': must be text (put it in quotes) (got 2025)",
        )
    ],
    "bad_literal_for": [
        (
            "rules.invalid",
            "bad.yaml:16:10: invalid value of 'titles.LDTT.for': must be one of: 'people' or 'units' (got 'person')",
        )
    ],
    "bad_field_type": [
        (
            "rules.invalid",
            "bad.yaml:11:46: invalid value of 'people.fields.initiatives.type': must be one of: 'id', 'text', 'integer', 'number', 'percent', 'boolean', 'date', 'choice' or 'level' (got 'int')",
        )
    ],
    "float_like_decimal_ok_but_bad_date": [
        (
            "rules.invalid",
            "bad.yaml:4:19: invalid value of 'effective.from': must be a date written YYYY-MM-DD (got '2025-13-01')",
        )
    ],
    "missing_field": [
        ("rules.missing_key", "bad.yaml:15:5: missing required key 'name' in titles.LDTT")
    ],
    "missing_top": [
        ("rules.missing_key", "bad.yaml:1:1: missing required key 'levels' in the criteria file")
    ],
    "quota_share_and_count": [
        (
            "rules.invalid",
            "bad.yaml:19:12: invalid value of 'titles.LDTT.quota': quota needs exactly one of 'share' or 'count'",
        )
    ],
    "quota_share_zero": [
        (
            "rules.quota_share",
            "bad.yaml:19:20: quota share of LDTT must be above 0% and at most 100% (got 0%)",
        )
    ],
    "quota_share_over": [
        (
            "rules.quota_share",
            "bad.yaml:19:20: quota share of LDTT must be above 0% and at most 100% (got 150%)",
        )
    ],
    "quota_count_zero": [
        ("rules.quota_count", "bad.yaml:19:20: quota count of LDTT must be at least 1 (got 0)")
    ],
    "quota_at_least_negative": [
        ("rules.quota_at_least", "bad.yaml:19:33: 'at_least' of LDTT must not be negative (got -1)")
    ],
    "quota_per": [
        (
            "rules.quota_per",
            "bad.yaml:19:28: 'per: unti' of LDTT is not a field of people (did you mean 'unit'?)",
        )
    ],
    "quota_of": [
        (
            "condition.unknown_name",
            "bad.yaml:19:29: unknown name 'LDTX' in condition of LDTT (did you mean 'LDTT'?)",
        )
    ],
    "unknown_name": [
        (
            "condition.unknown_name",
            "bad.yaml:17:29: unknown name 'initiative' in condition of LDTT (did you mean 'initiatives'?)",
        )
    ],
    "members_in_people": [
        (
            "condition.members_in_people",
            "bad.yaml:17:12: 'count()' counts the members of a unit and cannot be used in a condition for people (condition of LDTT)",
        )
    ],
    "person_only_in_units": [
        (
            "condition.person_only",
            "bad.yaml:17:12: 'female' is a property of a person and cannot be used in a condition for units (use 'female_share') (condition of LDTT)",
        )
    ],
    "level_vs_number": [
        (
            "condition.type_compare",
            "bad.yaml:17:12: cannot compare a level with a number: 'level >= 3' (condition of LDTT)",
        )
    ],
    "unknown_choice": [
        (
            "condition.unknown_choice",
            "bad.yaml:17:26: 'canh cao' is not a value of 'discipline' (allowed: \"không\", \"khiển trách\", \"cảnh cáo\") (did you mean 'cảnh cáo'?) (condition of LDTT)",
        )
    ],
    "bool_vs_number": [
        (
            "condition.type_compare",
            "bad.yaml:17:12: cannot compare a yes/no value with a number: 'true == 1' (condition of LDTT)",
        )
    ],
    "arithmetic_on_levels": [
        (
            "condition.arithmetic",
            "bad.yaml:17:12: arithmetic is not allowed on a level: 'level + 1' (condition of LDTT)",
        )
    ],
    "wrong_arity": [
        (
            "condition.arity",
            "bad.yaml:17:12: 'streak' takes 1 argument(s), got 2 (condition of LDTT)",
        )
    ],
    "history_in_members": [
        (
            "condition.nested",
            "bad.yaml:17:18: 'streak()' cannot be used inside 'count()' (condition of LDTT)",
        )
    ],
    "not_allowed_attribute": [
        (
            "condition.not_allowed",
            "bad.yaml:17:12: 'level.upper(...)' is not allowed in the condition of LDTT",
        )
    ],
    "condition_syntax": [
        ("condition.syntax", "bad.yaml:17:12: syntax error in condition of LDTT: invalid syntax")
    ],
    "not_boolean": [
        (
            "condition.not_boolean",
            "bad.yaml:17:12: condition of LDTT must be true or false; 'initiatives' is a number",
        )
    ],
    "title_cycle": [
        (
            "rules.title_cycle",
            "bad.yaml:14:3: titles depend on each other in a cycle: LDTT → CSTDCS → LDTT",
        )
    ],
    "one_of_cycle": [
        (
            "rules.title_cycle",
            "bad.yaml:14:3: titles depend on each other in a cycle: CSTDCS → LDTT → CSTDCS",
        )
    ],
    "one_of_unknown": [
        (
            "rules.one_of_unknown",
            "bad.yaml:19:17: 'one_of' names an unknown title 'LDTX' (did you mean 'LDTT'?)",
        )
    ],
    "one_of_scope": [
        (
            "rules.one_of_scope",
            "bad.yaml:24:10: a 'one_of' group mixes people and unit titles: LDTT, TTLDTT",
        )
    ],
    "missing_reference": [
        (
            "rules.missing_reference",
            "bad.yaml:18:13: basis 'L2020 Điều 24' cites 'L2020', which is missing from 'references' (did you mean 'L2022'?)",
        ),
        ("rules.unused_reference", "bad.yaml:5:3: reference 'L2022' is not cited by any basis"),
    ],
    "levels_empty": [("rules.levels_empty", "bad.yaml:6:9: 'levels' must list at least one level")],
    "money_base": [
        (
            "rules.money_base",
            "bad.yaml:19:5: titles have 'money' but 'money.base' (the base salary) is missing",
        )
    ],
    "empty_name": [("rules.empty_name", "bad.yaml:15:12: the name of LDTT must not be empty")],
    "band_level": [
        (
            "rules.band_level",
            "bad.yaml:15:11: 'bands' uses level 'XS', which is not in 'levels' (did you mean 'HTXS'?)",
        )
    ],
    "band_condition": [
        (
            "condition.no_points",
            "bad.yaml:15:18: 'score' needs a points table, but units have none (condition of units.bands.HTXS)",
        )
    ],
    "check_condition": [
        (
            "condition.check_row_name",
            "bad.yaml:23:15: in a check, 'level' must be inside count(), share() or all() (condition of CAP)",
        )
    ],
    "order_expression": [
        (
            "condition.unknown_name",
            "bad.yaml:20:13: unknown name 'levle' in condition of LDTT (did you mean 'level'?)",
        )
    ],
    "choice_default": [
        (
            "rules.choice_default",
            'bad.yaml:12:122: the default \'khong\' of \'discipline\' is not one of its values ("không", "khiển trách", "cảnh cáo")',
        )
    ],
    "leading_zero": [
        (
            "yaml.leading_zero",
            "bad.yaml:3:7: '02025' has a leading zero, so it is unclear whether it is a number or text: write 2025 for a number, or quote it (\"02025\") for a code or text",
        )
    ],
    "extends_unknown_builtin": [
        (
            "rules.unknown_builtin",
            "bad.yaml:1:10: no built-in rule set 'nationl' (there are: national, vi-du-so) (did you mean 'national'?)",
        )
    ],
}


def test_every_case_has_an_expectation() -> None:
    assert set(CASES) == set(EXPECTED)
    assert len(CASES) >= 25


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_criteria_file(name: str) -> None:
    with pytest.raises(EmulateError) as info:
        load_rules_text(CASES[name], "bad.yaml")
    got = [(d.code, d.render("en")) for d in info.value.diagnostics]
    assert got == EXPECTED[name]


def test_messages_are_vietnamese_by_default() -> None:
    with pytest.raises(EmulateError) as info:
        load_rules_text(CASES["unknown_name"], "criteria.yaml")
    (d,) = info.value.diagnostics
    assert d.render() == (
        "criteria.yaml:17:29: tên 'initiative' không tồn tại trong điều kiện của LDTT "
        "(có phải 'initiatives'?)"
    )
    with pytest.raises(EmulateError) as info:
        load_rules_text(CASES["duplicate_key"], "criteria.yaml")
    assert info.value.diagnostics[0].render() == (
        "criteria.yaml:4:1: khóa 'year' bị lặp (lần đầu ở dòng 3)"
    )


def test_all_problems_are_collected() -> None:
    text = CASES["unknown_key_title"].replace("year: 2025", "year: 2025\nyear: 2026")
    text = text.replace('when: "level >= HTT"', 'when: "level >= 3"')
    with pytest.raises(EmulateError) as info:
        load_rules_text(text, "bad.yaml")
    codes = [d.code for d in info.value.diagnostics]
    # an unknown key does not stop the checks of conditions
    assert codes == ["yaml.duplicate_key", "rules.unknown_key", "condition.type_compare"]
    # a wrong type does: conditions are compiled against a valid model only
    text = text.replace("    qouta: {count: 1}\n", "").replace("for: people", "for: persons")
    with pytest.raises(EmulateError) as info:
        load_rules_text(text, "bad.yaml")
    codes = [d.code for d in info.value.diagnostics]
    assert codes == ["yaml.duplicate_key", "rules.invalid"]
    text = BASE.replace('when: "level >= HTT"', 'when: "level >= 3"').replace(
        'basis: "L2022 Điều 24"', 'basis: "X Điều 1"'
    )
    with pytest.raises(EmulateError) as info:
        load_rules_text(text, "bad.yaml")
    codes = [d.code for d in info.value.diagnostics]
    assert codes == ["condition.type_compare", "rules.missing_reference", "rules.unused_reference"]


def test_unused_reference_is_a_warning() -> None:
    text = BASE.replace(
        '  L2022: "Luật Thi đua, khen thưởng"', '  L2022: "Luật"\n  ND99: "Nghị định"'
    )
    rules, diags = check_rules_text(text, "ok.yaml")
    assert rules is not None
    assert [(d.severity, d.render("en")) for d in diags] == [
        (Severity.WARNING, "ok.yaml:6:3: reference 'ND99' is not cited by any basis")
    ]
    assert load_rules_text(text, "ok.yaml").name == "Thử"


def test_scalars_are_resolved_exactly_never_floats() -> None:
    text = BASE + (
        "    money: 0.3\n"
        "    note: no\n"
        "money: {base: 2340000, round_up_to: 1e4}\n"
        "effective: {from: 2025-07-01, to: null}\n"
        "tests:\n"
        "  - name: t\n"
        '    people: [{id: "007", x: 0.1, y: 70%, z: ~, w: TRUE, v: 1.50}]\n'
    )
    rules = load_rules_text(text, "ok.yaml")
    assert rules.titles["LDTT"].money == Decimal("0.3")
    assert rules.titles["LDTT"].note == "no"
    assert rules.money is not None and rules.money.round_up_to == Decimal("1e4")
    assert str(rules.effective.from_) == "2025-07-01"  # type: ignore[union-attr]
    person = rules.tests[0].people[0]
    assert person == {
        "id": "007",
        "x": Decimal("0.1"),
        "y": "70%",
        "z": None,
        "w": True,
        "v": Decimal("1.50"),
    }
    assert not any(isinstance(v, float) for v in person.values())


def test_strings_are_nfc_and_keys_cleaned() -> None:
    decomposed = "Lao \u0111o\u0302\u0323ng tie\u0302n tie\u0302\u0301n"
    text = BASE.replace('name: "Lao động tiên tiến"', f'name: "{decomposed}"')
    text = text.replace("  LDTT:\n", "  LDTT\u200b:\n").replace("year:", "\ufeffyear:")
    rules = load_rules_text(text, "ok.yaml")
    assert rules.titles["LDTT"].name == "Lao động tiên tiến"


def test_file_size_is_capped() -> None:
    text = BASE + "description: " + "x" * 1_000_001 + "\n"
    with pytest.raises(EmulateError) as info:
        load_rules_text(text, "big.yaml")
    assert [d.code for d in info.value.diagnostics] == ["yaml.too_large"]


def test_builtins() -> None:
    assert {"national", "vi-du-so"} <= set(builtin_names())
    assert builtin_path("national").name == "national.yaml"
    national = load_rules("national")
    assert national.year == 2025
    assert national.source == "national.yaml"
    assert national.sha256 == _sha(builtin_path("national").read_bytes())
    assert list(national.levels) == ["HTXS", "HTT", "HT", "KHT"]
    assert all(t.basis for t in national.titles.values())
    rules, diags = check_rules(builtin_path("national"))
    assert rules is not None and diags == []


def test_extends_merges_maps_and_replaces_lists(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text(
        BASE + "one_of: []\nnominations: {sort: [unit, name], positions: [a, b]}\n",
        encoding="utf-8",
    )
    child = (
        "extends: base.yaml\n"
        "name: Con\n"
        "titles:\n"
        '  LDTT: {when: "level == HTXS"}\n'
        "nominations: {positions: [c]}\n"
    )
    (tmp_path / "child.yaml").write_text(child, encoding="utf-8")
    rules = load_rules(tmp_path / "child.yaml")
    assert rules.name == "Con"
    assert rules.titles["LDTT"].when == "level == HTXS"
    assert rules.titles["LDTT"].name == "Lao động tiên tiến"
    assert rules.nominations.positions == ("c",)
    assert rules.nominations.sort == ("unit", "name")
    # the hash is of the merged content: a second child with the same effect hashes the same
    (tmp_path / "same.yaml").write_text("# same rules\n" + child, encoding="utf-8")
    assert load_rules(tmp_path / "same.yaml").sha256 == rules.sha256
    assert rules.sha256 != _sha((tmp_path / "child.yaml").read_bytes())


def test_parent_problems_name_the_parent_file(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text(CASES["unknown_name"], encoding="utf-8")
    (tmp_path / "child.yaml").write_text("extends: base.yaml\nyear: 2026\n", encoding="utf-8")
    with pytest.raises(EmulateError) as info:
        load_rules(tmp_path / "child.yaml")
    (d,) = info.value.diagnostics
    assert d.where.file is not None and d.where.file.endswith("base.yaml")
    assert (d.where.line, d.where.col) == (17, 29)


def test_extends_cycle(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("extends: b.yaml\n" + BASE, encoding="utf-8")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\nyear: 2024\n", encoding="utf-8")
    with pytest.raises(EmulateError) as info:
        load_rules(tmp_path / "a.yaml")
    assert [d.render("en").split(": ", 1)[1] for d in info.value.diagnostics] == [
        "'extends' forms a cycle: a → b → a"
    ]


def test_extends_missing_file(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("extends: ./khong-co.yaml\n" + BASE, encoding="utf-8")
    with pytest.raises(EmulateError) as info:
        load_rules(tmp_path / "a.yaml")
    assert [d.code for d in info.value.diagnostics] == ["rules.file_missing"]


def test_missing_file() -> None:
    with pytest.raises(EmulateError) as info:
        load_rules("khong-co-tep-nay.yaml")
    assert info.value.diagnostics[0].code == "rules.file_missing"


def test_example_extends_national() -> None:
    rules = load_rules("vi-du-so")
    national = load_rules("national")
    assert list(rules.titles) == list(national.titles)
    assert [g.max for g in rules.units.score] == [30, 25, 25, 20]
    assert sum(g.max for g in rules.units.score) == 100
    assert rules.titles["CO_TINH"].order[0] == "score"
    assert rules.titles["LDTT"] == national.titles["LDTT"]


def test_show_round_trips() -> None:
    from emulate.cli.criteria import dump_rules

    for name in ("national", "vi-du-so"):
        rules = load_rules(name)
        again = load_rules_text(dump_rules(rules), "show.yaml")
        assert again.model_dump() == rules.model_dump()


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


yaml_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-5, 3000),
        st.text(max_size=12),
        st.sampled_from(["70%", "level >= HTT", "L2022 Điều 1", "people", "units", "2025-07-01"]),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.sampled_from(
                [
                    "name",
                    "year",
                    "levels",
                    "titles",
                    "for",
                    "when",
                    "quota",
                    "share",
                    "count",
                    "per",
                    "of",
                    "people",
                    "units",
                    "fields",
                    "header",
                    "type",
                    "values",
                    "bands",
                    "one_of",
                    "checks",
                    "require",
                    "money",
                    "base",
                    "extends",
                    "references",
                    "x",
                ]
            ),
            children,
            max_size=5,
        ),
    ),
    max_leaves=20,
)


def _mutate(text: str, data: st.DataObject) -> str:
    for _ in range(data.draw(st.integers(0, 4))):
        i = data.draw(st.integers(0, len(text)))
        piece = data.draw(
            st.sampled_from(
                [
                    "\t",
                    ":",
                    "- ",
                    "&a ",
                    "*a",
                    "<<: ",
                    "!!str ",
                    "---\n",
                    "\n  ",
                    '"',
                    "{",
                    "]",
                    "%",
                    "\u200b",
                    "0.1",
                    "012",
                    "not ",
                    "(",
                    "LDTT",
                    "x: 1\n",
                ]
            )
        )
        text = text[:i] + piece + text[i:]
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_loading_returns_rules_or_emulate_error(data: st.DataObject) -> None:
    kind = data.draw(st.integers(0, 2))
    if kind == 0:
        text = data.draw(st.text(max_size=200))
    elif kind == 1:
        text = _mutate(BASE, data)
    else:
        text = yaml.safe_dump(data.draw(yaml_values), allow_unicode=True)
    try:
        rules = load_rules_text(text, "fuzz.yaml")
    except EmulateError as exc:
        assert exc.diagnostics
        assert all(d.is_error or d.severity is Severity.WARNING for d in exc.diagnostics)
    else:
        assert rules.sha256 is not None

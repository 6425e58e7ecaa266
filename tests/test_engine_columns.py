"""The whole-column building blocks of the engine against plain loops: history bit sets,
lookups, exact sort ranks, placement, shared explanations, the rule-test fast path."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulate.engine.quota import dense_ranks
from emulate.engine.run import Outcome, outcome, score
from emulate.engine.testcases import case_intake, compare
from emulate.engine.titles import compile_rules
from emulate.intake.model import Intake
from emulate.rules.colops import history, lookup, prepare_years
from emulate.rules.load import load_rules
from emulate.rules.model import TestCase
from emulate.rules.model import TestCase as Case

THIS_YEAR = 2025

history_rows = st.lists(
    st.tuples(
        st.integers(-1, 4),  # subject position, -1: not a subject of the scope
        st.integers(-2, 90),  # years back (negative: after this year; 62+: too far for a bit)
        st.booleans(),  # the condition held that year
    ),
    max_size=40,
)


def _naive(fname: str, rows: list[tuple[int, int, bool]], n: int, last: int | None) -> list:
    out: list = []
    for s in range(n):
        back = {b for subject, b, held in rows if subject == s and held and b >= 0}
        if fname == "ever":
            out.append(bool(back))
        elif fname == "years":
            assert last is not None
            out.append(sum(1 for b in back if b < last))
        else:
            k = 0
            while k in back:
                k += 1
            out.append(k)
    return out


@settings(max_examples=300, deadline=None)
@given(history_rows, st.sampled_from(["ever", "years", "streak"]), st.sampled_from([1, 3, 5, 70]))
def test_history_functions_agree_with_plain_loops(rows, fname: str, last: int) -> None:
    n = 5
    subject = np.array([s for s, _, _ in rows], dtype=np.intp)
    year = np.array([THIS_YEAR - b for _, b, _ in rows], dtype=np.int64)
    cond = np.array([h for _, _, h in rows], dtype=bool)
    years = prepare_years(subject, year, THIS_YEAR)
    got = history(fname, cond, years, n, last if fname == "years" else None)
    assert got.data.tolist() == _naive(fname, rows, n, last if fname == "years" else None)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(["A", "B", "C", "D", "E", None]), max_size=300),
    st.lists(st.sampled_from(["A", "C", "E", "F"]), unique=True),
)
def test_lookup_agrees_with_a_dict(keys: list, ids: list) -> None:
    where = {v: i for i, v in enumerate(ids)}
    expected = [where.get(k, -1) if k is not None else -1 for k in keys]
    keys_array = np.array([*keys, None], dtype=object)[:-1]  # runs of equal keys included
    got = lookup(keys_array, np.array([*ids, None], dtype=object)[:-1])
    assert got.tolist() == expected


def test_dense_ranks_are_exact_and_put_blanks_last() -> None:
    values = np.array(
        [Decimal("0.7"), Fraction(7, 10), None, 1, Decimal("0.69999"), Fraction(1, 3)],
        dtype=object,
    )
    ranks = dense_ranks(values)
    assert ranks[0] == ranks[1]  # 0.7 == 7/10 exactly
    assert ranks[3] > ranks[0] > ranks[4] > ranks[5] > ranks[2] == -1
    ascending = dense_ranks(values, descending=False)
    assert ascending[5] > ascending[4] > ascending[0] == ascending[1] > ascending[3]
    assert ascending[2] == -1  # blanks last either way


@pytest.fixture(scope="module")
def national():
    return load_rules("national")


def test_identical_explanations_are_one_object(national) -> None:
    (case,) = [c for c in national.tests if c.name.startswith("2. CSTĐCS: 20 LĐTT")]
    d = score(national, case_intake(national, case)).decisions
    reasons = d["reasons"].tolist()
    assert len({id(r) for r in reasons}) == len(set(reasons))


def test_duplicate_ids_keep_the_first_row_and_report_the_others(national) -> None:
    case = Case(
        name="dup",
        units=({"id": "D1", "level": "HT"},),
        people=(
            {"id": "B", "unit": "D1", "level": "HTT", "gender": "Nam"},
            {"id": "A", "unit": "D1", "level": "HTXS", "gender": "Nam"},
            {"id": "B", "unit": "D1", "level": "KHT", "gender": "Nam"},
        ),
    )
    result = score(national, case_intake(national, case))
    assert result.people["id"].tolist() == ["A", "B"]
    assert result.people["level"].tolist() == ["HTXS", "HTT"]
    duplicates = [d for d in result.diagnostics if d.code == "engine.duplicate_subject"]
    assert [d.render("en") for d in duplicates] == [
        "Id B appears more than once; only the first row is used. Fix the duplicate."
    ]


def test_the_rule_test_path_decides_as_score_does(national) -> None:
    """`outcome` (no frames, no explanations) against the full result, on every worked case
    of the national rule set and on them all at once."""
    compiled = compile_rules(national)
    intakes = [case_intake(national, c) for c in national.tests]
    for case, intake in zip(national.tests, intakes, strict=True):
        full = score(national, intake, year=case.year, compiled=compiled)
        fast = outcome(national, intake, year=case.year, compiled=compiled)
        assert fast == Outcome.of(full)
        assert compare(case, fast, None) == compare(case, full, None) == []  # type: ignore[arg-type]
        lean = score(national, intake, year=case.year, compiled=compiled, explain=False)
        columns = ["subject", "title", "status", "rank", "places", "pool", "money"]
        assert lean.decisions[columns].equals(full.decisions[columns])
        assert set(lean.decisions["reasons"]) == {()}


def test_a_round_with_nobody(national) -> None:
    empty = case_intake(national, TestCase(name="none"))
    result = score(national, Intake(units=empty.units, people=empty.people, history=empty.history))
    assert len(result.decisions) == 0
    assert result.units.empty and result.people.empty


def test_many_history_rows_per_subject_in_any_order(national) -> None:
    """History rows in any order (not grouped by subject) give the same decisions."""
    (case,) = [c for c in national.tests if c.name.startswith("5. CSTĐ tỉnh: CSTĐCS 2023")]
    intake = case_intake(national, case)
    shuffled = intake.history.sample(frac=1.0, random_state=3).reset_index(drop=True)
    again = Intake(units=intake.units, people=intake.people, history=shuffled)
    columns = ["subject", "title", "status", "reasons", "achievement"]
    first = score(national, intake).decisions[columns]
    second = score(national, again).decisions[columns]
    assert first.equals(second)
    assert isinstance(first, pd.DataFrame)

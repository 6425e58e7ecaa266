"""The condition language: exact diagnostics, vectorised evaluation against a naive
row-by-row evaluator, exact shares, history functions, checks and sort expressions."""

from __future__ import annotations

import contextlib
import operator
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulate.diagnostics import EmulateError, Where
from emulate.rules.conditions import (
    ConditionError,
    compile_check,
    compile_condition,
    compile_expression,
)
from emulate.rules.load import load_rules
from emulate.rules.model import RuleSet
from tests.fakectx import FakeContext

RULES: RuleSet = load_rules("national")
POINTS: RuleSet = load_rules("vi-du-so")
RANK = {"HTXS": 3, "HTT": 2, "HT": 1, "KHT": 0}
DISCIPLINE = ["không", "khiển trách", "cảnh cáo", "cách chức", "buộc thôi việc"]
WHERE = Where(file="criteria.yaml", line=41, col=12)


def messages(source: str, scope: str = "people", rules: RuleSet = RULES) -> list[str]:
    with pytest.raises(ConditionError) as info:
        compile_condition(source, scope, rules, owner="CSTDCS", where=WHERE)  # type: ignore[arg-type]
    return [d.render("en") for d in info.value.diagnostics]


# ------------------------------------------------------------------------------ diagnostics


@pytest.mark.parametrize(
    ("source", "scope", "expected"),
    [
        (
            "LDTT and initiative >= 1",
            "people",
            "criteria.yaml:41:21: unknown name 'initiative' in condition of CSTDCS "
            "(did you mean 'initiatives'?)",
        ),
        (
            "share(LDTT) >= 70%",
            "people",
            "criteria.yaml:41:12: 'share()' counts the members of a unit and cannot be used in "
            "a condition for people (condition of CSTDCS)",
        ),
        (
            "female_share >= 70%",
            "people",
            "criteria.yaml:41:12: 'female_share' counts the members of a unit and cannot be used "
            "in a condition for people (condition of CSTDCS)",
        ),
        (
            "female and level == HTXS",
            "units",
            "criteria.yaml:41:12: 'female' is a property of a person and cannot be used in a "
            "condition for units (use 'female_share') (condition of CSTDCS)",
        ),
        (
            "initiatives >= 1",
            "units",
            "criteria.yaml:41:12: 'initiatives' is a property of a person and cannot be used in "
            "a condition for units (use 'share(initiatives ...)' or 'all(...)') "
            "(condition of CSTDCS)",
        ),
        (
            "level >= 2",
            "people",
            "criteria.yaml:41:12: cannot compare a level with a number: 'level >= 2' "
            "(condition of CSTDCS)",
        ),
        (
            'initiative_scope >= "tinh"',
            "people",
            "criteria.yaml:41:32: 'tinh' is not a value of 'initiative_scope' (allowed: "
            '"không có", "cơ sở", "tỉnh", "toàn quốc") (did you mean \'tỉnh\'?) '
            "(condition of CSTDCS)",
        ),
        (
            "movement > 0",
            "people",
            "criteria.yaml:41:12: cannot compare a yes/no value with a number: 'movement > 0' "
            "(condition of CSTDCS)",
        ),
        (
            "level - 1 == HT",
            "people",
            "criteria.yaml:41:12: arithmetic is not allowed on a level: 'level - 1' "
            "(condition of CSTDCS)",
        ),
        (
            "ever(CSTDCS, LDTT)",
            "people",
            "criteria.yaml:41:12: 'ever' takes 1 argument(s), got 2 (condition of CSTDCS)",
        ),
        (
            "all(streak(LDTT) >= 2)",
            "units",
            "criteria.yaml:41:16: 'streak()' cannot be used inside 'all()' (condition of CSTDCS)",
        ),
        (
            "streak(count(LDTT) >= 1) >= 2",
            "units",
            "criteria.yaml:41:19: 'count()' cannot be used inside 'streak()' (condition of CSTDCS)",
        ),
        (
            'gender > "Nam"',
            "people",
            "criteria.yaml:41:12: 'gender > \"Nam\"': a choice has no order; only == and != can "
            "be used (condition of CSTDCS)",
        ),
        (
            "level == HTXS or score >= 90",
            "units",
            "criteria.yaml:41:29: 'score' needs a points table, but units have none "
            "(condition of CSTDCS)",
        ),
        (
            "open('x')",
            "people",
            "criteria.yaml:41:12: unknown function 'open' in condition of CSTDCS",
        ),
        (
            "().__class__",
            "people",
            "criteria.yaml:41:12: 'a.b' is not allowed in the condition of CSTDCS",
        ),
        (
            "[x for x in y]",
            "people",
            "criteria.yaml:41:12: 'ListComp' is not allowed in the condition of CSTDCS",
        ),
        (
            "level ==",
            "people",
            "criteria.yaml:41:12: syntax error in condition of CSTDCS: invalid syntax",
        ),
        (
            "years(LDTT, last=0) >= 1",
            "people",
            "criteria.yaml:41:12: invalid argument of 'years': needs 'last=N', N a positive "
            "integer, e.g. years(CSTDCS, last=5) (condition of CSTDCS)",
        ),
        (
            "ever(initiatives >= 1)",
            "people",
            "criteria.yaml:41:17: inside a history function only 'level', level codes and title "
            "ids can be used, not 'initiatives' (condition of CSTDCS)",
        ),
        (
            "ever(TTLDXS)",
            "people",
            "criteria.yaml:41:17: unknown name 'TTLDXS' in condition of CSTDCS (TTLDXS is a "
            "title for units)",
        ),
        (
            "TTLDXS",
            "people",
            "criteria.yaml:41:12: unknown name 'TTLDXS' in condition of CSTDCS (TTLDXS is a "
            "title for units)",
        ),
    ],
)
def test_condition_diagnostics(source: str, scope: str, expected: str) -> None:
    assert messages(source, scope) == [expected]


def test_vietnamese_message_and_several_problems() -> None:
    with pytest.raises(ConditionError) as info:
        compile_condition("initiative >= 1 and levl >= HTT", "people", RULES, owner="CSTDCS")
    assert [d.render() for d in info.value.diagnostics] == [
        "tên 'initiative' không tồn tại trong điều kiện của CSTDCS (có phải 'initiatives'?)",
        "tên 'levl' không tồn tại trong điều kiện của CSTDCS (có phải 'level'?)",
    ]
    assert isinstance(info.value, EmulateError)


def test_names_of_a_points_table_only_with_one() -> None:
    compile_condition('score >= 90 and group("I") >= 25', "units", POINTS)
    assert messages('group("V") > 1', "units", POINTS) == [
        "criteria.yaml:41:18: invalid argument of 'group': no group 'V' (groups: I, II, III, "
        "IV) (condition of CSTDCS)"
    ]


def test_titles_and_clauses() -> None:
    c = compile_condition(RULES.titles["TTLDXS"].when, "units", RULES)
    assert c.titles == {"LDTT", "CSTDCS"}
    assert c.clauses == (
        "level == HTXS",
        "all(level >= HT)",
        "share(LDTT) >= 70%",
        "count(CSTDCS) >= 1",
        "solidarity",
    )
    bk = compile_condition(RULES.titles["BK_TTG_CN"].when, "people", RULES)
    assert bk.titles == {"BK_TINH_CN", "CSTDCS"}


# ------------------------------------------------------------------------------ evaluation


def people_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, index=[f"P{i:02d}" for i in range(len(rows))])
    if "initiatives" in frame:
        frame["initiatives"] = frame["initiatives"].astype("Int64")
    return frame


def unit_members(levels: list[str], ldtt: int, cstdcs: int) -> pd.DataFrame:
    rows = [
        {"unit": "U1", "level": lvl, "LDTT": i < ldtt, "CSTDCS": i < cstdcs, "gender": "male"}
        for i, lvl in enumerate(levels)
    ]
    return people_frame(rows)


@pytest.mark.parametrize(
    ("levels", "ldtt", "cstdcs", "expected"),
    [
        (["HTXS"] + ["HTT"] * 6 + ["HT"] * 3, 7, 1, True),  # exactly 70% passes
        (["HTXS"] + ["HTT"] * 5 + ["HT"] * 4, 6, 1, False),  # 60%
        (["HTXS"] + ["HTT"] * 6 + ["HT", "HT", "KHT"], 7, 1, False),  # one KHT
        (["HTXS"] + ["HTT"] * 6 + ["HT"] * 3, 7, 0, False),  # no CSTĐCS
    ],
)
def test_ttldxs(levels: list[str], ldtt: int, cstdcs: int, expected: bool) -> None:
    units = pd.DataFrame({"level": ["HTXS"], "solidarity": [True]}, index=["U1"])
    ctx = FakeContext("units", units, people=unit_members(levels, ldtt, cstdcs))
    c = compile_condition(RULES.titles["TTLDXS"].when, "units", RULES)
    assert c.evaluate(ctx).tolist() == [expected]
    explained = {r.text: r for r in c.explain(ctx)}
    assert explained["share(LDTT) >= 70%"].seen.tolist() == [Fraction(ldtt, 10)]  # type: ignore[union-attr]
    assert explained["level == HTXS"].seen.tolist() == ["HTXS"]  # type: ignore[union-attr]
    assert explained["solidarity"].seen is None


def test_share_strictly_more_than_half() -> None:
    units = pd.DataFrame({"level": ["HTT", "HTT"], "solidarity": [True, True]}, index=["U1", "U2"])
    people = people_frame(
        [{"unit": "U1", "LDTT": i < 5} for i in range(10)]
        + [{"unit": "U2", "LDTT": i < 6} for i in range(10)]
    )
    c = compile_condition(RULES.titles["TTLDTT"].when, "units", RULES)
    assert c.evaluate(FakeContext("units", units, people=people)).tolist() == [False, True]


def test_a_unit_without_members_has_no_share() -> None:
    units = pd.DataFrame({"level": ["HTT"], "solidarity": [True]}, index=["U9"])
    people = people_frame([{"unit": "U1", "LDTT": True}])
    ctx = FakeContext("units", units, people=people)
    assert compile_condition("share(LDTT) >= 0%", "units", RULES).evaluate(ctx).tolist() == [False]
    assert compile_condition("size() == 0", "units", RULES).evaluate(ctx).tolist() == [True]


def test_people_fields_missing_values_are_false() -> None:
    people = people_frame(
        [
            {"level": "HTT", "movement": True, "months": Decimal(12)},
            {"level": None, "movement": True, "months": Decimal(12)},
            {"level": "HTXS", "movement": True, "months": None},
            {"level": "HTXS", "movement": True, "months": Decimal("5.5")},
        ]
    )
    c = compile_condition(RULES.titles["LDTT"].when, "people", RULES)
    assert c.evaluate(FakeContext("people", people)).tolist() == [True, False, False, False]


def test_choice_labels_and_values_and_female() -> None:
    people = people_frame(
        [
            {"gender": "female", "initiative_scope": "tỉnh", "discipline": "không"},
            {"gender": "male", "initiative_scope": "cơ sở", "discipline": "cảnh cáo"},
            {"gender": None, "initiative_scope": None, "discipline": None},
        ]
    )
    ctx = FakeContext("people", people)

    def ev(src: str) -> list[bool]:
        return compile_condition(src, "people", RULES).evaluate(ctx).tolist()

    assert ev('gender == "Nữ"') == [True, False, False]
    assert ev('gender == "female"') == [True, False, False]
    assert ev("female") == [True, False, False]
    assert ev('initiative_scope >= "tỉnh"') == [True, False, False]
    assert ev('"tỉnh" <= initiative_scope') == [True, False, False]
    assert ev('discipline >= "khiển trách"') == [False, True, False]
    assert ev('discipline in ["cảnh cáo", "cách chức"]') == [False, True, False]
    assert ev('not discipline in ["cảnh cáo"]') == [True, False, True]


def history_ctx(rows: list[tuple[str, int, str, list[str]]], subjects: list[str]) -> FakeContext:
    titles = sorted({t for *_, ts in rows for t in ts})
    hist = pd.DataFrame(
        [
            {"id": s, "year": y, "level": lvl, **{t: t in ts for t in titles}}
            for s, y, lvl, ts in rows
        ],
        columns=["id", "year", "level", *titles],
    )
    frame = pd.DataFrame({"level": ["HTXS"] * len(subjects)}, index=subjects)
    return FakeContext("people", frame, history=hist, year=2025)


def test_streak_years_ever_and_window() -> None:
    ctx = history_ctx(
        [
            ("A", 2023, "HTXS", ["CSTDCS"]),
            ("A", 2024, "HTXS", ["CSTDCS"]),
            ("A", 2025, "HTXS", ["CSTDCS"]),
            ("B", 2022, "HTXS", ["CSTDCS"]),
            ("B", 2023, "HTT", []),
            ("B", 2024, "HTXS", ["CSTDCS"]),
            ("B", 2025, "HTXS", ["CSTDCS", "BK_TINH_CN"]),
            ("C", 2024, "HTT", ["CSTDCS"]),  # no row this year: no streak
        ],
        ["A", "B", "C", "D"],
    )

    def ev(src: str) -> list[Any]:
        return compile_condition(src, "people", RULES).evaluate(ctx).tolist()

    assert ev("streak(CSTDCS) >= 3") == [True, False, False, False]
    assert ev("streak(CSTDCS) >= 2") == [True, True, False, False]
    assert ev("streak(level >= HTT) >= 4") == [False, True, False, False]
    assert ev("years(CSTDCS, last=3) >= 2") == [True, True, False, False]
    assert ev("years(CSTDCS, last=4) >= 3") == [True, True, False, False]
    assert ev("ever(BK_TINH_CN)") == [False, True, False, False]
    explained = compile_condition("streak(CSTDCS) >= 3", "people", RULES).explain(ctx)
    assert explained[0].seen.tolist() == [3, 2, 0, 0]  # type: ignore[union-attr]


def test_check_per_group() -> None:
    rows = [{"unit": "U1", "level": "HTT"}] * 15 + [{"unit": "U1", "level": "HTXS"}] * 4
    rows += [{"unit": "U2", "level": "HTT"}] * 10 + [{"unit": "U2", "level": "HTXS"}] * 2
    people = people_frame(rows)
    check = compile_check(RULES.checks["HTXS_CAP"].require, "people", RULES, owner="HTXS_CAP")
    ctx = FakeContext("people", people)
    assert check.evaluate(ctx, people["unit"]).to_dict() == {"U1": False, "U2": True}
    left, right = check.explain(ctx, people["unit"])
    assert left is not None and right is not None
    assert left.to_dict() == {"U1": 4, "U2": 2}
    assert right.to_dict() == {"U1": 3, "U2": 2}


def test_check_needs_aggregates() -> None:
    with pytest.raises(ConditionError) as info:
        compile_check("level == HTXS", "people", RULES, owner="X")
    assert [d.render("en") for d in info.value.diagnostics] == [
        "in a check, 'level' must be inside count(), share() or all() (condition of X)"
    ]


def test_expressions_sort_values() -> None:
    people = people_frame(
        [
            {"level": "HTT", "initiatives": 2, "gender": "female", "initiative_scope": "tỉnh"},
            {"level": "HTXS", "initiatives": None, "gender": "male", "initiative_scope": None},
        ]
    )
    ctx = FakeContext("people", people)

    def ev(src: str) -> tuple[bool, list[Any]]:
        e = compile_expression(src, "people", RULES)
        return e.descending, e.evaluate(ctx).tolist()

    assert ev("level") == (True, [2, 3])
    assert ev("-initiatives") == (False, [2, None])
    assert ev("female") == (True, [1, 0])
    assert ev("initiative_scope") == (True, [2, pd.NA])
    with pytest.raises(ConditionError):
        compile_expression("name", "people", RULES)
    units = pd.DataFrame({"level": ["HTXS"]}, index=["U1"])
    members = people_frame([{"unit": "U1", "gender": g} for g in ["female"] * 3 + ["male"]])
    e = compile_expression("female_share >= 70%", "units", RULES)
    assert e.evaluate(FakeContext("units", units, people=members)).tolist() == [1]


# ------------------------------------------------------------------------------ properties

OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
Row = dict[str, Any]
Leaf = tuple[str, Callable[[Row], bool]]


def _cmp(op: str, a: Any, b: Any) -> bool:
    return a is not None and b is not None and OPS[op](a, b)


def _frac(v: Any) -> Any:
    return None if v is None else Fraction(v)


ops = st.sampled_from(sorted(OPS))
levels = st.sampled_from(list(RANK))


@st.composite
def people_leaf(draw: st.DrawFn) -> Leaf:
    kind = draw(st.integers(0, 6))
    op = draw(ops)
    if kind == 0:
        lvl = draw(levels)
        return f"level {op} {lvl}", lambda r: _cmp(op, RANK.get(r["level"]), RANK[lvl])
    if kind == 1:
        n = draw(st.integers(-1, 4))
        return f"initiatives {op} {n}", lambda r: _cmp(op, r["initiatives"], n)
    if kind == 2:
        pct = draw(st.integers(0, 120))
        return (
            f"months * 2 / 3 {op} {pct}%",
            lambda r: _cmp(
                op,
                None if r["months"] is None else Fraction(r["months"]) * 2 / 3,
                Fraction(pct, 100),
            ),
        )
    if kind == 3:
        return "movement", lambda r: bool(r["movement"])
    if kind == 4:
        return "LDTT", lambda r: bool(r["LDTT"])
    if kind == 5:
        v = draw(st.sampled_from(DISCIPLINE))
        pos = DISCIPLINE.index(v)
        return (
            f'discipline {op} "{v}"',
            lambda r: _cmp(
                op, None if r["discipline"] is None else DISCIPLINE.index(r["discipline"]), pos
            ),
        )
    n = draw(st.integers(0, 20))
    return (
        f"initiatives + months {op} {n}",
        lambda r: _cmp(
            op,
            None
            if r["initiatives"] is None or r["months"] is None
            else r["initiatives"] + Fraction(r["months"]),
            n,
        ),
    )


def combine(children: st.SearchStrategy[Leaf]) -> st.SearchStrategy[Leaf]:
    def both(a: Leaf, b: Leaf, word: str) -> Leaf:
        fa, fb = a[1], b[1]
        fn = (lambda r: fa(r) and fb(r)) if word == "and" else (lambda r: fa(r) or fb(r))
        return f"({a[0]}) {word} ({b[0]})", fn

    def neg(a: Leaf) -> Leaf:
        fa = a[1]
        return f"not ({a[0]})", lambda r: not fa(r)

    return st.one_of(
        st.builds(both, children, children, st.sampled_from(["and", "or"])),
        st.builds(neg, children),
    )


people_conditions = st.recursive(people_leaf(), combine, max_leaves=6)

person_rows = st.fixed_dictionaries(
    {
        "unit": st.sampled_from(["U1", "U2", "U3"]),
        "level": st.one_of(st.none(), levels),
        "initiatives": st.one_of(st.none(), st.integers(0, 4)),
        "months": st.one_of(
            st.none(), st.decimals(0, 12, places=1, allow_nan=False, allow_infinity=False)
        ),
        "movement": st.booleans(),
        "LDTT": st.booleans(),
        "discipline": st.one_of(st.none(), st.sampled_from(DISCIPLINE)),
    }
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cond=people_conditions, rows=st.lists(person_rows, min_size=1, max_size=12))
def test_people_conditions_agree_with_a_naive_evaluator(cond: Leaf, rows: list[Row]) -> None:
    source, naive = cond
    frame = people_frame(rows)
    got = compile_condition(source, "people", RULES).evaluate(FakeContext("people", frame))
    assert got.tolist() == [naive(r) for r in rows]


@st.composite
def unit_leaf(draw: st.DrawFn) -> tuple[str, Callable[[str, list[Row]], bool]]:
    kind = draw(st.integers(0, 4))
    inner_src, inner = draw(people_conditions)
    op = draw(ops)
    if kind == 0:
        n = draw(st.integers(0, 5))
        return (
            f"count({inner_src}) {op} {n}",
            lambda u, rows: _cmp(op, sum(inner(r) for r in rows if r["unit"] == u), n),
        )
    if kind == 1:
        pct = draw(st.integers(0, 100))

        def share(u: str, rows: list[Row]) -> bool:
            mine = [r for r in rows if r["unit"] == u]
            if not mine:
                return False
            return _cmp(op, Fraction(sum(inner(r) for r in mine), len(mine)), Fraction(pct, 100))

        return f"share({inner_src}) {op} {pct}%", share
    if kind == 2:
        return (
            f"all({inner_src})",
            lambda u, rows: all(inner(r) for r in rows if r["unit"] == u),
        )
    if kind == 3:
        return (
            f"any({inner_src})",
            lambda u, rows: any(inner(r) for r in rows if r["unit"] == u),
        )
    n = draw(st.integers(0, 5))
    return (
        f"size() {op} {n}",
        lambda u, rows: _cmp(op, sum(r["unit"] == u for r in rows), n),
    )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cond=unit_leaf(), rows=st.lists(person_rows, min_size=0, max_size=12))
def test_member_functions_agree_with_a_naive_evaluator(
    cond: tuple[str, Callable[[str, list[Row]], bool]], rows: list[Row]
) -> None:
    source, naive = cond
    units = pd.DataFrame({"level": ["HTT"] * 3}, index=["U1", "U2", "U3"])
    people = people_frame(rows) if rows else pd.DataFrame(columns=list(person_rows_keys()))
    ctx = FakeContext("units", units, people=people)
    got = compile_condition(source, "units", RULES).evaluate(ctx)
    assert got.tolist() == [naive(u, rows) for u in ["U1", "U2", "U3"]]


def person_rows_keys() -> list[str]:
    return ["unit", "level", "initiatives", "months", "movement", "LDTT", "discipline"]


history_rows = st.lists(
    st.tuples(
        st.sampled_from(["A", "B"]),
        st.integers(2019, 2025),
        st.one_of(st.none(), levels),
        st.booleans(),
    ),
    max_size=14,
)


@settings(max_examples=80, deadline=None)
@given(
    rows=history_rows,
    lvl=levels,
    op=ops,
    n=st.integers(0, 6),
    last=st.integers(1, 7),
)
def test_history_functions_agree_with_a_naive_evaluator(
    rows: list[tuple[str, int, str | None, bool]], lvl: str, op: str, n: int, last: int
) -> None:
    seen: dict[tuple[str, int], tuple[str | None, bool]] = {}
    for s, y, level, held in rows:
        seen.setdefault((s, y), (level, held))  # one row per subject and year
    ctx = history_ctx(
        [
            (s, y, level or "KHT", ["CSTDCS"] if held else [])
            for (s, y), (level, held) in seen.items()
        ],
        ["A", "B", "C"],
    )
    levels_of = {k: (v[0] or "KHT") for k, v in seen.items()}

    def holds(s: str, y: int) -> bool:
        return (s, y) in seen and _cmp(op, RANK[levels_of[(s, y)]], RANK[lvl])

    def streak(s: str) -> int:
        k = 0
        while holds(s, 2025 - k):
            k += 1
        return k

    src = f"streak(level {op} {lvl}) >= {n}"
    got = compile_condition(src, "people", RULES).evaluate(ctx).tolist()
    assert got == [streak(s) >= n for s in ["A", "B", "C"]]
    src = f"years(CSTDCS, last={last}) >= {n}"
    got = compile_condition(src, "people", RULES).evaluate(ctx).tolist()
    expected = [
        sum(1 for (t, y), (_, held) in seen.items() if t == s and held and y > 2025 - last) >= n
        for s in ["A", "B", "C"]
    ]
    assert got == expected


@settings(max_examples=300, deadline=None)
@given(
    source=st.one_of(
        st.text(max_size=60),
        st.lists(
            st.sampled_from(
                [
                    "level",
                    "HTXS",
                    ">=",
                    "==",
                    "and",
                    "or",
                    "not",
                    "(",
                    ")",
                    "count(",
                    "share(",
                    "streak(",
                    "years(",
                    "last=",
                    ",",
                    "70%",
                    "1",
                    "0.5",
                    '"cơ sở"',
                    "female",
                    "LDTT",
                    "initiatives",
                    "+",
                    "*",
                    "/",
                    "-",
                    "[",
                    "]",
                    "in",
                    "size()",
                    "group(",
                    "true",
                    "x.y",
                    "%",
                    "score",
                    "female_share",
                    "lambda",
                    ":",
                    "'",
                    "\\",
                ]
            ),
            max_size=12,
        ).map(" ".join),
    ),
    scope=st.sampled_from(["people", "units", "history"]),
)
def test_compiling_never_raises_anything_but_condition_errors(source: str, scope: str) -> None:
    for compile_fn in (compile_condition, compile_expression):
        with contextlib.suppress(ConditionError):
            compile_fn(source, scope, POINTS)  # type: ignore[arg-type]
    if scope != "history":
        with contextlib.suppress(ConditionError):
            compile_check(source, scope, POINTS)  # type: ignore[arg-type]

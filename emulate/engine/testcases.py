"""Running the `tests:` written inside a rule set (OpenFisca-style YAML tests).

A case lists units, people and history rows as plain values keyed by field id (points items
under `points: {item id: value}`), and what it expects: the exact set of awarded titles per
subject, statuses, total prize money per subject, and which checks fire.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from emulate.diagnostics import Catalogue, Diagnostic, Where
from emulate.rules.model import FieldSpec, RuleSet, Scope, TestCase

if TYPE_CHECKING:
    import pandas as pd
    from pandas.api.extensions import ExtensionArray

    from emulate.engine.result import Result
    from emulate.engine.run import Outcome
    from emulate.intake.model import Intake

MESSAGES = Catalogue(
    {
        "test.failed": (
            "error",
            "Ca kiểm thử '{case}': {subject} — mong đợi {expected}, nhận được {got}.",
            "Test case '{case}': {subject} — expected {expected}, got {got}.",
        ),
        "test.bad_input": (
            "error",
            "Ca kiểm thử '{case}': {problem}",
            "Test case '{case}': {problem}",
        ),
    }
)


HISTORY = ["id", "year", "level", "titles"]


@dataclass(frozen=True)
class TestReport:
    __test__ = False  # not a pytest class
    passed: int = 0
    failures: list[Diagnostic] = field(default_factory=list)


def run_rule_tests(rules: RuleSet) -> TestReport:
    """Score each test case with the engine and compare with its expectations.

    Each failure is an error diagnostic naming the rule-set file and the case, saying what was
    expected and what was got.
    """
    from emulate.engine.run import outcome
    from emulate.engine.titles import compile_rules

    compiled = compile_rules(rules)
    where = Where(file=rules.source)
    passed = 0
    failures: list[Diagnostic] = []
    for case in rules.tests:
        try:
            intake = case_intake(rules, case)
        except ValueError as problem:
            failures.append(
                MESSAGES.make("test.bad_input", where, case=case.name, problem=str(problem))
            )
            continue
        # statuses, money and checks are what a case expects: no explanations, no frames
        found = compare(case, outcome(rules, intake, year=case.year, compiled=compiled), where)
        failures.extend(found)
        passed += not found
    return TestReport(passed=passed, failures=failures)


def compare(case: TestCase, result: Result | Outcome, where: Where) -> list[Diagnostic]:
    """Every difference between what the case expects and what the engine decided."""
    from emulate.engine.run import Outcome

    got = result if isinstance(result, Outcome) else Outcome.of(result)
    failures: list[Diagnostic] = []

    def fail(subject: str, expected: object, got: object) -> None:
        failures.append(
            MESSAGES.make(
                "test.failed",
                where,
                case=case.name,
                subject=subject,
                expected=expected,
                got=got,
            )
        )

    for subject, titles in case.expect.items():
        awarded = sorted(got.awarded.get(subject, []))
        if sorted(titles) != awarded:
            fail(subject, _titles(sorted(titles)), _titles(awarded))
    for subject, per_title in case.status.items():
        for title, status in per_title.items():
            got_status = got.status.get((subject, title), "—")
            if got_status != status:
                fail(f"{subject} / {title}", status, got_status)
    for subject, total in case.money.items():
        got_total = got.money.get(subject, Decimal(0))
        if got_total != total:
            fail(f"{subject} (tiền thưởng)", _plain(total), _plain(got_total))
    if case.checks is not None:
        fired = sorted(set(got.checks_failed))
        if sorted(case.checks) != fired:
            fail("checks", _titles(sorted(case.checks)), _titles(fired))
    return failures


def _titles(ids: list[str]) -> str:
    return "[" + ", ".join(ids) + "]" if ids else "[]"


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def case_intake(rules: RuleSet, case: TestCase) -> Intake:
    """Typed frames from a case's plain values, following `rules.context` conventions."""
    from emulate.intake.model import Intake

    units = _frame(rules, "units", case.units)
    people = _frame(rules, "people", case.people)
    return Intake(units=units, people=people, history=_history(case))


def _history(case: TestCase) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    rows = [
        {
            "id": str(row["id"]),
            "year": int(row["year"]),
            "level": row.get("level"),
            "titles": tuple(row.get("titles") or ()),
        }
        for row in case.history
    ]
    if not rows:  # the frame pandas makes of no rows (all `object`), without its inference
        return pd.DataFrame(np.empty((0, len(HISTORY)), dtype=object), columns=HISTORY)
    return pd.DataFrame(rows, columns=HISTORY)


def _frame(rules: RuleSet, scope: Scope, rows: tuple[dict[str, Any], ...]) -> pd.DataFrame:
    fields = rules.fields(scope)
    spec = rules.subject(scope)
    columns: dict[str, list[Any]] = {name: [] for name in fields}
    items = [item for group in spec.score for item in group.items]
    for item in items:
        columns[f"item:{item.id}"] = []
    for extra in ("bonus", "penalty"):
        if getattr(spec, extra) is not None:
            columns[extra] = []
    for row in rows:
        unknown = set(row) - set(fields) - {"points", "bonus", "penalty"}
        if unknown:
            raise ValueError(f"unknown field(s) {sorted(unknown)} in {scope}")
        for name, field_spec in fields.items():
            columns[name].append(_typed(row.get(name), field_spec, name, rules))
        points = row.get("points") or {}
        for item in items:
            value = points.get(item.id, item.default)
            columns[f"item:{item.id}"].append(None if value is None else Decimal(str(value)))
        for extra in ("bonus", "penalty"):
            adjustment = getattr(spec, extra)
            if adjustment is not None:
                value = row.get(extra, adjustment.default)
                columns[extra].append(None if value is None else Decimal(str(value)))
    kinds = {name: spec_.type for name, spec_ in fields.items()}
    return _assemble(columns, kinds, len(rows))


def _assemble(columns: dict[str, list[Any]], kinds: dict[str, str], n: int) -> pd.DataFrame:
    """One frame: the object columns as one block (no per-column inference: text stays
    `object`), then the `Int64` and `boolean` columns put in their places."""
    import numpy as np
    import pandas as pd

    masked = [name for name in columns if kinds.get(name) in ("integer", "boolean")]
    plain = [name for name in columns if name not in masked]
    block = np.empty((n, len(plain)), dtype=object)
    for j, name in enumerate(plain):
        for i, value in enumerate(columns[name]):
            block[i, j] = value
    frame = pd.DataFrame(block, columns=plain, dtype=object)
    for name in masked:
        frame.insert(list(columns).index(name), name, _masked(columns[name], kinds[name]))
    return frame


def _masked(values: list[Any], kind: str) -> ExtensionArray:
    """`Int64` (integers) or `boolean` values, None as missing, built directly: `pd.array`
    would inspect every value again."""
    import numpy as np
    from pandas.arrays import BooleanArray, IntegerArray

    mask = np.array([v is None for v in values], dtype=bool)
    if kind == "integer":
        return IntegerArray(np.array([v or 0 for v in values], dtype=np.int64), mask)
    return BooleanArray(np.array([bool(v) for v in values], dtype=bool), mask)


def _typed(value: Any, spec: FieldSpec, name: str, rules: RuleSet) -> Any:
    """A plain YAML value as the engine expects it (choice labels → stored values)."""
    if value is None:
        value = spec.default
    if value is None:
        return None
    if spec.type in ("id", "text"):
        return str(value)
    if spec.type == "level":
        code = str(value)
        labels = {label: c for c, label in rules.levels.items()}
        code = labels.get(code, code)
        if code not in rules.levels:
            raise ValueError(f"{name}: unknown level {value!r}")
        return code
    if spec.type == "choice":
        mapping = spec.choice_map()
        text = str(value)
        if text in mapping:
            return mapping[text]
        if text in mapping.values():
            return text
        raise ValueError(f"{name}: {value!r} is not one of {list(mapping)}")
    if spec.type in ("number", "percent"):
        if isinstance(value, str) and value.strip().endswith("%"):
            return Decimal(value.strip()[:-1]) / 100
        return Decimal(str(value))
    if spec.type == "integer":
        return int(value)
    if spec.type == "boolean":
        if isinstance(value, bool):
            return value
        raise ValueError(f"{name}: {value!r} is not true/false")
    if spec.type == "date":
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return value

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
    import pandas as pd

    from emulate.intake.model import Intake

    units = _frame(rules, "units", case.units)
    people = _frame(rules, "people", case.people)
    history_rows = [
        {
            "id": str(row["id"]),
            "year": int(row["year"]),
            "level": row.get("level"),
            "titles": tuple(row.get("titles") or ()),
        }
        for row in case.history
    ]
    history = pd.DataFrame(history_rows, columns=["id", "year", "level", "titles"])
    return Intake(units=units, people=people, history=history)


def _frame(rules: RuleSet, scope: Scope, rows: tuple[dict[str, Any], ...]) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

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
    typed = {
        name: {"integer": "Int64", "boolean": "boolean"}[spec_.type]
        for name, spec_ in fields.items()
        if spec_.type in ("integer", "boolean")
    }
    # the object columns as one block (one frame, no per-column inference), then the others
    plain = [name for name in columns if name not in typed]
    block = np.empty((len(rows), len(plain)), dtype=object)
    for j, name in enumerate(plain):
        for i, value in enumerate(columns[name]):
            block[i, j] = value
    frame = pd.DataFrame(block, columns=plain, dtype=object)
    for name, dtype in typed.items():
        frame[name] = pd.array(columns[name], dtype=dtype)
    return frame[list(columns)] if typed else frame


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

"""Many workbooks: reading them in worker processes gives exactly the serial result (frames,
their dtypes, diagnostics in the same order), whatever the order the workers finish in; a
progress hook sees every file, history files included."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from emulate.intake.book import FileTask
from emulate.intake.read import PARALLEL_MIN_BYTES, _workers, read_reports
from tests.intake_support import (
    HISTORY,
    PEOPLE,
    UNITS,
    assert_same_intake,
    make_rules,
    write_filled,
)

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _relabelled(rows: list[dict[str, Any]], prefix: str, keys: tuple[str, ...]) -> list[dict]:
    return [{**row, **{k: prefix + str(row[k]) for k in keys if row.get(k)}} for row in rows]


def _people(prefix: str, count: int) -> list[dict[str, Any]]:
    """`count` people per unit of UNITS, cycling through PEOPLE's values."""
    out = []
    for i in range(count):
        base = PEOPLE[i % len(PEOPLE)]
        unit = UNITS[i % len(UNITS)]["id"]
        out.append({**base, "id": f"{prefix}{i:04d}", "unit": f"{prefix}{unit}"})
    return out


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Three reports of different sizes (the largest first, so it finishes last), one with
    data problems, a copy of the second, and an old .xls: every kind of per-file finding."""
    tmp = tmp_path_factory.mktemp("many")
    rules = make_rules()
    paths = []
    for k, count in enumerate((400, 40, 3)):
        prefix = f"F{k}-"
        people = _people(prefix, count)
        if k == 1:  # a bad cell, a blank required cell, a note: diagnostics in this file
            people[0] = {**people[0], "months": Decimal(13)}
            people[1] = {**people[1], "level": None}
            people[2] = {**people[2], "name": "  Trần  Văn  Đức "}
        paths.append(
            write_filled(
                tmp,
                rules,
                name=f"bao-cao-{k}.xlsx",
                units=_relabelled(UNITS, prefix, ("id",)),
                people=people,
                history=_relabelled(HISTORY, prefix, ("id",)),
            )
        )
    copy = tmp / "ban-sao.xlsx"
    copy.write_bytes(paths[1].read_bytes())
    old = tmp / "cu.xls"
    old.write_bytes(OLE2 + b"\0" * 600)
    return [*paths, copy, old]


def test_workers_read_exactly_what_one_process_reads(reports: list[Path]) -> None:
    rules = make_rules()
    history = [reports[2]]  # a report given again as history: its history sheet only
    serial = read_reports(reports, rules, history=history, jobs=1)
    parallel = read_reports(reports, rules, history=history, jobs=2)
    assert_same_intake(serial, parallel)
    assert len(serial.people) == 443
    assert [d.code for d in serial.diagnostics if d.where.file == str(reports[3])] == [
        "input.same_file"
    ]
    assert [i.path for i in serial.inputs] == [str(p) for p in (*reports[:3], reports[4])]
    codes = [d.code for d in serial.diagnostics if d.is_error]
    assert codes.count("cell.out_of_range") == 1 and codes.count("cell.required") == 1
    assert "file.xls" in codes and "input.same_file" in codes


def test_file_order_not_finishing_order_decides(reports: list[Path]) -> None:
    rules = make_rules()
    forward = read_reports(reports[:3], rules, jobs=3)
    backward = read_reports(reports[2::-1], rules, jobs=1)
    assert forward.people["id"].iloc[0] == "F0-0000"
    assert backward.people["id"].iloc[0] == "F2-0000"
    assert sorted(forward.people["id"]) == sorted(backward.people["id"])


def _progress(reports: list[Path], jobs: int) -> list[tuple[int, int]]:
    calls: list[tuple[int, int]] = []
    read_reports(
        reports[:2],
        make_rules(),
        history=[reports[2]],
        jobs=jobs,
        progress=lambda done, total: calls.append((done, total)),
    )
    return calls


def test_progress_counts_every_file_history_included(reports: list[Path]) -> None:
    assert _progress(reports, 1) == [(1, 3), (2, 3), (3, 3)]
    assert _progress(reports, 2) == [(1, 3), (2, 3), (3, 3)]


def test_compact_frames(reports: list[Path]) -> None:
    intake = read_reports(reports[:3], make_rules(), jobs=1)
    for frame in (intake.units, intake.people, intake.history):
        assert isinstance(frame["_file"].dtype, pd.CategoricalDtype)
        assert list(frame["_file"].cat.categories) == [str(p) for p in reports[:3]]
        assert isinstance(frame["_sheet"].dtype, pd.CategoricalDtype)
        assert frame["_row"].dtype == "int32"
        assert list(frame.columns[-3:]) == ["_file", "_sheet", "_row"]
        assert list(frame.index) == list(range(len(frame)))
    assert str(intake.history["year"].dtype) == "Int16"
    assert intake.history["level"].dtype == object
    assert str(intake.people["initiatives"].dtype) == "Int64"
    assert intake.people["movement"].dtype == bool
    assert intake.people["_row"].tolist()[:2] == [5, 6]
    assert intake.where(intake.people, 401, "months").cell == "F6"


def test_jobs_must_be_positive(reports: list[Path]) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        read_reports(reports[:1], make_rules(), jobs=0)


def test_workers_only_when_worth_it(tmp_path: Path) -> None:
    small = [FileTask(tmp_path / f"{i}.xlsx", f"{i}.xlsx") for i in range(3)]
    for task in small:
        task.path.write_bytes(b"x" * 1000)
    assert _workers(small, None) == 1  # a few KB: starting processes costs more
    assert _workers(small[:1], 4) == 1  # one file: nothing to share
    assert _workers(small, 2) == 2
    assert _workers(small, 8) == 3  # never more workers than files
    bigs = [tmp_path / f"big{i}.xlsx" for i in range(2)]
    for big in bigs:
        with big.open("wb") as f:
            f.truncate(PARALLEL_MIN_BYTES)
    tasks = [FileTask(big, big.name) for big in bigs]
    assert _workers([*tasks, *small], None) == min(os.cpu_count() or 1, 5)
    # one report and a small history file: the report's sheets are shared instead
    assert _workers([tasks[0], *small], None) == 1


def test_workers_that_cannot_run_leave_the_files_to_this_process(
    reports: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A script without the `__main__` guard that `spawn` needs, or a killed worker, breaks
    the pool: the files not read yet are read here, and the result is the same."""
    from concurrent.futures.process import BrokenProcessPool

    from emulate.intake import pool
    from emulate.intake.book import read_file

    def one_then_broken(tasks: list[FileTask], rules: Any, workers: int) -> Any:
        yield 1, read_file(tasks[1], rules)
        raise BrokenProcessPool("a worker could not start")

    monkeypatch.setattr(pool, "_from_workers", one_then_broken)
    rules = make_rules()
    calls: list[tuple[int, int]] = []
    broken = read_reports(
        reports[:3], rules, jobs=2, progress=lambda done, total: calls.append((done, total))
    )
    assert_same_intake(broken, read_reports(reports[:3], rules, jobs=1))
    assert calls == [(1, 3), (2, 3), (3, 3)]

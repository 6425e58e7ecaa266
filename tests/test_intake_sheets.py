"""The sheets of one workbook shared between this process and workers: exactly the serial
result (frames, their dtypes, diagnostics in the same order) for the examples and a
generated workbook, whichever way the workers start, when one dies, when a sheet cannot be
read; and workers only when they pay, ended when reading ends."""

from __future__ import annotations

import multiprocessing
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from emulate.intake import pool, read
from emulate.intake.book import FileTask, SheetJob, read_sheets
from emulate.intake.grid import Workbook
from emulate.intake.layout import history_specs, specs
from emulate.intake.read import FORKED_MIN_BYTES, _idle_cores, _sheet_workers, read_reports
from emulate.rules.load import load_rules
from emulate.rules.model import RuleSet
from tests.intake_support import PEOPLE, assert_same_intake, make_rules, write_filled

EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report of a few hundred people with a bad cell, a blank required cell and a note."""
    people = [{**PEOPLE[i % len(PEOPLE)], "id": f"G{i:04d}"} for i in range(300)]
    people[7] = {**people[7], "months": Decimal(13)}
    people[8] = {**people[8], "level": None}
    people[9] = {**people[9], "name": "  Trần  Văn  Đức "}
    return write_filled(tmp_path_factory.mktemp("sheets"), make_rules(), people=people)


CASES = {
    "example": (EXAMPLES / "bao-cao-so-2025.xlsx", "vi-du-so"),
    "errors": (EXAMPLES / "bao-cao-loi.xlsx", "vi-du-so"),
    "errors-national": (EXAMPLES / "bao-cao-loi.xlsx", "national"),
}


def _case(name: str, generated: Path) -> tuple[Path, RuleSet]:
    if name == "generated":
        return generated, make_rules()
    path, rules = CASES[name]
    return path, load_rules(rules)


@pytest.fixture
def received(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many sheets each answer of a worker held (a worker that died: -1)."""
    seen: list[int] = []
    receive = pool.SheetWorkers._receive

    def spy(self: pool.SheetWorkers, worker: int) -> Any:
        got = receive(self, worker)
        seen.append(-1 if got is None else len(got))
        return got

    monkeypatch.setattr(pool.SheetWorkers, "_receive", spy)
    return seen


@pytest.mark.parametrize("case", [*CASES, "generated"])
@pytest.mark.parametrize("jobs", [2, 3])
def test_sheet_workers_read_exactly_what_one_process_reads(
    case: str, jobs: int, generated: Path, received: list[int]
) -> None:
    path, rules = _case(case, generated)
    serial = read_reports([path], rules, jobs=1)
    assert received == []
    shared = read_reports([path], rules, jobs=jobs)
    assert_same_intake(serial, shared)
    assert received and all(n > 0 for n in received)  # workers did read sheets
    assert multiprocessing.active_children() == []  # the workers have ended


def test_generated_workbook_has_findings(generated: Path) -> None:
    intake = read_reports([generated], make_rules(), jobs=2)
    codes = [d.code for d in intake.diagnostics]
    assert "cell.out_of_range" in codes and "cell.required" in codes
    assert len(intake.people) == 300


def test_spawned_workers_read_theassert_same_intake(
    generated: Path, received: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where a fork is not safe (another thread) or possible (Windows, macOS)."""
    monkeypatch.setattr(pool, "start_method", lambda: "spawn")
    rules = make_rules()
    assert_same_intake(
        read_reports([generated], rules, jobs=1), read_reports([generated], rules, jobs=2)
    )
    assert received == [2]


def _die(*args: Any) -> Any:
    os._exit(1)


def test_a_worker_that_dies_leaves_its_sheets_here(
    generated: Path, received: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pool, "read_sheets_at", _die)  # the forked worker inherits it
    rules = make_rules()
    assert_same_intake(
        read_reports([generated], rules, jobs=1), read_reports([generated], rules, jobs=2)
    )
    assert received == [-1]
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("broken", ["Đơn vị", "Cá nhân", "Lịch sử"])
def test_a_sheet_that_cannot_be_read_stops_the_workbook_alike(
    broken: str, generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sheets before it count, the diagnostic is the same, the sheets after it do not
    (whichever process read them)."""
    grid = Workbook.grid

    def failing(self: Workbook, name: str) -> Any:
        if name == broken:
            raise ValueError("damaged part")
        return grid(self, name)

    monkeypatch.setattr(Workbook, "grid", failing)
    rules = make_rules()
    serial = read_reports([generated], rules, jobs=1)
    assert_same_intake(serial, read_reports([generated], rules, jobs=2))
    assert_same_intake(serial, read_reports([generated], rules, jobs=3))
    unreadable = [d for d in serial.diagnostics if d.code == "workbook.unreadable"]
    assert len(unreadable) == 1 and "ValueError: damaged part" in unreadable[0].render()


def test_largest_sheet_here_the_others_shared_out() -> None:
    assert pool.assign([3, 55, 106], 1) == [1, 1, 0]
    assert pool.assign([3, 55, 106], 2) == [2, 1, 0]
    assert pool.assign([10, 10], 1) == [0, 1]
    assert pool.assign([0, 0, 0], 1) == [0, 0, 0]  # nothing known: all here


def test_workers_only_when_they_pay(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    small = FileTask(tmp_path / "small.xlsx", "small.xlsx")
    small.path.write_bytes(b"x" * 1000)
    big = FileTask(tmp_path / "big.xlsx", "big.xlsx")
    with big.path.open("wb") as f:
        f.truncate(FORKED_MIN_BYTES)
    monkeypatch.setattr(read, "_idle_cores", lambda: 3)
    assert _sheet_workers([big], 1).__enter__() is None  # --jobs 1: this process only
    assert _sheet_workers([small], None).__enter__() is None  # not worth a worker
    with _sheet_workers([small, big], None) as workers:
        assert isinstance(workers, pool.SheetWorkers) and not workers.always
        assert len(workers._processes) == 2  # one per idle core, up to one per other sheet
    with _sheet_workers([small], 2) as workers:
        assert workers.always and len(workers._processes) == 1  # asked for
    monkeypatch.setattr(read, "_idle_cores", lambda: 0)
    assert _sheet_workers([big], None).__enter__() is None  # no core to spare
    assert multiprocessing.active_children() == []


def test_small_workbooks_are_not_shared_out_automatically(
    generated: Path, received: list[int]
) -> None:
    rules = make_rules()
    jobs = [
        SheetJob(rules.subject("units").sheet, "units", tuple(specs(rules, "units"))),
        SheetJob(rules.subject("people").sheet, "people", tuple(specs(rules, "people"))),
        SheetJob(rules.history.sheet, "history", tuple(history_specs(rules))),
    ]
    book = Workbook(generated, str(generated))
    try:
        with pool.SheetWorkers(1) as workers:
            shared = workers(book, jobs)
        here = read_sheets(book, jobs)
    finally:
        book.close()
    assert received == []  # a few KB of XML: all read here
    assert [r.diagnostics for r in shared] == [r.diagnostics for r in here]
    assert [len(r.data or ()) for r in shared] == [len(r.data or ()) for r in here] != [0] * 3


@pytest.mark.parametrize(
    ("cores", "busy", "idle"),
    [(2, 0.2, 1), (2, 1.0, 1), (2, 1.4, 1), (2, 1.6, 0), (2, 3.5, 0), (8, 2.0, 6)],
)
def test_idle_cores_count_out_the_busy_ones(
    cores: int, busy: float, idle: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    monkeypatch.setattr(read, "_busy_cores", lambda: busy)
    assert _idle_cores() == idle


@pytest.mark.skipif(not os.path.exists("/proc/loadavg"), reason="Linux /proc only")
def test_busy_cores_count_this_process() -> None:
    assert read._busy_cores() >= 1.0  # this test is running

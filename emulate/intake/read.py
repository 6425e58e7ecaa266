"""Reading the returned report workbooks into an `Intake` (DESIGN §7).

`read_reports` never raises for bad data: every problem of every file is a diagnostic, and
reading goes on so that one run lists them all. Each file is read on its own (`book.py`),
in this process or, with several large files and several cores, in worker processes; else,
with a large workbook and several cores, its sheets are shared between this process and
workers (`pool.SheetWorkers`). The results are put together in the order the files and
sheets were given, so the `Intake` is the same whatever the number of workers and the order
they finish in. Then across files: the same file twice, duplicate ids, one id with two names,
people of unknown units, history.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emulate.diagnostics import Catalogue, Diagnostic, Where
from emulate.intake import checks
from emulate.intake.book import FileRead, FileTask, file_size, read_file, read_stamp_of
from emulate.intake.frames import HISTORY_KINDS, META, SheetData, combine
from emulate.intake.grid import open_workbook
from emulate.intake.layout import specs
from emulate.intake.model import InputFile, Intake, RuleStamp
from emulate.intake.sniff import sniff
from emulate.intake.template import rules_digest
from emulate.rules.model import RuleSet

__all__ = ["META", "expand", "read_reports", "read_stamp"]

Progress = Callable[[int, int], None]

_SUFFIXES = (".xlsx", ".xlsm")
# Workers are worth their start (a new interpreter importing pandas, ~1 s) only for files
# that take seconds to read: a few MB of workbook in all.
PARALLEL_MIN_BYTES = 8 * 1024 * 1024
# Peak memory of reading a workbook is about this many times its size on disk (the grid of
# its largest sheet as Python objects); workers are limited so that together they stay
# within WORKER_MEMORY.
MEMORY_PER_FILE_BYTE = 40
WORKER_MEMORY = 3 * 1024**3
# A forked sheet worker starts in milliseconds: a workbook of this size (about a second of
# reading) is worth sharing out. A spawned one pays PARALLEL_MIN_BYTES's start-up.
FORKED_MIN_BYTES = 1024 * 1024
# A workbook has at most three sheets to read (units, people, history): this process reads
# one, workers the others.
SHEET_WORKERS = 2

MESSAGES = Catalogue(
    {
        "input.lock_skipped": (
            "info",
            "Bỏ qua {file}: file khóa tạm của Excel.",
            "Skipped {file}: Excel's temporary lock file.",
        ),
        "input.empty_folder": (
            "error",
            "Thư mục {file} không có file báo cáo .xlsx/.xlsm nào.",
            "Folder {file} holds no .xlsx/.xlsm report.",
        ),
        "input.same_file": (
            "error",
            "{file} giống hệt {other} (cùng nội dung): một báo cáo được đưa vào hai lần; hãy bỏ "
            "một file.",
            "{file} is identical to {other} (same content): one report given twice; drop one.",
        ),
        "stamp.mismatch": (
            "warning",
            "File {file} được lập từ mẫu của bộ tiêu chí \u201c{name}\u201d năm {year} (dấu "
            "{stamp}…), khác với bộ tiêu chí đang dùng (dấu {rules}…); hãy kiểm tra đơn vị đã "
            "dùng đúng mẫu của năm nay.",
            "File {file} was made from the template of the rule set \u201c{name}\u201d {year} "
            "(stamp {stamp}…), not the rule set in use (stamp {rules}…); check the unit used "
            "this year's template.",
        ),
    }
)


def expand(paths: Iterable[str | Path], diags: list[Diagnostic]) -> list[tuple[Path, str]]:
    """Files as given; folders give their *.xlsx/*.xlsm (sorted), `~$` lock files skipped."""
    out: list[tuple[Path, str]] = []
    for given in paths:
        path = Path(given)
        if not path.is_dir():
            out.append((path, str(given)))
            continue
        found = sorted(p for p in path.iterdir() if p.suffix.lower() in _SUFFIXES and p.is_file())
        if not found:
            diags.append(
                MESSAGES.make("input.empty_folder", Where(file=str(given)), file=str(given))
            )
        for child in found:
            if child.name.startswith("~$"):
                diags.append(
                    MESSAGES.make("input.lock_skipped", Where(file=str(child)), file=str(child))
                )
            else:
                out.append((child, str(child)))
    return out


@dataclass
class _Collected:
    """The files' results put together, in file order."""

    units: list[SheetData] = field(default_factory=list)
    people: list[SheetData] = field(default_factory=list)
    history: list[SheetData] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    inputs: list[InputFile] = field(default_factory=list)
    stamps: list[tuple[str, RuleStamp]] = field(default_factory=list)
    hashes: dict[str, str] = field(default_factory=dict)  # sha256 → the file that had it

    def add(self, task: FileTask, read: FileRead) -> None:
        """One file's result; a file with the content of an earlier one counts once."""
        self.diagnostics.extend(read.first)
        if read.sha256:
            first = self.hashes.get(read.sha256)
            if first is not None:
                where = Where(file=task.display)
                self.diagnostics.append(
                    MESSAGES.make("input.same_file", where, file=task.display, other=first)
                )
                return
            self.hashes[read.sha256] = task.display
            self.inputs.append(InputFile(path=task.display, sha256=read.sha256))
        self.diagnostics.extend(read.diagnostics)
        self.units.extend(read.units)
        self.people.extend(read.people)
        self.history.extend(read.history)
        self.stamps.extend((task.display, stamp) for stamp in read.stamps)


def read_reports(
    paths: Sequence[str | Path],
    rules: RuleSet,
    *,
    history: Sequence[str | Path] = (),
    jobs: int | None = None,
    progress: Progress | None = None,
) -> Intake:
    """Read every report (files or folders) and history file; collect every diagnostic.

    `jobs` is the number of processes reading: None chooses (one per core, up to one per
    file, or for one large workbook up to one per sheet, and only when the files are large
    enough to be worth it), 1 reads in this process. `progress(done, total)` is called after
    each file (reports and history alike) is read. The result does not depend on `jobs`."""
    if jobs is not None and jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    out = _Collected()
    later: list[Diagnostic] = []  # the history folders' findings come after the reports
    tasks = [FileTask(p, d) for p, d in expand(paths, out.diagnostics)]
    reports = len(tasks)
    tasks += [FileTask(p, d, history=True) for p, d in expand(history, later)]
    for i, (task, read) in enumerate(zip(tasks, _read_all(tasks, rules, jobs, progress))):
        if i == reports:
            out.diagnostics.extend(later)
        out.add(task, read)
    if reports == len(tasks):
        out.diagnostics.extend(later)
    return _intake(out, rules)


def _read_all(
    tasks: list[FileTask], rules: RuleSet, jobs: int | None, progress: Progress | None
) -> Iterator[FileRead]:
    """Each task's `FileRead`, in task order."""
    workers = _workers(tasks, jobs)
    if workers <= 1:
        with _sheet_workers(tasks, jobs) as sheets:
            for done, task in enumerate(tasks, start=1):
                read = read_file(task, rules, sheets)
                if progress is not None:
                    progress(done, len(tasks))
                yield read
        return
    from emulate.intake.pool import read_in_pool

    yield from read_in_pool(tasks, rules, workers, progress)


def _workers(tasks: list[FileTask], jobs: int | None) -> int:
    """How many processes read `tasks`: 1 means this one. Automatic (None): one per core and
    per file, when the files weigh PARALLEL_MIN_BYTES together, and no more than
    WORKER_MEMORY holds (each worker holds the grid of the sheet it reads); not when one file
    outweighs all the others (a report and last year's small history file): its reader would
    be the whole wait, so that file's sheets are shared instead (`_sheet_workers`)."""
    if len(tasks) < 2 or jobs == 1:
        return 1
    if jobs is not None:
        return min(jobs, len(tasks))
    sizes = [file_size(t.path) for t in tasks]
    if sum(sizes) < PARALLEL_MIN_BYTES or 2 * max(sizes) > sum(sizes):
        return 1
    by_memory = WORKER_MEMORY // max(MEMORY_PER_FILE_BYTE * max(sizes), 1)
    return max(1, min(os.cpu_count() or 1, len(tasks), by_memory))


def _sheet_workers(tasks: list[FileTask], jobs: int | None) -> AbstractContextManager[Any]:
    """The `pool.SheetWorkers` that share each workbook's sheets with this process, or
    `None` (read them here). `jobs` N > 1: N - 1 workers for every workbook (up to
    SHEET_WORKERS). Automatic: one per idle core (up to SHEET_WORKERS, and what
    WORKER_MEMORY holds), when the largest file is worth it: FORKED_MIN_BYTES if the workers
    can be forked, PARALLEL_MIN_BYTES if they must be spawned."""
    if jobs == 1 or not tasks:
        return nullcontext()
    from emulate.intake.pool import SheetWorkers, start_method

    if jobs is not None:
        return SheetWorkers(min(jobs - 1, SHEET_WORKERS), always=True)
    largest = max(file_size(t.path) for t in tasks)
    least = FORKED_MIN_BYTES if start_method() == "fork" else PARALLEL_MIN_BYTES
    by_memory = WORKER_MEMORY // max(MEMORY_PER_FILE_BYTE * largest, 1)
    count = min(_idle_cores(), SHEET_WORKERS, by_memory)
    if largest < least or count < 1:
        return nullcontext()
    return SheetWorkers(count)


def _idle_cores() -> int:
    """Cores this process may use that nothing else keeps busy (`_busy_cores` counts this
    process), rounded. A worker on a busy core only takes turns with this process: measured
    on 2 cores kept busy by other work, reading a 100k workbook with one took 18 s instead of
    13 s."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(0, int((cores or 1) - max(_busy_cores(), 1.0) + 0.5))


def _busy_cores() -> float:
    """How many cores are busy now, this process included. Linux: the fewest runnable tasks
    seen in three looks at /proc/loadavg 10 ms apart (now, not a minute's average, which
    still counts work that has just ended; someone's passing burst is not counted).
    Elsewhere the 1-minute load average, or 1 when unknown."""
    try:
        seen = []
        for look in range(3):
            if look:
                time.sleep(0.01)
            with open("/proc/loadavg") as loadavg:
                seen.append(int(loadavg.read().split()[3].split("/")[0]))
        return float(min(seen))
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return 1.0


def _intake(out: _Collected, rules: RuleSet) -> Intake:
    """The frames of all files, then the checks across them."""
    import pandas as pd

    paused = gc.isenabled()
    gc.disable()  # see `book.read_file`
    try:
        units = combine(out.units, _kinds(rules, "units"))
        people = combine(out.people, _kinds(rules, "people"))
        history = combine(out.history, HISTORY_KINDS)
        columns: dict[tuple[str, str], dict[str, str]] = {}
        for sheet in (*out.units, *out.people, *out.history):
            columns[(sheet.file, sheet.sheet)] = sheet.letters
        intake = Intake(
            units=units,
            people=people,
            history=history,
            diagnostics=out.diagnostics,
            inputs=out.inputs,
            stamp=out.stamps[0][1] if out.stamps else None,
            columns=columns,
        )
        ids = checks.Codes.of(history["id"])
        scopes = checks.scopes_of(intake)
        titles, diags = checks.parse_titles(history, rules, scopes, columns, ids)
        history["titles"] = pd.Series(titles, dtype=object, index=history.index, copy=False)
        intake.diagnostics.extend(diags)
        intake.diagnostics.extend(checks.cross_check(intake, rules, ids))
        _stamps(out.stamps, rules, intake.diagnostics)
        return intake
    finally:
        if paused:
            gc.enable()


def _kinds(rules: RuleSet, scope: str) -> dict[str, str]:
    return {s.column.key: s.type.type for s in specs(rules, scope)}  # type: ignore[arg-type]


def _stamps(stamps: list[tuple[str, RuleStamp]], rules: RuleSet, diags: list[Diagnostic]) -> None:
    """Warn about each workbook made from the template of another rule set (or version)."""
    digest = rules_digest(rules)
    for file, stamp in stamps:
        if stamp.sha256 != digest:
            diags.append(
                MESSAGES.make(
                    "stamp.mismatch",
                    Where(file=file),
                    file=file,
                    name=stamp.name,
                    year=stamp.year,
                    stamp=stamp.sha256[:12],
                    rules=digest[:12],
                )
            )


def read_stamp(paths: Sequence[str | Path]) -> RuleStamp | None:
    """The rule-set stamp of the first given workbook that has one; never raises."""
    for path, display in expand(paths, []):
        sniffed = sniff(path, display)
        if sniffed.kind is None:
            continue
        book, _ = open_workbook(path, display)
        if book is None:
            continue
        try:
            stamp = read_stamp_of(book)
        except Exception:
            stamp = None
        finally:
            book.close()
        if stamp is not None:
            return stamp
    return None

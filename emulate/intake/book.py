"""Reading one input file: a report workbook, a history workbook or last years' results.

`read_file` is what a worker process runs (`read.read_reports` may spread files over
processes): its argument and its result are plain picklable data, and it never raises for a
bad file. Per workbook: sniff the bytes, open it, find the sheets by name, locate each table,
coerce each column, keep the typed columns (`SheetData`) and let the grid go before the next
sheet. The sheets may also be shared out (`SheetJob`s given to a `SheetReader`, see
`pool.SheetWorkers`): each one's `SheetRead` holds all that reading it adds to the file's
result, which is then put together in the sheets' order, as if read one after the other.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any, Protocol

from emulate import resultdoc
from emulate.diagnostics import Catalogue, Diagnostic, EmulateError, Where
from emulate.intake.coerce import Coerced, coerce_column, default_value
from emulate.intake.frames import SheetData, row_numbers
from emulate.intake.grid import MESSAGES as GRID_MESSAGES
from emulate.intake.grid import Grid, Workbook, column_letter, open_workbook
from emulate.intake.layout import OWN_SHEETS, STAMP_SHEET, Spec, history_specs, specs
from emulate.intake.model import RuleStamp
from emulate.intake.sniff import sniff
from emulate.intake.table import Table, locate
from emulate.rules.model import RuleSet
from emulate.text import fold, looks_legacy, might_be_legacy

# Sheets of emulate's own results workbook (Vietnamese and English): never a report.
_RESULT_SHEETS = ({"nhật ký", "giải trình"}, {"log", "explanations"})

MESSAGES = Catalogue(
    {
        "sheet.none": (
            "error",
            "File {file} không có sheet nào cần đọc ({expected}); các sheet có trong file: "
            "{found}. Hãy dùng mẫu của `emulate template` hoặc đổi tên sheet.",
            "File {file} has none of the sheets to read ({expected}); its sheets: {found}. Use "
            "the `emulate template` workbook or rename the sheets.",
        ),
        "sheet.hidden": (
            "warning",
            "Sheet \u201c{sheet}\u201d đang bị ẩn nhưng vẫn được đọc; hãy bỏ ẩn để kiểm tra.",
            "Sheet \u201c{sheet}\u201d is hidden but read; unhide it to check.",
        ),
        "sheet.extra": (
            "info",
            "Các sheet không dùng đến (bỏ qua): {sheets}.",
            "Sheets not used (ignored): {sheets}.",
        ),
        "sheet.legacy": (
            "error",
            "Sheet \u201c{sheet}\u201d có {count} ô dùng bảng mã cũ TCVN3 (ABC) hoặc VNI (ví dụ "
            "{cell}: \u201c{sample}\u201d); hãy chuyển sang Unicode (Unikey: Công cụ chuyển mã, "
            "Ctrl+Shift+F6, nguồn TCVN3 hoặc VNI Windows, đích Unicode) rồi gửi lại. emulate "
            "không tự chuyển mã.",
            "Sheet \u201c{sheet}\u201d has {count} cells in a legacy TCVN3 (ABC) or VNI encoding "
            "(e.g. {cell}: \u201c{sample}\u201d); convert them to Unicode (Unikey's converter, "
            "Ctrl+Shift+F6, from TCVN3 or VNI Windows to Unicode) and send it again. emulate "
            "does not convert silently.",
        ),
        "input.own_output": (
            "error",
            "{file} là file kết quả do emulate ghi ra (có sheet \u201cNhật ký\u201d và "
            "\u201cGiải trình\u201d), không phải báo cáo của đơn vị; hãy bỏ file này khỏi danh "
            "sách hoặc thư mục báo cáo.",
            "{file} is a results workbook written by emulate (it has the \u201cNhật ký\u201d and "
            "\u201cGiải trình\u201d sheets), not a unit's report; remove it from the reports.",
        ),
        "history.no_sheet": (
            "error",
            "File lịch sử {file} không có sheet \u201c{sheet}\u201d (cột {headers}).",
            "History file {file} has no sheet \u201c{sheet}\u201d (columns {headers}).",
        ),
    }
)


@dataclass(frozen=True)
class FileTask:
    """One file to read: as found on disk, as shown to the user, and in which role."""

    path: Path
    display: str
    history: bool = False  # given with --history: a history workbook or a results file


@dataclass
class FileRead:
    """Everything read from one file, in reading order. `first` are the diagnostics found
    before the file is known not to repeat an earlier one (by `sha256`); the rest count only
    if it does not."""

    sha256: str | None = None
    first: list[Diagnostic] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    units: list[SheetData] = field(default_factory=list)
    people: list[SheetData] = field(default_factory=list)
    history: list[SheetData] = field(default_factory=list)
    stamps: list[RuleStamp] = field(default_factory=list)


@dataclass(frozen=True)
class SheetJob:
    """One sheet to read: its name in the workbook, what it holds and the columns to find."""

    sheet: str
    scope: str  # units, people or history
    columns: tuple[Spec, ...]


@dataclass
class SheetRead:
    """What reading one sheet adds to its file's result: diagnostics (in order), the columns
    (None: no table found) and, when reading failed midway, why (the workbook is then not
    read further)."""

    diagnostics: list[Diagnostic]
    data: SheetData | None = None
    failure: str | None = None


class SheetReader(Protocol):
    """Reads `jobs` of an open workbook; the reads in job order, up to the first failure."""

    def __call__(self, book: Workbook, jobs: list[SheetJob]) -> list[SheetRead]: ...


def file_size(path: Path) -> int:
    """Bytes on disk (0 when the file cannot be seen: reading it will say why)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused: reading allocates a Python object per cell and
    each full collection would walk them all again; what is built is acyclic and freed by
    reference counting, and the collector resumes when reading ends."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def read_file(task: FileTask, rules: RuleSet, sheets: SheetReader | None = None) -> FileRead:
    """Read one file; every problem is a diagnostic. A workbook's sheets are read by
    `sheets` (default: `read_sheets`, here, one after the other)."""
    with _collector_paused():
        if task.history and resultdoc.sniff(task.path) in ("json", "results-workbook"):
            return _read_result(task)
        return _read_workbook(task, rules, sheets or read_sheets)


def read_sheets(book: Workbook, jobs: list[SheetJob]) -> list[SheetRead]:
    """Each job's `SheetRead`, in order, up to the first that fails."""
    reads: list[SheetRead] = []
    for job in jobs:
        reads.append(_read_job(book, job))
        if reads[-1].failure is not None:
            break
    return reads


def read_sheets_at(path: Path, display: str, jobs: list[SheetJob]) -> list[SheetRead]:
    """`read_sheets` of the workbook at `path`, opened here: what a sheet worker runs."""
    with _collector_paused():
        try:
            book = Workbook(path, display)
        except BaseException as exc:  # see `open_workbook`
            return [SheetRead([], failure=_reason(exc))]
        try:
            return read_sheets(book, jobs)
        finally:
            book.close()


def _read_job(book: Workbook, job: SheetJob) -> SheetRead:
    diags: list[Diagnostic] = []
    try:
        data = _read_sheet(book, job.sheet, job.scope, list(job.columns), diags)
    except BaseException as exc:  # a damaged part calamine trips on mid-read
        return SheetRead(diags, failure=_reason(exc))
    return SheetRead(diags, data)


def _reason(exc: BaseException) -> str:
    """Why a workbook could not be read, for `workbook.unreadable`; re-raises what must not
    be turned into a diagnostic (calamine raises pyo3 PanicException, a BaseException)."""
    if isinstance(exc, (KeyboardInterrupt, SystemExit, MemoryError)):
        raise exc
    return f"{type(exc).__name__}: {exc}"[:200]


def _unreadable(file: str, reason: str) -> Diagnostic:
    return GRID_MESSAGES.make("workbook.unreadable", Where(file=file), file=file, reason=reason)


def _read_workbook(task: FileTask, rules: RuleSet, sheets: SheetReader) -> FileRead:
    out = FileRead()
    sniffed = sniff(task.path, task.display)
    out.first.extend(sniffed.diagnostics)
    out.sha256 = sniffed.sha256
    if sniffed.kind is None:
        return out
    book, diags = open_workbook(task.path, task.display)
    out.diagnostics.extend(diags)
    if book is None:
        return out
    try:
        _read_book(book, rules, out, sheets, history_only=task.history)
    except BaseException as exc:  # a damaged part calamine trips on mid-read
        out.diagnostics.append(_unreadable(task.display, _reason(exc)))
    finally:
        book.close()
    return out


def _read_book(
    book: Workbook, rules: RuleSet, out: FileRead, sheets: SheetReader, *, history_only: bool
) -> None:
    file = book.display
    names = {fold(n) for n in book.sheet_names}
    if not history_only and any(marks <= names for marks in _RESULT_SHEETS):
        out.diagnostics.append(MESSAGES.make("input.own_output", Where(file=file), file=file))
        return
    stamp = read_stamp_of(book)
    if stamp is not None:
        out.stamps.append(stamp)
    wanted: list[tuple[str, str, Sequence[str], list[Spec], list[SheetData]]] = []
    if not history_only:
        for scope, bucket in (("units", out.units), ("people", out.people)):
            subject = rules.subject(scope)  # type: ignore[arg-type]
            wanted.append((scope, subject.sheet, subject.aliases, specs(rules, scope), bucket))  # type: ignore[arg-type]
    h = rules.history
    wanted.append(("history", h.sheet, h.aliases, history_specs(rules), out.history))
    jobs: list[SheetJob] = []
    buckets: list[list[SheetData]] = []
    for scope, name, aliases, columns, bucket in wanted:
        sheet = _find_sheet(book, name, aliases)
        if sheet is not None:
            jobs.append(SheetJob(sheet, scope, tuple(columns)))
            buckets.append(bucket)
    if not jobs:
        out.diagnostics.append(_nothing_to_read(book, rules, wanted, history_only=history_only))
        return
    for read, bucket in zip(sheets(book, jobs), buckets):
        out.diagnostics.extend(read.diagnostics)
        if read.data is not None:
            bucket.append(read.data)
        if read.failure is not None:
            out.diagnostics.append(_unreadable(file, read.failure))
            return
    used = {job.sheet for job in jobs}
    extra = [s for s in book.sheet_names if s not in used and s not in OWN_SHEETS]
    if extra and not history_only:
        out.diagnostics.append(
            MESSAGES.make(
                "sheet.extra", Where(file=file), sheets=", ".join(f"\u201c{s}\u201d" for s in extra)
            )
        )


def _nothing_to_read(
    book: Workbook, rules: RuleSet, wanted: list[tuple[Any, ...]], *, history_only: bool
) -> Diagnostic:
    file = book.display
    if history_only:
        h = rules.history
        headers = ", ".join((h.id_header, h.year_header, h.level_header, h.titles_header))
        return MESSAGES.make(
            "history.no_sheet", Where(file=file), file=file, sheet=h.sheet, headers=headers
        )
    expected = ", ".join(f"\u201c{w[1]}\u201d" for w in wanted)
    found = ", ".join(f"\u201c{s}\u201d" for s in book.sheet_names) or "(không có)"
    return MESSAGES.make("sheet.none", Where(file=file), file=file, expected=expected, found=found)


def _find_sheet(book: Workbook, name: str, aliases: Sequence[str]) -> str | None:
    wanted = {fold(n) for n in (name, *aliases)} | {
        fold(n, diacritics=False) for n in (name, *aliases)
    }
    for sheet in book.sheet_names:
        if fold(sheet) in wanted or fold(sheet, diacritics=False) in wanted:
            return sheet
    return None


def _read_sheet(
    book: Workbook, sheet: str, scope: str, columns: list[Spec], diags: list[Diagnostic]
) -> SheetData | None:
    """One sheet into its columns. The grid is local: it is freed when this returns."""
    file = book.display
    if book.sheets[sheet].hidden:
        diags.append(MESSAGES.make("sheet.hidden", Where(file, sheet), sheet=sheet))
    grid = book.grid(sheet)
    table, found = locate(grid, [s.column for s in columns], file=file)
    if scope == "history":  # an empty history sheet is normal
        found = [d for d in found if d.code != "table.empty"]
    diags.extend(found)
    if table is None:
        _legacy(grid.rows, min(len(grid.rows), 40), {}, None, file, sheet, diags)
        return None
    coerced: dict[str, Coerced] = {}
    letters: dict[str, str] = {}
    for spec in columns:
        c = table.columns.get(spec.column.key)
        if c is not None:
            letters[spec.column.key] = column_letter(c)
            coerced[spec.column.key] = _column(book, grid, table, spec, c)
    texts = {table.columns[key]: done.texts for key, done in coerced.items()}
    last = table.rows[-1] + 1 if table.rows else min(len(grid.rows), 40)
    _legacy(grid.rows, last, texts, table, file, sheet, diags)
    values: dict[str, Any] = {}
    for spec in columns:
        key = spec.column.key
        if key in coerced:
            values[key] = coerced[key].values
            diags.extend(coerced[key].diagnostics)
        else:
            values[key] = [default_value(spec.type)] * len(table.rows)
    return SheetData(file, sheet, values, row_numbers(table.rows), letters)


def _column(book: Workbook, grid: Grid, table: Table, spec: Spec, c: int) -> Coerced:
    """Column c coerced for the table's data rows."""
    ctype = spec.type
    if ctype.type == "date" and book.date1904:
        ctype = dataclasses.replace(ctype, date1904=True)
    errors = {r: v for (r, cc), v in grid.errors.items() if cc == c}
    formulas = {r: v for (r, cc), v in grid.formulas.items() if cc == c}
    block = table.block
    if block is None or table.merged_below or c >= len(block.columns):
        raw = table.values(c)
    else:
        raw = block.values(table, c)
    return coerce_column(
        raw,
        table.rows,
        ctype,
        letter=column_letter(c),
        file=book.display,
        sheet=grid.sheet,
        errors=errors,
        formulas=formulas,
    )


def _legacy(
    rows: list[list[Any]],
    last: int,
    texts: dict[int, str],
    table: Table | None,
    file: str,
    sheet: str,
    diags: list[Diagnostic],
) -> None:
    """One diagnostic if text cells of rows[:last] look like TCVN3 or VNI (catalogue D5/D6).
    `texts` are the data rows' text of the coerced columns (by column index)."""
    if not _might_hold_legacy(rows, last, texts, table):
        return
    seen: dict[str, bool] = {}
    hits: list[tuple[int, int, str]] = []
    for r, row in enumerate(rows[:last]):
        joined = "\x00".join(v for v in row if isinstance(v, str))
        if joined.isascii() or not might_be_legacy(joined):
            continue  # one C-level scan per row; cells are looked at only on a hit
        for c, v in enumerate(row):
            if isinstance(v, str) and v and not v.isascii():
                flag = seen.get(v)
                if flag is None:
                    flag = seen[v] = looks_legacy(v)
                if flag:
                    hits.append((r, c, v))
    if hits:
        r, c, sample = hits[0]
        cell = f"{column_letter(c)}{r + 1}"
        diags.append(
            MESSAGES.make(
                "sheet.legacy",
                Where(file, sheet, cell),
                sheet=sheet,
                count=len(hits),
                cell=cell,
                sample=sample[:40],
            )
        )


def _might_hold_legacy(
    rows: list[list[Any]], last: int, texts: dict[int, str], table: Table | None
) -> bool:
    """Whether some text cell of rows[:last] passes `might_be_legacy`. Cell by cell above the
    data; below, a column at a time (one join and one regex scan), reusing the text that
    coercion joined for the data rows' cells."""
    block = table.block if table is not None else None
    if block is None or table is None or not table.rows or table.merged_below:
        return _texts_might_be_legacy(list(chain.from_iterable(rows[:last])))
    start = table.rows[0]
    if _texts_might_be_legacy(list(chain.from_iterable(rows[:start]))):
        return True
    between = (
        sorted(set(range(start, last)) - set(table.rows)) if len(table.rows) != last - start else []
    )
    for c in range(len(block.columns)):
        if c in texts:
            if _joined_might_be_legacy(texts[c]):
                return True
            if between and _texts_might_be_legacy(
                [block.columns[c][r - block.base] for r in between]
            ):
                return True
        elif _texts_might_be_legacy(block.cells(c, start, last)):
            return True
    return False


def _texts_might_be_legacy(values: Sequence[Any]) -> bool:
    try:
        joined = "\x00".join(values)
    except TypeError:  # numbers, dates: only the text matters
        joined = "\x00".join(filter(str.__instancecheck__, values))
    return _joined_might_be_legacy(joined)


def _joined_might_be_legacy(joined: str) -> bool:
    return not joined.isascii() and might_be_legacy(joined)


def read_stamp_of(book: Workbook) -> RuleStamp | None:
    """The stamp `emulate template` hid in the workbook, if any."""
    if STAMP_SHEET not in book.sheet_names:
        return None
    rows = book.grid(STAMP_SHEET).rows
    pairs = {str(r[0]): r[1] for r in rows if len(r) >= 2 and r[0] != ""}
    try:
        return RuleStamp(
            name=str(pairs["name"]),
            year=int(float(pairs["year"])),
            sha256=str(pairs["sha256"]),
            source=str(pairs.get("source") or "") or None,
        )
    except (KeyError, ValueError, TypeError):
        return None


def _read_result(task: FileTask) -> FileRead:
    """Last years' results (`emulate score` output) as history: each subject's level and
    awarded titles in that result's year (DESIGN §7)."""
    out = FileRead(sha256=hashlib.sha256(task.path.read_bytes()).hexdigest())
    try:
        doc = resultdoc.load_result(task.path)
    except EmulateError as error:
        out.diagnostics.extend(error.diagnostics)
        return out
    subjects = [*doc.get("units", []), *doc.get("people", [])]
    values = {
        "id": [str(s["id"]) for s in subjects],
        "year": [int(doc["year"])] * len(subjects),
        "level": [s.get("level") for s in subjects],
        "titles": [", ".join(s.get("titles") or ()) for s in subjects],
    }
    rows = row_numbers(range(len(subjects)))
    out.history.append(SheetData(task.display, resultdoc.SHEET, values, rows, letters={}))
    return out

"""Reading the returned report workbooks into an `Intake` (DESIGN §7).

`read_reports` never raises for bad data: every problem of every file is a diagnostic, and
reading goes on so that one run lists them all. Per file: sniff the bytes, open the
workbook, find the sheets by name, locate each table, coerce each column. Then across files:
the same file twice, duplicate ids, one id with two names, people of unknown units, history.
"""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emulate import resultdoc
from emulate.diagnostics import Catalogue, Diagnostic, EmulateError, Where
from emulate.intake import checks
from emulate.intake.coerce import coerce_column, default_value
from emulate.intake.grid import MESSAGES as GRID_MESSAGES
from emulate.intake.grid import Workbook, column_letter, open_workbook
from emulate.intake.layout import OWN_SHEETS, STAMP_SHEET, Spec, history_specs, specs
from emulate.intake.model import InputFile, Intake, RuleStamp
from emulate.intake.sniff import sniff
from emulate.intake.table import locate
from emulate.intake.template import rules_digest
from emulate.rules.model import RuleSet
from emulate.text import fold, looks_legacy, might_be_legacy

META = ("_file", "_sheet", "_row")
_SUFFIXES = (".xlsx", ".xlsm")
# Sheets of emulate's own results workbook (Vietnamese and English): never a report.
_RESULT_SHEETS = ({"nhật ký", "giải trình"}, {"log", "explanations"})

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


@dataclass
class _Sheet:
    """One sheet read: per column key, values aligned with `rows`."""

    file: str
    sheet: str
    rows: list[int]
    values: dict[str, list[Any]]
    letters: dict[str, str]


@dataclass
class _Collected:
    units: list[_Sheet] = field(default_factory=list)
    people: list[_Sheet] = field(default_factory=list)
    history: list[_Sheet] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    inputs: list[InputFile] = field(default_factory=list)
    stamps: list[tuple[str, RuleStamp]] = field(default_factory=list)


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


def _find_sheet(book: Workbook, name: str, aliases: Sequence[str]) -> str | None:
    wanted = {fold(n) for n in (name, *aliases)} | {
        fold(n, diacritics=False) for n in (name, *aliases)
    }
    for sheet in book.sheet_names:
        if fold(sheet) in wanted or fold(sheet, diacritics=False) in wanted:
            return sheet
    return None


def _read_sheet(
    book: Workbook, sheet: str, scope: str, columns: list[Spec], out: _Collected
) -> _Sheet | None:
    file = book.display
    diags = out.diagnostics
    if book.sheets[sheet].hidden:
        diags.append(MESSAGES.make("sheet.hidden", Where(file, sheet), sheet=sheet))
    grid = book.grid(sheet)
    table, found = locate(grid, [s.column for s in columns], file=file)
    if scope == "history":  # an empty history sheet is normal
        found = [d for d in found if d.code != "table.empty"]
    diags.extend(found)
    last = table.rows[-1] + 1 if table and table.rows else min(len(grid.rows), 40)
    _legacy(grid.rows[:last], file, sheet, diags)
    if table is None:
        return None
    rows = table.rows
    values: dict[str, list[Any]] = {}
    letters: dict[str, str] = {}
    for spec in columns:
        key = spec.column.key
        c = table.columns.get(key)
        if c is None:
            values[key] = [default_value(spec.type)] * len(rows)
            continue
        letter = column_letter(c)
        letters[key] = letter
        ctype = spec.type
        if ctype.type == "date" and book.date1904:
            ctype = dataclasses.replace(ctype, date1904=True)
        errors = {r: v for (r, cc), v in grid.errors.items() if cc == c}
        formulas = {r: v for (r, cc), v in grid.formulas.items() if cc == c}
        vals, cdiags = coerce_column(
            table.values(c),
            rows,
            ctype,
            letter=letter,
            file=file,
            sheet=sheet,
            errors=errors,
            formulas=formulas,
        )
        values[key] = vals
        diags.extend(cdiags)
    return _Sheet(file=file, sheet=sheet, rows=rows, values=values, letters=letters)


def _legacy(rows: list[list[Any]], file: str, sheet: str, diags: list[Diagnostic]) -> None:
    seen: dict[str, bool] = {}
    hits: list[tuple[int, int, str]] = []
    # One scan of the whole sheet first: a row can hold a hit only if the sheet does.
    joined = "\x00".join([v for row in rows for v in row if isinstance(v, str)])
    if joined.isascii() or not might_be_legacy(joined):
        return
    for r, row in enumerate(rows):
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


def _read_file(
    path: Path,
    display: str,
    rules: RuleSet,
    out: _Collected,
    hashes: dict[str, str],
    *,
    history_only: bool,
) -> None:
    sniffed = sniff(path, display)
    out.diagnostics.extend(sniffed.diagnostics)
    if sniffed.sha256:
        if sniffed.sha256 in hashes:
            first = hashes[sniffed.sha256]
            out.diagnostics.append(
                MESSAGES.make("input.same_file", Where(file=display), file=display, other=first)
            )
            return
        hashes[sniffed.sha256] = display
        out.inputs.append(InputFile(path=display, sha256=sniffed.sha256))
    if sniffed.kind is None:
        return
    book, diags = open_workbook(path, display)
    out.diagnostics.extend(diags)
    if book is None:
        return
    try:
        _read_book(book, rules, out, history_only=history_only)
    except BaseException as exc:  # a damaged part calamine trips on mid-read
        if isinstance(exc, (KeyboardInterrupt, SystemExit, MemoryError)):
            raise
        reason = f"{type(exc).__name__}: {exc}"[:200]
        out.diagnostics.append(
            GRID_MESSAGES.make(
                "workbook.unreadable", Where(file=display), file=display, reason=reason
            )
        )
    finally:
        book.close()


def _read_book(book: Workbook, rules: RuleSet, out: _Collected, *, history_only: bool) -> None:
    file = book.display
    names = {fold(n) for n in book.sheet_names}
    if not history_only and any(marks <= names for marks in _RESULT_SHEETS):
        out.diagnostics.append(MESSAGES.make("input.own_output", Where(file=file), file=file))
        return
    stamp = read_stamp_of(book)
    if stamp is not None:
        out.stamps.append((file, stamp))
    wanted: list[tuple[str, str, Sequence[str], list[Spec], list[_Sheet]]] = []
    if not history_only:
        for scope, bucket in (("units", out.units), ("people", out.people)):
            subject = rules.subject(scope)  # type: ignore[arg-type]
            wanted.append((scope, subject.sheet, subject.aliases, specs(rules, scope), bucket))  # type: ignore[arg-type]
    h = rules.history
    wanted.append(("history", h.sheet, h.aliases, history_specs(rules), out.history))
    used: set[str] = set()
    for scope, name, aliases, columns, bucket in wanted:
        sheet = _find_sheet(book, name, aliases)
        if sheet is None:
            continue
        used.add(sheet)
        read = _read_sheet(book, sheet, scope, columns, out)
        if read is not None:
            bucket.append(read)
    if not used:
        expected = ", ".join(f"\u201c{w[1]}\u201d" for w in wanted)
        found = ", ".join(f"\u201c{s}\u201d" for s in book.sheet_names) or "(không có)"
        if history_only:
            headers = ", ".join((h.id_header, h.year_header, h.level_header, h.titles_header))
            out.diagnostics.append(
                MESSAGES.make(
                    "history.no_sheet", Where(file=file), file=file, sheet=h.sheet, headers=headers
                )
            )
        else:
            out.diagnostics.append(
                MESSAGES.make(
                    "sheet.none", Where(file=file), file=file, expected=expected, found=found
                )
            )
        return
    extra = [s for s in book.sheet_names if s not in used and s not in OWN_SHEETS]
    if extra and not history_only:
        out.diagnostics.append(
            MESSAGES.make(
                "sheet.extra", Where(file=file), sheets=", ".join(f"\u201c{s}\u201d" for s in extra)
            )
        )


def _read_result(path: Path, display: str, out: _Collected, hashes: dict[str, str]) -> None:
    """Last years' results (`emulate score` output) as history: each subject's level and
    awarded titles in that result's year (DESIGN §7)."""
    import hashlib

    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest in hashes:
        out.diagnostics.append(
            MESSAGES.make(
                "input.same_file", Where(file=display), file=display, other=hashes[digest]
            )
        )
        return
    hashes[digest] = display
    out.inputs.append(InputFile(path=display, sha256=digest))
    try:
        doc = resultdoc.load_result(path)
    except EmulateError as error:
        out.diagnostics.extend(error.diagnostics)
        return
    subjects = [*doc.get("units", []), *doc.get("people", [])]
    out.history.append(
        _Sheet(
            file=display,
            sheet=resultdoc.SHEET,
            rows=list(range(len(subjects))),
            values={
                "id": [str(s["id"]) for s in subjects],
                "year": [int(doc["year"])] * len(subjects),
                "level": [s.get("level") for s in subjects],
                "titles": [", ".join(s.get("titles") or ()) for s in subjects],
            },
            letters={},
        )
    )


def _frame(sheets: list[_Sheet], columns: list[Spec], rules: RuleSet) -> Any:
    import pandas as pd

    data: dict[str, list[Any]] = {s.column.key: [] for s in columns}
    meta: dict[str, list[Any]] = {k: [] for k in META}
    for sheet in sheets:
        for key in data:
            data[key].extend(sheet.values[key])
        meta["_file"].extend([sheet.file] * len(sheet.rows))
        meta["_sheet"].extend([sheet.sheet] * len(sheet.rows))
        meta["_row"].extend(r + 1 for r in sheet.rows)
    series: dict[str, Any] = {}
    for spec in columns:
        key = spec.column.key
        values = data[key]
        kind = spec.type.type
        if kind == "integer":
            series[key] = pd.Series(values, dtype="Int64")
        elif kind == "boolean":
            has_none = any(v is None for v in values)
            series[key] = pd.Series(values, dtype="boolean" if has_none else bool)
        else:
            series[key] = pd.Series(values, dtype=object)
    series["_file"] = pd.Series(meta["_file"], dtype=object)
    series["_sheet"] = pd.Series(meta["_sheet"], dtype=object)
    series["_row"] = pd.Series(meta["_row"], dtype="int64")
    return pd.DataFrame(series)


def _history_frame(sheets: list[_Sheet]) -> Any:
    """The history frame with `titles` still as the cell text (see `checks.parse_titles`)."""
    import pandas as pd

    rows: dict[str, list[Any]] = {k: [] for k in ("id", "year", "level", "titles", *META)}
    for sheet in sheets:
        for key in ("id", "year", "level", "titles"):
            rows[key].extend(sheet.values[key])
        rows["_file"].extend([sheet.file] * len(sheet.rows))
        rows["_sheet"].extend([sheet.sheet] * len(sheet.rows))
        rows["_row"].extend(r + 1 for r in sheet.rows)
    return pd.DataFrame(
        {
            "id": pd.Series(rows["id"], dtype=object),
            "year": pd.Series(rows["year"], dtype="Int64"),
            "level": pd.Series(rows["level"], dtype=object),
            "titles": pd.Series(rows["titles"], dtype=object),
            "_file": pd.Series(rows["_file"], dtype=object),
            "_sheet": pd.Series(rows["_sheet"], dtype=object),
            "_row": pd.Series(rows["_row"], dtype="int64"),
        }
    )


def read_reports(
    paths: Sequence[str | Path], rules: RuleSet, *, history: Sequence[str | Path] = ()
) -> Intake:
    """Read every report (files or folders) and history file; collect every diagnostic.

    The cyclic garbage collector is paused meanwhile: reading allocates a Python object per
    cell and each full collection would walk them all again; what is built is acyclic and
    freed by reference counting, and the collector resumes when reading ends."""
    if not gc.isenabled():
        return _read_reports(paths, rules, history)
    gc.disable()
    try:
        return _read_reports(paths, rules, history)
    finally:
        gc.enable()


def _read_reports(
    paths: Sequence[str | Path], rules: RuleSet, history: Sequence[str | Path]
) -> Intake:
    import pandas as pd

    out = _Collected()
    hashes: dict[str, str] = {}
    for path, display in expand(paths, out.diagnostics):
        _read_file(path, display, rules, out, hashes, history_only=False)
    for path, display in expand(history, out.diagnostics):
        if resultdoc.sniff(path) in ("json", "results-workbook"):
            _read_result(path, display, out, hashes)
        else:
            _read_file(path, display, rules, out, hashes, history_only=True)
    unit_specs, people_specs = specs(rules, "units"), specs(rules, "people")
    units = _frame(out.units, unit_specs, rules)
    people = _frame(out.people, people_specs, rules)
    history_frame = _history_frame(out.history)
    columns: dict[tuple[str, str], dict[str, str]] = {}
    for sheet in (*out.units, *out.people, *out.history):
        columns[(sheet.file, sheet.sheet)] = sheet.letters
    intake = Intake(
        units=units,
        people=people,
        history=history_frame,
        diagnostics=out.diagnostics,
        inputs=out.inputs,
        stamp=out.stamps[0][1] if out.stamps else None,
        columns=columns,
    )
    titles, diags = checks.parse_titles(history_frame, rules, checks.scopes_of(intake), columns)
    history_frame["titles"] = pd.Series(titles, dtype=object, index=history_frame.index)
    intake.diagnostics.extend(diags)
    intake.diagnostics.extend(checks.cross_check(intake, rules))
    _stamps(out.stamps, rules, intake.diagnostics)
    return intake


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

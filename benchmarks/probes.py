"""Measurements that run in a fresh process and print one JSON line (used by the runner).

    python -m benchmarks.probes floor-read  REPORT.xlsx...      # raw read, python-calamine
    python -m benchmarks.probes floor-write RESULTS.xlsx OUT     # same cells, fastest writer
    python -m benchmarks.probes stages RULES REPORT... [--history H...]
    python -m benchmarks.probes memory RULES REPORT... [--history H...]

`floor-read` reads every sheet of every workbook to Python values (what any reader must at
least do). `floor-write` loads the cells of a results workbook `emulate score` wrote (not
timed) and times writing the same rows, sheet by sheet, plain, with xlsxwriter in
constant_memory mode and with emulate's own sheet writer; the faster counts. Together they
are the I/O floor: no checks, no scoring, no styling.

`stages` times the library calls of `emulate score` in one process: `load_rules`,
`read_reports`, `score` (the engine alone, data in memory), `write_results_workbook`, and
the canonical JSON.

`memory` runs `load_rules`, `read_reports` and `score` (no outputs) and records, after each,
the resident memory (VmRSS) and its peak during that stage (VmHWM, reset before scoring),
plus the bytes of every frame of the `Intake` and of the `Result` column by column
(`memory_usage(deep=True)`: an object shared by many rows counts once per row).
"""

from __future__ import annotations

import contextlib
import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def floor_read(paths: list[str]) -> dict[str, Any]:
    from python_calamine import CalamineWorkbook

    def run() -> int:
        cells = 0
        for path in paths:
            wb = CalamineWorkbook.from_path(path)
            for name in wb.sheet_names:
                rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
                cells += sum(len(r) for r in rows)
            wb.close()
        return cells

    cells, wall, cpu = _timed(run)
    return {"wall": wall, "cpu": cpu, "cells": cells}


def floor_write(results: str, out: str) -> dict[str, Any]:
    """The fastest write of the same cells: xlsxwriter (constant_memory) and emulate's own
    sheet writer (`emulate.output.sheetxml`, rows as XML text spliced into an xlsx) each
    write every row of every sheet, plain; the floor is the faster of the two."""
    import datetime as dt
    import io

    import xlsxwriter
    from python_calamine import CalamineWorkbook

    from emulate.output.sheetxml import Table, splice

    wb = CalamineWorkbook.from_path(results)
    sheets = {n: wb.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in wb.sheet_names}
    wb.close()

    def values(row: list[Any]) -> list[Any]:
        return [v.isoformat() if isinstance(v, dt.date) else (None if v == "" else v) for v in row]

    # The values as each writer takes them, made before the clocks start: rows for
    # xlsxwriter, columns (padded to the sheet's width) for sheetxml.
    rows_of = {name: [values(r) for r in rows] for name, rows in sheets.items()}
    columns_of = {}
    for name, rows in rows_of.items():
        width = max((len(r) for r in rows), default=0)
        padded = [r + [None] * (width - len(r)) for r in rows]
        columns_of[name] = ([list(c) for c in zip(*padded, strict=True)] if padded else [], width)

    def with_xlsxwriter() -> int:
        book = xlsxwriter.Workbook(out, {"constant_memory": True})
        n = 0
        for name, rows in rows_of.items():
            ws = book.add_worksheet(name[:31])
            write_row = ws.write_row
            for r, row in enumerate(rows):
                write_row(r, 0, row)
            n += len(rows)
        book.close()
        return n

    def with_sheetxml() -> int:
        package = io.BytesIO()
        book = xlsxwriter.Workbook(package, {"constant_memory": True})
        tables, n = {}, 0
        for name, (columns, width) in columns_of.items():
            ws = book.add_worksheet(name[:31])
            n += len(columns[0]) if columns else 0
            tables[f"xl/worksheets/sheet{ws.index + 1}.xml"] = (columns, width)
        book.close()
        package.seek(0)
        with open(out, "wb") as handle:
            splice(
                package,
                handle,
                {k: Table(c, [None] * w, lambda f: None, 1) for k, (c, w) in tables.items()},
            )
        return n

    rows, wall, cpu = _timed(with_xlsxwriter)
    _, own_wall, own_cpu = _timed(with_sheetxml)
    shape = {k: len(v) for k, v in sheets.items()}
    writers = {
        "xlsxwriter": {"wall": wall, "cpu": cpu},
        "sheetxml": {"wall": own_wall, "cpu": own_cpu},
    }
    fastest = min(writers, key=lambda k: writers[k]["cpu"])
    best = writers[fastest]
    return {**best, "writer": fastest, "writers": writers, "rows": rows, "sheets": shape}


def stages(rules_path: str, reports: list[str], history: list[str]) -> dict[str, Any]:
    import tempfile

    out: dict[str, Any] = {}
    from emulate.engine.run import score
    from emulate.intake.read import read_reports
    from emulate.output.workbook import write_results_workbook
    from emulate.rules.load import load_rules

    rules, out["load_rules"], _ = _timed(lambda: load_rules(rules_path))
    intake, out["read"], out["read_cpu"] = _timed(
        lambda: read_reports(reports, rules, history=history)
    )
    out["people"], out["units"], out["history_rows"] = (
        len(intake.people),
        len(intake.units),
        len(intake.history),
    )
    out["diagnostics"] = len(intake.diagnostics)
    result, out["score"], out["score_cpu"] = _timed(lambda: score(rules, intake))
    from emulate.output.canonical import write_canonical

    # As `emulate score` does: the canonical JSON first (the workbook carries it too).
    with tempfile.TemporaryDirectory() as tmp:
        json_path = Path(tmp) / "ket-qua.json"
        with json_path.open("wb") as handle:
            canonical, out["json"], out["json_cpu"] = _timed(
                lambda: write_canonical(result, handle)
            )
        out["json_mib"] = json_path.stat().st_size / 2**20
        _, out["write_xlsx"], out["write_xlsx_cpu"] = _timed(
            lambda: write_results_workbook(result, Path(tmp) / "ket-qua.xlsx", canonical=canonical)
        )
    return out


def _memory_now() -> dict[str, float]:
    """VmRSS and VmHWM of this process in MiB (Linux; ru_maxrss elsewhere)."""
    status = Path("/proc/self/status")
    if not status.exists():
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return {"rss_mib": peak, "hwm_mib": peak}
    fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
    return {
        "rss_mib": int(fields["VmRSS"].split()[0]) / 1024,
        "hwm_mib": int(fields["VmHWM"].split()[0]) / 1024,
    }


def _reset_peak() -> None:
    """Start VmHWM again from the current RSS (Linux), so that the next peak is one stage's."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _frame_sizes(frames: dict[str, Any]) -> dict[str, Any]:
    """Per frame: rows, MiB in all and MiB of each column, largest first. Objects count
    once however many rows share them (`memory_usage(deep=True)` counts them per row)."""
    out: dict[str, Any] = {}
    for name, frame in frames.items():
        columns = {
            str(k): {"mib": round(_bytes(frame[k]) / 2**20, 1), "dtype": str(frame[k].dtype)}
            for k in frame.columns
        }
        columns = dict(sorted(columns.items(), key=lambda kv: -kv[1]["mib"]))
        total = sum(c["mib"] for c in columns.values()) + _bytes(frame.index) / 2**20
        out[name] = {"rows": len(frame), "mib": round(total, 1), "columns": columns}
    return out


def _bytes(values: Any) -> int:
    """Bytes held by a column or index: its buffers, plus each distinct Python object once
    (tuples with their items)."""
    import numpy as np
    import pandas as pd

    array = values.array if isinstance(values, (pd.Series, pd.Index)) else values
    if isinstance(array, pd.Categorical):
        return int(array.codes.nbytes) + _bytes(array.categories)
    data = getattr(array, "_ndarray", None)
    if data is None:
        data = np.asarray(array) if not hasattr(array, "_data") else None
    if data is None or data.dtype != object:
        return int(array.nbytes)
    seen: dict[int, Any] = {}
    for value in data.tolist():
        if id(value) not in seen:
            seen[id(value)] = value
            if isinstance(value, tuple):
                for item in value:
                    seen.setdefault(id(item), item)
    return int(data.nbytes) + sum(sys.getsizeof(v) for v in seen.values())


def memory(rules_path: str, reports: list[str], history: list[str]) -> dict[str, Any]:
    import gc

    from emulate.engine.run import score
    from emulate.intake.read import read_reports
    from emulate.rules.load import load_rules

    out: dict[str, Any] = {"start": _memory_now()}
    rules, out["load_rules_s"], _ = _timed(lambda: load_rules(rules_path))
    out["after_load_rules"] = _memory_now()
    held: dict[str, Any] = {}  # the intake, let go once scored
    held["intake"], out["read_s"], _ = _timed(lambda: read_reports(reports, rules, history=history))
    gc.collect()
    out["after_read"] = _memory_now()
    intake = held["intake"]
    out["intake"] = _frame_sizes(
        {"units": intake.units, "people": intake.people, "history": intake.history}
    )
    del intake
    _reset_peak()
    result, out["score_s"], _ = _timed(lambda: score(rules, held["intake"]))
    gc.collect()
    out["after_score"] = _memory_now()
    out["result"] = _frame_sizes(
        {"units": result.units, "people": result.people, "decisions": result.decisions}
    )
    held.clear()
    gc.collect()
    out["result_only"] = _memory_now()
    return out


def main(argv: list[str]) -> None:
    cmd, args = argv[0], argv[1:]
    if cmd == "floor-read":
        res = floor_read(args)
    elif cmd == "floor-write":
        res = floor_write(args[0], args[1])
    elif cmd in ("stages", "memory"):
        history: list[str] = []
        if "--history" in args:
            i = args.index("--history")
            args, history = args[:i], args[i + 1 :]
        res = (stages if cmd == "stages" else memory)(args[0], args[1:], history)
    else:
        raise SystemExit(f"unknown probe {cmd!r}")
    res["maxrss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(res))


if __name__ == "__main__":
    main(sys.argv[1:])

"""Measurements that run in a fresh process and print one JSON line (used by the runner).

    python -m benchmarks.probes floor-read  REPORT.xlsx...      # raw read, python-calamine
    python -m benchmarks.probes floor-write RESULTS.xlsx OUT     # same cells, xlsxwriter
    python -m benchmarks.probes stages RULES REPORT... [--history H...]

`floor-read` reads every sheet of every workbook to Python values (what any reader must at
least do). `floor-write` loads the cells of a results workbook `emulate score` wrote (not
timed) and times writing the same rows, sheet by sheet, with xlsxwriter in constant_memory
mode (the fastest pure-Python writer measured). Together they are the I/O floor: no checks,
no scoring, no formatting beyond what xlsxwriter does for free.

`stages` times the library calls of `emulate score` in one process: `load_rules`,
`read_reports`, `score` (the engine alone, data in memory), `write_results_workbook`, and
the canonical JSON.
"""

from __future__ import annotations

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
    import datetime as dt

    import xlsxwriter
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(results)
    sheets = {n: wb.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in wb.sheet_names}
    wb.close()

    def run() -> int:
        book = xlsxwriter.Workbook(out, {"constant_memory": True})
        n = 0
        for name, rows in sheets.items():
            ws = book.add_worksheet(name[:31])
            write_row = ws.write_row
            for r, row in enumerate(rows):
                write_row(r, 0, [v.isoformat() if isinstance(v, dt.date) else v for v in row])
            n += len(rows)
        book.close()
        return n

    rows, wall, cpu = _timed(run)
    shape = {k: len(v) for k, v in sheets.items()}
    return {"wall": wall, "cpu": cpu, "rows": rows, "sheets": shape}


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
    from emulate.output.resultjson import dumps_canonical, result_to_document

    # As `emulate score` does: the canonical JSON first (the workbook carries it too).
    canonical, out["json"], out["json_cpu"] = _timed(
        lambda: dumps_canonical(result_to_document(result))
    )
    out["json_mib"] = len(canonical) / 2**20
    with tempfile.TemporaryDirectory() as tmp:
        _, out["write_xlsx"], out["write_xlsx_cpu"] = _timed(
            lambda: write_results_workbook(result, Path(tmp) / "ket-qua.xlsx", canonical=canonical)
        )
    return out


def main(argv: list[str]) -> None:
    cmd, args = argv[0], argv[1:]
    if cmd == "floor-read":
        res = floor_read(args)
    elif cmd == "floor-write":
        res = floor_write(args[0], args[1])
    elif cmd == "stages":
        history: list[str] = []
        if "--history" in args:
            i = args.index("--history")
            args, history = args[:i], args[i + 1 :]
        res = stages(args[0], args[1:], history)
    else:
        raise SystemExit(f"unknown probe {cmd!r}")
    res["maxrss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(res))


if __name__ == "__main__":
    main(sys.argv[1:])

"""`emulate score`: read the reports, decide every title, print the summary, write the results
workbook (and the JSON) atomically, never over an input.

Exit codes (DESIGN §9): 0 done (warnings allowed); 1 the inputs have errors (all listed,
nothing written unless --keep-going) or the rules cannot be loaded; 2 usage (bad option,
an output path that is an input).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from emulate.cli.common import as_lang, say
from emulate.cli.progress import QUIET, Steps, progress

if TYPE_CHECKING:
    from rich.console import Console

    from emulate.diagnostics import Diagnostic, Lang
    from emulate.engine.result import Result
    from emulate.intake.read import Intake
    from emulate.rules.model import RuleSet

# Problems with the command line itself rather than the data: exit 2.
USAGE_CODES = frozenset(
    {"output-is-input", "output-in-input-folder", "output-same-twice", "output-is-folder"}
)

TEXTS: dict[str, tuple[str, str]] = {
    "rules": ("Đang đọc bộ tiêu chí…", "Loading the rule set…"),
    "read": ("Đang đọc báo cáo…", "Reading the reports…"),
    "score": ("Đang chấm điểm và xét danh hiệu…", "Scoring and deciding…"),
    "write": ("Đang ghi kết quả…", "Writing the results…"),
    "input_errors": (
        "Dữ liệu đầu vào có {n} lỗi; chưa xét khen thưởng và không ghi kết quả. Hãy sửa các lỗi "
        "trên rồi chạy lại (hoặc thêm --keep-going để vẫn xét với dữ liệu hiện có).",
        "The inputs have {n} errors; nothing was decided or written. Fix them and run again "
        "(or add --keep-going to decide anyway).",
    ),
    "rules_used": ("Bộ tiêu chí: {source}", "Rule set: {source}"),
    "from_stamp": ("theo dấu của báo cáo", "from the reports' stamp"),
    "written": ("Đã ghi {path}", "Wrote {path}"),
}


def text(key: str, lang: Lang, **params: Any) -> str:
    return say(TEXTS, key, lang, **params)


def consoles() -> tuple[Console, Console]:
    """stdout for the product, stderr for problems and progress."""
    from rich.console import Console

    return Console(highlight=False), Console(stderr=True, highlight=False)


def fail(err: Console, diagnostics: Sequence[Diagnostic], lang: Lang) -> typer.Exit:
    """Render `diagnostics` on stderr; the exit code: 2 for usage problems, else 1."""
    from emulate.cli.check import render

    err.print(render(list(diagnostics), lang))
    usage = bool(diagnostics) and all(d.code in USAGE_CODES for d in diagnostics)
    return typer.Exit(2 if usage else 1)


class InputErrors(Exception):
    """The reports have errors and --keep-going was not given."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(f"{sum(d.is_error for d in diagnostics)} input errors")
        self.diagnostics = diagnostics


def decide(
    reports: Sequence[Path],
    *,
    criteria: str | None,
    year: int | None,
    history: Sequence[Path],
    lang: Lang,
    keep_going: bool,
    jobs: int | None = None,
    steps: Steps = QUIET,
) -> tuple[Result, bool]:
    """Load the rules, read, score: (result, rules came from the stamp). Raises
    `EmulateError` (rules) or `InputErrors` (the reports have errors, no --keep-going)."""
    from emulate.cli.check import resolve_rules
    from emulate.engine.run import score

    steps.step(text("rules", lang))
    rules, stamped = resolve_rules(criteria, list(reports))
    steps.step(text("read", lang))
    intake = read(reports, rules, history=history, jobs=jobs, steps=steps)
    if intake.has_errors and not keep_going:
        raise InputErrors(intake.diagnostics)
    steps.step(text("score", lang))
    result = score(rules, intake, year=year, lang=lang, options={"keep_going": keep_going})
    return result, stamped


def read(
    reports: Sequence[Path],
    rules: RuleSet,
    *,
    history: Sequence[Path],
    jobs: int | None,
    steps: Steps = QUIET,
) -> Intake:
    """`read_reports`, with `--jobs` and the files-read progress."""
    from emulate.intake.read import read_reports

    return read_reports(
        list(reports), rules, history=list(history), jobs=jobs, progress=steps.files
    )


def protected(
    reports: Sequence[Path], history: Sequence[Path], criteria: str | None, result: Result | None
) -> list[str]:
    """Every file an output must never overwrite."""
    paths = [str(p) for p in (*reports, *history)]
    if criteria and Path(criteria).is_file():
        paths.append(criteria)
    if result is not None:
        paths += [i.path for i in result.provenance.inputs]
        source = result.provenance.rules_source
        if source and Path(source).is_file():
            paths.append(source)
    return paths


def run(
    reports: Sequence[Path],
    *,
    criteria: str | None,
    year: int | None,
    history: Sequence[Path],
    output: Path,
    json_path: Path | None,
    lang: str,
    keep_going: bool,
    jobs: int | None,
    explain_all: bool = False,
) -> None:
    """`emulate score` (the options are in `emulate.cli.commands`)."""
    from emulate.cli.check import render
    from emulate.diagnostics import EmulateError
    from emulate.output.files import ensure_distinct, ensure_not_input
    from emulate.output.results import write_results
    from emulate.output.terminal import render_summary

    lg = as_lang(lang)
    out, err = consoles()
    hist = list(history)
    targets = [output, *([json_path] if json_path else [])]
    try:
        ensure_distinct(targets)
        for target in targets:
            ensure_not_input(target, protected(reports, hist, criteria, None))
        with progress(err) as steps:
            result, stamped = decide(
                reports,
                criteria=criteria,
                year=year,
                history=hist,
                lang=lg,
                keep_going=keep_going,
                jobs=jobs,
                steps=steps,
            )
            steps.step(text("write", lg))
            canonical = write_results(
                result,
                output,
                json_path,
                inputs=protected(reports, hist, criteria, result),
                every_decision=explain_all,
                parallel=False if jobs == 1 else None,
            )
    except InputErrors as exc:
        shown = [d for d in exc.diagnostics if d.severity != "info"]  # notes are noise here
        err.print(render(shown, lg))
        n = sum(d.is_error for d in exc.diagnostics)
        err.print(text("input_errors", lg, n=n), style="bold red")
        raise typer.Exit(1) from None
    except EmulateError as exc:
        raise fail(err, exc.diagnostics, lg) from None

    source = result.provenance.rules_source or ""
    if stamped:
        source = f"{source}, {text('from_stamp', lg)}"
    out.print(text("rules_used", lg, source=source))
    out.print(render_summary(result, lang=lg, json_sha256=canonical.sha256), crop=False)
    for target in targets:
        out.print(text("written", lg, path=os.fspath(target)), soft_wrap=True)

"""`emulate check REPORT...`: every data problem of the returned workbooks, with file, sheet
and cell (DESIGN §7, §9). Exit 1 when there are errors, 0 otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from emulate.diagnostics import Diagnostic, Lang
    from emulate.rules.model import RuleSet

DEFAULT_RULES = "national"

_TEXTS = {
    "file": ("File", "File"),
    "severity": ("Mức", "Level"),
    "where": ("Vị trí", "Where"),
    "message": ("Nội dung", "Message"),
    "general": ("(chung)", "(general)"),
    "ok": ("Không có lỗi: {people} cá nhân, {units} đơn vị, {history} dòng lịch sử.",
           "No errors: {people} people, {units} units, {history} history rows."),
    "summary": ("{errors} lỗi, {warnings} cảnh báo, {infos} ghi chú.",
                "{errors} errors, {warnings} warnings, {notes} notes."),
    "rules": ("Bộ tiêu chí: {name} ({year}){how}", "Rule set: {name} ({year}){how}"),
    "stamped": (" — theo dấu trong báo cáo", " — from the report's stamp"),
    "reading": ("Đang đọc báo cáo…", "Reading the reports…"),
    "error": ("lỗi", "error"),
    "warning": ("cảnh báo", "warning"),
    "info": ("ghi chú", "note"),
}  # fmt: skip


def _t(key: str, lang: Lang, **params: object) -> str:
    vi, en = _TEXTS[key]
    return (vi if lang == "vi" else en).format(**params)


def resolve_rules(spec: str | None, reports: list[Path]) -> tuple[RuleSet, bool]:
    """The rule set named on the command line, else the one stamped in the reports, else
    `national`. Returns it and whether it came from a stamp. Raises `EmulateError`."""
    from emulate.diagnostics import EmulateError
    from emulate.rules.load import load_rules

    if spec:
        return load_rules(spec), False
    from emulate.intake.read import read_stamp

    stamp = read_stamp(reports)
    if stamp is not None and stamp.source:
        # The stamp names a built-in ("vi-du-so"), or a file that may not be here.
        for candidate in (stamp.source, Path(stamp.source).stem):
            try:
                return load_rules(candidate), True
            except EmulateError:
                continue
    return load_rules(DEFAULT_RULES), False


def render(diagnostics: list[Diagnostic], lang: Lang):  # type: ignore[no-untyped-def]
    """A rich table of diagnostics grouped by file (errors first within a file)."""
    from rich.table import Table
    from rich.text import Text

    styles = {"error": "bold red", "warning": "yellow", "info": "dim"}
    order = {"error": 0, "warning": 1, "info": 2}
    by_file: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        by_file.setdefault(d.where.file or _t("general", lang), []).append(d)
    table = Table(show_lines=False, expand=True)
    table.add_column(_t("file", lang), overflow="fold", ratio=2)
    table.add_column(_t("severity", lang), no_wrap=True)
    table.add_column(_t("where", lang), no_wrap=True)
    table.add_column(_t("message", lang), overflow="fold", ratio=6)
    for file, items in by_file.items():
        items = sorted(items, key=lambda d: order[d.severity.value])
        for i, d in enumerate(items):
            place = "!".join(p for p in (d.where.sheet, d.where.cell) if p)
            sev = d.severity.value
            table.add_row(
                file if i == 0 else "",
                Text(_t(sev, lang), style=styles[sev]),
                place,
                d.message(lang),
            )
        table.add_section()
    return table


def run(
    reports: list[Path],
    *,
    criteria: str | None,
    history: list[Path],
    as_json: bool,
    lang: str,
    jobs: int | None,
) -> None:
    """`emulate check` (the options are in `emulate.cli.commands`)."""
    import json

    from rich.console import Console

    from emulate.cli.progress import progress
    from emulate.cli.score import read
    from emulate.diagnostics import EmulateError

    language: Lang = "vi" if lang == "vi" else "en"
    console = Console(highlight=False)
    try:
        rules, stamped = resolve_rules(criteria, reports)
    except EmulateError as exc:
        _print(exc.diagnostics, language, as_json, console)
        raise typer.Exit(1) from None
    with progress(Console(stderr=True)) as steps:
        steps.step(_t("reading", language))
        intake = read(reports, rules, history=history, jobs=jobs, steps=steps)
    diagnostics = intake.diagnostics
    if as_json:
        typer.echo(
            json.dumps([d.as_dict(language) for d in diagnostics], ensure_ascii=False, indent=2)
        )
        raise typer.Exit(1 if intake.has_errors else 0)
    how = _t("stamped", language) if stamped else ""
    console.print(_t("rules", language, name=rules.name, year=rules.year, how=how))
    _print(diagnostics, language, False, console)
    counts = {
        s: sum(1 for d in diagnostics if d.severity.value == s)
        for s in ("error", "warning", "info")
    }
    if not intake.has_errors:
        console.print(
            _t(
                "ok",
                language,
                people=len(intake.people),
                units=len(intake.units),
                history=len(intake.history),
            )
        )
    console.print(
        _t(
            "summary",
            language,
            errors=counts["error"],
            warnings=counts["warning"],
            infos=counts["info"],
            notes=counts["info"],
        )
    )
    raise typer.Exit(1 if intake.has_errors else 0)


def _print(diagnostics: list[Diagnostic], lang: Lang, as_json: bool, console) -> None:  # type: ignore[no-untyped-def]
    import json

    if as_json:
        typer.echo(json.dumps([d.as_dict(lang) for d in diagnostics], ensure_ascii=False, indent=2))
    elif diagnostics:
        console.print(render(diagnostics, lang))

"""`emulate template`: the blank report workbook units fill in (DESIGN §7)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from pathlib import Path


def run(*, criteria: str, output: Path, lang: str) -> None:
    """`emulate template` (the options are in `emulate.cli.commands`)."""
    from rich.console import Console

    from emulate.diagnostics import EmulateError
    from emulate.intake.template import write_template
    from emulate.rules.load import load_rules

    language = "en" if lang == "en" else "vi"
    console = Console(highlight=False)
    try:
        rules = load_rules(criteria)
        path = write_template(rules, output, source=criteria)
    except EmulateError as exc:
        for d in exc.diagnostics:
            console.print(d.render(language), style="red" if d.is_error else None)
        raise typer.Exit(1) from None
    if language == "vi":
        console.print(
            f"Đã ghi mẫu báo cáo {path} theo bộ tiêu chí “{rules.name}” năm {rules.year}."
        )
    else:
        console.print(f"Wrote the report template {path} for “{rules.name}” {rules.year}.")

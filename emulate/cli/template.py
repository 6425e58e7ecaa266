"""`emulate template`: the blank report workbook units fill in (DESIGN §7)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from emulate.cli.common import LangOption


def register(app: typer.Typer) -> None:
    @app.command("template")
    def template(
        criteria: Annotated[
            str,
            typer.Option("--criteria", "-c", help="Bộ tiêu chí: tên dựng sẵn hoặc file YAML."),
        ] = "national",
        output: Annotated[
            Path, typer.Option("--output", "-o", help="File mẫu báo cáo sẽ ghi (.xlsx).")
        ] = Path("mau-bao-cao.xlsx"),
        lang: LangOption = "vi",
    ) -> None:
        """Tạo file mẫu báo cáo (Excel) cho các đơn vị điền, theo bộ tiêu chí."""
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

"""`emulate criteria list` (the built-in rule sets) and `emulate criteria show NAME|FILE` (the
effective rule set after `extends`, as YAML that loads back to the same rules).

Exit codes: 0 done; 1 the rule set has errors (listed); 2 usage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from emulate.cli.common import as_lang, say

if TYPE_CHECKING:
    from emulate.diagnostics import Lang
    from emulate.rules.model import RuleSet

TEXTS: dict[str, tuple[str, str]] = {
    "missing": (
        "Không tìm thấy bộ tiêu chí '{spec}' (bộ dựng sẵn: {builtins}).",
        "No rule set '{spec}' (built-in rule sets: {builtins}).",
    ),
    "col_name": ("Mã", "Name"),
    "col_title": ("Tên bộ tiêu chí", "Title"),
    "col_year": ("Năm", "Year"),
    "col_from": ("Hiệu lực từ", "In force from"),
    "col_to": ("đến", "to"),
    "broken": (
        "(có lỗi — chạy emulate validate {name})",
        "(has errors — run emulate validate {name})",
    ),
    "header": (
        "# Bộ tiêu chí hiệu lực (sau khi gộp 'extends'): {name}\n"
        "# Nguồn: {source} · SHA-256: {sha}\n",
        "# Effective rule set (after merging 'extends'): {name}\n"
        "# Source: {source} · SHA-256: {sha}\n",
    ),
}


def text(key: str, lang: Lang, **params: Any) -> str:
    return say(TEXTS, key, lang, **params)


def run_list(*, lang: str) -> None:
    """`emulate criteria list` (the options are in `emulate.cli.commands`)."""
    from rich.console import Console
    from rich.table import Table

    from emulate.rules.load import builtin_names, check_rules

    lng = as_lang(lang)
    table = Table(show_lines=False)
    for key in ("col_name", "col_title", "col_year", "col_from", "col_to"):
        table.add_column(text(key, lng))
    for name in builtin_names():
        rules, _ = check_rules(name)
        if rules is None:
            table.add_row(name, text("broken", lng, name=name), "", "", "")
            continue
        eff = rules.effective
        table.add_row(
            name,
            rules.name,
            str(rules.year),
            str(eff.from_) if eff and eff.from_ else "",
            str(eff.to) if eff and eff.to else "",
        )
    Console(soft_wrap=True).print(table)


def run_show(spec: str, *, lang: str) -> None:
    """`emulate criteria show` (the options are in `emulate.cli.commands`)."""
    from pathlib import Path

    from emulate.rules.load import builtin_names, check_rules

    lng = as_lang(lang)
    if spec not in builtin_names() and not Path(spec).is_file():
        builtins = ", ".join(builtin_names())
        typer.echo(text("missing", lng, spec=spec, builtins=builtins), err=True)
        raise typer.Exit(2)
    rules, diags = check_rules(spec)
    if rules is None:
        for d in diags:
            typer.echo(d.render(lng), err=True)
        raise typer.Exit(1)
    header = text("header", lng, name=rules.name, source=rules.source, sha=rules.sha256)
    typer.echo(header + dump_rules(rules), nl=False)


def dump_rules(rules: RuleSet) -> str:
    """The rule set as criteria-file YAML: numbers plain and exact, no anchors."""
    import datetime as dt
    from decimal import Decimal

    import yaml

    class Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True

    def decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
        text = format(value, "f")
        if value == value.to_integral_value() and "." not in text:
            return dumper.represent_int(int(value))
        return dumper.represent_scalar("tag:yaml.org,2002:float", text)

    def date(dumper: yaml.SafeDumper, value: dt.date) -> yaml.Node:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value.isoformat())

    def tuple_(dumper: yaml.SafeDumper, value: tuple[Any, ...]) -> yaml.Node:
        return dumper.represent_list(list(value))

    Dumper.add_representer(Decimal, decimal)
    Dumper.add_representer(dt.date, date)
    Dumper.add_representer(tuple, tuple_)
    data = rules.model_dump(mode="python", by_alias=True, exclude_none=True)
    return yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=100)

"""Help screens for every command, drawn with rich but without `typer.rich_utils`.

Typer's own rich help (`typer.rich_utils`) imports `rich.markdown` (markdown-it), `rich.syntax`
and `rich.traceback` (pygments) at module level, which costs more than typer and rich
themselves; `emulate --help` must start in at most twice `import typer, rich`. The screens
here show the same content — usage, description, arguments, options, commands — taken from
the same click objects (`get_usage`, `get_help_record`, the commands' help), in the same
panels and colours, with only `rich.console`, `rich.panel`, `rich.table` and `rich.text`.
One difference: an option's names and type are one column, as click's help record writes
them (`-o, --output <path>`), and flags show no `<bool>`.

`Group` and `Command` are passed as `cls=` to every Typer app and command of the CLI.
"""

from typing import Any

from typer import echo
from typer.core import TyperArgument, TyperCommand, TyperGroup

# The styles of typer.rich_utils, so the screens look the same.
STYLE_USAGE = "yellow"
STYLE_USAGE_COMMAND = "bold"
STYLE_OPTION = "bold cyan"
STYLE_REQUIRED = "red"
STYLE_EXTRA = "dim"
STYLE_BORDER = "dim"
STYLE_HELPTEXT = "dim"


class _Help:
    """What `Group` and `Command` share: the help screen and a cheap `--help` flag."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        formatter.write(render_help(self, ctx))

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        # Click would raise NoArgsIsHelpError, which typer hands to typer.rich_utils, which
        # prints nothing for it because its own help screen printed itself on the way.
        if not args and self.no_args_is_help and not ctx.resilient_parsing:
            echo(ctx.get_help(), color=ctx.color)
            ctx.exit(2)
        return super().parse_args(ctx, args)

    def get_help_option(self, ctx: Any) -> Any:
        # Typer 0.29 coerces every parameter left unset (value None) through a pydantic
        # TypeAdapter, so `emulate validate --help` imported pydantic just to process the
        # group's own unused `--help` flag. A flag that is not given is False, not None.
        option = super().get_help_option(ctx)
        if option is not None and option.default is None:
            option.default = False
        return option


class Group(_Help, TyperGroup):
    """A Typer group whose help screen is `render_help`."""


class Command(_Help, TyperCommand):
    """A Typer command whose help screen is `render_help`."""


def render_help(command: Any, ctx: Any) -> str:
    """The help screen of `command` (a click command or group) as text, with colours when
    stdout is a terminal."""
    from rich.console import Console
    from rich.padding import Padding

    console = Console(highlight=False)
    with console.capture() as capture:
        usage = command.get_usage(ctx)
        head, _, tail = usage.partition(": ")
        line = _text(head + ": ", STYLE_USAGE) + _text(tail, STYLE_USAGE_COMMAND)
        if not tail:
            line = _text(usage, STYLE_USAGE_COMMAND)
        console.print(Padding(line, 1))
        description = _description(command.help or "")
        if description is not None:
            console.print(Padding(description, (0, 1, 1, 1)))
        params = [p for p in command.get_params(ctx) if not getattr(p, "hidden", False)]
        arguments = [p for p in params if isinstance(p, TyperArgument)]
        options = [p for p in params if not isinstance(p, TyperArgument)]
        for title, group in (("Arguments", arguments), ("Options", options)):
            table = _params_table(group, ctx)
            if table is not None:
                console.print(_panel(table, title))
        if isinstance(command, TyperGroup):
            table = _commands_table(command, ctx)
            if table is not None:
                console.print(_panel(table, "Commands"))
        if command.epilog:
            console.print(Padding(_markup(command.epilog), 1))
    return capture.get()


def _text(value: str, style: str = "") -> Any:
    from rich.text import Text

    return Text(value, style=style)


def _markup(value: str, style: str = "") -> Any:
    """Help strings are rich markup (`rich_markup_mode="rich"`)."""
    from rich.text import Text

    return Text.from_markup(value, style=style)


def _description(help_text: str) -> Any:
    """The first paragraph as is, the rest dimmed; nothing after a form feed."""
    import inspect

    from rich.console import Group as Lines

    text = inspect.cleandoc(help_text).partition("\f")[0].strip()
    if not text:
        return None
    first, *rest = text.split("\n\n")
    parts = [_markup(first.replace("\n", " "))]
    if rest:
        parts += [_text(""), _markup("\n\n".join(rest), STYLE_HELPTEXT)]
    return Lines(*parts)


def _params_table(params: list[Any], ctx: Any) -> Any:
    """One row per parameter: a red `*` when required, its names and type, its help and the
    `[default: …]`/`[required]` notes of click's help record."""
    rows = []
    for param in params:
        record = param.get_help_record(ctx)
        if record is None:
            continue
        names, help_and_notes = record
        own = getattr(param, "help", None) or ""
        if help_and_notes.startswith(own):
            text = _markup(" ".join(own.split()))
            notes = help_and_notes[len(own) :].strip()
            if notes:
                text.append((" " if own else "") + notes, style=STYLE_EXTRA)
        else:  # not click's usual "help  [notes]": show the record as it is
            text = _text(help_and_notes)
        rows.append(("*" if param.required else "", names, text))
    if not rows:
        return None
    marks = any(required for required, _, _ in rows)
    table = _table()
    if marks:
        table.add_column(style=STYLE_REQUIRED, no_wrap=True)
    table.add_column(style=STYLE_OPTION, no_wrap=True)
    table.add_column(ratio=10)
    for required, names, text in rows:
        table.add_row(*((required,) if marks else ()), _text(names), text)
    return table


def _commands_table(group: Any, ctx: Any) -> Any:
    """One row per visible subcommand: its name and the first paragraph of its help."""
    import inspect

    table = _table()
    table.add_column(style=STYLE_OPTION, no_wrap=True)
    table.add_column(ratio=10)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        summary = inspect.cleandoc(command.short_help or command.help or "").split("\n\n")[0]
        table.add_row(_text(name), _markup(summary.replace("\n", " ").strip()))
    return table if table.row_count else None


def _table() -> Any:
    from rich.table import Table

    return Table(show_header=False, expand=True, box=None, pad_edge=False, padding=(0, 1))


def _panel(table: Any, title: str) -> Any:
    from rich.panel import Panel

    return Panel(table, title=title, title_align="left", border_style=STYLE_BORDER)

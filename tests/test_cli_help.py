"""Help screens (`emulate.cli.help`) and what `--help` loads. Speed itself is measured in
benchmarks/, not here; these tests pin what makes it fast: nothing heavy is imported, and
the help screens still show every command, argument and option in full."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from emulate.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()

# Imported by `--help` these would cost more than typer and rich themselves.
HEAVY = (
    "pandas",
    "numpy",
    "openpyxl",
    "pydantic",
    "pydantic_core",
    "yaml",
    "python_calamine",
    "docx",
    "markdown_it",
    "pygments",
    "typer.rich_utils",
    "rich.markdown",
    "rich.syntax",
    "rich.traceback",
)
# The commands' work: loaded when a command runs, not for its help.
WORK = (
    "emulate.cli.score",
    "emulate.cli.check",
    "emulate.cli.explain",
    "emulate.cli.export",
    "emulate.cli.template",
    "emulate.cli.validate",
    "emulate.cli.criteria",
    "emulate.diagnostics",
    "emulate.rules",
)


def imported_by(*args: str) -> set[str]:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "emulate", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Usage: " in proc.stdout
    return {
        line.split("|")[-1].strip()
        for line in proc.stderr.splitlines()
        if line.startswith("import time:")
    }


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("validate", "--help"),
        ("score", "--help"),
        ("criteria", "show", "--help"),
    ],
)
def test_help_imports_nothing_heavy(args: tuple[str, ...]) -> None:
    modules = imported_by(*args)
    assert "emulate.cli.commands" in modules
    loaded = {m for m in modules for name in HEAVY + WORK if m == name or m.startswith(name + ".")}
    assert loaded == set()


def test_validate_help_screen() -> None:
    result = runner.invoke(app, ["validate", "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0 and result.stderr == ""
    assert [line.rstrip() for line in result.stdout.splitlines()] == [
        "",
        " Usage: emulate validate [OPTIONS] {files}...",
        "",
        " Kiểm tra tệp tiêu chí (cấu trúc, điều kiện, căn cứ, vòng lặp) và chạy các ca kiểm thử.",
        "",
        "╭─ Arguments " + "─" * 86 + "╮",
        "│ *  files... <list[str]>  Tệp tiêu chí (YAML) hoặc tên bộ dựng sẵn (national, ...). "
        "[required]    │",
        "╰" + "─" * 98 + "╯",
        "╭─ Options " + "─" * 88 + "╮",
        "│ --lang <str>  Ngôn ngữ thông báo: vi (mặc định) hoặc en. [default: vi]" + " " * 27 + "│",
        "│ --json        In kết quả dạng JSON cho máy đọc." + " " * 50 + "│",
        "│ --help        Show this message and exit." + " " * 56 + "│",
        "╰" + "─" * 98 + "╯",
    ]


def _commands(group, path=()):  # type: ignore[no-untyped-def]
    yield path, group
    for name, command in getattr(group, "commands", {}).items():
        yield from _commands(command, (*path, name))


@pytest.mark.parametrize("path", [p for p, _ in _commands(get_command(app))], ids=" ".join)
def test_help_shows_every_help_text_in_full(path: tuple[str, ...]) -> None:
    """What the click objects hold — the description, each parameter's help and notes, each
    subcommand's summary — is on the screen, whole (wide enough not to wrap)."""
    command = dict(_commands(get_command(app)))[path]
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "400"})
    assert result.exit_code == 0
    screen = result.stdout
    assert f"Usage: emulate {' '.join(path)}".replace("  ", " ").rstrip() in screen
    assert command.help.strip() in screen
    ctx = command.make_context(path[-1] if path else "emulate", [], resilient_parsing=True)
    for param in command.get_params(ctx):
        names, text = param.get_help_record(ctx)
        assert names in screen
        own = param.help or ""
        assert own in screen and text[len(own) :].strip() in screen
    for name, sub in getattr(command, "commands", {}).items():
        assert f"{name}  " in screen and sub.help.strip() in screen


def test_no_arguments_show_the_help() -> None:
    for args in ([], ["criteria"]):
        result = runner.invoke(app, args, env={"COLUMNS": "100"})
        assert result.exit_code == 2
        assert "Usage: emulate" in result.stdout and "╭─ Commands" in result.stdout


def test_usage_errors_are_still_typers() -> None:
    result = runner.invoke(app, ["score"], env={"COLUMNS": "100"})
    assert result.exit_code == 2
    assert "Missing argument 'reports'." in result.stderr


def test_version() -> None:
    from emulate import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout == f"emulate {__version__}\n"

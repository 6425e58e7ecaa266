"""The command line: a thin layer over the library (DESIGN §9).

One module per command registers itself on the app. Command modules import only typer and
the standard library at module level; pandas, openpyxl and the rest are imported inside the
command functions so that `emulate --help` stays fast.
"""

from __future__ import annotations

import contextlib
import sys

import typer

from emulate import __version__
from emulate.cli import check, criteria, explain, export, score, template, validate

app = typer.Typer(
    name="emulate",
    help="Thi đua - khen thưởng cuối năm: chấm điểm, xếp hạng, đề xuất danh hiệu và khen thưởng.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"emulate {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="In phiên bản rồi thoát."
    ),
) -> None:
    """emulate — thi đua, khen thưởng cuối năm từ dòng lệnh."""


for _module in (score, check, template, explain, export, validate, criteria):
    _module.register(app)

ISSUES_URL = "https://github.com/emulate-vn/emulate/issues"


def main() -> None:
    """Entry point: run the app; an unexpected error never shows a traceback."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # exotic consoles
                reconfigure(encoding="utf-8", errors="replace")
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("Đã dừng theo yêu cầu.\n")
        sys.exit(130)
    except Exception as exc:  # the last line of defence: no traceback reaches a user
        if "--debug" in sys.argv:
            raise
        sys.stderr.write(
            f"Lỗi không mong đợi ({type(exc).__name__}: {exc}).\n"
            f"Đây là lỗi của emulate, không phải của dữ liệu. Xin báo lỗi tại {ISSUES_URL} "
            "kèm lệnh đã chạy (chạy lại với --debug để xem chi tiết).\n"
        )
        sys.exit(3)

"""The command line: a thin layer over the library (DESIGN §9).

`emulate.cli.commands` declares every command (arguments, options, help) and is all that
`emulate --help` loads; each command's work is in its own module (`score`, `check`, ...),
imported when it runs, and imports pandas, openpyxl and the rest inside its functions.
Help screens are drawn by `emulate.cli.help`, progress bars by `emulate.cli.progress`.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import NoReturn

from emulate.cli.commands import app

__all__ = ["app", "main"]

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
    except SystemExit as exc:
        if isinstance(exc.code, int | None):
            _exit_now(exc.code or 0)
        raise
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


def _exit_now(code: int) -> NoReturn:
    """Exit without freeing every object first, as mypy does: after a province's round the
    interpreter would spend ~0.4 s taking apart what the process is about to lose anyway.
    By now every output is written, closed and renamed, and every child process joined;
    only the console streams are left to flush."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed pipe: nothing more can be said
            stream.flush()
    os._exit(code)

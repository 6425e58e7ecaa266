"""The command line: a thin layer over the library (DESIGN §9).

`emulate.cli.commands` declares every command (arguments, options, help) and is all that
`emulate --help` loads; each command's work is in its own module (`score`, `check`, ...),
imported when it runs, and imports pandas, openpyxl and the rest inside its functions.
Help screens are drawn by `emulate.cli.help`, progress bars by `emulate.cli.progress`.
"""

from __future__ import annotations

import contextlib
import sys

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

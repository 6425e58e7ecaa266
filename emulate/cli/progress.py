"""Progress of long work (DESIGN §9): a bar on stderr when stderr is a terminal, nothing in
pipes, files or tests.

The commands tell a `Steps` what they are doing — `step(message)` for a stage of unknown
length, `files(done, total)` as reports are read (the `progress=` callback of
`read_reports`). `progress(err)` gives the quiet one unless stderr is a terminal.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


class Steps:
    """Says nothing: for pipes, files and tests."""

    def step(self, message: str) -> None:
        """A new stage begins: `message` says what it is."""

    def files(self, done: int, total: int) -> None:
        """`done` of `total` report files are read."""


QUIET = Steps()


class Bar(Steps):
    """A rich progress bar: one line, the current stage, and files read / total while
    reading."""

    def __init__(self, progress: Any) -> None:
        self._progress = progress
        self._task: Any = None

    def step(self, message: str) -> None:
        if self._task is not None:
            self._progress.remove_task(self._task)
        self._task = self._progress.add_task(message, total=None, count="")
        self._progress.refresh()  # every stage is seen, however short

    def files(self, done: int, total: int) -> None:
        if self._task is None:
            self.step("")
        self._progress.update(self._task, total=total, completed=done, count=f"{done}/{total}")


def is_terminal(console: Console) -> bool:
    """Whether `console` writes to a terminal — the stream itself, not FORCE_COLOR."""
    isatty = getattr(console.file, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):  # closed or exotic streams
        return False


@contextmanager
def progress(err: Console) -> Iterator[Steps]:
    """A `Bar` on `err` if it is a terminal (gone when the block ends), else `QUIET`."""
    if not is_terminal(err):
        yield QUIET
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[count]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        yield Bar(bar)

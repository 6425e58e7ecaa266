"""Writing a result: the results workbook and the canonical JSON, staged, then committed
together (neither target is touched unless both are written).

The two are independent work of about the same size at a province (a few hundred MB of JSON;
a workbook of a few hundred thousand rows), so on Linux with more than one core the JSON is
written by a forked child while this process writes the workbook; the workbook needs only the
JSON's SHA-256 and its compressed copy, at its very end. The child shares this process's
memory until it touches it (copy on write), and reading Python objects touches them: in the
worst case it copies all of it, so it is forked only when the machine has that much memory
free besides. Elsewhere (Windows, macOS: no cheap fork), or short of memory, they are written
one after the other; the bytes are the same either way.
"""

from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
import os
import sys
import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from emulate.output.canonical import Canonical, write_canonical
from emulate.output.files import commit_all, ensure_distinct, output_failed, stage
from emulate.output.workbook import workbook_writer

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from emulate.diagnostics import Lang
    from emulate.engine.result import Result

_FORKED_RESULT: Result | None = None  # what a forked child writes (inherited, not pickled)


def write_results(
    result: Result,
    workbook: str | os.PathLike[str],
    json_path: str | os.PathLike[str] | None = None,
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
    lang: Lang | None = None,
    every_decision: bool = False,
    now: dt.datetime | None = None,
    parallel: bool | None = None,
) -> Canonical:
    """Write the results workbook and (given `json_path`) the canonical JSON atomically,
    never over one of `inputs` or of the result's inputs; return the JSON's SHA-256 and
    hidden-sheet cells. `parallel=None`: the JSON in a child process where it pays and the
    memory allows (see above); False: in this process."""
    protect = [*(i.path for i in result.provenance.inputs), *inputs]
    targets = [workbook, *([json_path] if json_path is not None else [])]
    ensure_distinct(targets)
    staged = []
    try:
        json_temp = None
        if json_path is not None:
            staged.append(stage(json_path, b"", inputs=protect))  # filled below
            json_temp = staged[-1].temp
        pending = _start(result, json_temp, _forks() if parallel is None else parallel)
        try:
            staged.append(
                stage(
                    workbook,
                    workbook_writer(
                        result,
                        lang=lang,
                        canonical=pending.get,
                        now=now,
                        every_decision=every_decision,
                    ),
                    inputs=protect,
                )
            )
            canonical = pending.get()
        finally:
            pending.stop()
        commit_all(staged)
    except BaseException:
        for item in staged:
            item.discard()
        raise
    return canonical


def _forks() -> bool:
    if not sys.platform.startswith("linux") or (os.cpu_count() or 1) < 2:
        return False
    resident, available = _memory()
    return resident + HEADROOM < available


HEADROOM = 1 << 30  # bytes left free even if the child copied all this process holds


def _memory() -> tuple[int, int]:
    """This process's resident bytes and the machine's available bytes (Linux /proc)."""
    try:
        with open("/proc/self/statm") as statm:
            resident = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        with open("/proc/meminfo") as meminfo:
            fields = dict(line.split(":", 1) for line in meminfo)
        available = int(fields["MemAvailable"].split()[0]) * 1024
    except (OSError, KeyError, ValueError, IndexError):
        return 0, 0  # unknown: do not fork
    return resident, available


class _Serial:
    """The JSON written when first asked for."""

    def __init__(self, result: Result, path: Path | None) -> None:
        self.result, self.path, self.done = result, path, None

    def get(self) -> Canonical:
        if self.done is None:
            self.done = _write(self.result, self.path)
        return self.done

    def stop(self) -> None:
        pass


class _Forked:
    """The JSON written by a forked child; `get` waits for it."""

    def __init__(self, result: Result, path: Path | None) -> None:
        global _FORKED_RESULT
        context = multiprocessing.get_context("fork")
        self.path = path
        self.receive, send = context.Pipe(duplex=False)
        _FORKED_RESULT = result
        # Objects alive now are left out of the child's garbage collections: a collection
        # writes to every object it visits, and each write copies a shared page.
        gc.freeze()
        try:
            self.child = context.Process(target=_child, args=(send, path), daemon=True)
            self.child.start()
        finally:
            _FORKED_RESULT = None
            gc.unfreeze()
        send.close()
        self.done: Canonical | None = None

    def get(self) -> Canonical:
        if self.done is None:
            try:
                kind, value = self.receive.recv()
            except EOFError:
                kind, value = "crash", f"exit code {self.child.exitcode}"
            self.child.join()
            if kind == "ok":
                self.done = value
            elif kind == "oserror":
                raise output_failed(self.path or Path("?"), value)
            else:
                raise RuntimeError(f"writing the result JSON failed in a child process: {value}")
        return self.done

    def stop(self) -> None:
        if self.child.is_alive():
            self.child.terminate()
            self.child.join()
        self.receive.close()


def _start(result: Result, path: Path | None, parallel: bool) -> _Serial | _Forked:
    return _Forked(result, path) if parallel else _Serial(result, path)


def _write_raw(result: Result, path: Path | None) -> Canonical:
    if path is None:
        return write_canonical(result)
    with open(path, "wb") as handle:
        canonical = write_canonical(result, handle)
        handle.flush()
        os.fsync(handle.fileno())
    return canonical


def _write(result: Result, path: Path | None) -> Canonical:
    try:
        return _write_raw(result, path)
    except OSError as exc:  # a full disk, mostly
        raise output_failed(path or Path("?"), exc.strerror or type(exc).__name__) from exc


def _child(send: Connection, path: Path | None) -> None:
    message: tuple[str, Any]
    try:
        assert _FORKED_RESULT is not None
        message = ("ok", _write_raw(_FORKED_RESULT, path))
    except OSError as exc:
        message = ("oserror", exc.strerror or type(exc).__name__)
    except BaseException as exc:  # reported to the parent, which raises
        message = ("error", "".join(traceback.format_exception(exc)))
    send.send(message)
    send.close()

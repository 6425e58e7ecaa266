"""Reading in worker processes: several files at once, or the sheets of one workbook.

Files (`read_in_pool`): workers are started with the `spawn` method on every platform, as
Windows must: a worker is a fresh interpreter that gets its task and the rule set by pickling
(module-level function, frozen dataclasses, no lambdas) and sends back a picklable
`FileRead`. Files are handed out largest first, so that one big workbook does not start last
and keep everyone waiting; their results are given back in the order of the tasks, whatever
the order they finish in.

Sheets (`SheetWorkers`): a province sends one workbook whose sheets (units, people, history)
take seconds each. While this process reads some of them, workers read the others, each
opening the workbook itself (cheap: sheets are parsed on demand) and sending back their
`SheetRead`s, which `book` puts together in the sheets' order. The workers are started once,
before the first file is read, and serve every workbook in turn; on Linux they are forked
(at once, with everything already imported) unless this process runs other threads, which a
fork would leave in an unknown state; elsewhere they are spawned. A worker that dies leaves
its sheets to this process: the result is the same, only slower.
"""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from emulate.intake.book import (
    FileRead,
    FileTask,
    SheetJob,
    SheetRead,
    file_size,
    read_file,
    read_sheets,
    read_sheets_at,
)
from emulate.rules.model import RuleSet

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from emulate.intake.grid import Workbook

# Below this much sheet XML (about half a second of reading), a workbook's sheets are read
# here: sending them back would cost more than sharing them saves.
SPLIT_MIN_XML = 8 * 1024 * 1024


def read_in_pool(
    tasks: list[FileTask],
    rules: RuleSet,
    workers: int,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[FileRead]:
    """Each task's `FileRead`, in task order, read by `workers` processes; `progress(done,
    total)` after each file, in the order they finish.

    When the workers cannot run (a script that starts reading at import, without the
    `if __name__ == "__main__":` guard that `spawn` needs, or a worker killed), the files
    not read yet are read here: the result is the same, only slower."""
    from concurrent.futures.process import BrokenProcessPool

    ready: dict[int, FileRead] = {}
    following = 0
    try:
        for index, read in _from_workers(tasks, rules, workers):
            ready[index] = read
            if progress is not None:
                progress(len(ready) + following, len(tasks))
            while following in ready:
                yield ready.pop(following)
                following += 1
    except BrokenProcessPool:
        pass
    for index in range(following, len(tasks)):
        if index not in ready:
            ready[index] = read_file(tasks[index], rules)
            if progress is not None:
                progress(len(ready) + index, len(tasks))
        yield ready.pop(index)


def _from_workers(
    tasks: list[FileTask], rules: RuleSet, workers: int
) -> Iterator[tuple[int, FileRead]]:
    """(task index, its `FileRead`) as the workers finish, largest files handed out first."""
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor, as_completed

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        order = sorted(range(len(tasks)), key=lambda i: (-file_size(tasks[i].path), i))
        futures: dict[Future[FileRead], int] = {
            pool.submit(read_file, tasks[i], rules): i for i in order
        }
        try:
            for future in as_completed(futures):
                yield futures[future], future.result()
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)  # a worker failed, or the caller
            raise


def start_method() -> str:
    """`fork` on Linux from a process with no other Python thread (a progress bar's, say);
    else `spawn`."""
    import threading

    return "fork" if sys.platform.startswith("linux") and threading.active_count() == 1 else "spawn"


class SheetWorkers:
    """`count` worker processes sharing the sheets of each workbook with this one (a
    `book.SheetReader`); `always` shares even small workbooks (an explicit --jobs). Use as a
    context manager: the workers end with it."""

    def __init__(self, count: int, *, always: bool = False) -> None:
        import multiprocessing

        import numpy  # noqa: F401  (what a forked worker needs, loaded once, before it forks)
        import python_calamine  # noqa: F401

        context = multiprocessing.get_context(start_method())
        self.always = always
        self._links: list[Connection | None] = []
        self._processes: list[Any] = []
        for _ in range(count):
            here, there = context.Pipe()
            process = context.Process(target=_serve, args=(there,), daemon=True)
            process.start()
            there.close()
            self._links.append(here)
            self._processes.append(process)

    def __enter__(self) -> SheetWorkers:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self.close(now=kind is not None)

    def close(self, *, now: bool = False) -> None:
        """End the workers: a waiting one is told to (closing the link is not enough: a
        forked worker holds copies of the links made before it); one still busy, or any
        when `now` (reading failed or was interrupted), is stopped."""
        for link in self._links:
            if link is not None:
                with contextlib.suppress(OSError):
                    link.send(None)
                link.close()
        for process in self._processes:
            process.join(timeout=0 if now else 5)
            if process.is_alive():
                process.terminate()
                process.join()
        self._links, self._processes = [], []

    def __call__(self, book: Workbook, jobs: list[SheetJob]) -> list[SheetRead]:
        """The jobs' reads in job order, up to the first failure (as `book.read_sheets`)."""
        live = [i for i, link in enumerate(self._links) if link is not None]
        sizes = [book.xml_size(job.sheet) for job in jobs]
        if not live or (not self.always and sum(sizes) < SPLIT_MIN_XML):
            return read_sheets(book, jobs)
        owners = assign(sizes, len(live))
        sent: dict[int, list[int]] = {}  # worker → the jobs it reads
        for k in sorted(set(owners) - {0}):
            mine = [i for i, owner in enumerate(owners) if owner == k]
            if self._send(live[k - 1], (book.path, book.display, [jobs[i] for i in mine])):
                sent[live[k - 1]] = mine
        reads: list[SheetRead | None] = [None] * len(jobs)
        local = [i for i in range(len(jobs)) if all(i not in mine for mine in sent.values())]
        _place(reads, local, read_sheets(book, [jobs[i] for i in local]))
        for worker, mine in sent.items():
            got = self._receive(worker)
            _place(
                reads, mine, got if got is not None else read_sheets(book, [jobs[i] for i in mine])
            )
        return _in_order(reads)

    def _send(self, worker: int, task: tuple[Any, ...]) -> bool:
        link = self._links[worker]
        try:
            link.send(task)  # type: ignore[union-attr]
        except OSError:  # the worker is gone
            self._drop(worker)
            return False
        return True

    def _receive(self, worker: int) -> list[SheetRead] | None:
        link = self._links[worker]
        try:
            return link.recv()  # type: ignore[union-attr, no-any-return]
        except (EOFError, OSError):  # the worker died (killed, out of memory)
            self._drop(worker)
            return None

    def _drop(self, worker: int) -> None:
        link = self._links[worker]
        if link is not None:
            link.close()
        self._links[worker] = None


def assign(sizes: list[int], workers: int) -> list[int]:
    """Who reads each sheet: 0 this process, k the k-th worker. Largest first, each to the
    least loaded so far, this process first on a tie (what it reads is not sent back)."""
    loads = [0] * (workers + 1)
    owners = [0] * len(sizes)
    for i in sorted(range(len(sizes)), key=lambda i: (-sizes[i], i)):
        owners[i] = loads.index(min(loads))
        loads[owners[i]] += sizes[i]
    return owners


def _place(reads: list[SheetRead | None], where: list[int], got: list[SheetRead]) -> None:
    for i, read in zip(where, got):
        reads[i] = read


def _in_order(reads: list[SheetRead | None]) -> list[SheetRead]:
    """The reads up to the first failure. Each reader stops at its own first failure, so a
    read missing comes after a failure that stops the workbook anyway."""
    out: list[SheetRead] = []
    for read in reads:
        if read is None:
            break
        out.append(read)
        if read.failure is not None:
            break
    return out


def _serve(link: Connection) -> None:
    """A sheet worker: read the sheets asked for until told to stop (None) or the parent
    is gone. Ctrl-C is left to the parent, which ends its workers; what a forked worker
    shares with its parent is frozen so that the collector never walks it (its pages stay
    shared, not copied)."""
    import multiprocessing
    import signal
    from multiprocessing.connection import wait

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.freeze()
    parent = multiprocessing.parent_process()
    watched: list[Any] = [link, *([parent.sentinel] if parent is not None else [])]
    while True:
        try:
            if link not in wait(watched):
                return  # the parent died
            task = link.recv()
            if task is None:
                return
            link.send(read_sheets_at(*task))
        except (EOFError, OSError):
            return

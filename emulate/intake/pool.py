"""Reading several files at once in worker processes.

Workers are started with the `spawn` method on every platform, as Windows must: a worker is
a fresh interpreter that gets its task and the rule set by pickling (module-level function,
frozen dataclasses, no lambdas) and sends back a picklable `FileRead`. Files are handed out
largest first, so that one big workbook does not start last and keep everyone waiting; their
results are given back in the order of the tasks, whatever the order they finish in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from emulate.intake.book import FileRead, FileTask, file_size, read_file
from emulate.rules.model import RuleSet


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

"""Files that are not pages (the open-data downloads), made on every core into the output
writer, as pages are.

A job is one department-year: picklable data, and `make` a picklable function of it (a
module-level function or a functools.partial of one), so workers run under fork and spawn
alike (generator/parallel.py). A worker makes the job's files and stages each itself (the
writer's Stager), sending back only the receipts; the main process records them, so the
manifest lists every file and a rebuild removes what is gone. The dev server makes them in
its own process and keeps the files of a department-year whose inputs did not change.
"""

from __future__ import annotations

from collections.abc import Callable

from generator import parallel
from generator.writer import Stager

PARALLEL_FROM = 8  # jobs (department-years, ~0.1 s each); below this a second process costs more than it saves
_WORK: tuple | None = None  # (jobs or None, make, stager): set in each worker by _start_worker


def _start_worker(jobs: list | None, make: Callable[[object], dict[str, bytes]], stager: Stager) -> None:
    global _WORK
    _WORK = (jobs, make, stager)


def _run(task: tuple[int, object]):
    """One job's files, staged; the job travels with the task (spawn) or is the worker's
    own copy of the parent's (fork)."""
    work = _WORK
    assert work is not None, "_start_worker runs first in every worker"
    inherited, make, stager = work
    index, job = task
    files = make(job if inherited is None else inherited[index])
    return [(path, stager.put(path, data)) for path, data in files.items()]


def produce(jobs: list, make: Callable[[object], dict[str, bytes]], sink, memo: dict | None = None, key: Callable | None = None) -> int:
    """Make every job's files into `sink`; how many files. With `memo` (the dev server's),
    a job whose key equals the last build's reuses that build's very bytes."""
    if memo is None and len(jobs) >= PARALLEL_FROM and parallel.usable_cores() > 1:
        return _parallel(jobs, make, sink)
    count = 0
    fresh = {}
    for job in jobs:
        ident = key(job) if key is not None else (None, None)  # a key is given with a memo
        previous = memo.get(ident[0]) if memo is not None else None
        if previous is not None and previous[0] == ident[1]:
            files = previous[1]
        else:
            files = make(job)
        # the job's files as one group: kept whole when they are the last build's bytes
        if not sink.keep_group(("produce", ident[0]), files):
            sink.add_group(("produce", ident[0]), files)
        if memo is not None:
            fresh[ident[0]] = (ident[1], files)
        count += len(files)
    if memo is not None:
        memo.clear()
        memo.update(fresh)
    return count


def _parallel(jobs: list, make, sink) -> int:
    inherit = parallel.context().get_start_method() == "fork"
    # Under fork the pool's arguments are not pickled: the workers simply have them.
    pool = parallel.worker_pool(parallel.usable_cores(), _start_worker, (jobs if inherit else None, make, sink.stager()))
    tasks = [(index, None if inherit else job) for index, job in enumerate(jobs)]
    count = 0
    try:
        for receipts in pool.map(_run, tasks, chunksize=4):
            for path, receipt in receipts:
                sink.record(path, receipt)
            count += len(receipts)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return count

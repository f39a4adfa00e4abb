"""Files that are not pages (the open-data downloads), made on every core into the output
writer, as pages are.

A job is one department-year: a picklable key and a function the forked workers inherit.
A worker makes the job's files and stages each in the writer itself (writer.put), sending
back only the receipts; the main process records them, so the manifest lists every file and
a rebuild removes what is gone. The dev server makes them in its own process and keeps the
files of a department-year whose inputs did not change.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable

from generator.render import usable_cores

PARALLEL_FROM = 8  # jobs (department-years, ~0.1 s each); below this a second process costs more than it saves
_WORK: tuple | None = None  # (jobs, make, sink) for forked workers, which inherit it


def _run(index: int):
    jobs, make, sink = _WORK
    return [(path, sink.put(path, data)) for path, data in make(jobs[index]).items()]


def produce(jobs: list, make: Callable[[object], dict[str, bytes]], sink, memo: dict | None = None, key: Callable | None = None) -> int:
    """Make every job's files into `sink`; how many files. With `memo` (the dev server's),
    a job whose key equals the last build's reuses that build's very bytes."""
    if memo is None and len(jobs) >= PARALLEL_FROM and usable_cores() > 1:
        return _parallel(jobs, make, sink)
    count = 0
    fresh = {}
    kept = []
    for job in jobs:
        ident = key(job) if key else None
        previous = memo.get(ident[0]) if memo is not None else None
        if previous is not None and previous[0] == ident[1]:
            files = previous[1]
            kept.extend(files.items())
        else:
            files = make(job)
            for path, data in files.items():
                sink.add(path, data)
        if memo is not None:
            fresh[ident[0]] = (ident[1], files)
        count += len(files)
    for path, data in sink.keep_all(kept):
        sink.add(path, data)
    if memo is not None:
        memo.clear()
        memo.update(fresh)
    return count


def _parallel(jobs: list, make, sink) -> int:
    global _WORK
    _WORK = (jobs, make, sink)
    pool = multiprocessing.get_context("fork").Pool(usable_cores())
    _WORK = None
    count = 0
    try:
        for receipts in pool.imap(_run, range(len(jobs)), chunksize=4):
            for path, receipt in receipts:
                sink.record(path, receipt)
            count += len(receipts)
        pool.close()
    finally:
        pool.terminate()
        pool.join()
    return count

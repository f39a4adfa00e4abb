"""Worker processes: which start method, how many cores.

Every pool is a concurrent.futures pool, not a multiprocessing.Pool: a worker that dies
(its start-up failed, the system killed it) breaks the pool, and waiting for a result
raises BrokenProcessPool, where multiprocessing.Pool would start another worker and
wait for the lost task forever.

The render and load workers take every input as an argument, so they run under `fork`
and `spawn` alike. Linux forks (its default, and cheap: the workers inherit the parent's
pages instead of receiving them pickled); everywhere else (macOS, where Python documents
fork as unsafe, and Windows, which has no fork) they are spawned.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext

__all__ = ["BrokenProcessPool", "context", "start_method", "usable_cores", "worker_pool"]

START_METHOD_VARIABLE = "DISCLOSE_START_METHOD"  # "fork" or "spawn": force one (the tests run both)


def start_method() -> str:
    """`fork` on Linux, `spawn` elsewhere, or what DISCLOSE_START_METHOD asks for when this
    platform has it (an unknown or unavailable name is ignored)."""
    available = multiprocessing.get_all_start_methods()
    forced = os.environ.get(START_METHOD_VARIABLE, "")
    if forced in ("fork", "spawn") and forced in available:
        return forced
    return "fork" if sys.platform.startswith("linux") and "fork" in available else "spawn"


def context() -> BaseContext:
    return multiprocessing.get_context(start_method())


def usable_cores() -> int:
    """Cores this process may use (at most 8)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(cores, 8)


def worker_pool(workers: int, initializer: Callable[..., None] | None = None, initargs: tuple = ()) -> ProcessPoolExecutor:
    """Processes of this platform's start method; under fork, `initargs` are inherited,
    not pickled."""
    return ProcessPoolExecutor(workers, mp_context=context(), initializer=initializer, initargs=initargs)

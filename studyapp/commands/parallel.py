"""Many independent pieces of work (a class's 500 feedback sheets) shared over the machine's cores.

Only where ``fork`` is the safe, cheap way to start a worker (Linux): the children inherit
everything the parent computed (the graded class, its problems and figures) and nothing is pickled
but their errors. Elsewhere, on one core, or for a little work, everything runs here, in order.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

LEAST = 40  # pieces: below this a worker's start costs more than it saves
_job: Callable[[int], None] | None = None  # what the forked children call (set before they fork)


def cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def each(job: Callable[[int], None], count: int, *, workers: int | None = None) -> None:
    """Call ``job(i)`` for every ``i`` in ``range(count)``, the share ``i ≡ k (mod n)`` in the k-th
    of n processes (this one included). The first error of any share is raised here, after every
    share has ended, so no child outlives the call."""
    n = min(cores() if workers is None else workers, 8, count // (LEAST // 2) or 1)
    if n < 2 or sys.platform != "linux" or count < LEAST:
        for i in range(count):
            job(i)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    global _job  # (multiprocessing flushes stdout and stderr before it forks: nothing is printed twice)
    _job = job
    try:
        with ProcessPoolExecutor(n - 1, mp_context=multiprocessing.get_context("fork")) as pool:
            shares = [pool.submit(_share, k, n, count) for k in range(1, n)]
            error: BaseException | None = None
            try:
                _share(0, n, count)
            except BaseException as exc:  # noqa: BLE001 (raised below, once the children are done)
                error = exc
            for share in shares:
                try:
                    share.result()
                except BrokenProcessPool:  # a child killed (out of memory, a signal): one line, no traceback
                    error = error or OSError("a worker process was stopped before it finished (out of "
                                             "memory?); the files it had not written are missing")
                except BaseException as exc:  # noqa: BLE001
                    error = error or exc
            if error is not None:
                raise error
    finally:
        _job = None


def _share(k: int, n: int, count: int) -> None:
    assert _job is not None
    for i in range(k, count, n):
        _job(i)

"""Parallel where it pays: a job too small to pay for a pool of processes runs in this process by itself.

Shipping the work to a pool's workers and their sums back costs milliseconds (more with a pool to start, or a dask
cluster on the network), and two cores can at best halve the time: a tournament of 40 ms is done sooner here than a
pool could do it.  Before handing a job to an executor, :func:`here_if_small` times a few of its own matches (a
quick calibration on the real work, whatever the strategies cost) and estimates the whole job from them; below
:data:`IN_PROCESS_BELOW` seconds it runs here.  The results are the same either way (each match's seed comes from
its place in the job, and the sums are whole numbers).
"""
from __future__ import annotations

import time
from typing import Any, Callable, Sequence

#: Estimated seconds on one process below which a job runs in this process even when an executor is given.
IN_PROCESS_BELOW = 0.25
#: Matches timed for the estimate (spread over the job).
SAMPLES = 3


def estimate(play: Callable[[Any], Any], tasks: Sequence[Any], samples: int = SAMPLES) -> float:
    """Seconds the whole of ``tasks`` would take on one process: ``play(task)`` timed for a few of them.

    >>> estimate(lambda t: sum(range(t)), [10] * 1000) < 0.1
    True
    """
    if not tasks:
        return 0.0
    step = max(1, len(tasks) // samples)
    picked = list(tasks[::step][:samples])
    clock = time.perf_counter
    t0 = clock()
    for task in picked:
        play(task)
    return (clock() - t0) / len(picked) * len(tasks)


def here_if_small(executor: Any, play: Callable[[Any], Any], tasks: Sequence[Any]) -> Any:
    """``executor``, or None (this process) when the job's estimated time on one process is below
    :data:`IN_PROCESS_BELOW` seconds.

    >>> here_if_small(object(), lambda t: None, [1, 2, 3]) is None
    True
    """
    if executor is None:
        return None
    return None if estimate(play, tasks) < IN_PROCESS_BELOW else executor

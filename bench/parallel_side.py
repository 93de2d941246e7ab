"""The parallel workload: a Monte Carlo sweep long enough to be worth parallelising (at least 5 s on one process),
on one process, on a 2-process pool and on a dask ``LocalCluster`` of 2 worker processes, with the same rows by seed.

Run by :mod:`bench.child` in a fresh process (``python -m bench.child sweep RUNS SEED REPETITIONS``), as a user's
``diplosim sweep`` runs: a pool forked from the harness would pay for the harness's memory.
"""
from __future__ import annotations

import time
from typing import Any

#: The grid: 4 pairs x 5 noise levels = 20 cells, ``repetitions`` matches of 200 rounds each.
PAIRS = (("tit-for-tat", "tit-for-tat"), ("generous-tit-for-tat", "tit-for-tat"), ("tit-for-tat", "random"),
         ("grim-trigger", "tit-for-tat"))
NOISE = (0.0, 0.02, 0.05, 0.1, 0.2)
ROUNDS = 200
#: Matches per cell in the full run: 80,000 matches, about 6 s on one process of the 2-core machine.
REPETITIONS = 4000


def sweep_times(runs: int, seed: int, repetitions: int) -> dict[str, Any]:
    """Seconds per run on 1 process, on a 2-process pool (started and warmed up before the timing) and on a dask
    LocalCluster of 2 single-threaded worker processes (started and warmed up too), taking turns run by run; and
    whether the rows were the same on all three."""
    from diplosim.play import tournament as tm

    clock = time.perf_counter
    grid = tm.Grid(pairs=PAIRS, noise=NOISE)

    def run(ex: Any) -> list:
        return tm.sweep(grid, rounds=ROUNDS, repetitions=repetitions, seed=seed, executor=ex).rows

    out: dict[str, Any] = {"one": [], "two": [], "dask": [], "matches": len(PAIRS) * len(NOISE) * repetitions}
    warm = max(1, repetitions // 4)
    with tm.executor(processes=2) as pool:
        # the pool first: its workers are forked before dask's threads exist
        tm.sweep(grid, rounds=ROUNDS, repetitions=warm, seed=seed, executor=pool)
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            cluster = client = dex = None
            out["dask_missing"] = "dask[distributed] is not installed (pip install 'diplosim[dask]')"
        else:
            cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
            client = Client(cluster)
            dex = client.get_executor()
            tm.sweep(grid, rounds=ROUNDS, repetitions=warm, seed=seed, executor=dex)
        try:
            for _ in range(runs):
                t0 = clock()
                one = run(None)
                t1 = clock()
                two = run(pool)
                t2 = clock()
                out["one"].append(t1 - t0)
                out["two"].append(t2 - t1)
                if dex is not None:
                    t2 = clock()
                    dask_rows = run(dex)
                    out["dask"].append(clock() - t2)
                    out["same_dask"] = dask_rows == one
                out["same_two"] = two == one
        finally:
            if client is not None:
                client.close()
                cluster.close()
    out["rows"] = len(one)
    return out

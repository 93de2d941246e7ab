"""Where matches run: in this process, on a shared pool of worker processes (kept warm between calls), or on a dask
cluster; and how work is cut into chunks for them.  On Ctrl-C or SIGTERM the CLI calls :func:`stop_pools`, which
ends the workers at once."""
from __future__ import annotations

import contextlib
import os
from typing import Any, Callable, Iterator, Sequence

from ..core.errors import InputError

_POOLS: dict[int, Any] = {}


def shared_pool(processes: int | None = None) -> Any:
    """A process pool of ``processes`` workers (default: all cores), started once and kept warm for later calls
    (forked where the platform allows, so workers start with diplosim already imported)."""
    import atexit
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    n = processes or os.cpu_count() or 1
    pool = _POOLS.get(n)
    if pool is None or getattr(pool, "_broken", False) or getattr(pool, "_shutdown_thread", False):
        import threading

        methods = multiprocessing.get_all_start_methods()
        # fork is fastest (workers start with diplosim imported) but unsafe once other threads run (a dask client,
        # another pool's manager): then a fork server
        if "fork" in methods and threading.active_count() == 1:
            ctx = multiprocessing.get_context("fork")
        else:
            ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        pool = ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=_worker_signals)
        if not _POOLS:
            atexit.register(_shutdown_pools)
        _POOLS[n] = pool
    return pool


def _shutdown_pools() -> None:
    for pool in _POOLS.values():
        pool.shutdown(wait=True, cancel_futures=True)
    _POOLS.clear()


def _worker_signals() -> None:
    """In a worker: Ctrl-C is for the main process, which stops the workers (:func:`stop_pools`); SIGTERM ends it."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def stop_pools() -> None:
    """Stop the shared pools now, without waiting for the work in hand (on Ctrl-C or SIGTERM): the workers are
    terminated and the pools' queues and locks released, so nothing is left running or leaked."""
    for pool in list(_POOLS.values()):
        workers = list((getattr(pool, "_processes", None) or {}).values())
        for w in workers:
            w.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        for w in workers:
            w.join(timeout=5)
    _POOLS.clear()


@contextlib.contextmanager
def executor(processes: int | None = None, scheduler: str | None = None) -> Iterator[Any]:
    """The executor to run on: None (this process) for ``processes=1``, a dask cluster's for ``scheduler``
    (``tcp://host:8786``), else the shared process pool on ``processes`` cores (default: all).

    >>> from diplosim.play.strategies import get
    >>> from diplosim.play.tournament import tournament
    >>> with executor(1) as ex:
    ...     tournament([get("tit-for-tat"), get("random")], rounds=5, repetitions=1, executor=ex).rows[0]["rank"]
    1
    """
    if scheduler:
        try:
            from distributed import Client
        except ImportError:
            raise InputError("--scheduler needs dask: pip install 'diplosim[dask]'") from None
        try:
            client = Client(scheduler, timeout=10)
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError(f"cannot reach the dask scheduler {scheduler}: {exc}") from None
        try:
            yield client.get_executor()
        finally:
            client.close()
        return
    if processes is not None and processes < 1:
        raise InputError(f"processes must be at least 1 (got {processes})")
    yield None if processes == 1 else shared_pool(processes)


def _workers(ex: Any) -> int:
    if ex is None:
        return 1
    n = getattr(ex, "_max_workers", None)
    if n:
        return int(n)
    client = getattr(ex, "_client", None)
    if client is not None:
        try:
            return max(1, sum(client.nthreads().values()))
        except Exception:  # noqa: BLE001 - a count for chunking only
            return 2
    return os.cpu_count() or 1


def _chunks(total: int, workers: int, per_worker: int = 2, max_chunk: int = 20000) -> list[tuple[int, int]]:
    """Split ``range(total)`` into a few contiguous chunks per worker (and none bigger than ``max_chunk``)."""
    n = max(1, min(total, max(workers * per_worker, -(-total // max_chunk))))
    size, extra = divmod(total, n)
    out, start = [], 0
    for i in range(n):
        stop = start + size + (1 if i < extra else 0)
        if stop > start:
            out.append((start, stop))
        start = stop
    return out


def run_chunks(fn: Callable[..., Any], payloads: Sequence[tuple], ex: Any,
               progress: Callable[[int], None] | None = None, sizes: Sequence[int] | None = None) -> list[Any]:
    """``fn(*payload)`` for each payload, on ``ex`` (None: here), results in payload order.

    >>> run_chunks(pow, [(2, 3), (3, 2)], None)
    [8, 9]
    """
    if ex is None:
        out = []
        for i, p in enumerate(payloads):
            out.append(fn(*p))
            if progress:
                progress(sizes[i] if sizes else 1)
        return out
    futures = {ex.submit(fn, *p): i for i, p in enumerate(payloads)}
    results: list[Any] = [None] * len(payloads)
    from concurrent.futures import as_completed
    for f in as_completed(futures):
        i = futures[f]
        results[i] = f.result()
        if progress:
            progress(sizes[i] if sizes else 1)
    return results

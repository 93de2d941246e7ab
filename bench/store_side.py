"""diplosim's store as the benchmarks use it: append in batches, read back, replay, states at dates.

Everything goes through the public API of :mod:`diplosim.store` (``open_store``, ``Store.append``,
``Store.read``, ``Store.state_at``).  A full replay is ``Store.replay(stream)``: every event read and applied,
no snapshot used, equal to ``fold(store.read(stream), check_ids=False)`` (the store's unique index vouches for the
ids, as ``Store.state_at`` says).
"""
from __future__ import annotations

import datetime
import time
from typing import Any

from diplosim.core.fold import fold
from diplosim.store import open_store

STREAM = "bench"


def append(db: str, events: list, batch: int) -> str:
    """Append ``events`` to a new stream of the store at ``db``, ``batch`` per transaction, each with its
    expected version (the optimistic-concurrency path a real writer takes)."""
    with open_store(db) as store:
        version = 0
        for i in range(0, len(events), batch):
            version = store.append(STREAM, events[i:i + batch], expected_version=version)
    return db


def read_all(db: str) -> list:
    with open_store(db, readonly=True) as store:
        return list(store.read(STREAM))


def replay(db: str) -> Any:
    """The state after every event of the stream, replayed from the first one (streamed page by page, no snapshot):
    ``Store.replay``, equal to ``fold(store.read(stream), check_ids=False)`` in memory that does not grow with the
    stream (the histories of resolutions and claims are read from the store when first used)."""
    with open_store(db, readonly=True) as store:
        return store.replay(STREAM)


def states_at(db: str, dates: list[datetime.date], keep: int | None = None) -> list:
    """The state at each date (``Store.state_at``: the latest snapshot before it, then the events after it).

    All are computed; the first ``keep`` (default all) are returned for the checks, so a thousand states of a long
    log are not all held at once.
    """
    return timed_states(db, dates, keep=keep)[1]


def timed_states(db: str, dates: list[datetime.date], *, keep: int | None = None,
                 budget: float | None = None) -> tuple[list[float], list]:
    """Like :func:`states_at`, timing each query alone: (seconds per query, the first ``keep`` states).

    With ``budget`` (seconds), stops after the query that exhausts it, so a slow store cannot stall a run.
    """
    times, kept = [], []
    clock = time.perf_counter
    with open_store(db, readonly=True) as store:
        started = clock()
        for i, d in enumerate(dates):
            t0 = clock()
            s = store.state_at(STREAM, d)
            times.append(clock() - t0)
            if keep is None or i < keep:
                kept.append(s)
            del s
            if budget is not None and clock() - started > budget:
                break
    return times, kept


def timeline(db: str) -> Any:
    """The stream read once into a :class:`diplosim.core.timeline.Timeline` (``Store.timeline``)."""
    with open_store(db, readonly=True) as store:
        return store.timeline(STREAM)

"""Where the time goes, phase by phase: ``python -m bench.phases [EVENTS]`` (a replay from memory) and
``python -m bench.phases state-at [EVENTS]`` (the state at a date from the store).

The bench's "replay vs the bare fold" row sets ``fold(events)`` beside a dict update per tuple.  This takes the fold
apart on the same synthetic log, each step timed in this process (median of 5), in microseconds per event:

1. the bare fold of ``((sending, host), change)`` tuples (the baseline);
2. a loop over the event objects that reads each one's date and type and looks its handler up, calling nothing;
3. ``fold`` with every handler replaced by one that does nothing: the loop as it is (date order, the clock, the ids,
   resolutions, which here tolerate an item no handler opened), without the rules of each act;
4. ``fold`` itself; 4 - 3 is the handlers' share, split by event type in proportion to the profiler's own times.

``state-at`` writes a store of the synthetic log (as the bench does) and takes ``Store.state_at`` apart over 200
random dates: finding the snapshot (its row, without the body), reading its body, checking its checksum, parsing its
JSON, building the state's objects, then reading the events after it up to the date and applying them (the
collector paused, as ``state_at`` runs).  Medians in milliseconds per query; the bench's row times ``state_at``
whole.
"""
from __future__ import annotations

import cProfile
import gc
import pstats
import statistics
import sys
import time
from typing import Any, Callable


def _median(f: Callable[[], Any], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        gc.collect()
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def phases(n: int) -> list[tuple[str, float]]:
    from diplosim.core import fold as fold_module
    from diplosim.core.fold import fold
    from diplosim.core.state import Resolution

    from .data import as_pairs, fold_pairs, synthetic_events

    events = synthetic_events(n)
    pairs = as_pairs(events)
    handlers = fold_module._HANDLERS

    def skeleton() -> None:
        table = handlers
        last = None
        for e in events:
            d = e.date
            if d != last:
                last = d
            table[type(e)]

    nothing = {k: (None if v is None else (lambda s, e: None)) for k, v in handlers.items()}

    resolve = fold_module._resolve

    def lenient_resolve(s: Any, e: Any) -> None:  # the same work, but no handler opened the items it resolves
        for ref in e.resolves:
            s.open_items.pop(ref, None)
            s.resolved.append(Resolution(ref, "enacted", e.id, e.date))

    def no_rules() -> None:
        saved = dict(handlers)
        handlers.update(nothing)
        fold_module._resolve = lenient_resolve
        try:
            fold(events, check_ids=True)
        finally:
            handlers.update(saved)
            fold_module._resolve = resolve

    out = [("bare fold of tuples (the baseline)", _median(lambda: fold_pairs(pairs))),
           ("loop over the events: date, type, handler looked up", _median(skeleton)),
           ("fold with handlers that do nothing", _median(no_rules)),
           ("fold", _median(lambda: fold(events)))]
    return [(name, t / n * 1e6) for name, t in out]


def handler_shares(n: int) -> list[tuple[str, float]]:
    """Each handler's (and the clock's) share of the handlers' time, from the profiler's own times."""
    from diplosim.core.fold import fold

    from .data import synthetic_events

    events = synthetic_events(n)
    prof = cProfile.Profile()
    prof.enable()
    fold(events)
    prof.disable()
    stats = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    own: dict[str, float] = {}
    for (path, _line, name), (_cc, _nc, tottime, _ct, _callers) in stats.items():
        if "diplosim/core" in path.replace("\\", "/") and not path.endswith("fold.py"):
            own[name] = own.get(name, 0.0) + tottime
    total = sum(own.values())
    return sorted(((k, v / total) for k, v in own.items()), key=lambda kv: -kv[1])


def state_at_phases(n: int, queries: int = 200, seed: int = 1) -> list[tuple[str, float]]:
    import datetime
    import hashlib
    import random
    import tempfile
    from pathlib import Path

    from diplosim.core.fold import apply_all_in_place
    from diplosim.store import codec, open_store, snapshots, streams
    from diplosim.store.context import gc_paused

    from . import data, store_side
    from .data import synthetic_events

    events = synthetic_events(n)
    rng = random.Random(seed)
    first, last = events[0].date.toordinal(), events[-1].date.toordinal()
    dates = [datetime.date.fromordinal(rng.randint(first, last)) for _ in range(queries)]
    parts: dict[str, list[float]] = {k: [] for k in ("find the snapshot (row without its body)", "read its body",
                                                     "check its checksum", "parse its JSON", "build the state",
                                                     "read the events after it", "apply them")}
    tail: list[int] = []
    clock = time.perf_counter
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "phases.db")
        store_side.append(db, events, 10_000)
        del events
        data._cached.cache_clear()  # the log is not held: the process holds the open store alone, as a user's does
        with open_store(db, readonly=True) as store:
            ctx = store._ctx
            row = streams.existing(ctx, store_side.STREAM)
            for d in dates:
                paused = gc_paused()  # as state_at decodes: see diplosim.store.context.gc_paused
                paused.__enter__()
                t0 = clock()
                v, checksum = ctx.conn.execute(
                    "SELECT version, checksum FROM snapshots WHERE stream = ? AND last_date <= ? "
                    "ORDER BY version DESC LIMIT 1", (row.id, d.isoformat())).fetchone() or (0, b"")
                t1 = clock()
                body = ctx.conn.execute("SELECT body FROM snapshots WHERE stream = ? AND version = ?",
                                        (row.id, v)).fetchone()[0] if v else b"[]"
                t2 = clock()
                hashlib.sha256(body).digest()
                t3 = clock()
                values = codec.loads(body)
                t4 = clock()
                state = codec._snapshot_codec()[1](values) if v else snapshots.working_state()
                t5 = clock()
                after = list(store.read(store_side.STREAM, v, until=d))
                t6 = clock()
                apply_all_in_place(state, after)
                t7 = clock()
                paused.__exit__(None, None, None)
                del state
                tail.append(len(after))
                for key, a, b in zip(parts, (t0, t1, t2, t3, t4, t5, t6), (t1, t2, t3, t4, t5, t6, t7)):
                    parts[key].append(b - a)
    rows = [(k, statistics.median(v) * 1e3) for k, v in parts.items()]
    rows.append(("events after the snapshot (median count)", float(statistics.median(tail))))
    return rows


def main(argv: list[str]) -> int:
    if argv and argv[0] == "state-at":
        n = int(argv[1]) if len(argv) > 1 else 1_000_000
        print(f"Store.state_at, phase by phase, a store of {n:,} synthetic events (milliseconds per query, "
              f"median of 200 random dates):")
        for name, ms in state_at_phases(n):
            print(f"  {ms:8.2f}  {name}" if "count" not in name else f"  {ms:8.0f}  {name}")
        return 0
    n = int(argv[0]) if argv else 300_000
    rows = phases(n)
    print(f"replay from memory, phase by phase, {n:,} synthetic events (microseconds per event, median of 5):")
    for name, us in rows:
        print(f"  {us:6.3f}  {name}")
    print("handlers and clock, share of their time by function (profiler's own times):")
    for name, share in handler_shares(n)[:10]:
        print(f"  {share:6.1%}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

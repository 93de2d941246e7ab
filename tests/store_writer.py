"""A writer process for the store's crash and concurrency tests, and a rough benchmark of the store.

    python tests/store_writer.py crash DB BATCH          # append batches forever, acknowledging each on stdout
    python tests/store_writer.py concurrent DB STREAM NAME ATTEMPTS [--shared]
    python tests/store_writer.py bench [N]               # append and replay N synthetic events (default 1,000,000)

Each acknowledgement is printed (and flushed) only *after* ``append`` returned, so the parent test knows which events
the store owes it when it kills the writer.
"""
from __future__ import annotations

import datetime
import sys

from diplosim.core import events as ev

BASE = datetime.date(2000, 1, 1)
SOURCE = ("public record: store test",)


def event_at(i: int, prefix: str = "e") -> ev.Event:
    """Event number ``i`` (0-based) of an endless valid log, computed from ``i`` alone (a writer restarted after a
    kill continues where the store is): two large missions, staff assigned and as many expelled, words, claims.

    >>> from diplosim.core.fold import fold
    >>> later = BASE + datetime.timedelta(days=30)
    >>> fold([event_at(i) for i in range(300)], until=later).missions["RUS", "USA"].staff
    1000000
    """
    date = BASE + datetime.timedelta(days=i // 40)
    common = {"id": f"{prefix}-{i}", "date": date, "sources": SOURCE}
    if i < 2:
        actor, target = ("RUS", "USA") if i == 0 else ("USA", "RUS")
        return ev.MissionEstablished(**common, actor=actor, target=target, staff=1_000_000)
    k = i % 8
    n = 1 + i % 5
    if k in (0, 1):  # assigned, then expelled by the host at once: the mission keeps its size
        return ev.StaffAssigned(**common, actor="RUS", target="USA", count=n)
    if k in (2, 3) and i >= 8:  # the first block has no assignments to match (events 0 and 1 set up)
        return ev.DiplomatsExpelled(**common, actor="USA", target="RUS", count=1 + (i - 2) % 5,
                                    deadline=date + datetime.timedelta(days=2))
    if k == 4:
        return ev.CriticismVoiced(**common, actor="RUS", target="USA", summary=f"criticism {i}")
    if k == 5:
        return ev.MeetingHeld(**common, actor="USA", target="RUS", place="Geneva", participants=("a", "b"))
    if k == 6:
        return ev.StaffingReported(**common, actor="USA", sending="RUS", host="USA", figure=1_000_000 + n,
                                   qualifier="about")
    return ev.StatementMade(**common, actor="USA", target="RUS", count=i)


def speech_at(name: str, i: int) -> ev.Event:
    """A statement that fits anywhere in a stream of statements on one day: for writers racing on one stream."""
    return ev.StatementMade(id=f"{name}-{i}", date=BASE, actor="USA", target="RUS", summary=f"{name} says {i}",
                            sources=SOURCE)


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def crash(db: str, batch: int) -> None:
    """Append ``batch`` events at a time, forever (until killed); ``ack VERSION`` after each append returned."""
    from diplosim.store import open_store

    with open_store(db) as store:
        version = store.version("main")
        _say(f"ready {version}")
        while True:
            events = [event_at(i) for i in range(version, version + batch)]
            version = store.append("main", events, expected_version=version)
            _say(f"ack {version}")


def concurrent(db: str, stream: str, name: str, attempts: int, shared: bool) -> None:
    """Append one or two events per attempt at the version last seen; a conflict is reported, the version re-read.

    Prints ``ack ID,ID`` after each append returned and ``conflict EXPECTED ACTUAL`` for each conflict.  Waits for a
    line on stdin before starting, so that all writers start together.  On a shared stream the first attempt
    expects a new stream (version 0): of several such writers exactly one can succeed."""
    from diplosim.store import ConcurrencyError, open_store

    with open_store(db) as store:
        _say("ready")
        sys.stdin.readline()
        version = 0 if shared else store.version(stream)
        n = 0
        for attempt in range(attempts):
            size = 1 + attempt % 2
            events = [speech_at(name, n + j) if shared else event_at(n + j, name) for j in range(size)]
            try:
                version = store.append(stream, events, expected_version=version)
            except ConcurrencyError as exc:
                _say(f"conflict {exc.expected} {exc.actual}")
                version = exc.actual
                continue
            n += size
            _say("ack " + ",".join(e.id for e in events))


def bench(n: int) -> None:
    """Rough figures (not a test): append ``n`` synthetic events in batches, then replay them from the store.

    Rates are events per second of this process's CPU time (the machine is shared: wall time says more about the
    neighbours); peak memory is traced in a separate pass (tracing slows allocation down several times)."""
    import gc
    import os
    import tempfile
    import time
    import tracemalloc

    from diplosim.tooling import synthetic
    from diplosim.core.fold import fold
    from diplosim.store import open_store

    def rate(fn) -> float:
        best = float("inf")
        for _ in range(2):
            t = time.process_time()
            fn()
            best = min(best, time.process_time() - t)
        return n / best

    def peak(fn) -> float:
        gc.collect()
        tracemalloc.start()
        fn()
        top = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return top / 1e6

    batch = 10_000
    events = list(synthetic.generate(n, n_countries=40, seed=1))
    memory = rate(lambda: fold(events, check_ids=False))
    path = os.path.join(tempfile.mkdtemp(), "bench.db")
    with open_store(path) as store:
        t = time.process_time()
        for i in range(0, n, batch):
            store.append("main", events[i:i + batch], expected_version=i)
        append = n / (time.process_time() - t)
    del events
    with open_store(path, readonly=True) as store:
        read = rate(lambda: sum(1 for _ in store.read("main")))
        replay = rate(lambda: fold(store.read("main"), check_ids=False))
        read_peak = peak(lambda: sum(1 for _ in store.read("main")))
        replay_peak = peak(lambda: fold(store.read("main"), check_ids=False))
        last = store.state_at("main").last_date
        t = time.process_time()
        for k in range(20):
            store.state_at("main", last - datetime.timedelta(days=53 * k))
        at = (time.process_time() - t) / 20
    print(f"{n:,} events (CPU time): append in batches of {batch:,} {append:,.0f}/s; fold from memory "
          f"{memory:,.0f}/s; read from the store {read:,.0f}/s (peak {read_peak:.1f} MB); replay from the store "
          f"{replay:,.0f}/s (peak {replay_peak:.0f} MB, the state included); state_at a date {at * 1000:.0f} ms "
          f"(a full replay {n / replay * 1000:.0f} ms); file {os.path.getsize(path) / n:.0f} bytes/event")
    os.remove(path)


if __name__ == "__main__":
    mode, *rest = sys.argv[1:] or ["bench"]
    if mode == "crash":
        crash(rest[0], int(rest[1]))
    elif mode == "concurrent":
        concurrent(rest[0], rest[1], rest[2], int(rest[3]), "--shared" in rest)
    elif mode == "bench":
        bench(int(rest[0]) if rest else 1_000_000)
    else:
        sys.exit(f"unknown mode {mode!r}")

"""One measurement of peak memory in a fresh process: ``python -m bench.child JOB ARGS``.

Prints one JSON line: ``rss_start_mb`` (peak resident set size after the imports the job needs), ``peak_mb``
(peak after the job) and ``rss_end_mb`` (resident size at the end, with the replayed state still held).  The peaks
are read from ``VmHWM`` in ``/proc/self/status``: the high-water mark of this process's own memory since it
started, interpreter included.  (``getrusage(RUSAGE_SELF).ru_maxrss`` would not do: Linux carries the parent's
peak over into a child across fork and exec, so a child of a big parent reports the parent's size.)
Where there is no /proc, ``ru_maxrss`` is the fallback.

Jobs: ``import-data FILE DB`` (diplosim: import an event-data file into a new store, timed), ``store-replay DB`` (diplosim: replay the store's stream into a state) and ``es-sqlite-replay DB ID``
(eventsourcing: rebuild the aggregate from its SQLite database).  One more job only times, in a process as fresh as
a user's: ``tournament diplosim|axelrod RUNS SEED`` (see :func:`bench.workloads.tournament_times`), and
``sweep RUNS SEED REPETITIONS`` (see :func:`bench.parallel_side.sweep_times`).
"""
from __future__ import annotations

import json
import resource
import sys


def _status_mb(key: str) -> float | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return None


def _peak_mb() -> float:
    peak = _status_mb("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB


def main(argv: list[str]) -> int:
    job, args = argv[0], argv[1:]
    if job == "tournament":
        from .workloads import tournament_times
        print(json.dumps(tournament_times(args[0], int(args[1]), int(args[2]))))
        return 0
    if job == "sweep":
        from .parallel_side import sweep_times
        print(json.dumps(sweep_times(int(args[0]), int(args[1]), int(args[2]))))
        return 0
    if job == "import-data":  # diplosim import-data FILE --into DB, timed, as a user runs it (no progress bar)
        import time
        from diplosim.analysis.eventdata_import import import_file
        start = _peak_mb()
        t0 = time.perf_counter()
        summary = import_file(args[0], args[1])
        seconds = time.perf_counter() - t0
        print(json.dumps({"job": job, "events": summary.added, "seconds": seconds, "rss_start_mb": start,
                          "peak_mb": _peak_mb(), "rss_end_mb": _status_mb("VmRSS")}))
        return 0
    if job == "build-store":  # a store of N synthetic events, streamed from the generator (never held at once)
        import itertools
        from diplosim.store import open_store
        import attrs
        from diplosim.tooling.synthetic import REALISTIC, generate
        from .data import N_COUNTRIES
        from .store_side import STREAM
        n, seed, batch, advance = int(args[1]), int(args[2]), int(args[3]), float(args[4])
        events = generate(n, n_countries=N_COUNTRIES, seed=seed, profile=attrs.evolve(REALISTIC, p_advance=advance))
        version = 0
        with open_store(args[0]) as store:
            while chunk := list(itertools.islice(events, batch)):
                version = store.append(STREAM, chunk, expected_version=version)
        print(json.dumps({"job": job, "events": version}))
        return 0
    if job == "store-replay":
        from . import store_side
        start = _peak_mb()
        state = store_side.replay(args[0])
        count = state.events_applied
    elif job == "es-sqlite-replay":
        import uuid
        from . import es_peer
        app = es_peer.application(args[0])
        start = _peak_mb()
        state = es_peer.rebuild(app, uuid.UUID(args[1]))
        count = state.version - 1
    else:
        print(f"unknown job {job!r}", file=sys.stderr)
        return 2
    # rss_end_mb: resident size at the end, the replayed state still held (what the state itself needs)
    print(json.dumps({"job": job, "events": count, "rss_start_mb": start, "peak_mb": _peak_mb(),
                      "rss_end_mb": _status_mb("VmRSS")}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

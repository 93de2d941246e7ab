"""One measurement of peak memory in a fresh process: ``python -m bench.child JOB ARGS``.

Prints one JSON line: ``rss_start_mb`` (peak resident set size after the imports the job needs) and ``peak_mb``
(peak after the job), both from ``resource.getrusage(RUSAGE_SELF).ru_maxrss``, so each figure belongs to this one
measurement and includes the interpreter.

Jobs: ``store-replay DB`` (diplosim: replay the store's stream into a state) and ``es-sqlite-replay DB ID``
(eventsourcing: rebuild the aggregate from its SQLite database).
"""
from __future__ import annotations

import json
import resource
import sys


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def main(argv: list[str]) -> int:
    job, args = argv[0], argv[1:]
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
        count = es_peer.rebuild(app, uuid.UUID(args[1])).version - 1
    else:
        print(f"unknown job {job!r}", file=sys.stderr)
        return 2
    print(json.dumps({"job": job, "events": count, "rss_start_mb": start, "peak_mb": _peak_mb()}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""``python -m bench``: run the benchmark suite and print the results table (see docs/readme/80-benchmarks.md).

    python -m bench --quick                  # small sizes, under two minutes, with correctness checks
    python -m bench                          # the full run: 1,000,000 events (several minutes)
    python -m bench --json out/bench.json    # also write the rows and the machine as JSON
    python -m bench --checks-only            # only the correctness checks, small, no peers, no timing

Exit status: 0 when every check passed (a missed target is reported, not an error), 1 when a check failed.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="\n\n".join(__doc__.split("\n\n")[1:]))
    p.add_argument("--quick", action="store_true", help="small sizes and fewer runs (under two minutes)")
    p.add_argument("--events", type=int, help="events in the synthetic log (default 1,000,000; --quick 30,000)")
    p.add_argument("--runs", type=int, help="timed runs per figure, whose median is reported (default 3)")
    p.add_argument("--starts", type=int, help="process starts for the cold-start figure (default 20; --quick 8)")
    p.add_argument("--batch", type=int, default=10_000, help="events per append batch (default 10,000)")
    p.add_argument("--queries", type=int, default=1000, help="random dates for the time-travel figure (1,000)")
    p.add_argument("--seed", type=int, default=1, help="seed of the synthetic log and the tournaments (1)")
    p.add_argument("--only", metavar="NAMES", help="comma-separated workloads: " + ", ".join(_names()))
    p.add_argument("--no-peers", action="store_true", help="skip eventsourcing and axelrod even if installed")
    p.add_argument("--json", metavar="PATH", help="write the rows and the machine to this JSON file")
    p.add_argument("--format", default="simple", help="tabulate format of the table (simple, github, ...)")
    p.add_argument("--checks-only", action="store_true", help="run only the correctness checks (small, no peers)")
    return p


def _names() -> list[str]:
    from .workloads import WORKLOADS
    return list(WORKLOADS)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from . import checks, harness
    from .workloads import WORKLOADS, Bench

    if args.checks_only:
        try:
            for name, status in checks.correctness(args.events or 2000, args.seed):
                print(f"{name}: {status}")
        except checks.CheckFailed as exc:
            print(f"check failed: {exc}", file=sys.stderr)
            return 1
        return 0

    only = args.only.split(",") if args.only else list(WORKLOADS)
    unknown = [n for n in only if n not in WORKLOADS]
    if unknown:
        parser().error(f"unknown workload {unknown[0]!r} (want one of {', '.join(WORKLOADS)})")
    b = Bench(quick=args.quick, events=args.events or (30_000 if args.quick else 1_000_000),
              runs=args.runs or 3, starts=args.starts or (8 if args.quick else 20), batch=args.batch,
              queries=args.queries, seed=args.seed, peers=not args.no_peers, budget=10.0 if args.quick else 120.0,
              log=lambda text: print(text, file=sys.stderr, flush=True))
    m = harness.machine()
    print(harness.render_machine(m))
    print(f"command: python -m bench {' '.join(argv if argv is not None else sys.argv[1:])}".rstrip())
    print(f"settings: {b.events:,} events, median of {b.runs} runs, {b.starts} starts, batches of {b.batch:,}, "
          f"{b.queries:,} queries, seed {b.seed}\n", flush=True)
    rows, failed = [], []
    started, load = time.perf_counter(), os.getloadavg()
    try:
        for name in only:
            t0 = time.perf_counter()
            b.log(f"{name} ...")
            try:
                rows += WORKLOADS[name](b)
            except checks.CheckFailed as exc:
                failed.append(f"{name}: {exc}")
                b.log(f"{name}: CHECK FAILED: {exc}")
            b.log(f"{name} done in {time.perf_counter() - t0:.1f} s")
    finally:
        b.cleanup()
    print(harness.render(rows, args.format))
    print(f"\nload average at the start {load[0]:.2f}, at the end {os.getloadavg()[0]:.2f} ({m['cores']} cores)")
    print(f"total time {time.perf_counter() - started:.0f} s; correctness checks: "
          + ("all passed" if not failed else f"{len(failed)} FAILED"))
    for f in failed:
        print(f"  FAILED {f}")
    if args.json:
        path = Path(args.json)
        path.parent.mkdir(parents=True, exist_ok=True)
        doc = {"machine": m, "settings": {"events": b.events, "runs": b.runs, "starts": b.starts, "batch": b.batch,
                                          "queries": b.queries, "seed": b.seed, "quick": b.quick},
               "rows": [{**r.cells(), "note": r.note, "ratio": r.ratio, "met": r.met, "data": r.data} for r in rows],
               "failed_checks": failed}
        path.write_text(json.dumps(doc, indent=2, default=str) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

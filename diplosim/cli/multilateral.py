"""Many countries: ``diplosim fit`` (which strategy explains a country's moves in the record) and ``diplosim
coalition`` (a coalition against one state, played out many times)."""
from __future__ import annotations

import argparse

from ..core.limits import MAX_FIGURE
from .common import (add_country_period, add_format, add_log, list_arg, most, print_json, print_rows,
                     probability_arg, seed_arg, subparser, whole_arg)

COLUMNS = ["rank", "strategy", "points", "kind_accuracy", "size_error", "timing_error_days", "acts_missed", "acts",
           "tremble", "loglik", "weight", "weight_se", "tied_with"]


def register(sub) -> None:
    p = subparser(sub, "fit", "score strategies by how well each predicts a country's real moves in a log",
                  "diplosim fit --country RUS --since 2016-12-29\n"
                  "diplosim fit --country USA --strategies tit-for-tat,restraint,mirror-each --format json\n"
                  "diplosim fit --log my.toml --country GBR --round-days 14 --bootstrap 500 --seed 3")
    add_log(p)
    add_country_period(p, "the country whose decisions are scored")
    p.add_argument("--strategies", metavar="NAMES", help="comma-separated strategies (name or name:key=value; "
                   "default: every deterministic one)")
    p.add_argument("--round-days", type=whole_arg(1, "MAX_STEP_DAYS"), default=7, metavar="N",
                   help=f"days between decision points (default 7; {most('MAX_STEP_DAYS')})")
    p.add_argument("--bootstrap", type=whole_arg(0, "MAX_BOOTSTRAP"), default=200, metavar="N",
                   help=f"bootstrap draws for the mixture's standard errors (default 200, {most('MAX_BOOTSTRAP')})")
    p.add_argument("--seed", type=seed_arg, default=1, metavar="N", help="seed of the bootstrap (default 1)")
    add_format(p)
    p.set_defaults(handler=cmd_fit)

    p = subparser(sub, "coalition", "play a coalition against one state many times, over coalition sizes and "
                  "solidarity thresholds, and count the runs that end in an emptied or closed embassy",
                  "diplosim coalition --sizes 1,2,4,8 --thresholds 1,2,4 --runs 20\n"
                  "diplosim coalition --sizes 4 --thresholds 1,2 --runs 200 --tremble 0.05 --processes 2\n"
                  "diplosim coalition --sizes 2,8 --thresholds 1 --scheduler tcp://127.0.0.1:8786")
    p.add_argument("--sizes", type=list_arg(whole_arg(), distinct=True), default=[1, 2, 4, 8], metavar="N,N,...",
                   help="coalition sizes: allies of the first state to act (default 1,2,4,8; at most 30)")
    p.add_argument("--thresholds", type=list_arg(whole_arg(), distinct=True), default=[1, 2, 4], metavar="N,N,...",
                   help="how many allies must have acted before an ally joins (default 1,2,4)")
    p.add_argument("--runs", type=whole_arg(1, "MAX_COALITION_RUNS"), default=20, metavar="N",
                   help=f"runs per cell (default 20; {most('MAX_COALITION_RUNS')} in all)")
    p.add_argument("--seed", type=seed_arg, default=0, metavar="N", help="seed (default 0)")
    p.add_argument("--staff", type=whole_arg(1, MAX_FIGURE), default=60, metavar="N",
                   help="people in every mission at the start (default 60)")
    p.add_argument("--opening", type=whole_arg(1, MAX_FIGURE), default=5, metavar="N",
                   help="people the first ally expels on day 0 (default 5)")
    p.add_argument("--days", type=whole_arg(1, "MAX_PLAY_DAYS"), default=365, metavar="N",
                   help=f"days of play (default 365; {most('MAX_PLAY_DAYS')})")
    p.add_argument("--tremble", type=probability_arg, default=0.02, metavar="P",
                   help="chance that a decision comes out the other way (default 0.02)")
    p.add_argument("--target-strategy", default=None, metavar="SPEC",
                   help="the target's strategy (default graduated:ladder=expel:5>expel:10>close_post:1)")
    p.add_argument("--processes", "-j", type=whole_arg(1), default=None, metavar="N",
                   help="worker processes (default: all cores; 1 runs in this process)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="run on a dask cluster, e.g. tcp://host:8786")
    p.add_argument("--progress", action="store_true", help="show a progress bar even when not on a terminal")
    add_format(p)
    p.set_defaults(handler=cmd_coalition)


def cmd_fit(args: argparse.Namespace) -> int:
    from ..core import countries
    from ..core.errors import InputError
    from ..play.fit import fit
    from ..play.strategies import parse_spec
    from .common import load_events

    if not countries.is_known(args.country):
        raise InputError(f"--country: unknown country code {args.country!r} (want ISO 3166-1 alpha-3, like RUS)")
    if args.since and args.until and args.until < args.since:
        raise InputError(f"--until {args.until} is before --since {args.since}")
    strategies = None
    if args.strategies is not None:
        specs = [s.strip() for s in args.strategies.split(",") if s.strip()]
        if not specs:
            raise InputError("--strategies: name at least one strategy")
        if len(set(specs)) != len(specs):
            raise InputError(f"--strategies: {next(s for s in specs if specs.count(s) > 1)!r} is named twice")
        strategies = [parse_spec(s) for s in specs]
    events = list(load_events(args))
    if args.country not in {c for e in events for c in (e.actor, e.target)}:
        raise InputError(f"--country {args.country}: the log has no event with {args.country}")
    result = fit(events, args.country, strategies=strategies, since=args.since, until=args.until,
                 round_days=args.round_days, bootstrap=args.bootstrap, seed=args.seed)
    rows = result.rows()
    if args.format == "json":
        print_json({"country": result.country, "since": result.since.isoformat(),
                    "until": result.until.isoformat(), "round_days": result.round_days,
                    "decision_points": rows[0]["points"] if rows else 0, "tremble": round(result.gamma, 4),
                    "bootstrap": result.bootstrap, "seed": result.seed, "strategies": rows})
        return 0
    if args.format == "csv":
        print_rows(rows, args.format, COLUMNS)
        return 0
    import textwrap

    print(textwrap.fill(f"{result.country}, {result.since} – {result.until}: {rows[0]['points']} decision points "
                        f"(rounds of {result.round_days} days, one per counterpart that had acted against it), "
                        f"{rows[0]['acts']} with an act; mixture tremble {result.gamma:.3f}, standard errors from "
                        f"{result.bootstrap} bootstrap draws (seed {result.seed})", 100))
    narrow = [{"rank": r["rank"], "strategy": r["strategy"], "kind": r["kind_accuracy"], "size_err": r["size_error"],
               "timing_days": r["timing_error_days"], "missed": r["acts_missed"], "tremble": r["tremble"],
               "loglik": r["loglik"], "weight": f"{r['weight']:.3f} ± {r['weight_se']:.3f}"} for r in rows]
    print_rows(narrow, args.format, list(narrow[0]))
    tied: list[str] = []
    for f in result.ranked():
        group = " = ".join(sorted((f.strategy,) + f.tied))
        if f.tied and group not in tied:
            tied.append(group)
    if tied:
        print(textwrap.fill("tied (the same prediction at every point; they share one weight): " + "; ".join(tied),
                            100))
    return 0


def cmd_coalition(args: argparse.Namespace) -> int:
    import sys

    from tqdm import tqdm

    from ..core.errors import InputError
    from ..play.coalition import COLUMNS, TARGET_DEFAULT, coalition_sweep
    from ..play.tournament import executor

    from ..core.limits import env_hint, limit

    total = len(args.sizes) * len(args.thresholds) * args.runs
    if total > limit("MAX_COALITION_RUNS"):
        raise InputError(f"{total:,} runs in all (sizes x thresholds x runs), more than the limit of "
                         f"{limit('MAX_COALITION_RUNS'):,} {env_hint('MAX_COALITION_RUNS')}", "--runs")
    enabled = args.progress or sys.stderr.isatty()
    with tqdm(total=total, file=sys.stderr, disable=not enabled, unit="run", leave=False) as bar, \
            executor(args.processes, args.scheduler) as ex:
        rows = coalition_sweep(args.sizes, args.thresholds, runs=args.runs, seed=args.seed, staff=args.staff,
                               opening=args.opening, days=args.days, tremble=args.tremble,
                               target_strategy=args.target_strategy or TARGET_DEFAULT, executor=ex,
                               progress=bar.update)
    if args.format == "json":
        print_json({"settings": {"runs": args.runs, "seed": args.seed, "staff": args.staff,
                                 "opening": args.opening, "days": args.days, "tremble": args.tremble,
                                 "target_strategy": args.target_strategy or TARGET_DEFAULT},
                    "rows": rows})
        return 0
    print_rows(rows, args.format, list(COLUMNS))
    return 0

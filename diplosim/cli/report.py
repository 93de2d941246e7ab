"""Subcommand report: one self-contained HTML page to explore a log, its scenarios and its sources."""
from __future__ import annotations

import argparse
from pathlib import Path

from .common import add_log, positive_arg, subparser, whole_arg


def register(sub) -> None:
    p = subparser(sub, "report", "one HTML page to explore the log, its scenarios and its sources, offline",
                  "diplosim report --out us-russia.html                       # the shipped record\n"
                  "diplosim report --log my.toml --scenario scenarios/*.toml --out study.html\n"
                  "diplosim report --store db.sqlite --stream main --out s.html",
                  "one self-contained HTML page (script, style and data inside, nothing fetched from the network): "
                  "the state tables at any date with the chain of events behind every figure, staffing and "
                  "escalation over time, the scenarios and their differences, and the timeline with its sources")
    add_log(p)
    p.add_argument("--scenario", metavar="FILE", action="append", default=[],
                   help="add a scenario (a file, or the name of a shipped one); repeat for several")
    p.add_argument("--out", "-o", required=True, metavar="FILE", help="the page to write (.html)")
    p.add_argument("--title", metavar="TEXT", help="the page's title (default: the log's title)")
    p.add_argument("--max-dates", type=whole_arg(2, 100_000), default=None, metavar="N",
                   help="precompute the state on at most N dates (default 400; N at most 100,000); a longer log is "
                        "sampled")
    p.add_argument("--half-life", type=positive_arg, default=None, metavar="DAYS",
                   help="half-life of the escalation index in days (default 30)")
    p.set_defaults(handler=cmd_report)


def _scenario(ref: str):
    """A scenario file, or the name of a shipped scenario."""
    from ..core.errors import InputError
    from ..play.scenario import shipped
    from .scenario import _load

    if ref == "real":
        raise InputError("'real' is the log itself, not a scenario: give a scenario file", "--scenario")
    if not Path(ref).exists() and Path(ref).name.removesuffix(".toml") not in {p.stem for p in shipped()}:
        raise InputError("no such scenario file, and no shipped scenario of that name (see diplosim scenario list)",
                         ref)
    return _load(ref)


def _course(args: argparse.Namespace) -> tuple[list, str, str, str, str]:
    """(events, title, description, where they come from, the options that name them again)."""
    from ..core.errors import InputError

    if args.store and args.log:
        raise InputError("give --log or --store, not both")
    if args.stream and not args.store:
        raise InputError("--stream needs --store")
    if args.store:
        from ..store import open_store
        with open_store(args.store, must_exist=True, readonly=True) as store:
            stream = args.stream or store.default_stream()
            events = list(store.read(stream))
            title, description = store.title(stream)
        return (events, title, description, f"store {args.store}, stream {stream}",
                f"--store {args.store} --stream {stream}")
    from ..core.log import default_log_path, load_log
    path = args.log or default_log_path()
    log = load_log(path)
    shown = args.log or f"the shipped record ({Path(path).name})"
    return list(log.events), log.title, log.description, shown, f"--log {args.log}" if args.log else ""


def cmd_report(args: argparse.Namespace) -> int:
    from ..analysis import report
    from ..analysis.escalation import DEFAULT_HALF_LIFE

    report.check_out(args.out)  # before any work: a bad path costs nothing
    events, title, description, source, log_args = _course(args)
    scenarios = [_scenario(ref) for ref in args.scenario]
    doc = report.build(events, title=args.title or title or Path(source).name, description=description,
                       source=source, scenarios=scenarios, max_dates=args.max_dates or report.MAX_DATES,
                       half_life=DEFAULT_HALF_LIFE if args.half_life is None else args.half_life,
                       log_args=log_args)
    out = report.write_page(report.page(doc), args.out)
    meta = doc["meta"]
    dates = f"{len(doc['dates'])} dates" + (" (every change of state)" if meta["exact"] else " (sampled)")
    print(f"wrote {out}: {meta['events']} events, {dates}, {len(scenarios)} scenario(s); open it in a browser")
    return 0

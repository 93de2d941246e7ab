"""Subcommands of what-if scenarios: scenario list, scenario run, scenario diff."""
from __future__ import annotations

import argparse
import sys

from .common import OneLineParser, add_format, date_arg, print_json, print_rows, seed_arg, subparser, whole_arg


def register(sub) -> None:
    p = subparser(sub, "scenario", "what-if scenarios: fork the real log, change a decision, compare",
                  "diplosim scenario list\n"
                  "diplosim scenario run scenarios/putin-retaliates-2016.toml\n"
                  "diplosim scenario run scenarios/putin-retaliates-2016.toml --against real --at 2017-09-02\n"
                  "diplosim scenario diff scenarios/a.toml scenarios/b.toml --at 2017-09-02")
    ssub = p.add_subparsers(dest="scenario_command", metavar="SUBCOMMAND", parser_class=OneLineParser)
    p.set_defaults(handler=lambda args: (p.print_help(), 0)[1])

    q = subparser(ssub, "list", "the scenarios shipped with diplosim, one line each",
                  "diplosim scenario list\n"
                  "diplosim scenario list --format json")
    add_format(q)
    q.set_defaults(handler=cmd_list)

    q = subparser(ssub, "run", "run a scenario: its timeline (generated events marked), its state, and a diff "
                  "against the real course",
                  "diplosim scenario run scenarios/putin-retaliates-2016.toml\n"
                  "diplosim scenario run scenarios/putin-retaliates-2016.toml --at 2017-09-02 --format json\n"
                  "diplosim scenario run FILE --against real --at 2017-01-15 --all\n"
                  "diplosim scenario run FILE --emit out.toml        # the scenario's log, replayable\n"
                  "diplosim scenario run FILE --runs 200             # many seeds: how often does it stop?")
    q.add_argument("file", metavar="FILE")
    q.add_argument("--at", type=date_arg, action="append", metavar="DATE",
                   help="date(s) to show the state and diff at (default: the scenario's compare_at, else its end)")
    q.add_argument("--against", default="base", metavar="REF",
                   help="compare with: base (default: the log the scenario forks, or the scenario it extends), "
                        "real (the shipped record), none, or another scenario file")
    q.add_argument("--all", action="store_true", help="show every compared row, not only those that differ")
    q.add_argument("--seed", type=seed_arg, help="seed for strategies with randomness (default: the scenario's)")
    q.add_argument("--runs", type=whole_arg(1, "MAX_SCENARIO_RUNS"), metavar="N",
                   help="run N seeds (seed, seed+1, ...) and summarise (at most 100,000)")
    q.add_argument("--emit", metavar="PATH", help="write the scenario's log (.toml or .jsonl) and stop; an existing "
                   "file is replaced only with --force")
    q.add_argument("--force", action="store_true", help="with --emit: replace the file if it exists")
    q.add_argument("--quiet", "-q", action="store_true", help="no timeline, only state and diff")
    q.add_argument("--diff-only", action="store_true", help="print only the differences from --against")
    add_format(q)
    q.set_defaults(handler=cmd_run)

    q = subparser(ssub, "diff", "two scenarios side by side at chosen dates",
                  "diplosim scenario diff scenarios/putin-retaliates-2016.toml "
                  "scenarios/numeric-tit-for-tat-2017.toml --at 2017-09-02")
    q.add_argument("a", metavar="A")
    q.add_argument("b", metavar="B", help="a scenario file, or 'real'")
    q.add_argument("--at", type=date_arg, action="append", metavar="DATE", required=True)
    q.add_argument("--all", action="store_true", help="show every compared row, not only those that differ")
    add_format(q)
    q.set_defaults(handler=cmd_diff)


def _load(ref: str):
    """A scenario, or None for the real course ('real').  ``ref`` is a file, or the name of a shipped scenario
    (``putin-retaliates-2016``, ``scenarios/putin-retaliates-2016.toml``), found wherever diplosim is installed."""
    from pathlib import Path

    from ..play.scenario import load_scenario, shipped
    if ref == "real":
        return None
    if not Path(ref).exists():
        name = Path(ref).name.removesuffix(".toml")
        for path in shipped():
            if path.stem == name:
                return load_scenario(path)
    return load_scenario(ref)


def _real_events():
    from ..core.log import default_log_path, load_log
    return load_log(default_log_path()).events


def cmd_list(args: argparse.Namespace) -> int:
    from ..play.scenario import load_scenario, shipped

    rows = []
    for path in shipped():
        sc = load_scenario(path)
        rows.append({"file": f"scenarios/{path.name}", "name": sc.name, "title": sc.title,
                     "question": sc.question})
    if args.format in ("json", "csv"):
        print_rows(rows, args.format, ["file", "name", "title", "question"])
    else:
        print_rows(rows, args.format, ["file", "title"])
    return 0


def _progress(total: int):
    """A progress bar on stderr when it is a terminal (tqdm), else nothing."""
    if not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, file=sys.stderr, unit="run", leave=False)


def cmd_run(args: argparse.Namespace) -> int:
    from ..core.errors import InputError
    from ..analysis.projections import render_state, state_json, timeline_rows
    from ..play.scenario import diff_results

    if args.force and not args.emit:
        raise InputError("--force replaces the file of --emit: give --emit PATH")
    if args.emit:
        from ..core.files import check_writable
        if args.runs is not None:
            raise InputError("--emit writes the log of one run: leave out --runs")
        if not args.emit.endswith((".toml", ".jsonl")):
            raise InputError("want a log file name ending in .toml or .jsonl", f"--emit {args.emit}")
        check_writable(args.emit, force=args.force)  # before the run: a bad path costs nothing
    sc = _load(args.file)
    if args.runs is not None:
        return _many_runs(sc, args)
    result = sc.run(seed=args.seed)
    if args.emit:
        from ..core.log import write_log
        write_log(result.events, args.emit, title=f"scenario {sc.name}: {sc.title}", description=sc.question)
        print(f"wrote {len(result.events)} events to {args.emit}")
        return 0
    dates = args.at or list(sc.compare_at) or [result.events[-1].date]
    against = None
    labels = ("scenario", args.against)
    if args.against == "base":  # the scenario's own base: the log it forks, or the scenario it extends
        against = sc.parent.run().events if sc.parent is not None else sc.base_events
        labels = ("scenario", "base" if sc.parent is None else sc.parent.name)
    elif args.against != "none":
        other = _load(args.against)
        against = _real_events() if other is None else other.run().events
        labels = ("scenario", "real" if other is None else other.name)
    diff = diff_results(result.events, against, dates, all_rows=args.all, labels=labels) if against else []
    final = result.state_at(dates[-1])
    if args.diff_only:
        _print_diff(diff, args.format, labels)
        return 0

    if args.format == "json":
        doc = state_json(final)
        doc["scenario"] = {"name": sc.name, "title": sc.title, "question": sc.question, "seed": result.seed,
                           "file": args.file, "stop_reason": result.stop_reason}
        doc["diff"] = diff
        doc["changes"] = [{"event_id": c.event_id, "action": c.action, "reason": c.reason,
                           "date": c.date.isoformat()} for c in result.changes]
        doc["generated"] = sorted(result.generated)
        print_json(doc)
        return 0
    fmt = args.format if args.format != "csv" else "simple"
    out = sys.stdout
    out.write(f"Scenario: {sc.title} ({sc.name})\n")
    if sc.question:
        out.write(f"Question: {sc.question}\n")
    if not args.quiet:
        rows = timeline_rows(e for e in result.events if e.date <= dates[-1])
        for r, e in zip(rows, [e for e in result.events if e.date <= dates[-1]]):
            if e.id in result.generated:
                r["mark"] = "generated"
            elif e.id in result.edited:
                r["mark"] = "edited"
            else:
                r["mark"] = ""
        out.write("\nTimeline (edited = changed by the scenario, generated = played by a strategy)\n")
        print_rows(rows, fmt, ["date", "mark", "actor", "target", "type", "what"])
        if result.changes:
            out.write("\nBase events the edited history made impossible or changed\n")
            print_rows([{"event_id": c.event_id, "date": c.date.isoformat(), "action": c.action,
                         "reason": c.reason} for c in result.changes], fmt)
        if result.stop_reason:
            out.write(f"\nPlay stopped: {result.stop_reason}\n")
    out.write("\n" + render_state(final, fmt) + "\n")
    if against is not None:
        out.write(f"\nDifferences from {labels[1]}" + (" (all compared rows)" if args.all else "") + "\n")
        _print_diff(diff, fmt, labels)
    return 0


def _print_diff(rows: list[dict], fmt: str, labels: tuple[str, str]) -> None:
    """Diff rows as a table or CSV, ranges written as the state tables write them (``≥400``, ``parity (≥9)``), or
    as JSON with ranges as objects."""
    from ..analysis.wording import compared_text

    if fmt != "json":
        rows = [{**r, labels[0]: compared_text(r[labels[0]]), labels[1]: compared_text(r[labels[1]])} for r in rows]
    print_rows(rows, fmt, ["date", "table", "key", "field", labels[0], labels[1]])


def _many_runs(sc, args: argparse.Namespace) -> int:
    from ..analysis.wording import staff_text
    from ..core.errors import InputError

    if not sc.policies:
        raise InputError("--runs needs a scenario with [[policy]] tables: without strategies every run is the same",
                         sc.path)
    first = sc.seed if args.seed is None else args.seed
    bar = _progress(args.runs)
    rows, reasons = [], {}
    for seed in range(first, first + args.runs):
        r = sc.run(seed=seed)
        s = r.state_at(r.events[-1].date if r.events else None)
        row = {"seed": seed, "outcome": r.outcome, "stop_reason": r.stop_reason or "-",
               "generated_events": len(r.generated), "end": r.events[-1].date.isoformat() if r.events else "-"}
        for m in s.iter_missions():
            row[f"staff {m.sending} in {m.host}"] = m.staff if m.exact else staff_text(m, marks=False)
        rows.append(row)
        reasons[r.outcome] = reasons.get(r.outcome, 0) + 1
        if bar:
            bar.update()
    if bar:
        bar.close()
    summary = [{"outcome": k, "runs": v, "share": round(v / args.runs, 3)} for k, v in
               sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))]
    if args.format == "json":
        print_json({"scenario": sc.name, "runs": rows, "summary": summary})
        return 0
    fmt = args.format if args.format != "csv" else "simple"
    print(f"Scenario: {sc.title} ({sc.name}), {args.runs} runs from seed {first}")
    print_rows(summary, fmt)
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from ..play.scenario import diff_results

    a = _load(args.a)
    b = _load(args.b)
    a_events = _real_events() if a is None else a.run().events
    b_events = _real_events() if b is None else b.run().events
    labels = ("real" if a is None else a.name, "real" if b is None else b.name)
    if labels[0] == labels[1]:
        labels = (labels[0] + " (A)", labels[1] + " (B)")
    rows = diff_results(a_events, b_events, args.at, all_rows=args.all, labels=labels)
    if args.format == "json":
        print_json({"a": labels[0], "b": labels[1], "diff": rows})
        return 0
    _print_diff(rows, args.format, labels)
    return 0

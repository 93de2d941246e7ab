"""Subcommands for analysts: export, import-events, escalation, plot (staffing, escalation, heatmap), explain."""
from __future__ import annotations

import argparse
import sys

from .common import (OneLineParser, add_format, add_log, date_arg, most, positive_arg, print_json, print_rows,
                     probability_arg, seed_arg, subparser, whole_arg)

DEFAULT_PANELS, MAX_PANELS = 8, 16  # as in analysis.plot_staffing (not imported here: matplotlib is loaded lazily)


def register(sub) -> None:
    p = subparser(sub, "export", "the events as CAMEO-coded event data (one row per event), for GDELT/ICEWS users",
                  "diplosim export > events.tsv                    # cameo-tsv, the default\n"
                  "diplosim export --format csv --out events.csv\n"
                  "diplosim export --scenario scenarios/putin-retaliates-2016.toml --format jsonl",
                  "the events as CAMEO-coded event data: one row per event with SQLDATE, Actor1Code, Actor2Code, "
                  "EventCode, EventRootCode, QuadClass, GoldsteinScale, Count, EventId, Sources, Deadline, Post, "
                  "Property, and the diplosim event itself (DiplosimType, DiplosimData)")
    _add_course(p)
    p.add_argument("--until", type=date_arg, metavar="DATE", help="only events up to this date")
    p.add_argument("--format", "-f", choices=("cameo-tsv", "csv", "jsonl"), default="cameo-tsv",
                   help="cameo-tsv (tab-separated, the default), csv or jsonl")
    p.add_argument("--out", "-o", metavar="FILE", help="write here instead of standard output")
    p.add_argument("--baselines", action="store_true",
                   help="also the records (baselines, departures that took place), with empty CAMEO columns: "
                        "what a log needs to import back to the same state")
    p.set_defaults(handler=cmd_export)

    p = subparser(sub, "import-events", "read CAMEO-coded rows (TSV, CSV, JSON Lines) into a log or store: all "
                  "rows or none",
                  "diplosim import-events events.tsv --into my.db\n"
                  "diplosim import-events events.tsv --into my-log.toml    # or .jsonl; created if missing")
    p.add_argument("file", metavar="FILE", help="event data: .tsv, .csv or .jsonl with a header of column names")
    p.add_argument("--into", required=True, metavar="TARGET",
                   help="a log file (.toml, .jsonl) or a diplosim store (.db); the events are appended")
    p.add_argument("--stream", metavar="NAME", help="with a store: the stream to append to")
    p.set_defaults(handler=cmd_import)

    p = subparser(sub, "escalation", "the escalation index of a dyad over time (decayed sum of -Goldstein scores), "
                  "or of every dyad at once",
                  "diplosim escalation --dyad USA-RUS\n"
                  "diplosim escalation --dyad USA-RUS --half-life 60 --format json\n"
                  "diplosim escalation --all --since 2018-03-01 --until 2018-04-30 --weight size\n"
                  "diplosim escalation --dyad USA-RUS --plot escalation.png\n"
                  "diplosim escalation --dyad USA-RUS --compare-store events.db     # beside observed events\n"
                  "diplosim escalation --match tit-for-tat,alternator --rounds 20   # per round of a match")
    _add_course(p)
    p.add_argument("--dyad", metavar="A-B", help="two country codes, like USA-RUS: both directions are shown")
    p.add_argument("--all", action="store_true", help="every ordered dyad with an act in the period, one row each "
                   "(acts, people ordered out, index at the end, peak), most hostile first")
    p.add_argument("--match", metavar="S1,S2", help="instead of a log: play a match of two strategies and show "
                   "the index per round (a hostile move counts as an expulsion, CAMEO 174)")
    p.add_argument("--rounds", type=whole_arg(1, "MAX_ROUNDS"), default=50, metavar="N",
                   help=f"with --match: rounds (default 50; {most('MAX_ROUNDS')})")
    p.add_argument("--noise", type=probability_arg, default=0.0, metavar="P", help="with --match: noise (default 0)")
    p.add_argument("--seed", type=seed_arg, default=0, help="with --match: seed (default 0)")
    p.add_argument("--half-life", type=positive_arg, default=None, metavar="H",
                   help="half-life of an act's weight: days (default 30), rounds with --match (default 5)")
    p.add_argument("--since", type=date_arg, metavar="DATE", help="show the period from this date (earlier acts still "
                   "count, decayed)")
    p.add_argument("--until", type=date_arg, metavar="DATE", help="stop at this date (its value is shown too)")
    _add_weight(p)
    p.add_argument("--plot", metavar="OUT", help="also draw the index day by day to OUT (.png or .svg)")
    p.add_argument("--compare-store", metavar="DB", help="with --dyad: beside the log, the index of the observed "
                   "events (media-coded event data, see import-data) in this store")
    p.add_argument("--compare-stream", metavar="NAME", help="with --compare-store: the stream (default observed)")
    p.add_argument("--compare-data", metavar="FILE", help="with --dyad: beside the log, the index of the rows of "
                   "this GDELT, ICEWS or POLECAT file, read without a store")
    add_format(p)
    p.set_defaults(handler=cmd_escalation)

    p = subparser(sub, "plot", "figures: mission staff over time, the escalation index, heat maps of countries or "
                  "of a tournament",
                  "diplosim plot staffing --out staffing.png\n"
                  "diplosim plot staffing --pairs USA:RUS,RUS:USA --since 2017-07-01 --out staffing.png\n"
                  "diplosim plot staffing --scenario scenarios/a.toml --scenario scenarios/b.toml --out compare.png\n"
                  "diplosim plot escalation --dyad USA-RUS --out escalation.svg\n"
                  "diplosim plot heatmap --of escalation --since 2018-03-01 --out countries.png\n"
                  "diplosim plot heatmap --strategies tit-for-tat,always-hostile,restraint --out heat.png")
    psub = p.add_subparsers(dest="plot_command", metavar="FIGURE", parser_class=OneLineParser)
    p.set_defaults(handler=lambda args, parser=p: (parser.print_help(), 0)[1])
    q = subparser(psub, "staffing", "mission staff over time per pair, events marked, deadlines dashed; the real "
                  "course and scenarios overlaid",
                  "diplosim plot staffing --out staffing.png\n"
                  "diplosim plot staffing --pairs USA:RUS,RUS:USA --since 2017-07-01 --out staffing.png\n"
                  "diplosim plot staffing --scenario scenarios/putin-retaliates-2016.toml --out compare.svg")
    _add_plot_course(q)
    q.add_argument("--pairs", metavar="S:H,...", help="the missions to draw, as SENDING:HOST (e.g. USA:RUS,RUS:USA); "
                   "default: the missions that moved most in the period")
    q.add_argument("--panels", type=whole_arg(1), default=None, metavar="N",
                   help=f"without --pairs: how many missions (default {DEFAULT_PANELS}, at most {MAX_PANELS})")
    q.add_argument("--since", type=date_arg, metavar="DATE", help="start of the time axis")
    q.add_argument("--until", type=date_arg, metavar="DATE", help="end of the time axis")
    q.set_defaults(handler=cmd_plot_staffing)
    q = subparser(psub, "escalation", "the escalation index of a dyad, both directions, day by day",
                  "diplosim plot escalation --dyad USA-RUS --out escalation.png")
    _add_plot_course(q)
    q.add_argument("--dyad", required=True, metavar="A-B", help="two country codes, like USA-RUS")
    q.add_argument("--half-life", type=positive_arg, default=30.0, metavar="DAYS",
                   help="half-life in days (default 30)")
    q.add_argument("--since", type=date_arg, metavar="DATE", help="start of the time axis")
    q.add_argument("--until", type=date_arg, metavar="DATE", help="end of the time axis")
    _add_weight(q)
    q.set_defaults(handler=cmd_plot_escalation)
    q = subparser(psub, "heatmap", "a heat map: countries by countries over a period (--of), or a tournament's "
                  "mean payoff per round of each strategy against each (--strategies)",
                  "diplosim plot heatmap --of escalation --since 2018-03-01 --until 2018-04-30 --out countries.png\n"
                  "diplosim plot heatmap --of expelled --log my-log.toml --out expelled.svg\n"
                  "diplosim plot heatmap --strategies tit-for-tat,always-hostile,restraint --out heat.png\n"
                  "diplosim plot heatmap --strategies tit-for-tat,generous-tit-for-tat --noise 0.05 --out h.svg")
    q.add_argument("--of", choices=("escalation", "acts", "expelled"), metavar="WHAT",
                   help="countries: escalation (peak index in the period), acts, or expelled (people ordered out); "
                   "row country toward column country")
    _add_course(q)
    q.add_argument("--since", type=date_arg, metavar="DATE", help="with --of: start of the period")
    q.add_argument("--until", type=date_arg, metavar="DATE", help="with --of: end of the period")
    q.add_argument("--half-life", type=positive_arg, default=30.0, metavar="DAYS",
                   help="with --of escalation: half-life in days (default 30)")
    _add_weight(q)
    q.add_argument("--top", type=whole_arg(2), default=40, metavar="N",
                   help="with --of: the N most active countries (default 40)")
    q.add_argument("--strategies", metavar="S1,S2,...", help="a tournament: strategy names (diplosim strategies)")
    q.add_argument("--rounds", type=whole_arg(1, "MAX_ROUNDS"), default=200, metavar="N",
                   help=f"rounds per match (default 200; {most('MAX_ROUNDS')})")
    q.add_argument("--repetitions", type=whole_arg(1, "MAX_REPETITIONS"), default=5, metavar="N",
                   help=f"matches per pair (default 5; {most('MAX_REPETITIONS')}; rounds x matches "
                        f"{most('MAX_TOTAL_ROUNDS')})")
    q.add_argument("--noise", type=probability_arg, default=0.0, metavar="P", help="probability a move is flipped")
    q.add_argument("--seed", type=seed_arg, default=0, help="seed (default 0): same seed, same figure")
    q.add_argument("--out", "-o", required=True, metavar="FILE", help="the image: .png or .svg")
    q.set_defaults(handler=cmd_plot_heatmap)

    p = subparser(sub, "explain", "the chain of events behind one figure of the state, with sources",
                  "diplosim explain staff --sending USA --host RUS --at 2017-09-02\n"
                  "diplosim explain cap --sending USA --host RUS --at 2017-09-02 --format json\n"
                  "diplosim explain property --property usa-serebryany-bor-dacha\n"
                  "diplosim explain sanction --target Zorsecurity\n"
                  "diplosim explain staff --sending RUS --host USA --scenario scenarios/putin-retaliates-2016.toml")
    p.add_argument("figure", choices=("staff", "pending", "cap", "property", "sanction"),
                   help="staff, pending (departures), cap, property (status) or sanction (measures)")
    p.add_argument("--sending", metavar="CODE", help="the mission's sending country (staff, pending, cap)")
    p.add_argument("--host", metavar="CODE", help="the mission's host country (staff, pending, cap)")
    p.add_argument("--property", metavar="ID", help="the property's id (see `diplosim state --table properties`)")
    p.add_argument("--target", metavar="NAME", help="the sanctioned target's name, as in the sanctions table")
    p.add_argument("--imposer", metavar="CODE", help="the sanctioning country, if several sanction the target")
    p.add_argument("--at", type=date_arg, metavar="DATE", help="the date (default: the last event's date)")
    _add_course(p)
    add_format(p)
    p.set_defaults(handler=cmd_explain)


def _add_course(p: argparse.ArgumentParser) -> None:
    add_log(p)
    p.add_argument("--scenario", metavar="FILE", help="use a scenario's course instead of a log")


def _add_weight(p: argparse.ArgumentParser) -> None:
    p.add_argument("--weight", choices=("none", "size"), default="none",
                   help="size: weight each act by 1 + log2 of its size (people expelled or ordered out, posts "
                   "closed, targets designated); default none")


def _add_plot_course(p: argparse.ArgumentParser) -> None:
    add_log(p)
    p.add_argument("--scenario", metavar="FILE", action="append", default=[],
                   help="overlay a scenario's course (repeat for several)")
    p.add_argument("--no-real", action="store_true", help="leave out the real course (or --log): scenarios only")
    p.add_argument("--out", "-o", required=True, metavar="FILE", help="the image: .png or .svg")


def _events(args: argparse.Namespace):
    """The events of --scenario, else of --log/--store (the real log by default)."""
    if getattr(args, "scenario", None):
        from ..play.scenario import load_scenario
        return list(load_scenario(args.scenario).run().events)
    from .common import load_events
    return list(load_events(args))


def _courses(args: argparse.Namespace) -> list[tuple[str, list]]:
    """(label, events): the real course (or --log/--store) first, then each --scenario."""
    from ..core.errors import InputError
    from ..play.scenario import load_scenario
    from .common import load_events

    courses = []
    if not args.no_real:
        label = "real course" if not (args.log or args.store) else (args.log or args.store)
        courses.append((label, list(load_events(args))))
    for path in args.scenario:
        result = load_scenario(path).run()
        courses.append((result.label, list(result.events)))
    if not courses:
        raise InputError("nothing to plot: --no-real needs at least one --scenario")
    return courses


def cmd_export(args: argparse.Namespace) -> int:
    from ..analysis.exports import dumps

    from ..core.files import check_writable, write_atomic

    if args.out:
        check_writable(args.out)  # before any work: a bad path costs nothing
    events = [e for e in _events(args) if args.until is None or e.date <= args.until]
    text = dumps(events, args.format, baselines=args.baselines)
    if args.out:
        write_atomic(args.out, text)
        from ..analysis.cameo import is_act
        rows = sum(1 for e in events if args.baselines or is_act(e))
        print(f"wrote {rows} events to {args.out} ({args.format})", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from ..analysis.import_events import import_file

    from .common import progress_bar
    new = import_file(args.file, args.into, args.stream,
                      progress=lambda total, unit, desc: progress_bar(desc, total, unit))
    measures = sum(1 for e in new if e.category == "measure")
    records = sum(1 for e in new if e.category == "record")
    print(f"imported {len(new)} events from {args.file} into {args.into}: {measures} change the state, "
          + (f"{records} records, " if records else "") + f"{len(new) - measures - records} speech acts")
    return 0


def cmd_escalation(args: argparse.Namespace) -> int:
    from ..analysis import escalation as esc
    from ..core.errors import InputError

    if sum(map(bool, (args.dyad, args.match, args.all))) != 1:
        raise InputError("give one of --dyad A-B or --all (a log or scenario), or --match S1,S2 (a strategy match)")
    if args.match:
        return _escalation_match(args)
    half_life = esc.DEFAULT_HALF_LIFE if args.half_life is None else args.half_life
    _check_period(args, half_life)
    if args.plot and not args.all:
        from ..analysis.plots import check_out
        check_out(args.plot)
    if args.all:
        return _escalation_all(args, half_life)
    if args.compare_store or args.compare_data or args.compare_stream:
        return _escalation_compare(args)
    a, b = esc.parse_dyad(args.dyad)
    events = _events(args)
    period = dict(half_life=half_life, since=args.since, until=args.until, weight=args.weight)
    rows = esc.dyad_table(events, a, b, **period)
    if args.plot:
        from ..analysis.plots import escalation as draw
        label = args.scenario or "real course"
        draw([(label, events)], (a, b), args.plot, **period)
    if args.format == "json":
        print_json(esc.dyad_json(events, a, b, **period))
        return 0
    print_rows(rows, args.format)
    return 0


def _escalation_compare(args: argparse.Namespace) -> int:
    from ..core.errors import InputError
    from .eventdata import cmd_compare

    if not args.dyad:
        raise InputError("--compare-store/--compare-data compare one dyad: give --dyad A-B")
    if args.compare_stream and not args.compare_store:
        raise InputError("--compare-stream names a stream of --compare-store DB")
    label = args.scenario or args.log or (args.store and f"{args.store} ({args.stream or 'default stream'})") \
        or "the real log"
    return cmd_compare(args, _events(args), label)


def _check_period(args: argparse.Namespace, half_life: float) -> None:
    from ..core.errors import InputError

    if half_life <= 0:
        raise InputError(f"--half-life must be positive (got {half_life:g})")
    if args.since and args.until and args.since > args.until:
        raise InputError(f"the period is empty: --since {args.since} is after --until {args.until}")


def _escalation_all(args: argparse.Namespace, half_life: float) -> int:
    from ..analysis import escalation as esc
    from ..core.errors import InputError

    if args.plot:
        raise InputError("--plot draws one dyad: with --all, draw `diplosim plot heatmap --of escalation`")
    doc = esc.all_dyads(_events(args), half_life=half_life, since=args.since, until=args.until, weight=args.weight)
    if args.format == "json":
        print_json(doc)
        return 0
    rows = [dict(r, dyad=f"{r['actor']}→{r['target']}") for r in doc["rows"]]
    if args.format != "csv":
        weighted = f"; weighted by size: {doc['weight_rule']}" if args.weight == "size" else ""
        print(f"{len(rows)} dyads with acts from {doc['since']} to {doc['until']}; index on {doc['until']}, "
              f"half-life {half_life:g} days{weighted}")
    print_rows(rows, args.format, ["dyad", "acts", "ordered_out", "index", "peak", "peak_date"])
    return 0


def _escalation_match(args: argparse.Namespace) -> int:
    from ..analysis import escalation as esc
    from ..core.errors import InputError
    from ..play.strategies import get
    from ..play.tournament import match

    names = [n.strip() for n in args.match.split(",")]
    if len(names) != 2 or not all(names):
        raise InputError(f"bad --match {args.match!r}: want two strategy names, like tit-for-tat,alternator")
    half_life = esc.DEFAULT_HALF_LIFE_ROUNDS if args.half_life is None else args.half_life
    if args.plot:
        from ..analysis.plots import check_out
        check_out(args.plot)
    result = match(get(names[0]), get(names[1]), args.rounds, noise=args.noise, seed=args.seed)
    rows = esc.match_rows(result, half_life=half_life)
    if args.plot:
        from ..analysis.plots import escalation_rounds
        escalation_rounds(rows, result.strategies, args.plot, half_life=half_life)
    if args.format == "json":
        print_json({"match": list(result.strategies), "rounds": args.rounds, "noise": args.noise,
                    "seed": args.seed, "half_life_rounds": half_life, "rows": rows})
        return 0
    if args.format not in ("csv",):
        print(f"A = {result.strategies[0]}, B = {result.strategies[1]}; index half-life {half_life:g} rounds")
    print_rows(rows, args.format)
    return 0


def cmd_plot_staffing(args: argparse.Namespace) -> int:
    from ..analysis.plot_staffing import choose_pairs, parse_pairs, staffing
    from ..analysis.plots import check_out
    from ..core.errors import InputError

    check_out(args.out)
    if args.pairs and args.panels:
        raise InputError("--panels chooses missions: with --pairs, the missions are the ones named")
    if args.panels and args.panels > MAX_PANELS:
        raise InputError(f"--panels {args.panels}: at most {MAX_PANELS} fit in one image")
    if args.since and args.until and args.since >= args.until:
        raise InputError(f"the period is empty: --since {args.since} is not before --until {args.until}")
    pairs = parse_pairs(args.pairs) if args.pairs else None
    courses = _courses(args)
    how = ""
    if pairs is None:
        pairs, total = choose_pairs(courses, since=args.since, until=args.until,
                                    panels=args.panels or DEFAULT_PANELS)
        if total > len(pairs):
            how = f" ({len(pairs)} of {total} missions: those that moved most)"
    out = staffing(courses, args.out, pairs=pairs, since=args.since, until=args.until)
    print(f"wrote {out}: {', '.join(f'{s} in {h}' for s, h in pairs)}{how}")
    return 0


def cmd_plot_escalation(args: argparse.Namespace) -> int:
    from ..core.errors import InputError
    from ..analysis.escalation import parse_dyad
    from ..analysis.plots import check_out, escalation

    check_out(args.out)
    if args.since and args.until and args.since >= args.until:
        raise InputError(f"the period is empty: --since {args.since} is not before --until {args.until}")
    out = escalation(_courses(args), parse_dyad(args.dyad), args.out, half_life=args.half_life, since=args.since,
                     until=args.until, weight=args.weight)
    print(f"wrote {out}")
    return 0


def cmd_plot_heatmap(args: argparse.Namespace) -> int:
    from ..core.errors import InputError
    from ..analysis.plots import check_out, heatmap, tournament_matrix
    from ..play.tournament import check_match_args

    check_out(args.out)
    if bool(args.of) == bool(args.strategies):
        raise InputError("give --of escalation|acts|expelled (countries) or --strategies S1,S2,... (a tournament)")
    if args.of:
        return _country_heatmap(args)
    names = list(dict.fromkeys(n.strip() for n in args.strategies.split(",") if n.strip()))
    if len(names) < 2:
        raise InputError("a heat map needs at least two different strategies (--strategies a,b,...)")
    from .strategies import check_work
    check_work(len(names) * len(names) * args.repetitions, args.rounds)
    check_match_args(args.rounds, args.noise)
    labels, matrix = tournament_matrix(names, rounds=args.rounds, repetitions=args.repetitions, noise=args.noise,
                                       seed=args.seed)
    out = heatmap(matrix, labels, labels, args.out,
                  title=f"Mean payoff per round, row against column ({args.rounds} rounds × {args.repetitions}, "
                        f"noise {args.noise:g}, seed {args.seed})",
                  value_label="payoff per round (R=3, T=5, S=0, P=1)", cell=(1.1, 0.6))
    print(f"wrote {out}")
    return 0


def _country_heatmap(args: argparse.Namespace) -> int:
    from ..analysis.escalation import MATRIX_OF, country_matrix
    from ..analysis.plots import heatmap
    from ..core.errors import InputError

    _check_period(args, args.half_life)
    countries, matrix, info = country_matrix(_events(args), args.of, half_life=args.half_life, since=args.since,
                                             until=args.until, weight=args.weight, top=args.top)
    if not countries:
        raise InputError(f"no acts between countries from {info['since']} to {info['until']}")
    shown = (f"the {info['shown']} most active of {info['countries']} countries" if info["shown"] < info["countries"]
             else f"{info['shown']} countries")
    what = MATRIX_OF[args.of] + (", acts weighted by size" if args.of == "escalation" and args.weight == "size" else "")
    half = f", half-life {args.half_life:g} days" if args.of == "escalation" else ""
    out = heatmap(matrix, countries, countries, args.out,
                  title=f"{what.capitalize()}, row toward column\n{info['since']} – {info['until']}{half}; "
                        f"{shown}, most active first; grey: none",
                  value_label=what, row_label="from (row)", column_label="toward (column)",
                  diverging=args.of == "escalation", digits=1 if args.of == "escalation" else 0)
    print(f"wrote {out}: {shown}, {info['since']} – {info['until']}")
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from ..analysis.explain import explain

    x = explain(_events(args), args.figure, at=args.at, sending=args.sending, host=args.host,
                property=args.property, target=args.target, imposer=args.imposer)
    if args.format == "json":
        print_json(x.to_json())
        return 0
    if args.format not in ("csv",):
        print(x.title)
    print_rows(x.rows(), args.format, ["date", "event", "effect", "from", "to", "sources"])
    if args.format not in ("csv",):
        for line in x.footnotes():
            print(line)
    return 0

"""Subcommands of the strategies: strategies (the catalogue), match, tournament, sweep."""
from __future__ import annotations

import argparse
import sys

from ..core.limits import MAX_FIGURE
from .common import (add_format, add_log, date_arg, list_arg, most, number_arg, print_json, print_rows, probability_arg,
                     seed_arg, subparser, whole_arg)



def _rounds(p: argparse.ArgumentParser, default: int | None, help: str) -> None:
    p.add_argument("--rounds", "-n", type=whole_arg(1, "MAX_ROUNDS"), default=default, metavar="N",
                   help=f"{help}; {most('MAX_ROUNDS')}")


def _repetitions(p: argparse.ArgumentParser, default: int, help: str) -> None:
    p.add_argument("--repetitions", "-r", type=whole_arg(1, "MAX_REPETITIONS"), default=default, metavar="N",
                   help=f"{help} (default {default}; {most('MAX_REPETITIONS')}; rounds x matches "
                        f"{most('MAX_TOTAL_ROUNDS')})")


def check_work(matches: int, rounds: int) -> None:
    """A tournament, sweep or heat map plays ``matches`` matches of ``rounds`` rounds: refused above the limit."""
    from ..core.errors import InputError
    from ..core.limits import env_hint, limit

    most = limit("MAX_TOTAL_ROUNDS")
    if matches * rounds > most:
        raise InputError(f"{matches:,} matches of {rounds:,} rounds: {matches * rounds:,} rounds in all, more than "
                         f"the limit of {most:,} {env_hint('MAX_TOTAL_ROUNDS')}", "--repetitions")


def _param(text: str) -> tuple[str, str]:
    key, eq, value = text.partition("=")
    if not eq or not key.strip():
        raise argparse.ArgumentTypeError(f"want KEY=VALUE, got {text!r}")
    return key.strip(), value.strip()


def _add_params(p: argparse.ArgumentParser) -> None:
    p.add_argument("--param", "-P", type=_param, action="append", default=[], metavar="KEY=VALUE",
                   help="a strategy parameter, given to every strategy that takes it (e.g. p=0.2, factor=1.5); "
                        "or write NAME:KEY=VALUE,... for one strategy")


# the library's defaults (diplosim.play.tournament.DEFAULT_*), written out so that `diplosim --help` need not import it;
# tests/test_tournament.py checks that they agree
STAFF, CUT, FLOOR = 500, 5, 250


def _add_account(p: argparse.ArgumentParser) -> None:
    p.add_argument("--staff", type=whole_arg(0, MAX_FIGURE), default=STAFF, metavar="N",
                   help=f"each mission's size at the start (default {STAFF})")
    p.add_argument("--cut", type=whole_arg(0, MAX_FIGURE), default=CUT, metavar="N",
                   help=f"people expelled by each hostile move (default {CUT})")


def _add_executor(p: argparse.ArgumentParser) -> None:
    p.add_argument("--processes", "-j", type=whole_arg(1), default=None, metavar="N",
                   help="worker processes (default: all cores; 1 runs in this process)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="run on a dask cluster, e.g. tcp://host:8786 "
                   "(pip install 'diplosim[dask]')")
    p.add_argument("--progress", action="store_true", help="show a progress bar on stderr even when it is not a "
                   "terminal")


def register(sub) -> None:
    p = subparser(sub, "strategies", "the response strategies: name, memory, randomness, parameters, what they play",
                  "diplosim strategies\n"
                  "diplosim strategies tit-for-tat          # one strategy in full\n"
                  "diplosim strategies --format json")
    p.add_argument("name", nargs="?", help="show this strategy in full")
    add_format(p)
    p.set_defaults(handler=cmd_strategies)

    p = subparser(sub, "match", "two strategies against each other: N simultaneous rounds, or calendar time",
                  "diplosim match tit-for-tat alternator --rounds 10\n"
                  "diplosim match generous-tit-for-tat tit-for-tat --rounds 200 --noise 0.05 --seed 7 --format json\n"
                  "diplosim match tit-for-tat escalator --calendar --start 2016-12-30 --horizon 2017-12-31 "
                  "--lag-days 3")
    p.add_argument("a", metavar="STRATEGY_A", help="a strategy name, or NAME:KEY=VALUE,... (see `diplosim "
                   "strategies`)")
    p.add_argument("b", metavar="STRATEGY_B")
    _add_params(p)
    _rounds(p, None, "rounds to play (default 200; with --calendar: the most decisions per side, default none)")
    p.add_argument("--noise", type=probability_arg, default=0.0, metavar="P",
                   help="probability that a move is misperceived (0-1)")
    p.add_argument("--seed", type=seed_arg, default=0, help="seed for noise and random strategies (default 0)")
    p.add_argument("--lag", type=whole_arg(0, "MAX_ROUNDS"), default=0, metavar="N",
                   help="rounds late each side sees the other's moves")
    _add_account(p)
    p.add_argument("--floor", type=whole_arg(0, MAX_FIGURE), default=None, metavar="N", help="mission size below which "
                   f"it no longer works (rounds: default {FLOOR}; calendar: stops play)")
    g = p.add_argument_group("calendar time (--calendar)")
    g.add_argument("--calendar", action="store_true", help="play in calendar time from a real state, emitting "
                   "events (A plays the first of --countries, B the second)")
    g.add_argument("--countries", default="USA,RUS", help="the two countries, A's first (default USA,RUS)")
    g.add_argument("--start", type=date_arg, help="first decision date (default: the day after the log's last "
                   "event)")
    g.add_argument("--horizon", type=date_arg,
                   help=f"last date (default: a year after the start; {most('MAX_PLAY_DAYS')} days after it)")
    g.add_argument("--lag-days", type=list_arg(whole_arg(0, "MAX_STEP_DAYS")), default=[0], metavar="N[,N]",
                   help=f"days from decision to effect, one for both sides or A,B (default 0; {most('MAX_STEP_DAYS')})")
    g.add_argument("--round-days", type=whole_arg(1, "MAX_STEP_DAYS"), default=7, metavar="N",
                   help=f"days between decisions (default 7; {most('MAX_STEP_DAYS')})")
    g.add_argument("--embassy-closed", action="store_true", help="stop when an embassy is closed")
    add_log(g)
    add_format(p)
    p.set_defaults(handler=cmd_match)

    p = subparser(sub, "tournament", "a round-robin tournament with repetitions, ranked (score, wins, cooperation, "
                  "escalation, final staff, floor)",
                  "diplosim tournament tit-for-tat grim-trigger random alternator --rounds 200 --repetitions 10\n"
                  "diplosim tournament --all --noise 0.05 --format json\n"
                  "diplosim tournament --all --scheduler tcp://127.0.0.1:8786")
    p.add_argument("strategies", nargs="*", metavar="STRATEGY")
    p.add_argument("--all", action="store_true", help="every strategy in the catalogue (with its defaults)")
    _add_params(p)
    _rounds(p, 200, "rounds per match (default 200)")
    _repetitions(p, 10, "matches per pair")
    p.add_argument("--noise", type=probability_arg, default=0.0, metavar="P",
                   help="probability that a move is misperceived (0-1)")
    p.add_argument("--seed", type=seed_arg, default=0)
    p.add_argument("--lag", type=whole_arg(0, "MAX_ROUNDS"), default=0, metavar="N",
                   help="rounds late each side sees the other's moves")
    _add_account(p)
    p.add_argument("--floor", type=whole_arg(0, MAX_FIGURE), default=None, metavar="N",
                   help=f"mission size below which it no longer works (default {FLOOR})")
    _add_executor(p)
    add_format(p)
    p.set_defaults(handler=cmd_tournament)

    p = subparser(sub, "sweep", "a seeded Monte Carlo sweep over strategy pairs and parameters, one row per cell",
                  "diplosim sweep generous-tit-for-tat --against tit-for-tat random --noise 0,0.05,0.1 "
                  "--p 0.1,0.33 --repetitions 200\n"
                  "diplosim sweep proportional --against tit-for-tat --factor 1,1.5,2 --lag 0,1 --format csv")
    p.add_argument("strategies", nargs="+", metavar="STRATEGY")
    p.add_argument("--against", nargs="+", metavar="STRATEGY", help="opponents (default: the same strategies, "
                   "every pair once)")
    p.add_argument("--noise", type=list_arg(probability_arg, distinct=True), default=[0.0], metavar="X[,X...]",
                   help="values of noise, each from 0 to 1 (default 0)")
    p.add_argument("--p", type=list_arg(number_arg(), distinct=True), default=[None], metavar="P[,P...]",
                   help="values of p for the strategies that take it")
    p.add_argument("--factor", type=list_arg(number_arg(), distinct=True), default=[None], metavar="F[,F...]",
                   help="values of factor for the strategies that take it")
    p.add_argument("--lag", type=list_arg(whole_arg(0, "MAX_ROUNDS"), distinct=True), default=[0],
                   metavar="N[,N...]", help="rounds of lag (default 0)")
    p.add_argument("--floor", type=list_arg(whole_arg(0, MAX_FIGURE), distinct=True), default=None,
                   metavar="N[,N...]", help=f"floors (default {FLOOR})")
    _rounds(p, 200, "rounds per match (default 200)")
    _repetitions(p, 100, "matches per cell")
    p.add_argument("--seed", type=seed_arg, default=0)
    _add_account(p)
    _add_executor(p)
    add_format(p)
    p.set_defaults(handler=cmd_sweep)


# --- handlers ---------------------------------------------------------------------------------------------------------


def cmd_strategies(args: argparse.Namespace) -> int:
    from ..play.strategies import REGISTRY, catalogue, get

    if args.name:
        get(args.name)
        meta = REGISTRY[args.name].metadata()
        if args.format == "json":
            print_json(meta)
            return 0
        print(f"{meta['name']} — {meta['display_name']}")
        print(f"memory depth: {meta['memory_depth']}; stochastic: {'yes' if meta['stochastic'] else 'no'}; "
              f"axelrod: {meta['axelrod'] or '-'}")
        params = ", ".join(f"{k}={v}" for k, v in meta["parameters"].items()) or "none"
        print(f"parameters: {params}\n")
        print(meta["doc"])
        return 0
    rows = catalogue()
    for r in rows:
        r["parameters"] = ", ".join(f"{k}={v}" for k, v in r["parameters"].items())
    if args.format == "json":
        print_json(rows)
        return 0
    print_rows(rows, args.format, ["name", "display_name", "memory_depth", "stochastic", "parameters", "axelrod",
                                   "plays"])
    return 0


def _strategy(spec: str, params: list[tuple[str, str]], used: set[str]):
    """A strategy from NAME[:K=V,...] plus the --param values it takes."""
    from ..play.strategies import get, parse_spec

    base = parse_spec(spec)
    own = {k: v for k, v in params if k in base.params() or (base.name == "delayed" and k in ("days", "trigger"))}
    if not own:
        return base
    used.update(own)
    return get(base.name, **{**base.params(), **own})


def _strategies(specs: list[str], params: list[tuple[str, str]], *, distinct: bool = False):
    """The strategies of ``specs``; with ``distinct`` (a tournament, which plays each against itself already) none
    named twice."""
    from ..core.errors import InputError

    twice = next((x for i, x in enumerate(specs) if x in specs[:i]), None)
    if twice is not None and distinct:
        raise InputError(f"strategy {twice!r:.60} is named twice: a tournament plays each strategy against itself "
                         f"already")
    used: set[str] = set()
    out = [_strategy(s, params, used) for s in specs]
    unused = [k for k, _ in params if k not in used]
    if unused:
        raise InputError(f"--param {unused[0]}: none of the strategies takes a parameter {unused[0]!r}")
    return out


def _check(args: argparse.Namespace) -> None:
    from ..core.errors import InputError
    from ..play.tournament import check_match_args

    rounds = getattr(args, "rounds", None)
    check_match_args(200 if rounds is None else rounds, args.noise if isinstance(args.noise, float) else 0.0,
                     args.lag if isinstance(args.lag, int) else 0)
    reps = getattr(args, "repetitions", None)
    if reps is not None and reps < 1:
        raise InputError(f"repetitions must be at least 1 (got {reps})")


def cmd_match(args: argparse.Namespace) -> int:
    a, b = _strategies([args.a, args.b], args.param)
    if args.calendar:
        return _calendar_match(args, a, b)
    _check(args)
    from ..play.tournament import DEFAULT_FLOOR, match

    r = match(a, b, args.rounds or 200, noise=args.noise, seed=args.seed, lag=args.lag, staff=args.staff,
              cut=args.cut, floor=DEFAULT_FLOOR if args.floor is None else args.floor)
    doc = r.to_json()
    if args.format == "json":
        print_json(doc)
        return 0
    rows = [{"side": side, "strategy": doc["strategies"][side], "score": doc["scores"][side],
             "cooperation": doc["cooperation"][side], "final_staff": doc["final_staff"][side],
             "below_floor_at": doc["below_floor_at"][side], "moves": doc["moves"][side]} for side in ("A", "B")]
    if args.format == "csv":
        print_rows(rows, args.format)
        return 0
    # the moves under the table, wrapped to the terminal: in the table, 200 rounds would make it 280 wide
    print_rows([{k: v for k, v in r.items() if k != "moves"} for r in rows], args.format)
    print(f"\nmoves, round by round (C restraint, D hostile; {len(rows[0]['moves'])} rounds):")
    from .terminal import width
    step = max(10, width() - 4) // 10 * 10
    for r in rows:
        moves = r["moves"]
        for i in range(0, len(moves), step):
            print(f"{r['side'] if i == 0 else ' '}   {moves[i:i + step]}")
    return 0


def _calendar_match(args: argparse.Namespace, a, b) -> int:
    import datetime

    from ..core.errors import InputError
    from ..core.fold import fold
    from ..core.log import event_to_dict
    from ..play.calendar import LATEST_HORIZON, Policy, Stop, play
    from ..analysis.projections import state_json, table, timeline_rows
    from .common import load_events

    from ..core import countries as known
    from ..core.limits import env_hint, limit

    countries = [c.strip().upper() for c in args.countries.split(",")]
    if len(countries) != 2 or countries[0] == countries[1]:
        raise InputError(f"want two different countries, like USA,RUS (got {args.countries!r:.60})", "--countries")
    for c in countries:
        if not known.is_known(c):
            raise InputError(f"unknown country code {c!r:.20} (want ISO 3166-1 alpha-3, like USA or RUS)",
                             "--countries")
    if len(args.lag_days) > 2:
        raise InputError(f"want one number of days for both sides or two (A,B), got {len(args.lag_days)}",
                         "--lag-days")
    lags = args.lag_days if len(args.lag_days) == 2 else args.lag_days[:1] * 2
    events = list(load_events(args))
    last = events[-1].date if events else datetime.date.today()
    start = args.start or last + datetime.timedelta(days=1)
    # play counts deadlines past the horizon: it ends a year before the end of the calendar at the latest
    latest = LATEST_HORIZON
    if start > latest:
        raise InputError(f"play must start by {latest} (deadlines are counted past it)", "--start")
    horizon = args.horizon or min(start + datetime.timedelta(days=365), latest)
    if horizon > latest:
        raise InputError(f"play must end by {latest} (deadlines are counted past it)", "--horizon")
    if horizon < start:
        raise InputError(f"the horizon {horizon} is before the start {start}", "--horizon")
    if (horizon - start).days > limit("MAX_PLAY_DAYS"):
        raise InputError(f"{(horizon - start).days:,} days of play from {start}: more than the limit of "
                         f"{limit('MAX_PLAY_DAYS'):,} {env_hint('MAX_PLAY_DAYS')}", "--horizon")
    before = [e for e in events if e.date < start]
    state = fold(before)
    _something_to_act_on(state, countries)
    policies = {countries[0]: Policy(countries[0], a, lags[0]), countries[1]: Policy(countries[1], b, lags[1])}
    r = play(state, policies, start=start, horizon=horizon, seed=args.seed, noise=args.noise,
             round_days=args.round_days, history=before,
             stop=Stop(floor=args.floor, embassy_closed=args.embassy_closed, rounds=args.rounds))
    moves = {side: "".join("D" if x.hostile else "C" for x in r.rounds if x.country == c)
             for side, c in zip("AB", countries)}
    if args.format == "json":
        print_json({"countries": dict(zip("AB", countries)), "strategies": {"A": a.label, "B": b.label},
                    "moves": moves, "stopped": r.stopped,
                    "rounds": [x.row() for x in r.rounds], "events": [event_to_dict(e, dates_as_text=True) for e in r],
                    "state": state_json(r.state)})
        return 0
    fmt = "simple" if args.format == "csv" else args.format
    print(f"{countries[0]} plays {a.label}, {countries[1]} plays {b.label}, from {start} to {horizon}: "
          f"{r.stopped}")
    print(f"moves  A {moves['A']}\n       B {moves['B']}\n")
    print(table(timeline_rows(list(r)), fmt, ["date", "actor", "target", "type", "what"]))
    from ..analysis.projections import mission_rows
    print()
    print(table(mission_rows(r.state), fmt, ["sending", "host", "staff", "pending_departures", "cap", "posts_open",
                                              "posts_closed"]))
    return 0


def _something_to_act_on(state, countries: list[str]) -> None:
    """A calendar match between two countries with no mission in either's country: every move could only be a
    sanction or nothing, which is surely not what was meant."""
    from ..core.errors import InputError

    a, b = countries
    if state.mission(a, b) is None and state.mission(b, a) is None:
        raise InputError(f"the log has no mission of {a} in {b} nor of {b} in {a} before play starts: expulsions, "
                         f"caps and closures have nothing to act on (name two countries with missions, or a log "
                         f"that establishes them)", "--countries")


def _bar(args: argparse.Namespace, total: int):
    from tqdm import tqdm

    enabled = args.progress or sys.stderr.isatty()
    return tqdm(total=total, file=sys.stderr, disable=not enabled, unit="match", leave=False)


def cmd_tournament(args: argparse.Namespace) -> int:
    from ..core.errors import InputError
    from ..play.strategies import REGISTRY
    from ..play.tournament import DEFAULT_FLOOR, TournamentResult, executor, tournament

    specs = list(args.strategies) + ([n for n in REGISTRY if n not in args.strategies] if args.all else [])
    if len(specs) < 2:
        raise InputError("a tournament needs at least two strategies (or --all)")
    strategies = _strategies(specs, args.param, distinct=True)
    _check(args)
    n = len(strategies)
    check_work(n * (n + 1) // 2 * args.repetitions, args.rounds)
    with _bar(args, n * (n + 1) // 2 * args.repetitions) as bar, \
            executor(args.processes, args.scheduler) as ex:
        result = tournament(strategies, rounds=args.rounds, repetitions=args.repetitions, noise=args.noise,
                            seed=args.seed, lag=args.lag, staff=args.staff, cut=args.cut,
                            floor=DEFAULT_FLOOR if args.floor is None else args.floor, executor=ex,
                            progress=bar.update)
    if args.format == "json":
        print_json({"settings": result.settings, "rows": result.rows})
        return 0
    s = result.settings
    title = None if args.format == "csv" else (
        f"{n} strategies, {s['rounds']} rounds, {s['repetitions']} repetitions, noise {s['noise']}, "
        f"seed {s['seed']}; missions of {s['staff']}, {s['cut']} expelled per hostile move, floor {s['floor']}")
    print_rows(result.rows, args.format, list(TournamentResult.COLUMNS), title=title)
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    from ..core.errors import InputError
    from ..play.strategies import parse_spec
    from ..play.tournament import DEFAULT_FLOOR, Grid, SweepResult, executor, sweep

    for spec in list(args.strategies) + list(args.against or []):
        parse_spec(spec)
    if args.against:
        pairs = tuple((a, b) for a in args.strategies for b in args.against)
    else:
        xs = list(args.strategies)
        pairs = tuple((xs[i], xs[j]) for i in range(len(xs)) for j in range(i, len(xs)))
    if len(set(pairs)) != len(pairs):
        twice = next(x for i, x in enumerate(pairs) if x in pairs[:i])
        raise InputError(f"the pair {twice[0]} against {twice[1]} comes twice: name each strategy once")
    grid = Grid(pairs=pairs, noise=tuple(args.noise), p=tuple(args.p), factor=tuple(args.factor),
                lag=tuple(args.lag), floor=tuple(args.floor or [DEFAULT_FLOOR]))
    cells = grid.cells()
    check_work(len(cells) * args.repetitions, args.rounds)
    with _bar(args, len(cells) * args.repetitions) as bar, executor(args.processes, args.scheduler) as ex:
        result = sweep(grid, rounds=args.rounds, repetitions=args.repetitions, seed=args.seed, staff=args.staff,
                       cut=args.cut, executor=ex, progress=bar.update)
    if args.format == "json":
        print_json({"settings": result.settings, "rows": result.rows})
        return 0
    print_rows(result.rows, args.format, list(SweepResult.COLUMNS))
    return 0

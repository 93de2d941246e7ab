"""Subcommands of the core: replay, state, timeline, validate, events."""
from __future__ import annotations

import argparse
import sys

from .common import add_format, add_log, date_arg, print_json, print_rows, subparser

TABLES = ("missions", "posts", "properties", "sanctions", "open", "claims", "contacts")


def register(sub) -> None:
    p = subparser(sub, "replay", "replay a log event by event, showing what each event changed, then the state",
                  "diplosim replay                       # the real US–Russia sequence\n"
                  "diplosim replay --until 2017-01-15\n"
                  "diplosim replay --log my-log.toml --format json")
    add_log(p)
    p.add_argument("--until", type=date_arg, metavar="DATE", help="stop after this date (YYYY-MM-DD)")
    p.add_argument("--since", type=date_arg, metavar="DATE",
                   help="print the steps from this date on (the fold still starts at the beginning)")
    p.add_argument("--steps-only", action="store_true", help="print the steps, not the state tables after them")
    add_format(p)
    p.set_defaults(handler=cmd_replay)

    p = subparser(sub, "state", "the state tables (missions, posts, properties, sanctions, open proposals, contacts "
                  "suspended) at a date",
                  "diplosim state --at 2017-08-15\n"
                  "diplosim state --at 2017-09-02 --format json\n"
                  "diplosim state --at 2017-09-02 --table missions --format csv\n"
                  "diplosim state --at 2018-04-30 --countries USA,RUS     # only between the US and Russia\n"
                  "diplosim state --at 2018-04-30 --countries RUS --table missions   # Russia and everyone")
    add_log(p)
    p.add_argument("--at", type=date_arg, metavar="DATE", help="the date (default: the last event's date)")
    p.add_argument("--table", choices=TABLES, help="print only this table")
    p.add_argument("--countries", type=_codes, metavar="CODES",
                   help="one country: every row it is a party to; several (USA,RUS): the rows between them")
    add_format(p)
    p.set_defaults(handler=cmd_state)

    p = subparser(sub, "timeline", "one line per event: date, actor, target, what happened, sources",
                  "diplosim timeline\n"
                  "diplosim timeline --wide | less -S   # summaries and sources on one line each\n"
                  "diplosim timeline --format json      # with CAMEO code and Goldstein score")
    add_log(p)
    p.add_argument("--until", type=date_arg, metavar="DATE", help="stop after this date")
    p.add_argument("--wide", action="store_true", help="keep each summary and its sources on one line, however "
                   "long (by default they are wrapped to the terminal's width, or 100 columns in a pipe)")
    add_format(p)
    p.set_defaults(handler=cmd_timeline)

    p = subparser(sub, "validate", "check log files: syntax, fields, countries, sources and every domain rule",
                  "diplosim validate seeds/aftermath-2018.toml   # a log and every log it continues\n"
                  "diplosim validate my-log.jsonl")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--strict", action="store_true",
                   help="also list every mission that comes into being by an act, with no baseline (its size is "
                        "unknown); exit 1 when there is any")
    p.set_defaults(handler=cmd_validate)

    p = subparser(sub, "events", "the event catalogue: every event type, its fields and what it does",
                  "diplosim events\n"
                  "diplosim events --format json")
    add_format(p)
    p.set_defaults(handler=cmd_events)


def cmd_replay(args: argparse.Namespace) -> int:
    from ..core.log import event_to_dict
    from ..analysis.projections import describe, render_state, state_json

    if args.since and args.until and args.since > args.until:
        from ..core.errors import InputError
        raise InputError(f"the period is empty: --since {args.since} is after --until {args.until}")
    events = list(load_events_or_real(args))
    from ..analysis.projections import replay_end, replay_steps
    until, why = (args.until, f"Replayed to {args.until} (--until)") if args.until else replay_end(events)
    steps = list(replay_steps(events, until))
    final = steps[-1]["state"] if steps else None
    if args.since:
        steps = [st for st in steps if st["date"] >= args.since]
    if final is None:
        from ..core.state import State
        final = State()
    final.as_of = until or final.last_date
    if args.format == "json":
        print_json({
            "steps": [{"date": st["date"].isoformat(),
                       "event": event_to_dict(st["event"], dates_as_text=True) if st["event"] else None,
                       **({"clock": st["clock"]} if st["clock"] else {}),
                       "changes": st["changes"]} for st in steps],
            "until": until.isoformat() if until else None, "until_reason": why or None,
            "state": state_json(final),
        })
        return 0
    out = sys.stdout
    for st in steps:
        e = st["event"]
        if e is None:
            out.write(f"{st['date']}  {st['what']}\n")
        else:
            out.write(f"{e.date}  {e.id}  [{e.type}] {e.actor}→{e.target or '-'}: {describe(e)}\n")
        for change in st["changes"]:
            out.write(f"    • {change}\n")
    if why and not args.until:
        out.write(f"{why}\n")
    if not args.steps_only:
        out.write("\n" + render_state(final, args.format if args.format != "csv" else "simple") + "\n")
    return 0


def load_events_or_real(args: argparse.Namespace):
    from .common import load_events
    return load_events(args)


def _codes(text: str) -> list[str]:
    from ..core import countries

    codes = [c.strip() for c in text.split(",")]
    for c in codes:
        if not countries.is_known(c):
            raise argparse.ArgumentTypeError(f"unknown country code {c!r} (want ISO 3166-1 alpha-3, like RUS)")
    if len(set(codes)) != len(codes):
        raise argparse.ArgumentTypeError(f"a country is named twice in {text!r}")
    return codes


def cmd_state(args: argparse.Namespace) -> int:
    from ..analysis.projections import render_state, render_table, state_json, state_tables
    from .common import load_state

    s = load_state(args, args.at)
    if args.countries:
        from ..analysis.subset import restrict
        s = restrict(s, args.countries)
    if args.format == "json":
        doc = state_json(s)
        if args.table:
            key = {"open": "open_proposals", "claims": None, "posts": None,
                   "contacts": "contacts_suspended"}.get(args.table, args.table)
            from ..analysis.projections import claim_rows, post_rows
            doc = {"as_of": doc["as_of"], args.table: doc[key] if key else
                   (claim_rows(s) if args.table == "claims" else post_rows(s))}
        print_json(doc)
        return 0
    tables = {t.name: t for t in state_tables(s)}
    chosen = [tables[args.table]] if args.table else [t for t in tables.values() if t.rows or not t.optional]
    if args.format == "csv":
        for i, t in enumerate(chosen):
            if len(chosen) > 1:
                print(("\n" if i else "") + f"# {t.title}")
            print_rows(t.rows, "csv", t.columns)
        return 0
    if args.table:
        print(render_table(chosen[0], args.format))
    else:
        print(render_state(s, args.format))
    return 0


def cmd_timeline(args: argparse.Namespace) -> int:
    from ..analysis.projections import timeline_rows

    events = [e for e in load_events_or_real(args) if args.until is None or e.date <= args.until]
    if args.format == "json":
        try:
            from ..analysis.cameo import timeline_json
        except ImportError:  # the CAMEO table is an analysts' feature; without it, the plain rows
            timeline_json = None
        print_json(timeline_json(events) if timeline_json else timeline_rows(events, full_sources=True))
        return 0
    rows = timeline_rows(events)
    columns = ["date", "actor", "target", "type", "cameo", "goldstein", "what", "sources"]
    if args.format == "csv":
        print_rows(rows, "csv", ["date", "id"] + columns[1:])
        return 0
    if not args.wide:  # wrapping for the terminal lives in cli.terminal (the analysts' side)
        from .terminal import fit, width
        rows = fit(rows, columns, args.format, width())
    print_rows(with_ids(rows, args.format, args.wide), args.format, columns[:-2] + ["id / what", "sources"])
    return 0


def with_ids(rows: list[dict], fmt: str, wide: bool) -> list[dict]:
    """Each event's id, in brackets, above what happened (before it on one line with --wide, or in a format that
    keeps a cell on one line): the id that scenario edits, --resolves and explain name.  An id longer than the
    column the text was wrapped to breaks at its hyphens."""
    import textwrap

    from tabulate import multiline_formats

    from .terminal import ONE_LINE
    if wide or fmt not in multiline_formats or fmt in ONE_LINE:
        return [{**r, "id / what": f"[{r['id']}] {r['what']}"} for r in rows]
    room = max((len(line) for r in rows for line in str(r["what"]).splitlines()), default=0)
    return [{**r, "id / what": textwrap.fill(f"[{r['id']}]", max(room, 14), break_on_hyphens=True) + "\n" + r["what"]}
            for r in rows]


def cmd_validate(args: argparse.Namespace) -> int:
    from ..core.fold import fold
    from ..core.log import load_log

    findings = 0
    for path in args.files:
        log = load_log(path)
        earlier = f" (continuing {len(log.chain) - 1} log{'s' if len(log.chain) > 2 else ''})" \
            if len(log.chain) > 1 else ""
        if log.events:
            span = f"{log.events[0].date} – {log.events[-1].date}"
            print(f"ok: {path}: {len(log)} events, {span}{earlier}")
        else:
            print(f"ok: {path}: no events{earlier}")
        if args.strict:
            for m in fold(log.events).iter_missions():
                if m.implicit is not None:
                    findings += 1
                    print(f"strict: {log.where(m.implicit)}: the {m.sending} mission in {m.host} comes into being "
                          f"by event {m.implicit}, with no baseline: its size is unknown")
    return 1 if findings else 0


def cmd_events(args: argparse.Namespace) -> int:
    import attrs

    from ..core import events as ev

    base = set(ev.field_names(ev.Event))
    rows = []
    for name, cls in ev.EVENT_TYPES.items():
        own = [a for a in attrs.fields(cls) if a.name not in base]
        fields = [a.name + ("" if a.default is attrs.NOTHING else "?") for a in own]
        rows.append({"type": name, "category": cls.category, "fields": fields,
                     "opens": "intent (if retaliate or reciprocity)" if cls is ev.IntentStated else cls.opens,
                     "what": (cls.__doc__ or "").strip().splitlines()[0]})
    for r in rows:
        r["opens"] = r["opens"] or "-"
    print_rows(rows, args.format, ["type", "category", "fields", "opens", "what"])
    return 0

"""Subcommands for public event data: ``import-data`` (GDELT, ICEWS, POLECAT files into a stream of observed
events), and the comparison of the curated log with what the media-coded stream shows (``escalation --compare-*``,
handled here)."""
from __future__ import annotations

import argparse
import sys

from .common import date_arg, print_json, print_rows, progress_bar, subparser


def register(sub) -> None:
    p = subparser(sub, "import-data", "import a GDELT, ICEWS or POLECAT file (plain or gzipped) into a store as "
                  "observed events: all rows or none",
                  "diplosim import-data 20180326.export.CSV.gz --into events.db\n"
                  "diplosim import-data events.2018.tab --format icews --into events.db --dyad USA:RUS\n"
                  "diplosim import-data 2018.gdelt.tsv --into events.db --since 2018-03-01 --roots 16,17",
                  "import a public event-data file (GDELT 1.0/2.0, ICEWS, POLECAT; plain or gzipped) into a stream "
                  "of observed events: media-coded observations, kept apart from the curated log, that never change "
                  "mission staff.  Rows whose actors are not countries are skipped and counted; a malformed row "
                  "stops the import with FILE:LINE and nothing is written.  Rows the stream already holds (same "
                  "id) are skipped, so importing a file twice adds nothing.")
    p.add_argument("file", metavar="FILE", help="the event-data file (.gz read as gzip, whatever its name)")
    p.add_argument("--format", default="auto", choices=("auto", "gdelt1", "gdelt2", "icews", "polecat"),
                   help="the file's format (default: told from its first line)")
    p.add_argument("--into", required=True, metavar="DB", help="the diplosim store (created if missing)")
    p.add_argument("--stream", default="observed", metavar="NAME", help="the stream (default: observed)")
    p.add_argument("--dyad", metavar="A:B", help="only rows between these two countries (either direction)")
    p.add_argument("--since", type=date_arg, metavar="DATE", help="only rows dated on or after this day")
    p.add_argument("--until", type=date_arg, metavar="DATE", help="only rows dated on or before this day")
    p.add_argument("--roots", metavar="R1,R2", help="only rows of these CAMEO root codes (e.g. 16,17)")
    p.add_argument("--json", action="store_true", help="print what was done as JSON")
    p.set_defaults(handler=cmd_import_data)


def _progress(total: int, unit: str, desc: str):
    return progress_bar(desc, total, unit)


def _dyad(text: str) -> tuple[str, str]:
    from ..analysis.escalation import parse_dyad
    return parse_dyad(text.replace(":", "-"))


def cmd_import_data(args: argparse.Namespace) -> int:
    from ..analysis.eventdata_import import Filters, import_file, parse_roots
    from ..core.errors import InputError

    if args.since and args.until and args.since > args.until:
        raise InputError(f"the period is empty: --since {args.since} is after --until {args.until}")
    filters = Filters(dyad=_dyad(args.dyad) if args.dyad else None, since=args.since, until=args.until,
                      roots=parse_roots(args.roots) if args.roots else None)
    s = import_file(args.file, args.into, fmt=args.format, stream=args.stream, filters=filters,
                    progress=_progress)
    if args.json:
        print_json(s.to_json())
        return 0
    # stdout says what the stream now holds of the file (the same when the file is imported again); what was new
    # this time goes to stderr
    parts = [f"{n} skipped ({why})" for why, n in sorted(s.skipped.items())]
    if s.filtered:
        parts.append(f"{s.filtered} filtered out")
    print(f"{s.file} ({s.format}, {s.rows} rows): {s.added + s.already} observed events in stream {s.stream!r} of "
          f"{s.into}" + ("; " + ", ".join(parts) if parts else ""))
    if s.already:
        print(f"diplosim: {s.added} new; {s.already} were in the stream already", file=sys.stderr)
    return 0


# --- escalation of the curated log beside the media-coded stream -------------------------------------------------


def observed_events(args: argparse.Namespace) -> tuple[str, list]:
    """(label, events) of --compare-store/--compare-stream or --compare-data (read without a store)."""
    from ..core.errors import InputError

    if args.compare_store and args.compare_data:
        raise InputError("give --compare-store DB or --compare-data FILE, not both")
    if args.compare_store:
        from ..store import open_store
        with open_store(args.compare_store, must_exist=True, readonly=True) as store:
            name = args.compare_stream or "observed"
            if name not in store.stream_names():
                raise InputError(f"no stream {name!r} (streams: {', '.join(store.stream_names()) or 'none'})",
                                 args.compare_store)
            return f"{args.compare_store} ({name})", list(store.read(name))
    from ..analysis import eventdata as ed
    fmt = ed.detect(args.compare_data)
    events = []
    with ed.opened(args.compare_data) as src:
        for _n, row in ed.Reader(src, fmt).rows():
            if not isinstance(row, str):
                events.append(ed.to_event(fmt, row, args.compare_data))
    events.sort(key=lambda e: e.date)
    return args.compare_data, events


def cmd_compare(args: argparse.Namespace, curated: list, label: str) -> int:
    from ..analysis import escalation as esc

    a, b = esc.parse_dyad(args.dyad)
    other_label, observed = observed_events(args)
    half_life = esc.DEFAULT_HALF_LIFE if args.half_life is None else args.half_life
    period = dict(half_life=half_life, since=args.since, until=args.until, weight=args.weight)
    doc = esc.compare(curated, observed, a, b, **period)
    if args.plot:
        from ..analysis.plots import escalation as draw
        draw([(f"curated: {label}", curated), (f"observed: {other_label}", observed)], (a, b), args.plot, **period)
    if args.format == "json":
        print_json(doc)
        return 0
    if args.format != "csv":
        print(f"escalation of {a} and {b}: curated log ({label}) beside observed events ({other_label}); "
              f"half-life {half_life:g} days")
    print_rows(doc["rows"], args.format)
    return 0

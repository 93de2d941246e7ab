"""``diplosim sources``: the catalogue of the sources the logs cite."""
from __future__ import annotations

import argparse

from .common import add_format, add_log, print_json, print_rows, subparser

COLUMNS = ["id", "kind", "outlet", "date", "events", "title"]


def register(sub) -> None:
    p = subparser(sub, "sources", "the sources a log cites: what each one is, who published it and when, and the "
                  "events that cite it",
                  "diplosim sources                                  # every source of the shipped record\n"
                  "diplosim sources 002_75852e39d8adb4be.txt         # one source in full, with its events\n"
                  "diplosim sources --log seeds/uk-russia-2018.toml --format json")
    p.add_argument("source", nargs="?", metavar="ID", help="show one source in full (its id, as the logs cite it)")
    add_log(p)
    add_format(p)
    p.set_defaults(handler=cmd_sources)


def cmd_sources(args: argparse.Namespace) -> int:
    from ..core.errors import InputError
    from ..core.sources import catalogue, cited
    from .common import load_events

    known = catalogue()
    uses = cited(load_events(args))
    if args.source is not None:
        if args.source not in uses and args.source not in known:
            raise InputError(f"no source {args.source!r} in the log or the catalogue (see `diplosim sources`)")
        entry = dict(known.get(args.source, {"id": args.source, "title": "(not in the catalogue)"}))
        entry["events"] = uses.get(args.source, [])
        if args.format == "json":
            print_json(entry)
            return 0
        width = max(len(k) for k in entry)
        for key, value in entry.items():
            text = ", ".join(value) if isinstance(value, list) else str(value)
            print(f"{key:<{width}}  {text}")
        return 0
    rows = []
    for src, events in uses.items():
        entry = known.get(src, {"id": src, "title": "(not in the catalogue)"})
        rows.append({**{k: entry.get(k, "") for k in ("id", "kind", "outlet", "date", "url", "title")},
                     "events": len(events)})
    if args.format == "json":
        print_json([dict(r, events=uses[r["id"]]) for r in rows])
        return 0
    if args.format not in ("csv",):
        for r in rows:  # a narrow table: the URL is in --format json and in the one-source view
            r["title"] = r["title"] if len(r["title"]) <= 60 else r["title"][:59] + "…"
            r["id"] = r["id"] if len(r["id"]) <= 40 else r["id"][:39] + "…"
    print_rows(rows, args.format, COLUMNS if args.format != "csv" else COLUMNS + ["url"])
    return 0

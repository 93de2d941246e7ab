"""``diplosim tally``: who expelled how many of a country's people, and how many it expelled in answer."""
from __future__ import annotations

import argparse

from .common import add_country_period, add_format, add_log, print_json, print_rows, subparser


def register(sub) -> None:
    p = subparser(sub, "tally", "count, country by country, the people a country had expelled and expelled in "
                  "answer (and the posts closed each way) over a period",
                  "diplosim tally --country RUS --since 2018-03-26 --until 2018-04-30\n"
                  "diplosim tally --country GBR --format json")
    add_log(p)
    add_country_period(p, "the country whose exchanges are counted")
    add_format(p)
    p.set_defaults(handler=cmd_tally)


def cmd_tally(args: argparse.Namespace) -> int:
    from ..analysis.tally import COLUMNS, tally, totals
    from ..core import countries
    from ..core.errors import InputError
    from .common import load_events

    if not countries.is_known(args.country):
        raise InputError(f"--country: unknown country code {args.country!r} (want ISO 3166-1 alpha-3, like RUS)")
    rows = tally(load_events(args), args.country, since=args.since, until=args.until)
    if not rows:
        raise InputError(f"--country {args.country}: no expulsion or closed post between {args.country} and "
                         f"another country in the period")
    if args.format == "json":
        print_json({"country": args.country, "since": args.since and args.since.isoformat(),
                    "until": args.until and args.until.isoformat(), "rows": rows, "total": totals(rows)})
        return 0
    print_rows(rows + [totals(rows)], args.format, list(COLUMNS))
    return 0

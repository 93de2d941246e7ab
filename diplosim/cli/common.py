"""Shared pieces of the command line: one-line argument errors, dates, --log/--format options, output."""
from __future__ import annotations

import argparse
import sys

FORMATS_HELP = "output format: json, csv, or any tabulate format (simple, github, grid, html, latex, ...)"


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (exit 2), not a usage block."""

    def error(self, message: str):  # noqa: D401
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def date_arg(text: str) -> "datetime.date":
    import datetime
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad date {text!r}: want a real date as YYYY-MM-DD") from None


def whole_arg(low: int | None = None):
    """An argparse type: a whole number, at least ``low``.

    >>> whole_arg(1)("3")
    3
    """
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"want a whole number, got {text!r}") from None
        if low is not None and value < low:
            raise argparse.ArgumentTypeError(f"want a whole number of at least {low}, got {value}")
        return value
    return parse


def format_arg(text: str) -> str:
    from tabulate import tabulate_formats
    if text in ("json", "csv") or text in tabulate_formats:
        return text
    raise argparse.ArgumentTypeError(f"unknown format {text!r}: want json, csv or a tabulate format")


def add_format(p: argparse.ArgumentParser, default: str = "simple") -> None:
    p.add_argument("--format", "-f", type=format_arg, default=default, metavar="FMT", help=FORMATS_HELP)


def add_log(p: argparse.ArgumentParser) -> None:
    p.add_argument("--log", metavar="PATH", help="event log to read (.toml or .jsonl); default: the real "
                   "US–Russia log shipped with diplosim")
    p.add_argument("--store", metavar="DB", help="read the events from a diplosim store (SQLite) instead")
    p.add_argument("--stream", metavar="NAME", default=None, help="with --store: the stream to read")


def load_events(args: argparse.Namespace):
    """The events named by --log/--store (the real log by default), checked."""
    if getattr(args, "store", None):
        from ..store.facade import open_store
        with open_store(args.store, must_exist=True, readonly=True) as store:
            return list(store.read(args.stream or store.default_stream()))
    from ..core.log import default_log_path, load_log
    return load_log(args.log or default_log_path())


def load_state(args: argparse.Namespace, at: datetime.date | None = None):
    """The state at ``at`` of the events named by --log/--store; from a store, via its latest snapshot before."""
    if getattr(args, "store", None):
        from ..store.facade import open_store
        with open_store(args.store, must_exist=True, readonly=True) as store:
            return store.state_at(args.stream or store.default_stream(), at)
    from ..core.fold import fold
    return fold(load_events(args), until=at)


def example(text: str) -> str:
    return "example:\n  " + "\n  ".join(text.strip().splitlines())


def subparser(sub, name: str, help: str, examples: str, description: str | None = None) -> argparse.ArgumentParser:
    return sub.add_parser(name, help=help, description=(description or help) + "\n\n" + example(examples),
                          formatter_class=argparse.RawDescriptionHelpFormatter)


def print_json(doc: "Any") -> None:
    import json
    json.dump(doc, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def print_rows(rows: list[dict], fmt: str, columns: list[str] | None = None, title: str | None = None) -> None:
    """Rows as a table (tabulate), CSV or JSON."""
    if fmt == "json":
        print_json(rows)
        return
    if fmt == "csv":
        import csv
        columns = columns or (list(rows[0]) if rows else [])
        w = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: (", ".join(map(str, v)) if isinstance(v, list) else v) for k, v in r.items()})
        return
    from ..analysis.projections import table
    if title:
        print(title)
    print(table(rows, fmt, columns))

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
    """An argparse type: a real date, YYYY-MM-DD, within the calendar diplosim keeps (1800-2999)."""
    import datetime

    from ..core.limits import MAX_DATE, MIN_DATE
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad date {text!r:.40}: want a real date as YYYY-MM-DD") from None
    if not MIN_DATE <= day <= MAX_DATE:
        raise argparse.ArgumentTypeError(f"date {day} is outside the calendar diplosim keeps ({MIN_DATE} to "
                                         f"{MAX_DATE})")
    return day


def _shown(text: str) -> str:
    return repr(text) if len(text) <= 30 else f"a number of {len(text)} characters"


def whole_arg(low: int | None = None, high: int | str | None = None):
    """An argparse type: a whole number, at least ``low`` and at most ``high`` (a number, or the name of a
    raisable limit in :mod:`diplosim.core.limits`, read when the argument is).

    >>> whole_arg(1)("3")
    3
    """
    def parse(text: str) -> int:
        most = _most(high)
        try:
            value = int(text if text.isascii() else "x")  # int() would read other scripts' digits
        except ValueError:
            raise argparse.ArgumentTypeError(f"want a whole number, got {_shown(text)}") from None
        if (low is not None and value < low) or (most is not None and value > most):
            want = (f"from {low:,} to {most:,}" if low is not None and most is not None else
                    f"of at least {low:,}" if low is not None else f"of at most {most:,}")
            hint = f" {_hint(high)}" if most is not None and value > most else ""
            raise argparse.ArgumentTypeError(f"want a whole number {want}, got {_shown(text)}{hint}")
        return value
    return parse


def _most(high: int | str | None) -> int | None:
    if isinstance(high, str):
        from ..core.errors import InputError
        from ..core.limits import limit
        try:
            return limit(high)
        except InputError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    return high


def _hint(high: int | str | None) -> str:
    if isinstance(high, str):
        from ..core.limits import env_hint
        return env_hint(high)
    return ""


def most(name: str) -> str:
    """``at most N`` for the help of an option a raisable limit bounds (the limit in force, as the environment sets
    it)."""
    from ..core.errors import InputError
    from ..core.limits import DEFAULTS, limit
    try:
        return f"at most {limit(name):,}"
    except InputError:  # a bad DIPLOSIM_ variable is reported when the option is used
        return f"at most {DEFAULTS[name]:,}"


#: For the help of a --seed option.
SEED_HELP = "a whole number from 0 to 2^63-1"


def seed_arg(text: str) -> int:
    """An argparse type: a seed, a whole number from 0 to 2**63 - 1."""
    from ..core.limits import MAX_SEED
    return whole_arg(0, MAX_SEED)(text)


def number_arg(low: float | None = None, high: float | None = None, *, above: bool = False, what: str = "a number"):
    """An argparse type: a finite number from ``low`` (or above it, with ``above``) to ``high``."""
    def parse(text: str) -> float:
        import math
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"want {what}, got {_shown(text)}") from None
        too_low = low is not None and (value < low or (above and value == low))
        if not math.isfinite(value) or too_low or (high is not None and value > high):
            want = (f"from {low:g} to {high:g}" if low is not None and high is not None else
                    f"above {low:g}" if above else f"of at least {low:g}" if low is not None else
                    f"of at most {high:g}" if high is not None else "that is finite")
            raise argparse.ArgumentTypeError(f"want {what} {want}, got {_shown(text)}")
        return value
    return parse


#: A probability: a number from 0 to 1.
probability_arg = number_arg(0.0, 1.0, what="a probability")
#: A half-life: a positive number (days or rounds).
positive_arg = number_arg(0.0, above=True)


def list_arg(kind, *, distinct: bool = False):
    """An argparse type: values separated by commas, each read by ``kind`` (an argparse type); no empty item."""
    def parse(text: str) -> list:
        parts = [x.strip() for x in text.split(",")]
        if any(not x for x in parts):
            raise argparse.ArgumentTypeError(f"want values separated by commas, with none left empty, got "
                                             f"{text!r:.60}")
        values = [kind(x) for x in parts]
        if distinct and len(set(values)) != len(values):
            raise argparse.ArgumentTypeError(f"a value is given twice in {text!r:.60}")
        return values
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


def add_country_period(p: argparse.ArgumentParser, whose: str) -> None:
    """``--country`` (required; ``whose`` says what it is) and the period ``--since``/``--until``, for the commands
    that study one country's exchanges in a log."""
    p.add_argument("--country", required=True, metavar="CODE", help=whose)
    p.add_argument("--since", type=date_arg, metavar="DATE", help="first day of the period (default: the log's first)")
    p.add_argument("--until", type=date_arg, metavar="DATE", help="last day of the period (default: the log's last)")


def check_course(args: argparse.Namespace) -> None:
    """--log and --store name the events two ways: one only; --stream belongs to --store."""
    from ..core.errors import InputError

    if getattr(args, "store", None) and getattr(args, "log", None):
        raise InputError("give --log or --store, not both")
    if getattr(args, "stream", None) and not getattr(args, "store", None) and "store" in vars(args):
        raise InputError("--stream names a stream of --store DB")


def load_events(args: argparse.Namespace):
    """The events named by --log/--store (the real log by default), checked."""
    check_course(args)
    if getattr(args, "store", None):
        from ..store.facade import open_store
        with open_store(args.store, must_exist=True, readonly=True) as store:
            return list(store.read(args.stream or store.default_stream()))
    from ..core.log import default_log_path, load_log
    return load_log(args.log or default_log_path())


def load_state(args: argparse.Namespace, at: datetime.date | None = None):
    """The state at ``at`` of the events named by --log/--store; from a store, via its latest snapshot before."""
    check_course(args)
    if getattr(args, "store", None):
        from ..store.facade import open_store
        with open_store(args.store, must_exist=True, readonly=True) as store:
            return store.state_at(args.stream or store.default_stream(), at)
    from ..core.fold import fold
    return fold(load_events(args), until=at)


def progress_bar(desc: str | None = None, total: int | None = None, unit: str = "event", *, force: bool = False):
    """A progress bar on stderr (tqdm) when stderr is a terminal or ``force``, else None (nothing is shown)."""
    if not (force or sys.stderr.isatty()):
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    scale = {"unit_scale": True, "unit_divisor": 1024} if unit == "B" else {}
    return tqdm(total=total, file=sys.stderr, unit=unit, desc=desc, leave=False, **scale)


def progress_of(bar):
    """A ``progress(done, total)`` callback that moves ``bar`` (None: no callback)."""
    if bar is None:
        return None

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)
    return update


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

"""The command line: ``diplosim SUBCOMMAND``.  The only place that prints.

Each module in :data:`MODULES` adds its subcommands with ``register(subparsers)`` and keeps heavy imports inside
its handlers, so ``diplosim --help`` starts fast.  A handler returns an exit code; bad input raises
:class:`diplosim.core.errors.DiplosimError`, shown as one line on stderr with exit code 2.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from .common import OneLineParser

MODULES = ["core", "sources", "scenario", "strategies", "multilateral", "store", "analysis", "tally", "eventdata", "report"]

DESCRIPTION = """\
diplosim replays documented diplomatic disputes (expulsions, caps on missions, closed and seized properties,
sanctions, and the proposals, threats and votes around them) from an append-only event log into state tables,
and lets you fork the real course into what-if scenarios and play response strategies against each other.

Start with:  diplosim replay            (the US–Russia sequence, December 2016 – July 2017)
             diplosim state --at 2017-08-15
"""


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="diplosim", description=DESCRIPTION,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    from ..core.version import __version__
    parser.add_argument("--version", action="version", version=f"diplosim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    for name in MODULES:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{name}":
                continue  # a feature not built yet
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from ..core.errors import DiplosimError

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 0
    try:
        return int(args.handler(args) or 0)
    except DiplosimError as exc:
        # one line, whatever the message quotes (an event id or a file name may hold a line break)
        print("diplosim: " + " ".join(str(exc).splitlines()), file=sys.stderr)
        return 2
    except BrokenPipeError:
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("diplosim: interrupted", file=sys.stderr)
        return 130

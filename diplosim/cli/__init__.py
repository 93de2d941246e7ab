"""The command line: ``diplosim SUBCOMMAND``.  The only place that prints.

Each module in :data:`MODULES` adds its subcommands with ``register(subparsers)`` and keeps heavy imports inside
its handlers, so ``diplosim --help`` starts fast.  A handler returns an exit code; bad input raises
:class:`diplosim.core.errors.DiplosimError`, shown as one line on stderr with exit code 2.
"""
from __future__ import annotations

import argparse
import importlib
import signal
import sys

from .common import OneLineParser

MODULES = ["core", "sources", "scenario", "strategies", "multilateral", "store", "analysis", "tally", "eventdata", "report"]

DESCRIPTION = """\
diplosim replays documented diplomatic disputes (expulsions, caps on missions, closed and seized properties,
sanctions, and the proposals, threats and votes around them) from an append-only event log into state tables,
and lets you fork the real course into what-if scenarios and play response strategies against each other.

Start with:  diplosim replay            (the US–Russia sequence, December 2016 – July 2017)
             diplosim state --at 2017-08-15

Bad input of any kind gets one line naming the file and line or the argument, exit code 2, and nothing is
written.  Sizes and counts no honest use reaches are refused (each option says its limit); raise one for a big
run with DIPLOSIM_MAX_<NAME>=N (README, "Bad input and limits").
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
    previous = _on_terminate()
    try:
        return int(args.handler(args) or 0)
    except DiplosimError as exc:
        print("diplosim: " + one_line(str(exc)), file=sys.stderr)
        return 2
    except BrokenPipeError:
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        _stop_workers()
        print("diplosim: interrupted", file=sys.stderr)
        return 130
    except _Terminated:
        _stop_workers()
        print("diplosim: terminated", file=sys.stderr)
        return 143
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def one_line(text: str) -> str:
    """A message as one line of printable UTF-8, whatever it quotes (an event id or a file name may hold a line break,
    a file name from the command line a lone surrogate)."""
    text = " ".join(text.splitlines())
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread so that worker processes are stopped and nothing is left half-written."""


def _on_terminate():
    def handler(signum, frame):
        raise _Terminated()
    try:
        return signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread (tests calling main() from a thread)
        return None


def _stop_workers() -> None:
    """Stop the worker processes of a tournament or sweep at once (they would finish their chunks first)."""
    executors = sys.modules.get(f"{__package__.rsplit('.', 1)[0]}.play.executors")
    if executors is not None:
        executors.stop_pools()

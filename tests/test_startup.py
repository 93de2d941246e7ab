"""`diplosim --help` starts fast: building the command line imports no event classes, attrs, tabulate or numpy."""
from __future__ import annotations

import subprocess
import sys

from diplosim.core import events
from diplosim.cli import store as cli_store

HEAVY = ("diplosim.core.events", "diplosim.core.fold", "diplosim.play.tournament", "tabulate", "numpy", "matplotlib", "sqlite3",
         "pycountry", "dask")


def test_building_the_parser_imports_nothing_heavy():
    code = ("import sys, diplosim.cli; diplosim.cli.build_parser(); "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_the_cli_copy_of_the_target_kinds_is_the_events_one():
    assert cli_store.TARGET_KINDS == events.TARGET_KINDS

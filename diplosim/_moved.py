"""The module paths of diplosim before its rooms (``diplosim.fold`` → ``diplosim.core.fold``), kept importable.

Scripts written against the flat layout keep working: importing an old path gives the module at its new place
(the same module object, so ``isinstance`` and monkeypatching behave) with a DeprecationWarning naming the new path.
"""
from __future__ import annotations

import importlib
import importlib.machinery
import sys

MOVED = {
    "events": "core.events", "state": "core.state", "fold": "core.fold", "log": "core.log",
    "countries": "core.countries", "provenance": "core.provenance", "errors": "core.errors",
    "timeline": "core.timeline", "codec": "store.codec",
    "commands": "play.commands", "tournament": "play.tournament", "scenario": "play.scenario",
    "strategies": "play.strategies", "strategies.base": "play.strategies.base",
    "strategies.classic": "play.strategies.classic", "strategies.diplomatic": "play.strategies.diplomatic",
    "projections": "analysis.projections", "cameo": "analysis.cameo", "escalation": "analysis.escalation",
    "explain": "analysis.explain", "exports": "analysis.exports", "plots": "analysis.plots",
    "over_time": "analysis.over_time", "synthetic": "tooling.synthetic",
}


class _Alias:
    """A meta path finder and loader (duck-typed: importlib.abc would import typing, which costs the CLI's start)."""

    def find_spec(self, fullname, path=None, target=None):
        old = fullname.partition("diplosim.")[2] if fullname.startswith("diplosim.") else None
        if old not in MOVED:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec):
        import warnings

        new = "diplosim." + MOVED[spec.name.partition("diplosim.")[2]]
        warnings.warn(f"{spec.name} moved to {new}", DeprecationWarning, stacklevel=3)
        return importlib.import_module(new)

    def exec_module(self, module):
        pass  # the module at its new place has run already


def install() -> None:
    if not any(isinstance(f, _Alias) for f in sys.meta_path):
        sys.meta_path.insert(0, _Alias())  # before the path finder, which would load a second copy of a submodule

"""Scripted strategies shared by the tests of matches and of calendar play."""
from __future__ import annotations

from diplosim.play.strategies import Measure, Strategy, View


class Third(Strategy):
    """Hostile on its third decision only: per-match memory (a count of its decisions) and no fast path."""
    name = "third"

    def reset(self):
        self.calls = 0

    def respond(self, view: View):
        self.calls += 1
        return Measure("expel", 1) if self.calls == 3 else None

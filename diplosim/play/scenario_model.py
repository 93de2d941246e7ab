"""The parts of a scenario file, as values: edits, policies, the stopping rule, and what changed in the base log."""
from __future__ import annotations

import datetime
from typing import Any

from attrs import field, frozen

from ..core import events as ev

Date = datetime.date
AFTER_FORK = ("keep", "drop", "keep-possible")
OPS = ("remove", "replace", "insert")


@frozen
class Edit:
    op: str
    id: str | None
    events: tuple[ev.Event, ...]
    after: str | None
    reason: str
    line: int


@frozen
class Policy:
    """A response strategy for one country, with its parameters and response lag."""
    country: str
    strategy: str
    params: dict[str, Any] = field(factory=dict, hash=False)
    lag_days: int = 1
    round_days: int | None = None
    line: int = 0
    against: tuple[str, ...] | None = None  # the counterparts it answers (None: every other country in play)


@frozen
class Stop:
    """When generated play stops: a horizon date, a mission below a floor, an embassy closed, N rounds."""
    horizon: Date | None = None
    floor: int | None = None
    rounds: int | None = None
    embassy_closed: bool = False
    quiet_rounds: int | None = None


@frozen
class Change:
    """A base event dropped or adapted because the edited history made it impossible."""
    event_id: str
    action: str  # "dropped" or "adapted"
    reason: str
    date: Date

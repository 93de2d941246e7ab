"""diplosim: diplomatic tit-for-tat as an event log, replayed into per-country-pair state.

    >>> import diplosim, datetime
    >>> log = diplosim.load_log(diplosim.real_log_path())
    >>> s = diplosim.replay(log, until=datetime.date(2017, 9, 2))
    >>> s.missions["USA", "RUS"].staff
    455

The flow is one way: events (:mod:`diplosim.events`) -> fold (:mod:`diplosim.fold`) -> state
(:mod:`diplosim.state`) -> projections (:mod:`diplosim.projections`).  Names are loaded lazily so that the
command line starts fast.
"""
from __future__ import annotations

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs `diplosim --help` a fifth of its start

__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover
    import datetime
    from typing import Iterable

    from .events import Event
    from .log import Log
    from .state import State


def load_log(path) -> "Log":
    """Read and check an event log file (TOML or JSON Lines); raises InputError naming file:line."""
    from .log import load_log as _load
    return _load(path)


def real_log_path():
    """Path of the curated log of the real US–Russia sequence."""
    from .log import default_log_path
    return default_log_path()


def replay(events: "Iterable[Event]", until: datetime.date | str | None = None) -> "State":
    """Fold events into the state at ``until`` (a date or ``YYYY-MM-DD``; default: the last event's date)."""
    import datetime

    from .fold import fold
    if isinstance(until, str):
        until = datetime.date.fromisoformat(until)
    return fold(events, until=until)


def __getattr__(name: str):
    if name in ("Event", "EVENT_TYPES"):
        from . import events
        return getattr(events, name)
    if name in ("InputError", "RuleViolation", "DiplosimError"):
        from . import errors
        return getattr(errors, name)
    if name == "history":
        from .over_time import history
        return history
    if name == "Timeline":
        from .timeline import Timeline
        return Timeline
    raise AttributeError(f"module 'diplosim' has no attribute {name!r}")

"""diplosim: diplomatic tit-for-tat as an event log, replayed into per-country-pair state.

    >>> import diplosim, datetime
    >>> log = diplosim.load_log(diplosim.real_log_path())
    >>> s = diplosim.replay(log, until=datetime.date(2017, 9, 2))
    >>> s.missions["USA", "RUS"].staff
    455

The flow is one way: events (:mod:`diplosim.core.events`) -> fold (:mod:`diplosim.core.fold`) -> state
(:mod:`diplosim.core.state`) -> projections (:mod:`diplosim.analysis.projections`).  Names are loaded lazily so that the
command line starts fast.
"""
from __future__ import annotations

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs `diplosim --help` a fifth of its start

from .core.version import __version__  # noqa: F401  (public: diplosim.__version__)

if TYPE_CHECKING:  # pragma: no cover
    import datetime
    from typing import Iterable

    from .core.events import Event
    from .core.log import Log
    from .core.state import State


def _render_state(state, fmt):
    # The package wires its rooms together: a state prints itself through the analysis room's projection, which
    # the core cannot import (it sits below it).
    from .analysis.projections import render_state
    return render_state(state, fmt)


from .core import hooks as _hooks  # noqa: E402  (after __version__, which the CLI needs first)

_hooks.render_state = _render_state

from . import _moved  # noqa: E402

_moved.install()  # the flat layout's module paths (diplosim.fold, ...) still import, with a warning


def load_log(path) -> "Log":
    """Read and check an event log file (TOML or JSON Lines); raises InputError naming file:line."""
    from .core.log import load_log as _load
    return _load(path)


def real_log_path():
    """Path of the curated log of the real US–Russia sequence."""
    from .core.log import default_log_path
    return default_log_path()


def replay(events: "Iterable[Event]", until: datetime.date | str | None = None) -> "State":
    """Fold events into the state at ``until`` (a date or ``YYYY-MM-DD``; default: the last event's date)."""
    import datetime

    from .core.fold import fold
    if isinstance(until, str):
        until = datetime.date.fromisoformat(until)
    return fold(events, until=until)


def __getattr__(name: str):
    if name in ("Event", "EVENT_TYPES"):
        from .core import events
        return getattr(events, name)
    if name in ("InputError", "RuleViolation", "DiplosimError"):
        from .core import errors
        return getattr(errors, name)
    if name == "history":
        from .analysis.over_time import history
        return history
    if name == "Timeline":
        from .core.timeline import Timeline
        return Timeline
    raise AttributeError(f"module 'diplosim' has no attribute {name!r}")

"""The state over time: a log replayed into one state per event date and per deadline passage, for notebooks.

``diplosim.history(log)`` returns a :class:`History`; ``.to_frame()`` gives a long pandas DataFrame (the optional
extra ``diplosim[pandas]``), and in Jupyter the history and each state render as HTML tables.

    >>> import datetime, diplosim
    >>> h = diplosim.history(diplosim.load_log(diplosim.real_log_path()))
    >>> [str(d) for d in h.dates[:3]]
    ['2016-12-28', '2016-12-29', '2016-12-30']
    >>> h.at(datetime.date(2017, 1, 2)).missions["RUS", "USA"].staff   # the 35 left after 2017-01-01
    455

A *deadline passage* is the first day on which people ordered out are gone: the day after their deadline.
"""
from __future__ import annotations

import bisect
import datetime
import itertools
import sys
import types
from pathlib import Path
from typing import Any, Iterable, Iterator

from attrs import frozen

from . import events as ev
from .fold import apply_in_place, at, settle
from .state import Departure, State

Date = datetime.date


@frozen
class Step:
    """One step of a replay: an event applied (``event``), or a deadline passage (``event`` None, ``departed``
    lists who left, as (sending, host, departure)).  ``state`` is the working state *after* the step: read it
    before taking the next step, or copy it."""
    date: Date
    event: ev.Event | None
    departed: tuple[tuple[str, str, Departure], ...]
    state: State


def _passages(s: State, limit: Date | None) -> Iterator[Step]:
    """Deadline passages before ``limit`` (all of them when ``limit`` is None), one step per deadline day."""
    while s.deadlines and (limit is None or s.deadlines[0][0] < limit):
        day = s.deadlines[0][0] + datetime.timedelta(days=1)
        departed = tuple((m.sending, m.host, Departure(d.count, d.deadline, d.event_id, d.reason))
                         for m in s.iter_missions() for d in m.departures if d.deadline < day)
        settle(s, day)
        if departed:
            yield Step(day, None, departed, s)


def walk(events: Iterable[ev.Event], until: Date | None = None) -> Iterator[Step]:
    """Replay ``events`` step by step, deadline passages included, up to ``until`` (default: the last event and
    every deadline still pending after it).  Rule violations are raised as the fold raises them."""
    s = State()
    for e in events:
        if until is not None and e.date > until:
            break
        yield from _passages(s, e.date)
        apply_in_place(s, e)
        yield Step(e.date, e, (), s)
    yield from _passages(s, until)  # on ``until`` itself, those whose deadline was the day before are gone


class History:
    """States at each event date and deadline passage, in date order.  ``at(date)`` gives the state on any date."""

    def __init__(self, points: list[tuple[Date, State]], events: Iterable[ev.Event] = ()):
        self.dates: list[Date] = [d for d, _ in points]
        self.states: list[State] = [s for _, s in points]
        #: the events replayed (for escalation, explain, export on the same course)
        self.events: tuple[ev.Event, ...] = tuple(events)

    def __len__(self) -> int:
        return len(self.dates)

    def __iter__(self) -> Iterator[tuple[Date, State]]:
        return iter(zip(self.dates, self.states))

    def at(self, date: Date | str) -> State:
        """The state on ``date`` (as ``diplosim state --at DATE`` shows it)."""
        if isinstance(date, str):
            date = Date.fromisoformat(date)
        i = bisect.bisect_right(self.dates, date) - 1
        if i < 0:
            s = State()
            s.as_of = date
            return s
        return at(self.states[i], date)

    def rows(self) -> list[dict[str, Any]]:
        """Long format, one row per date and mission: date, sending, host, staff, pending, cap."""
        return [{"date": d, "sending": m.sending, "host": m.host, "staff": m.staff,
                 "pending": m.pending_departures, "cap": m.cap}
                for d, s in self for m in s.iter_missions()]

    def to_frame(self):
        """The rows as a pandas DataFrame (needs the optional extra ``diplosim[pandas]``).

        >>> import diplosim
        >>> df = diplosim.history(diplosim.load_log(diplosim.real_log_path())).to_frame()
        >>> list(df.columns)
        ['date', 'sending', 'host', 'staff', 'pending', 'cap']
        """
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the environment
            raise ImportError("History.to_frame() needs pandas: pip install 'diplosim[pandas]'") from None
        df = pd.DataFrame(self.rows(), columns=["date", "sending", "host", "staff", "pending", "cap"])
        df["date"] = pd.to_datetime(df["date"])
        for col in ("staff", "pending", "cap"):
            df[col] = df[col].astype("Int64")
        return df

    def __repr__(self) -> str:
        if not self.dates:
            return "History(empty)"
        return f"History({len(self)} dates, {self.dates[0]} – {self.dates[-1]})"

    def _repr_html_(self) -> str:
        from .projections import table
        rows = [dict(r, date=r["date"].isoformat()) for r in self.rows()]
        return f"<p>{self!r}</p>" + table(rows, "html")


def history(log: Iterable[ev.Event] | str | Path, until: Date | str | None = None) -> History:
    """The state over time of a log (a Log, any iterable of events, or a log file's path).

    One point per date on which an event happened or people ordered out were gone; the state of a point is the
    state at the end of that day.  ``until`` stops early (deadline passages up to it are included).
    """
    if isinstance(log, (str, Path)):
        from .log import load_log
        log = load_log(log)
    if isinstance(until, str):
        until = Date.fromisoformat(until)
    log = list(log)
    points: list[tuple[Date, State]] = []
    s = State()
    for date, group in itertools.groupby(log, key=lambda e: e.date):
        if until is not None and date > until:
            break
        points.extend(_passage_points(s, date))
        for e in group:
            apply_in_place(s, e)
        points.append(_snapshot(date, s))
    points.extend(_snapshot(step.date, s) for step in _passages(s, until))
    return History(points, (e for e in log if until is None or e.date <= until))


def _passage_points(s: State, before: Date | None) -> Iterator[tuple[Date, State]]:
    # a passage on the day of the next event is part of that day's point, taken after its events
    for step in _passages(s, before):
        if before is None or step.date < before:
            yield _snapshot(step.date, s)


def _snapshot(date: Date, s: State) -> tuple[Date, State]:
    ids, s.seen_ids = s.seen_ids, None  # the set of seen ids is bookkeeping of the replay: not copied per point
    try:
        copy = s.copy()
    finally:
        s.seen_ids = ids
    copy.as_of = date
    return date, copy


class _CallableModule(types.ModuleType):
    """Once this module is imported, Python binds ``diplosim.history`` to the module, not to the function that
    ``diplosim/__init__.py`` routes to; forwarding calls keeps ``diplosim.history(log)`` working either way."""

    def __call__(self, log: Iterable[ev.Event] | str | Path, until: Date | str | None = None) -> History:
        return history(log, until)


sys.modules[__name__].__class__ = _CallableModule

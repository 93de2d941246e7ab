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
import copy
import datetime
import itertools
from pathlib import Path
from typing import Any, Iterable, Iterator

import attrs
from attrs import frozen

from . import events as ev
from .fold import apply_in_place, settle
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


@frozen
class Point:
    """One point of a history: its date, how many events were applied by then, and its missions' figures
    (sending, host, staff, pending departures, cap)."""
    date: Date
    applied: int
    missions: tuple[tuple[str, str, int, int, int | None], ...]


class History:
    """States at each event date and deadline passage, in date order.  ``at(date)`` gives the state on any date.

    Full states are kept only every :data:`CHECKPOINT` points (the missions' figures at every point); a state in
    between is rebuilt from the checkpoint before it by replaying the few events since, so a long log's history
    costs little memory and time.
    """

    def __init__(self, points: list[Point], checkpoints: dict[int, State], events: Iterable[ev.Event] = ()):
        self.points = points
        self.dates: list[Date] = [p.date for p in points]
        self._checkpoints = checkpoints
        #: the events replayed (for escalation, explain, export on the same course)
        self.events: tuple[ev.Event, ...] = tuple(events)

    def __len__(self) -> int:
        return len(self.dates)

    def __iter__(self) -> Iterator[tuple[Date, State]]:
        for d in self.dates:
            yield d, self.at(d)

    @property
    def states(self) -> list[State]:
        """The state at each point (rebuilt on request)."""
        return [s for _, s in self]

    def at(self, date: Date | str) -> State:
        """The state on ``date`` (as ``diplosim state --at DATE`` shows it)."""
        if isinstance(date, str):
            date = Date.fromisoformat(date)
        i = bisect.bisect_right(self.dates, date) - 1
        if i < 0:
            s = State()
            s.as_of = date
            return s
        c = i - i % CHECKPOINT
        s = keep(self._checkpoints[c])
        for e in self.events[self.points[c].applied:self.points[i].applied]:
            apply_in_place(s, e)
        settle(s, date)
        s.as_of = date
        return s

    def rows(self) -> list[dict[str, Any]]:
        """Long format, one row per date and mission: date, sending, host, staff, pending, cap."""
        return [{"date": p.date, "sending": m[0], "host": m[1], "staff": m[2], "pending": m[3], "cap": m[4]}
                for p in self.points for m in p.missions]

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


#: A full state is kept every CHECKPOINT points; the states between are rebuilt from it on request.
CHECKPOINT = 32


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
    events = [e for e in log if until is None or e.date <= until]
    points: list[Point] = []
    checkpoints: dict[int, State] = {}
    s = State()

    def point(date: Date) -> None:
        if len(points) % CHECKPOINT == 0:
            kept = keep(s)
            kept.as_of = date
            checkpoints[len(points)] = kept
        points.append(Point(date, s.events_applied, tuple(
            (m.sending, m.host, m.staff, m.pending_departures, m.cap) for m in s.iter_missions())))

    for date, group in itertools.groupby(events, key=lambda e: e.date):
        for step in _passages(s, date):
            if step.date < date:  # a passage on the day of an event is part of that day's point
                point(step.date)
        for e in group:
            apply_in_place(s, e)
        point(date)
    for step in _passages(s, until):
        point(step.date)
    return History(points, checkpoints, events)


#: The fields of :class:`State` that :func:`keep` copies (a test checks that this is all of them).
KEPT_FIELDS = frozenset({"as_of", "missions", "properties", "sanctions", "open_items", "resolved", "claims",
                         "countries", "events_applied", "last_date", "last_event", "seen_ids", "deadlines"})


_FIELDS: dict[type, tuple[str, ...]] = {}


def _clone(obj: Any) -> Any:
    """A shallow copy of an attrs instance, field by field (several times faster than copy.copy on slots)."""
    cls = type(obj)
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(a.name for a in attrs.fields(cls))
    new = object.__new__(cls)
    for name in names:
        object.__setattr__(new, name, getattr(obj, name))
    return new


def keep(s: State) -> State:
    """A copy of ``s`` that later steps of the fold cannot change, made much faster than ``State.copy``.

    What the fold changes in place is copied (missions with their departures and posts, properties, sanctions and
    their measures, the deadline heap); what it only appends to or replaces (resolutions, claims, open items) is
    copied one level; the set of seen ids, bookkeeping of the replay, is left out.
    """
    c = copy.copy(s)
    c.missions = {}
    for k, m in s.missions.items():
        m2 = c.missions[k] = _clone(m)
        m2.departures = [_clone(d) for d in m.departures]
        m2.posts = {n: _clone(p) for n, p in m.posts.items()}
    c.properties = {k: _clone(p) for k, p in s.properties.items()}
    c.sanctions = {}
    for k, x in s.sanctions.items():
        x2 = c.sanctions[k] = _clone(x)
        x2.measures = list(x.measures)
    c.open_items = dict(s.open_items)
    c.resolved = list(s.resolved)
    c.claims = list(s.claims)
    c.countries = set(s.countries)
    c.deadlines = list(s.deadlines)
    c.seen_ids = None
    return c

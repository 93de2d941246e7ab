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

import datetime
import itertools
from pathlib import Path
from typing import Any, Iterable, Iterator

from attrs import frozen

from ..core import events as ev
from ..core.fold import apply_in_place, settle
from ..core.state import Departure, State
from ..core.timeline import Timeline

Date = datetime.date


@frozen
class Step:
    """One step of a replay: an event applied (``event``), or the clock (``event`` None): a deadline passage
    (``departed`` lists who left, as (sending, host, departure)) or closures taking effect on their effective day
    (``took_effect`` lists them, as (event id, what)).  ``state`` is the working state *after* the step: read it
    before taking the next step, or copy it."""
    date: Date
    event: ev.Event | None
    departed: tuple[tuple[str, str, Departure], ...]
    state: State
    took_effect: tuple[tuple[str, str], ...] = ()


_ONE_DAY = datetime.timedelta(days=1)


def _passages(s: State, limit: Date | None, effects: bool = False) -> Iterator[Step]:
    """Deadline passages up to ``limit`` (all of them when ``limit`` is None), one step per deadline day; with
    ``effects``, closures that take effect are steps of their own too (on their effective day, after the departures
    of that day).  Without it they happen silently, with the departures of their day."""
    while True:
        leave = s.deadlines[0][0] + _ONE_DAY if s.deadlines else None
        effect = s.effects[0][0] if effects and s.effects else None
        day = min(d for d in (leave, effect) if d is not None) if leave or effect else None
        if day is None or (limit is not None and day > limit):
            return
        if day == leave:
            departed = tuple((m.sending, m.host, d) for m in s.iter_missions() for d in m.departures
                             if d.deadline is not None and d.deadline < day)
            if effects:  # the closures due that day are the next step, not part of this one
                held, s.effects = s.effects, []
                try:
                    settle(s, day)
                finally:
                    s.effects = held
            else:
                settle(s, day)
            if departed:
                yield Step(day, None, departed, s)
        else:
            due = [x for x in s.effects if x[0] <= day]
            settle(s, day)
            took = tuple(filter(None, (_took_effect(s, x) for x in sorted(due))))
            if took:
                yield Step(day, None, (), s, took)


def _took_effect(s: State, entry: tuple[Date, str, str, str, str, str]) -> tuple[str, str] | None:
    """(event id, what happened) for a closure that took effect, None for a stale entry of the heap."""
    when, kind, event_id, a, b, c = entry
    if kind == "post":
        m = s.missions.get((a, b))
        post = m.posts.get(c) if m is not None else None
        if post is not None and post.event_id == event_id and post.status == "closed" and post.since == when:
            return event_id, f"{c} ({a} mission in {b}) closed (effective)"
        return None
    p = s.properties.get(a)
    if p is not None and p.event_id == event_id and p.status != "closing" and p.since == when:
        return event_id, f"property {p.name} ({p.owner} in {p.host}) {p.status} (effective)"
    return None


def walk(events: Iterable[ev.Event], until: Date | None = None) -> Iterator[Step]:
    """Replay ``events`` step by step, deadline passages and closures taking effect included, up to ``until``
    (default: the last event and every deadline still pending after it).  Rule violations are raised as the fold
    raises them."""
    s = State()
    for e in events:
        if until is not None and e.date > until:
            break
        yield from _passages(s, e.date, effects=True)
        apply_in_place(s, e)
        yield Step(e.date, e, (), s)
    yield from _passages(s, until, effects=True)  # on ``until`` itself: gone if their deadline was the day before


@frozen
class Point:
    """One point of a history: its date, how many events were applied by then, and its missions' figures
    (sending, host, staff, pending departures, cap, low, high): ``staff`` is None when the size is a range, which
    ``low`` (at least) and ``high`` (at most; None: no bound known) give."""
    date: Date
    applied: int
    missions: tuple[tuple[str, str, int | None, int, int | None, int, int | None], ...]


class History:
    """States at each event date and deadline passage, in date order.  ``at(date)`` gives the state on any date.

    The missions' figures are kept at every point; a full state is made on request by a
    :class:`~diplosim.core.timeline.Timeline` of the same events (built at the first request), so a long log's history
    costs little memory and time.
    """

    def __init__(self, points: list[Point], events: Iterable[ev.Event] = ()):
        self.points = points
        self.dates: list[Date] = [p.date for p in points]
        #: the events replayed (for escalation, explain, export on the same course)
        self.events: tuple[ev.Event, ...] = tuple(events)
        self._timeline: Timeline | None = None

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
        if self._timeline is None:
            self._timeline = Timeline(list(self.events))
        return self._timeline.at(date)

    def rows(self) -> list[dict[str, Any]]:
        """Long format, one row per date and mission: date, sending, host, staff (None when not known exactly),
        pending, cap, staff_min, staff_max (None: no upper bound known)."""
        return [{"date": p.date, "sending": m[0], "host": m[1], "staff": m[2], "pending": m[3], "cap": m[4],
                 "staff_min": m[5], "staff_max": m[6]}
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
        from .wording import table
        rows = [dict(r, date=r["date"].isoformat()) for r in self.rows()]
        return f"<p>{self!r}</p>" + table(rows, "html")


def history(log: Iterable[ev.Event] | str | Path, until: Date | str | None = None) -> History:
    """The state over time of a log (a Log, any iterable of events, or a log file's path).

    One point per date on which an event happened or people ordered out were gone; the state of a point is the
    state at the end of that day.  ``until`` stops early (deadline passages up to it are included).
    """
    if isinstance(log, (str, Path)):
        from ..core.log import load_log
        log = load_log(log)
    if isinstance(until, str):
        until = Date.fromisoformat(until)
    events = [e for e in log if until is None or e.date <= until]
    points: list[Point] = []
    s = State()

    def point(date: Date) -> None:
        points.append(Point(date, s.events_applied, tuple(
            (m.sending, m.host, m.staff, m.pending_departures, m.cap, m.low, m.high) for m in s.iter_missions())))

    for date, group in itertools.groupby(events, key=lambda e: e.date):
        for step in _passages(s, date):
            # a passage on the day of an event is part of that day's point; closures taking effect change no
            # mission figure, so only departures make a point of their own
            if step.date < date and step.departed:
                point(step.date)
        for e in group:
            apply_in_place(s, e)
        point(date)
    for step in _passages(s, until):
        if step.departed:
            point(step.date)
    return History(points, events)

"""Time travel over a log held in memory: the state at any date without replaying the log from its start.

A :class:`Timeline` folds the log once and keeps a *checkpoint* every ``every`` events.  The state at a date is
then the nearest checkpoint at or before it, brought forward by the few events between the two: the same state as
``fold(events, until=date, check_ids=False)`` (tests hold the two equal, down to the order of every table).

    >>> from diplosim.core.log import default_log_path, load_log
    >>> import datetime
    >>> t = Timeline(load_log(default_log_path()), every=4)
    >>> t.at(datetime.date(2017, 9, 1)).missions["USA", "RUS"].staff     # still there on the deadline day
    1210
    >>> t.at(datetime.date(2017, 9, 2)).missions["USA", "RUS"].staff
    455

Checkpoints cost little memory because they share what does not change.  The fold replaces the records of a state
(open items, sanctions, properties, posts, departures) instead of changing them, so two checkpoints can hold the
same record; ``resolved`` and ``claims`` only grow, so a checkpoint keeps their length; and each checkpoint keeps
only the entries that changed since the one before, with a full copy of each table every ``keyframe_every``
checkpoints.  A state is assembled from the last full copy and the changes after it.  Missions are the one record
the fold changes in place (their staff moves with every expulsion), so a checkpoint keeps each changed mission as
a tuple and every state gets missions of its own.

The states a timeline returns are the caller's to change (all tables and missions are fresh; the records in them
are shared, and the fold never changes those in place).  Like the store's states, they skip the unique-id rule
(``seen_ids`` is None): the timeline checked the ids once, when it was built.
"""
from __future__ import annotations

import bisect
import datetime
import gc
from typing import Any, Sequence

from attrs import frozen

from . import events as ev
from .errors import InputError
from .fold import apply_all_in_place, fold, settle
from .state import Mission, State

Date = datetime.date

# (sending, host) keys of the mission each measure acts on, by event type
_MISSION_OF = {
    ev.MissionEstablished: lambda e: (e.actor, e.target),
    ev.StaffAssigned: lambda e: (e.actor, e.target),
    ev.PostOpened: lambda e: (e.actor, e.target),
    ev.DiplomatsExpelled: lambda e: (e.target, e.actor),
    ev.MissionCapped: lambda e: (e.target, e.actor),
    ev.MissionCapLifted: lambda e: (e.target, e.actor),
    ev.PostClosed: lambda e: (e.target, e.actor),
    ev.PostListed: lambda e: (e.actor, e.target),
    ev.DiplomatsDeparted: lambda e: (e.actor, e.target),
    ev.AmbassadorRecalled: lambda e: (e.actor, e.target),
    ev.AmbassadorReturned: lambda e: (e.actor, e.target),
}
_POSTS_CHANGE = (ev.MissionEstablished, ev.PostOpened, ev.PostClosed, ev.PostListed)


@frozen
class _Delta:
    """What changed in one table between two checkpoints: keys to drop (or to move to the end), then entries to
    set, in the order the fold inserted them."""
    drop: tuple
    put: dict


@frozen
class _Checkpoint:
    keyframe: dict[str, dict] | None  # full copies of the tables, every keyframe_every checkpoints
    deltas: dict[str, _Delta] | None  # otherwise the changes since the checkpoint before
    resolved: int
    claims: int
    designations: int
    countries: frozenset[str]
    deadlines: tuple
    effects: tuple
    events_applied: int  # how many events of the log it has applied
    last_date: Date | None
    last_event: str | None


def _frozen_mission(m: Mission, posts: dict) -> tuple:
    return (m.sending, m.host, m.low, m.high, m.since, m.basis, m.about, m.change, m.inferred, m.cap, m.cap_parity,
            m.cap_deadline, m.cap_event, tuple(m.departures), m.implicit, m.head, posts)


def _thawed_mission(t: tuple) -> Mission:
    (sending, host, low, high, since, basis, about, change, inferred, cap, cap_parity, cap_deadline, cap_event,
     departures, implicit, head, posts) = t
    return Mission(sending, host, low, high, since, basis, about, change, inferred, cap, cap_parity, cap_deadline,
                   cap_event, list(departures), dict(posts), implicit, head)


class Timeline:
    """The states of one log at any date, from checkpoints kept every ``every`` events.

    ``events`` must be in date order and valid under the fold (building the timeline folds them once and raises
    :class:`~diplosim.core.errors.RuleViolation` as :func:`~diplosim.core.fold.fold` would).  The timeline keeps a reference
    to the list; do not change it afterwards.
    """

    def __init__(self, events: Sequence[ev.Event], *, every: int = 1000, keyframe_every: int = 32):
        for name, value in (("every", every), ("keyframe_every", keyframe_every)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InputError(f"{name} must be a positive whole number, got {value!r}")
        self.events = events if isinstance(events, list) else list(events)
        self.every, self.keyframe_every = every, keyframe_every
        self._dates = [e.date for e in self.events]
        self._checkpoints: list[_Checkpoint] = []
        enabled = gc.isenabled()
        gc.disable()
        try:
            self._build()
        finally:
            if enabled:
                gc.enable()

    # --- building --------------------------------------------------------------------------------------------------

    def _build(self) -> None:
        s = State(seen_ids=set())
        self._frozen: dict[tuple[str, str], tuple] = {}  # the latest frozen version of each mission
        self._pending: set[tuple[str, str]] = set()  # missions with departures or closing posts at the last checkpoint
        self._closing: set[str] = set()  # properties closing at the last checkpoint (the clock may close them)
        self._checkpoint(s, [])
        events, k = self.events, self.every
        for start in range(0, len(events), k):
            chunk = events[start:start + k]
            apply_all_in_place(s, chunk)
            self._checkpoint(s, chunk)
        self._resolved, self._claims, self._designations = s.resolved, s.claims, s.designations
        del self._frozen, self._pending, self._closing

    def _checkpoint(self, s: State, chunk: list[ev.Event]) -> None:
        missions = self._missions_changed(s, chunk)
        n = len(self._checkpoints)
        prev = self._checkpoints[-1] if self._checkpoints else None
        countries = prev.countries if prev is not None and len(prev.countries) == len(s.countries) \
            else frozenset(s.countries)
        common: dict[str, Any] = dict(
            resolved=len(s.resolved), claims=len(s.claims), designations=len(s.designations), countries=countries,
            deadlines=tuple(s.deadlines), effects=tuple(s.effects), events_applied=s.events_applied, last_date=s.last_date,
            last_event=s.last_event)
        if n % self.keyframe_every == 0:
            tables = {"open_items": dict(s.open_items), "sanctions": dict(s.sanctions),
                      "properties": dict(s.properties), "contacts": dict(s.contacts), "missions": dict(self._frozen)}
            self._checkpoints.append(_Checkpoint(keyframe=tables, deltas=None, **common))
        else:
            deltas = self._deltas(s, chunk, self._closing)
            deltas["missions"] = _Delta((), missions)
            self._checkpoints.append(_Checkpoint(keyframe=None, deltas=deltas, **common))
        self._closing = {k for k, p in s.properties.items() if p.status == "closing"}

    def _missions_changed(self, s: State, chunk: list[ev.Event]) -> dict:
        """Freeze the missions the chunk may have changed: those it acts on, and those that had people due to
        leave (the clock may have let them go).  Returns the new frozen versions, in the fold's order."""
        touched: dict[tuple[str, str], None] = {}
        posts_changed = set()
        for e in chunk:
            of = _MISSION_OF.get(type(e))
            if of is not None:
                key = of(e)
                touched[key] = None
                if isinstance(e, _POSTS_CHANGE):
                    posts_changed.add(key)
        for key in self._pending:
            touched.setdefault(key, None)
            posts_changed.add(key)  # a closing post may have closed
        changed = {}
        frozen_now = self._frozen
        pending = set()
        for key in touched:
            m = s.missions.get(key)
            if m is None:
                continue
            old = frozen_now.get(key)
            posts = dict(m.posts) if old is None or key in posts_changed else old[-1]
            changed[key] = frozen_now[key] = _frozen_mission(m, posts)
            if m.departures or any(p.status == "closing" for p in m.posts.values()):
                pending.add(key)
        self._pending = pending
        return changed

    @staticmethod
    def _deltas(s: State, chunk: list[ev.Event], closing: set[str]) -> dict[str, _Delta]:
        opened: dict[str, None] = {}
        contacts: dict[tuple[str, str], None] = {}
        closed: list[str] = []
        sanctions: dict[tuple[str, str], Any] = {}
        moved: list[tuple[str, str]] = []
        props: dict[str, None] = {}
        for e in chunk:
            opened[e.id] = None
            if e.resolves:
                closed.extend(e.resolves)
            if isinstance(e, (ev.SanctionsImposed, ev.ForeignAgentDesignated)):
                for t in e.targets:
                    key = (e.actor, t.name)
                    x = s.sanctions.get(key)
                    if x is not None and x.event_id == e.id:  # (re)inserted by this event: it goes to the end
                        sanctions.pop(key, None)
                        moved.append(key)
                    sanctions.setdefault(key, None)
            elif isinstance(e, ev.SanctionsLifted):
                for name in e.targets:
                    sanctions.setdefault((e.actor, name), None)
            elif isinstance(e, (ev.PropertyRegistered, ev._PropertyAct)):
                props[e.property] = None
            elif isinstance(e, (ev.ContactsSuspended, ev.ContactsResumed)):
                contacts.pop((e.actor, e.target), None)  # to the end: the fold's order is the order of last touch
                contacts[e.actor, e.target] = None
        for k in closing:  # the clock may have let a closure take effect
            props.setdefault(k, None)
        items = s.open_items
        open_put = {k: items[k] for k in opened if k in items}
        sanction_put = {k: s.sanctions[k] for k in sanctions if k in s.sanctions}
        sanction_drop = tuple(moved) + tuple(k for k in sanctions if k not in s.sanctions)
        return {"open_items": _Delta(tuple(closed), open_put),
                "sanctions": _Delta(sanction_drop, sanction_put),
                "properties": _Delta((), {k: s.properties[k] for k in props}),
                "contacts": _Delta(tuple(contacts), {k: s.contacts[k] for k in contacts if k in s.contacts})}

    # --- queries ---------------------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.events)

    @property
    def checkpoints(self) -> int:
        return len(self._checkpoints)

    def at(self, date: Date | str) -> State:
        """The state at the end of ``date`` (a date or ``YYYY-MM-DD``): equal to ``fold(events, until=date,
        check_ids=False)``."""
        if isinstance(date, str):
            try:
                date = datetime.date.fromisoformat(date)
            except ValueError:
                raise InputError(f"not a date: {date!r} (want YYYY-MM-DD)") from None
        n = bisect.bisect_right(self._dates, date)
        c = n // self.every
        enabled = gc.isenabled()
        gc.disable()  # as in the fold: no cycles are made, and the collector's passes over a big heap would dominate
        try:
            s = self._assemble(c)
            done = self._checkpoints[c].events_applied  # how many events of the log the checkpoint has applied
            if n > done:
                apply_all_in_place(s, self.events[done:n])
            settle(s, date)
        finally:
            if enabled:
                gc.enable()
        s.as_of = date
        return s

    def _assemble(self, c: int) -> State:
        """The state of checkpoint ``c``: its last full copy, then the changes after it."""
        cps = self._checkpoints
        key = c - c % self.keyframe_every
        tables = {name: dict(table) for name, table in cps[key].keyframe.items()}
        for cp in cps[key + 1:c + 1]:
            for name, delta in cp.deltas.items():
                table = tables[name]
                for k in delta.drop:
                    table.pop(k, None)
                table.update(delta.put)
        cp = cps[c]
        return State(
            as_of=None,
            missions={k: _thawed_mission(t) for k, t in tables["missions"].items()},
            properties=tables["properties"], sanctions=tables["sanctions"], open_items=tables["open_items"],
            contacts=tables["contacts"], designations=self._designations[:cp.designations],
            resolved=self._resolved[:cp.resolved], claims=self._claims[:cp.claims], countries=set(cp.countries),
            events_applied=cp.events_applied, last_date=cp.last_date, last_event=cp.last_event, seen_ids=None,
            deadlines=list(cp.deadlines), effects=list(cp.effects))


def states_at(events: Sequence[ev.Event], dates: Sequence[Date], *, every: int = 1000) -> list[State]:
    """The state at each of ``dates`` (a :class:`Timeline` built once), or the full fold when the log is short.

    >>> from diplosim.core.log import default_log_path, load_log
    >>> [s.missions["USA", "RUS"].staff for s in states_at(load_log(default_log_path()),
    ...                                                    [datetime.date(2017, 9, 1), datetime.date(2017, 9, 2)])]
    [1210, 455]
    """
    if len(dates) == 1 or len(events) <= every:
        return [fold(events, until=d, check_ids=False) for d in dates]
    t = Timeline(events, every=every)
    return [t.at(d) for d in dates]

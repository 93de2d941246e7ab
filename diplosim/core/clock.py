"""The clock of the fold: people ordered out leave after their deadline day, closures take effect on theirs.

A departure is present through its deadline day and gone the next; a closure with an effective date shows as
closing until that day and closed from it.  A cap whose excess is not known exactly clamps the mission to the cap
when its deadline passes.
"""
from __future__ import annotations

import datetime
import heapq

import attrs

from . import errors as E
from .errors import RuleViolation
from .state import Departure, Mission, PostState, PropertyState, State

Date = datetime.date


def settle(s: State, date: Date) -> None:
    """Let every departure whose deadline is before ``date``, and every closure effective by ``date``, happen."""
    dl = s.deadlines
    while dl and dl[0][0] < date:  # day by day across missions: a parity cap reads the other mission as it stands
        deadline, sending, host = heapq.heappop(dl)
        m = s.missions.get((sending, host))
        if m is not None:
            _leave(s, m, deadline)
    if s.effects and s.effects[0][0] <= date:
        _take_effect(s, date)


def _leave(s: State, m: Mission, through: Date) -> None:
    """The departures of ``m`` due through the end of ``through`` happen (each has an entry of its own in the heap
    of deadlines, so the clock reaches them day by day); a cap whose deadline has passed is checked."""
    due, keep, exact = [], [], True
    for d in m.departures:
        deadline = d.deadline
        if deadline is not None and deadline <= through:
            due.append(d)
        else:
            keep.append(d)
        if not d.exact:
            exact = False
    if due and exact:  # the common case: known numbers leave (_gone, written out), and no cap's excess clamps
        m.departures = keep
        for d in due:
            n = d.count
            m.low = max(m.low - n, 0)
            if m.high is not None:
                m.high -= n
            if m.change is not None:
                m.change -= n
                if m.about is not None:
                    m.about -= n
    elif due:  # all due on ``through``: those due earlier left when their own entries came up
        _go(s, m, due, keep)
    # a parity cap is met at its deadline by the clamp; the other mission shrinking later is not this one's failure
    if m.cap is not None and m.cap_deadline is not None and m.cap_deadline <= through and m.low > m.cap:
        raise RuleViolation(m.cap_event or "?", E.CAP_NOT_MET,
                            f"{m.sending} mission in {m.host} has {_fig(m)} after the deadline, cap {_cap_text(s, m)}")


def _go(s: State, m: Mission, leaving: list[Departure], keep: list[Departure]) -> None:
    """The departures ``leaving`` (of ``m``, in the order they happen) take place; ``keep`` are the others.

    People still to leave after them are there meanwhile: the mission never counts fewer (``floor``).  The excess
    over the cap in force, when not known exactly, clamps the mission to the cap; people ordered out after that cap
    who leave before it binds leave on top of its excess (``Departure.on_top``).  An older cap's excess, the cap
    lifted or replaced since, leaves as any departure of uncertain size (between ``count`` and ``upto``)."""
    clamp = None
    if m.cap_event is not None:
        for i, d in enumerate(m.departures):
            if _clamps(m, d):
                clamp, after = d, {id(x) for x in m.departures[i + 1:]}
                break
    m.departures = keep
    floor = sum(d.count for d in keep) + sum(d.count for d in leaving)
    # ``leaving`` keeps the order of ``m.departures``: people ordered out after the cap come after its excess, so
    # they count on top of it only when the excess is not among those leaving now (it keeps them for later)
    on_top = 0
    for d in leaving:
        floor -= d.count
        if d is clamp:
            _clamp(s, m, floor, d.on_top)
            clamp = None
        else:
            _gone(m, d.count, d.most, floor)
            if clamp is not None and d.exact and id(d) in after:
                on_top += d.count
    if on_top:  # records are replaced, never changed in place: timelines share them
        m.departures = [attrs.evolve(d, on_top=d.on_top + on_top) if d is clamp else d for d in m.departures]


def _clamps(m: Mission, d: Departure) -> bool:
    """Whether ``d`` is the excess, not known exactly, over the cap in force on ``m``."""
    return not d.exact and d.reason == "cap" and d.event_id == m.cap_event


def _gone(m: Mission, least: int, most: int | None, floor: int = 0) -> None:
    """Between ``least`` and ``most`` people (None: any number) left the mission; ``floor`` are still to leave."""
    m.low = max(m.low - most, floor) if most is not None else floor
    if m.high is not None:
        m.high = max(m.high - least, floor)
    if most == least and m.change is not None:
        m.change -= least
        if m.about is not None:
            m.about -= least
    else:
        m.change = m.about = None
    if m.about is not None and not (m.low <= m.about and (m.high is None or m.about <= m.high)):
        m.about = None


def _clamp(s: State, m: Mission, floor: int, on_top: int) -> None:
    """The mission is within the cap, less ``on_top`` people who left on top of its excess (``floor`` people still
    to leave later are there)."""
    cap_low, cap_high = cap_range(s, m)
    # less than 0 when more left on top than the cap allows: the floor (never below 0) lifts the bounds back up
    cap_low, cap_high = cap_low - on_top, (None if cap_high is None else cap_high - on_top)
    low, high = min(m.low, cap_low), (cap_high if m.high is None else
                                      m.high if cap_high is None else min(m.high, cap_high))
    low, high = max(low, floor), (None if high is None else max(high, floor))
    if (low, high) != (m.low, m.high):
        m.change = m.about = None
    m.low, m.high = low, high


def cap_range(s: State, m: Mission) -> tuple[int, int | None]:
    """The range of the cap on ``m``: its number, or for a parity cap the size of the host's mission in the
    sending country (unknown when there is none)."""
    if m.cap is not None:
        return m.cap, m.cap
    if m.cap_parity:
        other = s.missions.get((m.host, m.sending))
        return (other.low, other.high) if other is not None else (0, None)
    return 0, None


def _fig(m: Mission) -> str:
    if m.high == m.low:
        return str(m.low)
    return f"at least {m.low}" if m.high is None else f"{m.low}-{m.high}"


def _cap_text(s: State, m: Mission) -> str:
    if m.cap is not None:
        return str(m.cap)
    low, high = cap_range(s, m)
    return "parity" + ("" if high is None else f" ({low}-{high})" if low != high else f" ({low})")


def _take_effect(s: State, date: Date) -> None:
    ef = s.effects
    while ef and ef[0][0] <= date:
        when, kind, event_id, a, b, c = heapq.heappop(ef)
        if kind == "post":
            m = s.missions.get((a, b))
            post = m.posts.get(c) if m is not None else None
            if post is not None and post.status == "closing" and post.event_id == event_id:
                m.posts[c] = PostState(post.name, post.kind, "closed", when, event_id)
        else:
            p = s.properties.get(a)
            if p is not None and p.status == "closing" and p.event_id == event_id:
                s.properties[a] = PropertyState(p.id, p.name, p.owner, p.host, p.kind, p.becomes, when, event_id)


def _schedule(s: State, deadline: Date | None, sending: str, host: str) -> None:
    if deadline is not None:
        heapq.heappush(s.deadlines, (deadline, sending, host))

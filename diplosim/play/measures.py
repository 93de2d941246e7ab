"""Measures and packages against the state: what a real event amounts to as a move, and how a decided move
becomes commands, cut to what the state allows.

A *package* is everything one country did to another on one day (60 expelled and a consulate closed is one move,
not two).  A real event becomes a measure with :func:`as_measure`; a decided measure becomes commands with
:func:`plan`, which clamps it to what is possible and says so in a note.  With a mission of unknown or bounded size
an expulsion is cut only where the bounds make it impossible: expelling "in kind" from a mission of unknown size
asks for the full number, and the fold infers that at least that many were there.
"""
from __future__ import annotations

import datetime

from . import commands as cmd
from ..core import events as ev
from ..core.state import State
from .strategies import Measure, Package, combine

Date = datetime.date

#: Days given to leave when a measure does not carry its own (``Measure.deadline_days``).
EXPEL_DEADLINE_DAYS = 7
CAP_DEADLINE_DAYS = 30

# posts are closed least important first
POST_ORDER = {"other": 0, "annex": 1, "trade-mission": 2, "consulate": 3, "consulate-general": 4, "mission": 5,
              "embassy": 6}
# the statuses a property may be in for each property measure, preferred first
_PROPERTY_FROM = {
    "suspend_property": ("in_use", "returned"),
    "close_property": ("in_use", "returned", "access_suspended"),
    "seize_property": ("in_use", "returned", "access_suspended", "closed"),
}
_PROPERTY_COMMAND = {"suspend_property": cmd.SuspendPropertyAccess, "close_property": cmd.CloseProperty,
                     "seize_property": cmd.SeizeProperty}


def as_measure(e: ev.Event) -> Measure | None:
    """The measure a real event amounts to, from the actor's side (None for speech acts, records and acts that
    change no mission, post, property or sanction)."""
    if isinstance(e, ev.DiplomatsExpelled):
        return Measure("expel", e.count)
    if isinstance(e, ev.MissionCapped):
        return Measure("cap", e.cap or 0, parity=e.parity)
    if isinstance(e, ev.PostClosed):
        return Measure("close_post", 1)
    if isinstance(e, ev.PropertyAccessSuspended):
        return Measure("suspend_property", 1)
    if isinstance(e, ev.PropertyClosed):
        return Measure("close_property", 1)
    if isinstance(e, ev.PropertySeized):
        return Measure("seize_property", 1)
    if isinstance(e, ev.SanctionsImposed):
        return Measure("sanction", e.count or len(e.targets))
    return None


def package_of(measures: list[Measure]) -> Package:
    """The measures of one day as one package: same kinds summed (two closures are ``close_post 2``), a cap at
    its harshest, in the order the kinds first came."""
    return combine(measures)


def plan(s: State, actor: str, target: str, m: Measure, date: Date) -> tuple[list[cmd.Command], str | None]:
    """The commands that carry out ``m`` by ``actor`` against ``target`` on ``date``, cut to what is possible,
    and a note saying what was cut (empty list: nothing possible; the note says why).

    >>> s = State()
    >>> plan(s, "USA", "RUS", Measure("close_post", 1), datetime.date(2017, 1, 1))
    ([], 'no open post of RUS in USA left to close')
    >>> [c], note = plan(s, "USA", "RUS", Measure("expel", 3), datetime.date(2017, 1, 1))
    >>> c.count, note
    (3, 'RUS has no declared mission in USA: expelling 3 implies at least 3 were there')
    """
    kind, size = m.kind, m.size
    if kind == "sanction":
        taken = {name for (imposer, name) in s.sanctions if imposer == actor}
        names, n = [], 0
        while len(names) < size:
            n += 1
            name = f"{target} entity {n}"
            if name not in taken:
                names.append(name)
        targets = tuple(ev.SanctionTarget(x, "entity", target) for x in names)
        return [cmd.ImposeSanctions(actor=actor, target=target, date=date, targets=targets)], None
    mission = s.missions.get((target, actor))
    if kind == "expel":
        return _expel(mission, actor, target, size, m, date)
    if kind == "cap":
        if mission is None:
            return [], f"nothing to cap: {target} has no mission in {actor}"
        if m.parity:
            if mission.cap_parity:
                return [], f"nothing to cap: the {target} mission is capped at parity already"
        elif mission.cap is not None and mission.cap <= size:
            return [], f"nothing to cap: the {target} mission is capped at {mission.cap} already"
        days = CAP_DEADLINE_DAYS if m.deadline_days is None else m.deadline_days
        return [cmd.CapMission(actor=actor, target=target, date=date, cap=None if m.parity else size,
                               parity=m.parity, deadline=date + datetime.timedelta(days=days))], None
    if kind == "close_post":
        posts = [] if mission is None else sorted(
            (p for p in mission.posts.values() if p.status == "open"),
            key=lambda p: (POST_ORDER[p.kind], p.name))
        if not posts:
            return [], f"no open post of {target} in {actor} left to close"
        chosen = posts[:size]
        note = None if len(chosen) == size else f"clamped: asked to close {size} posts, only {len(chosen)} open"
        return [cmd.ClosePost(actor=actor, target=target, date=date, post=p.name) for p in chosen], note
    # property measures
    allowed = _PROPERTY_FROM[kind]
    props = sorted((p for p in s.properties.values()
                    if p.owner == target and p.host == actor and p.status in allowed),
                   key=lambda p: (allowed.index(p.status), p.id))
    if not props:
        return [], f"no property of {target} in {actor} left to {kind.split('_')[0]}"
    chosen = props[:size]
    note = None if len(chosen) == size else \
        f"clamped: asked to {kind.replace('_', ' ')} {size}, only {len(chosen)} possible"
    return [_PROPERTY_COMMAND[kind](actor=actor, target=target, date=date, property=p.id) for p in chosen], note


def _expel(mission, actor: str, target: str, size: int, m: Measure, date: Date):
    days = EXPEL_DEADLINE_DAYS if m.deadline_days is None else m.deadline_days
    deadline = date + datetime.timedelta(days=days)
    if mission is None:  # the fold brings the mission in, of unknown size, as it does for a real act
        return ([cmd.ExpelDiplomats(actor=actor, target=target, date=date, count=size, deadline=deadline)],
                f"{target} has no declared mission in {actor}: expelling {size} implies at least {size} were there")
    pending = mission.pending_departures
    high = None if mission.high is None else mission.high - pending  # the most who may still be expelled
    note = None
    if high is not None and high <= 0:
        return [], f"nothing to expel: no one of the {target} mission in {actor} remains"
    if high is not None and size > high:
        word = "only" if mission.exact else "at most"
        note, size = f"clamped: asked to expel {size}, {word} {high} of the {target} mission remained", high
    elif not mission.exact and size > mission.low - pending:
        known = "unknown" if mission.high is None and mission.about is None else "not known exactly"
        note = (f"the {target} mission's size is {known}: expelling {size} implies at least {pending + size} "
                f"were there")
    return [cmd.ExpelDiplomats(actor=actor, target=target, date=date, count=size, deadline=deadline)], note


def actual(move: Measure, commands: list[cmd.Command]) -> Measure:
    """What was really done, as a measure (the clamped size)."""
    if isinstance(commands[0], cmd.ExpelDiplomats):
        return Measure(move.kind, commands[0].count, deadline_days=move.deadline_days)
    if isinstance(commands[0], (cmd.ImposeSanctions, cmd.CapMission)):
        return move
    return Measure(move.kind, len(commands), deadline_days=move.deadline_days)


def present(s: State, sending: str, host: str) -> int | None:
    """People of the mission not yet ordered out, when that is known exactly (None otherwise)."""
    m = s.missions.get((sending, host))
    if m is None or not m.exact or any(not d.exact for d in m.departures):
        return None
    return m.low - m.pending_departures

"""Intents, in the imperative: ``decide(state, command)`` turns one into events, or refuses with a RuleViolation.

The command side of diplosim.  Strategies, scenarios and ``diplosim record`` ask for measures through commands; the
events that come out are ordinary events, checked against the current state before anything is appended.

    >>> import datetime
    >>> from diplosim.core.fold import fold
    >>> from diplosim.core.log import load_log, seed_log_path
    >>> s = fold(load_log(seed_log_path()))
    >>> [e] = decide(s, ExpelDiplomats(actor="USA", target="RUS", date=datetime.date(2017, 8, 1), count=60,
    ...                                deadline=datetime.date(2017, 8, 8)), sources=("public record: example",))
    >>> e.type, e.count, e.id
    ('DiplomatsExpelled', 60, '2017-08-01-usa-expels-rus')
"""
from __future__ import annotations

import datetime
from typing import Any, ClassVar

import attrs
from attrs import frozen

from ..core import events as ev
from ..core.errors import InputError
from ..core.fold import apply
from ..core.state import State

Date = datetime.date


@frozen(kw_only=True)
class Command:
    """Who asks what of whom, on which date."""
    actor: str
    target: str
    date: Date

    event_type: ClassVar[type[ev.Event]]  # the event class a command becomes (set per subclass)
    verb: ClassVar[str]


def _command(event_type: type[ev.Event], verb: str):
    def wrap(cls):
        cls.event_type = event_type
        cls.verb = verb
        return cls
    return wrap


@_command(ev.DiplomatsExpelled, "expels")
@frozen(kw_only=True)
class ExpelDiplomats(Command):
    count: int
    deadline: Date


@_command(ev.MissionCapped, "caps")
@frozen(kw_only=True)
class CapMission(Command):
    cap: int | None
    deadline: Date | None
    parity: bool = False


@_command(ev.MissionCapLifted, "lifts-cap-on")
@frozen(kw_only=True)
class LiftCap(Command):
    pass


@_command(ev.StaffAssigned, "assigns-staff-to")
@frozen(kw_only=True)
class AssignStaff(Command):
    count: int


@_command(ev.PostClosed, "closes-post-of")
@frozen(kw_only=True)
class ClosePost(Command):
    post: str


@_command(ev.PropertyAccessSuspended, "suspends-access-of")
@frozen(kw_only=True)
class SuspendPropertyAccess(Command):
    property: str


@_command(ev.PropertyClosed, "closes-property-of")
@frozen(kw_only=True)
class CloseProperty(Command):
    property: str


@_command(ev.PropertySeized, "seizes-property-of")
@frozen(kw_only=True)
class SeizeProperty(Command):
    property: str


@_command(ev.PropertyReturned, "returns-property-to")
@frozen(kw_only=True)
class ReturnProperty(Command):
    property: str


@_command(ev.SanctionsImposed, "sanctions")
@frozen(kw_only=True)
class ImposeSanctions(Command):
    targets: tuple[ev.SanctionTarget, ...]
    measures: tuple[str, ...] = ("asset freeze", "travel ban")


@_command(ev.SanctionsLifted, "lifts-sanctions-on")
@frozen(kw_only=True)
class LiftSanctions(Command):
    targets: tuple[str, ...]


COMMANDS = {c.__name__: c for c in (ExpelDiplomats, CapMission, LiftCap, AssignStaff, ClosePost,
                                    SuspendPropertyAccess, CloseProperty, SeizeProperty, ReturnProperty,
                                    ImposeSanctions, LiftSanctions)}


def new_id(state: State, command: Command) -> str:
    """A readable id unique in ``state``: ``2017-08-01-usa-expels-rus`` (``-2``, ``-3``... if taken)."""
    base = f"{command.date.isoformat()}-{command.actor.lower()}-{command.verb}-{command.target.lower()}"
    seen = state.seen_ids or set()
    if base not in seen:
        return base
    n = 2
    while f"{base}-{n}" in seen:
        n += 1
    return f"{base}-{n}"


def to_event(command: Command, *, id: str, **provenance: Any) -> ev.Event:
    """The event a command asks for (not yet checked against any state)."""
    own = {a.name: getattr(command, a.name) for a in attrs.fields(type(command))}
    try:
        return command.event_type(id=id, **own, **provenance)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{type(command).__name__}: {exc}") from None


def decide(state: State, command: Command, *, id: str | None = None, check: bool = True,
           **provenance: Any) -> tuple[ev.Event, ...]:
    """The events that carry out ``command`` in ``state``.

    ``provenance`` goes onto the event (``sources``, ``summary``, ``generated_by``, ...).  With ``check`` the event
    is applied to a copy of the state first, so a command that would break a rule raises
    :class:`~diplosim.core.errors.RuleViolation` and nothing is produced.
    """
    from ..core.log import check_event

    event = to_event(command, id=id or new_id(state, command), **provenance)
    check_event(event)
    if check:
        apply(state, event)
    return (event,)

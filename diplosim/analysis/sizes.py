"""How big each measure is: people expelled, people a cap orders out, posts closed, targets designated.

The escalation index can weight an act by its size (``--weight size``), the country heat map can count people
ordered out, and ``plot staffing`` picks the missions that moved most: all three read the sizes made here.

The size of a measure, by type:

==========================  ==========================================================================================
``DiplomatsExpelled``       the people expelled (``count``)
``MissionCapped``           the people the cap orders out, as the fold works it out on the day: the least number when
                            the mission's size or the cap is a range (0 when it may order no one out)
``StaffAssigned``           the people assigned
``AccreditationRefused``    the people refused (1 when the count is not given)
``PostClosed``              1: one post (posts have no staff figure in the model)
property acts               1: one property
``SanctionsImposed``        the targets designated, unnamed ones included (``count``), else the named targets
``ForeignAgentDesignated``  the targets designated
``SanctionsLifted``         the targets released
``EventObserved``           the mentions of the event in the news (GDELT's ``NumMentions``), where the row has them
==========================  ==========================================================================================

Every other event (speech acts, and measures without a figure such as a cap lifted or an ambassador recalled) has
no size: weighted, it counts as one.

The weight of a size *n* is ``1 + log2(n)`` (1 for *n* ≤ 1): one person expelled weighs 1, two 2, 13 about 4.7,
35 about 6.1, the 755 of the 2017 cap about 10.6.  Each doubling adds as much as the first person.  Linear weights
would let one large measure drown every other act (755 against 1), although the Goldstein score already says how
grave the *kind* of act is; the logarithm keeps size a second, smaller factor, in the spirit of the Goldstein scale
itself, and leaves the order of sizes intact (13 expelled always weigh more than 1).

    >>> weight(1), weight(2), round(weight(13), 2), weight(0), weight(None)
    (1.0, 2.0, 4.7, 1.0, 1.0)
"""
from __future__ import annotations

import math
from typing import Iterable

from ..core import events as ev

WEIGHTS = ("none", "size")
WEIGHT_RULE = "an act of size n weighs 1 + log2(n); without a size, or n <= 1: 1"
#: Measures whose size is one thing each: a post, a property.
_ONE_EACH = (ev.PostClosed, ev.PropertyAccessSuspended, ev.PropertyClosed, ev.PropertySeized, ev.PropertyReturned)


def weight(size: int | None) -> float:
    """The weight of a measure of ``size`` (None: no size): ``1 + log2(size)``, at least 1."""
    if size is None or size <= 1:
        return 1.0
    return 1.0 + math.log2(size)


def sizes(events: Iterable[ev.Event]) -> dict[str, int]:
    """The size of each measure that has one, by event id (see the module's table)."""
    events = list(events)
    out: dict[str, int] = {}
    for e in events:
        if isinstance(e, (ev.DiplomatsExpelled, ev.StaffAssigned)):
            out[e.id] = e.count
        elif isinstance(e, ev.AccreditationRefused):
            out[e.id] = e.count or 1
        elif isinstance(e, _ONE_EACH):
            out[e.id] = 1
        elif isinstance(e, ev.SanctionsImposed):
            out[e.id] = max(e.count or 0, len(e.targets)) or 1
        elif isinstance(e, ev.ForeignAgentDesignated):
            out[e.id] = len(e.targets)
        elif isinstance(e, ev.SanctionsLifted):
            out[e.id] = len(e.targets)
        elif isinstance(e, ev.EventObserved) and e.mentions:
            out[e.id] = e.mentions
    if any(isinstance(e, ev.MissionCapped) for e in events):
        out.update(cap_excess(events))
    return out


def cap_excess(events: Iterable[ev.Event]) -> dict[str, int]:
    """The least number of people each cap orders out, by the cap's event id, as the fold works it out."""
    from ..core.fold import apply_in_place
    from ..core.state import State

    s = State()
    out = {}
    for e in events:
        apply_in_place(s, e)
        if isinstance(e, ev.MissionCapped):
            m = s.missions[e.target, e.actor]
            out[e.id] = sum(d.count for d in m.departures if d.event_id == e.id and d.reason == "cap")
    return out


def ordered_out(e: ev.Event, size: dict[str, int]) -> int:
    """People ``e`` orders out of a mission (expelled, or over a cap; at least), 0 for any other event."""
    if isinstance(e, (ev.DiplomatsExpelled, ev.MissionCapped)):
        return size.get(e.id, 0)
    return 0


def mission_of(e: ev.Event) -> tuple[str, str] | None:
    """The (sending, host) of the mission a measure acts on, None for events that act on none."""
    if isinstance(e, ev.StaffAssigned):
        return (e.actor, e.target or "")
    if isinstance(e, (ev.DiplomatsExpelled, ev.MissionCapped, ev.MissionCapLifted, ev.PostClosed)):
        return (e.target or "", e.actor)
    return None

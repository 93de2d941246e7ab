"""The state model: missions (staff, cap, pending departures, posts), properties, sanctions, open proposals.

A :class:`State` is what :func:`diplosim.core.fold.fold` returns.  It is keyed by ordered pairs of countries, so any
number of countries can take part.  Treat a state as a value: the fold never changes the state it is given (it
works on a copy), and nothing else should either.

Inside a working state the fold changes a :class:`Mission` in place (its staff moves with every expulsion) but
replaces every other record (a departure, a post, a property, a sanction) with a new one when it changes, so two
states may share a record safely; :class:`diplosim.core.timeline.Timeline` relies on it.
"""
from __future__ import annotations

import copy
import datetime
from typing import Iterator

from attrs import define, field

from . import hooks

Date = datetime.date

PROPERTY_STATUSES = ("in_use", "access_suspended", "closed", "seized", "returned")


@define(slots=True)
class Departure:
    """People ordered out of a mission, still present until the end of ``deadline``."""
    count: int
    deadline: Date
    event_id: str
    reason: str  # "expelled" or "cap"


@define(slots=True)
class PostState:
    name: str
    kind: str
    status: str  # "open" or "closed"
    since: Date
    event_id: str


@define(slots=True)
class Mission:
    """The mission of ``sending`` in ``host``.  ``staff`` counts everyone present, pending departures included."""
    sending: str
    host: str
    staff: int
    since: Date
    cap: int | None = None
    cap_deadline: Date | None = None
    cap_event: str | None = None
    departures: list[Departure] = field(factory=list)
    posts: dict[str, PostState] = field(factory=dict)

    @property
    def pending_departures(self) -> int:
        return sum(d.count for d in self.departures)


@define(slots=True)
class PropertyState:
    id: str
    name: str
    owner: str
    host: str
    kind: str
    status: str
    since: Date
    event_id: str


@define(slots=True)
class SanctionState:
    imposer: str
    target: str
    target_kind: str
    target_country: str | None
    measures: list[str]
    legal_basis: str | None
    since: Date
    event_id: str


@define(slots=True)
class OpenItem:
    """A proposal, threat, reported plan or stated intent that is neither enacted nor declined yet."""
    event_id: str
    kind: str
    date: Date
    actor: str
    target: str | None
    summary: str


@define(slots=True)
class Claim:
    """An attributed figure for a mission's size, kept beside the modelled figure."""
    event_id: str
    date: Date
    sending: str
    host: str
    figure: int
    qualifier: str
    by: str | None
    modelled: int | None = None  # the model's staff figure for that mission on the claim's date


@define(slots=True)
class Resolution:
    """How an open item was closed: ``enacted``, ``declined`` or ``overtaken``, by which event, when."""
    event_id: str
    kind: str
    by_event: str
    date: Date


@define(slots=True)
class State:
    """Everything the fold knows at ``as_of``."""
    as_of: Date | None = None
    missions: dict[tuple[str, str], Mission] = field(factory=dict)
    properties: dict[str, PropertyState] = field(factory=dict)
    sanctions: dict[tuple[str, str], SanctionState] = field(factory=dict)
    open_items: dict[str, OpenItem] = field(factory=dict)
    resolved: list[Resolution] = field(factory=list)
    claims: list[Claim] = field(factory=list)
    countries: set[str] = field(factory=set)
    events_applied: int = 0
    last_date: Date | None = None
    last_event: str | None = None
    # ids seen, for the unique-id rule (None when the caller vouches for uniqueness, as the store does); bookkeeping,
    # not content: two states that differ only here are equal
    seen_ids: set[str] | None = field(factory=set, repr=False, eq=False)
    # (deadline, sending, host) of pending departures and caps, earliest first (a heap; stale entries are skipped)
    deadlines: list[tuple[Date, str, str]] = field(factory=list, repr=False)

    def copy(self) -> "State":
        return copy.deepcopy(self)

    def mission(self, sending: str, host: str) -> Mission | None:
        return self.missions.get((sending, host))

    def iter_missions(self) -> Iterator[Mission]:
        for key in sorted(self.missions):
            yield self.missions[key]

    # Rendering: tables in a terminal, HTML in Jupyter.  Drawing tables is a projection's job, so the state asks
    # the renderer in core.hooks (the package installs diplosim.analysis.projections.render_state there on import).
    def __str__(self) -> str:
        return hooks.render_state(self, "simple")

    def _repr_html_(self) -> str:
        return hooks.render_state(self, "html")


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
from typing import Callable, Iterable, Iterator

from attrs import define, field

from . import hooks

Date = datetime.date

PROPERTY_STATUSES = ("in_use", "closing", "access_suspended", "closed", "seized", "returned")


@define(slots=True)
class Departure:
    """People ordered out of a mission, still present until the end of ``deadline``.

    ``deadline`` None: not known (pending until a :class:`~diplosim.core.events.DiplomatsDeparted` settles it);
    ``assumed``: the deadline is the log's default, not a reported one.  ``upto``: when the number is not known
    exactly (the excess over a cap on a mission of uncertain size), between ``count`` and ``upto`` people leave
    (``upto`` None with ``exact`` False: an unknown number, at least ``count``).

    ``on_top``, for the excess over the cap in force when it is not known exactly: how many people ordered out after
    the cap have left before it bound.  They leave on top of the excess (as with a known excess: an exact mission
    capped by a known deadline), so the cap clamps the mission to that many fewer."""
    count: int
    deadline: Date | None
    event_id: str
    reason: str  # "expelled" or "cap"
    upto: int | None  # these three have no default: the fold always says which (and the store writes every field)
    exact: bool
    assumed: bool
    on_top: int = 0

    @property
    def most(self) -> int | None:
        """The most people who may leave (None: no bound known)."""
        return self.count if self.exact else self.upto


@define(slots=True)
class PostState:
    """A post of a mission.  ``status``: ``open``, ``closing`` (ordered closed, ``effective`` in the future) or
    ``closed``."""
    name: str
    kind: str
    status: str
    since: Date
    event_id: str
    effective: Date | None = None


@define(slots=True)
class Mission:
    """The mission of ``sending`` in ``host``.

    Its size is a range: at least ``low`` and at most ``high`` people present, pending departures included (``high``
    None: no upper bound is known).  ``about``: a central figure when the sources give one ("about 1,100"), which
    moves with every change.  ``basis`` says what the figures rest on (see
    :data:`diplosim.core.events.STAFF_BASES`); ``change`` is the net change since the mission's baseline (people who
    left count negative, people assigned positive), known even when the size is not (None once a cap's uncertain
    excess has left).  ``inferred``: the fold raised ``low`` because an act implied more people than were known.  ``staff`` is the size when
    it is known exactly, else None.  ``implicit``: the id of the act that brought the mission into the state
    without a baseline.  ``head``: ``present`` or ``recalled`` once an event says so, else None (not recorded)."""
    sending: str
    host: str
    low: int
    high: int | None
    since: Date
    basis: str = "reported"
    about: int | None = None
    change: int | None = 0
    inferred: bool = False
    cap: int | None = None
    cap_parity: bool = False
    cap_deadline: Date | None = None
    cap_event: str | None = None
    departures: list[Departure] = field(factory=list)
    posts: dict[str, PostState] = field(factory=dict)
    implicit: str | None = None
    head: str | None = None

    @property
    def staff(self) -> int | None:
        """The number of people present, pending departures included, when it is known exactly; else None."""
        return self.low if self.low == self.high else None

    @staff.setter
    def staff(self, value: int) -> None:
        self.low = self.high = value

    @property
    def exact(self) -> bool:
        return self.low == self.high

    @property
    def pending_departures(self) -> int:
        """People ordered out and not gone yet (the least number, when a departure's size is uncertain)."""
        return sum(d.count for d in self.departures)

    @property
    def pending_most(self) -> int | None:
        """The most people ordered out and not gone yet (None: no bound known)."""
        total = 0
        for d in self.departures:
            most = d.most
            if most is None:
                return None
            total += most
        return total

    def remaining(self) -> tuple[int, int | None]:
        """The range of people who will be left once every pending departure has happened."""
        most = self.pending_most
        low = self.low - most if most is not None else 0
        high = self.high - self.pending_departures if self.high is not None else None
        return max(low, 0), high


@define(slots=True)
class PropertyState:
    """A property.  ``status`` ``closing``: an act on it takes effect on ``effective``, when the status becomes
    ``becomes``."""
    id: str
    name: str
    owner: str
    host: str
    kind: str
    status: str
    since: Date
    event_id: str
    effective: Date | None = None
    becomes: str | None = None


@define(slots=True)
class SanctionState:
    """A target under the imposer's measures; ``authorities``: every legal basis it is designated under."""
    imposer: str
    target: str
    target_kind: str
    target_country: str | None
    measures: list[str]
    legal_basis: str | None
    since: Date
    event_id: str
    authorities: list[str] = field(factory=list)


@define(slots=True)
class Designation:
    """Targets designated by a sanctions act without being named: ``count`` of them, of ``target_country``."""
    imposer: str
    target_country: str
    count: int
    measures: list[str]
    legal_basis: str | None
    since: Date
    event_id: str


@define(slots=True)
class ContactsState:
    """Contacts the actor suspended with the target, since when and how far (``scope``)."""
    actor: str
    target: str
    scope: str
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


class UnkeptHistory(list):
    """A history of a working state (``State.resolved``, ``State.claims``) that keeps nothing: the store replays
    with it where it keeps the history elsewhere (the events themselves), so that a replay's memory does not grow
    with the log.  Never handed to a caller: see :class:`StoredHistory`."""
    __slots__ = ()

    def append(self, item: object) -> None:
        pass


class StoredHistory(list):
    """A history of a state (``State.resolved``, ``State.claims``) whose entries are loaded on first use.

    The store hands out states whose histories it did not keep while replaying (they grow with the log); the first
    use of either list, any read or change (length, iteration, indexing, comparison, a copy, a pickle), calls
    ``load()``, which rebuilds it from the store, and from then on it is a plain list.  Entries appended before that
    are kept after the loaded ones, as the fold would have appended them."""
    __slots__ = ("_load",)

    def __init__(self, items: Iterable = (), *, load: Callable[[], list] | None = None):
        super().__init__(items)  # (copies made by the type of a list, as attrs.asdict makes them, are plain)
        self._load: Callable[[], list] | None = load

    def loaded(self) -> bool:
        return self._load is None

    def _fill(self) -> None:
        load = self._load
        if load is not None:
            self._load = None
            list.__setitem__(self, slice(0, 0), load())

    def __deepcopy__(self, memo: dict) -> list:
        self._fill()
        return copy.deepcopy(list(self), memo)

    def __copy__(self) -> list:
        self._fill()
        return list(self)

    def __reduce_ex__(self, protocol: int):
        self._fill()
        return list, (list(self),)


def _loading(name: str) -> Callable:
    method = getattr(list, name)

    def loading(self, *args, **kwargs):
        self._fill()
        return method(self, *args, **kwargs)
    loading.__name__ = name
    return loading


for _name in ("__len__", "__iter__", "__reversed__", "__getitem__", "__setitem__", "__delitem__", "__contains__",
              "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__add__", "__mul__", "__rmul__",
              "__iadd__", "__imul__", "__repr__", "index", "count", "copy", "extend", "insert", "pop", "remove",
              "clear", "sort", "reverse"):
    setattr(StoredHistory, _name, _loading(_name))
del _name


@define(slots=True)
class State:
    """Everything the fold knows at ``as_of``."""
    as_of: Date | None = None
    missions: dict[tuple[str, str], Mission] = field(factory=dict)
    properties: dict[str, PropertyState] = field(factory=dict)
    sanctions: dict[tuple[str, str], SanctionState] = field(factory=dict)
    designations: list[Designation] = field(factory=list)
    contacts: dict[tuple[str, str], ContactsState] = field(factory=dict)
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
    # (effective date, kind, event id, key, key, key) of closures that take effect later, earliest first (a heap):
    # ("post", sending, host, post name) or ("property", property id, "", "")
    effects: list[tuple[Date, str, str, str, str, str]] = field(factory=list, repr=False)

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


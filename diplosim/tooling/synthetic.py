"""Synthetic event logs: seeded, streaming and always valid under the fold, for benchmarks and property tests.

:func:`generate` yields ``n_events`` events among ``n_countries`` countries in rough real-world proportions: mostly
speech acts and expulsions (with tit-for-tat replies), fewer caps, property acts and sanctions, and now and then the
acts and records of real crises (a post listed, departures recorded, a foreign-agent designation, a law, an
ambassador recalled, contacts suspended, an incident).  Some figures are uncertain, as in real logs: a mission's size
may be a range, about a figure or unknown, an act may create a mission never declared, an expulsion may have no
deadline (its departure is recorded later), a cap may be parity with the other side's mission or have no deadline,
a closure may take effect later, a sanctions act may designate more targets than it names.  It keeps its own small
book of what is legal (see :mod:`diplosim.tooling.synthetic_acts`), so every event it yields folds without a
:class:`~diplosim.core.errors.RuleViolation`, and the same seed gives the same log.

    >>> events = list(generate(300, n_countries=5, seed=7))
    >>> len(events), events == list(generate(300, n_countries=5, seed=7))
    (300, True)
    >>> from diplosim.core.fold import fold
    >>> fold(events).events_applied
    300
"""
from __future__ import annotations

import bisect
import datetime
import math
import random
from typing import Any, Iterator

from attrs import field, frozen

from ..core import events as ev
from .synthetic_acts import Measures, Speech, _Mission

Date = datetime.date

#: Real ISO 3166-1 alpha-3 codes, the most active first; beyond these, the rest of ISO 3166-1 in code order.
COMMON_COUNTRIES = (
    "USA", "RUS", "GBR", "FRA", "DEU", "CHN", "UKR", "POL", "CZE", "LTU", "LVA", "EST", "NLD", "BEL", "ITA", "ESP",
    "CAN", "AUS", "JPN", "KOR", "PRK", "IRN", "TUR", "SWE", "NOR", "FIN", "DNK", "HUN", "ROU", "BGR", "HRV", "SVK",
    "SVN", "IRL", "AUT", "CHE", "GEO", "MDA", "ALB", "MKD", "MNE", "BLR", "ISR", "IND", "BRA", "MEX", "SAU", "EGY",
)

#: Relative frequency of each event type in a realistic log (MissionEstablished is drawn as needed, not by weight).
REALISTIC_WEIGHTS: dict[str, float] = {
    "DiplomatsExpelled": 20, "StaffAssigned": 9, "MissionCapped": 1.2, "MissionCapLifted": 0.4,
    "PostOpened": 0.6, "PostClosed": 1.0, "PropertyRegistered": 1.0, "PropertyAccessSuspended": 0.5,
    "PropertyClosed": 0.6, "PropertySeized": 0.5, "PropertyReturned": 0.5, "SanctionsImposed": 2.0,
    "SanctionsLifted": 0.8,
    "StatementMade": 10, "CriticismVoiced": 9, "IntentStated": 6, "ThreatIssued": 5, "ProposalMade": 3,
    "ProposalDeclined": 1.5, "MeasureReported": 3, "InvolvementDenied": 4, "PraiseExpressed": 1.5,
    "DemandMade": 3, "VoteHeld": 1.5, "MeetingHeld": 2.5, "MeetingPlanned": 1.5, "MeetingCancelled": 1,
    "StaffingReported": 1.5,
    # rarer: the acts and records of real crises (DiplomatsDeparted only where departures are still to record)
    "PostListed": 0.3, "DiplomatsDeparted": 1.2, "ForeignAgentDesignated": 0.3, "LawEnacted": 0.4,
    "AccreditationRefused": 0.3, "AmbassadorRecalled": 0.3, "AmbassadorReturned": 0.3, "ContactsSuspended": 0.2,
    "ContactsResumed": 0.2, "IncidentOccurred": 0.2, "AmbassadorSummoned": 1.0, "AccusationMade": 1.5,
}


# the last day the calendar moves to, leaving room for deadlines after it
#: The calendar stops this far short of the last day diplosim keeps, so that deadlines and effective dates drawn
#: after it still fall inside (a log longer than the calendar crowds its last events onto that day).
_LAST_DAY = ev.MAX_DATE.toordinal() - 1000


@frozen(kw_only=True)
class Profile:
    """How a synthetic log is drawn: event weights, mission sizes, deadlines, and how fast the calendar moves."""
    weights: tuple[tuple[str, float], ...] = field(factory=lambda: tuple(REALISTIC_WEIGHTS.items()))
    staff: tuple[int, int] = (40, 1500)  # size of a new mission
    max_expel: int = 60
    expel_rate: float = 0.25  # expulsion sizes are 1 + exponential with this rate (mean 1 + 1/rate)
    max_assign: int = 60
    assign_rate: float = 0.1
    max_deadline: int = 30  # days from an expulsion or a cap to its deadline
    p_advance: float = 0.1  # chance that the calendar moves before an event
    max_advance: int = 3  # days it moves by
    p_reciprocate: float = 0.4  # chance that an expulsion answers the last one
    p_resolve: float = 0.5  # chance that a measure enacts (resolves) an open proposal or threat
    # uncertain figures
    p_uncertain: float = 0.25  # a new mission's size is a range, about a figure or unknown
    p_implicit: float = 0.05  # an act on a mission never declared creates it (else the mission is declared first)
    p_no_deadline: float = 0.04  # an expulsion without a deadline (its departure is recorded later)
    p_parity: float = 0.2  # a cap is parity with the other side's mission
    p_cap_open: float = 0.1  # a cap has no deadline
    p_effective: float = 0.3  # a post or property closure takes effect on a later day
    p_unnamed: float = 0.3  # a sanctions act designates more targets than it names
    # what is in force stays bounded, as in real relations: old items are overtaken, sanctions lists are pruned, a
    # country holds a few properties in each host (per country of the log, so the state of a long log stays flat)
    open_per_country: int = 25  # open proposals, threats and intents: beyond, a new one overtakes an old one
    sanctions_per_country: int = 50  # targets listed: beyond, sanctions acts add measures to listed targets only
    designations_per_country: int = 10  # unnamed designations: beyond, every sanctions act names its targets
    properties_per_pair: int = 3  # properties one country registers in another
    posts_per_mission: int = 6  # posts a mission lists, open or closed: beyond, a closed one is reopened


#: Realistic proportions (the default).
REALISTIC = Profile()

#: Small missions, short deadlines, dense measures and crowded days: for property tests that hunt edge cases.
EDGE = Profile(
    weights=tuple({**REALISTIC_WEIGHTS, "DiplomatsExpelled": 10, "StaffAssigned": 6, "MissionCapped": 5,
                   "MissionCapLifted": 2, "PostOpened": 3, "PostClosed": 3, "PropertyRegistered": 2,
                   "PropertyAccessSuspended": 3, "PropertyClosed": 3, "PropertySeized": 3, "PropertyReturned": 3,
                   "SanctionsImposed": 4, "SanctionsLifted": 3, "PostListed": 1, "DiplomatsDeparted": 3,
                   "ForeignAgentDesignated": 1, "AmbassadorRecalled": 1.5, "AmbassadorReturned": 1.5,
                   "ContactsSuspended": 1, "ContactsResumed": 1}.items()),
    staff=(0, 12), max_expel=6, expel_rate=0.5, max_assign=6, assign_rate=0.5, max_deadline=4, p_advance=0.35,
    max_advance=3, p_uncertain=0.4, p_implicit=0.2, p_no_deadline=0.15, p_parity=0.3, p_cap_open=0.2,
)


def countries(n: int) -> tuple[str, ...]:
    """The first ``n`` country codes a synthetic log uses.

    >>> countries(3)
    ('USA', 'RUS', 'GBR')
    """
    if n <= len(COMMON_COUNTRIES):
        if n < 2:
            raise ValueError("a log needs at least 2 countries")
        return COMMON_COUNTRIES[:n]
    import pycountry

    rest = sorted(c.alpha_3 for c in pycountry.countries if c.alpha_3 not in COMMON_COUNTRIES)
    codes = COMMON_COUNTRIES + tuple(rest)
    if n > len(codes):
        raise ValueError(f"at most {len(codes)} countries")
    return codes[:n]


def generate(n_events: int, n_countries: int = 20, seed: int = 0, *, profile: Profile = REALISTIC,
             start: Date = Date(1990, 1, 1)) -> Iterator[ev.Event]:
    """Yield ``n_events`` valid events among ``n_countries`` countries, the same ones for the same seed.

    A generator: a million events stream without being held in memory.  Every event carries
    ``generated_by="synthetic seed=<seed>"`` instead of sources.

    >>> first = next(generate(10**9, n_countries=2, seed=1))    # lazy: only what is asked for is drawn
    >>> first.type, first.actor, first.generated_by
    ('DemandMade', 'RUS', 'synthetic seed=1')
    """
    world = SyntheticWorld(random.Random(seed), countries(n_countries), profile=profile, start=start,
                           generated_by=f"synthetic seed={seed}")
    yield from world.events(n_events)


class _Bag:
    """A set with O(1) add, remove and uniform random choice (list + index)."""

    __slots__ = ("items", "index")

    def __init__(self):
        self.items: list = []
        self.index: dict = {}

    def add(self, item) -> None:
        if item not in self.index:
            self.index[item] = len(self.items)
            self.items.append(item)

    def remove(self, item) -> None:
        i = self.index.pop(item, None)
        if i is None:
            return
        last = self.items.pop()
        if i < len(self.items):
            self.items[i] = last
            self.index[last] = i

    def choice(self, rng: random.Random):
        return self.items[int(rng.random() * len(self.items))]

    def __len__(self) -> int:
        return len(self.items)


class SyntheticWorld(Measures, Speech):
    """The generator's own book of what is legal, and the events drawn from it.

    After :meth:`events` has run, ``missions``, ``properties``, ``sanctions``, ``designations``, ``contacts`` and
    ``open_items`` hold what the fold should arrive at (a mission's figures once everyone ordered out has gone):
    tests compare the two.  :meth:`departures_recorded` gives the events that record every departure still pending
    without a deadline.
    """

    def __init__(self, rng: random.Random, countries: tuple[str, ...], *, profile: Profile = REALISTIC,
                 start: Date = Date(1990, 1, 1), generated_by: str = "synthetic"):
        if len(countries) < 2:
            raise ValueError("a log needs at least 2 countries")
        self.rng = rng
        self._random = rng.random
        self.countries = tuple(countries)
        self.profile = profile
        self.generated_by = generated_by
        self.day = start.toordinal()
        self._date = start
        self.missions: dict[tuple[str, str], _Mission] = {}
        self.capped = _Bag()
        self.properties: dict[str, list] = {}  # id -> [owner, host, status, day it takes effect or None]
        self.property_ids = _Bag()
        # (imposer, name) -> [measures set, kind, country, authorities]
        self.sanctions: dict[tuple[str, str], list] = {}
        self.sanction_keys = _Bag()
        self.n_sanction_targets = 0
        self.pair_properties: dict[tuple[str, str], int] = {}  # (owner, host) -> properties registered
        k = len(self.countries)
        self.max_open, self.max_sanctions = profile.open_per_country * k, profile.sanctions_per_country * k
        self.max_designations = profile.designations_per_country * k
        self.designations: list[tuple[str, str, int, str]] = []  # (imposer, country, unnamed count, event id)
        self.orders = _Bag()  # (order id, sending, host, "expelled" or "cap"): departures pending without deadline
        self.recalled = _Bag()  # (sending, host) whose head of mission is recalled
        self.contacts = _Bag()  # (actor, target) of contacts suspended
        self.open_items: dict[str, str] = {}  # event id -> "proposal" or "other"
        self.proposals = _Bag()
        self.others = _Bag()
        self.last_expulsion: tuple[str, str] | None = None
        self.n = 0
        names, weights = zip(*profile.weights)
        unknown = set(names) - set(ev.EVENT_TYPES)
        if unknown:
            raise ValueError(f"unknown event types in profile: {', '.join(sorted(unknown))}")
        self._names = names
        self._cum = [0.0]
        for w in weights:
            self._cum.append(self._cum[-1] + w)
        self._cum.pop(0)

    # --- the stream -------------------------------------------------------------------------------------------

    def events(self, n_events: int) -> Iterator[ev.Event]:
        """Yield ``n_events`` more events, each legal in the state the earlier ones made."""
        rng, p = self.rng, self.profile
        total = self._cum[-1]
        for _ in range(n_events):
            if rng.random() < p.p_advance and self.day < _LAST_DAY:  # (the calendar stops short of its end)
                self.day += self._int(1, p.max_advance)
                self._date = Date.fromordinal(self.day)
            kind = self._names[bisect.bisect_right(self._cum, rng.random() * total)]
            event = getattr(self, "_" + kind)()
            if event is None:  # not possible right now: a plain statement instead
                event = self._StatementMade()
            self.n += 1
            yield event

    # --- helpers ----------------------------------------------------------------------------------------------

    def _int(self, low: int, high: int) -> int:
        """A whole number in [low, high]: ``random()`` is several times faster than ``randint``."""
        return low + int(self._random() * (high - low + 1))

    def _expo(self, rate: float) -> int:
        """A whole number, exponentially distributed with this rate (a mean of about 1/rate)."""
        return int(-math.log(1.0 - self._random()) / rate)

    def _pick(self, seq):
        return seq[int(self._random() * len(seq))]

    def _id(self) -> str:
        return f"syn-{self.n}"

    def _pair(self) -> tuple[str, str]:
        c, n = self.countries, len(self.countries)
        i = int(self._random() * n)
        j = int(self._random() * (n - 1))
        return c[i], c[j + (j >= i)]

    def _base(self, actor: str, target: str | None) -> dict[str, Any]:
        return {"id": self._id(), "date": self._date, "actor": actor, "target": target,
                "generated_by": self.generated_by}

    def _deadline(self, low: int = 0) -> Date:
        return Date.fromordinal(self.day + self._int(low, self.profile.max_deadline))

    def _resolves(self) -> tuple[str, ...]:
        """Sometimes, an open proposal or threat that a measure enacts."""
        if self.open_items and self.rng.random() < self.profile.p_resolve:
            bag = self.proposals if self.proposals and (not self.others or self.rng.random() < 0.5) else self.others
            return (self._close(bag.choice(self.rng)),)
        return ()

    def _close(self, item: str) -> str:
        kind = self.open_items.pop(item)
        (self.proposals if kind == "proposal" else self.others).remove(item)
        return item

    def _overtaken(self) -> tuple[str, ...]:
        """An open item that a new one overtakes, when as many are open as the profile keeps."""
        if len(self.open_items) < self.max_open:
            return ()
        bag = self.proposals if self.proposals and (not self.others or self.rng.random() < 0.5) else self.others
        return (self._close(bag.choice(self.rng)),)

    def _open(self, event_id: str, kind: str) -> None:
        self.open_items[event_id] = kind
        (self.proposals if kind == "proposal" else self.others).add(event_id)

    def _mission(self, sending: str, host: str, implicit: bool = False) -> tuple[_Mission | None, ev.Event | None]:
        """The mission, or (None, the event that establishes it now); with ``implicit``, sometimes a new mission of
        unknown size that the act about to be drawn creates."""
        m = self.missions.get((sending, host))
        if m is not None:
            return m, None
        if implicit and self.rng.random() < self.profile.p_implicit:
            m = self.missions[sending, host] = _Mission(0, None, implicit=True)
            return m, None
        figure = self._figure()
        m = self.missions[sending, host] = _Mission(*_range_of(figure))
        posts = [ev.Post(f"Embassy in {host}", "embassy")]
        m.posts[posts[0].name] = True
        if self.rng.random() < 0.5:
            posts.append(ev.Post("Consulate 1", "consulate"))
            m.posts["Consulate 1"] = True
            m.next_post = 2
        return None, ev.MissionEstablished(**self._base(sending, host), **figure, posts=tuple(posts))

    def _figure(self) -> dict[str, Any]:
        """The size of a new mission: exact, or sometimes at least, between, at most, about a figure, or unknown."""
        staff = self._int(*self.profile.staff)
        if self.rng.random() >= self.profile.p_uncertain:
            return {"staff": staff}
        r = self.rng.random()
        if r < 0.3:
            return {"staff_min": staff}
        if r < 0.5:
            return {"staff_min": staff, "staff_max": staff + self._int(0, staff // 2 + 2)}
        if r < 0.6:
            return {"staff_max": staff, "staff_basis": "assumed"}
        if r < 0.85:
            return {"staff_about": staff} if r < 0.75 else {"staff_min": staff // 2, "staff_about": staff}
        return {}

    def departures_recorded(self) -> list[ev.Event]:
        """A DiplomatsDeparted, dated the last day drawn, for every departure still pending without a deadline."""
        out = []
        while self.orders:
            out.append(self._DiplomatsDeparted())
            self.n += 1
        return out


def _range_of(figure: dict[str, Any]) -> tuple[int, int | None, int | None]:
    """(low, high, about) of a new mission as the fold reads its baseline."""
    if "staff" in figure:
        return figure["staff"], figure["staff"], None
    return figure.get("staff_min", 0), figure.get("staff_max"), figure.get("staff_about")

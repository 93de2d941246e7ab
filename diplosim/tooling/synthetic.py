"""Synthetic event logs: seeded, streaming and always valid under the fold, for benchmarks and property tests.

:func:`generate` yields ``n_events`` events among ``n_countries`` countries in rough real-world proportions: mostly
speech acts and expulsions (with tit-for-tat replies), fewer caps, property acts and sanctions.  It keeps its own
small book of what is legal (people left in each mission, caps, post and property statuses, sanctions in force,
open proposals), so every event it yields folds without a :class:`~diplosim.core.errors.RuleViolation`, and the same
seed gives the same log.

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

Date = datetime.date

#: Real ISO 3166-1 alpha-3 codes, the most active first; beyond these, the rest of ISO 3166-1 in code order.
COMMON_COUNTRIES = (
    "USA", "RUS", "GBR", "FRA", "DEU", "CHN", "UKR", "POL", "CZE", "LTU", "LVA", "EST", "NLD", "BEL", "ITA", "ESP",
    "CAN", "AUS", "JPN", "KOR", "PRK", "IRN", "TUR", "SWE", "NOR", "FIN", "DNK", "HUN", "ROU", "BGR", "HRV", "SVK",
    "SVN", "IRL", "AUT", "CHE", "GEO", "MDA", "ALB", "MKD", "MNE", "BLR", "ISR", "IND", "BRA", "MEX", "SAU", "EGY",
)

MEASURES = ("asset freeze", "travel ban", "business prohibition", "export ban", "visa restriction")
CHAMBERS = ("Senate", "House of Representatives", "State Duma", "Federation Council", "Parliament")
QUALIFIERS = ("about", "more than", "over", "exactly", "nearly")
PLACES = (None, "Geneva", "Vienna", "Helsinki", "a summit", "New York")

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
}


# the last day the calendar moves to, leaving room for deadlines after it
_LAST_DAY = Date.max.toordinal() - 1000


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


#: Realistic proportions (the default).
REALISTIC = Profile()

#: Small missions, short deadlines, dense measures and crowded days: for property tests that hunt edge cases.
EDGE = Profile(
    weights=tuple({**REALISTIC_WEIGHTS, "DiplomatsExpelled": 10, "StaffAssigned": 6, "MissionCapped": 5,
                   "MissionCapLifted": 2, "PostOpened": 3, "PostClosed": 3, "PropertyRegistered": 2,
                   "PropertyAccessSuspended": 3, "PropertyClosed": 3, "PropertySeized": 3, "PropertyReturned": 3,
                   "SanctionsImposed": 4, "SanctionsLifted": 3}.items()),
    staff=(0, 12), max_expel=6, expel_rate=0.5, max_assign=6, assign_rate=0.5, max_deadline=4, p_advance=0.35, max_advance=3,
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
    ('InvolvementDenied', 'RUS', 'synthetic seed=1')
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


class _Mission:
    __slots__ = ("available", "cap", "posts", "next_post", "last_deadline")

    def __init__(self, available: int):
        self.available = available  # staff minus pending departures: the only figure legality depends on
        self.cap: int | None = None
        self.posts: dict[str, bool] = {}  # name -> open
        self.next_post = 1
        self.last_deadline = 0  # the latest deadline (ordinal) of anyone ordered out


class SyntheticWorld:
    """The generator's own book of what is legal, and the events drawn from it.

    After :meth:`events` has run, ``missions``, ``properties``, ``sanctions`` and ``open_items`` hold what the fold
    should arrive at: tests compare the two.
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
        self.properties: dict[str, list] = {}  # id -> [owner, host, status]
        self.property_ids = _Bag()
        self.sanctions: dict[tuple[str, str], list] = {}  # (imposer, name) -> [measures set, kind, country]
        self.sanction_keys = _Bag()
        self.n_sanction_targets = 0
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
            if rng.random() < p.p_advance and self.day < _LAST_DAY:  # (the calendar stops short of year 9999)
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

    def _open(self, event_id: str, kind: str) -> None:
        self.open_items[event_id] = kind
        (self.proposals if kind == "proposal" else self.others).add(event_id)

    def _mission(self, sending: str, host: str) -> tuple[_Mission | None, ev.Event | None]:
        """The mission, or (None, the event that establishes it now)."""
        m = self.missions.get((sending, host))
        if m is not None:
            return m, None
        staff = self._int(*self.profile.staff)
        m = self.missions[sending, host] = _Mission(staff)
        posts = [ev.Post(f"Embassy in {host}", "embassy")]
        m.posts[posts[0].name] = True
        if self.rng.random() < 0.5:
            posts.append(ev.Post("Consulate 1", "consulate"))
            m.posts["Consulate 1"] = True
            m.next_post = 2
        return None, ev.MissionEstablished(**self._base(sending, host), staff=staff, posts=tuple(posts))

    # --- measures: each returns an event, or None when it is not possible now ----------------------------------

    def _DiplomatsExpelled(self):
        if self.last_expulsion and self.rng.random() < self.profile.p_reciprocate:
            host, sending = self.last_expulsion  # the target answers in kind
        else:
            host, sending = self._pair()
        m, established = self._mission(sending, host)
        if established:
            return established
        if m.available == 0:
            return None
        # most expulsions are of a handful of people, a few of dozens
        count = min(m.available, self.profile.max_expel, 1 + self._expo(self.profile.expel_rate))
        m.available -= count
        self.last_expulsion = (sending, host)
        deadline = self._deadline()
        m.last_deadline = max(m.last_deadline, deadline.toordinal())
        return ev.DiplomatsExpelled(**self._base(host, sending), count=count, deadline=deadline,
                                    resolves=self._resolves())

    def _StaffAssigned(self):
        sending, host = self._pair()
        m, established = self._mission(sending, host)
        if established:
            return established
        count = min(self.profile.max_assign, 1 + self._expo(self.profile.assign_rate))
        if m.cap is not None:
            if m.last_deadline >= self.day:  # people ordered out and still there would count against the cap
                return None
            count = min(count, m.cap - m.available)
            if count <= 0:
                return None
        m.available += count
        return ev.StaffAssigned(**self._base(sending, host), count=count)

    def _MissionCapped(self):
        host, sending = self._pair()
        m, established = self._mission(sending, host)
        if established:
            return established
        cap = self._int(m.available // 2, m.available + 5)
        m.available = min(m.available, cap)
        m.cap = cap
        self.capped.add((sending, host))
        deadline = self._deadline()
        m.last_deadline = max(m.last_deadline, deadline.toordinal())
        return ev.MissionCapped(**self._base(host, sending), cap=cap, deadline=deadline, resolves=self._resolves())

    def _MissionCapLifted(self):
        if not self.capped:
            return None
        sending, host = key = self.capped.choice(self.rng)
        self.capped.remove(key)
        self.missions[key].cap = None
        return ev.MissionCapLifted(**self._base(host, sending))

    def _PostOpened(self):
        sending, host = self._pair()
        m, established = self._mission(sending, host)
        if established:
            return established
        closed = [name for name, is_open in m.posts.items() if not is_open]
        if closed and self.rng.random() < 0.5:
            post = ev.Post(self._pick(closed), "consulate")
        else:
            post = ev.Post(f"Consulate {m.next_post}", self._pick(("consulate", "consulate-general", "annex")))
            m.next_post += 1
        m.posts[post.name] = True
        return ev.PostOpened(**self._base(sending, host), post=post)

    def _PostClosed(self):
        host, sending = self._pair()
        m, established = self._mission(sending, host)
        if established:
            return established
        open_posts = [name for name, is_open in m.posts.items() if is_open]
        if not open_posts:
            return None
        post = self._pick(open_posts)
        m.posts[post] = False
        return ev.PostClosed(**self._base(host, sending), post=post, resolves=self._resolves())

    def _PropertyRegistered(self):
        owner, host = self._pair()
        pid = f"prop-{len(self.properties) + 1}"
        self.properties[pid] = [owner, host, "in_use"]
        self.property_ids.add(pid)
        return ev.PropertyRegistered(**self._base(owner, host), property=pid, name=f"Property {pid[5:]}",
                                     kind=self._pick(ev.PROPERTY_KINDS))

    def _property_act(self, cls: type[ev.Event], new: str, allowed: tuple[str, ...]):
        if not self.property_ids:
            return None
        pid = self.property_ids.choice(self.rng)
        owner, host, status = self.properties[pid]
        if status not in allowed:
            return None
        self.properties[pid][2] = new
        return cls(**self._base(host, owner), property=pid, resolves=self._resolves())

    def _PropertyAccessSuspended(self):
        return self._property_act(ev.PropertyAccessSuspended, "access_suspended", ("in_use", "returned"))

    def _PropertyClosed(self):
        return self._property_act(ev.PropertyClosed, "closed", ("in_use", "returned", "access_suspended"))

    def _PropertySeized(self):
        return self._property_act(ev.PropertySeized, "seized", ("in_use", "returned", "access_suspended", "closed"))

    def _PropertyReturned(self):
        return self._property_act(ev.PropertyReturned, "returned", ("access_suspended", "closed", "seized"))

    def _SanctionsImposed(self):
        rng = self.rng
        if self.sanction_keys and rng.random() < 0.25:  # a new measure on a target already listed
            imposer, name = key = self.sanction_keys.choice(rng)
            measures, kind, country = self.sanctions[key]
            missing = [m for m in MEASURES if m not in measures]
            if not missing:
                return None
            measure = self._pick(missing)
            measures.add(measure)
            return ev.SanctionsImposed(**self._base(imposer, country), measures=(measure,),
                                       targets=(ev.SanctionTarget(name, kind, country),))
        imposer, country = self._pair()
        measures = tuple(rng.sample(MEASURES, self._int(1, 3)))
        targets = []
        for _ in range(self._int(1, 4)):
            self.n_sanction_targets += 1
            name = f"{country} target {self.n_sanction_targets}"
            kind = self._pick(ev.TARGET_KINDS)
            self.sanctions[imposer, name] = [set(measures), kind, country]
            self.sanction_keys.add((imposer, name))
            targets.append(ev.SanctionTarget(name, kind, country))
        return ev.SanctionsImposed(**self._base(imposer, country), targets=tuple(targets), measures=measures,
                                   resolves=self._resolves())

    def _SanctionsLifted(self):
        if not self.sanction_keys:
            return None
        imposer, name = key = self.sanction_keys.choice(self.rng)
        measures, _, country = self.sanctions[key]
        lifted: tuple[str, ...] = ()
        if len(measures) > 1 and self.rng.random() < 0.5:
            lifted = (self._pick(sorted(measures)),)
            measures.discard(lifted[0])
        else:
            del self.sanctions[key]
            self.sanction_keys.remove(key)
        return ev.SanctionsLifted(**self._base(imposer, country), targets=(name,), measures=lifted)

    # --- speech acts ------------------------------------------------------------------------------------------

    def _speech(self, cls: type[ev.Event], opens: str | None = None, **fields):
        e = cls(**self._base(*self._pair()), **fields)
        if opens:
            self._open(e.id, opens)
        return e

    def _count(self) -> int | None:
        return self._int(1, 60) if self.rng.random() < 0.5 else None

    def _StatementMade(self):
        return self._speech(ev.StatementMade, count=self._count())

    def _CriticismVoiced(self):
        return self._speech(ev.CriticismVoiced)

    def _InvolvementDenied(self):
        return self._speech(ev.InvolvementDenied)

    def _PraiseExpressed(self):
        return self._speech(ev.PraiseExpressed)

    def _DemandMade(self):
        return self._speech(ev.DemandMade)

    def _IntentStated(self):
        stance = self._pick(ev.STANCES)
        return self._speech(ev.IntentStated, "other" if stance in ("retaliate", "reciprocity") else None,
                            stance=stance)

    def _ThreatIssued(self):
        return self._speech(ev.ThreatIssued, "other", count=self._count())

    def _MeasureReported(self):
        return self._speech(ev.MeasureReported, "other", count=self._count(), reported_by="a newspaper")

    def _ProposalMade(self):
        return self._speech(ev.ProposalMade, "proposal", count=self._count())

    def _ProposalDeclined(self):
        if not self.proposals:
            return None
        pid = self._close(self.proposals.choice(self.rng))
        return ev.ProposalDeclined(**self._base(*self._pair()), resolves=(pid,))

    def _VoteHeld(self):
        yes = self._int(0, 435)
        no = self._int(0, 435 - yes)
        return self._speech(ev.VoteHeld, chamber=self._pick(CHAMBERS), yes=yes, no=no, passed=yes > no)

    def _MeetingHeld(self):
        return self._speech(ev.MeetingHeld, place=self._pick(PLACES))

    def _MeetingPlanned(self):
        return self._speech(ev.MeetingPlanned, place=self._pick(PLACES))

    def _MeetingCancelled(self):
        return self._speech(ev.MeetingCancelled)

    def _StaffingReported(self):
        sending, host = self._pair()
        m = self.missions.get((sending, host))
        figure = self._int(0, 2000) if m is None else max(0, m.available + self._int(-50, 150))
        return ev.StaffingReported(**self._base(host, None), sending=sending, host=host, figure=figure,
                                   qualifier=self._pick(QUALIFIERS))

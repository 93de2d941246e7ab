"""The acts a synthetic world draws (see :mod:`diplosim.tooling.synthetic`), each legal in the book the world keeps.

Each ``_TypeName`` method returns an event of that type and records what it does in the book, or returns None when
no such act is legal now (the world then draws a plain statement).  The book of a mission holds what the fold's
figures will be once every pending departure has left: the least and most people left (``high`` None: no upper
bound), the "about" figure, whether the fold inferred more people than the baseline said, the cap, posts and head of
mission.  Because a departure takes away from the fold's figures and its pending people alike, those figures do not
depend on the date, as long as no cap whose excess is uncertain is waiting for its deadline: a mission with such a
cap (and, for a parity cap, the other side's mission) is ``locked`` until the cap binds, and its book already shows
the mission as the cap leaves it.
"""
from __future__ import annotations

import datetime

from ..core import events as ev
from ..core.fold import FOREIGN_AGENT

Date = datetime.date

MEASURES = ("asset freeze", "travel ban", "business prohibition", "export ban", "visa restriction")
LEGAL_BASES = (None, "Executive Order 13694", "Executive Order 13757", "CAATSA section 224", "CAATSA section 231",
               "Federal Law 272-FZ", "EU Council Decision 2014/145")
CHAMBERS = ("Senate", "House of Representatives", "State Duma", "Federation Council", "Parliament")
QUALIFIERS = ("about", "more than", "over", "exactly", "nearly")
PLACES = (None, "Geneva", "Vienna", "Helsinki", "a summit", "New York")
LAWS = ("sanctions act", "foreign agents act", "act on undesirable organisations", "countering adversaries act")
#: A mission locked until a departure is recorded (a cap without a deadline, whose excess is uncertain).
FOREVER = 10**9


class _Mission:
    """The book of one mission (see the module's docstring)."""

    __slots__ = ("low", "high", "about", "inferred", "implicit", "cap", "parity", "cap_deadline", "posts",
                 "next_post", "last_deadline", "open_orders", "locked", "head")

    def __init__(self, low: int, high: int | None, about: int | None = None, implicit: bool = False):
        self.low, self.high, self.about = low, high, about
        self.inferred = False
        self.implicit = implicit
        self.cap: int | None = None
        self.parity = False
        self.cap_deadline: int | None = None  # (ordinal)
        self.posts: dict[str, bool | int] = {}  # name -> open (True), closed (False), or the day it closes
        self.next_post = 1
        self.last_deadline = 0  # the latest deadline (ordinal) of anyone ordered out
        self.open_orders = 0  # departures pending without a deadline (until a DiplomatsDeparted)
        self.locked = 0  # the figures may not change through this day (ordinal): a cap's uncertain excess is due
        self.head: str | None = None

    @property
    def available(self) -> int:
        """The people left at the least once everyone ordered out has gone (exact missions: the only figure)."""
        return self.low

    def post_status(self, name: str, day: int) -> str:
        v = self.posts[name]
        if v is True or v is False:
            return "open" if v else "closed"
        return "closing" if v > day else "closed"


class Measures:
    """Measures and records: missions, caps, posts, properties, sanctions, heads of mission, contacts."""

    # --- missions and their figures ---------------------------------------------------------------------------

    def _DiplomatsExpelled(self):
        if self.last_expulsion and self.rng.random() < self.profile.p_reciprocate:
            host, sending = self.last_expulsion  # the target answers in kind
        else:
            host, sending = self._pair()
        m, established = self._mission(sending, host, implicit=True)
        if established:
            return established
        if m.locked >= self.day or m.high == 0:
            return None
        # most expulsions are of a handful of people, a few of dozens
        count = min(self.profile.max_expel, 1 + self._expo(self.profile.expel_rate))
        if m.high is not None:
            count = min(count, m.high)
            m.high -= count
        if count > m.low:  # the act proves more people than were known to be left: the fold infers them
            m.inferred = True
        m.low = max(m.low - count, 0)
        if m.about is not None:
            m.about = None if m.about < count else m.about - count
        self.last_expulsion = (sending, host)
        e = self._base(host, sending)
        if self.rng.random() < self.profile.p_no_deadline:  # pending until the departure is recorded
            deadline = None
            m.open_orders += 1
            self.orders.add((e["id"], sending, host, "expelled"))
        else:
            deadline = self._deadline()
            m.last_deadline = max(m.last_deadline, deadline.toordinal())
        return ev.DiplomatsExpelled(**e, count=count, deadline=deadline, resolves=self._resolves())

    def _StaffAssigned(self):
        sending, host = self._pair()
        m, established = self._mission(sending, host, implicit=True)
        if established:
            return established
        if m.locked >= self.day:
            return None
        count = min(self.profile.max_assign, 1 + self._expo(self.profile.assign_rate))
        bound = None
        if m.cap is not None or m.parity:
            if m.last_deadline >= self.day or m.open_orders:  # people still to leave would count against the cap
                return None
            cap_high = m.cap
            if m.parity:  # the other mission's most, which the fold counts with its pending people
                other = self.missions.get((host, sending))
                if other is not None and (other.last_deadline >= self.day or other.open_orders
                                          or other.locked >= self.day):
                    return None
                cap_high = None if other is None else other.high
            if cap_high is not None:
                count = min(count, cap_high - m.low)
                if count <= 0:
                    return None
                if m.cap_deadline is not None and m.cap_deadline < self.day:
                    bound = cap_high  # let in under a cap in force: the mission is within it
        m.low += count
        if m.high is not None:
            m.high += count
        if bound is not None and (m.high is None or m.high > bound):
            m.high = bound
        if m.about is not None:
            m.about += count
            if m.high is not None and m.about > m.high:
                m.about = None
        return ev.StaffAssigned(**self._base(sending, host), count=count)

    def _MissionCapped(self):
        host, sending = self._pair()
        m, established = self._mission(sending, host)
        if established:
            return established
        if m.locked >= self.day or m.open_orders:
            return None
        rng, p = self.rng, self.profile
        r = rng.random()
        parity, open_ended = r < p.p_parity, p.p_parity <= r < p.p_parity + p.p_cap_open
        if not (parity or open_ended) and m.low == m.high:
            return self._cap_exact(m, sending, host)
        # the excess is not known exactly: the mission is clamped to the cap when it binds; no one may be still to
        # leave meanwhile (the book would have to know the order of the departures)
        if m.last_deadline >= self.day:
            return None
        if parity:
            other = self.missions.get((host, sending))
            if other is None or other.locked >= self.day or other.last_deadline >= self.day or other.open_orders:
                return None
            cap, (cap_low, cap_high) = None, (other.low, other.high)
        else:
            other = None
            cap = self._int(m.low // 2, (m.high if m.high is not None else m.low) + 5)
            cap_low = cap_high = cap
        low = min(m.low, cap_low)
        high = cap_high if m.high is None else m.high if cap_high is None else min(m.high, cap_high)
        excess = parity or m.high is None or m.high > cap_low  # else within the cap: nothing is ordered out
        e = self._base(host, sending)
        deadline = None if open_ended else self._deadline()
        if excess:
            if deadline is None:
                m.locked = FOREVER
                self.orders.add((e["id"], sending, host, "cap"))
            else:
                m.locked = max(m.locked, deadline.toordinal())
                if other is not None:
                    other.locked = max(other.locked, deadline.toordinal())
        if (low, high) != (m.low, m.high):
            m.about = None
        m.low, m.high = low, high
        m.cap, m.parity = cap, parity
        m.cap_deadline = None if deadline is None else deadline.toordinal()
        self.capped.add((sending, host))
        return ev.MissionCapped(**e, cap=cap, parity=parity, deadline=deadline, resolves=self._resolves())

    def _cap_exact(self, m, sending: str, host: str):
        cap = self._int(m.low // 2, m.low + 5)
        if m.about is not None:
            m.about -= max(0, m.low - cap)
        m.low = m.high = min(m.low, cap)
        m.cap, m.parity = cap, False
        self.capped.add((sending, host))
        deadline = self._deadline()
        m.last_deadline = max(m.last_deadline, deadline.toordinal())
        m.cap_deadline = deadline.toordinal()
        return ev.MissionCapped(**self._base(host, sending), cap=cap, deadline=deadline, resolves=self._resolves())

    def _MissionCapLifted(self):
        if not self.capped:
            return None
        sending, host = key = self.capped.choice(self.rng)
        m = self.missions[key]
        if m.locked >= self.day:  # the excess still to leave would no longer be clamped
            return None
        self.capped.remove(key)
        m.cap, m.parity, m.cap_deadline = None, False, None
        return ev.MissionCapLifted(**self._base(host, sending))

    def _DiplomatsDeparted(self):
        if not self.orders:
            return None
        order = self.orders.choice(self.rng)
        self.orders.remove(order)
        order_id, sending, host, kind = order
        m = self.missions[sending, host]
        if kind == "cap":
            m.locked = 0
        else:
            m.open_orders -= 1
        return ev.DiplomatsDeparted(**self._base(sending, host), order=order_id)

    # --- posts --------------------------------------------------------------------------------------------------

    def _PostOpened(self):
        sending, host = self._pair()
        m, established = self._mission(sending, host)
        if established:
            return established
        closed = [name for name in m.posts if m.post_status(name, self.day) == "closed"]
        full = len(m.posts) >= self.profile.posts_per_mission  # as many posts as a mission keeps: reopen one
        if full and not closed:
            return None
        if closed and (full or self.rng.random() < 0.5):
            post = ev.Post(self._pick(closed), "consulate")
        else:
            post = ev.Post(f"Consulate {m.next_post}", self._pick(("consulate", "consulate-general", "annex")))
            m.next_post += 1
        m.posts[post.name] = True
        return ev.PostOpened(**self._base(sending, host), post=post)

    def _PostListed(self):
        sending, host = self._pair()
        m, established = self._mission(sending, host, implicit=True)
        if established:
            return established
        if len(m.posts) >= self.profile.posts_per_mission:
            return None
        post = ev.Post(f"Consulate {m.next_post}", self._pick(("consulate", "consulate-general", "trade-mission")))
        m.next_post += 1
        m.posts[post.name] = True
        return ev.PostListed(**self._base(sending, host), post=post)

    def _PostClosed(self):
        host, sending = self._pair()
        m, established = self._mission(sending, host)
        if established:
            return established
        open_posts = [name for name, v in m.posts.items() if v is True]
        if not open_posts:
            return None
        post = self._pick(open_posts)
        effective = self._effective()
        m.posts[post] = False if effective is None else effective.toordinal()
        return ev.PostClosed(**self._base(host, sending), post=post, effective=effective, resolves=self._resolves())

    def _effective(self) -> Date | None:
        """Sometimes a later day an act takes effect on."""
        if self.rng.random() < self.profile.p_effective:
            return Date.fromordinal(self.day + self._int(1, self.profile.max_deadline + 1))
        return None

    # --- properties ---------------------------------------------------------------------------------------------

    def _PropertyRegistered(self):
        owner, host = pair = self._pair()
        held = self.pair_properties.get(pair, 0)
        if held >= self.profile.properties_per_pair:
            return None
        self.pair_properties[pair] = held + 1
        pid = f"prop-{len(self.properties) + 1}"
        self.properties[pid] = [owner, host, "in_use", None]
        self.property_ids.add(pid)
        return ev.PropertyRegistered(**self._base(owner, host), property=pid, name=f"Property {pid[5:]}",
                                     kind=self._pick(ev.PROPERTY_KINDS))

    def _property_act(self, cls: type[ev.Event], new: str, allowed: tuple[str, ...]):
        if not self.property_ids:
            return None
        pid = self.property_ids.choice(self.rng)
        book = self.properties[pid]
        owner, host, status, _ = book
        if status not in allowed:  # an act under way counts as done, as the fold counts it
            return None
        effective = self._effective()
        book[2], book[3] = new, None if effective is None else effective.toordinal()
        return cls(**self._base(host, owner), property=pid, effective=effective, resolves=self._resolves())

    def _PropertyAccessSuspended(self):
        return self._property_act(ev.PropertyAccessSuspended, "access_suspended", ("in_use", "returned"))

    def _PropertyClosed(self):
        return self._property_act(ev.PropertyClosed, "closed", ("in_use", "returned", "access_suspended"))

    def _PropertySeized(self):
        return self._property_act(ev.PropertySeized, "seized", ("in_use", "returned", "access_suspended", "closed"))

    def _PropertyReturned(self):
        return self._property_act(ev.PropertyReturned, "returned", ("access_suspended", "closed", "seized"))

    # --- sanctions ----------------------------------------------------------------------------------------------

    def _SanctionsImposed(self):
        rng = self.rng
        if self.sanction_keys and rng.random() < 0.25:  # a target already listed: a new measure or authority
            imposer, name = key = self.sanction_keys.choice(rng)
            measures, kind, country, authorities = self.sanctions[key]
            missing = [m for m in MEASURES if m not in measures]
            basis = self._pick(LEGAL_BASES)
            if missing:
                measure = self._pick(missing)
                measures.add(measure)
            elif basis is not None and basis not in authorities:  # the same measures, by another authority
                measure = self._pick(sorted(measures))
            else:
                return None
            if basis is not None and basis not in authorities:
                authorities.append(basis)
            return ev.SanctionsImposed(**self._base(imposer, country), measures=(measure,), legal_basis=basis,
                                       targets=(ev.SanctionTarget(name, kind, country),))
        if len(self.sanctions) >= self.max_sanctions:  # as many listed as the profile keeps: no new target
            return None
        imposer, country = self._pair()
        measures = tuple(rng.sample(MEASURES, self._int(1, 3)))
        basis = self._pick(LEGAL_BASES)
        unnamed = len(self.designations) < self.max_designations and rng.random() < self.profile.p_unnamed
        named = self._int(0 if unnamed else 1, 4)
        targets = self._new_targets(imposer, country, named, set(measures), basis, "target")
        e = self._base(imposer, country)
        count = None
        if len(self.designations) < self.max_designations and (
                not targets or rng.random() < self.profile.p_unnamed):  # more designated than named
            count = len(targets) + self._int(1, 30)
            self.designations.append((imposer, country, count - len(targets), e["id"]))
        return ev.SanctionsImposed(**e, targets=targets, measures=measures, legal_basis=basis, count=count,
                                   resolves=self._resolves())

    def _new_targets(self, imposer: str, country: str, n: int, measures: set[str], basis: str | None,
                     what: str) -> tuple[ev.SanctionTarget, ...]:
        targets = []
        for _ in range(n):
            self.n_sanction_targets += 1
            name = f"{country} {what} {self.n_sanction_targets}"
            kind = self._pick(ev.TARGET_KINDS) if what == "target" else "entity"
            self.sanctions[imposer, name] = [set(measures), kind, country, [basis] if basis else []]
            self.sanction_keys.add((imposer, name))
            targets.append(ev.SanctionTarget(name, kind, country))
        return tuple(targets)

    def _ForeignAgentDesignated(self):
        if len(self.sanctions) >= self.max_sanctions:
            return None
        actor, country = self._pair()
        basis = self._pick(LEGAL_BASES)
        targets = self._new_targets(actor, country, self._int(1, 2), {FOREIGN_AGENT}, basis, "outlet")
        return ev.ForeignAgentDesignated(**self._base(actor, country), targets=targets, legal_basis=basis)

    def _SanctionsLifted(self):
        if not self.sanction_keys:
            return None
        imposer, name = key = self.sanction_keys.choice(self.rng)
        measures, _, country, _ = self.sanctions[key]
        lifted: tuple[str, ...] = ()
        if len(measures) > 1 and self.rng.random() < 0.5:
            lifted = (self._pick(sorted(measures)),)
            measures.discard(lifted[0])
        else:
            del self.sanctions[key]
            self.sanction_keys.remove(key)
        return ev.SanctionsLifted(**self._base(imposer, country), targets=(name,), measures=lifted)

    # --- heads of mission, contacts -----------------------------------------------------------------------------

    def _AmbassadorRecalled(self):
        sending, host = self._pair()
        m, established = self._mission(sending, host, implicit=True)
        if established:
            return established
        if m.head == "recalled":
            return None
        m.head = "recalled"
        self.recalled.add((sending, host))
        return ev.AmbassadorRecalled(**self._base(sending, host), resolves=self._resolves())

    def _AmbassadorReturned(self):
        if not self.recalled:
            return None
        sending, host = key = self.recalled.choice(self.rng)
        self.recalled.remove(key)
        self.missions[key].head = "present"
        return ev.AmbassadorReturned(**self._base(sending, host))

    def _ContactsSuspended(self):
        pair = self._pair()
        if pair in self.contacts.index:
            return None
        self.contacts.add(pair)
        return ev.ContactsSuspended(**self._base(*pair), scope=self._pick(("all", "high-level bilateral",
                                                                           "military", "parliamentary")),
                                    resolves=self._resolves())

    def _ContactsResumed(self):
        if not self.contacts:
            return None
        pair = self.contacts.choice(self.rng)
        self.contacts.remove(pair)
        return ev.ContactsResumed(**self._base(*pair))

    def _LawEnacted(self):
        return ev.LawEnacted(**self._base(*self._pair()), law=self._pick(LAWS), resolves=self._resolves())

    def _AccreditationRefused(self):
        return ev.AccreditationRefused(**self._base(*self._pair()), count=self._count())


class Speech:
    """Speech acts, and the acts and incidents that change nothing but the countries."""

    def _speech(self, cls: type[ev.Event], opens: str | None = None, **fields):
        if opens:
            fields["resolves"] = self._overtaken()
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

    def _AmbassadorSummoned(self):
        return self._speech(ev.AmbassadorSummoned)

    def _AccusationMade(self):
        return self._speech(ev.AccusationMade)

    def _IncidentOccurred(self):
        where, suspected = self._pair()
        return ev.IncidentOccurred(**self._base(where, None), kind=self._pick(ev.INCIDENT_KINDS),
                                   place=self._pick(PLACES), suspected=suspected if self.rng.random() < 0.7 else None)

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
        figure = self._int(0, 2000) if m is None else max(0, m.low + self._int(-50, 150))
        return ev.StaffingReported(**self._base(host, None), sending=sending, host=host, figure=figure,
                                   qualifier=self._pick(QUALIFIERS))

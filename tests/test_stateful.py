"""A stateful test of the whole model: random commands (expel, cap, lift a cap, assign staff, close a post, property
acts, sanctions) decided against the current state, legal or not, with the invariants and a shadow model checked after
every step.  An illegal command must be refused with a RuleViolation and leave the state as it was."""
from __future__ import annotations

import copy
import datetime

from gen import check_invariants
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from diplosim.play import commands as C
from diplosim.core import events as ev
from diplosim.core.errors import RuleViolation
from diplosim.core.fold import apply, at, fold

COUNTRIES = ("USA", "RUS", "GBR")
PAIRS = [(a, b) for a in COUNTRIES for b in COUNTRIES if a != b]
POSTS = ("Embassy", "Consulate", "Annex")  # the annex never exists: closing it is always refused
NAMES = ("FSB", "GRU", "Bank A", "Person B")
MEASURES = ("asset freeze", "travel ban", "export ban")
DAY = datetime.timedelta(days=1)

# what each property act needs the status to be, and the status it leaves
PROPERTY_ACTS = {
    C.SuspendPropertyAccess: ({"in_use", "returned"}, "access_suspended"),
    C.CloseProperty: ({"in_use", "returned", "access_suspended"}, "closed"),
    C.SeizeProperty: ({"in_use", "returned", "access_suspended", "closed"}, "seized"),
    C.ReturnProperty: ({"access_suspended", "closed", "seized"}, "returned"),
}


class DiplomacyMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.state = None
        self.date = datetime.date(2017, 1, 1)
        # the shadow model: what the state must say, kept by this test's own arithmetic
        self.available: dict[tuple[str, str], int] = {}
        self.cap: dict[tuple[str, str], int | None] = {}
        self.leaving_until: dict[tuple[str, str], datetime.date] = {}  # latest deadline of anyone ordered out
        self.posts: dict[tuple[str, str], dict[str, str]] = {}
        self.props: dict[str, list] = {}  # id -> [owner, host, status]
        self.sanctions: dict[tuple[str, str], set[str]] = {}

    @initialize(sizes=st.lists(st.integers(0, 15), min_size=len(PAIRS), max_size=len(PAIRS)),
                props=st.lists(st.sampled_from(PAIRS), max_size=3))
    def establish(self, sizes, props):
        events = []
        for (sending, host), n in zip(PAIRS, sizes):
            events.append(ev.MissionEstablished(id=f"m-{sending}-{host}", date=self.date, actor=sending, target=host,
                                                staff=n, posts=(ev.Post("Embassy"), ev.Post("Consulate", "consulate"))))
            self.available[sending, host] = n
            self.cap[sending, host] = None
            self.posts[sending, host] = {"Embassy": "open", "Consulate": "open"}
        for i, (owner, host) in enumerate(props):
            events.append(ev.PropertyRegistered(id=f"p{i}", date=self.date, actor=owner, target=host,
                                                property=f"p{i}", name=f"Property {i}"))
            self.props[f"p{i}"] = [owner, host, "in_use"]
        self.state = fold(events)

    # --- carrying out a command ----------------------------------------------------------------------------------

    def _decide(self, command: C.Command, legal: bool | None) -> bool:
        """Decide ``command``; ``legal`` is the shadow model's verdict (None: either outcome is acceptable)."""
        before = copy.deepcopy(self.state)
        try:
            events = C.decide(self.state, command, generated_by="stateful test")
        except RuleViolation as exc:
            assert legal is not True, f"{command} was refused: {exc}"
            assert exc.event_id and exc.rule in str(exc)
            assert self.state == before, "a refused command changed the state"
            return False
        assert legal is not False, f"{command} was accepted"
        assert self.state == before, "deciding changed the state"
        [e] = events
        assert type(e) is command.event_type and (e.actor, e.target, e.date) == (command.actor, command.target,
                                                                                  command.date)
        self.state = apply(self.state, e)
        return True

    # --- rules -----------------------------------------------------------------------------------------------------

    @rule(days=st.integers(0, 4))
    def time_passes(self, days):
        self.date += datetime.timedelta(days=days)
        self.state = at(self.state, self.date)

    @rule(pair=st.sampled_from(PAIRS), data=st.data())
    def expel(self, pair, data):
        sending, host = pair
        count = data.draw(st.integers(1, self.available[pair] + 3), label="count")
        deadline = self.date + DAY * data.draw(st.integers(0, 5), label="days")
        legal = count <= self.available[pair]
        if self._decide(C.ExpelDiplomats(actor=host, target=sending, date=self.date, count=count, deadline=deadline),
                        legal):
            self.available[pair] -= count
            self.leaving_until[pair] = max(self.leaving_until.get(pair, deadline), deadline)

    @rule(pair=st.sampled_from(PAIRS), data=st.data())
    def cap(self, pair, data):
        sending, host = pair
        cap = data.draw(st.integers(0, self.available[pair] + 3), label="cap")
        deadline = self.date + DAY * data.draw(st.integers(0, 5), label="days")
        assert self._decide(C.CapMission(actor=host, target=sending, date=self.date, cap=cap, deadline=deadline),
                            True)
        self.available[pair] = min(self.available[pair], cap)
        self.cap[pair] = cap
        self.leaving_until[pair] = max(self.leaving_until.get(pair, deadline), deadline)

    @rule(pair=st.sampled_from(PAIRS))
    def lift_cap(self, pair):
        sending, host = pair
        # only a cap in force can be lifted (_decide checks the verdict both ways)
        self._decide(C.LiftCap(actor=host, target=sending, date=self.date), self.cap[pair] is not None)
        self.cap[pair] = None

    @rule(pair=st.sampled_from(PAIRS), count=st.integers(1, 8))
    def assign(self, pair, count):
        sending, host = pair
        cap = self.cap[pair]
        if cap is None:
            legal = True
        elif self.available[pair] + count > cap:
            legal = False
        elif self.leaving_until.get(pair, self.date - DAY) < self.date:
            legal = True  # no one is still to leave
        else:
            legal = None  # depends on whether those leaving are gone when the cap binds
        if self._decide(C.AssignStaff(actor=sending, target=host, date=self.date, count=count), legal):
            self.available[pair] += count

    @rule(pair=st.sampled_from(PAIRS), post=st.sampled_from(POSTS))
    def close_post(self, pair, post):
        sending, host = pair
        legal = self.posts[pair].get(post) == "open"
        if self._decide(C.ClosePost(actor=host, target=sending, date=self.date, post=post), legal):
            self.posts[pair][post] = "closed"

    @rule(act=st.sampled_from(sorted(PROPERTY_ACTS, key=lambda c: c.__name__)), data=st.data())
    def property_act(self, act, data):
        if not self.props:
            return
        pid = data.draw(st.sampled_from(sorted(self.props)), label="property")
        owner, host, status = self.props[pid]
        right_parties = data.draw(st.booleans(), label="right parties")
        actor, target = (host, owner) if right_parties else (owner, host)
        allowed, new = PROPERTY_ACTS[act]
        legal = right_parties and status in allowed
        if self._decide(act(actor=actor, target=target, date=self.date, property=pid), legal):
            self.props[pid][2] = new

    @rule(pair=st.sampled_from(PAIRS), names=st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True),
          measures=st.lists(st.sampled_from(MEASURES), min_size=1, max_size=3, unique=True))
    def impose_sanctions(self, pair, names, measures):
        imposer, country = pair
        legal = all(not set(measures) <= self.sanctions.get((imposer, n), set()) for n in names)
        command = C.ImposeSanctions(actor=imposer, target=country, date=self.date, measures=tuple(measures),
                                    targets=tuple(ev.SanctionTarget(n, "entity", country) for n in names))
        if self._decide(command, legal):
            for n in names:
                self.sanctions.setdefault((imposer, n), set()).update(measures)

    @rule(pair=st.sampled_from(PAIRS), names=st.lists(st.sampled_from(NAMES), min_size=1, max_size=2, unique=True))
    def lift_sanctions(self, pair, names):
        imposer, country = pair
        legal = all((imposer, n) in self.sanctions for n in names)
        if self._decide(C.LiftSanctions(actor=imposer, target=country, date=self.date, targets=tuple(names)), legal):
            for n in names:
                del self.sanctions[imposer, n]

    # --- after every step ------------------------------------------------------------------------------------------

    @invariant()
    def invariants_hold(self):
        if self.state is not None:
            check_invariants(self.state)

    @invariant()
    def state_agrees_with_the_shadow_model(self):
        if self.state is None:
            return
        s = self.state
        for pair, available in self.available.items():
            m = s.missions[pair]
            assert m.staff - m.pending_departures == available, pair
            assert m.cap == self.cap[pair], pair
            assert {n: p.status for n, p in m.posts.items()} == self.posts[pair], pair
        assert {pid: p.status for pid, p in s.properties.items()} == {pid: v[2] for pid, v in self.props.items()}
        assert {k: set(x.measures) for k, x in s.sanctions.items()} == self.sanctions

    @invariant()
    def everyone_ordered_out_has_left_after_their_deadline(self):
        if self.state is None:
            return
        for pair, m in self.state.missions.items():
            if self.leaving_until.get(pair, self.date) < self.state.as_of:
                assert m.pending_departures == 0 and m.staff == self.available[pair], pair


TestDiplomacy = DiplomacyMachine.TestCase

"""A stateful test of the whole model: random commands (expel, with or without a deadline, record departures, cap,
lift a cap, assign staff, close a post, property acts, sanctions) decided against the current state, legal or not,
with the invariants and a shadow model checked after every step.  An illegal command must be refused with a
RuleViolation and leave the state as it was.

Beside the state of exact missions runs an uncertain twin: the same events, but each mission's baseline a range that
holds its size (at least, between, about, unknown) or left exact.  The twin must accept every event the exact state
accepts, and at every step hold each exact figure within its ranges."""
from __future__ import annotations

import copy
import datetime

import attrs
from gen import check_invariants, uncertain_figure
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
        # expulsions: id -> [pair, count, deadline or None, recorded as gone, capped since]
        self.orders: dict[str, list] = {}
        self.twin = None  # the same events on uncertain baselines

    @initialize(sizes=st.lists(st.integers(0, 15), min_size=len(PAIRS), max_size=len(PAIRS)),
                props=st.lists(st.sampled_from(PAIRS), max_size=3), data=st.data())
    def establish(self, sizes, props, data):
        events, twin = [], []
        for (sending, host), n in zip(PAIRS, sizes):
            e = ev.MissionEstablished(id=f"m-{sending}-{host}", date=self.date, actor=sending, target=host,
                                      staff=n, posts=(ev.Post("Embassy"), ev.Post("Consulate", "consulate")))
            events.append(e)
            figure = data.draw(st.just({"staff": n}) | uncertain_figure(n), label=f"{sending} in {host}")
            twin.append(attrs.evolve(e, **{"staff": None, **figure}))
            self.available[sending, host] = n
            self.cap[sending, host] = None
            self.posts[sending, host] = {"Embassy": "open", "Consulate": "open"}
        for i, (owner, host) in enumerate(props):
            events.append(ev.PropertyRegistered(id=f"p{i}", date=self.date, actor=owner, target=host,
                                                property=f"p{i}", name=f"Property {i}"))
            twin.append(events[-1])
            self.props[f"p{i}"] = [owner, host, "in_use"]
        self.state = fold(events)
        self.twin = fold(twin)

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
        self.twin = apply(self.twin, e)  # the uncertain twin never refuses what the exact state accepts
        return True

    def _act(self, e: ev.Event, legal: bool | None) -> bool:
        """Apply ``e`` to the state and its twin; ``legal`` as for :meth:`_decide`."""
        before = copy.deepcopy(self.state)
        try:
            after = apply(self.state, e)
        except RuleViolation as exc:
            assert legal is not True, f"{e} was refused: {exc}"
            assert exc.event_id == e.id and self.state == before
            return False
        assert legal is not False, f"{e} was accepted"
        self.state = after
        self.twin = apply(self.twin, e)
        return True

    # --- rules -----------------------------------------------------------------------------------------------------

    @rule(days=st.integers(0, 4) | st.integers(5, 12))
    def time_passes(self, days):
        self.date += datetime.timedelta(days=days)
        self.state = at(self.state, self.date)
        self.twin = at(self.twin, self.date)

    @rule(pair=st.sampled_from(PAIRS), data=st.data())
    def expel(self, pair, data):
        sending, host = pair
        count = data.draw(st.integers(1, self.available[pair] + 3), label="count")
        deadline = self.date + DAY * data.draw(st.integers(0, 5), label="days")
        legal = count <= self.available[pair]
        command = C.ExpelDiplomats(actor=host, target=sending, date=self.date, count=count, deadline=deadline)
        if self._decide(command, legal):
            self.available[pair] -= count
            self.leaving_until[pair] = max(self.leaving_until.get(pair, deadline), deadline)
            self.orders[self.state.last_event] = [pair, count, deadline, False, False]

    @rule(pair=st.sampled_from(PAIRS), data=st.data())
    def expel_without_deadline(self, pair, data):
        """Ordered out with no deadline known: pending until their departure is recorded."""
        sending, host = pair
        count = data.draw(st.integers(1, self.available[pair] + 3), label="count")
        e = ev.DiplomatsExpelled(id=f"x{len(self.orders)}", date=self.date, actor=host, target=sending, count=count)
        if self._act(e, count <= self.available[pair]):
            self.available[pair] -= count
            self.orders[e.id] = [pair, count, None, False, False]

    @rule(data=st.data())
    def record_departure(self, data):
        """The departure of people ordered out is recorded: refused once they are gone (recorded, or their deadline
        passed); a cap since the order may have sent them home already."""
        if not self.orders:
            return
        order = data.draw(st.sampled_from(sorted(self.orders)), label="order")
        (sending, host), count, deadline, recorded, capped = self.orders[order]
        gone = recorded or (deadline is not None and deadline < self.date)
        legal = False if gone else None if capped else True
        e = ev.DiplomatsDeparted(id=f"d{order}-{self.date}", date=self.date, actor=sending, target=host, order=order)
        if self._act(e, legal):
            self.orders[order][3] = True

    @rule(pair=st.sampled_from(PAIRS), data=st.data())
    def cap(self, pair, data):
        sending, host = pair
        cap = data.draw(st.integers(0, self.available[pair] + 3), label="cap")
        deadline = self.date + DAY * data.draw(st.integers(0, 5), label="days")
        assert self._decide(C.CapMission(actor=host, target=sending, date=self.date, cap=cap, deadline=deadline),
                            True)
        for o in self.orders.values():  # those ordered out may leave by the cap's deadline instead of their own
            o[4] = o[4] or o[0] == pair
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
        elif self.leaving_until.get(pair, self.date - DAY) < self.date and not self._open(pair):
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

    def _open(self, pair) -> int:
        """People ordered out of ``pair``'s mission with no deadline and no departure recorded."""
        return sum(o[1] for o in self.orders.values() if o[0] == pair and o[2] is None and not o[3])

    @invariant()
    def invariants_hold(self):
        if self.state is not None:
            check_invariants(self.state)
            check_invariants(self.twin)

    @invariant()
    def the_twin_holds_every_exact_figure(self):
        if self.state is None:
            return
        assert set(self.twin.missions) == set(self.state.missions)
        for pair, m in self.state.missions.items():
            u = self.twin.missions[pair]
            assert u.low <= m.staff and (u.high is None or m.staff <= u.high), (pair, m.staff, u)
            assert u.pending_departures <= m.pending_departures, pair
            assert u.pending_most is None or m.pending_departures <= u.pending_most, pair
        assert (self.twin.properties, self.twin.sanctions) == (self.state.properties, self.state.sanctions)

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
                # only those ordered out with no deadline may be left, until their departure is recorded
                assert m.pending_departures <= self._open(pair), pair
                assert all(d.deadline is None for d in m.departures), pair


TestDiplomacy = DiplomacyMachine.TestCase

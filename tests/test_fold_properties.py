"""Laws of the fold, checked on random valid logs: no invariant breaks, the fold agrees with the generator's own book,
replay is deterministic and splits at any point, the given state is never changed, and every broken rule is refused
with a RuleViolation that names the event and the rule."""
from __future__ import annotations

import copy
import datetime

import attrs
import pytest
from gen import check_invariants, valid_logs, widened, worlds
from hypothesis import assume, given
from hypothesis import strategies as st

from diplosim.core import errors as E
from diplosim.core import events as ev
from diplosim.core.errors import RuleViolation
from diplosim.core.fold import apply, apply_in_place, at, fold
from diplosim.analysis.projections import state_json
from diplosim.core.state import State

DAY = datetime.timedelta(days=1)


def _dates(events):
    return sorted({e.date for e in events} | {e.date + DAY for e in events} | {e.date - DAY for e in events})


@given(worlds())
def test_random_valid_logs_keep_every_invariant_at_every_date(pair):
    events, world = pair
    for date in _dates(events)[::3] + [None]:
        check_invariants(fold(events, until=date))
    s = State()
    for e in events:  # and after every single event
        apply_in_place(s, e)
        s.as_of = e.date
        check_invariants(s)


@given(worlds())
def test_fold_agrees_with_the_generators_book(pair):
    events, world = pair
    s = fold(events)
    assert set(s.missions) == set(world.missions)
    for key, m in world.missions.items():
        fm = s.missions[key]
        if m.locked < world.day:  # no cap's excess of uncertain size is still to leave: the book's figures hold now
            pending = fm.pending_departures
            assert fm.pending_most == pending, key
            assert (fm.low - pending, None if fm.high is None else fm.high - pending) == (m.low, m.high), key
            assert (None if fm.about is None else fm.about - pending) == m.about, key
        assert (fm.cap, fm.cap_parity, fm.inferred, fm.head) == (m.cap, m.parity, m.inferred, m.head), key
        assert (fm.implicit is not None, fm.basis == "unknown" or fm.implicit is None) == (m.implicit, True), key
        assert {n: p.status for n, p in fm.posts.items()} == {n: m.post_status(n, world.day) for n in m.posts}, key
    assert {pid: p.status for pid, p in s.properties.items()} == {
        pid: "closing" if effective is not None and effective > world.day else status
        for pid, (_, _, status, effective) in world.properties.items()}
    assert {k: (set(x.measures), x.authorities) for k, x in s.sanctions.items()} == {
        k: (v[0], v[3]) for k, v in world.sanctions.items()}
    assert [(d.imposer, d.target_country, d.count, d.event_id) for d in s.designations] == world.designations
    assert set(s.contacts) == set(world.contacts.items)
    assert set(s.open_items) == set(world.open_items)
    # once every departure has happened (those without a deadline recorded), each mission is what the book says
    if events:
        settled = events + world.departures_recorded()
        later = fold(settled, until=events[-1].date + datetime.timedelta(days=world.profile.max_deadline + 2))
        for key, m in world.missions.items():
            fm = later.missions[key]
            assert (fm.low, fm.high, fm.about, fm.departures) == (m.low, m.high, m.about, []), key
        check_invariants(later)


@given(valid_logs())
def test_staff_and_pending_follow_the_deadlines(events):
    """Without caps, a mission declared with an exact size has, on any date, the staff and pending departures that
    plain sums over the events give: deadlines passed, and departures recorded for those without one."""
    # still valid without caps (they only restrict), and so without their lifting (which needs a cap in force) and
    # without the record of their excess leaving
    caps = {e.id for e in events if isinstance(e, ev.MissionCapped)}
    events = [e for e in events if not isinstance(e, (ev.MissionCapped, ev.MissionCapLifted))
              and not (isinstance(e, ev.DiplomatsDeparted) and e.order in caps)]
    exact = {(e.actor, e.target) for e in events if isinstance(e, ev.MissionEstablished) and e.staff is not None}
    for date in _dates(events):
        s = fold(events, until=date)
        for key in exact & set(s.missions):
            m = s.missions[key]
            staff = pending = 0
            recorded = {e.order for e in events if isinstance(e, ev.DiplomatsDeparted) and e.date <= date}
            for e in events:
                if e.date > date:
                    break
                if isinstance(e, ev.MissionEstablished) and (e.actor, e.target) == key:
                    staff += e.staff
                elif isinstance(e, ev.StaffAssigned) and (e.actor, e.target) == key:
                    staff += e.count
                elif isinstance(e, ev.DiplomatsExpelled) and (e.target, e.actor) == key:
                    if e.id in recorded or (e.deadline is not None and e.deadline < date):
                        staff -= e.count
                    else:
                        pending += e.count
            assert (m.staff, m.pending_departures) == (staff, pending), (key, date)


@given(valid_logs())
def test_replay_is_deterministic(events):
    assert fold(events) == fold(list(events))
    assert state_json(fold(events)) == state_json(fold(events))


@given(valid_logs(), st.data())
def test_prefix_then_rest_equals_the_whole(events, data):
    k = data.draw(st.integers(0, len(events)))
    whole = fold(events)
    assert fold(events[k:], state=fold(events[:k])) == whole
    # and stopping at a date, then going on, arrives at the whole seen at the later of that date and the last event
    if events:
        date = data.draw(st.sampled_from(_dates(events)))
        head = [e for e in events if e.date <= date]
        split = fold(events[len(head):], state=fold(head, until=date))
        assert state_json(split) == state_json(fold(events, until=max(date, events[-1].date)))


@given(valid_logs(), st.data())
def test_fold_and_apply_leave_the_given_state_alone(events, data):
    k = data.draw(st.integers(0, len(events)))
    given_state = fold(events[:k])
    before = copy.deepcopy(given_state)
    fold(events[k:], state=given_state)
    assert given_state == before
    if k < len(events):
        apply(given_state, events[k])
        assert given_state == before
    at(given_state, datetime.date(2300, 1, 1))
    assert given_state == before


@given(valid_logs(), st.data())
def test_state_at_a_date_is_the_fold_up_to_it(events, data):
    assume(events)
    date = data.draw(st.sampled_from(_dates(events)))
    upto = fold([e for e in events if e.date <= date])
    assert state_json(at(upto, date)) == state_json(fold(events, until=date))


# --- uncertain baselines: a wider baseline never excludes what a narrower one says ---------------------------------

LATER = datetime.timedelta(days=60)


def _holds(outer, inner) -> bool:
    """Whether the range ``outer`` (low, high; high None: unbounded) holds the range ``inner``."""
    return outer[0] <= inner[0] and (outer[1] is None or (inner[1] is not None and inner[1] <= outer[1]))


def _assert_within(narrow: State, wide: State, where) -> None:
    assert set(narrow.missions) == set(wide.missions), where
    for key, m in narrow.missions.items():
        w = wide.missions[key]
        assert _holds((w.low, w.high), (m.low, m.high)), (where, key, (m.low, m.high), (w.low, w.high))
        # pending departures too: at least as few are sure to leave, at most as many may
        assert _holds((w.pending_departures, w.pending_most), (m.pending_departures, m.pending_most)), (where, key)
    # what does not rest on the figures is the same
    for table in ("properties", "sanctions", "designations", "contacts", "open_items", "countries"):
        assert getattr(narrow, table) == getattr(wide, table), (where, table)


def _check_dates(events):
    return _dates(events)[::2] + ([events[-1].date + LATER] if events else [])


@given(worlds(), st.data())
def test_an_uncertain_baseline_holds_every_figure_of_the_exact_one_at_every_date(pair, data):
    """Each exact baseline replaced by a range that holds it (at least k, at most, between, about, unknown): at every
    date every mission's figure, and its pending departures, of the exact log lie within the uncertain one's."""
    events, _ = pair
    loose = data.draw(widened(events))
    for date in _check_dates(events):
        exact, uncertain = fold(events, until=date), fold(loose, until=date)
        for key, m in exact.missions.items():
            if m.exact:
                u = uncertain.missions[key]
                assert u.low <= m.staff and (u.high is None or m.staff <= u.high), (date, key, m.staff, u)
        _assert_within(exact, uncertain, date)
        check_invariants(uncertain)


@given(worlds(), st.data())
def test_a_tighter_baseline_never_widens_a_later_range(pair, data):
    events, _ = pair
    tight, loose = data.draw(widened(events, nested=True))
    for date in _check_dates(events):
        _assert_within(fold(tight, until=date), fold(loose, until=date), date)


@given(worlds(), st.data())
def test_an_uncertain_version_of_a_valid_log_is_valid(pair, data):
    """The uncertain version never refuses what the exact one accepts: the same events apply, none refused."""
    events, _ = pair
    loose = data.draw(widened(events))
    s = fold(loose)
    assert s.events_applied == len(events) == fold(events).events_applied
    check_invariants(s)


# --- each rule, broken on purpose at the end of a random valid log ---------------------------------------------------


def _refused(state, event, rule):
    before = copy.deepcopy(state)
    with pytest.raises(RuleViolation) as info:
        apply(state, event)
    assert (info.value.event_id, info.value.rule) == (event.id, rule)
    assert event.id in str(info.value) and rule in str(info.value)
    assert state == before
    return info.value


def _last_date(s):
    return s.last_date or datetime.date(2000, 1, 1)


@given(valid_logs(), st.data())
def test_expelling_more_than_are_there_is_refused(events, data):
    s = fold(events)
    s, key = _exact_mission(s, data, _last_date(s))
    bounded = sorted((k, m) for k, m in s.missions.items() if m.high is not None)
    (sending, host), m = data.draw(st.sampled_from(bounded))
    available = m.high - m.pending_departures  # the most who can still be there and not already leaving
    count = available + data.draw(st.integers(1, 5))
    bad = ev.DiplomatsExpelled(id="bad", date=_last_date(s), actor=host, target=sending, count=count,
                               deadline=_last_date(s) + DAY)
    _refused(s, bad, E.EXPEL_ABSENT)
    # the most that can be expelled is exactly who can be left
    if available:
        ok = attrs.evolve(bad, count=available)
        check_invariants(apply(s, ok))


@given(valid_logs(), st.data())
def test_exceeding_a_cap_is_refused(events, data):
    s = fold(events)
    day = _last_date(s)
    capped = sorted((k, m) for k, m in s.missions.items() if m.cap is not None and m.exact)
    if not capped or data.draw(st.booleans(), label="cap one more"):  # cap a mission if the log capped none
        s, key = _exact_mission(s, data, day)
        m = s.missions[key]
        s = apply(s, ev.MissionCapped(id="cap", date=day, actor=key[1], target=key[0], deadline=day,
                                      cap=data.draw(st.integers(0, m.staff + 3), label="cap")))
        capped = [(key, s.missions[key])]
    (sending, host), m = data.draw(st.sampled_from(capped))
    room = m.cap - (m.staff - m.pending_departures)
    bad = ev.StaffAssigned(id="bad", date=day, actor=sending, target=host, count=room + data.draw(st.integers(1, 5)))
    _refused(s, bad, E.CAP_NOT_MET)


def _mission_or_new(s, data, day):
    """An event that leaves ``s`` with at least one mission (a harmless statement if it has one)."""
    if s.missions:
        return ev.StatementMade(id="noop", date=day, actor="USA", target="RUS")
    return ev.MissionEstablished(id="new", date=day, actor="FRA", target="DEU",
                                 staff=data.draw(st.integers(0, 20), label="staff"))


def _exact_mission(s, data, day):
    """``s`` with a mission of exact size (one of its own, or a new one), and that mission's key."""
    exact = sorted(k for k, m in s.missions.items() if m.exact)
    if exact and data.draw(st.booleans(), label="an exact mission of the log"):
        return s, data.draw(st.sampled_from(exact), label="mission")
    key = next((a, b) for a in ("FRA", "DEU", "ITA", "ESP") for b in ("DEU", "ITA", "ESP", "PRT")
               if a != b and (a, b) not in s.missions)
    return apply(s, ev.MissionEstablished(id="new-exact", date=day, actor=key[0], target=key[1],
                                          staff=data.draw(st.integers(0, 20), label="staff"))), key


def test_an_assignment_that_would_overfill_a_passed_cap_is_refused():
    """Found by the generator: people ordered out after the cap's deadline still count against it."""
    d = datetime.date
    s = fold([
        ev.MissionEstablished(id="m", date=d(2017, 1, 1), actor="USA", target="RUS", staff=10),
        ev.MissionCapped(id="cap", date=d(2017, 1, 2), actor="RUS", target="USA", cap=6, deadline=d(2017, 1, 5)),
        ev.DiplomatsExpelled(id="x", date=d(2017, 1, 3), actor="RUS", target="USA", count=5,
                             deadline=d(2017, 1, 9)),
    ])
    _refused(s, ev.StaffAssigned(id="a", date=d(2017, 1, 3), actor="USA", target="RUS", count=5), E.CAP_NOT_MET)
    # once those people are gone, the same number may come
    later = fold([ev.StaffAssigned(id="a", date=d(2017, 1, 10), actor="USA", target="RUS", count=5)], state=s)
    assert later.missions["USA", "RUS"].staff == 6


def test_a_later_cap_with_an_earlier_deadline_is_met_in_time():
    """Found by the generator: a second, earlier cap used to leave the first cap's departures on their old day."""
    d = datetime.date
    events = [
        ev.MissionEstablished(id="m", date=d(2017, 1, 1), actor="USA", target="RUS", staff=100),
        ev.DiplomatsExpelled(id="x", date=d(2017, 1, 2), actor="RUS", target="USA", count=20, deadline=d(2017, 3, 1)),
        ev.MissionCapped(id="c1", date=d(2017, 1, 2), actor="RUS", target="USA", cap=50, deadline=d(2017, 3, 1)),
        ev.MissionCapped(id="c2", date=d(2017, 1, 3), actor="RUS", target="USA", cap=30, deadline=d(2017, 2, 1)),
    ]
    m = fold(events, until=d(2017, 2, 1)).missions["USA", "RUS"]
    assert (m.staff, m.pending_departures) == (100, 70)
    assert fold(events, until=d(2017, 2, 2)).missions["USA", "RUS"].staff == 30
    assert fold(events, until=d(2017, 3, 2)).missions["USA", "RUS"].staff == 30


@given(valid_logs(), st.data())
def test_closing_or_seizing_twice_and_returning_the_untaken_are_refused(events, data):
    s = fold(events)
    day = _last_date(s)
    if not s.properties:
        s = apply(s, ev.PropertyRegistered(id="reg", date=day, actor="FRA", target="DEU", property="villa",
                                           name="Villa"))
    p = data.draw(st.sampled_from(sorted(s.properties.values(), key=lambda p: p.id)))
    kw = dict(id="bad", date=day, actor=p.host, target=p.owner, property=p.id)
    if p.status in ("closed", "seized"):
        _refused(s, ev.PropertyClosed(**kw), E.PROPERTY_TWICE)
    if p.status == "seized":
        _refused(s, ev.PropertySeized(**kw), E.PROPERTY_TWICE)
    if p.status in ("in_use", "returned"):
        _refused(s, ev.PropertyReturned(**kw), E.RETURN_UNTAKEN)
        s2 = apply(s, ev.PropertySeized(**kw))
        _refused(s2, ev.PropertySeized(**{**kw, "id": "again"}), E.PROPERTY_TWICE)
        _refused(s2, ev.PropertyClosed(**{**kw, "id": "again"}), E.PROPERTY_TWICE)
        assert apply(s2, ev.PropertyReturned(**{**kw, "id": "back"})).properties[p.id].status == "returned"


@given(valid_logs(), st.data())
def test_out_of_date_order_and_duplicate_ids_are_refused(events, data):
    assume(events)
    s = fold(events)
    early = s.last_date - datetime.timedelta(days=data.draw(st.integers(1, 400)))
    _refused(s, ev.StatementMade(id="late", date=early, actor="USA", target="RUS"), E.DATE_ORDER)
    used = data.draw(st.sampled_from(events)).id
    _refused(s, ev.StatementMade(id=used, date=s.last_date, actor="USA", target="RUS"), E.UNIQUE_IDS)
    with pytest.raises(RuleViolation) as info:
        fold(events + [attrs.evolve(events[0], date=events[-1].date)])
    assert (info.value.event_id, info.value.rule) == (events[0].id, E.UNIQUE_IDS)


@given(valid_logs(), st.data())
def test_negative_headcounts_are_refused(events, data):
    """The events' validators refuse negative figures; the fold refuses them too when one is built around them."""
    s = fold(events)
    s = apply(s, _mission_or_new(s, data, _last_date(s)))
    (sending, host), _ = data.draw(st.sampled_from(sorted(s.missions.items())))
    n = -data.draw(st.integers(1, 50))
    day = _last_date(s)
    with pytest.raises(ValueError):
        ev.StaffAssigned(id="bad", date=day, actor=sending, target=host, count=n)
    with attrs.validators.disabled():
        bad = [ev.StaffAssigned(id="bad", date=day, actor=sending, target=host, count=n),
               ev.DiplomatsExpelled(id="bad", date=day, actor=host, target=sending, count=n, deadline=day),
               ev.MissionCapped(id="bad", date=day, actor=host, target=sending, cap=n, deadline=day),
               ev.MissionEstablished(id="bad", date=day, actor="GBR", target="CHN", staff=n)]
    for e in bad:
        _refused(s, e, E.NEGATIVE_HEADCOUNT)


# the other rules of the fold, one example each
d0, d1 = datetime.date(2017, 1, 1), datetime.date(2017, 1, 2)
BASE = [
    ev.MissionEstablished(id="m", date=d0, actor="USA", target="RUS", staff=10, posts=(ev.Post("Embassy"),)),
    ev.PropertyRegistered(id="p", date=d0, actor="USA", target="RUS", property="dacha", name="Dacha"),
    ev.SanctionsImposed(id="s", date=d0, actor="USA", target="RUS", targets=(ev.SanctionTarget("FSB", "agency"),),
                        measures=("asset freeze",)),
    ev.ThreatIssued(id="t", date=d0, actor="RUS", target="USA"),
]
OTHER_RULES = [
    # acts that create a mission of unknown size when there is none (expulsions, caps, staff assigned, posts listed)
    # are tested in tests/test_uncertain.py; these still need a mission
    (ev.PostOpened(id="e", date=d1, actor="RUS", target="USA", post=ev.Post("Embassy")), E.UNKNOWN_MISSION),
    (ev.PostClosed(id="e", date=d1, actor="USA", target="RUS", post="Embassy"), E.UNKNOWN_MISSION),
    (ev.MissionCapLifted(id="e", date=d1, actor="GBR", target="RUS"), E.UNKNOWN_MISSION),
    (ev.PropertyClosed(id="e", date=d1, actor="RUS", target="USA", property="nowhere"), E.UNKNOWN_PROPERTY),
    (ev.PropertyClosed(id="e", date=d1, actor="USA", target="RUS", property="dacha"), E.WRONG_PARTIES),
    (ev.DiplomatsExpelled(id="e", date=d1, actor="RUS", target="USA", count=1, deadline=d0),
     E.DEADLINE_BEFORE_DATE),
    (ev.MissionEstablished(id="e", date=d1, actor="USA", target="RUS", staff=3), E.DUPLICATE_MISSION),
    (ev.PostOpened(id="e", date=d1, actor="USA", target="RUS", post=ev.Post("Embassy")), E.DUPLICATE_POST),
    (ev.PostClosed(id="e", date=d1, actor="RUS", target="USA", post="Annex"), E.UNKNOWN_POST),
    (ev.PropertyRegistered(id="e", date=d1, actor="USA", target="RUS", property="dacha", name="x"),
     E.DUPLICATE_PROPERTY),
    (ev.SanctionsImposed(id="e", date=d1, actor="USA", target="RUS", targets=(ev.SanctionTarget("FSB"),),
                         measures=("asset freeze",)), E.SANCTION_IN_FORCE),
    (ev.SanctionsLifted(id="e", date=d1, actor="USA", target="RUS", targets=("GRU",)), E.SANCTION_ABSENT),
    (ev.SanctionsLifted(id="e", date=d1, actor="USA", target="RUS", targets=("FSB",), measures=("travel ban",)),
     E.SANCTION_ABSENT),
    (ev.StatementMade(id="e", date=d1, actor="USA", target="RUS", resolves=("m",)), E.RESOLVES_OPEN),
    (ev.ThreatIssued(id="e", date=d1, actor="USA", target="RUS", resolves=("e",)), E.RESOLVES_OPEN),
    (ev.MissionCapped(id="e", date=d1, actor="USA", target="USA", cap=1, deadline=d1), E.SELF_TARGET),
    (ev.MissionCapLifted(id="e", date=d1, actor="RUS", target="USA"), E.CAP_ABSENT),
]


@pytest.mark.parametrize("event,rule", OTHER_RULES, ids=[r for _, r in OTHER_RULES])
def test_other_rules(event, rule):
    _refused(fold(BASE), event, rule)


def test_closing_a_post_twice_is_refused():
    s = fold(BASE + [ev.PostClosed(id="c", date=d1, actor="RUS", target="USA", post="Embassy")])
    _refused(s, ev.PostClosed(id="e", date=d1, actor="RUS", target="USA", post="Embassy"), E.POST_CLOSED_TWICE)


def test_a_resolved_item_cannot_be_resolved_again():
    s = fold(BASE + [ev.ProposalDeclined(id="no", date=d1, actor="RUS", resolves=("t",))])
    assert [(r.event_id, r.kind, r.by_event) for r in s.resolved] == [("t", "declined", "no")]
    _refused(s, ev.ProposalDeclined(id="e", date=d1, actor="RUS", resolves=("t",)), E.RESOLVES_OPEN)

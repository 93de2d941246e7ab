"""The rules of uncertain figures (DESIGN-12), one test per rule, on hand-written events: missions as ranges, acts
that create missions, expulsions without a deadline and their departures, caps on missions of uncertain size and
parity caps, closures that take effect later, counted sanctions and their authorities, heads of mission, contacts.

Each test states the figure the rule implies and a neighbour the rule forbids (one person more, one day earlier),
so that a rule that is off by one, skipped or applied to the wrong mission fails it."""
from __future__ import annotations

import copy

import attrs
import pytest
from gen import check_invariants, raw_logs, widened
from hypothesis import given
from hypothesis import strategies as st

from hand import DAY, day, expel, mission
from diplosim.core import errors as E
from diplosim.core import events as ev
from diplosim.core.errors import RuleViolation
from diplosim.core.fold import FOREIGN_AGENT, apply, at, cap_range, fold
from diplosim.core.log import load_log

def cap(id, n, figure=None, deadline=None, host="RUS", sending="USA") -> ev.MissionCapped:
    return ev.MissionCapped(id=id, date=day(n), actor=host, target=sending, cap=figure, parity=figure is None,
                            deadline=None if deadline is None else day(deadline))


def departed(id, n, order, sending="USA", host="RUS") -> ev.DiplomatsDeparted:
    return ev.DiplomatsDeparted(id=id, date=day(n), actor=sending, target=host, order=order)


def usa(events, until) -> tuple:
    """(low, high) of the USA mission in Russia at the end of day ``until``."""
    m = fold(events, until=day(until)).missions["USA", "RUS"]
    return m.low, m.high


def refused(events, bad, rule) -> RuleViolation:
    s = fold(events)
    before = copy.deepcopy(s)
    with pytest.raises(RuleViolation) as info:
        apply(s, bad)
    assert (info.value.event_id, info.value.rule) == (bad.id, rule)
    assert s == before
    return info.value


# --- missions as ranges ----------------------------------------------------------------------------------------------


def test_an_expulsion_from_an_undeclared_mission_creates_it_and_infers_its_least_size():
    s = fold([expel("x", 1, 13, deadline=8)], until=day(8))
    m = s.missions["USA", "RUS"]
    assert (m.low, m.high, m.staff, m.exact) == (13, None, None, False)
    assert (m.implicit, m.basis, m.inferred, m.since) == ("x", "unknown", True, day(1))
    assert m.pending_departures == 13 and m.pending_most == 13
    assert ("RUS", "USA") not in s.missions  # the expelling side's own mission is not made up
    # once they are gone, nothing is known to be left (and no upper bound was ever known)
    assert usa([expel("x", 1, 13, deadline=8)], 9) == (0, None)


def test_a_bounded_mission_refuses_an_expulsion_of_more_than_can_be_there():
    base = [mission(staff_min=10, staff_max=20), expel("x", 2, 5, deadline=30)]
    err = refused(base, expel("bad", 3, 16, deadline=30), E.EXPEL_ABSENT)
    assert "at most 15" in err.detail
    # high - pending is the most that can still be expelled; it raises the least size to everyone who must be there
    m = fold(base + [expel("ok", 3, 15, deadline=30)]).missions["USA", "RUS"]
    assert (m.low, m.high, m.inferred, m.pending_departures) == (20, 20, True, 20)
    # a smaller one infers nothing: 5 + 4 people fit in the least size already
    m = fold(base + [expel("small", 3, 4, deadline=30)]).missions["USA", "RUS"]
    assert (m.low, m.inferred) == (10, False)


def test_a_mission_of_unknown_size_takes_any_expulsion():
    s = fold([mission(), expel("x", 2, 500, deadline=3)])
    m = s.missions["USA", "RUS"]
    assert (m.low, m.high, m.basis, m.implicit) == (500, None, "unknown", None)


def test_the_about_figure_moves_with_exact_changes_and_goes_when_the_least_size_passes_it():
    log = [mission(staff_about=1100),
           expel("x", 2, 35, deadline=5),
           ev.StaffAssigned(id="a", date=day(6), actor="USA", target="RUS", count=10)]
    s = fold(log, until=day(5))
    m = s.missions["USA", "RUS"]
    assert (m.low, m.high, m.about, m.basis) == (35, None, 1100, "reported")  # still there on the deadline day
    m = fold(log, until=day(6)).missions["USA", "RUS"]
    assert (m.low, m.high, m.about, m.change) == (10, None, 1075, -25)
    # an expulsion that proves more people than "about" says drops the figure
    m = fold(log + [expel("big", 7, 1076, deadline=20)]).missions["USA", "RUS"]
    assert (m.low, m.about) == (1076, None)
    m = fold(log + [expel("fits", 7, 1075, deadline=20)]).missions["USA", "RUS"]
    assert (m.low, m.about) == (1075, 1075)
    # and with a departure recorded rather than a deadline passed
    m = fold(log + [expel("open", 7, 5), departed("gone", 8, "open")]).missions["USA", "RUS"]
    assert (m.low, m.about, m.change) == (5, 1070, -30)


def test_a_between_range_is_kept_and_narrowed_by_what_acts_prove():
    log = [mission(staff_min=1000, staff_max=1200, staff_basis="derived")]
    m = fold(log).missions["USA", "RUS"]
    assert (m.low, m.high, m.staff, m.basis, m.inferred) == (1000, 1200, None, "derived", False)
    log.append(expel("x", 2, 1100, deadline=10))
    m = fold(log).missions["USA", "RUS"]
    assert (m.low, m.high, m.inferred) == (1100, 1200, True)
    refused(log, expel("bad", 3, 101, deadline=10), E.EXPEL_ABSENT)
    assert usa(log + [expel("ok", 3, 100, deadline=10)], 11) == (0, 0)  # everyone who could be there has gone
    assert usa(log, 11) == (0, 100)


def test_an_exact_figure_is_a_range_of_one():
    m = fold([mission(staff=7)]).missions["USA", "RUS"]
    assert (m.low, m.high, m.staff, m.exact, m.remaining()) == (7, 7, 7, True, (7, 7))
    m.staff = 9
    assert (m.low, m.high) == (9, 9)


def test_a_range_with_its_low_end_above_its_high_end_is_refused():
    with pytest.raises(ValueError, match="staff range is empty"):
        mission(staff_min=5, staff_max=4)
    with attrs.validators.disabled():
        bad = mission(id="bad", sending="GBR", staff_min=5, staff_max=4)
    refused([mission()], bad, E.EMPTY_RANGE)
    assert fold([mission(staff_min=5, staff_max=5)]).missions["USA", "RUS"].staff == 5


@pytest.mark.parametrize("act", [
    ev.StaffAssigned(id="a", date=day(1), actor="USA", target="RUS", count=4),
    ev.PostListed(id="a", date=day(1), actor="USA", target="RUS", post=ev.Post("Embassy in Moscow")),
    ev.AmbassadorRecalled(id="a", date=day(1), actor="USA", target="RUS"),
    ev.MissionCapped(id="a", date=day(1), actor="RUS", target="USA", cap=3, deadline=day(5)),
], ids=lambda e: e.type)
def test_acts_on_an_undeclared_mission_create_it_of_unknown_size(act):
    m = fold([act]).missions["USA", "RUS"]
    assert (m.implicit, m.basis, m.high) == ("a", "unknown", None)
    assert m.low == (4 if isinstance(act, ev.StaffAssigned) else 0)
    assert fold([act]).countries == {"USA", "RUS"}


@pytest.mark.parametrize("act", [
    ev.PostOpened(id="a", date=day(1), actor="USA", target="RUS", post=ev.Post("Embassy in Moscow")),
    ev.PostClosed(id="a", date=day(1), actor="RUS", target="USA", post="Embassy in Moscow"),
    ev.MissionCapLifted(id="a", date=day(1), actor="RUS", target="USA"),
], ids=lambda e: e.type)
def test_acts_that_need_a_declared_mission_still_refuse_an_unknown_one(act):
    refused([], act, E.UNKNOWN_MISSION)


def test_a_post_is_listed_once():
    listed = ev.PostListed(id="p", date=day(1), actor="USA", target="RUS", post=ev.Post("Consulate", "consulate"))
    m = fold([listed]).missions["USA", "RUS"]
    assert {n: (p.kind, p.status) for n, p in m.posts.items()} == {"Consulate": ("consulate", "open")}
    refused([listed], attrs.evolve(listed, id="again"), E.DUPLICATE_POST)


# --- caps on uncertain missions ------------------------------------------------------------------------------------


def test_a_cap_on_a_mission_of_unknown_size_clamps_it_at_the_deadline():
    log = [mission(), cap("c", 2, 50, deadline=10)]
    m = fold(log, until=day(10)).missions["USA", "RUS"]
    assert (m.low, m.high, m.cap) == (0, None, 50)
    [d] = m.departures
    assert (d.reason, d.exact, d.count, d.upto, d.deadline) == ("cap", False, 0, None, day(10))
    assert usa(log, 11) == (0, 50)
    # a known least size over the cap: exactly the cap is left
    assert usa([mission(staff_min=80), cap("c", 2, 50, deadline=10)], 11) == (50, 50)
    assert usa([mission(staff_min=80), cap("c", 2, 50, deadline=10)], 10) == (80, None)


def test_a_range_partly_over_the_cap_is_clamped_at_both_ends():
    log = [mission(staff_min=30, staff_max=70), cap("c", 2, 50, deadline=10)]
    [d] = fold(log).missions["USA", "RUS"].departures
    assert (d.count, d.upto) == (0, 20)  # between none and 20 people are over the cap
    assert usa(log, 11) == (30, 50)


def test_a_cap_on_a_range_within_it_changes_nothing():
    log = [mission(staff_min=30, staff_max=40), cap("c", 2, 50, deadline=10)]
    assert fold(log).missions["USA", "RUS"].departures == []
    assert usa(log, 11) == (30, 40)


def test_an_assignment_over_an_uncertain_cap_is_refused_only_when_it_must_exceed_it():
    log = [mission(staff_min=30, staff_max=70), cap("c", 2, 50, deadline=10)]
    assign = ev.StaffAssigned(id="a", date=day(11), actor="USA", target="RUS", count=21)
    refused(log, assign, E.CAP_NOT_MET)  # at least 30 are there: 30 + 21 > 50
    # 20 more fit only if exactly 30 were there: then the mission is exactly at the cap
    assert usa(log + [attrs.evolve(assign, count=20)], 11) == (50, 50)


def test_a_parity_cap_follows_the_other_mission():
    log = [mission(staff=40), mission("r", sending="RUS", host="USA", staff_min=20, staff_max=30),
           cap("c", 2, deadline=10)]
    s = fold(log)
    m = s.missions["USA", "RUS"]
    assert (m.cap, m.cap_parity, cap_range(s, m)) == (None, True, (20, 30))
    # the other mission shrinks before the deadline: the cap the USA mission must meet shrinks with it
    log.append(expel("x", 3, 5, deadline=5, host="USA", sending="RUS"))
    assert usa(log, 10) == (40, 40)
    assert usa(log, 11) == (15, 25)


def test_a_parity_cap_met_when_imposed_still_follows_the_other_mission():
    """A parity cap that the mission meets when it is imposed is met again at its deadline: the other mission may have
    shrunk in between."""
    log = [mission(staff=10), mission("r", sending="RUS", host="USA", staff=10), cap("c", 2, deadline=10),
           expel("x", 3, 4, deadline=5, host="USA", sending="RUS")]
    assert fold(log, until=day(11)).missions["RUS", "USA"].staff == 6
    assert usa(log, 10) == (10, 10)
    assert usa(log, 11) == (6, 6)


def test_a_parity_cap_binds_on_the_other_mission_as_it_stands_on_its_deadline_however_far_the_fold_jumps():
    """The capped mission's own earlier departure used to take its parity clamp along with it, before the other
    mission's departure due in between: the state on day 20 depended on whether day 8 had been seen."""
    log = [mission(staff=20), mission("r", sending="RUS", host="USA", staff=15), cap("c", 2, deadline=10),
           expel("x", 2, 1, deadline=5), expel("y", 2, 5, deadline=7, host="USA", sending="RUS")]
    assert usa(log, 20) == (9, 9)  # the other mission is 10 from day 8; the one expelled after the cap is on top
    assert at(fold(log, until=day(8)), day(20)) == fold(log, until=day(20))


def test_a_parity_cap_is_not_broken_when_the_other_mission_shrinks_after_its_deadline():
    """The cap was met by its deadline; the other side's later expulsion lowers the parity, which is not the capped
    mission's failure to meet the cap (an assignment over the new parity is refused)."""
    log = [mission(staff=10), mission("r", sending="RUS", host="USA", staff=12), cap("c", 2, deadline=5),
           expel("x", 10, 5, deadline=12, host="USA", sending="RUS"),
           expel("y", 11, 2, deadline=12)]
    assert usa(log, 13) == (8, 8)
    assert fold(log, until=day(13)).missions["RUS", "USA"].staff == 7
    refused(log, ev.StaffAssigned(id="a", date=day(14), actor="USA", target="RUS", count=1), E.CAP_NOT_MET)


def test_a_parity_cap_without_the_other_mission_bounds_nothing():
    s = fold([mission(staff_min=5, staff_max=9), cap("c", 2, deadline=4)], until=day(5))
    m = s.missions["USA", "RUS"]
    assert cap_range(s, m) == (0, None)
    assert (m.low, m.high) == (0, 9)


def test_a_cap_without_a_deadline_stays_pending_until_the_departure_is_recorded():
    log = [mission(staff=20), cap("c", 2, 10)]
    m = fold(log, until=day(900)).missions["USA", "RUS"]
    assert (m.low, m.high, m.cap, m.cap_deadline) == (20, 20, 10, None)
    [d] = m.departures
    assert (d.count, d.most, d.deadline, d.reason) == (10, 10, None, "cap")
    assert m.remaining() == (10, 10)
    log.append(departed("gone", 30, "c"))
    assert usa(log, 30) == (10, 10)
    assert fold(log).missions["USA", "RUS"].departures == []


def test_a_cap_lifted_before_its_deadline_does_not_empty_the_mission():
    """The people over the cap were ordered out when it was imposed: lifting it later does not make the fold forget
    how many are left (it used to clamp the mission to no cap at all: at least 0)."""
    log = [mission(staff_min=10, staff_max=20), cap("c", 2, 15, deadline=10),
           ev.MissionCapLifted(id="l", date=day(3), actor="RUS", target="USA")]
    assert usa(log, 11) == (5, 20)


def test_a_superseded_cap_does_not_clamp_the_mission_to_the_new_cap_before_the_new_deadline():
    exact = [mission(staff=20), cap("c1", 2, 15, deadline=10), cap("c2", 3, 5, deadline=20)]
    assert [usa(exact, n) for n in (10, 11, 20, 21)] == [(20, 20), (15, 15), (15, 15), (5, 5)]
    ranged = [mission(staff_min=12, staff_max=20)] + exact[1:]
    for n in (10, 11, 20, 21):
        low, high = usa(ranged, n)
        assert low <= usa(exact, n)[0] <= high, n
    assert usa(ranged, 11)[1] >= 15  # the new cap of 5 binds only after day 20


# --- who leaves when: expulsions without deadline, departures recorded, caps and later expulsions ----------------


def test_an_expulsion_without_a_deadline_is_pending_until_the_departure_is_recorded():
    log = [mission(staff=20), expel("x", 2, 5)]
    m = fold(log, until=day(3000)).missions["USA", "RUS"]
    assert (m.staff, m.pending_departures) == (20, 5)
    assert [(d.deadline, d.assumed) for d in m.departures] == [(None, False)]
    log.append(departed("gone", 40, "x"))
    s = fold(log)
    m = s.missions["USA", "RUS"]
    assert (m.staff, m.pending_departures, m.change) == (15, 0, -5)
    assert s.events_applied == 3


def test_the_rows_of_a_mission_with_a_departure_without_deadline_name_the_next_known_deadline():
    from diplosim.analysis.projections import mission_rows, state_json

    s = fold([mission(staff=20), expel("x", 2, 5), expel("y", 2, 1, deadline=9)])
    [row] = mission_rows(s)
    assert (row["pending_departures"], row["departure_deadline"]) == (6, "2018-01-09")
    [row] = state_json(s)["missions"]
    assert [(d["event_id"], d["deadline"]) for d in row["departures"]] == [("x", None), ("y", "2018-01-09")]
    [row] = mission_rows(fold([mission(staff=20), expel("x", 2, 5)]))
    assert row["departure_deadline"] is None


def test_a_departure_is_recorded_only_for_people_still_to_leave():
    log = [mission(staff=20), expel("x", 2, 5), expel("dated", 2, 3, deadline=4), departed("gone", 5, "x")]
    refused(log, departed("again", 6, "x"), E.NOTHING_PENDING)  # they left already
    refused(log, departed("nothing", 6, "no-such-order"), E.NOTHING_PENDING)
    refused(log, departed("late", 6, "dated"), E.NOTHING_PENDING)  # gone at their deadline
    refused(log, departed("wrong-way", 6, "x", sending="RUS", host="USA"), E.UNKNOWN_MISSION)
    # a departure before the deadline settles the people early
    early = log[:3] + [departed("early", 3, "dated")]
    m = fold(early).missions["USA", "RUS"]
    assert (m.staff, m.pending_departures) == (17, 5)


def test_departure_days_fill_missing_deadlines_and_mark_them_assumed(tmp_path):
    path = tmp_path / "log.toml"
    path.write_text("""[log]
title = "t"
departure_days = 7

[[event]]
type = "MissionEstablished"
id = "m"
date = 2018-01-01
actor = "USA"
target = "RUS"
staff = { at_least = 30 }
sources = ["public record: a"]

[[event]]
type = "DiplomatsExpelled"
id = "x"
date = 2018-01-02
actor = "RUS"
target = "USA"
count = 5
sources = ["public record: b"]

[[event]]
type = "DiplomatsExpelled"
id = "y"
date = 2018-01-02
actor = "RUS"
target = "USA"
count = 2
deadline = 2018-01-03
sources = ["public record: c"]
""", encoding="utf-8")
    log = load_log(path)
    x, y = log.events[1], log.events[2]
    assert (x.deadline, x.deadline_assumed) == (day(9), True)
    assert "departure_days (7)" in x.assumed
    assert (y.deadline, y.deadline_assumed, y.assumed) == (day(3), False, None)
    m = fold(log.events).missions["USA", "RUS"]
    assert [(d.event_id, d.deadline, d.assumed) for d in m.departures] == [("x", day(9), True), ("y", day(3), False)]
    assert usa(log.events, 9) == (28, None)  # the 2 left after 3 January, the 5 are there on their assumed day
    assert usa(log.events, 10) == (23, None)


def test_people_ordered_out_after_a_cap_leave_on_top_of_its_excess_whatever_leaves_first():
    """With the excess over a cap fixed when it was imposed, a later expulsion comes on top of it, as for a cap with a
    known deadline on an exact mission; the figure must not depend on which group happens to leave first."""
    base = [mission(staff=20), cap("c", 2, 10)]
    x = expel("x", 3, 5, deadline=4)
    cap_first = base + [departed("gone", 3, "c"), x]
    expelled_first = base + [x, departed("gone", 10, "c")]
    assert usa(cap_first, 11) == usa(expelled_first, 11) == (5, 5)
    # an expulsion without a deadline, recorded as gone before the cap's excess leaves: the clamp remembers them
    recorded = base + [expel("x", 3, 5), departed("x-gone", 4, "x")]
    m = fold(recorded).missions["USA", "RUS"]
    assert [(d.event_id, d.on_top) for d in m.departures] == [("c", 5)]
    assert usa(recorded + [departed("gone", 10, "c")], 11) == (5, 5)
    # the same with the cap's deadline known: the exact path
    assert usa([mission(staff=20), cap("c", 2, 10, deadline=9), x], 11) == (5, 5)
    # and a mission known only to be at least 15 strong cannot end above what the exact one ends at
    low, high = usa([mission(staff_min=15), cap("c", 2, 10, deadline=9), x], 11)
    assert low <= 5 <= high


def test_people_ordered_out_before_a_cap_may_leave_as_part_of_its_excess():
    """Those ordered out for later (or without a deadline) when a cap comes may leave by its deadline as part of the
    excess: the least the cap sends home does not count them again.  (It did: with their departure recorded, the
    mission of at least 3 showed 2 still to leave where the exact mission of 3 has 1.)"""
    log = [mission(staff_min=3), expel("x", 2, 1), cap("c", 2, 1, deadline=2), departed("gone", 2, "x")]
    exact = fold([mission(staff=3)] + log[1:]).missions["USA", "RUS"]
    assert (exact.staff, exact.pending_departures) == (2, 1)
    m = fold(log).missions["USA", "RUS"]
    assert (m.low, m.high, m.pending_departures) == (2, None, 1)
    assert usa(log, 3) == (1, 1) == usa([mission(staff=3)] + log[1:], 3)


def test_people_ordered_out_on_top_of_an_uncertain_excess_must_fit_within_the_cap():
    """While the excess over a cap is still to leave, those ordered out after it leave on top of it: together they fit
    within the cap, as on an exact mission.  (Accepted, such a log folded, then broke the cap the day after its
    deadline, when the people still ordered out were found over it.)"""
    refused([cap("c", 1, 0, deadline=1)], expel("x", 1, 1), E.EXPEL_ABSENT)  # a mission of unknown size, capped at 0
    log = [mission(staff_min=5), cap("c", 1, 3, deadline=10), expel("x", 2, 2, deadline=4)]
    err = refused(log, expel("y", 3, 2, deadline=20), E.EXPEL_ABSENT)
    assert "at most 1 " in err.detail and "cap of 3" in err.detail
    ok = log + [expel("y", 3, 1, deadline=20)]
    assert [usa(ok, n) for n in (4, 5, 11, 21)] == [(5, None), (3, None), (1, 1), (0, 0)]
    # the exact mission of 5 refuses the same expulsion, and ends the same way
    exact = [mission(staff=5)] + log[1:]
    refused(exact, expel("y", 3, 2, deadline=20), E.EXPEL_ABSENT)
    assert usa(exact + [expel("y", 3, 1, deadline=20)], 21) == (0, 0)


def test_an_assignment_after_a_cap_counts_everyone_still_to_leave_as_there():
    """People ordered out who may still be there once the cap binds count against it, however many they may be."""
    assign = ev.StaffAssigned(id="a", date=day(2), actor="USA", target="RUS", count=1)
    log = [expel("x", 1, 1), cap("c", 1, 1, deadline=1)]  # the expelled one may have left as the cap's excess
    assert usa(log, 2) == (1, 1)
    refused(log, assign, E.CAP_NOT_MET)
    refused([mission(staff=1)] + log, assign, E.CAP_NOT_MET)  # as on an exact mission
    # once the departure is recorded there may be room (if the one who left was not among the excess): then there is
    # exactly the one let in
    assert usa(log + [departed("gone", 2, "x"), assign], 2) == (1, 1)


def test_staff_let_in_under_a_cap_in_force_bounds_the_mission_by_the_cap():
    """An assignment after the cap's deadline is accepted only if the mission can hold it within the cap: once it is
    in, the mission holds at most the cap, and an expulsion that would prove more is refused (as on an exact mission).
    Before, the range grew past the cap and a later expulsion was let in that put the least size over it."""
    log = [cap("c", 1, 2, deadline=1),  # a mission of unknown size, capped at 2
           ev.StaffAssigned(id="a", date=day(2), actor="USA", target="RUS", count=1)]
    assert usa(log, 2) == (1, 2)
    refused(log, expel("x", 2, 3, deadline=5), E.EXPEL_ABSENT)
    assert usa(log + [expel("x", 2, 2, deadline=5)], 2) == (2, 2)
    # before the deadline nothing binds yet: the mission may still hold more
    early = [cap("c", 1, 2, deadline=9), ev.StaffAssigned(id="a", date=day(2), actor="USA", target="RUS", count=1)]
    assert usa(early, 2) == (1, None)


def test_the_state_at_a_date_does_not_depend_on_the_dates_seen_before_it():
    """Departures take effect in the order of their deadlines: a cap that binds on day 10 clamps the mission before
    people ordered out for day 20 leave, whether the state was looked at on day 11 or not."""
    log = [mission(staff_min=10, staff_max=20), expel("a", 1, 5, deadline=20), cap("c", 2, 8, deadline=10),
           expel("b", 3, 5, deadline=30)]
    direct = fold(log, until=day(21))
    stepped = at(fold(log, until=day(11)), day(21))
    assert direct == stepped
    m = direct.missions["USA", "RUS"]
    assert m.pending_departures <= m.low  # the 5 ordered out for day 30 are still there
    assert (m.low, m.high) == (5, 8)


# --- closures that take effect later ---------------------------------------------------------------------------------


def test_a_post_closed_with_an_effective_date_is_closing_until_that_day():
    log = [mission(staff=5, posts=(ev.Post("Consulate", "consulate"),)),
           ev.PostClosed(id="c", date=day(2), actor="RUS", target="USA", post="Consulate", effective=day(10))]
    p = fold(log, until=day(9)).missions["USA", "RUS"].posts["Consulate"]
    assert (p.status, p.effective, p.since, p.event_id) == ("closing", day(10), day(2), "c")
    p = fold(log, until=day(10)).missions["USA", "RUS"].posts["Consulate"]
    assert (p.status, p.effective, p.since, p.event_id) == ("closed", None, day(10), "c")
    refused(log, ev.PostClosed(id="again", date=day(3), actor="RUS", target="USA", post="Consulate"),
            E.POST_CLOSED_TWICE)
    # an effective date equal to the event's date closes the post at once
    same = log[:1] + [attrs.evolve(log[1], effective=day(2))]
    assert fold(same, until=day(2)).missions["USA", "RUS"].posts["Consulate"].status == "closed"


def test_a_property_act_with_an_effective_date_takes_effect_on_that_day():
    log = [ev.PropertyRegistered(id="r", date=day(1), actor="RUS", target="USA", property="dacha", name="Dacha"),
           ev.PropertySeized(id="s", date=day(2), actor="USA", target="RUS", property="dacha", effective=day(8))]
    p = fold(log, until=day(7)).properties["dacha"]
    assert (p.status, p.effective, p.becomes, p.since) == ("closing", day(8), "seized", day(2))
    p = fold(log, until=day(8)).properties["dacha"]
    assert (p.status, p.effective, p.becomes, p.since, p.event_id) == ("seized", None, None, day(8), "s")
    # an act under way counts as done: seizing again is refused, returning it is not
    refused(log, ev.PropertySeized(id="again", date=day(3), actor="USA", target="RUS", property="dacha"),
            E.PROPERTY_TWICE)
    back = log + [ev.PropertyReturned(id="back", date=day(3), actor="USA", target="RUS", property="dacha")]
    assert fold(back, until=day(20)).properties["dacha"].status == "returned"  # the earlier seizure never lands


@pytest.mark.parametrize("late", [
    ev.PostClosed(id="bad", date=day(5), actor="RUS", target="USA", post="Embassy", effective=day(4)),
    ev.PropertyClosed(id="bad", date=day(5), actor="USA", target="RUS", property="dacha", effective=day(4)),
], ids=lambda e: e.type)
def test_an_effective_date_before_the_event_is_refused(late):
    log = [mission(staff=5, posts=(ev.Post("Embassy"),)),
           ev.PropertyRegistered(id="r", date=day(1), actor="RUS", target="USA", property="dacha", name="Dacha")]
    refused(log, late, E.EFFECTIVE_BEFORE_DATE)


# --- sanctions, heads of mission, contacts, acts without a state --------------------------------------------------


def sanctions(id, n, *names, measures=("asset freeze",), basis=None, count=None) -> ev.SanctionsImposed:
    return ev.SanctionsImposed(id=id, date=day(n), actor="USA", target="RUS", measures=measures, legal_basis=basis,
                               count=count, targets=tuple(ev.SanctionTarget(x, "person") for x in names))


def test_sanctions_on_more_targets_than_are_named_keep_the_unnamed_as_a_designation():
    s = fold([sanctions("s", 1, "A", "B", count=24, basis="EO 13694")])
    assert set(s.sanctions) == {("USA", "A"), ("USA", "B")}
    [d] = s.designations
    assert (d.imposer, d.target_country, d.count, d.measures, d.legal_basis, d.since, d.event_id) == (
        "USA", "RUS", 22, ["asset freeze"], "EO 13694", day(1), "s")
    assert fold([sanctions("s", 1, "A", "B", count=2)]).designations == []
    s = fold([sanctions("s", 1, count=5)])
    assert (s.sanctions, [d.count for d in s.designations]) == ({}, [5])
    with pytest.raises(ValueError, match="count is 1 but 2 targets are named"):
        sanctions("s", 1, "A", "B", count=1)


def test_a_second_authority_for_the_same_measures_is_added_not_refused():
    log = [sanctions("s", 1, "A", basis="EO 13694")]
    s = fold(log + [sanctions("t", 2, "A", basis="CAATSA 224")])
    x = s.sanctions["USA", "A"]
    assert (x.authorities, x.legal_basis, x.event_id, x.measures) == (
        ["EO 13694", "CAATSA 224"], "EO 13694", "s", ["asset freeze"])
    refused(log, sanctions("same", 2, "A", basis="EO 13694"), E.SANCTION_IN_FORCE)
    refused([sanctions("s", 1, "A")], sanctions("none", 2, "A"), E.SANCTION_IN_FORCE)
    # new measures under the same authority are added as before
    x = fold(log + [sanctions("u", 2, "A", measures=("travel ban",), basis="EO 13694")]).sanctions["USA", "A"]
    assert (x.measures, x.authorities) == (["asset freeze", "travel ban"], ["EO 13694"])


def test_a_foreign_agent_designation_is_a_sanction_with_its_own_measure():
    fa = ev.ForeignAgentDesignated(id="f", date=day(1), actor="USA", target="RUS", legal_basis="FARA",
                                   targets=(ev.SanctionTarget("RT America", "entity"),))
    x = fold([fa]).sanctions["USA", "RT America"]
    assert (x.measures, x.target_country, x.authorities) == ([FOREIGN_AGENT], "RUS", ["FARA"])
    refused([fa], attrs.evolve(fa, id="again"), E.SANCTION_IN_FORCE)


def test_a_head_of_mission_is_recalled_once_and_returns_only_when_recalled():
    recall = ev.AmbassadorRecalled(id="r", date=day(2), actor="USA", target="RUS")
    back = ev.AmbassadorReturned(id="b", date=day(9), actor="USA", target="RUS")
    log = [mission(staff=5)]
    assert fold(log).missions["USA", "RUS"].head is None
    assert fold(log + [recall]).missions["USA", "RUS"].head == "recalled"
    assert fold(log + [recall, back]).missions["USA", "RUS"].head == "present"
    refused(log + [recall], attrs.evolve(recall, id="twice"), E.HEAD_TWICE)
    refused(log, back, E.HEAD_TWICE)
    refused(log + [recall, back], attrs.evolve(back, id="twice"), E.HEAD_TWICE)
    # recalled again after returning
    assert fold(log + [recall, back, attrs.evolve(recall, id="r2", date=day(10))]).missions["USA", "RUS"].head == "recalled"
    # the other side's head is another matter
    other = ev.AmbassadorRecalled(id="o", date=day(2), actor="RUS", target="USA")
    s = fold(log + [recall, other])
    assert (s.missions["RUS", "USA"].head, s.missions["RUS", "USA"].implicit) == ("recalled", "o")


def test_contacts_are_suspended_once_and_resumed_only_when_suspended():
    stop = ev.ContactsSuspended(id="s", date=day(2), actor="GBR", target="RUS", scope="high-level bilateral")
    go = ev.ContactsResumed(id="g", date=day(5), actor="GBR", target="RUS")
    c = fold([stop]).contacts["GBR", "RUS"]
    assert (c.actor, c.target, c.scope, c.since, c.event_id) == ("GBR", "RUS", "high-level bilateral", day(2), "s")
    assert fold([stop, go]).contacts == {}
    refused([stop], attrs.evolve(stop, id="twice"), E.CONTACTS_TWICE)
    refused([], go, E.CONTACTS_TWICE)
    refused([stop], attrs.evolve(go, actor="RUS", target="GBR"), E.CONTACTS_TWICE)  # the other direction
    both = fold([stop, attrs.evolve(stop, id="s2", actor="RUS", target="GBR")])
    assert set(both.contacts) == {("GBR", "RUS"), ("RUS", "GBR")}


@pytest.mark.parametrize("act", [
    ev.LawEnacted(id="a", date=day(1), actor="USA", target="RUS", law="CAATSA"),
    ev.AccreditationRefused(id="a", date=day(1), actor="USA", target="RUS", count=3),
    ev.AmbassadorSummoned(id="a", date=day(1), actor="USA", target="RUS"),
    ev.AccusationMade(id="a", date=day(1), actor="USA", target="RUS"),
    ev.IncidentOccurred(id="a", date=day(1), actor="USA", kind="poisoning", suspected="RUS"),
], ids=lambda e: e.type)
def test_acts_without_a_state_of_their_own_only_name_their_countries(act):
    s = fold([act])
    assert s.countries == {"USA", "RUS"} and s.events_applied == 1
    assert (s.missions, s.sanctions, s.contacts, s.designations, s.open_items) == ({}, {}, {}, [], {})


def test_an_act_between_a_country_and_itself_is_refused():
    refused([], ev.LawEnacted(id="bad", date=day(1), actor="USA", target="USA", law="x"), E.SELF_TARGET)
    refused([], ev.ContactsSuspended(id="bad", date=day(1), actor="USA", target="USA"), E.SELF_TARGET)


def test_an_about_figure_outside_the_range_given_with_it_is_refused():
    with pytest.raises(ValueError, match="about 5 is outside the range given with it \\(at least 10\\)"):
        mission(staff_min=10, staff_about=5)
    with pytest.raises(ValueError, match="about 30 is outside the range given with it \\(10 to 20\\)"):
        mission(staff_min=10, staff_max=20, staff_about=30)
    m = fold([mission(staff_min=10, staff_max=20, staff_about=15)]).missions["USA", "RUS"]
    assert (m.low, m.high, m.about) == (10, 20, 15)


# --- logs drawn act by act: wherever the rules allow ---------------------------------------------------------------


def _dates(events):
    days = sorted({e.date for e in events} | {e.date + DAY for e in events})
    return days + ([days[-1] + 10 * DAY] if days else [])


@given(raw_logs())
def test_logs_drawn_act_by_act_keep_every_invariant_at_every_date(events):
    for date in _dates(events):
        check_invariants(fold(events, until=date))


@given(raw_logs(), st.data())
def test_the_state_at_a_date_does_not_depend_on_where_an_earlier_fold_stopped(events, data):
    if not events:
        return
    first, second = sorted(data.draw(st.lists(st.sampled_from(_dates(events)), min_size=2, max_size=2)))
    head = [e for e in events if e.date <= first]
    split = fold(events[len(head):], state=fold(head, until=first), until=second)
    assert split == fold(events, until=second)


@given(raw_logs(exact=True), st.data())
def test_an_uncertain_version_of_a_log_drawn_act_by_act_holds_its_figures(events, data):
    loose = data.draw(widened(events))
    assert fold(loose).events_applied == len(events)
    for date in _dates(events):
        exact, uncertain = fold(events, until=date), fold(loose, until=date)
        assert set(exact.missions) == set(uncertain.missions)
        for key, m in exact.missions.items():
            u = uncertain.missions[key]
            assert u.low <= m.low and (u.high is None or (m.high is not None and m.high <= u.high)), (date, key)
            assert u.pending_departures <= m.pending_departures, (date, key)
            assert u.pending_most is None or (m.pending_most is not None and m.pending_most <= u.pending_most)

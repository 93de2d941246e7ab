"""Details of the fold that a mutation run found unguarded, each stated from the rules in README and DESIGN rather
than from the code: which baselines have a figure, a deadline on the day of the act, a range mission losing more
people than its least, closures that take effect in another order than announced, observed event data, people due
on a cap's own deadline, a cap the mission meets already, what is left of a mission capped at nothing, records that
refuse fields they do not declare, the figure an assignment over a cap gives, the room under a new cap, one measure
lifted from several targets, what a state's equality and repr leave out, and an event applied on a closure's day."""
from __future__ import annotations


import pytest

from hand import day, expel, mission
from diplosim.core import errors as E
from diplosim.core import events as ev
from diplosim.core.errors import RuleViolation
from diplosim.core.fold import fold


@pytest.mark.parametrize("figure,basis", [({}, "unknown"), ({"staff": 10}, "reported"),
                                          ({"staff_min": 5}, "reported"), ({"staff_max": 50}, "reported"),
                                          ({"staff_min": 5, "staff_max": 50}, "reported"),
                                          ({"staff_about": 30}, "reported")])
def test_a_baseline_with_any_figure_is_reported_and_one_without_is_unknown(figure, basis):
    assert fold([mission(**figure)]).missions["USA", "RUS"].basis == basis


def test_a_deadline_on_the_day_of_the_expulsion_is_accepted_and_the_day_before_refused():
    same = ev.DiplomatsExpelled(id="x", date=day(3), actor="RUS", target="USA", count=2, deadline=day(3))
    s = fold([mission(staff=10), same], until=day(4))
    assert s.missions["USA", "RUS"].low == 8
    early = ev.DiplomatsExpelled(id="x", date=day(3), actor="RUS", target="USA", count=2, deadline=day(2))
    with pytest.raises(RuleViolation) as info:
        fold([mission(staff=10), early])
    assert info.value.rule == E.DEADLINE_BEFORE_DATE


def test_a_range_mission_losing_more_than_its_least_keeps_a_least_of_zero():
    # between 2 and 50 people; 5 ordered out by day 5: afterwards at least 0 (not -3) and at most 45
    events = [mission(staff_min=2, staff_max=50),
              ev.DiplomatsExpelled(id="x", date=day(2), actor="RUS", target="USA", count=5, deadline=day(5))]
    m = fold(events, until=day(6)).missions["USA", "RUS"]
    assert (m.low, m.high) == (0, 45)


def test_closures_take_effect_by_their_own_dates_whatever_the_order_announced():
    posts = (ev.Post("Embassy in Moscow"), ev.Post("Consulate in Yekaterinburg", "consulate"),
             ev.Post("Consulate in Vladivostok", "consulate"))
    events = [mission(staff=10, posts=posts),
              ev.PostClosed(id="a", date=day(2), actor="RUS", target="USA", post="Consulate in Yekaterinburg",
                            effective=day(20)),
              ev.PostClosed(id="b", date=day(3), actor="RUS", target="USA", post="Consulate in Vladivostok",
                            effective=day(5)),
              ev.MissionEstablished(id="n", date=day(6), actor="GBR", target="RUS")]
    s = fold(events)  # the last event, on day 6, comes after one closure's date and before the other's
    status = {name: p.status for name, p in s.missions["USA", "RUS"].posts.items()}
    assert status == {"Embassy in Moscow": "open", "Consulate in Yekaterinburg": "closing",
                      "Consulate in Vladivostok": "closed"}


def test_observed_event_data_makes_its_countries_known_and_changes_nothing_else():
    base = fold([mission(staff=10)])
    seen = ev.EventObserved(id="o", date=day(2), actor="FRA", target="DEU", cameo="174")
    s = fold([mission(staff=10), seen])
    assert {"FRA", "DEU"} <= s.countries and not {"FRA", "DEU"} & base.countries
    assert s.missions == base.missions and s.properties == base.properties and s.sanctions == base.sanctions


def test_an_expulsion_of_more_than_remain_says_how_many_remain():
    with pytest.raises(RuleViolation) as info:
        fold([mission(staff=10), expel("x", 2, 4, deadline=30), expel("y", 3, 8, deadline=30)])
    assert info.value.rule == E.EXPEL_ABSENT
    assert "expels 8 but only 6 of the USA mission in RUS remain" in str(info.value)


def test_a_cap_brings_forward_the_soonest_departures_first_and_those_without_a_day_last():
    # 20 people; 3 ordered out with no day given, then 4 by day 30; a cap of 15 by day 10 needs 5 gone by then:
    # the 4 due on day 30 come forward, then 1 of the 3 without a day; 2 are still to leave, on no known day
    events = [mission(staff=20), expel("x", 2, 3), expel("y", 3, 4, deadline=30),
              ev.MissionCapped(id="c", date=day(4), actor="RUS", target="USA", cap=15, deadline=day(10))]
    m = fold(events, until=day(11)).missions["USA", "RUS"]
    assert (m.low, m.high) == (15, 15)
    assert [(d.count, d.deadline, d.event_id) for d in m.departures] == [(2, None, "x")]


def test_a_cap_brings_forward_the_soonest_of_the_dated_departures_whatever_order_they_were_ordered_in():
    # 20 people; 4 ordered out by day 30, then 4 by day 20; a cap of 15 by day 10 needs 5 gone by then: the 4 due
    # on day 20 (the soonest) and 1 of the 4 due on day 30, so 3 are still to leave, on day 30
    events = [mission(staff=20), expel("late", 2, 4, deadline=30), expel("soon", 3, 4, deadline=20),
              ev.MissionCapped(id="c", date=day(4), actor="RUS", target="USA", cap=15, deadline=day(10))]
    m = fold(events, until=day(11)).missions["USA", "RUS"]
    assert (m.low, m.high) == (15, 15)
    assert [(d.count, d.deadline, d.event_id) for d in m.departures] == [(3, day(30), "late")]
    assert (fold(events, until=day(31)).missions["USA", "RUS"].low) == 12


@pytest.mark.parametrize("recorded", [False, True])
def test_about_a_figure_equal_to_the_most_is_kept_after_departures(recorded):
    # between 10 and 30, about 30; 5 leave (by a deadline, or recorded gone): between 5 and 25, about 25, which is
    # still within the range
    if recorded:
        events = [mission(staff_min=10, staff_max=30, staff_about=30), expel("x", 2, 5),
                  ev.DiplomatsDeparted(id="d", date=day(5), actor="USA", target="RUS", order="x")]
    else:
        events = [mission(staff_min=10, staff_max=30, staff_about=30), expel("x", 2, 5, deadline=5)]
    m = fold(events, until=day(6)).missions["USA", "RUS"]
    assert (m.low, m.high, m.about) == (5, 25, 25)


def test_a_stored_history_says_whether_it_was_loaded():
    from diplosim.core.state import StoredHistory

    h = StoredHistory(load=lambda: ["a", "b"])
    assert not h.loaded()
    assert list(h) == ["a", "b"] and h.loaded()


def cap(id, n, size, deadline=None):
    return ev.MissionCapped(id=id, date=day(n), actor="RUS", target="USA", cap=size,
                            deadline=None if deadline is None else day(deadline))


def test_people_due_to_leave_on_a_caps_deadline_leave_before_it_binds():
    # 10 to 20 people; 3 ordered out by day 5; a cap of 5 by day 5.  The 3 are present through day 5 and gone on
    # day 6, when the cap binds: they surely leave, and 7 to 17 are left, of whom 2 to 12 are over the cap.
    # Pending: 3 + 2 = 5 at least, 3 + 12 = 15 at most.
    m = fold([mission(staff_min=10, staff_max=20), expel("x", 2, 3, deadline=5), cap("c", 3, 5, deadline=5)],
             until=day(5)).missions["USA", "RUS"]
    assert (m.low, m.high, m.pending_departures, m.pending_most) == (10, 20, 5, 15)


def test_a_cap_the_mission_meets_already_leaves_the_pending_departures_as_they_were():
    # 10 people, 3 ordered out by day 20; a cap of 5 with no known deadline makes those 3 uncertain (they may be part
    # of its excess).  A new cap of 10 by day 10 is met by the 10 there: it orders no one out and changes nobody's
    # departure, and on day 21 the 3 (as many of them as were still to go) have left as before.
    log = [mission(staff=10), expel("x", 2, 3, deadline=20), cap("c", 3, 5)]
    before = fold(log).missions["USA", "RUS"].departures
    log.append(cap("c2", 4, 10, deadline=10))
    after = fold(log).missions["USA", "RUS"]
    assert after.departures == before and after.cap == 10
    on_21 = [fold(events, until=day(21)).missions["USA", "RUS"] for events in (log, log[:3])]
    assert [(m.low, m.high) for m in on_21] == [(7, 10), (7, 10)]  # at most 3 gone, perhaps none


def test_a_mission_capped_at_nothing_may_be_left_with_no_one_and_never_fewer():
    # 10 to 100 people capped at 0 by day 5: everyone goes, so once the departures have happened none are left
    m = fold([mission(staff_min=10, staff_max=100), cap("c", 2, 0, deadline=5)]).missions["USA", "RUS"]
    assert m.remaining()[0] == 0


def test_the_records_of_a_state_refuse_a_field_they_do_not_declare():
    # a misspelt field written on a record would otherwise pass silently (and slotted records keep states small)
    import attrs

    from diplosim.core import state

    records = [c for c in vars(state).values()
               if isinstance(c, type) and attrs.has(c) and c.__module__ == state.__name__]
    assert {"Mission", "Departure", "PropertyState", "ContactsState", "OpenItem", "Claim", "State"} <= {
        c.__name__ for c in records}
    for cls in records:
        record = object.__new__(cls)
        with pytest.raises(AttributeError):
            record.misspelt = 1


# --- from the fresh sample (1 in 8, offset 2) ----------------------------------------------------------------------


@pytest.mark.parametrize("figure,assigned,said", [
    ({"staff": 10}, 3, "13 would exceed"),  # 10 people, and 3 more make 13
    ({"staff_min": 5, "staff_max": 20}, 6, "at least 11 would exceed"),  # clamped to 5-10 on day 6; 6 more
])
def test_a_staff_assignment_over_the_cap_gives_the_figure_exactly_only_when_it_is_known(figure, assigned, said):
    log = [mission(**figure), cap("c", 2, 10, deadline=5),
           ev.StaffAssigned(id="a", date=day(7), actor="USA", target="RUS", count=assigned)]
    with pytest.raises(RuleViolation) as info:
        fold(log)
    assert info.value.rule == E.CAP_NOT_MET
    assert str(info.value).endswith(f": {said} the cap of 10 set by c")


def test_people_ordered_out_before_the_cap_in_force_do_not_count_on_top_of_its_excess():
    # 10 to 20 people; a cap of 5 by day 10, then 2 ordered out by day 11, then a new cap of 8 by day 12.  Those
    # ordered out after the cap of 8 leave on top of its excess: none yet, so 8 more may be ordered out; the 2
    # ordered out before it do not use up that room.
    log = [mission(staff_min=10, staff_max=20), cap("a", 2, 5, deadline=10), expel("x", 3, 2, deadline=11),
           cap("b", 4, 8, deadline=12), expel("y", 5, 7, deadline=20)]
    m = fold(log).missions["USA", "RUS"]
    assert [d.event_id for d in m.departures][-1] == "y" and m.cap == 8


def test_lifting_one_measure_from_several_targets_lifts_it_from_each():
    imposed = ev.SanctionsImposed(id="s", date=day(1), actor="USA", target="RUS", measures=("asset freeze", "visa ban"),
                                  targets=(ev.SanctionTarget("A"), ev.SanctionTarget("B")))
    lifted = ev.SanctionsLifted(id="l", date=day(2), actor="USA", target="RUS", targets=("A", "B"),
                                measures=("visa ban",))
    s = fold([imposed, lifted])
    assert {name: list(x.measures) for (_, name), x in s.sanctions.items()} == {"A": ["asset freeze"],
                                                                                "B": ["asset freeze"]}


def test_states_that_differ_only_in_the_ids_seen_are_equal():
    log = [mission(staff=10), expel("x", 2, 3, deadline=5)]
    assert fold(log) == fold(log, check_ids=False)  # the ids are bookkeeping for a rule, not content


def test_applying_an_event_on_a_closures_effective_day_sees_the_post_closed():
    # a post closed from day 5 is closed on day 5 (README: closing until that day, closed from it), whether the
    # events are folded in one go or applied one by one
    from diplosim.core.fold import apply

    posts = (ev.Post("Embassy in Moscow"), ev.Post("Consulate", "consulate"))
    log = [mission(staff=10, posts=posts),
           ev.PostClosed(id="c", date=day(2), actor="RUS", target="USA", post="Consulate", effective=day(5))]
    later = mission(id="n", n=5, sending="GBR")
    one_by_one = apply(fold(log), later)
    assert one_by_one.missions["USA", "RUS"].posts["Consulate"].status == "closed"
    assert one_by_one == fold(log + [later])


def test_a_states_repr_leaves_out_the_bookkeeping_of_its_clock():
    posts = (ev.Post("Embassy in Moscow"), ev.Post("Consulate", "consulate"))
    s = fold([mission(staff=10, posts=posts), expel("x", 2, 3, deadline=9),
              ev.PostClosed(id="c", date=day(2), actor="RUS", target="USA", post="Consulate", effective=day(9))])
    assert s.deadlines and s.effects and s.seen_ids  # something pending, ids seen ...
    assert [w for w in ("deadlines=", "effects=", "seen_ids=") if w in repr(s)] == []  # ... none of it in the repr


def test_an_assignment_under_a_cap_in_force_leaves_a_lower_most_as_it_was():
    # 10 to 20 people, a cap of 100 in force since day 3, 5 more assigned on day 5: 15 to 25 (the cap bounds the
    # most only where the most was above it; it never raises a figure the record gives)
    log = [mission(staff_min=10, staff_max=20),
           ev.MissionCapped(id="cap", date=day(2), actor="RUS", target="USA", cap=100, deadline=day(3)),
           ev.StaffAssigned(id="a", date=day(5), actor="USA", target="RUS", count=5)]
    m = fold(log).missions["USA", "RUS"]
    assert (m.low, m.high) == (15, 25)


def test_the_fold_leaves_the_cyclic_collector_as_it_found_it():
    # the fold pauses the collector while it runs (README, Benchmarks); a caller's setting is theirs
    import gc

    log = [mission(staff=10), expel("x", 2, 3, deadline=9)]
    assert gc.isenabled()
    fold(log)
    assert gc.isenabled()
    gc.disable()
    try:
        fold(log)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_entries_added_to_a_stored_history_before_it_loads_come_after_the_loaded_ones():
    # StoredHistory's rule: what was appended before the first use is kept after the loaded entries, in its order,
    # as the fold would have appended it after them
    from diplosim.core.state import StoredHistory

    h = StoredHistory(load=lambda: ["r1", "r2", "r3"])
    h.append("later-1")
    h.append("later-2")
    assert list(h) == ["r1", "r2", "r3", "later-1", "later-2"]

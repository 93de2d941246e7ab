"""Rules of the fold that a mutation run found unguarded (see README, "Mutation testing"): ids already seen by the
state a fold continues, a rule broken inside a handler, acts aimed at oneself, assignments under a cap while people
are still leaving (on the day the cap starts to bind and the day before), property acts with one wrong party,
duplicate posts, the country of a sanction's target, the countries a state knows, and how a state prints.

Every expected figure is worked out by hand in the test (a comment says how), never read back from the code."""
from __future__ import annotations

import copy

import attrs
import pytest

import diplosim  # noqa: F401  (installs the state's table renderer, as any user's import does)
from hand import day, expel, mission
from diplosim.core import errors as E
from diplosim.core import events as ev
from diplosim.core.errors import RuleViolation
from diplosim.core.fold import apply, apply_all_in_place, apply_in_place, at, fold
from diplosim.core.state import State

def cap(id, n, figure, deadline, host="RUS", sending="USA") -> ev.MissionCapped:
    return ev.MissionCapped(id=id, date=day(n), actor=host, target=sending, cap=figure, deadline=day(deadline))


def assign(id, n, count, sending="USA", host="RUS") -> ev.StaffAssigned:
    return ev.StaffAssigned(id=id, date=day(n), actor=sending, target=host, count=count)


def refused(events, bad, rule, state=None) -> RuleViolation:
    """``bad`` after ``events`` is refused under ``rule``, naming ``bad``, and the state it was applied to stays."""
    s = fold(events, state=state)
    before = copy.deepcopy(s)
    with pytest.raises(RuleViolation) as info:
        apply(s, bad)
    assert (info.value.event_id, info.value.rule) == (bad.id, rule)
    assert s == before
    return info.value


# --- ids: a fold that continues a state remembers the ids the state has seen ------------------------------------------


def test_a_fold_continuing_a_state_refuses_an_id_that_state_has_seen():
    first = fold([mission(staff=10)])
    again = expel("m", 2, 1, deadline=3)           # the id of the mission's baseline
    with pytest.raises(RuleViolation) as info:
        fold([again], state=first)
    assert (info.value.event_id, info.value.rule) == ("m", E.UNIQUE_IDS)
    # one event at a time, the same
    with pytest.raises(RuleViolation, match="event ids are unique"):
        apply(first, again)
    # a new id is fine, and the continued state remembers both for the next fold
    second = fold([expel("x", 2, 1, deadline=3)], state=first)
    for ident in ("m", "x"):
        with pytest.raises(RuleViolation, match="event ids are unique"):
            fold([assign(ident, 4, 1)], state=second)


def test_a_repeated_id_is_reported_at_its_first_repeat_even_when_a_later_event_breaks_another_rule():
    # x repeats m (rule: unique ids); the event after it expels 99 of 10 (rule: no one expelled who is not there).
    # The earliest rule broken is the one reported, whichever way the fold found them.
    log = [mission(staff=10), expel("m", 2, 1, deadline=3), expel("y", 2, 99, deadline=3)]
    with pytest.raises(RuleViolation) as info:
        fold(log)
    assert (info.value.event_id, info.value.rule) == ("m", E.UNIQUE_IDS)
    # two events of the same id within one fold, neither seen before
    with pytest.raises(RuleViolation) as info:
        fold([mission(staff=10), expel("x", 2, 1), expel("x", 3, 1)])
    assert (info.value.event_id, info.value.rule) == ("x", E.UNIQUE_IDS)


def test_without_the_id_rule_a_repeated_id_is_applied():
    # check_ids=False: the caller vouches for uniqueness (the store's index does); the repeat is applied as any event
    s = fold([mission(staff=10), expel("m", 2, 1, deadline=3)], check_ids=False)
    assert s.events_applied == 2 and s.missions["USA", "RUS"].pending_departures == 1 and s.seen_ids is None


# --- a rule broken inside a handler is never swallowed ---------------------------------------------------------------


def test_a_rule_broken_inside_a_handler_stops_the_fold_and_the_given_state_is_untouched():
    start = fold([mission(staff=10)])
    before = copy.deepcopy(start)
    bad = [expel("x", 2, 4, deadline=3), expel("y", 2, 7, deadline=3)]     # 4 + 7 = 11 of 10
    with pytest.raises(RuleViolation) as info:
        fold(bad, state=start)
    assert (info.value.event_id, info.value.rule) == ("y", E.EXPEL_ABSENT)
    assert start == before


def test_a_working_state_keeps_what_was_applied_before_the_broken_rule():
    # apply_all_in_place changes the state it owns: the first expulsion is in, the second is not, and the books say
    # so (one event more than the baseline; the last event is x)
    s = fold([mission(staff=10)])
    with pytest.raises(RuleViolation):
        apply_all_in_place(s, [expel("x", 2, 4, deadline=3), expel("y", 2, 7, deadline=3)])
    m = s.missions["USA", "RUS"]
    assert (m.staff, m.pending_departures) == (10, 4)
    assert (s.events_applied, s.last_event, s.last_date) == (2, "x", day(2))
    # and it goes on from there: 4 + 6 = 10 may be ordered out, the 11th may not
    apply_in_place(s, expel("z", 2, 6, deadline=3))
    assert s.missions["USA", "RUS"].pending_departures == 10
    with pytest.raises(RuleViolation, match="no one expelled who is not there"):
        apply_in_place(s, expel("w", 2, 1, deadline=3))


# --- acts aimed at oneself, and at a mission nobody declared -----------------------------------------------------------


SELF_ACTS = [
    mission(id="e", sending="USA", host="USA", staff=3),
    ev.StaffAssigned(id="e", date=day(1), actor="USA", target="USA", count=1),
    ev.DiplomatsExpelled(id="e", date=day(1), actor="USA", target="USA", count=1, deadline=day(2)),
    ev.MissionCapped(id="e", date=day(1), actor="USA", target="USA", cap=1, deadline=day(2)),
    ev.MissionCapLifted(id="e", date=day(1), actor="USA", target="USA"),
    ev.DiplomatsDeparted(id="e", date=day(1), actor="USA", target="USA", order="x"),
    ev.PostOpened(id="e", date=day(1), actor="USA", target="USA", post=ev.Post("Embassy")),
    ev.PostListed(id="e", date=day(1), actor="USA", target="USA", post=ev.Post("Embassy")),
    ev.PostClosed(id="e", date=day(1), actor="USA", target="USA", post="Embassy"),
    ev.PropertyRegistered(id="e", date=day(1), actor="USA", target="USA", property="p", name="P"),
    ev.SanctionsImposed(id="e", date=day(1), actor="USA", target="USA", targets=(ev.SanctionTarget("X"),),
                        measures=("asset freeze",)),
    ev.ForeignAgentDesignated(id="e", date=day(1), actor="USA", target="USA", targets=(ev.SanctionTarget("X"),)),
    ev.AmbassadorRecalled(id="e", date=day(1), actor="USA", target="USA"),
    ev.AmbassadorReturned(id="e", date=day(1), actor="USA", target="USA"),
    ev.ContactsSuspended(id="e", date=day(1), actor="USA", target="USA"),
    ev.ContactsResumed(id="e", date=day(1), actor="USA", target="USA"),
    ev.AccreditationRefused(id="e", date=day(1), actor="USA", target="USA"),
    ev.AmbassadorSummoned(id="e", date=day(1), actor="USA", target="USA"),
    ev.AccusationMade(id="e", date=day(1), actor="USA", target="USA"),
]


@pytest.mark.parametrize("act", SELF_ACTS, ids=lambda e: e.type)
def test_an_act_aimed_at_oneself_is_refused_under_its_own_rule(act):
    # refused whatever else holds: the same act against a state where the USA has a mission in itself is refused too
    refused([], act, E.SELF_TARGET)


@pytest.mark.parametrize("act", [
    ev.DiplomatsExpelled(id="e", date=day(1), actor="RUS", target=None, count=1, deadline=day(2)),
    ev.StaffAssigned(id="e", date=day(1), actor="USA", target=None, count=1),
    ev.MissionCapped(id="e", date=day(1), actor="RUS", target=None, cap=1, deadline=day(2)),
], ids=lambda e: e.type)
def test_an_act_on_a_mission_without_a_target_is_refused_not_crashed(act):
    refused([], act, E.SELF_TARGET)


def test_an_expulsion_from_a_mission_nobody_declared_is_accepted_and_makes_it():
    # RUS expels 3 USA people: a USA mission in Russia of at least 3 (nothing says how many more), gone after day 5
    s = fold([expel("x", 1, 3, deadline=5)], until=day(5))
    m = s.mission("USA", "RUS")
    assert (m.low, m.high, m.implicit, m.inferred, m.pending_departures) == (3, None, "x", True, 3)
    assert s.mission("RUS", "USA") is None
    assert at(s, day(6)).mission("USA", "RUS").low == 0


# --- assignments under a cap while people are still leaving ----------------------------------------------------------


def test_an_assignment_before_the_cap_binds_counts_only_those_who_leave_before_it_binds():
    # 10 people; 3 ordered out by day 5; cap 8 from day 10 (binds on day 11).  10 - 3 = 7 will be there on day 11,
    # so 1 may come now (8 = the cap) but not 2 (9).
    log = [mission(staff=10), expel("x", 1, 3, deadline=5), cap("c", 2, 8, deadline=10)]
    assert fold(log + [assign("a", 3, 1)], until=day(11)).mission("USA", "RUS").staff == 8
    refused(log, assign("a", 3, 2), E.CAP_NOT_MET)


def test_people_leaving_on_the_day_the_cap_binds_still_count_against_it():
    # 10 people; cap 8 by day 10 (binds on day 11); 3 ordered out by day 11, so still there all of day 11.
    # The cap needs 2 of them out by day 10: they are brought forward; 1 stays through day 11.  On day 11 the
    # mission holds 10 - 2 = 8: the cap is full, and no one may be assigned before it binds.
    log = [mission(staff=10), expel("x", 1, 3, deadline=11), cap("c", 2, 8, deadline=10)]
    s = fold(log, until=day(11))
    assert (s.mission("USA", "RUS").staff, s.mission("USA", "RUS").pending_departures) == (8, 1)
    refused(log, assign("a", 3, 1), E.CAP_NOT_MET)
    refused(log, assign("a", 10, 1), E.CAP_NOT_MET)   # on the cap's deadline day itself
    refused(log, assign("a", 11, 1), E.CAP_NOT_MET)   # on the day it binds, with the one still there
    # the day after, the last of the 3 has gone (left at the end of day 11): 7, so 1 may come
    assert fold(log + [assign("a", 12, 1)]).mission("USA", "RUS").staff == 8


def test_an_assignment_on_the_caps_deadline_day_counts_those_leaving_that_day_as_gone_when_it_binds():
    # 10 people, 2 ordered out by day 10, cap 8 by day 10: the 2 leave at the end of day 10, the cap binds on day 11
    # with 8 there.  An assignment on day 10 would make 9 on day 11: refused.  Ordered out by day 9 instead, they
    # leave earlier: the same.  Those leaving by day 10 are gone when the cap binds, so an assignment of 0 more...
    # is not an event; with a cap of 9 one may come on day 10 (8 + 1 = 9).
    log = [mission(staff=10), expel("x", 1, 2, deadline=10), cap("c", 2, 9, deadline=10)]
    s = fold(log + [assign("a", 10, 1)], until=day(11))
    assert s.mission("USA", "RUS").staff == 9
    refused(log, assign("a", 10, 2), E.CAP_NOT_MET)                      # 8 + 2 = 10 > 9


def test_an_assignment_after_the_cap_binds_counts_the_people_there():
    # 10 people, cap 6 by day 3: 4 ordered out by day 3, gone on day 4.  On day 5, 6 are there: none may come.
    log = [mission(staff=10), cap("c", 1, 6, deadline=3)]
    refused(log, assign("a", 5, 1), E.CAP_NOT_MET)
    # 2 more ordered out by day 7 are there until the end of day 7, so still none may come on day 7; on day 8, 2 may
    log2 = log + [expel("x", 5, 2, deadline=7)]
    refused(log2, assign("a", 7, 1), E.CAP_NOT_MET)
    assert fold(log2 + [assign("a", 8, 2)]).mission("USA", "RUS").staff == 6
    refused(log2, assign("a", 8, 3), E.CAP_NOT_MET)


# --- property acts: both parties must be right ------------------------------------------------------------------------


PROPERTY = ev.PropertyRegistered(id="p", date=day(1), actor="RUS", target="USA", property="dacha", name="Dacha")


@pytest.mark.parametrize("actor,target", [("GBR", "RUS"), ("USA", "GBR"), ("RUS", "USA")],
                         ids=["wrong actor", "wrong target", "swapped"])
@pytest.mark.parametrize("act", [ev.PropertyAccessSuspended, ev.PropertyClosed, ev.PropertySeized])
def test_a_property_act_with_one_wrong_party_is_refused(act, actor, target):
    # the RUS dacha in the USA: only the USA (host) acts on it, against RUS (owner)
    refused([PROPERTY], act(id="e", date=day(2), actor=actor, target=target, property="dacha"), E.WRONG_PARTIES)
    s = fold([PROPERTY, act(id="e", date=day(2), actor="USA", target="RUS", property="dacha")])
    assert s.properties["dacha"].status != "in_use"


def test_returning_a_property_with_a_wrong_party_is_refused():
    taken = [PROPERTY, ev.PropertySeized(id="s", date=day(2), actor="USA", target="RUS", property="dacha")]
    refused(taken, ev.PropertyReturned(id="e", date=day(3), actor="USA", target="GBR", property="dacha"),
            E.WRONG_PARTIES)
    refused(taken, ev.PropertyReturned(id="e", date=day(3), actor="GBR", target="RUS", property="dacha"),
            E.WRONG_PARTIES)
    s = fold(taken + [ev.PropertyReturned(id="e", date=day(3), actor="USA", target="RUS", property="dacha")])
    assert s.properties["dacha"].status == "returned"


# --- posts: one name, one post ---------------------------------------------------------------------------------------


def test_a_baseline_naming_a_post_twice_is_refused():
    twice = mission(staff=3, posts=(ev.Post("Embassy"), ev.Post("Embassy", "consulate")))
    refused([], twice, E.DUPLICATE_POST)
    # two posts of different names are two posts
    s = fold([mission(staff=3, posts=(ev.Post("Embassy"), ev.Post("Consulate", "consulate")))])
    assert sorted(s.mission("USA", "RUS").posts) == ["Consulate", "Embassy"]


def test_a_post_reopens_only_once_closed():
    opened = ev.PostOpened(id="o", date=day(3), actor="USA", target="RUS", post=ev.Post("Consulate", "consulate"))
    log = [mission(staff=3, posts=(ev.Post("Consulate", "consulate"),))]
    refused(log, opened, E.DUPLICATE_POST)                                   # open
    closing = log + [ev.PostClosed(id="c", date=day(2), actor="RUS", target="USA", post="Consulate",
                                   effective=day(5))]
    refused(closing, opened, E.DUPLICATE_POST)                               # closing, not closed yet
    closed = log + [ev.PostClosed(id="c", date=day(2), actor="RUS", target="USA", post="Consulate")]
    post = fold(closed + [opened]).mission("USA", "RUS").posts["Consulate"]
    assert (post.status, post.since, post.event_id) == ("open", day(3), "o")


# --- sanctions: the country of a target --------------------------------------------------------------------------------


def test_a_sanction_target_belongs_to_the_target_country_unless_it_names_its_own():
    e = ev.SanctionsImposed(id="s", date=day(1), actor="USA", target="RUS", measures=("asset freeze",),
                            targets=(ev.SanctionTarget("FSB", "agency"), ev.SanctionTarget("Bank", "entity", "CYP")))
    s = fold([e])
    assert s.sanctions["USA", "FSB"].target_country == "RUS"
    assert s.sanctions["USA", "Bank"].target_country == "CYP"
    f = ev.ForeignAgentDesignated(id="f", date=day(2), actor="RUS", target="USA",
                                  targets=(ev.SanctionTarget("Radio", "entity"),))
    assert fold([e, f]).sanctions["RUS", "Radio"].target_country == "USA"


# --- the countries a state knows, and its JSON contract ---------------------------------------------------------------


def test_the_countries_a_state_knows_are_those_its_acts_name():
    # a baseline, an incident (with a suspect), a proposal (opens an item) and a praise (a speech act that opens
    # nothing: it changes nothing at all, not even the countries) -- GBR, FRA, DEU, ESP, ITA are named once each
    log = [mission(staff=3),
           ev.IncidentOccurred(id="i", date=day(2), actor="GBR", kind="poisoning", suspected="FRA"),
           ev.ProposalMade(id="p", date=day(3), actor="DEU", target="ESP"),
           ev.PraiseExpressed(id="q", date=day(4), actor="ITA", target="USA")]
    s = fold(log)
    assert s.countries == {"USA", "RUS", "GBR", "FRA", "DEU", "ESP"}
    from diplosim.analysis.projections import state_json
    doc = state_json(s)
    assert list(doc["countries"]) == ["DEU", "ESP", "FRA", "GBR", "RUS", "USA"]      # sorted codes
    assert doc["countries"]["GBR"] == "United Kingdom" and doc["countries"]["RUS"] == "Russian Federation"   # ISO 3166 names


def test_property_acts_and_lifted_caps_name_no_new_country():
    # they act on what the two countries already have between them, so the countries are those of the baseline
    log = [PROPERTY, ev.PropertyClosed(id="c", date=day(2), actor="USA", target="RUS", property="dacha")]
    assert fold(log).countries == {"RUS", "USA"}


# --- the state as a value: its missions by pair, and how it prints ---------------------------------------------------


def test_state_mission_looks_a_mission_up_by_its_sending_and_host_country():
    s = fold([mission(staff=7), mission(id="m2", sending="RUS", host="USA", staff=5)])
    assert s.mission("USA", "RUS").staff == 7 and s.mission("RUS", "USA").staff == 5
    assert s.mission("USA", "GBR") is None and State().mission("USA", "RUS") is None


def test_print_state_shows_its_tables():
    s = fold([mission(staff=7, posts=(ev.Post("Embassy in Moscow"),)), expel("x", 2, 2, deadline=9)],
             until=day(3))
    text = str(s)
    assert text.startswith("State as of 2018-01-03")
    # the mission's row: 7 there, 2 of them ordered out by 9 January
    row = next(line for line in text.splitlines() if "USA" in line and "RUS" in line and "7" in line)
    assert "2" in row and "2018-01-09" in row
    assert "Embassy in Moscow" in text
    assert s._repr_html_().startswith("<h4>")


# --- the clock: departures of uncertain size, closures that take effect later -----------------------------------------


def test_an_old_caps_excess_leaving_never_takes_the_mission_below_those_still_ordered_out():
    # 10 to 20 people; cap 2 with no deadline: 8 to 18 must go (pending until recorded).  The cap is lifted, then 5
    # are expelled (by day 30): at least 8 + 5 = 13 were there.  The old excess leaves on day 5 (recorded): between 8
    # and 18 left, so at most 20 - 8 = 12 remain, and at least the 5 still to leave (13 - 18 would be below zero).
    log = [mission(staff_min=10, staff_max=20),
           ev.MissionCapped(id="c", date=day(1), actor="RUS", target="USA", cap=2),
           ev.MissionCapLifted(id="l", date=day(2), actor="RUS", target="USA"),
           expel("b", 2, 5, deadline=30)]
    assert (fold(log).mission("USA", "RUS").low, fold(log).mission("USA", "RUS").high) == (13, 20)
    m = fold(log + [ev.DiplomatsDeparted(id="g", date=day(5), actor="USA", target="RUS", order="c")]).mission(
        "USA", "RUS")
    assert (m.low, m.high, m.pending_departures) == (5, 12, 5)


def test_an_about_figure_at_the_least_size_stays_when_a_known_number_leaves():
    # at least 10, about 10, at most 20; 3 ordered out with no deadline leave (recorded): at least 7, about 7, at
    # most 17 -- the central figure moves with the known change and is still within the range (at its low end)
    log = [mission(staff_min=10, staff_about=10, staff_max=20), expel("x", 1, 3),
           ev.DiplomatsDeparted(id="g", date=day(4), actor="USA", target="RUS", order="x")]
    m = fold(log).mission("USA", "RUS")
    assert (m.low, m.about, m.high, m.change) == (7, 7, 17, -3)


def test_a_cap_not_met_after_its_deadline_is_refused_with_the_figures():
    # a state no log can reach (every act that would overfill a cap is refused first), built by hand: the clock still
    # refuses to carry it past the cap's deadline, and says what the mission holds
    from diplosim.core.state import Mission
    s = State()
    s.missions["USA", "RUS"] = Mission("USA", "RUS", low=5, high=5, since=day(1), cap=3, cap_deadline=day(2),
                                       cap_event="c")
    s.deadlines.append((day(2), "USA", "RUS"))
    with pytest.raises(RuleViolation) as info:
        at(s, day(3))
    assert (info.value.event_id, info.value.rule) == ("c", E.CAP_NOT_MET)
    assert info.value.detail == "USA mission in RUS has 5 after the deadline, cap 3"
    s.missions["USA", "RUS"].high = None
    with pytest.raises(RuleViolation, match="has at least 5 after the deadline, cap 3"):
        at(s, day(3))
    s.missions["USA", "RUS"].high = 9
    with pytest.raises(RuleViolation, match="has 5-9 after the deadline, cap 3"):
        at(s, day(3))


@pytest.mark.parametrize("other, text", [
    (dict(staff=3), "parity (3)"),
    (dict(staff_min=2, staff_max=4), "parity (2-4)"),
    (dict(staff_min=2), "parity"),
], ids=["exact", "range", "unbounded"])
def test_an_assignment_over_a_parity_cap_names_the_cap_as_known(other, text):
    # The USA has 3 in Russia, capped at parity with the RUS mission in the USA from day 2 (binding on day 3).
    # RUS has exactly 3: the USA keeps 3, and 1 more would make 4 > 3.  RUS has 2 to 4: the USA mission is clamped
    # to at least 2, at most 3; 3 more would make at least 5 > 4 (2 more might fit: at least 4).  RUS has at least 2,
    # no upper bound: clamped to 2..3, and nothing is over a cap with no upper bound: 1 more makes 3..4.
    log = [mission(staff=3), mission(id="r", sending="RUS", host="USA", **other),
           ev.MissionCapped(id="c", date=day(1), actor="RUS", target="USA", parity=True, deadline=day(2))]
    if text == "parity":
        m = fold(log + [assign("a", 3, 1)]).mission("USA", "RUS")
        assert (m.low, m.high) == (3, 4)
        return
    if "2-4" in text:
        m = fold(log + [assign("a", 3, 2)]).mission("USA", "RUS")
        assert (m.low, m.high) == (4, 4)      # let in, so within the cap: at most 4
    e = refused(log, assign("a", 3, 3 if "2-4" in text else 1), E.CAP_NOT_MET)
    assert e.detail.endswith(f"would exceed the cap of {text} set by c")


def test_applying_an_event_lets_a_closure_due_by_its_date_take_effect_first():
    # the consulate is ordered closed on day 2, effective day 5; reopening it on day 6 (one event at a time, and in
    # one fold) finds it closed, so it opens again; on day 4 it is still closing, and cannot be opened
    log = [mission(staff=3, posts=(ev.Post("Consulate", "consulate"),)),
           ev.PostClosed(id="c", date=day(2), actor="RUS", target="USA", post="Consulate", effective=day(5))]
    reopen = ev.PostOpened(id="o", date=day(6), actor="USA", target="RUS", post=ev.Post("Consulate", "consulate"))
    assert apply(fold(log), reopen).mission("USA", "RUS").posts["Consulate"].status == "open"
    s = fold(log)
    apply_in_place(s, reopen)
    assert s.mission("USA", "RUS").posts["Consulate"].status == "open"
    assert fold(log + [reopen]).mission("USA", "RUS").posts["Consulate"].status == "open"
    refused(log, attrs.evolve(reopen, date=day(4)), E.DUPLICATE_POST)
    # a property act, the same: closed on day 5, it may be seized on day 5 (closed, not in use), never closed again
    prop = [PROPERTY, ev.PropertyClosed(id="pc", date=day(2), actor="USA", target="RUS", property="dacha",
                                        effective=day(5))]
    e = refused(prop, ev.PropertyClosed(id="again", date=day(3), actor="USA", target="RUS", property="dacha"),
                E.PROPERTY_TWICE)
    assert e.detail == "dacha is closed from 2018-01-05 (pc)"     # under way: counts as done, from its day
    e = refused(prop, ev.PropertyClosed(id="again", date=day(6), actor="USA", target="RUS", property="dacha"),
                E.PROPERTY_TWICE)
    assert e.detail == "dacha is closed since 2018-01-05 (pc)"    # done
    assert fold(prop + [ev.PropertySeized(id="s", date=day(5), actor="USA", target="RUS",
                                          property="dacha")]).properties["dacha"].status == "seized"


def test_an_event_out_of_date_order_names_the_event_it_comes_after():
    log = [mission(n=5, staff=3), expel("x", 6, 1, deadline=9)]
    with pytest.raises(RuleViolation) as info:
        fold(log + [expel("y", 4, 1, deadline=9)])
    assert info.value.detail == "2018-01-04 comes after 2018-01-06 (x)"
    # the earlier event was in the state the fold continues
    with pytest.raises(RuleViolation) as info:
        fold([expel("y", 4, 1, deadline=9)], state=fold(log))
    assert info.value.detail == "2018-01-04 comes after 2018-01-06 (x)"
    with pytest.raises(RuleViolation) as info:
        apply(fold(log), expel("y", 4, 1, deadline=9))
    assert info.value.detail == "2018-01-04 comes after 2018-01-06 (x)"


def test_an_about_figure_at_the_upper_bound_moves_with_an_assignment():
    # at least 5, about 10, at most 10; 2 assigned: at least 7, about 12, at most 12 (the central figure may sit at
    # either end of the range)
    m = fold([mission(staff_min=5, staff_about=10, staff_max=10), assign("a", 2, 2)]).mission("USA", "RUS")
    assert (m.low, m.about, m.high, m.change) == (7, 12, 12, 2)


def test_a_cap_on_a_range_counts_those_leaving_before_its_deadline():
    # 10 to 20 people; 4 ordered out by day 3; cap 12 by day 5.  After day 3 at most 16 remain, so at most 4 more
    # must go by day 5 (at least none: 10 - 4 = 6 may be all there is).  Pending: 4 sure, at most 8.
    log = [mission(staff_min=10, staff_max=20), expel("x", 1, 4, deadline=3), cap("c", 2, 12, deadline=5)]
    m = fold(log).mission("USA", "RUS")
    assert (m.pending_departures, m.pending_most, m.remaining()) == (4, 8, (2, 16))
    # 5 to 10 people, 3 ordered out by day 3, cap 8 by day 5: at most 7 remain, within the cap, so the cap sends no
    # one home (no departure of its own)
    log = [mission(staff_min=5, staff_max=10), expel("x", 1, 3, deadline=3), cap("c", 2, 8, deadline=5)]
    m = fold(log).mission("USA", "RUS")
    assert [d.event_id for d in m.departures] == ["x"] and (m.pending_departures, m.pending_most) == (3, 3)

"""Stated facts of play pinned one by one (issue #13, the systematic pass), the calendar half: the deadlines, orders
and notes of a plan, what a real act amounts to, play's checks at their thresholds with their exact messages, and
what a side sees and does in play (rounds and days, noise and tremble, history and world events, lag, targets).

Expectations come from README.md and the docstrings (what a user is told), not from running the code."""
from __future__ import annotations

import datetime
import random

import pytest

from diplosim.core import events as ev
from diplosim.core.errors import InputError
from diplosim.core.fold import fold
from diplosim.core.limits import limit
from diplosim.play.calendar import LATEST_HORIZON, Policy, Stop, play
from diplosim.play.measures import (
    CAP_DEADLINE_DAYS,
    EXPEL_DEADLINE_DAYS,
    actual,
    plan,
    present,
)
from diplosim.play.strategies import Measure, Package, get
from diplosim.play.strategies.base import Strategy

D1 = datetime.date(2018, 1, 1)
DAY = datetime.timedelta(days=1)


# --- a plan's deadlines, posts and sanctions -------------------------------------------------------------------------


def _mission(**figure):
    return fold([ev.MissionEstablished(id="m", date=D1, actor="RUS", target="USA", **figure)])


def test_the_documented_deadlines_are_seven_days_to_leave_and_thirty_to_meet_a_cap():
    assert (EXPEL_DEADLINE_DAYS, CAP_DEADLINE_DAYS) == (7, 30)
    s = _mission(staff=50)
    [c], _ = plan(s, "USA", "RUS", Measure("expel", 3), D1)
    assert c.deadline == D1 + 7 * DAY
    [c], _ = plan(s, "USA", "RUS", Measure("cap", 10), D1)
    assert c.deadline == D1 + 30 * DAY
    [c], _ = plan(s, "USA", "RUS", Measure("expel", 3, deadline_days=2), D1)
    assert c.deadline == D1 + 2 * DAY
    [c], _ = plan(s, "USA", "RUS", Measure("cap", 10, deadline_days=0), D1)
    assert c.deadline == D1


def test_a_cap_no_harsher_than_the_one_in_force_is_nothing_to_cap():
    s = _mission(staff=50)
    s2 = fold([ev.MissionCapped(id="c", date=D1, actor="USA", target="RUS", cap=10, deadline=D1 + 30 * DAY)],
              state=s)
    for size in (10, 11):
        assert plan(s2, "USA", "RUS", Measure("cap", size), D1) == \
            ([], "nothing to cap: the RUS mission is capped at 10 already")
    [c], note = plan(s2, "USA", "RUS", Measure("cap", 9), D1)
    assert (c.cap, note) == (9, None)
    assert plan(fold([]), "USA", "RUS", Measure("cap", 9), D1) == ([], "nothing to cap: RUS has no mission in USA")


def test_expelling_exactly_everyone_left_is_not_cut_and_one_more_is():
    s = _mission(staff=5)
    [c], note = plan(s, "USA", "RUS", Measure("expel", 5), D1)
    assert (c.count, note) == (5, None)
    [c], note = plan(s, "USA", "RUS", Measure("expel", 6), D1)
    assert (c.count, note) == (5, "clamped: asked to expel 6, only 5 of the RUS mission remained")
    [c], note = plan(_mission(staff_min=2, staff_max=5), "USA", "RUS", Measure("expel", 6), D1)
    assert (c.count, note) == (5, "clamped: asked to expel 6, at most 5 of the RUS mission remained")
    gone = fold([ev.DiplomatsExpelled(id="x", date=D1, actor="USA", target="RUS", count=5, deadline=D1 + 7 * DAY)],
                state=s)
    assert plan(gone, "USA", "RUS", Measure("expel", 1), D1) == \
        ([], "nothing to expel: no one of the RUS mission in USA remains")


def test_expelling_exactly_the_known_least_implies_nothing_and_one_more_does():
    s = _mission(staff_min=4, staff_max=50)
    assert plan(s, "USA", "RUS", Measure("expel", 4), D1)[1] is None
    assert plan(s, "USA", "RUS", Measure("expel", 5), D1)[1] == \
        "the RUS mission's size is not known exactly: expelling 5 implies at least 5 were there"


def test_new_sanction_targets_are_numbered_from_1_and_skip_names_already_taken():
    s = fold([])
    [c], note = plan(s, "USA", "RUS", Measure("sanction", 2), D1)
    assert [t.name for t in c.targets] == ["RUS entity 1", "RUS entity 2"] and note is None
    s = fold([ev.SanctionsImposed(id="s", date=D1, actor="USA", target="RUS",
                                  targets=(ev.SanctionTarget("RUS entity 2", "entity", "RUS"),), measures=("asset freeze",))])
    [c], _ = plan(s, "USA", "RUS", Measure("sanction", 2), D1)
    assert [t.name for t in c.targets] == ["RUS entity 1", "RUS entity 3"]


def test_what_was_done_is_the_clamped_size_with_the_deadline_kept():
    s = _mission(staff=5)
    m = Measure("expel", 9, deadline_days=3)
    cmds, _ = plan(s, "USA", "RUS", m, D1)
    assert actual(m, cmds) == Measure("expel", 5, deadline_days=3) and actual(m, cmds).deadline_days == 3


def test_staff_present_is_known_only_for_an_exact_mission_and_counts_those_not_ordered_out():
    assert present(_mission(staff=10), "RUS", "USA") == 10
    assert present(_mission(staff_min=2, staff_max=5), "RUS", "USA") is None
    assert present(_mission(staff=10), "USA", "RUS") is None
    s = fold([ev.DiplomatsExpelled(id="x", date=D1, actor="USA", target="RUS", count=3, deadline=D1 + 7 * DAY)],
             state=_mission(staff=10))
    assert present(s, "RUS", "USA") == 7


# --- play's checks at their thresholds -------------------------------------------------------------------------------


def _play(extra=(), **kw):
    both = fold([ev.MissionEstablished(id="m", date=D1, actor="RUS", target="USA", staff=50),
                 ev.MissionEstablished(id="n", date=D1, actor="USA", target="RUS", staff=50), *extra])
    args = {"start": D1, "horizon": D1 + 2 * DAY, "seed": 0}
    args.update(kw)
    pols = args.pop("pols", [Policy("RUS", "restraint"), Policy("USA", "restraint")])
    return play(both, pols, **args)


def test_a_lag_of_zero_is_taken_and_a_negative_one_refused():
    assert Policy("USA", "restraint", lag_days=0).lag_days == 0
    with pytest.raises(InputError) as err:
        Policy("USA", "restraint", lag_days=-1)
    assert str(err.value) == "policy: lag_days must not be negative (got -1)"
    with pytest.raises(InputError, match=r"^policy: round_days must be at least 1 \(got 0\)$"):
        Policy("USA", "restraint", round_days=0)
    with pytest.raises(InputError, match=r"^policy: rounds must be at least 1 \(got 0\)$"):
        Stop(rounds=0)
    with pytest.raises(InputError, match=r"^policy: quiet_rounds must be at least 1 \(got 0\)$"):
        Stop(quiet_rounds=0)
    assert Stop(rounds=1, quiet_rounds=1).rounds == 1


def test_a_lag_is_bounded_by_the_step_limit_with_its_message():
    days = limit("MAX_STEP_DAYS")
    assert Policy("USA", "restraint", lag_days=days).lag_days == days
    with pytest.raises(InputError, match=rf"^lag_days must be at most {days:,} \(got {days + 1}\) "):
        Policy("USA", "restraint", lag_days=days + 1)


@pytest.mark.parametrize("name", ["noise", "tremble"])
def test_noise_and_tremble_take_0_and_1_and_refuse_just_outside(name):
    for ok in (0.0, 1.0):
        assert _play(**{name: ok}).stopped
    for bad in (-0.01, 1.01):
        with pytest.raises(InputError) as err:
            _play(**{name: bad})
        assert str(err.value) == f"{name} must be between 0 and 1 (got {bad:g})"


def test_a_round_of_play_is_from_1_day_to_the_step_limit():
    days = limit("MAX_STEP_DAYS")
    assert _play(round_days=1).stopped and _play(round_days=days).stopped
    for bad in (0, days + 1):
        with pytest.raises(InputError) as err:
            _play(round_days=bad)
        assert str(err.value) == f"round_days must be from 1 to {days:,} (got {bad})"


def test_play_of_one_day_is_taken_and_a_horizon_before_the_start_refused():
    r = _play(horizon=D1)
    assert {x.date for x in r.rounds} == {D1}   # the horizon is a decision day itself
    with pytest.raises(InputError) as err:
        _play(horizon=D1 - DAY)
    assert str(err.value) == "horizon 2017-12-31 is before the start 2018-01-01"


def test_play_ends_by_the_latest_horizon_and_not_a_day_later(monkeypatch):
    monkeypatch.setenv("DIPLOSIM_MAX_PLAY_DAYS", "100000000")
    start = LATEST_HORIZON - DAY
    assert _play(start=start, horizon=LATEST_HORIZON).stopped
    with pytest.raises(InputError, match=rf"^horizon {LATEST_HORIZON + DAY}: play ends by {LATEST_HORIZON} at the "):
        _play(start=start, horizon=LATEST_HORIZON + DAY)


def test_play_of_exactly_the_day_limit_is_taken(monkeypatch):
    monkeypatch.setenv("DIPLOSIM_MAX_PLAY_DAYS", "10")
    assert _play(horizon=D1 + 10 * DAY, round_days=30).stopped


def test_play_starts_on_the_states_last_event_at_the_earliest():
    assert _play(start=D1).stopped
    with pytest.raises(InputError) as err:
        _play(start=D1 - DAY, horizon=D1)
    assert str(err.value) == "play starts on 2017-12-31, before the state's last event (2018-01-01)"


def test_policies_are_refused_when_they_name_the_wrong_country_twice_or_none():
    with pytest.raises(InputError, match=r"^policy for RUS names country USA$"):
        _play(pols={"RUS": Policy("USA", "restraint")})
    with pytest.raises(InputError, match=r"^two policies for RUS$"):
        _play(pols=[Policy("RUS", "restraint"), Policy("RUS", "restraint")])
    with pytest.raises(InputError, match=r"^play needs at least one policy$"):
        _play(pols=[])
    with pytest.raises(InputError, match=r"^a country is named twice in play: RUS, USA, RUS$"):
        _play(countries=("RUS", "USA", "RUS"))
    with pytest.raises(InputError, match=r"^a policy for USA, which is not among the countries in play \(RUS, GBR\)$"):
        _play(countries=("RUS", "GBR"))
    with pytest.raises(InputError, match=r"^the policy of RUS answers RUS, which is not a counterpart in play$"):
        _play(pols=[Policy("RUS", "restraint", against=("RUS",)), Policy("USA", "restraint")])
    with pytest.raises(InputError, match=r"^the policy of RUS answers GBR, which is not a counterpart in play$"):
        _play(pols=[Policy("RUS", "restraint", against=("GBR",)), Policy("USA", "restraint")])
    assert _play(pols={"RUS": "restraint", "USA": "restraint"}).stopped


@pytest.mark.parametrize("rounds", [1, 2])
def test_a_front_decides_at_most_the_given_number_of_rounds(rounds):
    r = _play(horizon=D1 + 9 * DAY, round_days=1, stop=Stop(rounds=rounds))
    assert len([x for x in r.rounds if x.country == "RUS"]) == rounds


@pytest.mark.parametrize("floor,stops", [(45, False), (46, False), (47, True)])
@pytest.mark.parametrize("host,sending", [("USA", "RUS"), ("RUS", "USA")])
@pytest.mark.parametrize("host_first", [True, False])
def test_play_stops_when_a_mission_is_surely_below_the_floor_not_at_it(floor, stops, host, sending, host_first):
    # the host expels 4 of the 50 on day 0: 46 remain after departures (whichever country is named first)
    r = _play(pols=[Policy(host, get("always-hostile", size=4)), Policy(sending, "restraint")], horizon=D1,
              stop=Stop(floor=floor), countries=(host, sending) if host_first else (sending, host))
    assert (r.stopped.startswith(f"the {sending} mission in {host} fell below")) is stops
    if stops:
        assert r.stopped == f"the {sending} mission in {host} fell below {floor} (46 after departures)"


def test_a_mission_below_the_floor_at_the_start_stops_play_at_once():
    r = _play(stop=Stop(floor=51))
    assert r.stopped.endswith("fell below 51 (50 after departures)") and len(r) == 0 and r.as_of == D1


# --- what a side sees and does in play ------------------------------------------------------------------------------


class _Notes(Strategy):
    """Restraint, noting the round and day of each decision it is asked for."""
    name = "notes-for-test"

    def respond(self, view):
        _Notes.seen.append((view.round, view.day))


def test_a_decision_knows_its_round_from_1_and_its_day_from_the_start():
    _Notes.seen = []
    _play(pols=[Policy("RUS", _Notes(), round_days=3), Policy("USA", "restraint")], horizon=D1 + 7 * DAY)
    assert _Notes.seen == [(1, 0), (2, 3), (3, 6)]


def test_with_noise_of_one_a_measure_is_seen_as_restraint_and_restraint_as_the_latest_measure():
    r = _play(pols=[Policy("RUS", "tit-for-tat", round_days=1), Policy("USA", get("always-hostile", size=4))],
              noise=1.0)
    rus = [x for x in r.rounds if x.country == "RUS"]
    # the USA (a round of 7 days) expels 4 on day 0 only: RUS sees that as restraint on day 1, and the USA's
    # restraint since day 1 as its latest measure on day 2
    assert [(x.perceived, x.misperceived) for x in rus] == [(None, False), (None, True), (Measure("expel", 4), True)]
    r = _play(pols=[Policy("RUS", "tit-for-tat", round_days=1), Policy("USA", "restraint")], noise=1.0)
    rus = [x for x in r.rounds if x.country == "RUS"]
    # the USA never struck: restraint is seen as an expulsion of 5
    assert [x.perceived for x in rus] == [None, Measure("expel", 5), Measure("expel", 5)]


def test_with_tremble_of_one_every_decision_comes_out_the_other_way():
    r = _play(tremble=1.0)
    assert {str(x.move) for x in r.rounds} == {"expel 5"}
    r = _play(pols=[Policy("RUS", get("always-hostile", size=1)), Policy("USA", get("always-hostile", size=1))],
              tremble=1.0)
    assert {x.move for x in r.rounds} == {None} and len(r) == 0


def test_history_is_what_came_before_the_start_and_world_events_what_comes_from_it():
    def expel(day, id="h"):
        return ev.DiplomatsExpelled(id=id, date=D1 + day * DAY, actor="USA", target="RUS", count=3,
                                    deadline=D1 + (day + 7) * DAY)
    pols = [Policy("RUS", "tit-for-tat"), Policy("USA", "restraint")]
    before = fold([ev.MissionEstablished(id="m", date=D1 - 2 * DAY, actor="RUS", target="USA", staff=50),
                   ev.MissionEstablished(id="n", date=D1 - 2 * DAY, actor="USA", target="RUS", staff=50)])
    first = [x.move for x in play(before, pols, start=D1, horizon=D1, seed=0, history=[expel(-1)]).rounds
             if x.country == "RUS"]
    assert first == [Measure("expel", 3)]
    first = [x.move for x in play(before, pols, start=D1, horizon=D1, seed=0, history=[expel(0)]).rounds
             if x.country == "RUS"]
    assert first == [None]
    r = play(before, pols, start=D1, horizon=D1, seed=0, world_events=[expel(-1, "w0"), expel(0, "w1")])
    assert [e.id for e in r if e.id.startswith("w")] == ["w1"]


def test_a_move_takes_effect_lag_days_later_and_is_pending_if_play_stops_before():
    r = _play(pols=[Policy("USA", get("always-hostile", size=1), lag_days=2), Policy("RUS", "restraint")],
              horizon=D1 + DAY)
    usa = [x for x in r.rounds if x.country == "USA"]
    assert [x.effect_date for x in usa] == [D1 + 2 * DAY]
    assert [x.outcome for x in r.pending] == ["not in effect when play stopped"] and len(r) == 0
    r = _play(pols=[Policy("USA", get("always-hostile", size=1), lag_days=2), Policy("RUS", "restraint")],
              horizon=D1 + 2 * DAY)
    assert [(e.date, e.count) for e in r] == [(D1 + 2 * DAY, 1)] and not r.pending


def test_a_round_records_its_target_only_when_more_than_two_countries_play():
    r = _play(horizon=D1)
    assert all("target" not in x.row() for x in r.rounds) and r.rounds[0].row()["move"] == "restraint"
    assert r.rounds[0].row()["done"] == "-"
    r = _play(horizon=D1, countries=("RUS", "USA", "GBR"))
    assert {(x.country, x.row()["target"]) for x in r.rounds} == \
        {("RUS", "USA"), ("RUS", "GBR"), ("USA", "RUS"), ("USA", "GBR")}


def test_play_stops_when_an_embassy_in_play_closes_and_goes_on_when_that_stop_is_not_asked():
    posts = (ev.Post("Moscow embassy", "embassy"), ev.Post("Vladivostok consulate", "consulate"))
    s = fold([ev.MissionEstablished(id="m", date=D1, actor="USA", target="RUS", staff=50, posts=posts),
              ev.MissionEstablished(id="n", date=D1, actor="RUS", target="USA", staff=50)])
    pols = [Policy("RUS", get("always-hostile", kind="close_post", size=1), round_days=1), Policy("USA", "restraint")]
    r = play(s, pols, start=D1, horizon=D1 + 14 * DAY, seed=0, stop=Stop(embassy_closed=True))
    # the consulate goes first (least important first), on day 0; the embassy on day 1 stops play
    assert r.stopped == "the Moscow embassy (USA) was closed" and r.as_of == D1 + DAY
    assert play(s, pols, start=D1, horizon=D1 + 14 * DAY, seed=0).stopped == f"horizon {D1 + 14 * DAY} reached"




class _Half(random.Random):
    """A random source whose every draw is exactly 0.5."""

    def random(self):
        return 0.5


@pytest.mark.parametrize("p,flipped", [(0.5, False), (0.5000001, True)])
def test_noise_and_tremble_strike_only_on_draws_below_their_probability(monkeypatch, p, flipped):
    from diplosim.play import calendar

    monkeypatch.setattr(calendar.random, "Random", _Half)
    r = _play(pols=[Policy("RUS", "tit-for-tat", round_days=1), Policy("USA", "restraint")], noise=p)
    assert [x.misperceived for x in r.rounds if x.country == "RUS"] == [False, flipped, flipped]
    r = _play(tremble=p)
    assert all((x.move is not None) is flipped for x in r.rounds)


# --- what a real act amounts to, and what a plan picks --------------------------------------------------------------


def _act(cls, **kw):
    return cls(id="x", date=D1, actor="USA", target="RUS", **kw)


@pytest.mark.parametrize("event,measure", [
    (lambda: _act(ev.DiplomatsExpelled, count=35), Measure("expel", 35)),
    (lambda: _act(ev.PostClosed, post="Seattle"), Measure("close_post", 1)),
    (lambda: _act(ev.PropertyAccessSuspended, property="p"), Measure("suspend_property", 1)),
    (lambda: _act(ev.PropertyClosed, property="p"), Measure("close_property", 1)),
    (lambda: _act(ev.PropertySeized, property="p"), Measure("seize_property", 1)),
    (lambda: _act(ev.SanctionsImposed, measures=("visa ban",), targets=(ev.SanctionTarget("a", "entity", "RUS"),
                                                                        ev.SanctionTarget("b", "entity", "RUS"))),
     Measure("sanction", 2)),
    (lambda: _act(ev.SanctionsImposed, measures=("visa ban",), count=24,
                  targets=(ev.SanctionTarget("a", "entity", "RUS"),)), Measure("sanction", 24)),
    (lambda: _act(ev.CriticismVoiced), None),
])
def test_a_real_act_amounts_to_the_measure_of_its_kind_and_count(event, measure):
    from diplosim.play.measures import as_measure

    assert as_measure(event()) == measure


def _props(*statuses):
    evs = [ev.MissionEstablished(id="m", date=D1, actor="RUS", target="USA", staff=10)]
    verbs = {"access_suspended": ev.PropertyAccessSuspended, "closed": ev.PropertyClosed}
    for i, status in enumerate(statuses):
        pid = f"p{len(statuses) - i}"   # ids run against the order of preference
        evs.append(ev.PropertyRegistered(id=f"r{i}", date=D1, actor="RUS", target="USA", property=pid, name=pid))
        if status in verbs:
            evs.append(verbs[status](id=f"v{i}", date=D1, actor="USA", target="RUS", property=pid))
    return fold(evs)


def test_a_property_measure_takes_properties_in_use_first_and_says_when_it_is_cut():
    s = _props("access_suspended", "in_use")          # p2 suspended, p1 in use
    cmds, note = plan(s, "USA", "RUS", Measure("close_property", 1), D1)
    assert [c.property for c in cmds] == ["p1"] and note is None
    cmds, note = plan(s, "USA", "RUS", Measure("close_property", 3), D1)
    assert [c.property for c in cmds] == ["p1", "p2"]
    assert note == "clamped: asked to close property 3, only 2 possible"
    assert actual(Measure("close_property", 3), cmds) == Measure("close_property", 2)
    assert plan(s, "USA", "RUS", Measure("suspend_property", 2), D1)[1] == \
        "clamped: asked to suspend property 2, only 1 possible"   # a suspended property is not suspended again
    s = _props("closed", "in_use")
    assert [c.property for c in plan(s, "USA", "RUS", Measure("seize_property", 2), D1)[0]] == ["p1", "p2"]


def test_closing_more_posts_than_are_open_is_cut_to_the_open_ones_with_a_note():
    posts = (ev.Post("Seattle", "consulate"),)
    s = fold([ev.MissionEstablished(id="m", date=D1, actor="RUS", target="USA", staff=10, posts=posts)])
    cmds, note = plan(s, "USA", "RUS", Measure("close_post", 3), D1)
    assert [c.post for c in cmds] == ["Seattle"] and note == "clamped: asked to close 3 posts, only 1 open"
    assert plan(s, "USA", "RUS", Measure("close_post", 1), D1)[1] is None


def test_a_parity_cap_is_a_cap_of_no_figure_and_is_not_set_twice():
    s = _mission(staff=10)
    [c], note = plan(s, "USA", "RUS", Measure("cap", 0, parity=True), D1)
    assert (c.cap, c.parity, note) == (None, True, None)
    s = fold([ev.MissionCapped(id="c", date=D1, actor="USA", target="RUS", parity=True, deadline=D1 + 30 * DAY)],
             state=s)
    assert plan(s, "USA", "RUS", Measure("cap", 0, parity=True), D1) == \
        ([], "nothing to cap: the RUS mission is capped at parity already")


# --- more of play --------------------------------------------------------------------------------------------------


def test_an_empty_package_is_restraint_and_a_clamped_expulsion_says_so():
    class Nothing(Strategy):
        name = "nothing-for-test"

        def respond(self, view):
            return Package()
    r = _play(pols=[Policy("USA", Nothing()), Policy("RUS", "restraint")], horizon=D1)
    assert [x.move for x in r.rounds] == [None, None] and [x.outcome for x in r.rounds] == ["restraint"] * 2
    r = _play(pols=[Policy("USA", get("always-hostile", size=60)), Policy("RUS", "restraint")], horizon=D1)
    [usa] = [x for x in r.rounds if x.country == "USA"]
    assert usa.outcome == "expel 50 (clamped)" and usa.actual == Measure("expel", 50)
    assert usa.note == "clamped: asked to expel 60, only 50 of the RUS mission remained"


def test_a_policy_against_some_counterparts_decides_on_those_fronts_only():
    r = _play(pols=[Policy("RUS", "restraint", against=("GBR",)), Policy("USA", "restraint")], horizon=D1,
              countries=("RUS", "USA", "GBR"))
    assert sorted((x.country, x.target) for x in r.rounds) == [("RUS", "GBR"), ("USA", "GBR"), ("USA", "RUS")]


def test_expelling_the_last_one_left_is_possible():
    [c], note = plan(_mission(staff=1), "USA", "RUS", Measure("expel", 1), D1)
    assert (c.count, note) == (1, None)


def test_a_real_parity_cap_amounts_to_the_parity_cap_an_answer_in_kind_takes():
    from diplosim.play.measures import as_measure

    e = ev.MissionCapped(id="c", date=D1, actor="USA", target="RUS", parity=True, deadline=D1 + 30 * DAY)
    assert as_measure(e) == Measure("cap", 0, parity=True)


def test_the_latest_horizon_is_a_year_before_the_end_of_the_calendar():
    from diplosim.core.limits import MAX_DATE

    # README, "Limits": "play ends by 2998-12-31, a year before"
    assert MAX_DATE == datetime.date(2999, 12, 31) and LATEST_HORIZON == datetime.date(2998, 12, 31)


def test_a_world_event_that_has_become_impossible_is_dropped_with_its_reason():
    lifted = ev.MissionCapLifted(id="w", date=D1 + DAY, actor="USA", target="RUS")
    r = _play(world_events=[lifted])
    [(e, reason)] = r.dropped
    assert e is lifted and reason.startswith("impossible in play: ") and "w" not in [x.id for x in r]


class _FirstOnly(Strategy):
    """An expulsion of 1 at its first decision, restraint after."""
    name = "first-only-for-test"

    def respond(self, view):
        return Measure("expel", 1) if view.round == 1 else None


@pytest.mark.parametrize("lag,last_day", [(0, 2), (2, 4)])
def test_quiet_rounds_count_from_the_last_day_a_hostile_move_was_decided_or_took_effect(lag, last_day):
    # both decide daily; the USA strikes on day 0, in effect on day ``lag``: quiet for 2 decision days after that
    r = _play(pols=[Policy("USA", _FirstOnly(), lag_days=lag, round_days=1), Policy("RUS", "restraint", round_days=1)],
              horizon=D1 + 9 * DAY, stop=Stop(quiet_rounds=2))
    assert r.stopped == "every front quiet for 2 rounds" and r.as_of == D1 + last_day * DAY


def test_moves_pending_when_play_stops_are_listed_by_the_day_they_would_take_effect():
    r = _play(pols=[Policy("RUS", get("always-hostile", size=1), lag_days=5),
                    Policy("USA", get("always-hostile", size=1), lag_days=1)], horizon=D1)
    assert [(x.country, x.effect_date) for x in r.pending] == [("USA", D1 + DAY), ("RUS", D1 + 5 * DAY)]


@pytest.mark.parametrize("event,last_day", [
    (ev.MissionCapLifted(id="w", date=D1 + DAY, actor="USA", target="RUS"), 1),          # impossible: dropped
    (ev.CriticismVoiced(id="w", date=D1 + DAY, actor="USA", target="RUS"), 1),           # no measure
    (ev.DiplomatsExpelled(id="w", date=D1 + DAY, actor="RUS", target="FRA", count=1,     # against one not in play
                          deadline=D1 + 8 * DAY), 1),
    (ev.DiplomatsExpelled(id="w", date=D1 + DAY, actor="USA", target="RUS", count=1,     # a hostile act in play
                          deadline=D1 + 8 * DAY), 3),
])
def test_only_a_hostile_act_between_countries_in_play_breaks_a_quiet_spell(event, last_day):
    fra = [ev.MissionEstablished(id="f", date=D1, actor="FRA", target="RUS", staff=10)]
    r = _play(extra=fra, pols=[Policy("RUS", "restraint", round_days=1), Policy("USA", "restraint", round_days=1)],
              horizon=D1 + 9 * DAY, world_events=[event], stop=Stop(quiet_rounds=2))
    assert r.stopped == "every front quiet for 2 rounds" and r.as_of == D1 + last_day * DAY


def test_moves_pending_for_one_day_are_listed_in_the_order_they_were_decided():
    r = _play(pols=[Policy("USA", get("always-hostile", size=1), lag_days=5),
                    Policy("RUS", get("always-hostile", size=1), lag_days=5)], horizon=D1)
    assert [x.country for x in r.pending] == ["USA", "RUS"]


def test_a_mission_of_a_country_not_in_play_never_stops_play():
    # RUS, the USA and Britain play; RUS expels 8 of the 10 French diplomats (a real event): below the floor of 5,
    # but France is not in play
    fra = [ev.MissionEstablished(id="f", date=D1, actor="FRA", target="RUS", staff=10),
           ev.MissionEstablished(id="g", date=D1, actor="GBR", target="RUS", staff=50)]
    out = ev.DiplomatsExpelled(id="w", date=D1 + DAY, actor="RUS", target="FRA", count=8, deadline=D1 + 8 * DAY)
    r = _play(extra=fra, countries=("RUS", "USA", "GBR"), world_events=[out], stop=Stop(floor=5))
    assert r.stopped == f"horizon {D1 + 2 * DAY} reached" and "w" in [e.id for e in r]


def test_the_known_least_that_an_expulsion_is_weighed_against_leaves_out_those_already_ordered_out():
    # at least 10 there, 6 already ordered out: 4 are surely left, so expelling 5 implies at least 6 + 5
    s = fold([ev.DiplomatsExpelled(id="x", date=D1, actor="USA", target="RUS", count=6, deadline=D1 + 7 * DAY)],
             state=_mission(staff_min=10, staff_max=50))
    assert plan(s, "USA", "RUS", Measure("expel", 4), D1)[1] is None
    assert plan(s, "USA", "RUS", Measure("expel", 5), D1)[1] == \
        "the RUS mission's size is not known exactly: expelling 5 implies at least 11 were there"


def test_closing_two_posts_closes_both_and_a_package_stops_where_play_stops():
    posts = (ev.Post("Moscow embassy", "embassy"), ev.Post("A consulate", "consulate"),
             ev.Post("B consulate", "consulate"))
    s = fold([ev.MissionEstablished(id="m", date=D1, actor="USA", target="RUS", staff=50, posts=posts),
              ev.MissionEstablished(id="n", date=D1, actor="RUS", target="USA", staff=50)])

    class Both(Strategy):
        name = "close-then-expel-for-test"

        def respond(self, view):
            return Package((Measure("close_post", 3), Measure("expel", 2)))
    r = play(s, [Policy("RUS", get("always-hostile", kind="close_post", size=2)), Policy("USA", "restraint")],
             start=D1, horizon=D1, seed=0)
    assert [e.post for e in r] == ["A consulate", "B consulate"]
    r = play(s, [Policy("RUS", Both()), Policy("USA", "restraint")], start=D1, horizon=D1, seed=0,
             stop=Stop(embassy_closed=True))
    assert [e.type for e in r] == ["PostClosed"] * 3 and r.stopped == "the Moscow embassy (USA) was closed"


def test_a_mission_below_the_floor_stops_play_when_the_other_side_has_no_mission():
    s = fold([ev.MissionEstablished(id="m", date=D1, actor="RUS", target="USA", staff=50)])
    r = play(s, [Policy("USA", get("always-hostile", size=4)), Policy("RUS", "restraint")], start=D1, horizon=D1,
             seed=0, stop=Stop(floor=47))
    assert r.stopped == "the RUS mission in USA fell below 47 (46 after departures)"

"""Stated facts of play pinned one by one (issue #13, the systematic pass): each strategy's metadata and defaults as
its docstring and README state them, every parameter check at its limit and one past it with its exact message, the
documented deadlines and orders of a plan, and the thresholds of play's checks at, below and above the threshold.

Expectations come from README.md and the docstrings (what a user is told), not from running the code."""
from __future__ import annotations

import datetime
import math
import random

import pytest

from diplosim.core import events as ev
from diplosim.core.errors import InputError
from diplosim.core.fold import fold
from diplosim.core.limits import limit
from diplosim.play.calendar import LATEST_HORIZON, Policy, Stop, play
from diplosim.play.measures import CAP_DEADLINE_DAYS, EXPEL_DEADLINE_DAYS, actual, plan, present
from diplosim.play.strategies import REGISTRY, Measure, Package, View, get, parse_spec
from diplosim.play.strategies.base import DEFAULT_SIZE, Strategy, parse_package

D1 = datetime.date(2018, 1, 1)
DAY = datetime.timedelta(days=1)
INF = math.inf
GRAD = "expel:10>close_post:1>cap:parity"

# name: (display name, memory depth, stochastic, axelrod class, multilateral, parameters and defaults).  Memory
# depth: how many past rounds the docstring says the answer reads (restraint, always-hostile and random read none;
# grim-trigger, go-by-majority, delayed and the multilateral strategies read the whole history or a dated window).
TABLE = {
    "restraint": ("Restraint", 0, False, "Cooperator", False, {}),
    "always-hostile": ("Always hostile", 0, False, "Defector", False, {"kind": "expel", "size": 5}),
    "tit-for-tat": ("Tit for tat", 1, False, "TitForTat", False, {}),
    "tit-for-two-tats": ("Tit for two tats", 2, False, "TitFor2Tats", False, {}),
    "two-tits-for-tat": ("Two tits for tat", 2, False, "TwoTitsForTat", False, {}),
    "generous-tit-for-tat": ("Generous tit for tat", 1, True, "GTFT", False, {"p": 1 / 3}),
    "suspicious-tit-for-tat": ("Suspicious tit for tat", 1, False, "SuspiciousTitForTat", False,
                               {"kind": "expel", "size": 5}),
    "grim-trigger": ("Grim trigger", INF, False, "Grudger", False, {}),
    "win-stay-lose-shift": ("Win-stay, lose-shift", 1, False, "WinStayLoseShift", False, {}),
    "go-by-majority": ("Go by majority", INF, False, "GoByMajority", False, {}),
    "alternator": ("Alternator", 1, False, "Alternator", False, {"kind": "expel", "size": 5}),
    "random": ("Random", 0, True, "Random", False, {"p": 0.5, "kind": "expel", "size": 5}),
    "proportional": ("Proportional", 1, False, None, False, {"factor": 2.0}),
    "parity-cap": ("Parity cap", 1, False, None, False, {}),
    "escalator": ("Escalator", 1, False, None, False, {}),
    "delayed": ("Delayed", INF, False, None, False, {"strategy": "tit-for-tat", "days": None, "trigger": None}),
    "mirror-each": ("Mirror each", INF, False, None, True, {"memory": 30}),
    "solidarity": ("Solidarity", INF, False, None, True,
                   {"threshold": 2, "size": "median", "bloc": None, "memory": 30}),
    "lead-and-follow": ("Lead and follow", INF, False, None, True, {"lead": 2.0, "follow": 1.0, "memory": 30}),
    "proportional-to-bloc": ("Proportional to bloc", INF, False, None, True, {"factor": 1.0, "memory": 30}),
    "graduated": ("Graduated", INF, False, None, True, {"ladder": GRAD}),
}


def test_the_registry_holds_exactly_the_strategies_readme_lists():
    assert set(REGISTRY) == set(TABLE)


@pytest.mark.parametrize("name", sorted(TABLE))
def test_each_strategy_declares_its_documented_metadata_and_defaults(name):
    display, depth, stochastic, axelrod, multilateral, params = TABLE[name]
    cls = REGISTRY[name]
    assert (cls.name, cls.display_name, cls.memory_depth, cls.stochastic, cls.axelrod, cls.multilateral) == \
        (name, display, depth, stochastic, axelrod, multilateral)
    assert cls.parameters() == pytest.approx(params) if params else cls.parameters() == {}
    made = get(name)
    assert made.params() == pytest.approx(params) if params else made.params() == {}
    assert made.label == (name if name != "delayed" else "delayed(tit-for-tat)")   # no parameter changed
    meta = cls.metadata()
    assert meta["memory_depth"] == ("inf" if depth == INF else depth) and meta["stochastic"] is stochastic
    assert meta["axelrod"] == axelrod and meta["name"] == name and meta["display_name"] == display


def test_metadata_shows_a_fraction_to_six_places():
    assert REGISTRY["generous-tit-for-tat"].metadata()["parameters"] == {"p": 0.333333}


def test_the_opening_measure_is_an_expulsion_of_the_default_size_of_five():
    assert DEFAULT_SIZE == 5
    assert get("random", p=1).respond(View()) == Measure("expel", 5)
    assert get("tit-for-tat").opening() == Measure("expel", 5)   # a strategy without kind or size opens the same


# --- parameter checks: at the limit and one past it ---------------------------------------------------------------


@pytest.mark.parametrize("p", [0.0, 1.0, "0", "1"])
def test_a_probability_of_exactly_never_or_always_is_accepted(p):
    assert get("random", p=p).p == float(p)


@pytest.mark.parametrize("p,shown", [(-0.001, "-0.001"), (1.001, "1.001")])
def test_a_probability_just_outside_0_to_1_is_refused_by_name(p, shown):
    with pytest.raises(InputError) as err:
        get("generous-tit-for-tat", p=p)
    assert str(err.value) == f"strategy 'generous-tit-for-tat': p must be between 0 and 1 (got {shown})"


@pytest.mark.parametrize("value", [True, "x", None])
def test_a_probability_that_is_no_number_is_refused(value):
    with pytest.raises(InputError, match=r"^strategy 'random': want a number, got "):
        get("random", p=value)


def test_a_factor_must_be_positive_and_finite():
    assert get("proportional", factor=1e-9).factor == 1e-9
    for bad, shown in ((0, "0.0"), (-1, "-1.0"), ("inf", "inf")):
        with pytest.raises(InputError) as err:
            get("proportional", factor=bad)
        assert str(err.value) == f"strategy 'proportional': factor must be a positive number (got {shown})"


def test_a_count_of_at_least_zero_says_negative_and_one_of_at_least_one_says_below_1():
    assert get("delayed", days=0).days == 0
    with pytest.raises(InputError) as err:
        get("delayed", days=-1)
    assert str(err.value) == "strategy 'delayed': days must not be negative (got -1)"
    assert get("mirror-each", memory=1).memory == 1
    with pytest.raises(InputError) as err:
        get("mirror-each", memory=0)
    assert str(err.value) == "strategy 'mirror-each': memory must not be below 1 (got 0)"


def test_a_size_of_zero_is_refused_as_no_expulsion_and_a_size_of_one_is_taken():
    assert get("always-hostile", size=1).opening() == Measure("expel", 1)
    with pytest.raises(InputError) as err:
        get("always-hostile", size=0)
    assert str(err.value) == "strategy 'always-hostile': expel needs a size of at least 1 (got 0)"
    assert get("always-hostile", kind="cap", size=0).opening() == Measure("cap", 0)


@pytest.mark.parametrize("value", [True, 1.5, "x"])
def test_a_whole_number_parameter_refuses_what_is_not_one(value):
    with pytest.raises(InputError) as err:
        get("always-hostile", size=value)
    assert str(err.value) == f"strategy 'always-hostile': want a whole number, got {value!r}"


def test_an_unknown_parameter_names_the_ones_the_strategy_takes():
    with pytest.raises(InputError) as err:
        get("random", q=1)
    assert str(err.value) == "strategy 'random' has no parameter 'q' (it takes: p, kind, size)"
    with pytest.raises(InputError) as err:
        get("restraint", p=1)
    assert str(err.value) == "strategy 'restraint' has no parameter 'p' (it takes: none)"


def test_an_unknown_strategy_and_an_unknown_measure_kind_are_refused_by_name():
    with pytest.raises(InputError) as err:
        get("nice")
    assert str(err.value) == "unknown strategy 'nice' (see `diplosim strategies`)"
    with pytest.raises(InputError, match=r"^strategy 'random': unknown measure kind 'hug' \(want one of expel, cap, "):
        get("random", kind="hug")


def test_a_spec_names_parameters_once_each_as_key_value():
    assert parse_spec(" random : p=0.2 , size=3 ").label == "random(p=0.2, size=3)"
    with pytest.raises(InputError, match=r"^bad strategy parameter 'p' in 'random:p': want key=value$"):
        parse_spec("random:p")
    with pytest.raises(InputError, match=r"^bad strategy parameter '=1' in"):
        parse_spec("random:=1")
    with pytest.raises(InputError, match=r"^strategy parameter 'p' is given twice in 'random:p=0.1,p=0.2'$"):
        parse_spec("random:p=0.1,p=0.2")


def test_a_measure_size_is_a_whole_number_of_at_least_one_and_a_cap_of_at_least_zero():
    assert Measure("cap", 0).size == 0 and Measure("expel", 1).size == 1
    for kind, size, least in (("cap", -1, 0), ("expel", 0, 1), ("sanction", 0, 1)):
        with pytest.raises(ValueError) as err:
            Measure(kind, size)
        assert str(err.value) == f"{kind} needs a size of at least {least} (got {size})"
    with pytest.raises(ValueError, match=r"^measure size must be a whole number \(got True\)$"):
        Measure("expel", True)
    with pytest.raises(ValueError, match=r"^measure size must be a whole number \(got 2.0\)$"):
        Measure("expel", 2.0)


def test_a_package_is_parsed_from_kind_size_parts_and_refuses_a_part_without_a_size():
    assert parse_package("expel:60+ +close_post:1") == Package((Measure("expel", 60), Measure("close_post", 1)))
    with pytest.raises(ValueError) as err:
        parse_package("expel:60+close_post")
    assert str(err.value) == "bad measure 'close_post' in a package: want kind:size, like expel:60"


# --- measures, scaled and shown ----------------------------------------------------------------------------------


@pytest.mark.parametrize("m,f,size", [
    (Measure("expel", 3), 0.5, 2),      # 1.5 rounds half up
    (Measure("expel", 5), 0.5, 3),      # 2.5 too
    (Measure("expel", 3), 0.1, 1),      # never below one person
    (Measure("cap", 455), 2, 228),      # a cap is divided: 227.5 rounds up
    (Measure("cap", 1), 4, 0),          # a cap may end at nothing
    (Measure("cap", 10), 0.5, 20),
])
def test_scaling_rounds_half_up_and_a_harsher_cap_is_a_lower_one(m, f, size):
    assert m.scaled(f).size == size and m.scaled(f).kind == m.kind


def test_a_measure_and_a_package_read_as_readme_writes_them():
    assert str(Measure("cap", 0, parity=True)) == "cap at parity" and str(Measure("cap", 0)) == "cap at 0"
    assert str(Measure("seize_property", 2)) == "seize property 2"
    p = Package((Measure("expel", 2), Measure("expel", 3), Measure("cap", 7)))
    assert (len(p), bool(p), p.size("expel"), p.size("cap"), p.last) == (3, True, 5, 7, Measure("cap", 7))
    assert (str(Package()), len(Package()), bool(Package()), Package().last) == ("restraint", 0, False, None)
    assert p.scaled(2) == Package((Measure("expel", 4), Measure("expel", 6), Measure("cap", 4)))


# --- delayed --------------------------------------------------------------------------------------------------------


def test_a_delay_shows_its_days_and_trigger_in_its_label_and_is_as_random_as_what_it_delays():
    assert get("delayed").label == "delayed(tit-for-tat)"
    s = get("delayed", strategy="random", days=3, trigger="X", p=0.2)
    assert s.label == "delayed(random(p=0.2), days=3, trigger=X)"
    assert s.params() == {"strategy": "random", "days": 3, "trigger": "X", "p": 0.2, "kind": "expel", "size": 5}
    assert s.is_stochastic and not get("delayed", strategy="random", p=1).is_stochastic
    assert not get("delayed").is_stochastic


def test_a_delay_refuses_itself_and_an_unknown_inner_strategy():
    with pytest.raises(InputError, match=r"^strategy 'delayed' cannot delay itself$"):
        get("delayed", strategy="delayed")
    with pytest.raises(InputError, match=r"^strategy 'delayed': unknown inner strategy 'nice'$"):
        get("delayed", strategy="nice")


@pytest.mark.parametrize("days", [1, 2, 3])
def test_a_delay_of_n_days_answers_from_day_n_on(days):
    s = get("delayed", strategy="always-hostile", days=days)
    answers = [s.respond(View(day=d)) for d in range(days + 2)]
    assert answers == [None] * days + [Measure("expel", 5)] * 2


def test_a_trigger_releases_the_delay_when_seen_and_it_stays_released():
    s = get("delayed", strategy="always-hostile", trigger="X")
    assert s.respond(View(day=500)) is None                     # days not given: only the trigger ends the wait
    assert s.respond(View(day=1, seen=frozenset({"X"}))) == Measure("expel", 5)
    assert s.respond(View(day=2)) == Measure("expel", 5)
    s.reset()
    assert s.respond(View(day=3)) is None


@pytest.mark.parametrize("days,moves", [(0, [1, 1, 1, 1]), (2, [0, 0, 1, 1])])
def test_a_delay_in_a_match_of_rounds_holds_back_days_rounds(days, moves):
    # against an always-hostile opponent; one round is one day, round 1 is day 0
    first, step = get("delayed", strategy="always-hostile", days=days).binary(random.Random(0))
    assert [first] + [step(1, 1) for _ in range(3)] == moves
    assert get("delayed", days=days).binary_table() is None
    assert get("delayed").binary_table() == REGISTRY["tit-for-tat"]().binary_table()


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


def _play(**kw):
    both = fold([ev.MissionEstablished(id="m", date=D1, actor="RUS", target="USA", staff=50),
                 ev.MissionEstablished(id="n", date=D1, actor="USA", target="RUS", staff=50)])
    args = dict(start=D1, horizon=D1 + 2 * DAY, seed=0)
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
def test_play_stops_when_a_mission_is_surely_below_the_floor_not_at_it(floor, stops):
    # the USA expels 4 of the 50 on day 0: 46 remain after departures
    r = _play(pols=[Policy("USA", get("always-hostile", size=4)), Policy("RUS", "restraint")], horizon=D1,
              stop=Stop(floor=floor))
    assert (r.stopped.startswith("the RUS mission in USA fell below")) is stops
    if stops:
        assert r.stopped == f"the RUS mission in USA fell below {floor} (46 after departures)"


# --- what a side sees and does in play ------------------------------------------------------------------------------


class _Notes(Strategy):
    """Restraint, noting the round and day of each decision it is asked for."""
    name = "notes-for-test"

    def respond(self, view):
        _Notes.seen.append((view.round, view.day))
        return None


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
    posts = (ev.Post("Moscow embassy", "embassy"),)
    s = fold([ev.MissionEstablished(id="m", date=D1, actor="USA", target="RUS", staff=50, posts=posts),
              ev.MissionEstablished(id="n", date=D1, actor="RUS", target="USA", staff=50)])
    pols = [Policy("RUS", get("always-hostile", kind="close_post", size=1)), Policy("USA", "restraint")]
    r = play(s, pols, start=D1, horizon=D1 + 14 * DAY, seed=0, stop=Stop(embassy_closed=True))
    assert r.stopped == "the Moscow embassy (USA) was closed" and r.as_of == D1
    assert play(s, pols, start=D1, horizon=D1 + 14 * DAY, seed=0).stopped == f"horizon {D1 + 14 * DAY} reached"


# --- the multilateral strategies -------------------------------------------------------------------------------------


def _world(acts, today=D1 + 10 * DAY, me="RUS", blocs=None):
    from diplosim.play.strategies import World

    blocs = blocs or {}
    allies = frozenset(c for m in blocs.values() if me in m for c in m) - {me}
    return World(acts=acts, today=today, me=me, blocs=blocs, allies=allies,
                 countries=tuple(sorted({c for m in blocs.values() for c in m} | {me})))


def test_the_default_ladder_climbs_expel_10_close_a_post_cap_at_parity_and_stays_on_top():
    s = get("graduated")
    hit = View(packages=[Package((Measure("sanction", 1),))])
    quiet = View(packages=[Package()])
    moves = [s.respond(hit), s.respond(quiet), s.respond(hit), s.respond(hit), s.respond(hit)]
    assert moves == [Measure("expel", 10), None, Measure("close_post", 1), Measure("cap", 0, parity=True),
                     Measure("cap", 0, parity=True)]
    assert str(moves[-1]) == "cap at parity"
    s.reset()
    assert s.respond(hit) == Measure("expel", 10)
    assert get("graduated", ladder="close_post:2").respond(hit) == Measure("close_post", 2)


@pytest.mark.parametrize("ladder,message", [
    ("expel", "bad rung 'expel' in ladder: want kind:size, like expel:10 or cap:parity"),
    (" > ", "an empty ladder: give at least one rung, like expel:10>close_post:1"),
    ("expel:x", "bad rung 'expel:x' in ladder: "),
    ("cap:x", "bad rung 'cap:x' in ladder: "),
])
def test_a_bad_ladder_is_refused_with_what_a_rung_should_look_like(ladder, message):
    with pytest.raises(InputError) as err:
        get("graduated", ladder=ladder)
    assert str(err.value).startswith(f"strategy 'graduated': {message}")


def test_lead_may_equal_follow_but_not_fall_below_it():
    assert get("lead-and-follow", lead=1, follow=1).lead == 1.0
    with pytest.raises(InputError) as err:
        get("lead-and-follow", lead=1, follow=2)
    assert str(err.value) == "strategy 'lead-and-follow': lead (1) must be at least follow (2): the initiator is " \
        "answered harder"


def test_a_solidarity_size_of_a_number_below_one_or_no_number_is_refused():
    for bad in ("0", "-1", "many"):
        with pytest.raises(InputError) as err:
            get("solidarity", size=bad)
        assert str(err.value) == f"strategy 'solidarity': size must be 'median' or a whole number of people " \
            f"(got {bad!r})"


@pytest.mark.parametrize("lead,size", [(0.5, 2), (0.1, 1), (2, 6)])
def test_alone_lead_and_follow_scales_half_up_and_never_below_one(lead, size):
    view = View(packages=[Package((Measure("expel", 3),))])
    assert list(get("lead-and-follow", lead=lead, follow=min(lead, 1)).respond(view)) == [Measure("expel", size)]
    assert list(get("proportional-to-bloc", factor=lead).respond(view)) == [Measure("expel", size)]


@pytest.mark.parametrize("ago,answered", [(30, True), (31, False), (0, False)])
def test_mirror_each_answers_acts_of_the_last_memory_days_before_today(ago, answered):
    w = _world([(D1 + (10 - ago) * DAY, "USA", "RUS", Measure("expel", 3))])
    got = get("mirror-each").respond(View(me="RUS", other="USA", world=w))
    assert got == (Package((Measure("expel", 3),)) if answered else None)


@pytest.mark.parametrize("mine,owed", [(3, None), (4, None), (2, [Measure("expel", 1)])])
def test_mirror_each_answers_only_what_is_still_owed(mine, owed):
    w = _world([(D1, "USA", "RUS", Measure("expel", 3)), (D1 + DAY, "RUS", "USA", Measure("expel", mine))])
    got = get("mirror-each").respond(View(me="RUS", other="USA", world=w))
    assert (list(got) if got else None) == owed


def test_mirror_each_answers_a_cap_with_a_cap_at_parity_once():
    cap = Measure("cap", 20)
    w = _world([(D1, "USA", "RUS", cap)])
    assert list(get("mirror-each").respond(View(me="RUS", other="USA", world=w))) == [Measure("cap", 0, parity=True)]
    w = _world([(D1, "USA", "RUS", cap), (D1 + DAY, "RUS", "USA", Measure("cap", 0, parity=True))])
    assert get("mirror-each").respond(View(me="RUS", other="USA", world=w)) is None


def _coalition(threshold, sizes, me_acted=False):
    # NATO: GBR, USA, FRA and me (DEU); RUS struck GBR; the allies in ``sizes`` expelled that many Russians
    acts = [(D1, "RUS", "GBR", Measure("expel", 23))]
    acts += [(D1 + DAY, a, "RUS", Measure("expel", n) if n else Measure("close_post", 1)) for a, n in sizes.items()]
    if me_acted:
        acts.append((D1 + DAY, "DEU", "RUS", Measure("sanction", 1)))
    w = _world(acts, me="DEU", blocs={"NATO": ["GBR", "USA", "FRA", "DEU"]})
    return get("solidarity", threshold=threshold).respond(View(me="DEU", other="RUS", world=w))


def test_solidarity_joins_when_exactly_threshold_allies_acted_and_not_with_fewer():
    assert _coalition(2, {"GBR": 4, "USA": 6}) == Package((Measure("expel", 5),))   # the median of 4 and 6
    assert _coalition(3, {"GBR": 4, "USA": 6}) is None
    assert _coalition(2, {"GBR": 4, "USA": 6}, me_acted=True) is None               # once
    assert _coalition(2, {"GBR": 0, "USA": 6}) == Package((Measure("expel", 6),))   # a post closed is no expulsion
    assert _coalition(2, {"GBR": 0, "USA": 0}) == Package((Measure("expel", 1),))   # at least 1


def test_proportional_to_bloc_rounds_a_share_up_and_answers_only_what_is_left_of_it():
    # EU: FRA expelled 3, DEU 2: 5 over 2 acting members is 2.5, so each is owed 3
    def answer(mine):
        acts = [(D1, "FRA", "RUS", Measure("expel", 3)), (D1, "DEU", "RUS", Measure("expel", 2))]
        if mine:
            acts.append((D1 + DAY, "RUS", "DEU", Measure("expel", mine)))
        w = _world(acts, blocs={"EU": ["FRA", "DEU"]})
        return get("proportional-to-bloc").respond(View(me="RUS", other="DEU", world=w))
    assert answer(0) == Package((Measure("expel", 3),))
    assert answer(2) == Package((Measure("expel", 1),))
    assert answer(3) is None


def test_lead_and_follow_answers_the_initiator_by_lead_and_a_follower_by_follow():
    acts = [(D1, "GBR", "RUS", Measure("expel", 2)), (D1 + DAY, "USA", "RUS", Measure("expel", 2))]
    w = _world(acts)
    s = get("lead-and-follow", lead=3, follow=1)
    assert s.respond(View(me="RUS", other="GBR", world=w)) == Package((Measure("expel", 6),))
    assert s.respond(View(me="RUS", other="USA", world=_world(acts))) == Package((Measure("expel", 2),))


class _Half(random.Random):
    """A random source whose every draw is exactly 0.5."""

    def random(self):
        return 0.5


@pytest.mark.parametrize("p,flipped", [(0.5, False), (0.5000001, True)])
def test_noise_and_tremble_strike_only_on_draws_below_their_probability(monkeypatch, p, flipped):
    import diplosim.play.calendar as calendar

    monkeypatch.setattr(calendar.random, "Random", _Half)
    r = _play(pols=[Policy("RUS", "tit-for-tat", round_days=1), Policy("USA", "restraint")], noise=p)
    assert [x.misperceived for x in r.rounds if x.country == "RUS"] == [False, flipped, flipped]
    r = _play(tremble=p)
    assert all((x.move is not None) is flipped for x in r.rounds)

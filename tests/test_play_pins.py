"""Stated facts of play pinned one by one (issue #13, the systematic pass), the strategies half: each strategy's
metadata and defaults as its docstring and README state them, every parameter check at its limit and one past it
with its exact message, measures scaled and shown, the delayed strategy, and the multilateral strategies' thresholds
and messages (the calendar half is tests/test_play_pins_calendar.py).

Expectations come from README.md and the docstrings (what a user is told), not from running the code."""
from __future__ import annotations

import datetime
import math
import random

import pytest

from diplosim.core.errors import InputError
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


# --- the multilateral strategies -------------------------------------------------------------------------------------


def _world(acts, today=D1 + 10 * DAY, me="RUS", blocs=None):
    from diplosim.play.strategies import World

    blocs = blocs or {}
    allies = frozenset(c for m in blocs.values() if me in m for c in m) - {me}
    return World(acts=acts, today=today, me=me, blocs=blocs, allies=allies,
                 countries=tuple(sorted({c for m in blocs.values() for c in m} | {me})))


def test_the_default_ladder_goes_expel_10_then_a_post_then_parity_and_stays_on_top():
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


def test_an_empty_rung_in_a_ladder_is_skipped():
    s = get("graduated", ladder="expel:10> >close_post:1")
    hit = View(packages=[Package((Measure("sanction", 1),))])
    assert [s.respond(hit), s.respond(hit)] == [Measure("expel", 10), Measure("close_post", 1)]


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


@pytest.mark.parametrize("mine,theirs,answer", [(10, 11, Measure("cap", 10)), (10, 10, Measure("expel", 3)),
                                                (11, 10, Measure("expel", 3)), (None, 11, Measure("expel", 3))])
def test_parity_cap_caps_only_a_mission_larger_than_mine(mine, theirs, answer):
    view = View(other_moves=[Measure("expel", 3)], own_staff_there=mine, their_staff_here=theirs)
    assert get("parity-cap").respond(view) == answer
    assert get("parity-cap").respond(View(other_moves=[None], own_staff_there=1, their_staff_here=9)) is None


def test_solidarity_needs_an_ally_struck_and_counts_only_my_blocs_members():
    # no ally was struck: RUS only expelled an outsider's diplomats
    acts = [(D1, "RUS", "SWE", Measure("expel", 1)), (D1 + DAY, "GBR", "RUS", Measure("expel", 4)),
            (D1 + DAY, "USA", "RUS", Measure("expel", 4))]
    w = _world(acts, me="DEU", blocs={"NATO": ["GBR", "USA", "DEU"]})
    assert get("solidarity").respond(View(me="DEU", other="RUS", world=w)) is None
    # a named bloc: only its members count
    acts[0] = (D1, "RUS", "GBR", Measure("expel", 1))
    w = _world(acts, me="DEU", blocs={"NATO": ["GBR", "USA", "DEU"], "EU": ["GBR", "DEU"]})
    assert get("solidarity", bloc="EU").respond(View(me="DEU", other="RUS", world=w)) is None
    assert get("solidarity", bloc="NATO").respond(View(me="DEU", other="RUS", world=w)) == \
        Package((Measure("expel", 4),))


def test_proportional_to_bloc_answers_in_kind_a_state_of_no_bloc_and_of_mine():
    acts = [(D1, "FRA", "RUS", Measure("expel", 3)), (D1, "DEU", "RUS", Measure("expel", 9))]
    for blocs in ({}, {"EU": ["FRA", "DEU", "RUS"]}):
        w = _world(acts, blocs=blocs)
        assert get("proportional-to-bloc", factor=2).respond(View(me="RUS", other="FRA", world=w)) == \
            Package((Measure("expel", 3),))


def test_the_escalators_ladder_is_the_one_readme_lists():
    # README: "sanctions on 5 targets, expel 10, bar a property, expel 35, close a property, close a consulate, seize
    # a property, expel 100"
    from diplosim.play.strategies.diplomatic import LADDER

    assert LADDER == (Measure("sanction", 5), Measure("expel", 10), Measure("suspend_property", 1),
                      Measure("expel", 35), Measure("close_property", 1), Measure("close_post", 1),
                      Measure("seize_property", 1), Measure("expel", 100))


def test_the_escalator_reads_the_others_latest_move_and_my_latest_one():
    s = get("escalator")
    big, small = Measure("expel", 100), Measure("sanction", 5)
    assert s.respond(View(other_moves=[big, small], own_moves=[big, None])) == Measure("expel", 10)
    assert s.respond(View(other_moves=[big, None], own_moves=[None, None])) is None
    assert s.respond(View(other_moves=[None, small], own_moves=[None, Measure("expel", 35)])) == \
        Measure("close_property", 1)


def test_solidarity_sizes_its_expulsion_by_the_median_of_each_allys_own():
    assert _coalition(2, {"GBR": 1, "USA": 2, "FRA": 9}) == Package((Measure("expel", 2),))


def test_proportional_to_bloc_answers_a_member_that_expelled_no_one_in_kind_and_a_share_of_one_is_one():
    acts = [(D1, "FRA", "RUS", Measure("expel", 3)), (D1, "DEU", "RUS", Measure("close_post", 1))]
    w = _world(acts, blocs={"EU": ["FRA", "DEU"]})
    assert get("proportional-to-bloc").respond(View(me="RUS", other="DEU", world=w)) == \
        Package((Measure("close_post", 1),))
    w = _world([(D1, "FRA", "RUS", Measure("expel", 1))], blocs={"EU": ["FRA", "DEU"]})
    assert get("proportional-to-bloc").respond(View(me="RUS", other="FRA", world=w)) == \
        Package((Measure("expel", 1),))


def test_a_strategy_shows_and_compares_by_its_parameters_not_by_what_it_has_played():
    hit = View(packages=[Package((Measure("expel", 1),))])
    for name, view in (("graduated", hit), ("delayed", View(day=5, other_moves=[Measure("expel", 1)]))):
        played, fresh = get(name), get(name)
        played.respond(view)
        assert played == fresh and repr(played) == repr(fresh), name
        assert "_climbed" not in repr(played) and "_released" not in repr(played) and "inner=" not in repr(played)


def test_a_measures_deadline_and_a_strategys_parameters_are_given_by_name():
    with pytest.raises(TypeError):
        Measure("expel", 3, 7)
    with pytest.raises(TypeError):
        REGISTRY["random"](0.2)   # a strategy's parameters too


class _Half(random.Random):
    """A random source whose every draw is exactly 0.5."""

    def random(self):
        return 0.5


@pytest.mark.parametrize("p,hostile", [(0.5, False), (0.5000001, True)])
def test_random_strikes_only_on_draws_below_p(p, hostile):
    s = get("random", p=p)
    assert (s.respond(View(rng=_Half())) is not None) is hostile
    first, step = s.binary(_Half())
    assert [first, step(0, 0), step(1, 1)] == [int(hostile)] * 3


def test_a_derived_seed_is_a_64_bit_number():
    from diplosim.play.strategies.base import seed_for

    seeds = [seed_for(1, "match", i) for i in range(200)]
    assert all(0 <= s < 2 ** 64 for s in seeds) and max(seeds) >= 2 ** 63


@pytest.mark.parametrize("name", ["", "tit-for-tat"])
def test_a_strategy_registers_only_under_a_new_name(name):
    from diplosim.play.strategies.base import register

    with pytest.raises(AssertionError):
        register(type("Nameless", (Strategy,), {"name": name}))
    assert REGISTRY["tit-for-tat"].display_name == "Tit for tat"


def test_mirror_each_alone_answers_a_cap_with_a_cap_at_parity_and_the_rest_in_size():
    # README (multilateral strategies): mirror-each answers each in kind and in size, a cap with a cap at parity;
    # alone (no world view, as in a two-sided match) it answers the counterpart's last package the same way
    from diplosim.play.measures import Package
    from diplosim.play.strategies.base import View

    s = get("mirror-each")
    got = s.respond(View(packages=[Package((Measure("cap", 455), Measure("expel", 7)))]))
    assert sorted(got, key=lambda m: m.kind) == [Measure("cap", 0, parity=True), Measure("expel", 7)]
    assert list(s.respond(View(other_moves=[Measure("cap", 455)]))) == [Measure("cap", 0, parity=True)]

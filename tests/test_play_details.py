"""Details of play that a mutation run found unguarded, each checked against what the docs say rather than against
the code: the notes of a plan, the measure a real act amounts to, which strategies are stochastic, the checks on a
strategy's memory, the description a strategy gives of itself, the binary adapter's calendar, the answer in kind
to a cap, a round's binary view, history that involves countries not in play, the limits on rounds and on days of
play, what a side sees of real events, what was done of a package, two caps of one day, whole-number parameters, the
answer in kind, generous tit for tat's draws, win-stay-lose-shift's memory, the escalator's top rung, a delay of
one day, a package's cap size, declared memories of one round, the escalator's middle rungs and its floor, a delayed
strategy made afresh, solidarity's defaults and blocs, the members of a bloc that acted, and a strategy's repr."""
from __future__ import annotations

import datetime
import random

import attrs
import pytest

from conftest import ROOT
from diplosim.core import events as ev
from diplosim.core.errors import InputError
from diplosim.core.fold import fold
from diplosim.core.log import load_log
from diplosim.play.calendar import Policy, RoundRecord, Stop, play
from diplosim.play.measures import as_measure, plan
from diplosim.play.strategies import Measure, Package, View, get, measures_of
from diplosim.play.strategies.base import Strategy, combine, generic_binary

D1 = datetime.date(2018, 1, 1)


def _state(**figure):
    return fold([ev.MissionEstablished(id="m", date=D1, actor="RUS", target="USA", **figure)])


# --- the notes of a plan ----------------------------------------------------------------------------------------------


def test_expelling_more_than_the_known_least_says_whether_the_size_is_unknown_or_a_range():
    day = D1 + datetime.timedelta(days=1)
    [_], note = plan(_state(), "USA", "RUS", Measure("expel", 4), day)
    assert note == "the RUS mission's size is unknown: expelling 4 implies at least 4 were there"
    [_], note = plan(_state(staff_min=2, staff_max=50), "USA", "RUS", Measure("expel", 4), day)
    assert note == "the RUS mission's size is not known exactly: expelling 4 implies at least 4 were there"
    [_], note = plan(_state(staff_about=30), "USA", "RUS", Measure("expel", 40), day)
    assert "size is not known exactly" in note
    [_], note = plan(_state(staff_min=10, staff_max=50), "USA", "RUS", Measure("expel", 4), day)
    assert note is None  # at least 10 are there: 4 can go without implying anything


@pytest.mark.parametrize("kind,verb", [("close_property", "close"), ("seize_property", "seize"),
                                       ("suspend_property", "suspend")])
def test_a_property_measure_with_nothing_to_act_on_names_its_verb(kind, verb):
    [], note = plan(_state(staff=10), "USA", "RUS", Measure(kind, 1), D1)
    assert note == f"no property of RUS in USA left to {verb}"


# --- what a real act amounts to ---------------------------------------------------------------------------------------


def test_a_real_cap_is_a_cap_of_its_figure_and_a_parity_cap_says_parity():
    capped = ev.MissionCapped(id="c", date=D1, actor="USA", target="RUS", cap=455, deadline=D1)
    assert as_measure(capped) == Measure("cap", 455)
    parity = ev.MissionCapped(id="p", date=D1, actor="USA", target="RUS", cap=None, parity=True)
    m = as_measure(parity)
    assert m.kind == "cap" and m.parity


# --- strategies ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("p,stochastic", [(0.0, False), (0.3, True), (0.5, True), (1.0, False)])
def test_random_is_stochastic_only_strictly_between_never_and_always(p, stochastic):
    assert get("random", p=p).is_stochastic is stochastic


@pytest.mark.parametrize("name", ["lead-and-follow", "solidarity", "mirror-each", "proportional-to-bloc"])
def test_a_memory_of_no_days_is_refused(name):
    with pytest.raises(InputError, match="memory"):
        get(name, memory=0)
    assert get(name, memory=1).memory == 1


def test_a_strategy_describes_its_play_by_the_first_paragraph_of_its_doc():
    meta = type(get("lead-and-follow")).metadata()
    assert "\n\n" in meta["doc"]  # the doc has more than one paragraph
    first, second = meta["doc"].split("\n\n")[:2]
    assert meta["plays"].startswith(first.split()[0]) and second.split()[0] not in meta["plays"].split()[-3:]
    assert "The initiator is held responsible" in meta["doc"] and "held responsible" not in meta["plays"]


def test_the_binary_adapter_counts_a_day_per_round_from_day_0():
    seen = []

    @attrs.define
    class Watcher(Strategy):
        name = "watcher-for-test"

        def respond(self, view: View):
            seen.append((view.round, view.day))
            return None

    first, step = generic_binary(Watcher(), random.Random(0))
    for _ in range(3):
        step(0, 1)
    assert seen == [(1, 0), (2, 1), (3, 2), (4, 3)]  # View: day is round - 1 in a match of rounds


def test_alone_a_cap_is_answered_by_a_cap_at_parity_and_other_measures_in_the_same_size():
    s = get("mirror-each")
    got = s.owed(View(packages=[Package((Measure("cap", 300), Measure("expel", 5)))]), 30)
    assert list(got) == [Measure("cap", 0, parity=True), Measure("expel", 5)]


@pytest.mark.parametrize("outcome", ["pending", "not in effect when play stopped"])
def test_a_round_still_to_take_effect_is_hostile_by_what_was_decided(outcome):
    rec = RoundRecord(1, D1, "RUS", "tit-for-tat", Measure("expel", 3), D1, outcome=outcome)
    assert rec.hostile
    assert not attrs.evolve(rec, move=None).hostile


def test_a_round_that_took_effect_is_hostile_by_what_was_done():
    rec = RoundRecord(1, D1, "RUS", "tit-for-tat", Measure("expel", 3), D1, outcome="done", actual=None)
    assert not rec.hostile  # decided, but nothing was possible
    assert attrs.evolve(rec, actual=Measure("expel", 2)).hostile


# --- history with countries not in play --------------------------------------------------------------------------------


def test_history_between_countries_not_in_play_does_not_hide_what_came_after():
    log = load_log(ROOT / "seeds" / "aftermath-2018.toml").events  # the whole record
    start = datetime.date(2018, 3, 27)
    history = [e for e in log if e.date < start]
    third = [e for e in history if {e.actor, e.target} - {"RUS", "USA", None}]
    month = start - datetime.timedelta(days=30)  # mirror-each's memory, as README gives it
    expelled = [e for e in history if isinstance(e, ev.DiplomatsExpelled) and (e.actor, e.target) == ("USA", "RUS")
                and e.date >= month]
    assert expelled and third and min(e.date for e in third) < min(e.date for e in expelled)  # others acted first
    r = play(fold(history), [Policy("RUS", get("mirror-each")), Policy("USA", get("restraint"))], start=start,
             horizon=start + datetime.timedelta(days=10), history=history, countries=("RUS", "USA"), seed=0)
    first = r.rounds[0]
    assert first.country == "RUS"  # answers in kind and size what the US did in the last 30 days
    assert sum(m.size for m in measures_of(first.move) if m.kind == "expel") == sum(e.count for e in expelled)


@pytest.mark.parametrize("kind,size,least", [("cap", -1, 0), ("expel", 0, 1), ("close_post", 0, 1)])
def test_a_measure_too_small_says_the_least_size_of_its_kind(kind, size, least):
    with pytest.raises(ValueError, match=rf"^{kind} needs a size of at least {least} \(got {size}\)$"):
        Measure(kind, size)
    assert Measure(kind, least).size == least


def test_the_default_memory_is_the_one_readme_states():
    import re

    text = (ROOT / "docs" / "readme" / "45-multilateral.md").read_text(encoding="utf-8")
    stated = {name: int(days) for name, days in
              re.findall(r"^\| `([a-z-]+)` \|[^|\n]*last `memory` days \((\d+)\)", text, re.M)}
    assert "mirror-each" in stated
    for name, days in stated.items():
        assert get(name).memory == days, name


def test_a_post_measure_closes_the_least_important_open_post_first():
    # README: other, then annexes, trade missions, consulates, consulates general, missions, embassies; by name
    # among equals.  The names run against that order, so that a rule falling back to names fails.
    kinds = ["embassy", "mission", "consulate-general", "consulate", "trade-mission", "annex", "other"]
    posts = tuple(ev.Post(f"{chr(ord('A') + i)} post", kind) for i, kind in enumerate(kinds))
    s = fold([ev.MissionEstablished(id="m", date=D1, actor="RUS", target="USA", staff=10, posts=posts)])
    closed = [c.post for c in plan(s, "USA", "RUS", Measure("close_post", len(kinds)), D1)[0]]
    assert closed == [p.name for p in reversed(posts)]


# --- the limits of a policy and of play -------------------------------------------------------------------------------


def test_a_round_is_bounded_by_the_step_limit_and_a_count_of_rounds_by_the_round_limit():
    # README, "Limits": MAX_STEP_DAYS bounds one step (a round, a lag), MAX_ROUNDS the rounds of a match
    from diplosim.core.limits import limit

    days, rounds = limit("MAX_STEP_DAYS"), limit("MAX_ROUNDS")
    assert days < rounds
    assert Policy("USA", "restraint", round_days=days).round_days == days
    with pytest.raises(InputError, match="DIPLOSIM_MAX_STEP_DAYS"):
        Policy("USA", "restraint", round_days=days + 1)
    assert Stop(rounds=days + 1, quiet_rounds=days + 1).rounds == days + 1  # a count of rounds, not of days
    with pytest.raises(InputError, match="DIPLOSIM_MAX_ROUNDS"):
        Stop(rounds=rounds + 1)


@pytest.mark.parametrize("countries", [None, ("RUS",)])
def test_play_with_one_country_is_refused(countries):
    with pytest.raises(InputError, match="two different countries"):
        play(_state(staff=10), [Policy("RUS", "tit-for-tat")], countries=countries, start=D1,
             horizon=D1 + datetime.timedelta(days=5), seed=0)


def test_play_longer_than_the_limit_says_how_many_days_were_asked(monkeypatch):
    monkeypatch.setenv("DIPLOSIM_MAX_PLAY_DAYS", "10")
    with pytest.raises(InputError, match=r"^11 days of play from 2018-01-01 to 2018-01-12: more than the limit of 10"):
        play(_state(staff=10), [Policy("RUS", "restraint"), Policy("USA", "restraint")], start=D1,
             horizon=D1 + datetime.timedelta(days=11), seed=0)


# --- what a side sees of the world not played -------------------------------------------------------------------------


def _expelled(id, n, count, actor="USA", target="RUS"):
    date = D1 + datetime.timedelta(days=n)
    return ev.DiplomatsExpelled(id=id, date=date, actor=actor, target=target, count=count,
                                deadline=date + datetime.timedelta(days=7))


def _both(**figure):
    return fold([ev.MissionEstablished(id="m", date=D1, actor="RUS", target="USA", **figure),
                 ev.MissionEstablished(id="n", date=D1, actor="USA", target="RUS", **figure)])


def test_a_side_sees_the_last_day_the_other_struck_since_its_decision_as_one_move():
    # RUS decides on days 0 and 10; the USA (restraint, its own move in effect on day 0) expels 1 on day 2 by a real
    # event, then 3 and 4 on day 4.  RUS sees the USA's last measure since day 0, and everything one country did to
    # another on one day is one move: the 7 of day 4, which tit-for-tat answers in kind.
    world = [_expelled("a", 2, 1), _expelled("b", 4, 3), _expelled("c", 4, 4)]
    r = play(_both(staff=50), [Policy("RUS", "tit-for-tat", round_days=10), Policy("USA", "restraint", round_days=10)],
             start=D1, horizon=D1 + datetime.timedelta(days=10), seed=0, world_events=world)
    rus = [x for x in r.rounds if x.country == "RUS"]
    assert [x.perceived for x in rus] == [None, Measure("expel", 7)]
    assert rus[1].move == Measure("expel", 7)


def test_acts_between_countries_not_in_play_leave_the_fronts_quiet():
    # RUS and the USA both show restraint every day; France and Germany expel each other's diplomats daily.  Every
    # front of play is quiet, so play stops after 3 quiet decision days: on day 2.
    world = [_expelled(f"x{n}", n, 1, actor="FRA", target="DEU") for n in range(5)]
    r = play(_both(staff=50), [Policy("RUS", "restraint", round_days=1), Policy("USA", "restraint", round_days=1)],
             start=D1, horizon=D1 + datetime.timedelta(days=10), seed=0, world_events=world,
             stop=Stop(quiet_rounds=3))
    assert r.stopped == "every front quiet for 3 rounds" and r.as_of == D1 + datetime.timedelta(days=2)


def test_what_was_done_of_a_package_is_a_package_even_when_one_measure_of_it_was_possible():
    class Both(Strategy):
        name = "both-for-test"

        def respond(self, view: View):
            return Package((Measure("expel", 2), Measure("close_post", 1)))

    # RUS has no post in the USA: only the expulsion is possible, and what was done is the package's part of it
    r = play(_both(staff=50), [Policy("USA", Both()), Policy("RUS", "restraint")], start=D1, horizon=D1, seed=0)
    [usa] = [x for x in r.rounds if x.country == "USA"]
    assert usa.actual == Package((Measure("expel", 2),))
    assert usa.outcome == "expel 2; not possible: close post 1"


# --- strategies' pieces -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("order", [(10, 5), (5, 10)])
def test_two_caps_of_one_day_make_the_harsher_cap(order):
    assert list(combine([Measure("cap", n) for n in order])) == [Measure("cap", 5)]


def test_a_whole_number_parameter_takes_a_whole_float_and_refuses_a_fraction():
    assert get("solidarity", threshold=3.0).threshold == 3
    with pytest.raises(InputError, match="whole number"):
        get("solidarity", threshold=2.5)


def test_a_solidarity_threshold_of_no_allies_is_refused():
    # joining "when at least 0 allies have acted" would join measures no ally took: the least threshold is 1 ally
    with pytest.raises(InputError, match="threshold"):
        get("solidarity", threshold=0)
    assert get("solidarity", threshold=1).threshold == 1


def test_an_answer_in_kind_is_the_others_latest_measure_else_my_own_else_the_opening():
    s = get("tit-for-tat")
    assert s.retort(View(other_moves=[Measure("expel", 3), None], own_moves=[None, Measure("cap", 9)])) == \
        Measure("expel", 3)
    assert s.retort(View(other_moves=[None], own_moves=[Measure("cap", 100), None])) == Measure("cap", 100)
    assert s.retort(View(other_moves=[None], own_moves=[None])) == Measure("expel", 5)  # README: an expulsion of 5


class _Draw(random.Random):
    """A random source whose every draw is ``value``."""

    def __init__(self, value):
        super().__init__(0)
        self.value = value

    def random(self):
        return self.value


@pytest.mark.parametrize("p", [0.0, 0.5])
def test_generous_tit_for_tat_forgives_only_draws_below_p(p):
    # forgiving with probability p: a draw from [0, 1) forgives when it is below p, so a draw of exactly p answers
    # (and with p = 0 a draw of 0 does not forgive: it never forgives)
    s = get("generous-tit-for-tat", p=p)
    assert s.respond(View(other_moves=[Measure("expel", 3)], rng=_Draw(p))) == Measure("expel", 3)
    first, step = s.binary(_Draw(p))
    assert step(0, 1) == 1


@pytest.mark.parametrize("p,stochastic", [(0.0, False), (1 / 3, True), (1.0, False)])
def test_generous_tit_for_tat_is_stochastic_only_strictly_between_never_and_always(p, stochastic):
    assert get("generous-tit-for-tat", p=p).is_stochastic is stochastic


def test_win_stay_lose_shift_remembers_exactly_one_round():
    s = get("win-stay-lose-shift")
    hit = Measure("expel", 5)
    # the last round decides: restraint after both were restrained, a shift after they struck and I did not ...
    assert s.respond(View(own_moves=[hit, None], other_moves=[hit, None])) is None
    assert s.respond(View(own_moves=[None, None], other_moves=[None, hit])) == hit
    # ... and nothing before it does
    assert s.respond(View(own_moves=[None, None], other_moves=[hit, None])) is None
    assert type(s).memory_depth == 1


def test_the_escalator_goes_up_to_the_top_rung_and_stays_there():
    from diplosim.play.strategies.diplomatic import LADDER

    s = get("escalator")
    below_top, top = LADDER[-2], LADDER[-1]
    assert s.respond(View(other_moves=[below_top])) == top  # one rung above the one answered
    assert s.respond(View(other_moves=[top], own_moves=[top])) == top  # at the top it repeats the top rung


def test_a_delay_of_one_day_holds_back_the_first_round_of_a_match():
    # in a match of rounds one round is one day, from day 0: with days=1 the first round is restrained
    first, step = get("delayed", strategy="always-hostile", days=1).binary(random.Random(0))
    assert first == 0 and step(first, 0) == 1
    assert get("delayed", strategy="always-hostile", days=0).binary(random.Random(0))[0] == 1


# --- from the fresh sample (1 in 16, offset 2) ------------------------------------------------------------------------


def test_a_package_with_no_cap_has_a_cap_size_of_zero():
    assert Package((Measure("expel", 5),)).size("cap") == 0  # the docstring: "0 if none"
    assert Package((Measure("cap", 7), Measure("cap", 3))).size("cap") == 3


@pytest.mark.parametrize("name", ["generous-tit-for-tat", "alternator"])
def test_strategies_that_read_the_last_round_declare_a_memory_of_one_round(name):
    # generous tit for tat answers the other's last move, the alternator switches on its own last move: each
    # answers differently after a different last round, with everything before it the same
    s = get(name, p=0.0) if name == "generous-tit-for-tat" else get(name)
    hit = s.opening() if name == "alternator" else Measure("expel", 5)
    calm = View(own_moves=[None, None], other_moves=[None, None])
    struck = View(own_moves=[None, hit], other_moves=[None, hit])
    assert (s.respond(calm) is None) != (s.respond(struck) is None)
    assert type(s).memory_depth == 1


def test_the_escalator_answers_the_35_with_one_property_closed_and_that_with_one_consulate():
    s = get("escalator")
    assert s.respond(View(other_moves=[Measure("expel", 35)])) == Measure("close_property", 1)
    assert s.respond(View(other_moves=[Measure("close_property", 1)])) == Measure("close_post", 1)


def test_every_hostile_measure_sits_above_restraint_on_the_ladder():
    from diplosim.play.strategies.base import MEASURE_KINDS
    from diplosim.play.strategies.diplomatic import rung

    # rung 0 is restraint: a measure, however small, is on rung 1 or above
    for kind in MEASURE_KINDS:
        assert rung(Measure(kind, 1)) >= 1, kind


def test_a_delayed_strategy_made_afresh_holds_back():
    s = get("delayed", strategy="always-hostile", days=3)
    assert s.respond(View(day=0)) is None and s.respond(View(day=3)) is not None


def test_solidarity_defaults_and_sizes_are_the_ones_readme_states():
    # README: "at least `threshold` allies (2)"; ``size`` the median or a number of people (one person is a number)
    assert get("solidarity").threshold == 2
    assert get("solidarity", size="1").size == "1"
    with pytest.raises(InputError, match="size"):
        get("solidarity", size="0")


@pytest.mark.parametrize("blocs,listed", [({"EU": ["FRA", "DEU", "RUS"]}, "EU"), ({}, "none")])
def test_an_unknown_bloc_names_the_blocs_in_play(blocs, listed):
    from diplosim.play.strategies import World

    w = World(acts=[], today=D1, me="RUS", blocs=blocs)
    with pytest.raises(InputError, match=rf"no bloc named 'NATO' in play \(blocs: {listed}\)$"):
        get("solidarity", bloc="NATO").allies(View(me="RUS", other="FRA", world=w))


def test_proportional_to_bloc_shares_among_the_members_that_acted_only():
    # France and Germany are a bloc; France expelled 10 of Russia's diplomats, Germany nothing.  France is the only
    # acting member, so its equal share of 1 x 10 is all 10.
    from diplosim.play.strategies import World

    acts = [(D1, "FRA", "RUS", Measure("expel", 10))]
    w = World(acts=acts, today=D1 + datetime.timedelta(days=1), me="RUS", blocs={"EU": ["FRA", "DEU"]},
              countries=("FRA", "DEU", "RUS"))
    assert list(get("proportional-to-bloc").respond(View(me="RUS", other="FRA", world=w))) == [Measure("expel", 10)]


def test_a_strategys_repr_shows_its_parameters_not_its_workings():
    assert "_rungs" not in repr(get("graduated")) and "ladder=" in repr(get("graduated"))

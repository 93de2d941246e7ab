"""Details of play that a mutation run found unguarded, each checked against what the docs say rather than against
the code: the notes of a plan, the measure a real act amounts to, which strategies are stochastic, the checks on a
strategy's memory, the description a strategy gives of itself, the binary adapter's calendar, the answer in kind
to a cap, a round's binary view, and history that involves countries not in play."""
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
from diplosim.play.calendar import Policy, RoundRecord, play
from diplosim.play.measures import as_measure, plan
from diplosim.play.strategies import Measure, Package, View, get, measures_of
from diplosim.play.strategies.base import Strategy, generic_binary

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

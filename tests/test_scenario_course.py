"""The course of a scenario as its docstrings state it: which base events after the fork a rule keeps or drops,
where an edited course begins when no fork is given, a run's seed, the outcome of play, and every table a diff
compares.  Written in one systematic pass over scenario.py and compare.py (issue #13)."""
from __future__ import annotations

import textwrap
from types import SimpleNamespace

import pytest
from conftest import d

from diplosim.core import events as ev
from diplosim.play.scenario import Scenario, ScenarioResult, diff_results, fork_date

SRC = ("public record: test",)
HEAD = '[scenario]\ntitle = "x"\n'
PLAY = ('[scenario]\ntitle = "x"\nfork = 2017-01-01\n\n[[policy]]\ncountry = "RUS"\nstrategy = "tit-for-tat"\n\n'
        '[[policy]]\ncountry = "USA"\nstrategy = "tit-for-tat"\n\n[stop]\nhorizon = 2017-03-01\n')


def _read(tmp_path, text: str) -> Scenario:
    p = tmp_path / "s.toml"
    p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return Scenario.from_toml(p)


# --- the outcome of a played scenario (ScenarioResult.outcome's docstring) -----------------------------------------

def _outcome(tmp_path, reason, moves: dict[str, list]) -> str | None:
    sc = _read(tmp_path, PLAY)
    rounds = tuple(SimpleNamespace(country=c, move=m) for c, ms in moves.items() for m in ms)
    return ScenarioResult(sc, (), (), frozenset(), frozenset(), reason, 0, rounds).outcome


@pytest.mark.parametrize("reason", ["the RUS mission in USA fell below 100 (60 after departures)",
                                    "the Embassy in Washington (RUS) was closed"])
def test_a_floor_or_a_closed_embassy_is_a_collapse(tmp_path, reason):
    assert _outcome(tmp_path, reason, {"RUS": [None, None], "USA": [None, None]}) == "collapse"


M = "expel 35"  # any decision that is not restraint (None)


@pytest.mark.parametrize("moves, outcome", [
    ({"RUS": [M, None, None], "USA": [M, M, None, None]}, "spiral stopped"),  # each side's last two: restraint
    ({"RUS": [None], "USA": [None]}, "spiral stopped"),  # restraint from the start
    ({"RUS": [M, None, None], "USA": [M, None]}, "still escalating"),  # one side's last but one was a measure
    ({"RUS": [M, None, None], "USA": [None, M]}, "still escalating"),
    ({"RUS": [M, M], "USA": [M, M]}, "still escalating"),
    ({}, "still escalating"),  # no decision yet
])
def test_play_stops_spiralling_only_when_every_side_restrains_itself_twice(tmp_path, moves, outcome):
    assert _outcome(tmp_path, "horizon 2017-03-01 reached", moves) == outcome


def test_a_scenario_without_policies_has_no_outcome(tmp_path):
    sc = _read(tmp_path, HEAD)
    assert ScenarioResult(sc, (), (), frozenset(), frozenset(), "fell below", 0, ()).outcome is None


# --- which base events after the fork a rule keeps or drops (Scenario.rule_for, rule_given) ------------------------

def _base(sc: Scenario) -> dict[str, ev.Event]:
    return {e.id: e for e in sc.base_events}


def test_a_pair_rule_wins_over_the_rule_of_the_actor_and_the_default_covers_the_rest(tmp_path):
    sc = _read(tmp_path, HEAD + 'after_fork = { RUS = "keep", "RUS:USA" = "drop" }\n')
    by_id = _base(sc)
    assert sc.rule_for(by_id["rus-denies-involvement"]) == "drop"  # RUS -> USA: the pair's rule
    assert sc.rule_for(by_id["putin-more-than-1000"]) == "keep"  # RUS, no target: the actor's rule
    assert sc.rule_for(by_id["trump-praises-restraint"]) == "keep-possible"  # USA: no rule, no policy
    assert sc.rule_given(by_id["trump-praises-restraint"]) is None


def test_with_policies_the_default_drops_the_acts_of_the_countries_that_play_and_keeps_records(tmp_path):
    sc = _read(tmp_path, PLAY)
    by_id = _base(sc)
    assert sc.rule_for(by_id["rus-takes-dacha"]) == "drop"
    assert sc.rule_for(by_id["post-rus-new-york"]) == "keep-possible"  # a record of Russia's, not an act
    assert sc.rule_for(by_id["salisbury-poisoning"]) == "keep-possible"  # Britain does not play


def test_base_events_on_the_fork_day_are_kept_and_those_after_it_follow_the_rule(tmp_path):
    sc = _read(tmp_path, HEAD + 'fork = 2016-12-30\nafter_fork = "drop"\n\n[[edit]]\nop = "insert"\n\n'
               '[[edit.events]]\nid = "later"\ntype = "StatementMade"\ndate = 2017-01-05\nactor = "RUS"\n'
               'target = "USA"\n')
    r = sc.run()
    fork = d("2016-12-30")
    assert [e.id for e in r.events] == [e.id for e in sc.base_events if e.date <= fork] + ["later"]
    assert [c.event_id for c in r.changes] == [e.id for e in sc.base_events if e.date > fork]
    assert {c.action for c in r.changes} == {"dropped"} and r.edited == {"later"}


# --- where an edited course begins, and a run's seed ----------------------------------------------------------------

def test_without_a_fork_the_course_begins_at_the_earliest_day_an_edit_touches(tmp_path):
    insert = ('\n[[edit]]\nop = "insert"\n\n[[edit.events]]\nid = "later"\ntype = "StatementMade"\ndate = 2017-08-10\n'
              'actor = "RUS"\ntarget = "USA"\n')
    assert fork_date(_read(tmp_path, HEAD + insert)) == d("2017-08-10")
    removed = _read(tmp_path, HEAD + insert + '\n[[edit]]\nop = "remove"\nid = "rus-takes-dacha"\n')
    assert fork_date(removed) == d("2017-07-28")  # the removed event's day
    assert fork_date(_read(tmp_path, HEAD)) is None
    assert fork_date(_read(tmp_path, HEAD + 'fork = 2017-01-02\n' + insert)) == d("2017-01-02")


def test_a_run_takes_the_seed_of_the_file_unless_given_one(tmp_path):
    sc = _read(tmp_path, HEAD + 'seed = 3\n')
    assert (sc.run().seed, sc.run(seed=7).seed, sc.run(seed=0).seed) == (3, 7, 0)


def test_where_names_the_line_of_a_key_or_the_file_alone(tmp_path):
    sc = _read(tmp_path, HEAD + 'fork = 2017-01-02\n')
    assert (sc.where("fork"), sc.where("nope")) == (f"{sc.path}:3", sc.path)


# --- an edited log that breaks a rule is refused where the fault is -------------------------------------------------

def test_an_inserted_event_that_breaks_a_rule_is_named_at_its_edit(tmp_path):
    from diplosim.core.errors import InputError

    sc = _read(tmp_path, HEAD + '\n[[edit]]\nop = "insert"\n\n[[edit.events]]\nid = "back"\n'
               'type = "PropertyReturned"\ndate = 2017-01-05\nactor = "USA"\ntarget = "RUS"\nproperty = "nope"\n')
    with pytest.raises(InputError) as exc:
        sc.run()
    assert str(exc.value).startswith(f"{sc.path}:4: the edited log breaks a rule: ")


def test_a_base_event_kept_by_rule_that_cannot_stand_is_named_at_the_file(tmp_path):
    from diplosim.core.errors import InputError

    # without its compound's registration, the closing of the Maryland compound cannot stand; keep insists on it
    sc = _read(tmp_path, HEAD + 'after_fork = "keep"\n\n[[edit]]\nop = "remove"\nid = "base-rus-maryland-compound"\n')
    with pytest.raises(InputError) as exc:
        sc.run()
    assert str(exc.value).startswith(f"{sc.path}: the edited log breaks a rule: ")
    kept = _read(tmp_path, HEAD + '\n[[edit]]\nop = "remove"\nid = "base-rus-maryland-compound"\n').run()
    assert [(c.event_id, c.action) for c in kept.changes] == [("usa-closes-maryland-compound", "dropped")]


# --- every table a diff compares (compare.comparable) ---------------------------------------------------------------

def _two_missions() -> list[ev.Event]:
    return [ev.MissionEstablished(id="us", date=d("2020-01-01"), actor="USA", target="RUS", staff=100, sources=SRC,
                                  posts=(ev.Post("Embassy in Moscow", "embassy"), ev.Post("Consulate in Kazan",
                                                                                           "consulate"))),
            ev.MissionEstablished(id="ru", date=d("2020-01-01"), actor="RUS", target="USA", staff_min=400,
                                  staff_about=450, sources=SRC),
            ev.PropertyRegistered(id="dacha", date=d("2020-01-01"), actor="USA", target="RUS", property="dacha",
                                  name="A dacha", sources=SRC)]


def _rows(after: list[ev.Event], day: str = "2020-02-01") -> dict[tuple[str, str, str], tuple]:
    rows = diff_results(_two_missions(), _two_missions() + after, [d(day)], labels=("a", "b"))
    assert all(r["date"] == day and r["differs"] for r in rows)
    return {(r["table"], r["key"], r["field"]): (r["a"], r["b"]) for r in rows}


def test_a_diff_shows_a_closed_post_and_the_day_it_closes():
    closed = ev.PostClosed(id="shut", date=d("2020-01-02"), actor="RUS", target="USA", post="Consulate in Kazan",
                           effective=d("2020-01-10"), sources=SRC)
    # ordered closed, the post is closing until the day it takes effect, then closed
    assert _rows([closed], "2020-01-09") == {("posts", "USA→RUS Consulate in Kazan", "status"): ("open", "closing"),
                                             ("posts", "USA→RUS Consulate in Kazan", "effective"): (None, "2020-01-10")}
    assert _rows([closed], "2020-01-10") == {("posts", "USA→RUS Consulate in Kazan", "status"): ("open", "closed")}


def test_a_diff_shows_a_seized_property_and_from_when():
    seized = ev.PropertySeized(id="take", date=d("2020-01-02"), actor="RUS", target="USA", property="dacha",
                               effective=d("2020-01-10"), sources=SRC)
    assert _rows([seized], "2020-01-09") == {("properties", "dacha", "status"): ("in_use", "closing"),
                                             ("properties", "dacha", "effective"): (None, "seized from 2020-01-10")}
    assert _rows([seized], "2020-01-10") == {("properties", "dacha", "status"): ("in_use", "seized")}


def test_a_diff_shows_an_open_proposal():
    proposal = ev.ProposalMade(id="idea", date=d("2020-01-02"), actor="RUS", target="USA", count=35, sources=SRC)
    assert _rows([proposal]) == {("open_proposals", "idea", "status"): (None, "open")}


def test_a_parity_cap_carries_what_is_known_of_the_mission_it_follows():
    cap = ev.MissionCapped(id="cap", date=d("2020-01-02"), actor="RUS", target="USA", parity=True, sources=SRC)
    rows = _rows([cap])
    assert rows["missions", "USA→RUS", "cap"] == (None, {"rule": "parity", "min": 400, "max": None, "about": 450})


def test_a_diff_over_several_days_compares_each_day():
    proposal = ev.ProposalMade(id="idea", date=d("2020-01-05"), actor="RUS", target="USA", count=35, sources=SRC)
    rows = diff_results(_two_missions(), _two_missions() + [proposal], [d("2020-01-02"), d("2020-01-06")])
    assert [(r["date"], r["key"], r["scenario"], r["against"]) for r in rows] == [("2020-01-06", "idea", None, "open")]


# --- base events that play makes impossible -------------------------------------------------------------------------

CLOSING = ('[scenario]\ntitle = "x"\nfork = 2017-01-01\nafter_fork = {rule}\n\n[[policy]]\ncountry = "RUS"\n'
           'strategy = "always-hostile"\nparams = {{ kind = "close_post", size = 1 }}\n\n[[policy]]\ncountry = "USA"\n'
           'strategy = "always-hostile"\nparams = {{ kind = "close_post", size = 1 }}\n\n[stop]\nhorizon = 2018-04-25\n')


def test_changes_are_listed_by_date_whether_a_rule_or_play_made_them(tmp_path):
    # both sides close a post every round: the record's later closings of posts already closed are dropped in play
    # (from August 2017); Britain's acts are dropped by the rule, from March 2018
    r = _read(tmp_path, CLOSING.format(rule='{ default = "keep-possible", GBR = "drop" }')).run()
    reasons = [c.reason for c in r.changes]
    assert any(x.startswith("impossible in play") for x in reasons) and "after the fork (after_fork = drop)" in reasons
    assert [c.date for c in r.changes] == sorted(c.date for c in r.changes)
    assert r.changes[0].reason.startswith("impossible in play")


def test_a_base_event_kept_by_rule_that_play_makes_impossible_is_refused_at_the_rule(tmp_path):
    from diplosim.core.errors import InputError

    sc = _read(tmp_path, CLOSING.format(rule='"keep"'))
    with pytest.raises(InputError) as exc:
        sc.run()
    assert str(exc.value).startswith(f"{sc.path}:4: a base event kept after the fork (after_fork = keep) breaks a rule "
                                     f"in play: impossible in play: ")


# --- the edited log (edited_log's docstring and comments) -----------------------------------------------------------

def test_edits_remove_replace_and_insert_after_an_event_or_after_the_base_events_of_their_date(tmp_path):
    from diplosim.play.scenario import edited_log

    def event(i: str) -> str:
        return f'\n[[edit.events]]\nid = "{i}"\ntype = "StatementMade"\ndate = 2016-12-29\nactor = "USA"\ntarget = "RUS"\n'
    sc = _read(tmp_path, HEAD
               + '\n[[edit]]\nop = "insert"\n' + event("dated-a")
               + '\n[[edit]]\nop = "remove"\nid = "usa-closes-maryland-compound"\n'
               + '\n[[edit]]\nop = "replace"\nid = "usa-sanctions-nine"\n' + event("s-a") + event("s-b")
               + '\n[[edit]]\nop = "insert"\nafter = "usa-expels-35"\n' + event("after-a"))
    events, brought = edited_log(sc)
    day = [e.id for e in events if e.date == d("2016-12-29")]
    assert day == ["usa-expels-35", "after-a", "usa-closes-new-york-compound", "s-a", "s-b", "dated-a"]
    assert brought == {"dated-a", "s-a", "s-b", "after-a"}
    assert [e.id for e in events if e.date != d("2016-12-29")] == \
        [e.id for e in sc.base_events if e.date != d("2016-12-29")]


def test_an_act_that_cannot_stand_even_without_its_removed_threat_is_dropped_not_a_crash(tmp_path):
    """keep-possible adapts a base act that resolves a threat the edits removed by leaving the link out; an act that
    is impossible even then (here an expulsion of 8 from a mission the edits made 5) is dropped, with the reason."""
    base = ('[log]\ntitle = "t"\n\n' + "".join(
        f'[[event]]\n{body}\nsources = ["public record: test"]\n\n' for body in (
            'id = "m"\ntype = "MissionEstablished"\ndate = 2017-01-01\nactor = "USA"\ntarget = "RUS"\nstaff = 10',
            'id = "threat"\ntype = "ThreatIssued"\ndate = 2017-01-05\nactor = "RUS"\ntarget = "USA"',
            'id = "x"\ntype = "DiplomatsExpelled"\ndate = 2017-01-10\nactor = "RUS"\ntarget = "USA"\ncount = 8\n'
            'deadline = 2017-01-20\nresolves = ["threat"]')))
    (tmp_path / "base.toml").write_text(base, encoding="utf-8")
    sc = _read(tmp_path, HEAD + 'base = "base.toml"\nafter_fork = "keep-possible"\n\n[[edit]]\nop = "remove"\n'
                                'id = "threat"\n\n[[edit]]\nop = "replace"\nid = "m"\n\n[[edit.events]]\nid = "m2"\n'
                                'type = "MissionEstablished"\ndate = 2017-01-01\nactor = "USA"\ntarget = "RUS"\n'
                                'staff = 5\nsources = ["public record: test"]\n')
    r = sc.run()
    assert [(c.event_id, c.action) for c in r.changes] == [("x", "dropped")]
    assert [e.id for e in r.events] == ["m2"]
    assert "impossible after the edits" in r.changes[0].reason

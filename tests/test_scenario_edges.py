"""Scenarios at their edges: the exact file:line and words of refusals inside arrays of tables, which base events
an edit may reuse, the reason a dropped event gives, and what a diff of two states counts (heads of mission,
sanctions by imposer and target country).  Each case is one a mutation run found unchecked."""
from __future__ import annotations

import datetime
import textwrap
from pathlib import Path

import pytest
from conftest import d

from diplosim.core import events as ev
from diplosim.core.errors import InputError
from diplosim.core.fold import fold
from diplosim.play.scenario import Scenario, diff_results, diff_states

SRC = ("public record: test",)


def _scenario(tmp_path: Path, text: str) -> tuple[Path, str]:
    p = tmp_path / "s.toml"
    p.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return p, p.read_text(encoding="utf-8")


def _line(text: str, start: str, nth: int = 1) -> int:
    """The line number of the ``nth`` line of ``text`` that starts with ``start`` (counted by hand, not by the
    code under test)."""
    found = [n for n, x in enumerate(text.splitlines(), 1) if x.startswith(start)]
    return found[nth - 1]


def _refusal(p: Path) -> str:
    with pytest.raises(InputError) as exc:
        Scenario.from_toml(p)
    return str(exc.value)


# --- refusals inside arrays of tables name the line of the key at fault ---------------------------------------------

def test_a_bad_key_in_the_first_of_several_edits_is_named_at_its_own_line(tmp_path):
    # the search for the key stops at the next [[edit]]: the op of the first edit is on its third line
    p, text = _scenario(tmp_path, """
        [scenario]
        title = "x"

        [[edit]]
        id = "usa-expels-35"
        reason = "why"
        op = "delete"

        [[edit]]
        op = "remove"
        id = "rus-takes-dacha"
    """)
    line = _line(text, "op = ")
    assert _refusal(p) == f"{p}:{line}: edit op must be one of remove, replace, insert (got 'delete')"


@pytest.mark.parametrize("without", [1, 2])
def test_a_key_missing_from_one_of_three_policies_is_named_at_that_policys_line(tmp_path, without):
    # three policies, one without a strategy: its table's own line is named, not the strategy of a later table
    tables = "".join(f"""
        [[policy]]
        country = "{country}"
        """ + ("" if n == without else 'strategy = "tit-for-tat"\n        ')
                     for n, country in enumerate(("RUS", "USA", "GBR"), 1))
    p, text = _scenario(tmp_path, f"""
        [scenario]
        title = "x"
        fork = 2017-01-01
        {tables}
        [stop]
        horizon = 2017-03-01
    """)
    assert _refusal(p).startswith(f"{p}:{_line(text, '[[policy]]', without)}: strategy must be a strategy's name")


def test_of_two_unknown_keys_in_an_edit_the_first_by_name_is_named_at_its_line(tmp_path):
    p, text = _scenario(tmp_path, """
        [scenario]
        title = "x"

        [[edit]]
        op = "remove"
        zeta = 1
        id = "usa-expels-35"
        alpha = 2
    """)
    assert _refusal(p) == f"{p}:{_line(text, 'alpha')}: unknown key 'alpha' in [[edit]]"


def test_a_bad_field_of_the_first_of_two_inserted_events_is_named_at_its_line(tmp_path):
    p, text = _scenario(tmp_path, """
        [scenario]
        title = "x"

        [[edit]]
        op = "insert"

        [[edit.events]]
        id = "neg"
        type = "DiplomatsExpelled"
        date = 2017-03-01
        actor = "RUS"
        target = "USA"
        count = -4
        deadline = 2017-03-05

        [[edit.events]]
        id = "fine"
        type = "StatementMade"
        date = 2017-03-02
        actor = "RUS"
        target = "USA"
    """)
    assert _refusal(p) == f"{p}:{_line(text, 'count = -4')}: DiplomatsExpelled: count must be positive (got -4)"


def test_a_field_missing_from_the_second_of_three_events_is_not_looked_for_in_the_third(tmp_path):
    # the second event has no count: the line named is its own header, not the third event's count
    p, text = _scenario(tmp_path, """
        [scenario]
        title = "x"

        [[edit]]
        op = "insert"

        [[edit.events]]
        id = "one"
        type = "StatementMade"
        date = 2017-03-02
        actor = "RUS"
        target = "USA"

        [[edit.events]]
        id = "two"
        type = "DiplomatsExpelled"
        date = 2017-03-01
        actor = "RUS"
        target = "USA"
        deadline = 2017-03-05

        [[edit.events]]
        id = "three"
        type = "DiplomatsExpelled"
        date = 2017-03-01
        actor = "RUS"
        target = "USA"
        count = 4
        deadline = 2017-03-05
    """)
    refusal = _refusal(p)
    assert refusal.startswith(f"{p}:{_line(text, '[[edit.events]]', 2)}: ") and "count" in refusal, refusal


@pytest.mark.parametrize("against", ["[]", '["QQQ"]'])
def test_against_must_list_known_countries(tmp_path, against):
    p, text = _scenario(tmp_path, f"""
        [scenario]
        title = "x"
        fork = 2017-01-01

        [[policy]]
        country = "RUS"
        strategy = "tit-for-tat"
        against = {against}

        [[policy]]
        country = "USA"
        strategy = "tit-for-tat"

        [stop]
        horizon = 2017-03-01
    """)
    got = against.replace('"', "'")
    assert _refusal(p) == (f"{p}:{_line(text, 'against')}: against must list the counterparts this policy answers, "
                           f"known country codes, each once (got {got})")


def test_after_fork_may_not_name_a_country_that_plays_no_part(tmp_path):
    # GBR has no policy, is not among the countries and acts nowhere in the seed log of the US and Russia
    p, text = _scenario(tmp_path, """
        [scenario]
        title = "x"
        base = "us-russia-2016-2017"
        fork = 2017-01-01
        after_fork = { GBR = "drop" }

        [[policy]]
        country = "RUS"
        strategy = "tit-for-tat"

        [[policy]]
        country = "USA"
        strategy = "tit-for-tat"

        [stop]
        horizon = 2017-03-01
    """)
    assert _refusal(p) == f"{p}:{_line(text, 'after_fork')}: after_fork names GBR, which plays no part in the scenario"


# --- what an edit's events may be ---------------------------------------------------------------------------------

def test_a_replace_edit_may_not_reuse_the_id_of_another_base_event(tmp_path):
    p, text = _scenario(tmp_path, """
        [scenario]
        title = "x"

        [[edit]]
        op = "replace"
        id = "rus-caps-us-mission"

        [[edit.events]]
        id = "usa-expels-35"
        type = "StatementMade"
        date = 2017-07-28
        actor = "RUS"
        target = "USA"
    """)
    assert _refusal(p) == (f"{p}:{_line(text, '[[edit.events]]')}: event id 'usa-expels-35' is already used in the "
                           f"base log")


def test_a_replace_edit_may_keep_the_id_of_the_event_it_replaces(tmp_path):
    p, _ = _scenario(tmp_path, """
        [scenario]
        title = "x"

        [[edit]]
        op = "replace"
        id = "rus-caps-us-mission"

        [[edit.events]]
        id = "rus-caps-us-mission"
        type = "StatementMade"
        date = 2017-07-28
        actor = "RUS"
        target = "USA"
    """)
    assert [e.id for e in Scenario.from_toml(p).edits[0].events] == ["rus-caps-us-mission"]


def test_an_inserted_event_with_sources_is_a_fact_not_generated(tmp_path):
    # README: generated_by is set on events a scenario makes, which need no source; one with sources keeps them
    p, _ = _scenario(tmp_path, """
        [scenario]
        title = "x"
        name = "sourced"

        [[edit]]
        op = "insert"

        [[edit.events]]
        id = "with-source"
        type = "StatementMade"
        date = 2017-03-02
        actor = "RUS"
        target = "USA"
        sources = ["public record: a statement"]

        [[edit.events]]
        id = "without"
        type = "StatementMade"
        date = 2017-03-03
        actor = "RUS"
        target = "USA"
    """)
    by_id = {e.id: e for e in Scenario.from_toml(p).edits[0].events}
    assert (by_id["with-source"].generated_by, by_id["with-source"].sources) == (None, ("public record: a statement",))
    assert by_id["without"].generated_by == "scenario sourced"


def test_an_edit_event_that_is_not_a_table_is_a_refusal(tmp_path):
    p, _ = _scenario(tmp_path, """
        [scenario]
        title = "x"

        [[edit]]
        op = "insert"
        events = [1]
    """)
    assert _refusal(p).startswith(f"{p}:")


# --- why a base event after the fork was dropped ------------------------------------------------------------------

def _two_policies(after_fork: str | None) -> str:
    return f"""
        [scenario]
        title = "x"
        base = "us-russia-2016-2017"
        fork = 2017-01-01
        {"" if after_fork is None else f"after_fork = {after_fork}"}

        [[policy]]
        country = "RUS"
        strategy = "tit-for-tat"

        [[policy]]
        country = "USA"
        strategy = "tit-for-tat"

        [stop]
        horizon = 2017-01-15
    """


def _reasons(tmp_path, after_fork: str | None) -> dict[str, str]:
    p, _ = _scenario(tmp_path, _two_policies(after_fork))
    return {c.event_id: c.reason for c in Scenario.from_toml(p).run().changes if c.action == "dropped"}


POLICY_RUS = "after the fork: the policy of RUS decides its acts"
POLICY_USA = "after the fork: the policy of USA decides its acts"
BY_RULE = "after the fork (after_fork = drop)"


def test_with_after_fork_drop_a_dropped_act_says_the_rule_dropped_it(tmp_path):
    reasons = _reasons(tmp_path, '"drop"')
    # Russia cancels the Shannon-Ryabkov meeting in June 2017, the US House votes in July: both after the fork
    assert (reasons["rus-cancels-shannon-ryabkov"], reasons["house-votes-419-3"]) == (BY_RULE, BY_RULE)


def test_by_default_a_dropped_act_says_its_country_plays(tmp_path):
    reasons = _reasons(tmp_path, None)
    assert (reasons["rus-cancels-shannon-ryabkov"], reasons["house-votes-419-3"]) == (POLICY_RUS, POLICY_USA)


def test_a_drop_rule_for_one_pair_names_the_rule_and_the_default_drops_the_rest_for_the_policy(tmp_path):
    # Russia's acts towards the US are dropped by the file's rule; the US's acts by the default (the US plays)
    reasons = _reasons(tmp_path, '{ "RUS:USA" = "drop" }')
    assert (reasons["rus-cancels-shannon-ryabkov"], reasons["house-votes-419-3"]) == (BY_RULE, POLICY_USA)


# --- what a diff compares -----------------------------------------------------------------------------------------

def _missions() -> list[ev.Event]:
    return [ev.MissionEstablished(id="us", date=d("2020-01-01"), actor="USA", target="RUS", staff=100, sources=SRC),
            ev.MissionEstablished(id="ru", date=d("2020-01-01"), actor="RUS", target="USA", staff=100, sources=SRC)]


DAY = d("2020-01-05")


def test_a_diff_shows_a_recalled_head_of_mission():
    recalled = _missions() + [ev.AmbassadorRecalled(id="recall", date=d("2020-01-02"), actor="USA", target="RUS",
                                                    sources=SRC)]
    rows = diff_results(_missions(), recalled, [DAY], labels=("a", "b"))
    assert [(r["table"], r["key"], r["field"], r["a"], r["b"]) for r in rows] \
        == [("missions", "USA→RUS", "head", None, "recalled")]


def _sanctioned() -> list[ev.Event]:
    t = lambda name: ev.SanctionTarget(name=name)
    return _missions() + [
        ev.SanctionsImposed(id="s1", date=d("2020-01-02"), actor="USA", target="RUS", targets=(t("A"), t("B")),
                            measures=("asset freeze",), sources=SRC),
        ev.SanctionsImposed(id="s2", date=d("2020-01-03"), actor="USA", target="RUS", targets=(t("C"),), count=4,
                            measures=("visa ban",), sources=SRC),
        ev.SanctionsImposed(id="s3", date=d("2020-01-03"), actor="RUS", target="USA", count=5,
                            measures=("entry ban",), sources=SRC)]


def test_a_diff_counts_sanctioned_targets_named_or_not_per_imposer_and_country():
    rows = diff_results(_missions(), _sanctioned(), [DAY], labels=("a", "b"))
    got = {(r["key"], r["field"]): (r["a"], r["b"]) for r in rows}
    # USA on Russia: A and B, then C named of 4 (3 unnamed): 6 targets; Russia on the US: 5, none named
    assert got == {("USA→RUS", "targets"): (None, 2 + 1 + 3), ("USA→RUS", "measures"): (None, "asset freeze, visa ban"),
                   ("RUS→USA", "targets"): (None, 5), ("RUS→USA", "measures"): (None, "entry ban")}


def test_diff_states_lists_only_differences_unless_asked_for_all():
    a, b = fold(_missions(), until=DAY), fold(_sanctioned(), until=DAY)
    only = diff_states(a, b, DAY)
    assert only and all(r["differs"] for r in only)
    every = diff_states(a, b, DAY, all_rows=True)
    assert len(every) > len(only) and not all(r["differs"] for r in every)
    assert diff_states(a, a, DAY + datetime.timedelta(days=1)) == []


# --- written after the fresh sample (1 in 16, offset 2): not counted in its score --------------------------------------

def test_a_diff_shows_suspended_contacts():
    suspended = _missions() + [ev.ContactsSuspended(id="cut", date=d("2020-01-02"), actor="USA", target="RUS",
                                                    scope="high-level bilateral", sources=SRC)]
    rows = diff_results(_missions(), suspended, [DAY], labels=("a", "b"))
    assert [(r["table"], r["key"], r["field"], r["a"], r["b"]) for r in rows] \
        == [("contacts", "USA→RUS", "suspended", None, "high-level bilateral")]


@pytest.fixture(scope="module")
def tit_for_tat_from_new_year(tmp_path_factory):
    p = tmp_path_factory.mktemp("tft") / "s.toml"
    p.write_text(textwrap.dedent(_two_policies(None)).lstrip().replace("2017-01-15", "2017-03-01"), encoding="utf-8")
    return Scenario.from_toml(p).run()


def test_play_begins_the_day_after_the_fork(tit_for_tat_from_new_year):
    # the fork is 1 January 2017, a day the seed log has no event on (its last before is 30 December)
    r = tit_for_tat_from_new_year
    assert min(x.date for x in r.rounds) == d("2017-01-02")
    assert min(e.date for e in r.events if e.id in r.generated) > d("2017-01-01")


def test_a_side_whose_last_decision_was_a_measure_is_still_escalating(tit_for_tat_from_new_year):
    """outcome: "spiral stopped" only when both sides' last two decisions were restraint."""
    r = tit_for_tat_from_new_year
    last: dict[str, list] = {}
    for x in r.rounds:
        last.setdefault(x.country, []).append(x.move)
    assert all(len(moves) >= 2 for moves in last.values()) and any(m[-1] is not None for m in last.values())
    assert r.stop_reason == "horizon 2017-03-01 reached" and r.outcome == "still escalating"


def test_a_scenario_table_written_inline_on_the_first_line_is_named_there(tmp_path):
    p, _ = _scenario(tmp_path, """
        scenario = { title = "x", seed = -1 }
    """)
    assert _refusal(p).startswith(f"{p}:1: seed must be a whole number from 0 to ")


def test_after_fork_rules_after_the_default_are_read_too(tmp_path):
    p, text = _scenario(tmp_path, """
        [scenario]
        title = "x"
        fork = 2017-01-01
        after_fork = { default = "drop", "QQQ" = "keep" }
    """)
    assert _refusal(p) == (f"{p}:{_line(text, 'after_fork')}: after_fork key 'QQQ': want a country code (RUS) or a pair "
                           f"of them (\"RUS:USA\")")
    p, _ = _scenario(tmp_path, """
        [scenario]
        title = "x"
        fork = 2017-01-01
        after_fork = { default = "drop", "RUS:USA" = "keep" }
    """)
    sc = Scenario.from_toml(p)
    assert (sc.after_fork, sc.after_fork_rules) == ("drop", {"RUS:USA": "keep"})

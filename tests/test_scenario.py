"""Scenarios: forks of the real log, edits, the after-fork rule, extends, diffs, --emit, and bad scenario files."""
from __future__ import annotations

import datetime
import json
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import REAL_LOG, ROOT, d, run_cli
from diplosim.core.errors import InputError
from diplosim.core.fold import fold
from diplosim.core.log import default_log_path, load_log
from diplosim.play.scenario import Scenario, diff_results

SCENARIOS = ROOT / "scenarios"


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def no_edit_result(tmp_path_factory):
    p = tmp_path_factory.mktemp("sc") / "plain.toml"
    p.write_text('[scenario]\ntitle = "the real course, untouched"\n', encoding="utf-8")
    return Scenario.from_toml(p).run()


REAL = load_log(default_log_path()).events  # what a scenario's base "real" is: the shipped record
SPAN = (REAL[0].date, REAL[-1].date + datetime.timedelta(days=60))


@given(st.dates(min_value=SPAN[0], max_value=SPAN[1]))
def test_a_scenario_without_edits_reproduces_the_real_state_at_every_date(no_edit_result, date):
    assert diff_results(no_edit_result.events, REAL, [date]) == []
    assert fold(no_edit_result.events, until=date) == fold(REAL, until=date)


def test_putin_accepts_the_proposal():
    r = Scenario.from_toml(SCENARIOS / "putin-retaliates-2016.toml").run()
    jan2, jan3 = r.state_at(d("2017-01-02")), r.state_at(d("2017-01-03"))
    assert (jan2.missions["USA", "RUS"].staff, jan2.missions["USA", "RUS"].pending_departures) == (1210, 35)
    assert jan3.missions["USA", "RUS"].staff == 1175
    assert jan3.properties["usa-serebryany-bor-dacha"].status == "access_suspended"
    aug = r.state_at(d("2017-08-15"))
    assert aug.missions["USA", "RUS"].pending_departures == 720  # the cap still applies, to a smaller mission
    sep = r.state_at(d("2017-09-02"))
    assert sep.missions["USA", "RUS"].staff == 455
    assert sep.properties["usa-dorozhnaya-warehouse"].status == "seized"
    assert "trump-praises-restraint" not in {e.id for e in r.events}
    assert {"rus-expels-35", "rus-bars-dacha", "rus-bars-warehouse"} <= r.edited
    # the proposal is enacted, not declined
    assert not jan2.open_items and any(x.event_id == "mfa-proposes-35" and x.kind == "enacted"
                                       for x in jan2.resolved)


def test_numeric_tit_for_tat_leaves_a_larger_us_mission():
    r = Scenario.from_toml(SCENARIOS / "numeric-tit-for-tat-2017.toml").run()
    s = r.state_at(d("2017-09-02"))
    assert (s.missions["USA", "RUS"].staff, s.missions["USA", "RUS"].cap) == (1175, None)


def test_both_restrained_keeps_the_us_mission_and_properties():
    r = Scenario.from_toml(SCENARIOS / "both-restrained-2016.toml").run()
    s = r.state_at(d("2017-09-02"))
    assert s.missions["USA", "RUS"].staff == 1210
    assert {s.properties[p].status for p in ("usa-serebryany-bor-dacha", "usa-dorozhnaya-warehouse")} == {"in_use"}
    assert {"izvestia-expel-30", "lavrov-warns-brussels"} <= set(s.open_items)


EARLY_SEIZURE = """
    [scenario]
    title = "Russia seizes the dacha in March 2017"
    after_fork = "{mode}"

    [[edit]]
    op = "insert"

    [[edit.events]]
    id = "early-seizure"
    type = "PropertySeized"
    date = 2017-03-01
    actor = "RUS"
    target = "USA"
    property = "usa-serebryany-bor-dacha"
"""


def test_keep_possible_drops_an_event_the_edits_made_impossible_and_says_why(tmp_path):
    r = Scenario.from_toml(write(tmp_path, "s.toml", EARLY_SEIZURE.format(mode="keep-possible"))).run()
    dropped = {c.event_id: c for c in r.changes}
    assert set(dropped) == {"rus-takes-dacha"}
    assert dropped["rus-takes-dacha"].action == "dropped"
    assert "seized twice" in dropped["rus-takes-dacha"].reason
    assert "rus-takes-warehouse" in {e.id for e in r.events}  # still possible, so kept
    assert r.state_at(d("2017-09-02")).properties["usa-serebryany-bor-dacha"].since == d("2017-03-01")


def test_keep_fails_on_an_impossible_event(tmp_path):
    sc = Scenario.from_toml(write(tmp_path, "s.toml", EARLY_SEIZURE.format(mode="keep")))
    with pytest.raises(InputError, match="rus-takes-dacha"):
        sc.run()


def test_drop_drops_every_base_event_after_the_fork(tmp_path):
    r = Scenario.from_toml(write(tmp_path, "s.toml", EARLY_SEIZURE.format(mode="drop"))).run()
    assert max(e.date for e in r.events) == d("2017-03-01")
    assert {c.event_id for c in r.changes} == {e.id for e in REAL if e.date > d("2017-03-01")}


def test_a_speech_act_that_resolves_a_removed_proposal_is_adapted_not_dropped(tmp_path):
    p = write(tmp_path, "s.toml", """
        [scenario]
        title = "no foreign ministry proposal"
        fork = 2016-12-29

        [[edit]]
        op = "remove"
        id = "mfa-proposes-35"
    """)
    r = Scenario.from_toml(p).run()
    adapted = [c for c in r.changes if c.action == "adapted"]
    assert [c.event_id for c in adapted] == ["putin-declines"]
    declined = next(e for e in r.events if e.id == "putin-declines")
    assert declined.resolves == ("peskov-reciprocity",)


def test_extends_builds_on_another_scenario(tmp_path):
    p = write(tmp_path, "child.toml", f"""
        [scenario]
        title = "Putin accepts, and Russia answers July 2017 by number"
        extends = "{(SCENARIOS / 'putin-retaliates-2016.toml').as_posix()}"

        [[edit]]
        op = "replace"
        id = "rus-caps-us-mission"

        [[edit.events]]
        id = "rus-expels-35-again"
        type = "DiplomatsExpelled"
        date = 2017-07-28
        actor = "RUS"
        target = "USA"
        count = 35
        deadline = 2017-09-01
    """)
    r = Scenario.from_toml(p).run()
    assert r.state_at(d("2017-09-02")).missions["USA", "RUS"].staff == 1210 - 35 - 35


def test_emitted_log_replays_to_the_same_state(tmp_path):
    out = tmp_path / "emitted.toml"
    p = run_cli("scenario", "run", "scenarios/putin-retaliates-2016.toml", "--emit", str(out))
    assert p.returncode == 0, p.stderr
    r = Scenario.from_toml(SCENARIOS / "putin-retaliates-2016.toml").run()
    emitted = load_log(out)
    for date in ("2017-01-03", "2017-08-15", "2017-09-02"):
        assert fold(emitted, until=d(date)) == r.state_at(d(date))


# --- the command line -----------------------------------------------------------------------------------------------


def test_cli_scenario_list_names_every_shipped_file():
    p = run_cli("scenario", "list", "--format", "json")
    assert p.returncode == 0, p.stderr
    files = {row["file"] for row in json.loads(p.stdout)}
    assert files == {f"scenarios/{f.name}" for f in SCENARIOS.glob("*.toml")}
    assert all(row["question"] for row in json.loads(p.stdout))


def test_cli_scenario_run_json_is_the_state_contract_plus_a_diff():
    p = run_cli("scenario", "run", "scenarios/putin-retaliates-2016.toml", "--at", "2017-01-15", "--format", "json")
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["as_of"] == "2017-01-15"
    assert {"missions", "properties", "sanctions", "open_proposals", "diff"} <= set(doc)
    usa = next(m for m in doc["missions"] if (m["sending"], m["host"]) == ("USA", "RUS"))
    assert usa["staff"] == 1175
    row = next(r for r in doc["diff"] if r["key"] == "USA→RUS" and r["field"] == "staff")
    assert (row["scenario"], row["base"]) == (1175, 1210)
    assert all(r["differs"] for r in doc["diff"])


def test_cli_scenario_run_against_real_shows_only_differences_unless_all():
    args = ["scenario", "run", "scenarios/putin-retaliates-2016.toml", "--at", "2017-09-02", "--diff-only",
            "--format", "json"]
    only = json.loads(run_cli(*args).stdout)
    every = json.loads(run_cli(*args, "--all").stdout)
    assert only == []  # by 2017-09-02 the cap has erased the December difference
    assert len(every) > 10 and not any(r["differs"] for r in every)


def test_cli_scenario_run_prints_timeline_with_marks_and_state():
    p = run_cli("scenario", "run", "scenarios/putin-retaliates-2016.toml", "--at", "2017-01-15")
    assert p.returncode == 0, p.stderr
    lines = [x for x in p.stdout.splitlines() if "Hypothetical: Russia declares 35" in x]
    assert lines and "edited" in lines[0]
    assert "Differences from base" in p.stdout and "1175" in p.stdout


def test_cli_scenario_diff_two_scenarios():
    p = run_cli("scenario", "diff", "scenarios/putin-retaliates-2016.toml", "scenarios/numeric-tit-for-tat-2017.toml",
                "--at", "2017-09-02", "--format", "json")
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    staff = next(r for r in doc["diff"] if r["field"] == "staff")
    assert (staff["putin-retaliates-2016"], staff["numeric-tit-for-tat-2017"]) == (455, 1175)


def _played(horizon: str, against: str = "", stop: str = "") -> str:
    """A scenario of two policies on the seed log from 2017-01-01 (lines: RUS's [[policy]] 6, horizon 15 or 16)."""
    return textwrap.dedent("""\
        [scenario]
        title = "x"
        base = "us-russia-2016-2017"
        fork = 2017-01-01

        [[policy]]
        country = "RUS"
        strategy = "tit-for-tat"{against}

        [[policy]]
        country = "USA"
        strategy = "tit-for-tat"

        [stop]
        horizon = {horizon}{stop}
        """).format(horizon=horizon, against=against, stop=stop)


BAD = {
    "unknown-id": ("""
        [scenario]
        title = "x"

        [[edit]]
        op = "remove"
        id = "no-such-event"
        """, 6, "unknown event id 'no-such-event'"),
    "fork-outside": ("""
        [scenario]
        title = "x"
        fork = 2015-01-01
        """, 3, "outside the base log"),
    "malformed": ("""
        [scenario]
        title = "x
        """, 2, "malformed TOML"),
    "bad-op": ("""
        [scenario]
        title = "x"

        [[edit]]
        op = "delete"
        id = "usa-expels-35"
        """, 5, "edit op must be one of"),
    "event-too-early": ("""
        [scenario]
        title = "x"

        [[edit]]
        op = "insert"

        [[edit.events]]
        id = "early"
        type = "StatementMade"
        date = 2015-06-01
        actor = "RUS"
        target = "USA"
        """, 7, "before the base log begins"),
    "bad-event-field": ("""
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
        """, 13, "count must be positive"),
    # the first unknown table in name order, named by its header's line
    "unknown-tables": ("""
        [scenario]
        title = "x"

        [zzz]
        x = 1

        [aaa.b]
        y = 2
        """, 7, "unknown table 'aaa'"),
    "unknown-stop-keys": ("""
        [scenario]
        title = "x"

        [stop]
        zeta = 1
        alpha = 2
        """, 6, "unknown key 'alpha' in [stop]"),
    "no-rounds": ("""
        [scenario]
        title = "x"

        [stop]
        floor = 3
        rounds = 0
        """, 6, "rounds must be a whole number from 1 to"),
    "negative-floor": ("""
        [scenario]
        title = "x"

        [stop]
        floor = -1
        """, 5, "floor must be a whole number from 0 to"),
    "no-quiet-rounds": ("""
        [scenario]
        title = "x"

        [stop]
        quiet_rounds = 0
        """, 5, "quiet_rounds must be a whole number from 1 to"),
    "compare-at-a-time": ("""
        [scenario]
        title = "x"
        compare_at = [2017-03-01T00:00:00]
        """, 3, "compare_at: bad date"),
    "after-fork-three-countries": ("""
        [scenario]
        title = "x"
        fork = 2017-01-01
        after_fork = { "RUS:USA:GBR" = "drop" }
        """, 4, "after_fork key 'RUS:USA:GBR': want a country code (RUS) or a pair of them"),
    "bloc-not-a-list": ("""
        [scenario]
        title = "x"

        [blocs]
        NATO = "USA"
        """, 5, "bloc 'NATO' must list two or more member countries"),
    "policy-answers-itself": (_played("2017-03-01", against='\nagainst = ["RUS"]'), 6,
                              "the [[policy]] of RUS answers RUS, which is not a counterpart in play"),
    "horizon-at-the-fork": (_played("2017-01-01"), 15, "horizon 2017-01-01 is not after the fork 2017-01-01"),
}

# the neighbours of some refusals above, which must run
GOOD = {
    "after-fork-pair": """
        [scenario]
        title = "x"
        fork = 2017-01-01
        after_fork = { "RUS:USA" = "drop" }
        """,
    "bloc-of-two": """
        [scenario]
        title = "x"

        [blocs]
        WEST = ["USA", "GBR"]
        """,
    "horizon-a-day-after-the-fork": _played("2017-01-02", stop="\nrounds = 1\nfloor = 0\nquiet_rounds = 1"),
}


@pytest.mark.parametrize("name", sorted(GOOD))
def test_the_neighbours_of_refused_scenarios_run(tmp_path, name):
    p = write(tmp_path, f"{name}.toml", GOOD[name])
    out = run_cli("scenario", "run", str(p))
    assert out.returncode == 0, out.stderr


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_scenario_files_give_one_line_with_file_and_line(tmp_path, name):
    text, line, message = BAD[name]
    p = write(tmp_path, f"{name}.toml", text)
    out = run_cli("scenario", "run", str(p))
    assert out.returncode == 2
    assert out.stdout == ""
    err = out.stderr.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in out.stderr
    assert f"{p}:{line}:" in err[0] and message in err[0], err[0]


def test_a_cycle_in_extends_is_named(tmp_path):
    a = write(tmp_path, "a.toml", '[scenario]\ntitle = "a"\nextends = "b.toml"\n')
    write(tmp_path, "b.toml", '[scenario]\ntitle = "b"\nextends = "a.toml"\n')
    out = run_cli("scenario", "run", str(a))
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1
    assert "cycle in extends" in out.stderr and f"{a}:3:" in out.stderr


def test_missing_scenario_file(tmp_path):
    out = run_cli("scenario", "run", str(tmp_path / "nope.toml"))
    assert out.returncode == 2 and "no such file" in out.stderr and len(out.stderr.strip().splitlines()) == 1


# --- scenarios with strategies --------------------------------------------------------------------------------------


def test_tit_for_tat_spiral_runs_until_a_mission_falls_below_the_floor():
    r = Scenario.from_toml(SCENARIOS / "tit-for-tat-spiral-2016.toml").run()
    assert r.generated and all(e.generated_by for e in r.events if e.id in r.generated)
    assert all(e.date > d("2016-12-30") for e in r.events if e.id in r.generated)
    assert "fell below 100" in r.stop_reason
    end = r.state_at(max(e.date for e in r.events) + datetime.timedelta(days=60))
    assert min(m.staff for m in end.missions.values()) < 100
    # tit-for-tat answers in kind and size: every generated expulsion is of 35 people, unless clamped
    sizes = {e.count for e in r.events if e.id in r.generated and e.type == "DiplomatsExpelled"}
    assert sizes <= {35} | {e.count for e in r.events if e.id in r.generated and e.note}
    assert r.outcome == "collapse"


def test_us_escalation_ladder_scenario_stops_at_the_floor():
    r = Scenario.from_toml(SCENARIOS / "us-answers-cap-2017.toml").run()
    assert r.stop_reason and "below 100" in r.stop_reason
    us_moves = [x for x in r.events if x.id in r.generated and x.actor == "USA"]
    assert us_moves and all(x.generated_by == "escalator (USA)" for x in us_moves)


def test_same_seed_same_result_and_seeds_can_differ():
    sc = Scenario.from_toml(SCENARIOS / "generous-noise-2016.toml")
    a, b = sc.run(seed=3), sc.run(seed=3)
    assert a.events == b.events and a.stop_reason == b.stop_reason
    outcomes = {tuple(e.id for e in sc.run(seed=s).events) for s in range(8)}
    assert len(outcomes) > 1


def test_emitted_log_of_a_played_scenario_replays_to_the_same_state(tmp_path):
    out = tmp_path / "played.jsonl"
    p = run_cli("scenario", "run", "scenarios/tit-for-tat-spiral-2016.toml", "--emit", str(out))
    assert p.returncode == 0, p.stderr
    r = Scenario.from_toml(SCENARIOS / "tit-for-tat-spiral-2016.toml").run()
    emitted = load_log(out)
    assert [e.id for e in emitted] == [e.id for e in r.events]
    for date in ("2017-02-01", "2017-06-01", "2018-01-01"):
        assert fold(emitted, until=d(date)) == r.state_at(d(date))


def test_cli_runs_many_seeds_and_summarises_outcomes():
    p = run_cli("scenario", "run", "scenarios/generous-noise-2016.toml", "--runs", "12", "--format", "json")
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert [r["seed"] for r in doc["runs"]] == list(range(12))
    assert sum(x["runs"] for x in doc["summary"]) == 12
    assert {x["outcome"] for x in doc["summary"]} <= {"spiral stopped", "still escalating", "collapse"}
    again = json.loads(run_cli("scenario", "run", "scenarios/generous-noise-2016.toml", "--runs", "12",
                               "--format", "json").stdout)
    assert again == doc


POLICY_BAD = {
    "unknown-strategy": ('strategy = "tit-for-nothing"', "strategy", "tit-for-nothing"),
    "bad-param": ('strategy = "random"\nparams = { p = 1.5 }', "params", "p"),
    "unknown-param": ('strategy = "tit-for-tat"\nparams = { zeal = 2 }', "params", "zeal"),
    "negative-lag": ('strategy = "tit-for-tat"\nlag_days = -2', "lag_days", "lag_days"),
}


@pytest.mark.parametrize("name", sorted(POLICY_BAD))
def test_bad_policies_name_the_line(tmp_path, name):
    body, key, word = POLICY_BAD[name]
    text = ('[scenario]\ntitle = "x"\nfork = 2016-12-30\ncountries = ["USA", "RUS"]\n\n[[policy]]\n'
            'country = "RUS"\n' + body + '\n\n[stop]\nhorizon = 2017-06-01\n')
    p = tmp_path / f"{name}.toml"
    p.write_text(text, encoding="utf-8")
    line = next(n for n, x in enumerate(text.splitlines(), 1) if x.startswith(key + " ="))
    out = run_cli("scenario", "run", str(p))
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert f"{p}:{line}:" in out.stderr and word in out.stderr


def test_the_answers_readme_gives_for_the_played_scenarios():
    """The figures in README's table of shipped scenarios (docs/readme/30-scenarios.md), derived from the rules of
    play and the state at the fork rather than copied: each side decides every 7 days and its move takes effect 3
    days later; play stops at the first move that leaves a mission surely below 100."""
    gen = lambda r: [(e.date, e.actor, e.type, getattr(e, "count", None)) for e in r.events if e.id in r.generated]
    week = datetime.timedelta(days=7)

    # us-answers-cap-2017.  At the fork (28 July 2017) Russia has 455 in the US; the US has 1,210 in Russia, capped
    # at 455 by 1 September (755 to leave).  The US escalator answers a cap with the top rung, an expulsion of 100,
    # every round: n rounds until 455 - 100 n < 100.  Its first move takes effect on 1 August.  Russia (tit-for-tat)
    # answers the US's last measure of the history first (sanctions on 9 targets), then each US expulsion a week
    # after it: the US expulsions of 1 and 8 August are answered on 8 and 15 August; the one decided with the US's
    # last round (effect on the day play stops) never takes effect.
    r = Scenario.from_toml(SCENARIOS / "us-answers-cap-2017.toml").run()
    n = next(k for k in range(1, 10) if 455 - 100 * k < 100)                                  # 4
    first = d("2017-08-01")
    us = [(first + k * week, "USA", "DiplomatsExpelled", 100) for k in range(n)]
    russia = [(first, "RUS", "SanctionsImposed", None)] + [(first + k * week, "RUS", "DiplomatsExpelled", 100)
                                                           for k in range(1, n - 1)]
    assert sorted(gen(r)) == sorted(us + russia)
    assert max(e.date for e in r.events) == first + (n - 1) * week == d("2017-08-22")
    assert r.stop_reason == f"the RUS mission in USA fell below 100 ({455 - 100 * n} after departures)"
    s = r.state_at(d("2017-09-02"))
    # every US expulsion ordered leaves within 7 days; the cap's 755 leave by 1 September and Russia's expulsions
    # leave on top of them (they were ordered after the cap)
    assert (s.missions["RUS", "USA"].staff, s.missions["USA", "RUS"].staff) \
        == (455 - 100 * n, 1210 - 755 - 100 * (n - 2)) == (55, 255)

    # tit-for-tat-spiral-2016.  At the fork (30 December 2016) Russia has 455 in the US (490 less the 35 expelled),
    # the US 1,210 in Russia.  The edit has Russia expel 35 on 30 December; the US's last measure of the history is
    # its sanctions on 9 targets.  Each side answers the other's previous move, so they fall out of phase: the US
    # expels 35 on 3 January and every 14 days, sanctions 9 targets in the weeks between; Russia the other way round.
    # The n-th US expulsion with 455 - 35 n < 100 stops play; by then Russia has expelled 35 n times (the edit's and
    # n - 1 in play) and each side has sanctioned 9 targets n times (the US's first time is its real act).
    r = Scenario.from_toml(SCENARIOS / "tit-for-tat-spiral-2016.toml").run()
    n = next(k for k in range(1, 20) if 455 - 35 * k < 100)                                   # 11
    first = d("2017-01-03")
    us = [(first + 2 * k * week, "USA", "DiplomatsExpelled", 35) for k in range(n)] + \
         [(first + (2 * k + 1) * week, "USA", "SanctionsImposed", None) for k in range(n - 1)]
    russia = [(first + 2 * k * week, "RUS", "SanctionsImposed", None) for k in range(n)] + \
             [(first + (2 * k + 1) * week, "RUS", "DiplomatsExpelled", 35) for k in range(n - 1)]
    assert sorted(gen(r)) == sorted(us + russia)
    assert max(e.date for e in r.events) == first + 2 * (n - 1) * week == d("2017-05-23")
    s = r.state_at(d("2017-09-02"))
    assert (s.missions["RUS", "USA"].staff, s.missions["USA", "RUS"].staff) == (455 - 35 * n, 1210 - 35 * n) \
        == (70, 825)
    by_imposer = {}
    for x in s.sanctions.values():
        by_imposer[x.imposer] = by_imposer.get(x.imposer, 0) + 1
    assert by_imposer == {"USA": 9 * n, "RUS": 9 * n} == {"USA": 99, "RUS": 99}


def test_a_shipped_scenario_runs_by_name_from_any_directory(tmp_path):
    by_name = run_cli("scenario", "run", "putin-retaliates-2016", "--at", "2017-01-15", "--diff-only",
                      "--format", "json", cwd=tmp_path)
    by_path = run_cli("scenario", "run", "scenarios/putin-retaliates-2016.toml", "--at", "2017-01-15",
                      "--diff-only", "--format", "json")
    assert by_name.returncode == 0, by_name.stderr
    assert json.loads(by_name.stdout) == json.loads(by_path.stdout) != []


# --- diffs of figures that are not known exactly ------------------------------------------------------------------


def _uncertain_course(figure: dict, capped: bool = False):
    from diplosim.core import events as ev

    src = ("https://example.org/test",)
    events = [ev.MissionEstablished(id="us", date=d("2020-01-01"), actor="USA", target="RUS", sources=src, **figure),
              ev.MissionEstablished(id="ru", date=d("2020-01-01"), actor="RUS", target="USA", staff_min=400,
                                    sources=src)]
    if capped:
        events.append(ev.MissionCapped(id="cap", date=d("2020-01-02"), actor="RUS", target="USA", parity=True,
                                       sources=src))
    return events


def test_a_diff_compares_ranges_not_only_exact_figures():
    exact, ranged = _uncertain_course({"staff": 455}), _uncertain_course({"staff_min": 400})
    [row] = diff_results(exact, ranged, [d("2020-01-05")], labels=("a", "b"))
    assert (row["key"], row["field"], row["a"], row["b"]) == ("USA→RUS", "staff", 455,
                                                              {"min": 400, "max": None, "about": None})
    # two missions known only as "at least 400" are the same figure: no difference; "about 450" is another
    assert diff_results(ranged, _uncertain_course({"staff_min": 400}), [d("2020-01-05")]) == []
    about = _uncertain_course({"staff_min": 400, "staff_about": 450})
    [row] = diff_results(ranged, about, [d("2020-01-05")], labels=("a", "b"))
    assert row["b"] == {"min": 400, "max": None, "about": 450}


def test_a_diff_compares_parity_caps_by_the_range_they_follow():
    plain, capped = _uncertain_course({"staff": 455}), _uncertain_course({"staff": 455}, capped=True)
    rows = diff_results(plain, capped, [d("2020-01-05")], labels=("a", "b"))
    cap = next(r for r in rows if r["field"] == "cap")
    assert (cap["a"], cap["b"]) == (None, {"rule": "parity", "min": 400, "max": None, "about": None})
    pending = next(r for r in rows if r["field"] == "pending_departures")
    # 455 against a cap of at least 400: between none and 55 must go, deadline unknown
    assert (pending["a"], pending["b"]) == (0, {"min": 0, "max": 55, "about": None})


def test_scenario_diff_cli_writes_ranges_as_the_tables_do(tmp_path):
    from diplosim.core.log import write_log

    write_log(_uncertain_course({"staff": 455}), tmp_path / "base.toml")
    write_log(_uncertain_course({"staff_min": 400}, capped=True), tmp_path / "other.toml")
    a = write(tmp_path, "a.toml", '[scenario]\ntitle = "a"\nbase = "base.toml"\n')
    b = write(tmp_path, "b.toml", '[scenario]\ntitle = "b"\nbase = "other.toml"\n')
    out = run_cli("scenario", "diff", str(a), str(b), "--at", "2020-01-05", "--format", "csv")
    assert out.returncode == 0, out.stderr
    rows = {r.split(",")[3]: r.split(",")[4:] for r in out.stdout.splitlines()[1:]}
    # at least 400 under a cap of at least 400 (the Russian mission, parity): nobody knows how many must go
    assert rows == {"cap": ["", "parity (≥400)"], "pending_departures": ["0", "?"], "staff": ["455", "≥400"]}
    doc = json.loads(run_cli("scenario", "diff", str(a), str(b), "--at", "2020-01-05", "--format", "json").stdout)
    staff = next(r for r in doc["diff"] if r["field"] == "staff")
    assert (staff["a"], staff["b"]) == (455, {"min": 400, "max": None, "about": None})


def test_russia_answering_only_the_us_and_the_uk_in_2018():
    """The shipped what-if on the record of 2018: its base is a log named by a path relative to the scenario file,
    and the figures its `answer` gives are the ones a run computes."""
    from diplosim.core.log import data_dir
    sc = Scenario.from_toml(SCENARIOS / "russia-answers-two-2018.toml")
    base = load_log(data_dir("seeds") / "aftermath-2018.toml").events
    assert sc.base_events == base  # "../seeds/aftermath-2018.toml" resolved from scenarios/
    r = sc.run()
    assert r.changes == ()  # nothing after the fork had to be dropped
    day = d("2018-04-30")

    def expelled_by_russia(events):  # Western diplomats Russia ordered out from March 2018 on
        return sum(e.count for e in events
                   if e.type == "DiplomatsExpelled" and e.actor == "RUS" and d("2018-03-01") <= e.date <= day)
    assert (expelled_by_russia(r.events), expelled_by_russia(base)) == (60 + 23, 146)
    s, real = r.state_at(day), fold(base, until=day)
    assert (s.missions["AUS", "RUS"].staff, real.missions["AUS", "RUS"].staff) == (10, 8)
    assert (s.missions["IRL", "RUS"].low, real.missions["IRL", "RUS"].low) == (9, 8)
    assert (s.missions["MKD", "RUS"].pending_departures, real.missions["MKD", "RUS"].pending_departures) == (0, 1)
    # of the other 27 states, none has a mission in the model any more except the three with a known size
    wave = {k[0] for k in real.missions if k[1] == "RUS"} - {k[0] for k in s.missions if k[1] == "RUS"}
    assert len(wave) == 24 and {"DEU", "FRA", "UKR", "CAN", "GEO"} <= wave
    # in the record, 44 of their people (16 states) had left by the end of April and 19 were still pending with no
    # known deadline; in the scenario none of them was ordered out
    left = {k[0]: -m.change for k, m in real.missions.items()
            if k[1] == "RUS" and k[0] not in ("USA", "GBR") and m.change}
    pending = sum(m.pending_departures for k, m in real.missions.items()
                  if k[1] == "RUS" and k[0] not in ("USA", "GBR"))
    assert (sum(left.values()), len(left), pending) == (44, 16, 19)
    # the US and the UK are answered as in the record
    assert s.missions["USA", "RUS"].staff == real.missions["USA", "RUS"].staff == 395
    assert s.missions["GBR", "RUS"].cap_parity and real.missions["GBR", "RUS"].cap_parity
    assert "83 Western diplomats" in sc.answer and "instead of 146" in sc.answer

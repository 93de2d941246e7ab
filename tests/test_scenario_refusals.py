"""Every refusal of a scenario file, with its exact ``file:line: what is wrong`` (README: bad input is one line
naming the file and line), and every limit of a scenario at the limit and one past it.  The line expected is the
one marked ``#<`` in the file written here (counted by the test, not by the code under test); a case with no mark
names the file alone.  Written in one pass over scenario_file.py and scenario.py's parsing (issue #13)."""
from __future__ import annotations

import datetime
import textwrap

import pytest

from diplosim.core.errors import InputError
from diplosim.play.scenario import Scenario

HEAD = '[scenario]\ntitle = "x"\n'
# two policies from a fork inside the shipped record (which runs from 2016-12-28 to 2018-04-25)
PLAY = ('[scenario]\ntitle = "x"\nfork = 2017-01-01\n\n[[policy]]\ncountry = "RUS"\nstrategy = "tit-for-tat"\n\n'
        '[[policy]]\ncountry = "USA"\nstrategy = "tit-for-tat"\n\n[stop]\nhorizon = 2017-03-01\n')
EVENT = 'type = "StatementMade"\ndate = 2017-03-02\nactor = "RUS"\ntarget = "USA"\n'
ONE = "from 1 to 3,650"


def _write(tmp_path, text: str):
    p = tmp_path / "s.toml"
    p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return p


def _refused(tmp_path, text: str, message: str) -> None:
    p = _write(tmp_path, text)
    marked = [n for n, x in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if x.rstrip().endswith("#<")]
    where = f"{p}:{marked[0]}" if marked else f"{p}"
    with pytest.raises(InputError) as exc:
        Scenario.from_toml(p)
    assert str(exc.value) == f"{where}: {message}"


def _read(tmp_path, text: str) -> Scenario:
    return Scenario.from_toml(_write(tmp_path, text))


CASES = {
    # arrays of tables
    "edit-not-array": ('edit = 1\n' + HEAD, "'edit' must be an array of tables: write [[edit]]"),
    "edit-item-not-table": ('edit = [1] #<\n' + HEAD, "each edit must be a table (write [[edit]] and its keys), got 1"),
    "policy-not-array": ('policy = "RUS"\n' + HEAD, "'policy' must be an array of tables: write [[policy]]"),
    # edits
    "remove-without-id": (HEAD + '\n[[edit]] #<\nop = "remove"\n',
                          "a remove edit needs the id of the base event it changes"),
    "replace-id-not-text": (HEAD + '\n[[edit]] #<\nop = "replace"\nid = 5\n',
                            "a replace edit needs the id of the base event it changes"),
    "replace-unknown-id": (HEAD + '\n[[edit]]\nop = "replace"\nid = "nope" #<\n',
                           "edit addresses unknown event id 'nope'"),
    "remove-unknown-id": (HEAD + '\n[[edit]]\nreason = "r"\nid = "nope" #<\nop = "remove"\n',
                          "edit addresses unknown event id 'nope'"),
    "after-unknown": (HEAD + '\n[[edit]]\nop = "insert"\nafter = "nope" #<\n', "insert after unknown event id 'nope'"),
    "after-not-text": (HEAD + '\n[[edit]]\nop = "insert"\nafter = 3 #<\n', "insert after unknown event id 3"),
    "events-not-array": (HEAD + '\n[[edit]]\nop = "insert"\nevents = "x" #<\n',
                         "events of an edit must be an array of tables: write [[edit.events]] (got 'x')"),
    "reason-not-text": (HEAD + '\n[[edit]]\nop = "remove"\nid = "base-usa-mission"\nreason = 3 #<\n',
                        "reason must be a string (got 3)"),
    "remove-with-events": (HEAD + '\n[[edit]] #<\nop = "remove"\nid = "base-usa-mission"\n\n[[edit.events]]\n'
                           'id = "n"\n' + EVENT, "a remove edit takes no events (use replace)"),
    "replace-without-events": (HEAD + '\n[[edit]] #<\nop = "replace"\nid = "base-usa-mission"\n',
                               "a replace edit needs at least one [[edit.events]]"),
    "insert-without-events": (HEAD + '\n[[edit]] #<\nop = "insert"\nafter = "base-usa-mission"\n',
                              "a insert edit needs at least one [[edit.events]]"),
    "event-a-day-before-the-base": (HEAD + '\n[[edit]]\nop = "insert"\n\n[[edit.events]] #<\nid = "n"\n'
                                    'type = "StatementMade"\ndate = 2016-12-27\nactor = "RUS"\ntarget = "USA"\n',
                                    "event n is dated 2016-12-27, before the base log begins (2016-12-28)"),
    "insert-reuses-a-base-id": (HEAD + '\n[[edit]]\nop = "insert"\n\n[[edit.events]] #<\nid = "base-usa-mission"\n'
                                + EVENT, "event id 'base-usa-mission' is already used in the base log"),
    # policies
    "policy-unknown-country": (HEAD + 'fork = 2017-01-01\n\n[[policy]]\nstrategy = "tit-for-tat"\ncountry = "QQQ" #<\n',
                               "unknown country code 'QQQ' in [[policy]]"),
    "policy-no-country": (HEAD + '\n[[policy]] #<\nstrategy = "tit-for-tat"\n', "unknown country code None in [[policy]]"),
    "params-not-table": (HEAD + '\n[[policy]]\ncountry = "RUS"\nstrategy = "tit-for-tat"\nparams = 3 #<\n',
                         "params must be a table, e.g. params = { p = 0.1 }"),
    "unknown-strategy": (HEAD + '\n[[policy]]\ncountry = "RUS"\nstrategy = "nope" #<\nparams = { zz = 1 }\n',
                         "unknown strategy 'nope' (see `diplosim strategies`)"),
    "unknown-parameter": (HEAD + '\n[[policy]]\ncountry = "RUS"\nstrategy = "tit-for-tat"\nparams = { zz = 1 } #<\n',
                          "strategy 'tit-for-tat' has no parameter 'zz' (it takes: none)"),
    "lag-below-0": (HEAD + '\n[[policy]]\ncountry = "RUS"\nstrategy = "tit-for-tat"\nlag_days = -1 #<\n',
                    "lag_days must be a whole number of days from 0 to 3,650 (got -1)"),
    "lag-past-limit": (HEAD + '\n[[policy]]\ncountry = "RUS"\nstrategy = "tit-for-tat"\nlag_days = 3651 #<\n',
                       "lag_days must be a whole number of days from 0 to 3,650 (got 3651)"),
    "lag-true": (HEAD + '\n[[policy]]\ncountry = "RUS"\nstrategy = "tit-for-tat"\nlag_days = true #<\n',
                 "lag_days must be a whole number of days from 0 to 3,650 (got True)"),
    "round-0": (HEAD + '\n[[policy]]\ncountry = "RUS"\nstrategy = "tit-for-tat"\nround_days = 0 #<\n',
                f"round_days must be a whole number of days {ONE} (got 0)"),
    "round-past-limit": (HEAD + '\n[[policy]]\ncountry = "RUS"\nstrategy = "tit-for-tat"\nround_days = 3651 #<\n',
                         f"round_days must be a whole number of days {ONE} (got 3651)"),
    # [stop]
    "stop-not-table": ('stop = 3\n' + HEAD, "[stop] must be a table"),
    "stop-unknown-keys": (HEAD + '\n[stop]\nzz = 1\nyy = 2 #<\n', "unknown key 'yy' in [stop]"),
    "stop-bad-horizon": (HEAD + '\n[stop]\nrounds = 3\nhorizon = "soon" #<\n',
                         "horizon: bad date 'soon', want YYYY-MM-DD"),
    "floor-below-0": (HEAD + '\n[stop]\nfloor = -1 #<\n', "floor must be a whole number from 0 to 1,000,000,000 (got -1)"),
    "floor-past-limit": (HEAD + '\n[stop]\nfloor = 1_000_000_001 #<\n',
                         "floor must be a whole number from 0 to 1,000,000,000 (got 1000000001)"),
    "rounds-0": (HEAD + '\n[stop]\nrounds = 0 #<\n', "rounds must be a whole number from 1 to 1,000,000 (got 0)"),
    "rounds-past-limit": (HEAD + '\n[stop]\nrounds = 1_000_001 #<\n',
                          "rounds must be a whole number from 1 to 1,000,000 (got 1000001)"),
    "quiet-0": (HEAD + '\n[stop]\nquiet_rounds = 0 #<\n', "quiet_rounds must be a whole number from 1 to 1,000,000 (got 0)"),
    "quiet-past-limit": (HEAD + '\n[stop]\nquiet_rounds = 1_000_001 #<\n',
                         "quiet_rounds must be a whole number from 1 to 1,000,000 (got 1000001)"),
    "closed-not-bool": (HEAD + '\n[stop]\nembassy_closed = 1 #<\n', "embassy_closed must be true or false (got 1)"),
    # after_fork
    "after-fork-word": ('[scenario]\ntitle = "x"\nafter_fork = "nope" #<\n',
                        "after_fork must be one of keep, drop, keep-possible (got 'nope')"),
    "after-fork-number": ('[scenario]\ntitle = "x"\nafter_fork = 3 #<\n',
                          "after_fork must be one of keep, drop, keep-possible, or a table of them per country or pair "
                          "(got 3)"),
    "after-fork-rule": ('[scenario]\ntitle = "x"\nafter_fork = { RUS = "nope" } #<\n',
                        "after_fork.RUS must be one of keep, drop, keep-possible (got 'nope')"),
    "after-fork-three": ('[scenario]\ntitle = "x"\nafter_fork = { "RUS:USA:GBR" = "drop" } #<\n',
                         "after_fork key 'RUS:USA:GBR': want a country code (RUS) or a pair of them (\"RUS:USA\")"),
    "after-fork-twice": ('[scenario]\ntitle = "x"\nafter_fork = { "RUS:RUS" = "drop" } #<\n',
                         "after_fork key 'RUS:RUS': want a country code (RUS) or a pair of them (\"RUS:USA\")"),
    "after-fork-unknown": ('[scenario]\ntitle = "x"\nafter_fork = { "RUS:QQQ" = "drop" } #<\n',
                           "after_fork key 'RUS:QQQ': want a country code (RUS) or a pair of them (\"RUS:USA\")"),
    # blocs
    "blocs-not-table": ('blocs = 3\n' + HEAD, "[blocs] must be a table: name = [\"USA\", \"GBR\", ...]"),
    "bloc-of-one": (HEAD + '\n[blocs]\nEU = ["FRA"] #<\n', "bloc 'EU' must list two or more member countries"),
    "bloc-not-list": (HEAD + '\n[blocs]\nEU = "FRA" #<\n', "bloc 'EU' must list two or more member countries"),
    "bloc-unknown": (HEAD + '\n[blocs]\nEU = ["FRA", "QQQ"] #<\n', "bloc 'EU': unknown country code 'QQQ'"),
    "bloc-itself": (HEAD + '\n[blocs]\nFRA = ["FRA", "DEU"] #<\n', "bloc 'FRA' names itself as a member"),
    "bloc-twice": (HEAD + '\n[blocs]\nEU = ["FRA", "DEU", "FRA"] #<\n', "bloc 'EU' names a member twice"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_refusal_of_a_scenario_file_names_its_line_and_fault(tmp_path, case):
    text, message = CASES[case]
    _refused(tmp_path, text, message)

POLICY = '\n[[policy]]\ncountry = "{c}"\nstrategy = "tit-for-tat"{more}\n'

SCENARIO_CASES = {
    "unknown-tables": ('[zz]\n[yy] #<\n' + HEAD,
                       "unknown table 'yy' (want [scenario], [[edit]], [[policy]], [stop], [blocs])"),
    "no-scenario": ('[stop]\nrounds = 1\n', "no [scenario] table"),
    "unknown-key": (HEAD + 'zz = 1 #<\n', "unknown key 'zz' in [scenario]"),
    "name-not-text": (HEAD + 'name = 1 #<\n', "name must be a string (got 1)"),
    "extends-not-text": (HEAD + 'extends = 1 #<\n', "extends must be a string (got 1)"),
    "base-not-text": (HEAD + 'base = 3 #<\n', "base must name a log: \"real\", a shipped log's name or a file (got 3)"),
    "extends-no-file": (HEAD + 'extends = "nope.toml" #<\n', "extends 'nope.toml': no such file"),
    "extends-itself": (HEAD + 'extends = "s.toml" #<\n', "cycle in extends: s.toml -> s.toml"),
    "base-blank": (HEAD + 'base = " " #<\n', "base must name a log: \"real\", a shipped log's name or a file (got ' ')"),
    "fork-a-day-before-the-base": (HEAD + 'fork = 2016-12-27 #<\n',
                                   "fork date 2016-12-27 is outside the base log (2016-12-28 – 2018-04-25)"),
    "fork-a-day-after-the-base": (HEAD + 'fork = 2018-04-26 #<\n',
                                  "fork date 2018-04-26 is outside the base log (2016-12-28 – 2018-04-25)"),
    "compare-at-not-list": (HEAD + 'compare_at = 2017-01-01 #<\n',
                            "compare_at must be a list of dates, like [2017-09-02] (got datetime.date(2017, 1, 1))"),
    "compare-at-before-the-calendar": (HEAD + 'compare_at = [1800-01-01, 1799-12-31] #<\n',
                                       "compare_at: 1799-12-31 is outside the calendar diplosim keeps (1800-01-01 to "
                                       "2999-12-31)"),
    "compare-at-after-the-calendar": (HEAD + 'compare_at = [2999-12-31, 3000-01-01] #<\n',
                                      "compare_at: 3000-01-01 is outside the calendar diplosim keeps (1800-01-01 to "
                                      "2999-12-31)"),
    "compare-at-a-time": (HEAD + 'compare_at = [2017-01-01T00:00:00] #<\n',
                          "compare_at: bad date datetime.datetime(2017, 1, 1, 0, 0), want YYYY-MM-DD"),
    "compare-at-bad": (HEAD + 'compare_at = ["x"] #<\n', "compare_at: bad date 'x', want YYYY-MM-DD"),
    "seed-below-0": (HEAD + 'seed = -1 #<\n', "seed must be a whole number from 0 to 9,223,372,036,854,775,807 (got -1)"),
    "noise-below-0": (HEAD + 'noise = -0.1 #<\n', "noise must be a probability between 0 and 1 (got -0.1)"),
    "noise-above-1": (HEAD + 'noise = 1.01 #<\n', "noise must be a probability between 0 and 1 (got 1.01)"),
    "noise-true": (HEAD + 'noise = true #<\n', "noise must be a probability between 0 and 1 (got True)"),
    "countries-one": (HEAD + 'countries = ["USA"] #<\n', "countries must name two or more different known countries, "
                      "like [\"USA\", \"RUS\"], or be \"all\" (got ['USA'])"),
    "countries-twice": (HEAD + 'countries = ["USA", "USA"] #<\n', "countries must name two or more different known "
                        "countries, like [\"USA\", \"RUS\"], or be \"all\" (got ['USA', 'USA'])"),
    "countries-unknown": (HEAD + 'countries = ["USA", "QQQ"] #<\n', "countries must name two or more different known "
                          "countries, like [\"USA\", \"RUS\"], or be \"all\" (got ['USA', 'QQQ'])"),
    "countries-word": (HEAD + 'countries = "USA" #<\n', "countries must name two or more different known "
                       "countries, like [\"USA\", \"RUS\"], or be \"all\" (got 'USA')"),
    "policies-without-fork": (HEAD + POLICY.format(c="RUS", more="") + POLICY.format(c="USA", more="")
                              + '\n[stop]\nhorizon = 2017-03-01\n',
                              "policies need a fork date to start from: add fork = YYYY-MM-DD"),
    "policies-without-horizon": (HEAD + 'fork = 2017-01-01\n' + POLICY.format(c="RUS", more="")
                                 + POLICY.format(c="USA", more=""), "policies need a horizon: [stop] horizon = YYYY-MM-DD"),
    "one-policy": (HEAD + 'fork = 2017-01-01\n' + POLICY.format(c="RUS", more="") + '\n[stop]\nhorizon = 2017-03-01\n',
                   "with one [[policy]], name the countries in play: countries = [\"USA\", \"RUS\"] (or \"all\") in "
                   "[scenario]"),
    "same-country-twice": (HEAD + 'fork = 2017-01-01\n' + POLICY.format(c="RUS", more="")
                           + POLICY.format(c="USA", more="") + '\n[[policy]] #<\ncountry = "RUS"\nstrategy = "tit-for-tat"\n'
                           '\n[stop]\nhorizon = 2017-03-01\n', "two [[policy]] tables for the same country"),
    "policy-outside-countries": (HEAD + 'fork = 2017-01-01\ncountries = ["RUS", "USA"]\n' + POLICY.format(c="RUS", more="")
                                 + '\n[[policy]] #<\ncountry = "GBR"\nstrategy = "tit-for-tat"\n\n[stop]\n'
                                 'horizon = 2017-03-01\n', "a [[policy]] for GBR, which is not one of the scenario's "
                                 "countries"),
    "answers-itself": (HEAD + 'fork = 2017-01-01\n' + POLICY.format(c="USA", more="")
                       + '\n[[policy]] #<\ncountry = "RUS"\nstrategy = "tit-for-tat"\nagainst = ["RUS"]\n\n[stop]\n'
                       'horizon = 2017-03-01\n', "the [[policy]] of RUS answers RUS, which is not a counterpart in play"),
    "answers-one-not-playing": (HEAD + 'fork = 2017-01-01\n' + POLICY.format(c="USA", more="")
                                + '\n[[policy]] #<\ncountry = "RUS"\nstrategy = "tit-for-tat"\nagainst = ["GBR"]\n\n'
                                '[stop]\nhorizon = 2017-03-01\n',
                                "the [[policy]] of RUS answers GBR, which is not a counterpart in play"),
    "answers-one-outside-countries": (HEAD + 'fork = 2017-01-01\ncountries = ["RUS", "USA"]\n'
                                      + POLICY.format(c="USA", more="") + '\n[[policy]] #<\ncountry = "RUS"\n'
                                      'strategy = "tit-for-tat"\nagainst = ["GBR"]\n\n[stop]\nhorizon = 2017-03-01\n',
                                      "the [[policy]] of RUS answers GBR, which is not a counterpart in play"),
    "horizon-on-the-fork": (PLAY.replace("horizon = 2017-03-01", "horizon = 2017-01-01 #<"),
                            "horizon 2017-01-01 is not after the fork 2017-01-01"),
    "horizon-past-the-latest": (PLAY.replace("horizon = 2017-03-01", "horizon = 2999-01-01 #<"),
                                "horizon 2999-01-01: play ends by 2998-12-31 at the latest (deadlines are counted "
                                "past the horizon)"),
    "horizon-a-day-past-the-play-limit": (PLAY.replace("horizon = 2017-03-01", "horizon = 2116-12-09 #<"),
                                          "horizon 2116-12-09: more than 36,500 days of play after 2017-01-01 "
                                          "(set DIPLOSIM_MAX_PLAY_DAYS to raise the limit)"),
}


@pytest.mark.parametrize("case", sorted(SCENARIO_CASES))
def test_each_refusal_of_a_scenario_table_names_its_line_and_fault(tmp_path, case):
    text, message = SCENARIO_CASES[case]
    _refused(tmp_path, text, message)


# --- at the limits, and what is taken when a key is absent ---------------------------------------------------------

def test_a_scenario_at_every_limit_is_read(tmp_path):
    # README and the refusals above: lag 0 to 3,650 days, a round 1 to 3,650 days, floor 0 to 1,000,000,000, rounds
    # and quiet rounds 1 to 1,000,000, noise 0 to 1, seed 0 to 2**63 - 1, 36,500 days of play; fork on the base's
    # first and last day
    text = (HEAD.replace('title = "x"', 'title = "x"\nnoise = 1.0\nseed = 9_223_372_036_854_775_807\n'
                         'countries = ["RUS", "USA"]')
            + 'fork = 2016-12-28\n' + POLICY.format(c="RUS", more="\nlag_days = 0\nround_days = 1")
            + POLICY.format(c="USA", more="\nlag_days = 3650\nround_days = 3650\nagainst = [\"RUS\"]")
            + '\n[stop]\nhorizon = 2116-12-04\nfloor = 1_000_000_000\nrounds = 1_000_000\nquiet_rounds = 1_000_000\n'
            'embassy_closed = true\n')
    sc = _read(tmp_path, text)
    assert [(x.lag_days, x.round_days) for x in sc.policies] == [(0, 1), (3650, 3650)]
    assert (sc.noise, sc.seed, sc.fork) == (1.0, 2 ** 63 - 1, datetime.date(2016, 12, 28))
    assert sc.stop == type(sc.stop)(datetime.date(2116, 12, 4), 1_000_000_000, 1_000_000, True, 1_000_000)
    assert (datetime.date(2116, 12, 4) - datetime.date(2016, 12, 28)).days == 36_500
    low = _read(tmp_path, HEAD + 'fork = 2018-04-25\nnoise = 0\n\n[stop]\nfloor = 0\nrounds = 1\nquiet_rounds = 1\n')
    assert (low.fork, low.noise, low.stop.floor, low.stop.rounds, low.stop.quiet_rounds) == \
        (datetime.date(2018, 4, 25), 0.0, 0, 1, 1)


def test_dates_on_the_first_and_last_day_of_the_calendar_are_read(tmp_path):
    sc = _read(tmp_path, HEAD + 'compare_at = [1800-01-01, "2999-12-31"]\n\n[stop]\nhorizon = 1800-01-01\n')
    assert (sc.compare_at, sc.stop.horizon) == ((datetime.date(1800, 1, 1), datetime.date(2999, 12, 31)),
                                                datetime.date(1800, 1, 1))


def test_what_a_scenario_takes_when_its_keys_are_absent(tmp_path):
    # a policy answers after 1 day by default, in rounds of its own choosing; nothing stops play early; after_fork is
    # "default" with policies and keep-possible without; seed 0, no noise, no countries named
    sc = _read(tmp_path, PLAY)
    assert [(x.lag_days, x.round_days, x.against, x.params) for x in sc.policies] == [(1, None, None, {})] * 2
    assert (sc.stop.floor, sc.stop.rounds, sc.stop.embassy_closed, sc.stop.quiet_rounds) == (None, None, False, None)
    assert (sc.after_fork, sc.after_fork_rules, sc.seed, sc.noise, sc.countries) == ("default", {}, 0, 0.0, None)
    # the file's defaults are the model's (scenario_model.Policy and Stop, built without those keys)
    from diplosim.play.scenario_model import Policy, Stop

    bare = Policy("RUS", "tit-for-tat")
    assert [(x.lag_days, x.round_days, x.against) for x in sc.policies] == [(bare.lag_days, bare.round_days,
                                                                              bare.against)] * 2
    assert sc.stop == Stop(horizon=sc.stop.horizon) and Stop() == Stop(None, None, None, False, None)
    assert _read(tmp_path, HEAD).after_fork == "keep-possible"
    assert _read(tmp_path, HEAD + 'after_fork = { default = "drop", RUS = "keep" }\n').after_fork == "drop"


def test_an_edit_event_dated_on_the_first_day_of_the_base_is_accepted(tmp_path):
    sc = _read(tmp_path, HEAD + '\n[[edit]]\nop = "insert"\n\n[[edit.events]]\nid = "n"\ntype = "StatementMade"\n'
               'date = 2016-12-28\nactor = "RUS"\ntarget = "USA"\n')
    assert [e.date for e in sc.edits[0].events] == [datetime.date(2016, 12, 28)]


def test_countries_all_are_the_countries_of_the_base_log_in_order_of_first_appearance(tmp_path):
    # the shipped record opens with Russia's mission in the United States, then the United States' in Russia
    sc = _read(tmp_path, HEAD + 'countries = "all"\n')
    assert sc.countries[:2] == ("RUS", "USA") and len(set(sc.countries)) == len(sc.countries)
    assert {"RUS", "USA"} <= set(_read(tmp_path, HEAD + 'countries = ["USA", "RUS"]\n').countries)



def test_a_base_log_that_is_not_there_is_refused_with_an_example_of_a_shipped_one(tmp_path):
    from diplosim.play.scenario import shipped_logs

    example = next(iter(shipped_logs()))
    _refused(tmp_path, HEAD + 'base = "nope.toml" #<\n', f"base log 'nope.toml': no such file (want \"real\", a "
             f"shipped log's name such as {example!r}, or a log file relative to the scenario)")


def test_a_base_log_without_events_is_refused(tmp_path):
    (tmp_path / "empty.toml").write_text('[log]\ntitle = "empty"\n', encoding="utf-8")
    _refused(tmp_path, HEAD + 'base = "empty.toml"\n', "the base log has no events")


def test_a_file_beside_the_scenario_wins_over_a_shipped_log_of_its_name(tmp_path):
    # _base_path: a file wins; this one is read (and refused: it has no log's suffix) instead of the shipped log
    from diplosim.play.scenario import shipped_logs

    name = next(iter(shipped_logs()))
    (tmp_path / name).write_text("", encoding="utf-8")
    p = _write(tmp_path, HEAD + f'base = "{name}"\n')
    with pytest.raises(InputError) as exc:
        Scenario.from_toml(p)
    assert str(exc.value) == f"{tmp_path / name}: unknown log format: want a .toml or .jsonl file"
    (tmp_path / name).unlink()
    assert len(_read(tmp_path, HEAD + f'base = "{name}"\n').base_events) > 1


def test_play_may_end_on_the_latest_horizon_and_not_a_day_later(tmp_path):
    # calendar.LATEST_HORIZON: a year before the calendar's end (2999-12-31), so that deadlines fit after it
    (tmp_path / "far.toml").write_text(
        '[log]\ntitle = "far"\n' + "".join(
            f'\n[[event]]\nid = "{a}"\ntype = "MissionEstablished"\ndate = 2990-01-01\nactor = "{a}"\ntarget = "{b}"\n'
            f'staff = 100\nsources = ["https://example.org/far"]\n' for a, b in (("RUS", "USA"), ("USA", "RUS"))),
        encoding="utf-8")
    far = PLAY.replace("fork = 2017-01-01", 'fork = 2990-01-01\nbase = "far.toml"')
    assert _read(tmp_path, far.replace("horizon = 2017-03-01", "horizon = 2998-12-31")).stop.horizon == \
        datetime.date(2998, 12, 31)
    _refused(tmp_path, far.replace("horizon = 2017-03-01", "horizon = 2999-01-01 #<"),
             "horizon 2999-01-01: play ends by 2998-12-31 at the latest (deadlines are counted past the horizon)")


def test_extends_through_a_loop_of_symbolic_links_is_refused_in_one_line(tmp_path):
    (tmp_path / "loop.toml").symlink_to(tmp_path / "loop.toml")
    _refused(tmp_path, HEAD + 'extends = "loop.toml" #<\n', "loop.toml: a loop of symbolic links")


def test_a_fork_on_the_first_or_last_day_of_a_base_log_is_inside_it(tmp_path):
    # a base whose first two events fall on different days: the range runs from the first event's day
    (tmp_path / "base.toml").write_text(
        '[log]\ntitle = "two days"\n\n'
        + "".join(f'[[event]]\nid = "s{n}"\n{EVENT.replace("2017-03-02", day)}sources = ["public record: test"]\n\n'
                  for n, day in enumerate(("2017-01-01", "2017-01-05", "2017-01-09"))), encoding="utf-8")
    for fork in (datetime.date(2017, 1, 1), datetime.date(2017, 1, 9)):
        assert _read(tmp_path, HEAD + f'base = "base.toml"\nfork = {fork}\n').fork == fork
    _refused(tmp_path, HEAD + 'base = "base.toml"\nfork = 2016-12-31 #<\n',
             "fork date 2016-12-31 is outside the base log (2017-01-01 – 2017-01-09)")


def test_a_key_written_as_a_dotted_key_of_the_scenario_is_named_on_its_own_line(tmp_path):
    _refused(tmp_path, 'scenario.title = "x"\n# the base:\nscenario.base = 3 #<\n',
             "base must name a log: \"real\", a shipped log's name or a file (got 3)")

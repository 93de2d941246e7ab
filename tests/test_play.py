"""Calendar-time play: lags and rounds, clamping to what the state allows, stop conditions, replay of the emitted
events, seeds, and (property) any strategy against any other never breaks a rule of the state."""
from __future__ import annotations

import datetime
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diplosim.core import events as ev
from diplosim.core.errors import InputError
from diplosim.core.fold import fold
from diplosim.play.calendar import Policy, Stop, play
from diplosim.play.strategies import REGISTRY, Measure, get

d = datetime.date
START = d(2020, 1, 1)
SRC = ("public record: test",)


def base_events(staff_a=100, staff_b=60):
    """Two missions with posts, and two properties of B in A."""
    return [
        ev.MissionEstablished(id="ma", date=d(2019, 12, 1), actor="USA", target="RUS",
                              staff=staff_a, posts=(ev.Post("Embassy in Moscow", "embassy"),
                                                    ev.Post("Consulate in St Petersburg", "consulate")), sources=SRC),
        ev.MissionEstablished(id="mb", date=d(2019, 12, 1), actor="RUS", target="USA", staff=staff_b,
                              posts=(ev.Post("Embassy in Washington", "embassy"),
                                     ev.Post("Consulate in San Francisco", "consulate")), sources=SRC),
        ev.PropertyRegistered(id="p1", date=d(2019, 12, 1), actor="RUS", target="USA", property="rus-dacha",
                              name="Dacha", kind="dacha", sources=SRC),
        ev.PropertyRegistered(id="p2", date=d(2019, 12, 1), actor="RUS", target="USA", property="rus-office",
                              name="Office", kind="office", sources=SRC),
    ]


def one_sided(strategy, other_moves=(), **kw):
    """USA plays ``strategy``; RUS has no policy.  ``other_moves``: RUS measures in the history before START."""
    hist = base_events()
    for i, m in enumerate(other_moves):
        hist.append(ev.DiplomatsExpelled(id=f"h{i}", date=d(2019, 12, 20), actor="RUS", target="USA", count=m,
                                         deadline=d(2019, 12, 27), sources=SRC))
    state = fold(hist)
    pol = Policy("USA", strategy, lag_days=kw.pop("lag_days", 0))
    return state, play(state, {"USA": pol}, start=START, horizon=kw.pop("horizon", d(2020, 3, 1)), seed=1,
                       countries=("USA", "RUS"), history=hist, **kw)


def test_tit_for_tat_answers_history_in_kind_after_its_lag():
    state, r = one_sided("tit-for-tat", other_moves=[12], lag_days=3)
    [e] = list(r)
    assert e.type == "DiplomatsExpelled" and e.count == 12 and e.date == START + datetime.timedelta(days=3)
    assert e.deadline == e.date + datetime.timedelta(days=7)       # README: the date + 7 days
    assert e.generated_by == "tit-for-tat (USA)" and not e.sources
    assert [x.outcome for x in r.rounds[:2]] == ["expel 12", "restraint"]
    assert r.stopped == "horizon 2020-03-01 reached"


def test_expelling_more_than_remain_is_clamped_and_said():
    state, r = one_sided(get("always-hostile", size=50), horizon=d(2020, 1, 15))
    counts = [e.count for e in r]
    assert counts == [50, 10]            # 60 people: 50, then the 10 who remain; then nothing
    assert "clamped" in r[1].note and "only 10" in r[1].note
    third = r.rounds[2]
    assert third.outcome == "restraint: nothing possible" and "no one" in third.note and third.actual is None
    assert not third.hostile


def test_properties_posts_caps_and_sanctions_are_clamped_to_what_is_possible():
    _, r = one_sided(get("always-hostile", kind="seize_property", size=1), horizon=d(2020, 1, 22))
    assert [e.property for e in r] == ["rus-dacha", "rus-office"]     # the next one in use, then none left
    assert r.rounds[2].outcome == "restraint: nothing possible"
    _, r = one_sided(get("always-hostile", kind="close_post", size=3), horizon=d(2020, 1, 8))
    assert [e.post for e in r] == ["Consulate in San Francisco", "Embassy in Washington"]   # consulate first
    assert "only 2 open" in r[0].note and r.rounds[1].outcome == "restraint: nothing possible"
    _, r = one_sided(get("always-hostile", kind="cap", size=40), horizon=d(2020, 1, 8))
    [cap] = list(r)                      # a second cap at 40 changes nothing: restraint, said so
    assert cap.cap == 40 and cap.deadline == START + datetime.timedelta(days=30)   # README: the date + 30 days
    assert "capped at 40 already" in r.rounds[1].note
    _, r = one_sided(get("always-hostile", kind="sanction", size=2), horizon=d(2020, 1, 8))
    assert [[t.name for t in e.targets] for e in r] == [["RUS entity 1", "RUS entity 2"],
                                                         ["RUS entity 3", "RUS entity 4"]]


def test_a_measure_with_its_own_deadline():
    from diplosim.play.strategies import Strategy, View

    class Quick(Strategy):
        name = "quick"

        def respond(self, view: View):
            return Measure("expel", 3, deadline_days=1)

    _, r = one_sided(Quick(), horizon=START)
    assert r[0].deadline == START + datetime.timedelta(days=1)


def _two(a, b, **kw):
    state = fold(base_events())
    pols = {"USA": Policy("USA", a, lag_days=kw.pop("lag_a", 0)), "RUS": Policy("RUS", b, lag_days=kw.pop("lag_b", 0))}
    return state, play(state, pols, start=START, horizon=kw.pop("horizon", d(2020, 12, 31)), seed=kw.pop("seed", 1),
                       **kw)


def test_stop_conditions():
    _, r = _two(get("always-hostile", size=10), "tit-for-tat", stop=Stop(floor=45))
    assert r.stopped.startswith("the RUS mission in USA fell below 45")
    assert r.state.missions["RUS", "USA"].staff - r.state.missions["RUS", "USA"].pending_departures == 40
    _, r = _two(get("always-hostile", kind="close_post", size=1), "restraint", stop=Stop(embassy_closed=True))
    assert r.stopped == "the Embassy in Washington (RUS) was closed" and len(r) == 2
    _, r = _two("alternator", "tit-for-tat", stop=Stop(rounds=4))
    assert r.stopped == "4 rounds played" and len(r.rounds) == 8
    _, r = _two("restraint", "restraint", stop=Stop(floor=70))     # RUS has 60 from the start
    assert r.stopped.startswith("the RUS mission in USA fell below 70") and not r and not r.rounds


def test_lagged_moves_are_seen_at_the_first_decision_after_they_take_effect():
    _, r = _two("suspicious-tit-for-tat", "tit-for-tat", lag_a=10, horizon=d(2020, 2, 15))
    usa = [x for x in r.rounds if x.country == "USA"]
    rus = [x for x in r.rounds if x.country == "RUS"]
    assert usa[0].effect_date == d(2020, 1, 11)
    # USA's opening lands on 11 January; RUS decides on the 1st, 8th, 15th: it answers on the 15th
    assert [x.move is not None for x in rus[:3]] == [False, False, True]


def test_pending_moves_at_the_horizon_are_reported_not_emitted():
    _, r = _two("always-hostile", "restraint", lag_a=30, horizon=d(2020, 1, 20))
    assert not r and len(r.pending) == 3 and all(p.outcome == "not in effect when play stopped" for p in r.pending)


def test_same_seed_same_play_and_another_seed_another():
    # in one process; tests/test_play_rules.py plays the same seed in two processes, and measures the rate of
    # misperception that noise gives
    kw = dict(noise=0.3, horizon=d(2020, 6, 30))
    _, a = _two("generous-tit-for-tat", "random", seed=5, **kw)
    _, b = _two("generous-tit-for-tat", "random", seed=5, **kw)
    _, c = _two("generous-tit-for-tat", "random", seed=6, **kw)
    assert list(a) == list(b) and [x.row() for x in a.rounds] == [x.row() for x in b.rounds]
    assert [x.row() for x in a.rounds] != [x.row() for x in c.rounds]


@pytest.mark.parametrize("kw, fragment", [
    (dict(horizon=d(2019, 1, 1)), "before the start"),
    (dict(start=d(2019, 11, 1)), "before the state's last event"),
    (dict(noise=1.5), "noise must be between 0 and 1"),
])
def test_bad_play_arguments(kw, fragment):
    state = fold(base_events())
    args = dict(start=START, horizon=d(2020, 2, 1), seed=0)
    args.update(kw)
    with pytest.raises(InputError, match=fragment):
        play(state, {"USA": Policy("USA", "tit-for-tat"), "RUS": Policy("RUS", "tit-for-tat")}, **args)
    with pytest.raises(InputError, match="lag_days must not be negative"):
        Policy("USA", "tit-for-tat", lag_days=-1)
    with pytest.raises(InputError, match="play needs at least one policy"):
        play(state, {}, start=START, horizon=START, seed=0)


# --- properties -------------------------------------------------------------------------------------------------------


SPECS = sorted(REGISTRY) + ["always-hostile:kind=cap,size=30", "always-hostile:kind=seize_property",
                            "always-hostile:kind=close_post", "random:kind=sanction,size=3", "delayed:days=20",
                            "proportional:factor=3", "suspicious-tit-for-tat:kind=suspend_property,size=1"]


@given(a=st.sampled_from(SPECS), b=st.sampled_from(SPECS), lag_a=st.integers(0, 20), lag_b=st.integers(0, 20),
       round_days=st.integers(1, 30), noise=st.sampled_from([0.0, 0.1, 0.5]), seed=st.integers(0, 10**6),
       staff=st.integers(0, 80), floor=st.one_of(st.none(), st.integers(1, 60)))
def test_any_strategy_against_any_other_keeps_the_rules(a, b, lag_a, lag_b, round_days, noise, seed, staff, floor):
    from diplosim.play.strategies import parse_spec

    state = fold(base_events(staff_a=staff + 10, staff_b=staff))
    pols = {"USA": Policy("USA", parse_spec(a), lag_days=lag_a), "RUS": Policy("RUS", parse_spec(b), lag_days=lag_b)}
    horizon = d(2020, 7, 1)
    r = play(state, pols, start=START, horizon=horizon, seed=seed, noise=noise, round_days=round_days,
             stop=Stop(floor=floor))
    # every emitted event is an ordinary generated event in date order within the play's span
    assert all(e.generated_by and START <= e.date <= horizon for e in r)
    assert [e.date for e in r] == sorted(e.date for e in r)
    # replaying them from the same start state gives the reported final state (the fold checks every rule)
    again = fold(list(r), state=state, until=r.as_of)
    assert again == r.state
    for m in r.state.missions.values():
        assert 0 <= m.pending_departures <= m.staff
    # and the same seed plays the same again
    pols2 = {"USA": Policy("USA", parse_spec(a), lag_days=lag_a), "RUS": Policy("RUS", parse_spec(b), lag_days=lag_b)}
    assert list(play(state, pols2, start=START, horizon=horizon, seed=seed, noise=noise, round_days=round_days,
                     stop=Stop(floor=floor))) == list(r)


def test_play_from_the_real_log_replays(real_log):
    start = d(2016, 12, 30)
    before = [e for e in real_log if e.date < start]
    state = fold(before)
    r = play(state, {"USA": Policy("USA", "escalator", lag_days=2), "RUS": Policy("RUS", "parity-cap", lag_days=5)},
             start=start, horizon=d(2017, 12, 31), seed=0, history=before)
    assert len(r) > 0
    assert fold(list(r), state=state, until=r.as_of) == r.state
    # the generated events survive a round trip through a log file
    from diplosim.core.log import dumps_jsonl, parse_jsonl
    assert list(parse_jsonl(dumps_jsonl(r)).events) == list(r)


def test_cli_calendar_match(cli):
    r = cli("match", "tit-for-tat", "escalator", "--calendar", "--start", "2016-12-30", "--horizon", "2017-03-31",
            "--lag-days", "3", "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert set(doc["moves"]) == {"A", "B"} and len(doc["moves"]["A"]) == len(doc["rounds"]) // 2
    assert doc["events"] and all(e["generated_by"].endswith(("(USA)", "(RUS)")) for e in doc["events"])
    assert doc["state"]["as_of"] == "2017-03-31"
    bad = cli("match", "tit-for-tat", "escalator", "--calendar", "--countries", "USA")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_one_strategy_object_for_both_sides_keeps_two_memories():
    from scripted import Third

    state = fold(base_events())
    shared = Third()
    r = play(state, {"USA": Policy("USA", shared), "RUS": Policy("RUS", shared)}, start=START,
             horizon=d(2020, 3, 1), seed=0)
    assert [(e.actor, e.date) for e in r] == [("USA", d(2020, 1, 15)), ("RUS", d(2020, 1, 15))]

"""The escalation index: the decayed sum itself, per dyad and direction, over logs, scenarios and matches."""
from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import d, run_cli
from diplosim.analysis import cameo
from diplosim.tooling import synthetic
from diplosim.core import events as ev
from diplosim.analysis.escalation import acts, daily, decayed, dyad_table, escalation, match_rows

SRC = ("https://example.org/x",)
points = st.lists(st.tuples(st.integers(0, 400), st.floats(-10, 10)), max_size=20)
half_lives = st.floats(0.5, 365)


def brute(points, half_life, t):
    return sum(s * 0.5 ** ((t - t0) / half_life) for t0, s in points if t0 <= t)


@given(points, half_lives, st.lists(st.integers(0, 500), min_size=1, max_size=10))
def test_decayed_equals_the_formula_at_any_times(points, half_life, times):
    got = decayed(points, half_life, times)
    for t, v in zip(times, got):
        assert math.isclose(v, brute(points, half_life, t), rel_tol=1e-9, abs_tol=1e-9)


@given(points, points, half_lives, st.integers(0, 500))
def test_decayed_is_additive(a, b, half_life, t):
    [x], [y], [z] = decayed(a, half_life, [t]), decayed(b, half_life, [t]), decayed(a + b, half_life, [t])
    assert math.isclose(z, x + y, rel_tol=1e-9, abs_tol=1e-9)


@given(st.floats(-10, 10), half_lives, st.integers(0, 100))
def test_an_act_weighs_half_after_one_half_life(score, half_life, t0):
    [now, later] = decayed([(t0, score)], half_life, [t0, t0 + half_life])
    assert math.isclose(later, now / 2, rel_tol=1e-9, abs_tol=1e-12)


def test_index_of_a_small_log_by_hand():
    e = [ev.DiplomatsExpelled(id="a", date=d("2020-01-01"), actor="GBR", target="FRA", count=1,
                              deadline=d("2020-01-02"), sources=SRC),
         ev.PraiseExpressed(id="b", date=d("2020-01-31"), actor="GBR", target="FRA", sources=SRC),
         ev.CriticismVoiced(id="c", date=d("2020-01-31"), actor="FRA", target="GBR", sources=SRC)]
    rows = escalation(e, "GBR", "FRA", half_life=30)
    # 174 scores -5.0: +5 on the day; 30 days later it weighs 2.5, and praise (051, +3.4) takes 3.4 off
    assert [(r["date"], r["index"], r["codes"]) for r in rows] == [
        ("2020-01-01", 5.0, ["174"]), ("2020-01-31", round(2.5 - 3.4, 2), ["051"])]
    table = dyad_table(e, "FRA", "GBR", half_life=30)
    assert [(r["FRA→GBR"], r["GBR→FRA"]) for r in table] == [(0.0, 5.0), (2.0, -0.9)]


def test_baselines_are_not_acts(real_log):
    counted = acts(real_log.events, "USA", "RUS")
    assert counted and not any(isinstance(e, (ev.MissionEstablished, ev.PropertyRegistered)) for e in counted)


def test_the_real_course_by_hand(real_log):
    rows = {r["date"]: r for r in escalation(real_log.events, "RUS", "USA")}
    # 28 July 2017: cap (172, -5.0) and two seizures (1711, -9.2): 23.4 on that day
    assert rows["2017-07-28"]["change"] == 23.4
    assert sorted(rows["2017-07-28"]["codes"]) == ["1711", "1711", "172"]


@given(st.integers(0, 2**32), st.integers(1, 80))
def test_daily_curve_agrees_with_the_table_on_act_days(seed, n):
    events = list(synthetic.generate(n, 2, seed))
    a, b = synthetic.countries(2)
    rows = escalation(events, a, b, half_life=30)
    if not rows:
        return
    curve = dict(daily(events, a, b, half_life=30, start=d(rows[0]["date"]), end=d(rows[-1]["date"])))
    for r in rows:
        assert math.isclose(curve[d(r["date"])], r["index"], abs_tol=0.006)
        assert r["change"] == round(sum(-cameo.goldstein(e) for e in events
                                        if e.date == d(r["date"]) and e in acts(events, a, b)), 2)


def test_match_rows_score_hostile_moves_like_expulsions():
    from diplosim.play.strategies import get
    from diplosim.play.tournament import match

    r = match(get("alternator"), get("always-hostile"), rounds=4)
    rows = match_rows(r, half_life=2)
    k = -cameo.lookup("174").goldstein
    expect_b = [k, k + k * 2 ** -0.5, k + (k + k * 2 ** -0.5) * 2 ** -0.5]
    assert [x["B→A"] for x in rows[:3]] == [round(v, 2) for v in expect_b]
    assert [x["A"] for x in rows] == list(r.moves[0])


def test_escalation_cli_table_json_and_plot(tmp_path):
    out = run_cli("escalation", "--dyad", "USA-RUS", "--until", "2017-01-15")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split() == ["date", "USA→RUS", "RUS→USA", "acts"]
    assert lines[2].split()[:3] == ["2016-12-29", "31.4", "0.0"]  # 174 + 171 + 171 + 163 = 5 + 9.2 + 9.2 + 8
    assert lines[-1].split()[0] == "2017-01-15"
    png = tmp_path / "e.png"
    out = run_cli("escalation", "--dyad", "RUS-USA", "--half-life", "60", "--format", "json", "--plot", str(png))
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["dyad"] == ["RUS", "USA"] and doc["half_life_days"] == 60 and "goldstein" in doc["formula"]
    assert {(r["actor"], r["target"]) for r in doc["rows"]} == {("RUS", "USA"), ("USA", "RUS")}
    assert png.stat().st_size > 10_000


def test_escalation_cli_over_a_scenario_and_a_match():
    out = run_cli("escalation", "--dyad", "USA-RUS", "--scenario", "scenarios/numeric-tit-for-tat-2017.toml",
                  "--format", "json")
    assert out.returncode == 0, out.stderr
    rows = [r for r in json.loads(out.stdout)["rows"] if r["actor"] == "RUS" and r["date"] == "2017-07-28"]
    assert rows and "174" in rows[0]["codes"] and "172" not in rows[0]["codes"]  # 35 for 35 instead of the cap
    out = run_cli("escalation", "--match", "tit-for-tat,always-hostile", "--rounds", "5", "--format", "json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert [r["B"] for r in doc["rows"]] == ["D"] * 5 and doc["rows"][0]["B→A"] == 5.0


@pytest.mark.parametrize("args,message", [
    (["--dyad", "USA"], "bad dyad"),
    (["--dyad", "USA-XXX"], "unknown country code 'XXX'"),
    (["--dyad", "USA-USA"], "two different countries"),
    (["--dyad", "USA-RUS", "--half-life", "0"], "must be positive"),
    ([], "either --dyad"),
    (["--match", "tit-for-tat"], "two strategy names"),
])
def test_escalation_bad_input_is_one_line(args, message):
    out = run_cli("escalation", *args)
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
    assert message in out.stderr

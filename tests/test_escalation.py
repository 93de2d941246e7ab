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
    (["--dyad", "USA-RUS", "--half-life", "0"], "--half-life: want a number above 0"),
    ([], "one of --dyad A-B or --all"),
    (["--all", "--dyad", "USA-RUS"], "one of --dyad A-B or --all"),
    (["--all", "--plot", "x.png"], "--plot draws one dyad"),
    (["--all", "--since", "2017-02-01", "--until", "2017-01-01"], "the period is empty"),
    (["--all", "--weight", "people"], "invalid choice"),
    (["--match", "tit-for-tat"], "two strategy names"),
])
def test_escalation_bad_input_is_one_line(args, message):
    out = run_cli("escalation", *args)
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
    assert message in out.stderr


# --- many countries: sizes, weights, every dyad at once, the country matrix -------------------------------------------

def expelled(ident, day, actor, target, count, deadline=None):
    return ev.DiplomatsExpelled(id=ident, date=d(day), actor=actor, target=target, count=count,
                                deadline=d(deadline) if deadline else None, sources=SRC)


def mission(ident, sending, host, **staff):
    return ev.MissionEstablished(id=ident, date=d("2018-03-01"), actor=sending, target=host, sources=SRC, **staff)


def test_thirteen_expelled_weigh_more_than_one_but_not_thirteen_times():
    from diplosim.analysis.escalation import all_dyads

    log = [expelled("one", "2018-03-14", "GBR", "RUS", 1), expelled("many", "2018-03-14", "FRA", "RUS", 13)]
    plain = {r["actor"]: r["index"] for r in all_dyads(log)["rows"]}
    weighted = {r["actor"]: r["index"] for r in all_dyads(log, weight="size")["rows"]}
    assert plain == {"GBR": 5.0, "FRA": 5.0}  # 174 scores -5.0, whatever the count
    assert weighted["GBR"] == 5.0  # one person weighs 1
    assert weighted["FRA"] == round(5.0 * (1 + math.log2(13)), 2)  # 23.5: more than 5, less than 13 × 5
    assert weighted["GBR"] < weighted["FRA"] < 13 * weighted["GBR"]


def test_sizes_of_measures():
    from diplosim.analysis.sizes import sizes

    log = [mission("m", "USA", "RUS", staff=100),
           mission("m2", "GBR", "RUS", staff_min=50, staff_max=80),
           mission("m3", "RUS", "GBR", staff=30),
           ev.MissionCapped(id="cap", date=d("2018-03-02"), actor="RUS", target="USA", cap=60,
                            deadline=d("2018-04-01"), sources=SRC),
           ev.MissionCapped(id="parity", date=d("2018-03-02"), actor="RUS", target="GBR", parity=True,
                            deadline=d("2018-04-01"), sources=SRC),
           ev.SanctionsImposed(id="sanctions", date=d("2018-03-03"), actor="USA", target="RUS", count=24,
                               targets=(ev.SanctionTarget(name="Someone", kind="person"),), measures=("asset freeze",),
                               sources=SRC),
           ev.CriticismVoiced(id="words", date=d("2018-03-03"), actor="GBR", target="RUS", sources=SRC)]
    got = sizes(log)
    assert got["cap"] == 40  # 100 people, a cap of 60: 40 ordered out
    assert got["parity"] == 20  # 50..80 people, capped at the 30 of the other mission: at least 20 must go
    assert got["sanctions"] == 24  # the unnamed designations count too
    assert "words" not in got and "m" not in got  # speech acts and records have no size


def incident_log():
    return [ev.IncidentOccurred(id="poison", date=d("2018-03-04"), actor="GBR", kind="poisoning", suspected="RUS",
                                sources=SRC),
            expelled("gbr-23", "2018-03-14", "GBR", "RUS", 23, "2018-03-20"),
            expelled("rus-23", "2018-03-17", "RUS", "GBR", 23, "2018-03-24"),
            ev.PraiseExpressed(id="praise", date=d("2018-03-20"), actor="FRA", target="GBR", sources=SRC),
            expelled("usa-48", "2018-03-26", "USA", "RUS", 48, "2018-04-02"),
            expelled("pol-4", "2018-03-26", "POL", "RUS", 4),
            expelled("rus-60", "2018-03-29", "RUS", "USA", 60, "2018-04-05"),
            ev.StatementMade(id="est", date=d("2018-02-01"), actor="EST", target="RUS", sources=SRC)]


def test_all_dyads_by_hand():
    from diplosim.analysis.escalation import all_dyads

    log = sorted(incident_log(), key=lambda e: e.date)
    doc = all_dyads(log, since=d("2018-03-01"), until=d("2018-03-31"), half_life=30)
    rows = {(r["actor"], r["target"]): r for r in doc["rows"]}
    # the statement of February is before the period: EST→RUS is left out; the incident counts for the suspect
    assert set(rows) == {("RUS", "GBR"), ("GBR", "RUS"), ("FRA", "GBR"), ("USA", "RUS"), ("POL", "RUS"),
                         ("RUS", "USA")}
    assert rows["RUS", "GBR"]["acts"] == 2 and rows["RUS", "GBR"]["ordered_out"] == 23
    assert rows["FRA", "GBR"]["ordered_out"] == 0 and rows["FRA", "GBR"]["index"] < 0
    assert [r["index"] for r in doc["rows"]] == sorted((r["index"] for r in doc["rows"]), reverse=True)
    for (a, b), r in rows.items():  # the index on the last day, and the highest of every day, by the formula
        pts = [(e.date.toordinal(), -cameo.goldstein(e)) for e in acts(log, a, b)]
        days = [d("2018-03-01").toordinal() + k for k in range(31)]
        assert r["index"] == round(brute(pts, 30, days[-1]), 2)
        best = max(days, key=lambda t: (round(brute(pts, 30, t), 9), -t))
        assert (r["peak"], r["peak_date"]) == (round(brute(pts, 30, best), 2), date_of(best))
    assert (doc["since"], doc["until"], doc["weight"]) == ("2018-03-01", "2018-03-31", "none")


def date_of(ordinal):
    import datetime
    return datetime.date.fromordinal(ordinal).isoformat()


def test_all_dyads_counts_earlier_acts_in_the_index_but_not_in_the_period():
    from diplosim.analysis.escalation import all_dyads

    log = [expelled("a", "2018-01-01", "GBR", "RUS", 1), expelled("b", "2018-03-02", "GBR", "RUS", 1),
           expelled("c", "2018-01-05", "RUS", "GBR", 1)]
    log.sort(key=lambda e: e.date)
    doc = all_dyads(log, since=d("2018-03-01"), until=d("2018-03-02"))
    [row] = doc["rows"]  # RUS→GBR acted only before the period
    assert (row["actor"], row["acts"]) == ("GBR", 1)
    assert row["index"] == round(5 + 5 * 0.5 ** (60 / 30), 2)  # 1 January still counts, decayed over 60 days


def test_country_matrix_orders_by_activity_and_leaves_silence_blank():
    from diplosim.analysis.escalation import country_matrix

    log = sorted(incident_log(), key=lambda e: e.date)
    countries, matrix, info = country_matrix(log, "expelled", since=d("2018-03-01"))
    assert countries[0] == "RUS"  # in 6 of the 7 acts
    assert set(countries) == {"RUS", "GBR", "USA", "POL", "FRA"} and info["countries"] == 5
    at = {(a, b): matrix[i][j] for i, a in enumerate(countries) for j, b in enumerate(countries)}
    assert at["USA", "RUS"] == 48 and at["RUS", "USA"] == 60 and at["POL", "RUS"] == 4
    assert at["FRA", "GBR"] == 0  # acted, expelled no one
    assert at["GBR", "USA"] is None and at["RUS", "RUS"] is None  # no act at all: blank, not zero
    top, small, info = country_matrix(log, "acts", since=d("2018-03-01"), top=2)
    assert top == countries[:2] and len(small) == 2 and info == dict(info, shown=2, countries=5)
    assert small[top.index("RUS")][top.index("GBR")] == 2  # the poisoning and the expulsion


def test_escalation_all_cli_table_json_and_weight(tmp_path):
    from diplosim.core.log import write_log

    path = tmp_path / "many.jsonl"
    write_log(sorted(incident_log(), key=lambda e: e.date), path)
    out = run_cli("escalation", "--all", "--log", str(path), "--since", "2018-03-01", "--until", "2018-04-30")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("6 dyads with acts from 2018-03-01 to 2018-04-30")
    assert lines[1].split() == ["dyad", "acts", "ordered_out", "index", "peak", "peak_date"]
    out = run_cli("escalation", "--all", "--log", str(path), "--format", "json")
    plain = json.loads(out.stdout)
    out = run_cli("escalation", "--all", "--log", str(path), "--format", "json", "--weight", "size")
    weighted = json.loads(out.stdout)
    assert plain["weight"] == "none" and weighted["weight"] == "size" and "log2" in weighted["weight_rule"]
    index = {(r["actor"], r["target"]): r["index"] for r in plain["rows"]}
    windex = {(r["actor"], r["target"]): r["index"] for r in weighted["rows"]}
    assert index["USA", "RUS"] == index["POL", "RUS"]  # one expulsion each, on the same day...
    decay = 0.5 ** (3 / 30)  # 26 March to the log's last day, 29 March
    assert windex["USA", "RUS"] == round(5 * decay * (1 + math.log2(48)), 2)  # ... but 48 people weigh more
    assert windex["POL", "RUS"] == round(5 * decay * (1 + math.log2(4)), 2)  # than 4
    assert windex["FRA", "GBR"] == index["FRA", "GBR"]  # praise has no size: weighted alike

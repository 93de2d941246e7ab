"""What the outputs say about figures that are not known exactly: the state tables, the JSON contract and the
replay, on small hand-written logs (each expectation worked out from the rules, not read off the output)."""
from __future__ import annotations

import json

from conftest import ROOT, d, run_cli
from diplosim.analysis.projections import render_state, replay_steps, state_json, state_tables
from diplosim.analysis.wording import LEGEND
from diplosim.core import events as ev
from diplosim.core.fold import fold

SRC = ("https://example.org/test",)
UNCERTAIN = ROOT / "tests" / "fixtures" / "uncertain.toml"


def base(mid, sending, host, when="2020-01-01", **figure):
    return ev.MissionEstablished(id=mid, date=d(when), actor=sending, target=host, sources=SRC, **figure)


def expel(eid, host, sending, count, when, deadline=None, **kw):
    return ev.DiplomatsExpelled(id=eid, date=d(when), actor=host, target=sending, count=count,
                                deadline=None if deadline is None else d(deadline), sources=SRC, **kw)


def missions(events, at):
    t = {t.name: t for t in state_tables(fold(events, until=d(at)))}["missions"]
    return {(r["sending"], r["host"]): r for r in t.rows}, t


# --- the missions table ---------------------------------------------------------------------------------------------


def test_an_unknown_mission_with_13_expelled_shows_at_least_13_marked_inferred():
    log = [expel("x", "GBR", "RUS", 13, "2020-01-02")]  # no deadline, no baseline
    rows, t = missions(log, "2020-01-05")
    row = rows["RUS", "GBR"]
    assert row["staff"] == "≥13†" and row["pending_departures"] == "13" and row["departure_deadline"] == "unknown"
    assert t.notes == [f"† {LEGEND['†']}"]
    gone = log + [ev.DiplomatsDeparted(id="gone", date=d("2020-01-09"), actor="RUS", target="GBR", order="x",
                                       sources=SRC)]
    rows, t = missions(gone, "2020-01-10")
    # nothing is known of the size but that 13 left; no bound rests on the inference any more
    assert rows["RUS", "GBR"]["staff"] == "? (−13)" and rows["RUS", "GBR"]["pending_departures"] == "0"
    assert t.notes == []


def test_about_between_and_at_most_figures():
    log = [base("a", "USA", "RUS", staff_about=1100), base("b", "RUS", "USA", staff_min=1000, staff_about=1100),
           base("c", "FRA", "RUS", staff_min=1000, staff_max=1200), base("e", "DEU", "RUS", staff_max=20),
           expel("x", "RUS", "FRA", 100, "2020-01-02", "2020-01-05")]
    rows, t = missions(log, "2020-01-03")
    assert rows["USA", "RUS"]["staff"] == "~1100" and rows["RUS", "USA"]["staff"] == "~1100 (≥1000)"
    assert rows["FRA", "RUS"]["staff"] == "1000–1200" and rows["DEU", "RUS"]["staff"] == "≤20"
    assert rows["FRA", "RUS"]["pending_departures"] == "100" and rows["FRA", "RUS"]["departure_deadline"] == \
        "2020-01-05"
    assert t.notes == []  # reported figures need no mark
    rows, _ = missions(log, "2020-01-06")
    assert rows["FRA", "RUS"]["staff"] == "900–1100 (−100)"  # both ends moved, and the change is known


def test_an_assumed_figure_and_an_assumed_deadline_are_marked():
    log = [base("m", "SWE", "FIN", staff=30, assumed="no source gives it"),
           expel("x", "FIN", "SWE", 5, "2020-01-02", "2020-01-09", deadline_assumed=True)]
    rows, t = missions(log, "2020-01-03")
    assert rows["SWE", "FIN"]["staff"] == "30*" and rows["SWE", "FIN"]["departure_deadline"] == "2020-01-09 (assumed)"
    assert t.notes == [f"* {LEGEND['*']}"]
    text = render_state(fold(log, until=d("2020-01-03")))
    assert "30*" in text and f"* {LEGEND['*']}" in text


def test_a_parity_cap_shows_the_size_it_follows():
    log = [base("a", "USA", "RUS", staff=1210), base("b", "RUS", "USA", staff=455),
           ev.MissionCapped(id="cap", date=d("2020-01-02"), actor="RUS", target="USA", parity=True,
                            deadline=d("2020-02-01"), sources=SRC)]
    rows, _ = missions(log, "2020-01-03")
    assert rows["USA", "RUS"]["cap"] == "parity (455)" and rows["USA", "RUS"]["cap_deadline"] == "2020-02-01"
    # on a mission whose other side is unknown the cap is unknown too
    unknown = [base("a", "USA", "RUS", staff=1210),
               ev.MissionCapped(id="cap", date=d("2020-01-02"), actor="RUS", target="USA", parity=True,
                                sources=SRC)]
    rows, _ = missions(unknown, "2020-01-03")
    assert rows["USA", "RUS"]["cap"] == "parity (?)" and rows["USA", "RUS"]["cap_deadline"] == "unknown"
    # a mission known as "about 35" gives the parity its central figure
    about = [base("b", "RUS", "USA", staff_about=35)] + unknown
    rows, _ = missions(about, "2020-01-03")
    assert rows["USA", "RUS"]["cap"] == "parity (~35)"


def test_a_closing_post_counts_as_open_until_its_effective_day():
    log = [base("m", "RUS", "USA", staff=455, posts=(ev.Post("Embassy in Washington"),
                                                     ev.Post("Consulate in San Francisco", "consulate"))),
           ev.PostClosed(id="close", date=d("2020-01-02"), actor="USA", target="RUS", post="Consulate in San Francisco",
                         effective=d("2020-02-01"), sources=SRC)]
    for at, open_, closed, status in (("2020-01-31", "2 (1 closing)", "0", "closing (effective 2020-02-01)"),
                                      ("2020-02-01", "1", "1", "closed")):
        s = fold(log, until=d(at))
        tables = {t.name: t for t in state_tables(s)}
        [row] = tables["missions"].rows
        assert (row["posts_open"], row["posts_closed"]) == (open_, closed)
        post = next(p for p in tables["posts"].rows if p["name"] == "Consulate in San Francisco")
        assert post["status"] == status


def test_a_property_closing_later_says_what_it_becomes_and_when():
    log = [ev.PropertyRegistered(id="r", date=d("2020-01-01"), actor="USA", target="RUS", property="dacha",
                                 name="Dacha", sources=SRC),
           ev.PropertyAccessSuspended(id="bar", date=d("2020-01-02"), actor="RUS", target="USA", property="dacha",
                                      effective=d("2020-01-10"), sources=SRC)]
    row = {t.name: t for t in state_tables(fold(log, until=d("2020-01-05")))}["properties"].rows[0]
    assert row["status"] == "closing → access_suspended on 2020-01-10"
    row = {t.name: t for t in state_tables(fold(log, until=d("2020-01-10")))}["properties"].rows[0]
    assert row["status"] == "access_suspended"


def test_head_column_contacts_table_and_unnamed_designations_appear_only_when_recorded():
    log = [base("m", "GBR", "RUS", staff=60)]
    plain = render_state(fold(log))
    assert "head" not in plain and "Contacts suspended" not in plain and "not named" not in plain
    log += [ev.AmbassadorRecalled(id="r", date=d("2020-01-02"), actor="GBR", target="RUS", sources=SRC),
            ev.ContactsSuspended(id="c", date=d("2020-01-02"), actor="GBR", target="RUS", scope="high-level",
                                 sources=SRC),
            ev.SanctionsImposed(id="s", date=d("2020-01-03"), actor="GBR", target="RUS", count=23,
                                targets=(ev.SanctionTarget("Acme", "entity", "RUS"),), measures=("asset freeze",),
                                sources=SRC)]
    s = fold(log)
    tables = {t.name: t for t in state_tables(s)}
    assert tables["missions"].columns[-1] == "head" and tables["missions"].rows[0]["head"] == "recalled"
    assert [(r["actor"], r["target"], r["scope"], r["event_id"]) for r in tables["contacts"].rows] == [
        ("GBR", "RUS", "high-level", "c")]
    assert [r["target"] for r in tables["sanctions"].rows] == ["Acme", "+22 not named"]
    text = render_state(s)
    assert "Contacts suspended" in text and "+22 not named" in text


def test_exact_missions_keep_their_columns_and_figures(real_log):
    t = {t.name: t for t in state_tables(fold(real_log.events, until=d("2017-08-15")))}["missions"]
    assert t.columns == ["sending", "host", "staff", "pending_departures", "departure_deadline", "cap",
                         "cap_deadline", "posts_open", "posts_closed"] and t.notes == []
    us = next(r for r in t.rows if r["sending"] == "USA")
    assert (us["staff"], us["pending_departures"], us["cap"]) == ("1210", "755", "455")


def test_state_cli_on_the_made_up_log_prints_ranges_and_the_legend():
    out = run_cli("state", "--log", str(UNCERTAIN), "--at", "2030-03-08", "--table", "missions")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    fin = next(line.split() for line in lines if line.startswith("FIN "))
    assert fin[:5] == ["FIN", "SWE", "≥13†", "13", "unknown"]
    assert lines[-2:] == [f"* {LEGEND['*']}", f"† {LEGEND['†']}"]
    out = run_cli("state", "--log", str(UNCERTAIN), "--at", "2030-03-08", "--table", "contacts", "--format", "json")
    assert json.loads(out.stdout)["contacts"] == [{"actor": "NOR", "target": "SWE", "scope": "high-level bilateral",
                                                   "since": "2030-03-08", "event_id": "nor-suspends-contacts"}]


# --- the JSON contract ------------------------------------------------------------------------------------------------


def test_json_ranges_bases_and_the_implicit_mission():
    log = [base("a", "USA", "RUS", staff_min=1000, staff_max=1200), base("b", "GBR", "RUS", staff=30, assumed="x"),
           expel("x", "RUS", "FRA", 13, "2020-01-02")]
    doc = json.loads(json.dumps(state_json(fold(log, until=d("2020-01-03")))))
    m = {(x["sending"], x["host"]): x for x in doc["missions"]}
    assert {k: m["USA", "RUS"][k] for k in ("staff", "staff_min", "staff_max", "staff_basis", "implicit")} == {
        "staff": None, "staff_min": 1000, "staff_max": 1200, "staff_basis": "reported", "implicit": False}
    assert (m["GBR", "RUS"]["staff"], m["GBR", "RUS"]["staff_basis"]) == (30, "assumed")
    fra = m["FRA", "RUS"]
    assert (fra["staff"], fra["staff_min"], fra["staff_max"], fra["staff_basis"], fra["implicit"]) == (
        None, 13, None, "inferred", True)
    assert (fra["pending_departures"], fra["pending_max"]) == (13, 13)
    assert fra["departures"] == [{"count": 13, "most": 13, "exact": True, "deadline": None,
                                  "deadline_assumed": False, "reason": "expelled", "event_id": "x"}]


def test_json_caps_posts_properties_sanctions_and_the_new_lists():
    from diplosim.core.log import load_log

    s = fold(load_log(UNCERTAIN).events, until=d("2030-03-22"))
    doc = json.loads(json.dumps(state_json(s)))
    m = {(x["sending"], x["host"]): x for x in doc["missions"]}
    nor = m["NOR", "SWE"]  # capped at parity with the Swedish mission in Norway, then at least 38
    assert (nor["cap"], nor["cap_rule"], nor["cap_min"], nor["cap_max"]) == (None, "parity", 38, None)
    assert nor["head"] == "recalled"
    swe = m["SWE", "NOR"]  # capped at 40 while its size is ~48, at least 38: 0 to ? must go by 15 April
    assert (swe["cap"], swe["cap_rule"], swe["cap_min"], swe["cap_max"]) == (40, "number", 40, 40)
    assert (swe["pending_departures"], swe["pending_max"]) == (0, None)
    assert (swe["staff"], swe["staff_min"], swe["staff_max"], swe["staff_about"], swe["staff_change"]) == (
        None, 38, None, 48, -12)
    bergen = next(p for p in swe["posts"] if p["name"] == "Consulate in Bergen")
    assert (bergen["status"], bergen["effective"]) == ("closing", "2030-04-01")
    assert doc["designations"] == [{"imposer": "SWE", "target_country": "NOR", "count": 22,
                                    "measures": ["asset freeze"], "legal_basis": "made-up sanctions act",
                                    "since": "2030-03-08", "event_id": "swe-sanctions-24"}]
    assert all(x["authorities"] == ["made-up sanctions act"] for x in doc["sanctions"])
    assert [c["event_id"] for c in doc["contacts_suspended"]] == ["nor-suspends-contacts"]
    early = state_json(fold(load_log(UNCERTAIN).events, until=d("2030-03-10")))
    [house] = early["properties"]
    assert (house["status"], house["effective"], house["becomes"]) == ("closing", "2030-03-15", "access_suspended")


def test_a_second_legal_basis_is_listed_among_the_authorities():
    t = (ev.SanctionTarget("Acme", "entity", "RUS"),)
    log = [ev.SanctionsImposed(id=f"s{i}", date=d("2020-01-0" + str(i + 1)), actor="USA", target="RUS", targets=t,
                               measures=("asset freeze",), legal_basis=basis, sources=SRC)
           for i, basis in enumerate(["EO 13694", "CAATSA 224"])]
    [x] = state_json(fold(log))["sanctions"]
    assert x["authorities"] == ["EO 13694", "CAATSA 224"] and x["legal_basis"] == "EO 13694"


# --- replay --------------------------------------------------------------------------------------------------------


def _steps(events, until):
    return [(st["date"].isoformat(), st["event"].id if st["event"] else st["clock"], st["changes"])
            for st in replay_steps(events, d(until))]


def test_an_unknown_deadline_never_fires():
    steps = _steps([base("m", "RUS", "GBR", staff=50), expel("x", "GBR", "RUS", 13, "2020-01-02")], "2021-01-01")
    assert [s[1] for s in steps] == ["m", "x"]  # a year on, no clock step
    assert steps[1][2] == ["RUS mission in GBR: pending departures: 0 → 13"]


def test_an_effective_closure_is_a_clock_step_of_its_own_day():
    log = [base("m", "RUS", "USA", staff=455, posts=(ev.Post("Consulate in Seattle", "consulate"),)),
           ev.PostClosed(id="close", date=d("2020-01-02"), actor="USA", target="RUS", post="Consulate in Seattle",
                         effective=d("2020-01-20"), sources=SRC),
           expel("x", "USA", "RUS", 5, "2020-01-02", "2020-01-19")]
    steps = list(replay_steps(log, d("2020-02-01")))
    clock = [(st["date"].isoformat(), st["clock"], st["what"], st["changes"]) for st in steps if st["event"] is None]
    assert clock == [
        # the five leave after their deadline day (2020-01-19); the post closes on its effective day, the same
        # morning, as a step of its own
        ("2020-01-19", "deadline", "deadline passed: those ordered out are gone from 2020-01-20",
         ["RUS mission in USA: staff: 455 → 450", "RUS mission in USA: pending departures: 5 → 0"]),
        ("2020-01-20", "effective", "taking effect today: close",
         ["RUS mission in USA: Consulate in Seattle: closing (effective 2020-01-20) → closed"])]


def test_a_clamp_at_a_cap_deadline_prints_the_range_before_and_after():
    log = [base("m", "USA", "RUS", staff_min=1000, staff_about=1100),
           ev.MissionCapped(id="cap", date=d("2020-01-02"), actor="RUS", target="USA", cap=455,
                            deadline=d("2020-02-01"), sources=SRC)]
    steps = _steps(log, "2020-02-02")
    assert steps[1][2] == ["USA mission in RUS: pending departures: 0 → ≥545", "USA mission in RUS: cap: None → 455"]
    # after the deadline the mission is clamped to the cap: at least 1000 were there and at most 455 may stay
    assert steps[2][:2] == ("2020-02-01", "deadline")
    assert steps[2][2] == ["USA mission in RUS: staff: ~1100 (≥1000) → 455",
                           "USA mission in RUS: pending departures: ≥545 → 0"]

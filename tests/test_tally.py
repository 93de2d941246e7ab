"""`diplosim tally` and `state --countries`: the counts and the cut-down tables the shipped record is asked for."""
from __future__ import annotations

import datetime
import json

from diplosim.analysis.subset import restrict
from diplosim.analysis.tally import tally, totals
from diplosim.core import events as ev
from diplosim.core.fold import fold

from conftest import run_cli

d = datetime.date
S = ("https://example.org/t",)


def log():
    return [
        ev.DiplomatsExpelled(id="a", date=d(2018, 3, 14), actor="GBR", target="RUS", count=23, sources=S),
        ev.DiplomatsExpelled(id="b", date=d(2018, 3, 17), actor="RUS", target="GBR", count=23, sources=S),
        ev.DiplomatsExpelled(id="c", date=d(2018, 3, 26), actor="FRA", target="RUS", count=4, sources=S),
        ev.MissionEstablished(id="m", date=d(2018, 3, 26), actor="RUS", target="USA", staff=10,
                              posts=(ev.Post("Consulate in Seattle", "consulate"),), sources=S),
        ev.PostClosed(id="p", date=d(2018, 3, 26), actor="USA", target="RUS", post="Consulate in Seattle", sources=S),
        ev.DiplomatsExpelled(id="e", date=d(2018, 3, 30), actor="RUS", target="FRA", count=4, sources=S),
        ev.DiplomatsExpelled(id="f", date=d(2018, 3, 30), actor="GBR", target="FRA", count=1, sources=S),
    ]


def test_tally_counts_people_both_ways_per_counterpart_in_the_period():
    rows = {r["counterpart"]: r for r in tally(log(), "RUS")}
    assert (rows["GBR"]["expelled_by_them"], rows["GBR"]["expelled_by_country"]) == (23, 23)
    assert (rows["FRA"]["expelled_by_them"], rows["FRA"]["expelled_by_country"]) == (4, 4)
    assert rows["USA"]["posts_closed_by_them"] == 1 and rows["USA"]["expelled_by_them"] == 0
    # the GBR-FRA expulsion does not involve Russia; a period cuts by date, both ends counted
    later = {r["counterpart"]: r for r in tally(log(), "RUS", since=d(2018, 3, 17), until=d(2018, 3, 26))}
    assert (later["GBR"]["expelled_by_them"], later["GBR"]["expelled_by_country"]) == (0, 23)
    assert later["FRA"]["expelled_by_country"] == 0
    t = totals(tally(log(), "RUS"))
    assert (t["expelled_by_them"], t["expelled_by_country"], t["counterpart"]) == (27, 27, "all 3")


def test_restrict_keeps_what_lies_between_the_countries_or_involves_one():
    s = fold(log(), check_ids=False)
    assert set(restrict(s, ["RUS", "USA"]).missions) == {("RUS", "USA")}
    assert set(restrict(s, ["RUS"]).missions) == {("RUS", "USA"), ("RUS", "GBR"), ("RUS", "FRA"),
                                                  ("GBR", "RUS"), ("FRA", "RUS")}
    assert set(restrict(s, ["GBR", "FRA"]).missions) == {("FRA", "GBR")}


def test_the_shipped_record_answers_from_the_installed_script():
    p = run_cli("tally", "--country", "RUS", "--since", "2018-03-14", "--until", "2018-04-30", "--format", "json")
    doc = json.loads(p.stdout)
    assert (doc["total"]["expelled_by_them"], doc["total"]["expelled_by_country"]) == (153, 146)
    usa = next(r for r in doc["rows"] if r["counterpart"] == "USA")
    assert (usa["expelled_by_them"], usa["expelled_by_country"]) == (60, 60)
    p = run_cli("state", "--at", "2018-04-30", "--countries", "USA,RUS", "--format", "json")
    missions = json.loads(p.stdout)["missions"]
    assert {(m["sending"], m["host"]) for m in missions} == {("USA", "RUS"), ("RUS", "USA")}
    p = run_cli("tally", "--country", "XXX")
    assert p.returncode == 2 and "unknown country code 'XXX'" in p.stderr
    p = run_cli("tally", "--country", "JPN")
    assert p.returncode == 2 and "no expulsion or closed post" in p.stderr

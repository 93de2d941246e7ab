"""CAMEO coding: the shipped table, every event type's code, overrides, and the timeline's code and score."""
from __future__ import annotations

import json
import re

import attrs
import pytest

from conftest import REAL_LOG, ROOT, run_cli
from diplosim.analysis import cameo
from diplosim.core import events as ev
from diplosim.core.errors import InputError
from diplosim.core.log import load_log, parse_toml


def test_table_has_every_code_of_the_reference_with_its_label():
    rows = [line.split("\t") for line in cameo.TABLE_PATH.read_text().splitlines()
            if line and not line.startswith("#")][1:]
    assert len(cameo.table()) == len(rows) == 315
    for code, label, _ in rows:
        assert cameo.lookup(code).label == label


def test_scores_without_a_published_value_are_the_parents():
    inherited = {c for c, x in cameo.table().items() if x.inherited}
    assert inherited == {"1213", "1214", "1951", "1952"}
    assert cameo.lookup("1214").goldstein == cameo.lookup("121").goldstein
    assert cameo.lookup("1952").goldstein == cameo.lookup("195").goldstein


@pytest.mark.parametrize("code,root,quad", [("010", "01", 1), ("057", "05", 1), ("061", "06", 2),
                                             ("0842", "08", 2), ("090", "09", 3), ("1313", "13", 3),
                                             ("141", "14", 4), ("174", "17", 4), ("2042", "20", 4)])
def test_root_and_quad_class(code, root, quad):
    c = cameo.lookup(code)
    assert (c.root, c.quad_class) == (root, quad)


def test_every_act_type_has_a_default_code_in_the_table_and_records_have_none():
    # observed events (rows of GDELT, ICEWS, POLECAT) carry their own code: they have no default
    assert set(cameo.DEFAULT_CODES) | set(cameo.RECORDS) == {n for n, c in ev.EVENT_TYPES.items()
                                                              if c.category != "observation"}
    assert not set(cameo.DEFAULT_CODES) & set(cameo.RECORDS)
    assert set(cameo.RECORDS) == {"MissionEstablished", "PropertyRegistered", "PostListed", "DiplomatsDeparted"}
    for code in (list(cameo.DEFAULT_CODES.values()) + list(cameo.INTENT_CODES.values())
                 + list(cameo.INCIDENT_CODES.values())):
        assert code in cameo.table()


def test_every_act_of_the_real_log_is_coded_and_no_record_is(real_log):
    records = 0
    for e in real_log.events:
        c = cameo.coded(e)
        if e.category == "record":
            records += 1
            assert c is None and cameo.code_of(e) is None and cameo.goldstein(e) == 0.0 and not cameo.is_act(e)
        else:
            assert c.code == cameo.code_of(e) and -10 <= c.goldstein <= 10 and cameo.is_act(e)
    assert records == 6  # two missions and four properties: the baselines of 2016-12-28


def test_a_record_with_an_override_is_coded_as_the_override_says(real_log):
    base = real_log.by_id()["base-rus-mission"]
    e = attrs.evolve(base, cameo="050")
    assert cameo.is_act(e) and cameo.coded(e).goldstein == cameo.lookup("050").goldstein


def test_an_incident_is_coded_as_an_act_of_the_suspect_against_the_country_it_happened_in():
    import datetime
    e = ev.IncidentOccurred(id="i", date=datetime.date(2018, 3, 4), actor="GBR", kind="poisoning", suspected="RUS",
                            sources=("https://example.org/i",))
    assert (cameo.code_of(e), cameo.source_of(e), cameo.target_of(e)) == ("185", "RUS", "GBR")
    row = cameo.timeline_json([e])[0]
    assert (row["actor"], row["cameo_source"], row["cameo_target"]) == ("GBR", "RUS", "GBR")
    unknown = attrs.evolve(e, suspected=None)
    assert cameo.source_of(unknown) is None and cameo.target_of(unknown) == "GBR"


def test_measures_carry_their_codes(real_log):
    by_id = real_log.by_id()
    assert cameo.code_of(by_id["usa-expels-35"]) == "174"
    assert cameo.code_of(by_id["rus-caps-us-mission"]) == "172"
    assert cameo.code_of(by_id["rus-takes-dacha"]) == "1711"
    assert cameo.code_of(by_id["usa-closes-maryland-compound"]) == "171"
    assert cameo.code_of(by_id["usa-sanctions-nine"]) == "163"
    assert cameo.code_of(by_id["lavrov-warns-brussels"]) == "1313"


def test_refinements_by_data(real_log):
    by_id = real_log.by_id()
    assert cameo.code_of(by_id["peskov-reciprocity"]) == "130"
    restraint = attrs.evolve(by_id["peskov-reciprocity"], stance="restraint")
    assert cameo.code_of(restraint) == "013"
    failed = attrs.evolve(by_id["senate-votes-98-2"], passed=False)
    assert cameo.code_of(by_id["senate-votes-98-2"]) == "1312" and cameo.code_of(failed) == "010"


def test_an_override_wins_and_is_scored(real_log):
    e = attrs.evolve(real_log.by_id()["rus-wants-properties-back"], cameo="1053")
    assert cameo.coded(e).label == "Demand release of persons or property"
    assert cameo.goldstein(e) == -5.0


def test_an_unknown_override_is_an_input_error_naming_the_event(real_log):
    e = attrs.evolve(real_log.by_id()["usa-expels-35"], cameo="999")
    with pytest.raises(InputError, match="event usa-expels-35"):
        cameo.coded(e)


def test_an_unknown_override_in_a_log_names_its_line():
    text = REAL_LOG.read_text().replace('id = "usa-expels-35"\n', 'id = "usa-expels-35"\ncameo = "1799"\n')
    with pytest.raises(InputError) as info:
        parse_toml(text, "x.toml")
    line = text.splitlines().index('cameo = "1799"') + 1
    assert info.value.where == f"x.toml:{line}" and "CAMEO" in info.value.message


def test_validate_rejects_an_unknown_override_in_one_line(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(REAL_LOG.read_text().replace('id = "ryabkov-overdue"\n', 'id = "ryabkov-overdue"\ncameo = "0000"\n'))
    out = run_cli("validate", str(bad))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    line = bad.read_text().splitlines().index('cameo = "0000"') + 1
    assert f"bad.toml:{line}: " in out.stderr and "'0000'" in out.stderr


def test_a_root_code_is_a_valid_override():
    text = REAL_LOG.read_text().replace('id = "rus-takes-dacha"\n', 'id = "rus-takes-dacha"\ncameo = "17"\n')
    e = next(x for x in parse_toml(text, "x.toml").events if x.id == "rus-takes-dacha")
    assert cameo.coded(e).label == "Coerce"


def test_timeline_json_contract_from_the_installed_script():
    out = run_cli("timeline", "--log", str(REAL_LOG), "--format", "json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert len(rows) == len(load_log(REAL_LOG).events)      # one row per event of the log, records included
    records = [r for r in rows if r.get("record")]
    assert {r["type"] for r in records} == {"MissionEstablished", "PropertyRegistered"} and len(records) == 6
    for r in records:  # a record is no act: no code, no score, not even empty ones
        assert r["record"] is True and not {"cameo", "cameo_label", "root_code", "quad_class", "goldstein"} & set(r)
        assert {"id", "date", "type", "actor", "target", "summary", "sources"} <= set(r)
    for r in rows:
        if r.get("record"):
            continue
        assert "record" not in r
        assert {"id", "date", "type", "actor", "target", "cameo", "goldstein", "sources"} <= set(r)
        assert isinstance(r["cameo"], str) and r["cameo"] in cameo.table()
        assert isinstance(r["goldstein"], (int, float)) and not isinstance(r["goldstein"], bool)
        assert r["goldstein"] == cameo.lookup(r["cameo"]).goldstein
        assert r["root_code"] == r["cameo"][:2] and r["quad_class"] in (1, 2, 3, 4)
        assert isinstance(r["sources"], list) and r["sources"]
    expel = next(r for r in rows if r["id"] == "usa-expels-35")
    assert (expel["cameo"], expel["goldstein"], expel["actor"], expel["target"]) == ("174", -5.0, "USA", "RUS")
    claim = next(r for r in rows if r["id"] == "putin-more-than-1000")
    assert claim["target"] == "USA"  # a host's claim about a mission is aimed at the sending country


def test_plain_timeline_shows_code_and_score():
    out = run_cli("timeline", "--until", "2016-12-29", "--format", "csv")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split(",")[:7] == ["date", "id", "actor", "target", "type", "cameo", "goldstein"]
    assert any(line.startswith("2016-12-29,usa-expels-35,USA,RUS,DiplomatsExpelled,174,-5.0,") for line in lines)


def test_readme_mapping_table_matches_the_code():
    text = (ROOT / "docs" / "readme" / "60-analysis.md").read_text()
    rows = re.findall(r"^\| `(\w+)` \| `(\d+)`", text, re.M)
    assert dict(rows) == cameo.DEFAULT_CODES
    # records are listed too, as having no code
    assert set(re.findall(r"^\| `([A-Z]\w+)` \| — \|", text, re.M)) == set(cameo.RECORDS)

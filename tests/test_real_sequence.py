"""The real US–Russia sequence, December 2016 – July 2017: the facts of the log, checked at dates around each deadline,
its provenance, and the JSON contract of ``diplosim state``."""
from __future__ import annotations

import json

import pytest
from conftest import REAL_LOG, ROOT, d, run_cli

from diplosim.core import events as ev
from diplosim.core.fold import fold
from diplosim.core.log import load_log
from diplosim.analysis.projections import state_json
from diplosim.core.provenance import SEEDS, check_source


@pytest.fixture(scope="module")
def at(real_log):
    cache = {}

    def state(date: str):
        if date not in cache:
            cache[date] = fold(real_log, until=d(date))
        return cache[date]
    return state


def mission(s, sending, host):
    m = s.missions[sending, host]
    return m.staff, m.pending_departures, m.cap


@pytest.mark.parametrize("date", ["2016-12-29", "2016-12-30", "2016-12-31", "2017-01-01"])
def test_russian_mission_in_the_us_has_35_leaving_through_new_years_day(at, date):
    assert mission(at(date), "RUS", "USA") == (490, 35, None)


@pytest.mark.parametrize("date", ["2017-01-02", "2017-07-28", "2017-09-02"])
def test_russian_mission_in_the_us_is_455_once_they_have_gone(at, date):
    assert mission(at(date), "RUS", "USA") == (455, 0, None)


def test_before_the_first_act_both_missions_are_at_their_baselines(at):
    s = at("2016-12-28")
    assert mission(s, "RUS", "USA") == (490, 0, None)
    assert mission(s, "USA", "RUS") == (1210, 0, None)


@pytest.mark.parametrize("date", ["2017-01-02", "2017-07-27"])
def test_us_mission_in_russia_is_untouched_until_the_cap(at, date):
    assert mission(at(date), "USA", "RUS") == (1210, 0, None)


@pytest.mark.parametrize("date", ["2017-07-28", "2017-07-30", "2017-08-15", "2017-09-01"])
def test_us_mission_in_russia_has_755_leaving_until_the_first_of_september(at, date):
    assert mission(at(date), "USA", "RUS") == (1210, 755, 455)
    assert at(date).missions["USA", "RUS"].cap_deadline == d("2017-09-01")


@pytest.mark.parametrize("date", ["2017-09-02", "2017-12-31"])
def test_us_mission_in_russia_is_455_from_the_second_of_september(at, date):
    assert mission(at(date), "USA", "RUS") == (455, 0, 455)


def _status(s, pid):
    return s.properties[pid].status


@pytest.mark.parametrize("pid", ["rus-maryland-compound", "rus-new-york-compound"])
def test_the_russian_compounds_are_closed_from_the_29th_of_december(at, pid):
    assert _status(at("2016-12-28"), pid) == "in_use"
    for date in ("2016-12-29", "2017-07-28", "2017-09-02"):
        assert _status(at(date), pid) == "closed"
    assert at("2016-12-29").properties[pid].since == d("2016-12-29")
    assert (at("2016-12-29").properties[pid].owner, at("2016-12-29").properties[pid].host) == ("RUS", "USA")


@pytest.mark.parametrize("pid", ["usa-serebryany-bor-dacha", "usa-dorozhnaya-warehouse"])
def test_the_dacha_and_warehouse_are_seized_from_the_first_of_august(at, pid):
    # announced on 28 July with the US losing their use from 1 August (the foreign ministry's statement): closing
    # in between, seized from the effective day
    for date in ("2016-12-28", "2016-12-31", "2017-07-27"):  # the December proposal to bar them was declined
        assert _status(at(date), pid) == "in_use"
    for date in ("2017-07-28", "2017-07-31"):
        p = at(date).properties[pid]
        assert (p.status, p.becomes, p.effective, p.since) == ("closing", "seized", d("2017-08-01"), d("2017-07-28"))
    for date in ("2017-08-01", "2017-09-02"):
        assert _status(at(date), pid) == "seized"
    p = at("2017-08-01").properties[pid]
    assert (p.owner, p.host, p.since) == ("USA", "RUS", d("2017-08-01"))


def test_nine_us_sanctions_targets_from_the_29th_of_december(at):
    assert not at("2016-12-28").sanctions
    for date in ("2016-12-29", "2017-08-15"):
        s = at(date)
        assert len(s.sanctions) == 9
        assert {x.imposer for x in s.sanctions.values()} == {"USA"}
        kinds = sorted(x.target_kind for x in s.sanctions.values())
        assert kinds == ["agency"] * 2 + ["entity"] * 3 + ["person"] * 4
        agencies = {x.target for x in s.sanctions.values() if x.target_kind == "agency"}
        assert {a.split()[0] for a in agencies} == {"GRU", "FSB"}
        for x in s.sanctions.values():
            assert {"asset freeze", "travel ban"} <= set(x.measures)
            assert x.target_country == "RUS" and x.since == d("2016-12-29")


def test_the_proposal_of_the_30th_is_open_only_until_putin_declines_it(real_log, at):
    events = list(real_log)
    decline = next(i for i, e in enumerate(events) if e.id == "putin-declines")
    just_before = fold(events[:decline])
    assert just_before.last_date == d("2016-12-30")
    assert "mfa-proposes-35" in just_before.open_items
    assert just_before.open_items["mfa-proposes-35"].kind == "proposal"
    assert "mfa-proposes-35" not in at("2016-12-30").open_items
    assert "mfa-proposes-35" not in at("2016-12-29").open_items  # not yet made
    [r] = [r for r in at("2016-12-30").resolved if r.event_id == "mfa-proposes-35"]
    assert (r.kind, r.by_event, r.date) == ("declined", "putin-declines", d("2016-12-30"))


def test_izvestia_report_and_lavrov_threat_are_open_until_the_cap(at):
    def open_(date):
        return {"izvestia-expel-30", "lavrov-warns-brussels"} & set(at(date).open_items)
    assert open_("2017-07-09") == set()
    assert open_("2017-07-10") == {"izvestia-expel-30"}
    assert open_("2017-07-11") == open_("2017-07-27") == {"izvestia-expel-30", "lavrov-warns-brussels"}
    assert open_("2017-07-28") == set()
    enacted = {r.event_id: (r.kind, r.by_event) for r in at("2017-07-28").resolved}
    assert enacted["izvestia-expel-30"] == enacted["lavrov-warns-brussels"] == ("enacted", "rus-caps-us-mission")


def test_putins_more_measures_possible_is_open_in_mid_august(at):
    item = at("2017-08-15").open_items["putin-more-measures-possible"]
    assert (item.kind, item.actor, item.target, item.date) == ("threat", "RUS", "USA", d("2017-07-30"))
    assert "putin-more-measures-possible" not in at("2017-07-29").open_items


def test_reported_staffing_claims_stand_beside_the_modelled_figure(at):
    s = at("2017-08-15")
    claims = {(c.qualifier, c.figure) for c in s.claims if (c.sending, c.host) == ("USA", "RUS")}
    assert claims == {("about", 1100), ("more than", 1000), ("over", 1200)}
    doc = state_json(s)
    [us] = [m for m in doc["missions"] if (m["sending"], m["host"]) == ("USA", "RUS")]
    assert us["staff"] == 1210
    assert {(r["qualifier"], r["figure"]) for r in us["reported"]} == claims


def test_every_event_cites_a_seed_and_otherwise_pages_or_a_public_record(real_log):
    for e in real_log:
        assert any(src in SEEDS for src in e.sources), e.id
        for src in e.sources:
            assert check_source(src) is None, (e.id, src)
            assert src in SEEDS or src.startswith(("public record: ", "https://", "http://")), (e.id, src)
    # and each seed is cited somewhere
    assert set(SEEDS) <= {src for e in real_log for src in e.sources}


def test_public_records_gave_way_to_pages_where_a_page_was_found(real_log):
    # the seed log once cited nine public records by name; the pages found for them replace them, and the one left
    # (the names of three companies) is still backed by pages for the rest of its event
    records = {(e.id, src) for e in real_log for src in e.sources if src.startswith("public record: ")}
    assert records == {("usa-sanctions-nine", "public record: US Treasury, cyber-related sanctions designations, "
                                              "2016-12-29")}
    by_id = real_log.by_id()
    for ident in ("usa-expels-35", "putin-declines", "trump-praises-restraint", "g20-trump-putin",
                  "house-votes-419-3", "senate-votes-98-2", "ryabkov-overdue", "rus-takes-dacha",
                  "rus-takes-warehouse", "usa-sanctions-nine"):
        assert any(src.startswith("http") for src in by_id[ident].sources), ident


def test_derived_and_disputed_figures_say_so(real_log):
    by_id = real_log.by_id()
    for base in ("base-rus-mission", "base-usa-mission"):
        assert by_id[base].derived, base
    assert "490" in by_id["base-rus-mission"].derived and "455" in by_id["base-rus-mission"].derived
    assert "1,210" in by_id["base-usa-mission"].derived and "755" in by_id["base-usa-mission"].derived
    disputed = by_id["base-usa-mission"].disputed
    assert disputed and all(figure in disputed for figure in ("1,100", "1,000", "1,200"))
    # every date that is not known to the day says how it was placed
    for e in real_log:
        if e.date_precision != "day":
            assert e.date_note, e.id
    # every baseline says it is derived
    for e in real_log:
        if e.id.startswith("base-"):
            assert e.derived, e.id


def test_the_acts_the_issue_names_are_in_the_log(real_log):
    by_id = real_log.by_id()
    x = by_id["usa-expels-35"]
    assert (x.type, x.actor, x.target, x.count, x.date, x.deadline) == (
        "DiplomatsExpelled", "USA", "RUS", 35, d("2016-12-29"), d("2017-01-01"))
    p = by_id["mfa-proposes-35"]
    assert (p.count, set(p.properties)) == (35, {"usa-serebryany-bor-dacha", "usa-dorozhnaya-warehouse"})
    votes = {(e.chamber, e.yes, e.no) for e in real_log if isinstance(e, ev.VoteHeld) and e.yes is not None}
    assert votes == {("House of Representatives", 419, 3), ("Senate", 98, 2)}
    cap = by_id["rus-caps-us-mission"]
    assert (cap.cap, cap.deadline, cap.date) == (455, d("2017-09-01"), d("2017-07-28"))
    assert by_id["putin-755-must-go"].count == 755 and by_id["putin-755-must-go"].date == d("2017-07-30")
    types = {e.type for e in real_log}
    assert {"MeetingCancelled", "MeetingHeld", "MeasureReported", "ThreatIssued", "PraiseExpressed",
            "InvolvementDenied", "ProposalDeclined", "IntentStated"} <= types


# --- the JSON contract of `diplosim state --format json` -------------------------------------------------------------

DATE = str
OPTIONAL_INT = (int, type(None))


def _check_contract(doc):
    assert set(doc) >= {"as_of", "missions", "properties", "sanctions", "open_proposals"}
    d(doc["as_of"])
    for m in doc["missions"]:
        assert isinstance(m["sending"], str) and isinstance(m["host"], str)
        # staff: an int when exact, else null beside its range; every range field is always there
        assert type(m["staff_min"]) is int and (m["staff_max"] is None or type(m["staff_max"]) is int)
        assert (m["staff"] == m["staff_min"] == m["staff_max"]) if m["staff"] is not None else (
            m["staff_max"] != m["staff_min"])
        assert m["staff_basis"] in ("reported", "derived", "assumed", "inferred", "unknown")
        assert isinstance(m["implicit"], bool) and m["head"] in (None, "present", "recalled")
        assert type(m["pending_departures"]) is int and isinstance(m["pending_max"], OPTIONAL_INT)
        assert isinstance(m["cap"], OPTIONAL_INT) and not isinstance(m["cap"], bool)
        assert m["cap_rule"] in (None, "number", "parity") and (m["cap"] is not None) == (m["cap_rule"] == "number")
        for dep in m["departures"]:
            assert (dep["deadline"] is None or d(dep["deadline"])) and isinstance(dep["deadline_assumed"], bool)
        for p in m["posts"]:
            assert isinstance(p["name"], str) and isinstance(p["kind"], str)
            assert p["status"] in ("open", "closing", "closed") and (p["effective"] is not None) == (
                p["status"] == "closing")
    for p in doc["properties"]:
        assert all(isinstance(p[k], str) for k in ("id", "name", "owner", "host", "kind"))
        assert p["status"] in ("in_use", "closing", "access_suspended", "closed", "seized", "returned")
        assert (p["becomes"] is not None) == (p["status"] == "closing") == (p["effective"] is not None)
    for x in doc["sanctions"]:
        assert all(isinstance(x[k], str) for k in ("imposer", "target", "target_country"))
        assert isinstance(x["measures"], list) and all(isinstance(m, str) for m in x["measures"])
        assert isinstance(x["authorities"], list)
        d(x["since"])
    for x in doc["designations"]:
        assert type(x["count"]) is int and x["count"] > 0 and isinstance(x["measures"], list)
    for c in doc["contacts_suspended"]:
        assert all(isinstance(c[k], str) for k in ("actor", "target", "scope", "event_id"))
    for o in doc["open_proposals"]:
        assert all(isinstance(o[k], str) for k in ("event_id", "actor", "target", "summary"))


def test_state_json_matches_the_contract_at_the_issues_date():
    out = run_cli("state", "--log", str(REAL_LOG), "--at", "2017-08-15", "--format", "json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    _check_contract(doc)
    assert doc["as_of"] == "2017-08-15"
    missions = {(m["sending"], m["host"]): m for m in doc["missions"]}
    assert (missions["USA", "RUS"]["staff"], missions["USA", "RUS"]["cap"],
            missions["USA", "RUS"]["pending_departures"]) == (1210, 455, 755)
    assert (missions["RUS", "USA"]["staff"], missions["RUS", "USA"]["cap"]) == (455, None)
    assert {p["name"]: p["status"] for p in missions["RUS", "USA"]["posts"]} == {
        "Embassy in Washington": "open", "Consulate in San Francisco": "open"}
    statuses = {p["id"]: p["status"] for p in doc["properties"]}
    assert statuses == {"rus-maryland-compound": "closed", "rus-new-york-compound": "closed",
                        "usa-serebryany-bor-dacha": "seized", "usa-dorozhnaya-warehouse": "seized"}
    assert len(doc["sanctions"]) == 9 and {x["since"] for x in doc["sanctions"]} == {"2016-12-29"}
    assert [o["event_id"] for o in doc["open_proposals"]] == ["putin-more-measures-possible"]


def test_state_json_contract_holds_at_every_event_date(real_log):
    for date in sorted({e.date for e in real_log}):
        doc = json.loads(json.dumps(state_json(fold(real_log, until=date))))
        _check_contract(doc)
        assert doc["as_of"] == date.isoformat()


def test_state_json_contract_holds_on_the_made_up_uncertain_log():
    log = load_log(ROOT / "tests" / "fixtures" / "uncertain.toml")
    uncertain = 0
    for date in sorted({e.date for e in log} | {d("2030-04-01"), d("2030-04-16")}):
        doc = json.loads(json.dumps(state_json(fold(log, until=date))))
        _check_contract(doc)
        uncertain += sum(m["staff"] is None for m in doc["missions"])
    assert uncertain > 0

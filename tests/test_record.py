"""``diplosim record DB VERB``: the command side on a store.  Flags become a command, the command is decided against
the stream's current state, and the events it gives are appended at the version that state was read at."""
from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import REAL_LOG, d
from test_store_cli import digest, fails, ok

from diplosim.core import events as ev
from diplosim.core.log import load_log
from diplosim.store import open_store

SRC = ("--source", "https://example.org/report")


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "my.db")
    ok("store", "init", path)
    ok("store", "import", path, str(REAL_LOG))
    return path


def last(db: str) -> ev.Event:
    with open_store(db, readonly=True) as s:
        return list(s.read("main"))[-1]


def test_record_expel_is_checked_appended_and_seen_by_state(db, real_log):
    out = ok("record", db, "expel", "--actor", "USA", "--target", "RUS", "--count", "60", "--date", "2018-03-26",
             "--deadline", "2018-04-02", *SRC, "--summary", "sixty expelled", installed=True)
    assert out == f"recorded 2018-03-26-usa-expels-rus in 'main' (version {len(real_log) + 1})\n"
    assert last(db) == ev.DiplomatsExpelled(id="2018-03-26-usa-expels-rus", date=d("2018-03-26"), actor="USA",
                                            target="RUS", count=60, deadline=d("2018-04-02"),
                                            summary="sixty expelled", sources=(SRC[1],))
    state = json.loads(ok("state", "--store", db, "--at", "2018-04-03", "--format", "json"))
    [rus] = [m for m in state["missions"] if m["sending"] == "RUS"]
    assert rus["staff"] == 455 - 60
    # the same act again gets an id of its own
    again = ok("record", db, "expel", "--actor", "USA", "--target", "RUS", "--count", "1", "--date", "2018-03-26",
               "--deadline", "2018-04-02", *SRC)
    assert again.startswith("recorded 2018-03-26-usa-expels-rus-2 ")


# (verb, flags, the event it must append): a sequence that is legal on the real log, in this order
SEQUENCE = [
    ("cap", ["--actor", "USA", "--target", "RUS", "--cap", "400", "--deadline", "2018-05-01"],
     ev.MissionCapped, {"cap": 400, "deadline": d("2018-05-01")}),
    ("lift-cap", ["--actor", "USA", "--target", "RUS"], ev.MissionCapLifted, {}),
    ("assign-staff", ["--actor", "RUS", "--target", "USA", "--count", "10"], ev.StaffAssigned, {"count": 10}),
    ("close-post", ["--actor", "USA", "--target", "RUS", "--post", "Consulate in San Francisco"], ev.PostClosed,
     {"post": "Consulate in San Francisco"}),
    ("return-property", ["--actor", "RUS", "--target", "USA", "--property", "usa-serebryany-bor-dacha"],
     ev.PropertyReturned, {"property": "usa-serebryany-bor-dacha"}),
    ("suspend-property", ["--actor", "RUS", "--target", "USA", "--property", "usa-serebryany-bor-dacha"],
     ev.PropertyAccessSuspended, {"property": "usa-serebryany-bor-dacha"}),
    ("close-property", ["--actor", "RUS", "--target", "USA", "--property", "usa-serebryany-bor-dacha"],
     ev.PropertyClosed, {"property": "usa-serebryany-bor-dacha"}),
    ("seize-property", ["--actor", "RUS", "--target", "USA", "--property", "usa-serebryany-bor-dacha"],
     ev.PropertySeized, {"property": "usa-serebryany-bor-dacha"}),
    ("sanction", ["--actor", "USA", "--target", "RUS", "--on", "Example Bank", "--on", "A. Person", "--kind",
                  "person", "--measure", "asset freeze", "--legal-basis", "E.O. 13660"], ev.SanctionsImposed,
     {"targets": (ev.SanctionTarget("Example Bank", "person"), ev.SanctionTarget("A. Person", "person")),
      "measures": ("asset freeze",), "legal_basis": "E.O. 13660"}),
    ("lift-sanctions", ["--actor", "USA", "--target", "RUS", "--on", "Example Bank"], ev.SanctionsLifted,
     {"targets": ("Example Bank",)}),
]


def test_every_verb_records_its_event(db, real_log):
    version = len(real_log)
    for day, (verb, flags, cls, fields) in enumerate(SEQUENCE, start=1):
        date = f"2018-04-{day:02d}"
        out = ok("record", db, verb, *flags, "--date", date, *SRC)
        version += 1
        assert out.endswith(f" in 'main' (version {version})\n"), out
        e = last(db)
        assert type(e) is cls and e.date == d(date) and e.sources == (SRC[1],)
        assert {k: getattr(e, k) for k in fields} == fields
    with open_store(db, readonly=True) as s:
        assert s.verify()["events"] == version


def test_record_event_takes_any_type_with_set_and_json(db, real_log):
    out = ok("record", db, "event", "--type", "ThreatIssued", "--actor", "RUS", "--target", "USA", "--date",
             "2018-03-27", "--set", "count=60", "--set", "summary=sixty, or more", *SRC)
    assert out.startswith("recorded 2018-03-27-rus-threat-issued-usa ")
    assert last(db) == ev.ThreatIssued(id="2018-03-27-rus-threat-issued-usa", date=d("2018-03-27"), actor="RUS",
                                       target="USA", count=60, summary="sixty, or more", sources=(SRC[1],))
    ok("record", db, "event", "--type", "MeetingHeld", "--actor", "USA", "--target", "RUS", "--date", "2018-07-16",
       "--json", '{"place": "Helsinki", "participants": ["Trump", "Putin"], "id": "helsinki"}', *SRC)
    assert last(db).id == "helsinki" and last(db).participants == ("Trump", "Putin")
    # a reply that resolves the threat
    ok("record", db, "expel", "--actor", "RUS", "--target", "USA", "--count", "60", "--date", "2018-07-20",
       "--deadline", "2018-07-30", "--resolves", "2018-03-27-rus-threat-issued-usa", *SRC)
    with open_store(db, readonly=True) as s:
        assert "2018-03-27-rus-threat-issued-usa" not in s.state_at("main").open_items


@pytest.mark.parametrize("args,where", [
    (["expel", "--actor", "USA", "--target", "RUS", "--count", "60", "--date", "2018-03-26", "--deadline",
      "2018-04-02"], "the following arguments are required: --source"),
    (["expel", "--actor", "USA", "--target", "RUS", "--count", "6000", "--date", "2018-03-26", "--deadline",
      "2018-04-02", *SRC], "event 2018-03-26-usa-expels-rus breaks rule 'no one expelled who is not there'"),
    (["expel", "--actor", "USA", "--target", "RUS", "--count", "6", "--date", "2017-01-01", "--deadline",
      "2017-01-02", *SRC], "breaks rule 'events in a log are in date order'"),
    (["expel", "--actor", "USA", "--target", "SUN", "--count", "6", "--date", "2018-03-26", "--deadline",
      "2018-04-02", *SRC], "unknown country code 'SUN'"),
    (["expel", "--actor", "USA", "--target", "RUS", "--count", "six", "--date", "2018-03-26", "--deadline",
      "2018-04-02", *SRC], "argument --count: want a whole number, got 'six'"),
    (["seize-property", "--actor", "RUS", "--target", "USA", "--property", "nowhere", "--date", "2018-03-26", *SRC],
     "a property must be registered before it is acted on"),
    (["lift-cap", "--actor", "RUS", "--target", "USA", "--date", "2018-03-26", "--source", "hearsay"],
     "source 'hearsay' is not a seed file name"),
    (["lift-cap", "--actor", "RUS", "--target", "USA", "--date", "2018-03-26", "--expected-version", "3", *SRC],
     f"stream 'main' is at version {len(load_log(REAL_LOG).events)}, not 3: someone else appended meanwhile"),
    (["lift-cap", "--actor", "RUS", "--target", "USA", "--date", "2018-03-26", "--id", "usa-expels-35", *SRC],
     "already in stream 'main'"),
    (["event", "--type", "ThreatIssued", "--actor", "RUS", "--target", "USA", "--date", "2018-03-27", "--set",
      "count=many", *SRC], "ThreatIssued: want a whole number"),
    (["event", "--type", "Defenestration", "--actor", "RUS", "--date", "2018-03-27", *SRC],
     "unknown event type 'Defenestration'"),
    (["event", "--type", "ThreatIssued", "--json", "{not json", *SRC], "--json: malformed JSON"),
    (["event", "--type", "ThreatIssued", "--actor", "RUS", "--target", "USA", "--date", "2018-03-27"],
     "names no source"),
])
def test_a_bad_record_is_one_line_exit_2_and_the_store_unchanged(db, args, where):
    before = digest(db)
    fails("record", db, *args, where=where)
    assert digest(db) == before
    with open_store(db, readonly=True) as s:
        assert s.verify()["events"] == len(load_log(REAL_LOG).events)     # the imported log, nothing more


def test_record_into_a_missing_store_or_stream(tmp_path, db):
    fails("record", str(tmp_path / "none.db"), "lift-cap", "--actor", "RUS", "--target", "USA", "--date",
          "2018-03-26", *SRC, where="none.db: no such store")
    assert not (tmp_path / "none.db").exists()
    # a new stream starts from an empty state: there is no mission whose cap could be lifted
    fails("record", db, "lift-cap", "--stream", "fresh", "--actor", "USA", "--target", "RUS", "--date",
          "2018-03-26", *SRC, where="a mission must exist before it is acted on")
    c = sqlite3.connect(db)
    assert c.execute("SELECT name FROM streams").fetchall() == [("main",)]
    c.close()

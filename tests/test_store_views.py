"""The store's read-only SQL views, read with plain ``sqlite3`` as any tool would: events with named fields, streams
with their heads, the shapes position by position; a store made before the views gets them when opened for writing,
and stays openable and sound without them until then."""
from __future__ import annotations

import datetime
import hashlib
import json
import sqlite3
from pathlib import Path

import attrs
import pytest

from diplosim.core.errors import InputError
from diplosim.core.log import default_log_path, load_log
from diplosim.store import codec, open_store

VIEWS = ("event_view", "stream_view", "shape_view")


def plain(x):
    """A value as its JSON form: records as objects of all their fields, tuples as arrays, dates as ISO text."""
    if attrs.has(type(x)):
        return {f.name: plain(getattr(x, f.name)) for f in attrs.fields(type(x))}
    if isinstance(x, (tuple, list)):
        return [plain(v) for v in x]
    if isinstance(x, datetime.date):
        return x.isoformat()
    return x


def digest(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def log():
    return load_log(default_log_path())


@pytest.fixture
def db(tmp_path, log):
    path = str(tmp_path / "my.db")
    with open_store(path) as s:
        s.append("main", log.events)
    return path


def rows(path: str, sql: str, *params) -> list[dict]:
    c = sqlite3.connect(path)
    try:
        cur = c.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]
    finally:
        c.close()


def test_event_view_shows_a_known_event_by_name(db):
    [row] = rows(db, "SELECT * FROM event_view WHERE event_id = 'usa-expels-35'")
    assert list(row) == ["stream", "version", "event_id", "type", "date", "actor", "target", "summary", "sources",
                         "fields", "type_version", "position"]
    assert (row["stream"], row["event_id"], row["type"], row["date"], row["actor"], row["target"]) == \
        ("main", "usa-expels-35", "DiplomatsExpelled", "2016-12-29", "USA", "RUS")
    assert row["summary"].startswith("The State Department declares 35 Russian diplomats persona non grata")
    sources = json.loads(row["sources"])
    from diplosim.core.log import load_log, seed_log_path
    assert sources == list(load_log(seed_log_path()).by_id()["usa-expels-35"].sources)  # every one, in order
    fields = json.loads(row["fields"])
    assert fields["count"] == 35 and fields["deadline"] == "2017-01-01"
    assert fields["from_posts"] == ["Embassy in Washington", "Consulate in San Francisco"]
    assert fields["by"] == "US State Department"
    assert list(fields)[:3] == ["count", "deadline", "from_posts"]  # in the shape's order


def test_event_view_names_every_stored_value_of_every_event(db, log):
    """Each event's ``fields`` holds the values of the event under their names (records inside tuples as objects);
    what it leaves out is the tail of fields at their defaults that the payload does not store."""
    found = {r["event_id"]: r for r in rows(db, "SELECT * FROM event_view ORDER BY version")}
    assert list(found) == [e.id for e in log.events]
    for e in log.events:
        r = found[e.id]
        fields = json.loads(r["fields"])
        shape = [name for name, _kind in json.loads(codec.event_codec(e.type).shape)]
        assert list(fields) == shape[:len(fields)], e.id
        assert fields == {name: plain(getattr(e, name)) for name in fields}, e.id
        defaults = {f.name: f.default for f in attrs.fields(type(e))}
        for name in shape[len(fields):]:
            default = defaults[name]
            assert getattr(e, name) == (default.factory() if isinstance(default, attrs.Factory) else default)
        assert (r["type"], r["date"], r["actor"], r["target"], r["summary"]) == \
            (e.type, e.date.isoformat(), e.actor, e.target, e.summary)
        assert json.loads(r["sources"]) == list(e.sources)
    sanctions = json.loads(found["usa-sanctions-nine"]["fields"])["targets"]
    assert sanctions[0] == {"name": "GRU (Main Intelligence Directorate)", "kind": "agency", "country": "RUS"}


def test_booleans_stay_booleans(tmp_path):
    from diplosim.tooling import synthetic

    events = [e for e in synthetic.generate(400, n_countries=5, seed=3)]
    path = str(tmp_path / "s.db")
    with open_store(path) as s:
        s.append("main", events)
    votes = rows(path, "SELECT event_id, fields FROM event_view WHERE type = 'VoteHeld'")
    assert votes
    by_id = {e.id: e for e in events}
    for v in votes:
        assert json.loads(v["fields"])["passed"] is by_id[v["event_id"]].passed


def test_stream_view_and_shape_view(db, log):
    with open_store(db) as s:
        s.append("other", log.events[:2])
        head = s.head("main")
    assert rows(db, "SELECT * FROM stream_view") == [
        {"stream": "main", "events": len(log), "first_date": "2016-12-28", "last_date": log.events[-1].date.isoformat(),
         "snapshots": 0, "head": head, "title": "", "description": ""},
        {"stream": "other", "events": 2, "first_date": "2016-12-28", "last_date": log.events[1].date.isoformat(),
         "snapshots": 0, "head": rows(db, "SELECT lower(hex(head)) AS h FROM streams WHERE name = 'other'")[0]["h"],
         "title": "", "description": ""}]
    shape = rows(db, "SELECT position, field, kind FROM shape_view WHERE type = 'DiplomatsExpelled' ORDER BY position")
    assert [(r["field"], r["kind"]) for r in shape][:3] == [("count", "int"), ("deadline", '{"optional":"date"}'),
                                                            ("from_posts", '{"tuple":"str"}')]
    assert [r["position"] for r in shape] == list(range(len(shape)))


def test_an_event_of_an_older_shape_shows_the_names_of_its_version(db):
    c = sqlite3.connect(db, isolation_level=None)
    c.execute("INSERT INTO shapes VALUES ('DiplomatsExpelled', 0, ?)",
              (json.dumps([["number", "int"], ["actor", "str"], ["sources", {"tuple": "str"}]]),))
    c.execute("INSERT INTO events (stream, version, event_id, type, type_version, date, payload, hash) "
              "VALUES (1, 999, 'old', 'DiplomatsExpelled', 0, '2015-01-01', '[3,\"USA\",[\"x\"]]', zeroblob(32))")
    # and an event whose shape is not recorded (a damaged store) is still listed, with nothing named
    c.execute("INSERT INTO events (stream, version, event_id, type, type_version, date, payload, hash) "
              "VALUES (1, 1000, 'shapeless', 'DiplomatsExpelled', 7, '2015-01-02', '[4]', zeroblob(32))")
    c.close()
    [row] = rows(db, "SELECT actor, sources, fields FROM event_view WHERE event_id = 'old'")
    assert row == {"actor": "USA", "sources": '["x"]', "fields": '{"number":3,"actor":"USA","sources":["x"]}'}
    [row] = rows(db, "SELECT version, actor, fields FROM event_view WHERE event_id = 'shapeless'")
    assert row == {"version": 1000, "actor": None, "fields": "{}"}


def test_the_views_are_read_only(db):
    c = sqlite3.connect(db)
    for view in VIEWS:
        with pytest.raises(sqlite3.OperationalError, match="view"):
            c.execute(f"DELETE FROM {view}")
    with pytest.raises(sqlite3.OperationalError, match="view"):
        c.execute("UPDATE event_view SET actor = 'RUS'")
    c.close()


def test_a_store_made_before_the_views_opens_verifies_and_gets_them_when_opened_for_writing(db, log):
    c = sqlite3.connect(db, isolation_level=None)
    for view in VIEWS:
        c.execute(f"DROP VIEW {view}")
    c.close()
    before = digest(db)
    with open_store(db, readonly=True) as s:  # read-only: nothing is written, and the store is sound
        assert s.verify()["events"] == len(log)
        assert list(s.read("main")) == list(log.events)
    assert digest(db) == before
    assert not rows(db, "SELECT name FROM sqlite_master WHERE type = 'view' AND name LIKE '%_view'")
    with open_store(db) as s:  # the schema version is the same: the views are only added
        assert s.meta["schema_version"] == "1"
        assert s.verify()["events"] == len(log)
    assert sorted(r["name"] for r in rows(db, "SELECT name FROM sqlite_master WHERE type = 'view'")) == \
        ["event_log", *sorted(VIEWS)]
    assert rows(db, "SELECT actor FROM event_view WHERE event_id = 'usa-expels-35'") == [{"actor": "USA"}]
    with open_store(db) as s:
        s.append("main", [])  # and it goes on as any store


def test_verify_notices_a_view_changed_outside_diplosim(db):
    c = sqlite3.connect(db, isolation_level=None)
    c.execute("DROP VIEW event_view")
    c.execute("CREATE VIEW event_view AS SELECT event_id FROM events")
    c.close()
    with open_store(db, readonly=True) as s, pytest.raises(InputError, match="view event_view is not the one"):
        s.verify()


def test_a_view_of_another_form_is_reported_by_verify_and_remade_by_a_write_open(db):
    """A store made by an earlier diplosim holds its views as they were then: verify says so and how to mend it;
    opening the store for writing remakes them (they hold no data), after which it verifies and reads by name."""
    c = sqlite3.connect(db, isolation_level=None)
    c.execute("DROP VIEW event_view")
    c.execute("CREATE VIEW event_view AS SELECT 1 AS stream")
    c.close()
    with open_store(db, readonly=True) as s:
        with pytest.raises(InputError, match="view event_view is not the one diplosim made.*remakes its views"):
            s.verify()
    with open_store(db) as s:
        s.verify()
    [row] = rows(db, "SELECT event_id, fields FROM event_view WHERE event_id = 'usa-expels-35'")
    assert json.loads(row["fields"])["count"] == 35

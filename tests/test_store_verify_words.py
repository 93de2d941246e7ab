"""What `verify` says of each kind of damage, word for word (README: verify names the first problem; a store changed
outside diplosim is refused in one line), and what it counts; written in one systematic pass over verify.py
(issue #13).  The store is changed here with plain SQLite, the append-only triggers put back as diplosim makes
them, so that verify's words about the events are the ones it reaches."""
from __future__ import annotations

import sqlite3

import pytest
from store_writer import event_at

from diplosim.core.errors import InputError
from diplosim.store import open_store


@pytest.fixture
def db(tmp_path) -> str:
    path = str(tmp_path / "s.db")
    with open_store(path, snapshot_every=2) as s:
        s.append("main", [event_at(i) for i in range(6)])
        s.append("other", [event_at(i) for i in range(3)])
    return path


def _tamper(db: str, *statements: tuple) -> None:
    c = sqlite3.connect(db, isolation_level=None)
    triggers = [sql for (sql,) in c.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")]
    c.execute("DROP TRIGGER events_append_only_update")
    c.execute("DROP TRIGGER events_append_only_delete")
    for sql, *params in statements:
        c.execute(sql, *params)
    for sql in triggers:
        c.execute(sql)
    c.close()


def _said(db: str) -> str:
    with open_store(db, readonly=True) as s, pytest.raises(InputError) as info:
        s.verify()
    return str(info.value)


def _one(db: str, sql: str, *params):
    c = sqlite3.connect(db)
    try:
        return c.execute(sql, params).fetchone()
    finally:
        c.close()


def test_a_sound_store_counts_its_streams_events_snapshots_and_heads(db):
    snapshots = _one(db, "SELECT count(*) FROM snapshots")[0]
    with open_store(db, readonly=True) as s:
        assert snapshots >= 2
        assert s.verify(heads=True) == {"streams": 2, "events": 9, "snapshots": snapshots,
                                        "heads": {"main": s.head("main"), "other": s.head("other")}}


def test_an_event_of_no_stream_is_named_by_its_position(db):
    position = _one(db, "SELECT position FROM events WHERE event_id = 'e-1' AND stream = "
                        "(SELECT id FROM streams WHERE name = 'other')")[0]
    _tamper(db, ("UPDATE events SET stream = 99 WHERE position >= ?", (position,)))
    assert _said(db) == f"{db}: the event at position {position} belongs to no stream: inserted"


def test_an_event_of_a_type_version_never_recorded_is_named(db):
    kind = _one(db, "SELECT type FROM events WHERE event_id = 'e-2'")[0]
    _tamper(db, ("UPDATE events SET type_version = 9 WHERE event_id = 'e-2' AND version = 3",))
    assert _said(db) == f"{db}: event 'e-2' (stream 'main', version 3): no shape for {kind} version 9: edited"


def test_a_deleted_event_is_named_with_the_one_after_it(db):
    _tamper(db, ("DELETE FROM events WHERE version = 4 AND event_id = 'e-3'",))
    assert _said(db) == (f"{db}: stream 'main': the event at version 4 is missing (deleted): the chain breaks before "
                         f"event 'e-4' (stream 'main', version 5)")


def test_deleted_last_events_are_counted_from_the_last_one_left(db):
    _tamper(db, ("DELETE FROM events WHERE version > 4 AND event_id IN ('e-4', 'e-5')",))
    assert _said(db) == f"{db}: stream 'main': the events after version 4 are missing (deleted): the stream records 6"


def test_a_recorded_head_past_the_events_is_an_edit(db):
    _tamper(db, ("UPDATE streams SET version = 5 WHERE name = 'main'",))
    assert _said(db) == f"{db}: stream 'main': its recorded head (version 5) does not match its last event (version 6): " \
                        f"edited"


def test_a_recorded_head_hash_that_is_not_the_last_event_s_is_an_edit(db):
    _tamper(db, ("UPDATE streams SET head = zeroblob(32) WHERE name = 'main'",))
    assert _said(db) == f"{db}: stream 'main': its recorded head (version 6) does not match its last event (version 6): " \
                        f"edited"


def test_an_edited_snapshot_is_named_by_its_version(db):
    version = _one(db, "SELECT min(version) FROM snapshots WHERE stream = (SELECT id FROM streams WHERE name = 'main')")[0]
    _tamper(db, ("UPDATE snapshots SET body = body || x'00' WHERE version = ? AND stream = "
                 "(SELECT id FROM streams WHERE name = 'main')", (version,)))
    assert _said(db) == f"{db}: stream 'main': the snapshot at version {version} does not match the events before it: " \
                        f"edited"


# --- the schema: missing, changed, added ---------------------------------------------------------------------------

def test_a_changed_trigger_is_named_without_the_hint_about_views(db):
    _tamper(db)
    c = sqlite3.connect(db, isolation_level=None)
    c.execute("DROP TRIGGER events_append_only_delete")
    c.execute("CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events BEGIN SELECT 1; END")
    c.close()
    assert _said(db) == f"{db}: the store's trigger events_append_only_delete is not the one diplosim made: changed " \
                        f"outside diplosim"


def test_a_dropped_trigger_is_missing(db):
    c = sqlite3.connect(db, isolation_level=None)
    c.execute("DROP TRIGGER events_append_only_delete")
    c.close()
    assert _said(db) == f"{db}: the store's trigger events_append_only_delete is missing: changed outside diplosim"


def test_views_a_store_lacks_come_with_a_write_and_read_only_verify_does_not_mind(db):
    # schema.missing_views: a store made before the views lacks them until it is opened for writing (event_log
    # is older: every store has it)
    c = sqlite3.connect(db, isolation_level=None)
    c.execute("DROP VIEW event_view")
    c.execute("DROP VIEW stream_view")
    c.close()
    with open_store(db, readonly=True) as s:
        assert s.verify()["events"] == 9
    with open_store(db) as s:
        assert s.verify()["events"] == 9
    assert _one(db, "SELECT count(*) FROM sqlite_master WHERE type = 'view' AND name IN ('event_view', 'stream_view')") \
        == (2,)
    c = sqlite3.connect(db, isolation_level=None)
    c.execute("DROP VIEW event_log")
    c.close()
    assert _said(db) == f"{db}: the store's view event_log is missing: changed outside diplosim"


def test_of_two_things_added_the_first_by_kind_and_name_is_named(db):
    c = sqlite3.connect(db, isolation_level=None)
    c.execute("CREATE VIEW aa AS SELECT 1")
    c.execute("CREATE INDEX zz ON events (date)")
    c.execute("CREATE INDEX yy ON events (date)")
    c.close()
    assert _said(db) == f"{db}: the store has a index yy diplosim did not make: changed outside diplosim"


# --- reading a damaged stream: the first row missing or unreadable is named (read.py) -------------------------------

@pytest.mark.parametrize("gone", [1, 3, 6])
def test_a_read_names_the_first_missing_version(db, gone):
    _tamper(db, ("DELETE FROM events WHERE version = ? AND stream = (SELECT id FROM streams WHERE name = 'main')",
                 (gone,)))
    with open_store(db, readonly=True) as s, pytest.raises(InputError) as info:
        list(s.read("main", page=4))
    assert str(info.value) == f"{db}: stream 'main': the event at version {gone} is missing (run `diplosim verify`)"


def test_a_read_names_a_row_that_cannot_be_read(db):
    _tamper(db, ("UPDATE events SET payload = '[' WHERE version = 3 AND stream = "
                 "(SELECT id FROM streams WHERE name = 'main')",))
    with open_store(db, readonly=True) as s, pytest.raises(InputError) as info:
        list(s.read("main"))
    said = str(info.value)
    assert said.startswith(f"{db}: stored event 'e-2' (stream 'main', version 3) cannot be read: ")
    assert said.endswith(" (run `diplosim verify`)")
    with open_store(db, readonly=True) as s:  # the rows before it read as stored
        assert [e.id for e in s.read("main", to_version=2)] == ["e-0", "e-1"]


def test_a_read_after_a_version_and_up_to_another_gives_exactly_those(db):
    with open_store(db, readonly=True) as s:
        assert [e.id for e in s.read("main", 2, to_version=5, page=2)] == ["e-2", "e-3", "e-4"]
        assert [e.id for e in s.read("main", 4, to_version=99)] == ["e-4", "e-5"]
        assert list(s.read("main", 6)) == [] and list(s.read("main", 3, to_version=3)) == []


def test_a_read_names_a_stored_event_of_a_type_this_diplosim_does_not_know(db):
    _tamper(db, ("INSERT INTO shapes (type, type_version, shape) SELECT 'Nope', type_version, shape FROM shapes "
                 "WHERE type = (SELECT type FROM events WHERE event_id = 'e-2' AND version = 3)",),
            ("UPDATE events SET type = 'Nope' WHERE event_id = 'e-2' AND version = 3",))
    with open_store(db, readonly=True) as s, pytest.raises(InputError) as info:
        list(s.read("main"))
    assert str(info.value) == (f"{db}: stored event 'e-2' (stream 'main', version 3) cannot be read: unknown event type "
                               f"'Nope' (run `diplosim verify`)")


def test_sqlite_s_integrity_check_is_told_by_its_first_problem_on_one_line(db):
    class Reporting:  # the store's connection, with SQLite's integrity check made to find two problems
        def __init__(self, conn):
            self.conn = conn

        def execute(self, sql, *args):
            if sql.startswith("PRAGMA integrity_check"):
                return self.conn.execute("SELECT ? UNION ALL SELECT ?",
                                         ("*** in database main ***\nPage 5:  btree page  damaged", "Page 9: other"))
            return self.conn.execute(sql, *args)

        def __getattr__(self, name):
            return getattr(self.conn, name)

    with open_store(db, readonly=True) as s:
        real = s._ctx.conn
        s._ctx.conn = Reporting(real)
        try:
            with pytest.raises(InputError) as info:
                s.verify()
        finally:
            s._ctx.conn = real
    assert str(info.value) == f"{db}: damaged store: SQLite integrity check: Page 5: btree page damaged"


def test_an_edited_snapshot_of_a_later_stream_is_named_by_its_version_not_its_place_in_the_file(tmp_path):
    # a stream written after another: its events' places in the file run ahead of their versions, and verify names
    # the snapshot by the version of the stream it belongs to
    path = str(tmp_path / "two.db")
    with open_store(path, snapshot_every=2) as s:
        s.append("first", [event_at(i) for i in range(5)])
        s.append("main", [event_at(i) for i in range(6)])
    sid = "(SELECT id FROM streams WHERE name = 'main')"
    version = _one(path, f"SELECT min(version) FROM snapshots WHERE stream = {sid}")[0]
    place = _one(path, f"SELECT position FROM events WHERE stream = {sid} AND version = ?", version)[0]
    assert place != version  # or the test could not tell the two apart
    _tamper(path, (f"UPDATE snapshots SET body = body || x'00' WHERE version = ? AND stream = {sid}", (version,)))
    assert _said(path) == f"{path}: stream 'main': the snapshot at version {version} does not match the events " \
                         f"before it: edited"


def test_the_last_event_deleted_alone_is_told_as_missing(db):
    # one event gone from the end (the recorded head still at 6): missing after version 5, not an edit
    _tamper(db, ("DELETE FROM events WHERE version = 6 AND stream = (SELECT id FROM streams WHERE name = 'main')",))
    assert _said(db) == f"{db}: stream 'main': the events after version 5 are missing (deleted): the stream records 6"

"""The event store as a library: append and read, optimistic concurrency, rules on append, idempotent import,
snapshots and time travel, schema evolution (upcasting), integrity (the hash chain) and refusing bad files."""
from __future__ import annotations

import datetime
import hashlib
import sqlite3
import tempfile
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from diplosim.store import codec

from diplosim.store import facade as store_module
from diplosim.core import events as ev
from diplosim.core.errors import DiplosimError, InputError, RuleViolation
from diplosim.core.fold import fold
from diplosim.core.log import event_from_dict, event_to_dict
from diplosim.store import ConcurrencyError, Store, open_store

from conftest import d
from gen import any_event, valid_logs
from store_writer import event_at

SRC = ("public record: test",)


def expel(id: str, date: str, count: int, actor="USA", target="RUS") -> ev.DiplomatsExpelled:
    day = d(date)
    return ev.DiplomatsExpelled(id=id, date=day, actor=actor, target=target, count=count,
                                deadline=day + datetime.timedelta(days=3), sources=SRC)


def raw(path) -> sqlite3.Connection:
    """A plain SQLite connection for tampering, with the append-only triggers dropped (verify notices that too, but
    only after the events: the tests below see what it says about the events)."""
    c = sqlite3.connect(path, isolation_level=None)
    c.execute("DROP TRIGGER IF EXISTS events_append_only_update")
    c.execute("DROP TRIGGER IF EXISTS events_append_only_delete")
    return c


def restore_triggers(c: sqlite3.Connection) -> None:
    for statement in store_module._split_sql(store_module._SCHEMA):
        if statement.startswith("CREATE TRIGGER"):
            c.execute(statement)


def digest(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "s.db")


@pytest.fixture
def real_store(db, real_log):
    with open_store(db, snapshot_every=10) as s:
        s.import_events("main", real_log.events, title=real_log.title, description=real_log.description)
    return db


# --- append and read --------------------------------------------------------------------------------------------------


def test_append_returns_versions_and_reads_back_the_same_events(db, real_log):
    events = list(real_log.events)
    with open_store(db) as s:
        assert s.append("main", events[:10], expected_version=0) == 10
        assert s.append("main", events[10:]) == len(events)
        assert list(s.read("main")) == events
        assert list(s.read("main", after=10)) == events[10:]
        assert s.stream_names() == ["main"] and s.version("main") == len(events)
    with open_store(db, must_exist=True, readonly=True) as s:  # and after reopening
        assert list(s.read(s.default_stream())) == events


def test_reading_in_pages_of_any_size_gives_the_same_events(db, real_log):
    with open_store(db) as s:
        s.append("main", real_log.events)
        for page in (1, 2, 7, 1000):
            assert list(s.read("main", page=page)) == list(real_log.events)
        until = d("2017-01-01")
        assert list(s.read("main", until=until, page=3)) == [e for e in real_log.events if e.date <= until]


def test_reading_memory_stays_flat_as_the_stream_grows(tmp_path):
    """Peak memory of reading a stream (events discarded as read) does not grow with its length."""
    peaks = {}
    for n in (4_000, 16_000):
        path = str(tmp_path / f"{n}.db")
        with open_store(path) as s:
            for i in range(0, n, 2000):
                s.append("main", [event_at(j) for j in range(i, i + 2000)])
        with open_store(path, readonly=True) as s:
            tracemalloc.start()
            count = sum(1 for _ in s.read("main", page=500))
            peaks[n] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        assert count == n
    assert peaks[16_000] < 1.5 * peaks[4_000], peaks


def test_streams_are_independent_and_the_default_is_main_or_the_only_one(db, real_log):
    with open_store(db) as s:
        s.append("other", real_log.events[:5])
        assert s.default_stream() == "other"
        s.append("main", real_log.events[:3])
        assert s.default_stream() == "main"
        assert [r["events"] for r in s.streams()] == [5, 3]
        with pytest.raises(InputError, match="no stream 'nope'"):
            list(s.read("nope"))


def test_default_stream_with_several_and_no_main_asks_to_choose(db, real_log):
    with open_store(db) as s:
        s.append("a", real_log.events[:2])
        s.append("b", real_log.events[:2])
        with pytest.raises(InputError, match="choose one with --stream"):
            s.default_stream()


# --- optimistic concurrency --------------------------------------------------------------------------------------------


def test_a_stale_expected_version_is_a_concurrency_error_and_writes_nothing(db, real_log):
    events = list(real_log.events)
    with open_store(db) as a, open_store(db) as b:
        a.append("main", events[:5], expected_version=0)
        seen = b.version("main")
        a.append("main", events[5:8], expected_version=5)
        with pytest.raises(ConcurrencyError) as info:
            b.append("main", events[8:10], expected_version=seen)
        assert isinstance(info.value, DiplosimError)
        assert (info.value.expected, info.value.actual) == (5, 8)
        assert "at version 8, not 5" in str(info.value)
        assert list(b.read("main")) == events[:8]
        with pytest.raises(ConcurrencyError):
            b.append("fresh", events[:1], expected_version=3)
        assert b.append("main", events[8:10], expected_version=8) == 10


def test_rules_are_checked_against_what_other_connections_appended(db, real_log):
    """Each connection keeps the stream's state between appends; when another one appended meanwhile, the state
    catches up before the rules are checked."""
    base = [e for e in real_log.events if e.id in ("base-rus-mission", "base-usa-mission")]
    with open_store(db) as a, open_store(db) as b:
        a.append("main", base)  # the Russian mission in the US: 490
        b.append("main", [expel("x1", "2017-01-01", 100)])
        with pytest.raises(RuleViolation) as info:
            a.append("main", [expel("x2", "2017-01-02", 400)])  # only 390 are left
        assert info.value.event_id == "x2"
        a.append("main", [expel("x3", "2017-01-02", 390)])
        with pytest.raises(RuleViolation):
            b.append("main", [expel("x4", "2017-01-02", 1)])
        assert [e.id for e in a.read("main")][-2:] == ["x1", "x3"]


def test_a_batch_that_breaks_a_rule_is_not_written_at_all(db, real_log):
    base = list(real_log.events[:2])
    with open_store(db) as s:
        s.append("main", base)
        with pytest.raises(RuleViolation) as info:
            s.append("main", [expel("ok1", "2017-01-01", 10), expel("bad", "2017-01-01", 10_000)])
        assert info.value.event_id == "bad"
        assert s.version("main") == 2
        s.append("main", [expel("ok1", "2017-01-01", 10)])  # the state was not left half-applied
        assert s.state_at("main", d("2017-01-01")).missions["RUS", "USA"].pending_departures == 10


def test_an_event_id_is_used_once_per_stream(db, real_log):
    with open_store(db) as s:
        s.append("main", real_log.events[:2])
        same_id = ev.StatementMade(id=real_log.events[0].id, date=d("2017-01-01"), actor="RUS", target="USA",
                                   sources=SRC)
        with pytest.raises(RuleViolation, match="already in stream 'main' at version 1") as info:
            s.append("main", [same_id])
        assert info.value.event_id == same_id.id
        with pytest.raises(RuleViolation, match="twice in this batch"):
            s.append("main", [expel("x", "2017-01-01", 1), expel("x", "2017-01-01", 1)])
        assert s.version("main") == 2
        s.append("other", real_log.events[:1])  # another stream may hold the same id


def test_events_that_no_log_file_could_hold_are_refused(db):
    bad_country = ev.StatementMade(id="s", date=d("2017-01-01"), actor="ZZZ", target="USA", sources=SRC)
    no_source = ev.StatementMade(id="s", date=d("2017-01-01"), actor="RUS", target="USA")
    with open_store(db) as s:
        with pytest.raises(InputError, match="unknown country code 'ZZZ'"):
            s.append("main", [bad_country])
        with pytest.raises(InputError, match="names no source"):
            s.append("main", [no_source])
        with pytest.raises(InputError, match="not an event"):
            s.append("main", [{"id": "x"}])
        with pytest.raises(InputError, match="bad stream name"):
            s.append("", [])
        assert s.stream_names() == []


# --- import ----------------------------------------------------------------------------------------------------------


def test_importing_the_same_log_twice_adds_nothing(db, real_log):
    with open_store(db) as s:
        first = s.import_events("main", real_log.events)
        head = s.streams()[0]["head"]
        second = s.import_events("main", real_log.events)
        assert (first["added"], first["skipped"]) == (len(real_log), 0)
        assert (second["added"], second["skipped"], second["version"]) == (0, len(real_log), len(real_log))
        assert s.streams()[0]["head"] == head
        # a longer version of the log adds only what is new
        extra = expel("later", "2017-09-10", 5, actor="RUS", target="USA")
        third = s.import_events("main", [*real_log.events, extra])
        assert (third["added"], third["version"]) == (1, len(real_log) + 1)


def test_importing_a_different_event_under_a_stored_id_is_refused(db, real_log):
    with open_store(db) as s:
        s.import_events("main", real_log.events)
        changed = ev.StatementMade(id=real_log.events[-1].id, date=real_log.events[-1].date, actor="RUS",
                                   target="USA", summary="something else", sources=SRC)
        edited = [*real_log.events[:-1], changed, expel("new", "2017-09-10", 1, "RUS", "USA")]
        with pytest.raises(RuleViolation, match="holds a different event with this id") as info:
            s.import_events("main", edited)
        assert info.value.event_id == changed.id
        assert s.version("main") == len(real_log)


# --- snapshots and time travel ---------------------------------------------------------------------------------------


@given(valid_logs(max_events=60), st.integers(1, 6), st.data())
def test_state_at_any_date_from_snapshots_equals_a_replay_from_the_start(events, every, data):
    """With a snapshot every few events, the state at any date (read from the latest snapshot before it) equals
    folding the whole log up to that date."""
    with tempfile.TemporaryDirectory() as tmp, _spacing(0):
        path = str(Path(tmp) / "p.db")
        with open_store(path, snapshot_every=every) as s:
            s.append("main", [], expected_version=0)  # an empty log is an empty stream
            for i in range(0, len(events), 7):  # several batches: snapshots fall inside and between them
                s.append("main", events[i:i + 7])
            snapshots = s.conn.execute("SELECT count(*) FROM snapshots").fetchone()[0]
            assert snapshots == len(events) // every
            first = events[0].date if events else d("2000-01-01")
            for _ in range(4):
                at = data.draw(st.dates(first - datetime.timedelta(days=3), first + datetime.timedelta(days=400)))
                assert s.state_at("main", at) == fold(events, until=at, check_ids=False)
            assert s.state_at("main") == fold(events, check_ids=False)


class _spacing:
    """Snapshots exactly every N events, however big the state (tests want many snapshots on small logs)."""

    def __init__(self, value: int):
        self.value = value

    def __enter__(self):
        self.old, store_module.SNAPSHOT_SPACING = store_module.SNAPSHOT_SPACING, self.value

    def __exit__(self, *exc):
        store_module.SNAPSHOT_SPACING = self.old


def _reads(monkeypatch) -> list[int]:
    """Record where each read of the store starts (the version after which events are read)."""
    starts: list[int] = []
    original = Store.read

    def read(self, stream, after=0, **kw):
        starts.append(after)
        return original(self, stream, after, **kw)
    monkeypatch.setattr(Store, "read", read)
    return starts


def test_time_travel_starts_from_the_latest_snapshot_before_the_date(db, real_log, monkeypatch):
    with _spacing(0), open_store(db, snapshot_every=10) as s:
        s.append("main", real_log.events)
        versions = [v for (v,) in s.conn.execute("SELECT version FROM snapshots ORDER BY version")]
        assert versions == [10, 20, 30]
        starts = _reads(monkeypatch)
        at = real_log.events[24].date  # after the snapshot at 20, if no event of that date precedes it
        expected_start = max(v for v in versions if real_log.events[v - 1].date <= at)
        assert s.state_at("main", at) == fold(real_log.events, until=at, check_ids=False)
        assert starts == [expected_start]


def _snapshot_rows(path):
    c = raw(path)
    return c, c.execute("SELECT version, body FROM snapshots ORDER BY version").fetchall()


@pytest.mark.parametrize("damage", ["garbage", "another snapshot", "other model", "rewritten chain"])
def test_a_snapshot_that_cannot_be_trusted_is_ignored_and_the_state_rebuilt(db, real_log, damage, monkeypatch):
    with _spacing(0), open_store(db, snapshot_every=10) as s:
        s.append("main", real_log.events)
    c, rows = _snapshot_rows(db)
    (v10, body10), (v20, body20) = rows[0], rows[1]
    if damage == "garbage":
        c.execute("UPDATE snapshots SET body = ?, checksum = ? WHERE version = 20",
                  (b"[1,2", hashlib.sha256(b"[1,2").digest()))
    elif damage == "another snapshot":  # a well-formed state, with a matching checksum, of the wrong version
        c.execute("UPDATE snapshots SET body = ?, checksum = ? WHERE version = 20",
                  (body10, hashlib.sha256(body10).digest()))
    elif damage == "other model":
        c.execute("UPDATE snapshots SET model = 'something else' WHERE version = 20")
    else:  # the event it follows is not the one it was taken after
        c.execute("UPDATE snapshots SET event_hash = zeroblob(32) WHERE version = 20")
    c.close()
    at = real_log.events[25].date
    starts = _reads(monkeypatch)
    with open_store(db, readonly=True) as s:
        assert s.state_at("main", at) == fold(real_log.events, until=at, check_ids=False)
    assert starts == [10]  # fell back to the older, sound snapshot


def test_verify_compares_every_snapshot_with_the_replayed_state(db, real_log):
    with _spacing(0), open_store(db, snapshot_every=10) as s:
        s.append("main", real_log.events)
        assert s.verify()["snapshots"] == 3
    c, rows = _snapshot_rows(db)
    body = rows[0][1]
    c.execute("UPDATE snapshots SET body = ?, checksum = ? WHERE version = 20", (body, hashlib.sha256(body).digest()))
    c.close()
    with open_store(db, readonly=True) as s, pytest.raises(InputError, match="snapshot at version 20 does not match"):
        s.verify()


# --- schema evolution --------------------------------------------------------------------------------------------------


@pytest.fixture
def expelled_v2(monkeypatch):
    """Pretend DiplomatsExpelled is at version 2 now; its version 1 called ``count`` ``number`` and had no
    ``from_posts``.  Returns the shape of that version 1."""
    monkeypatch.setitem(codec.TYPE_VERSIONS, "DiplomatsExpelled", 2)
    codec.event_codec.cache_clear()

    def v1_to_v2(fields):
        fields["count"] = fields.pop("number")
        return fields
    monkeypatch.setitem(codec.UPCASTERS, ("DiplomatsExpelled", 1), v1_to_v2)
    current = codec.event_codec("DiplomatsExpelled")
    yield codec.dumps([["number", "int"], ["deadline", "date"], ["actor", "str"], ["target", {"optional": "str"}],
                       ["sources", {"tuple": "str"}]])
    codec.event_codec.cache_clear()
    assert current.version == 2


def _insert_raw(path, *, type_name, type_version, shape, event_id, date, payload, stream="main"):
    """Insert an event through raw SQL, chained properly (as an older diplosim would have written it)."""
    c = raw(path)
    if not c.execute("SELECT 1 FROM shapes WHERE type = ? AND type_version = ?", (type_name, type_version)).fetchone():
        c.execute("INSERT INTO shapes VALUES (?, ?, ?)", (type_name, type_version, shape))
    sid, version, head = c.execute("SELECT id, version, head FROM streams WHERE name = ?", (stream,)).fetchone()
    h = store_module._chain(head, stream, version + 1, event_id, type_name, type_version, date,
                            store_module._shape_tag(shape), payload)
    c.execute("INSERT INTO events (stream, version, event_id, type, type_version, date, payload, hash) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (sid, version + 1, event_id, type_name, type_version, date, payload, h))
    c.execute("UPDATE streams SET version = ?, head = ? WHERE id = ?", (version + 1, h, sid))
    restore_triggers(c)
    c.close()


def test_an_event_stored_in_an_older_shape_is_upcast_to_the_current_class(db, real_log, expelled_v2):
    with open_store(db) as s:
        s.append("main", real_log.events[:2])
    _insert_raw(db, type_name="DiplomatsExpelled", type_version=1, shape=expelled_v2, event_id="old-expulsion",
                date="2017-01-01", payload='[35,"2017-01-04","USA","RUS",["public record: old"]]')
    with open_store(db) as s:
        old = list(s.read("main"))[-1]
        assert old == ev.DiplomatsExpelled(id="old-expulsion", date=d("2017-01-01"), actor="USA", target="RUS",
                                           count=35, deadline=d("2017-01-04"), sources=("public record: old",))
        assert type(old) is ev.DiplomatsExpelled and old.from_posts == ()
        s.append("main", [expel("new-expulsion", "2017-01-02", 5)])  # stored at version 2, beside the old one
        stored = s.conn.execute("SELECT type_version FROM events ORDER BY version").fetchall()
        assert [v for (v,) in stored][-2:] == [1, 2]
        assert s.state_at("main", d("2017-01-10")).missions["RUS", "USA"].staff == 490 - 35 - 5
        assert s.verify()["events"] == 4
        s.import_events("main", [old])  # the upcast event is recognised as the stored one


def test_an_event_of_an_unknown_older_version_or_a_newer_one_is_named(db, real_log, expelled_v2, monkeypatch):
    with open_store(db) as s:
        s.append("main", real_log.events[:2])
    _insert_raw(db, type_name="DiplomatsExpelled", type_version=3, shape=expelled_v2, event_id="from-the-future",
                date="2017-01-01", payload='[35,"2017-01-04","USA","RUS",["public record: old"]]')
    with open_store(db) as s, pytest.raises(InputError, match="'from-the-future'.*version 3 is newer"):
        list(s.read("main"))
    monkeypatch.delitem(codec.UPCASTERS, ("DiplomatsExpelled", 1))
    db2 = db + "2"
    with open_store(db2) as s:
        s.append("main", real_log.events[:2])
    _insert_raw(db2, type_name="DiplomatsExpelled", type_version=1, shape=expelled_v2, event_id="orphan",
                date="2017-01-01", payload='[35,"2017-01-04","USA","RUS",["public record: old"]]')
    with open_store(db2) as s, pytest.raises(InputError, match="'orphan'.*no upcaster from DiplomatsExpelled version 1"):
        list(s.read("main"))


def test_an_event_class_changed_without_a_new_version_is_refused_on_append(db, real_log, monkeypatch):
    with open_store(db) as s:
        s.append("main", real_log.events[:2])
        s.conn.execute("UPDATE shapes SET shape = '[]' WHERE type = 'DiplomatsExpelled'") \
            if s.conn.execute("SELECT 1 FROM shapes WHERE type = 'DiplomatsExpelled'").fetchone() else \
            s.conn.execute("INSERT INTO shapes VALUES ('DiplomatsExpelled', 1, '[]')")
    with open_store(db) as s, pytest.raises(InputError, match="changed without a new type version"):
        s.append("main", [expel("x", "2017-01-01", 1)])


@given(any_event())
def test_every_event_round_trips_through_its_payload_by_the_fast_path_and_by_name(e):
    c = codec.event_codec(e.type)
    payload = c.encode(e)
    assert c.decode(e.id, e.date, codec.loads(payload)) == e
    try:  # reading by name checks the event as a log file's would be: only events a log can hold
        event_from_dict(event_to_dict(e))
    except InputError:
        assume(False)
    by_name = codec.decode_by_shape(e.type, c.version, c.shape, e.id, e.date.isoformat(), codec.loads(payload))
    assert event_to_dict(by_name) == event_to_dict(e)


# --- integrity ---------------------------------------------------------------------------------------------------------


def _verify_fails(path, *needles):
    with open_store(path, readonly=True) as s, pytest.raises(InputError) as info:
        s.verify()
    for needle in needles:
        assert needle in str(info.value), str(info.value)
    return str(info.value)


def test_a_sound_store_verifies(real_store, real_log):
    with open_store(real_store, readonly=True) as s:
        assert s.verify() == {"streams": 1, "events": len(real_log), "snapshots": s.streams()[0]["snapshots"]}


def test_verify_names_an_edited_event(real_store, real_log):
    victim = real_log.events[12]
    c = raw(real_store)
    c.execute("UPDATE events SET payload = replace(payload, 'USA', 'GBR') WHERE event_id = ?", (victim.id,))
    c.close()
    _verify_fails(real_store, f"event {victim.id!r}", "version 13", "does not match its hash")


def test_verify_names_a_deleted_event(real_store, real_log):
    c = raw(real_store)
    c.execute("DELETE FROM events WHERE version = 7")
    c.close()
    _verify_fails(real_store, "version 7 is missing", f"before event {real_log.events[7].id!r}")


def test_verify_notices_that_the_last_events_were_deleted(real_store, real_log):
    c = raw(real_store)
    c.execute("DELETE FROM events WHERE version > ?", (len(real_log) - 2,))
    c.close()
    _verify_fails(real_store, f"after version {len(real_log) - 2} are missing")


def test_verify_names_an_inserted_event(real_store, real_log):
    c = raw(real_store)
    n = len(real_log)
    c.execute("UPDATE events SET version = version + 1000 WHERE version > 5")
    c.execute("UPDATE events SET version = version - 999 WHERE version > 1000")
    c.execute("INSERT INTO events (stream, version, event_id, type, type_version, date, payload, hash) "
              "SELECT stream, 6, 'intruder', type, type_version, date, payload, hash FROM events WHERE version = 5")
    c.execute("UPDATE streams SET version = ?", (n + 1,))
    c.close()
    _verify_fails(real_store, "'intruder'", "version 6")


def test_verify_names_the_first_of_two_reordered_events(real_store, real_log):
    c = raw(real_store)
    c.execute("UPDATE events SET version = -1 WHERE version = 9")
    c.execute("UPDATE events SET version = 9 WHERE version = 10")
    c.execute("UPDATE events SET version = 10 WHERE version = -1")
    c.close()
    _verify_fails(real_store, f"{real_log.events[9].id!r}", "version 9")


def test_verify_notices_a_changed_schema(real_store):
    c = raw(real_store)  # the append-only guard removed, nothing else touched
    c.close()
    _verify_fails(real_store, "trigger events_append_only_update is missing")
    c = sqlite3.connect(real_store, isolation_level=None)
    restore_triggers(c)
    c.execute("CREATE INDEX sneaky ON events (date)")
    c.close()
    _verify_fails(real_store, "index sneaky diplosim did not make")


def test_the_store_refuses_updates_and_deletes_of_events(real_store):
    c = sqlite3.connect(real_store)
    for statement in ("UPDATE events SET payload = '[]'", "DELETE FROM events"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            c.execute(statement)
    c.close()


# --- files that are not (sound) stores ---------------------------------------------------------------------------------


def test_a_store_of_a_newer_schema_is_refused_and_left_unchanged(real_store):
    c = sqlite3.connect(real_store)
    c.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    c.commit()
    c.close()
    before = digest(real_store)
    for kw in ({}, {"must_exist": True}, {"readonly": True}):
        with pytest.raises(InputError, match="schema version 99 is newer than this diplosim supports"):
            open_store(real_store, **kw)
    assert digest(real_store) == before


@pytest.mark.parametrize("content,message", [
    (b"not a database at all, just text\n" * 40, "not an SQLite database"),
    (b"", "not a diplosim store"),
])
def test_files_that_are_not_stores_are_refused(tmp_path, content, message):
    path = tmp_path / "x.db"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        open_store(path, must_exist=True)
    assert path.read_bytes() == content


def test_an_sqlite_database_that_is_not_a_store_is_refused_unchanged(tmp_path):
    path = tmp_path / "other.db"
    c = sqlite3.connect(path)
    c.execute("CREATE TABLE t (x)")
    c.commit()
    c.close()
    before = digest(path)
    for kw in ({}, {"readonly": True}):
        with pytest.raises(InputError, match="not a diplosim store"):
            open_store(path, **kw)
    assert digest(path) == before


def test_missing_stores_and_directories_are_named(tmp_path):
    with pytest.raises(InputError, match="no such store") as info:
        open_store(tmp_path / "missing.db", must_exist=True)
    assert str(tmp_path / "missing.db") in str(info.value)
    assert not (tmp_path / "missing.db").exists()
    with pytest.raises(InputError, match="is a directory"):
        open_store(tmp_path)


# --- details a sampled mutation run found unguarded ---------------------------------------------------------------------


def test_a_stream_never_written_is_at_version_0(db):
    with open_store(db) as s:
        assert s.version("nothing-here") == 0


@pytest.mark.parametrize("held,words", [(1, "it holds 1 event, fewer"), (2, "it holds 2 events, fewer")])
def test_a_version_the_stream_never_reached_says_how_many_events_it_holds(db, real_log, held, words):
    with open_store(db) as s:
        s.append("main", real_log.events[:held])
        with pytest.raises(ConcurrencyError) as info:
            s.append("main", real_log.events[held:held + 1], expected_version=held + 3)
    assert words in str(info.value)


@pytest.mark.parametrize("every", [0, -1, True, 2.5])
def test_a_snapshot_interval_that_is_not_a_positive_whole_number_is_refused(tmp_path, every):
    with pytest.raises(InputError, match="snapshot interval must be a positive whole number"):
        open_store(tmp_path / "s.db", snapshot_every=every)
    assert not (tmp_path / "s.db").exists()
    with open_store(tmp_path / "s.db", snapshot_every=1) as s:
        assert s.snapshot_every == 1


def test_verify_names_the_last_event_when_the_recorded_head_was_edited(real_store, real_log):
    c = raw(real_store)
    c.execute("UPDATE streams SET head = ? WHERE name = 'main'", (bytes(32),))
    c.close()
    _verify_fails(real_store, f"recorded head (version {len(real_log)}) does not match its last event "
                              f"(version {len(real_log)}): edited")

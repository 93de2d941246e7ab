"""Every refusal of the store with its exact words (README: one line naming the store, what is wrong), every limit at
the limit and one past it, and the small rules of streams (names, the default stream, fresh ids, the listing), each
derived from the docstrings of diplosim/store; written in one systematic pass over streams.py, schema.py and
context.py (issue #13)."""
from __future__ import annotations

import gc
import os
import sqlite3

import attrs
import pytest
from store_writer import event_at

from diplosim.core.errors import InputError
from diplosim.store import open_store, schema
from diplosim.store.context import Context, gc_paused
from diplosim.store.streams import check_stream_name

BAD_NAME = "want 1-100 printable characters, not starting with '-'"


@pytest.fixture
def db(tmp_path) -> str:
    return str(tmp_path / "s.db")


def _refusal(call) -> str:
    with pytest.raises(InputError) as exc:
        call()
    return str(exc.value)


# --- stream names and the streams of a store --------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["x" * 100, "a", "a-", "main stream"])
def test_a_stream_name_of_1_to_100_printable_characters_is_taken(name):
    assert check_stream_name(name) == name


@pytest.mark.parametrize("name", ["x" * 101, "", "-a", "a\tb", "a\nb", None])
def test_a_stream_name_past_the_rules_is_refused(name):
    assert _refusal(lambda: check_stream_name(name)) == f"bad stream name {name!r}: {BAD_NAME}"


def test_a_bad_stream_name_is_refused_before_anything_is_written(db):
    with open_store(db) as s:
        assert _refusal(lambda: s.append("-x", [event_at(0)])) == f"bad stream name '-x': {BAD_NAME}"
        assert s.stream_names() == []


def test_a_stream_that_is_not_there_is_refused_with_the_streams_there_are(db):
    with open_store(db) as s:
        assert _refusal(lambda: s.title("x")) == f"{db}: no stream 'x' (it has no streams yet: import or record events)"
        s.append("b", [event_at(0)])
        s.append("a", [event_at(0)])
        assert _refusal(lambda: s.title("x")) == f"{db}: no stream 'x' (streams: b, a)"  # in the order made


def test_the_default_stream_is_main_else_the_only_one(db):
    with open_store(db) as s:
        assert s.default_stream() == "main"  # none yet
        s.append("only", [event_at(0)])
        assert s.default_stream() == "only"
        s.append("other", [event_at(0)])
        assert _refusal(s.default_stream) == (f"{db}: several streams and none is called 'main': choose one with "
                                              f"--stream (only, other)")
        s.append("main", [event_at(0)])
        assert s.default_stream() == "main"


def test_a_fresh_id_counts_up_from_2(db):
    with open_store(db) as s:
        assert s.unique_id("main", "e-0") == "e-0"  # no stream yet
        s.append("main", [event_at(0)])
        assert (s.unique_id("main", "e-0"), s.unique_id("main", "e-1"), s.unique_id("other", "e-0")) == \
            ("e-0-2", "e-1", "e-0")
        s.append("main", [attrs.evolve(event_at(1), id="e-0-2")])
        assert s.unique_id("main", "e-0") == "e-0-3"
        assert (s.has_event("main", "e-0-2"), s.has_event("main", "e-0-3"), s.has_event("none", "e-0")) == \
            (True, False, False)


def test_the_listing_gives_each_stream_its_events_dates_snapshots_head_and_title(db):
    with open_store(db, snapshot_every=2) as s:
        events = [event_at(i) for i in range(5)]
        s.append("a", events)
        s.append("b", [event_at(0)])
        s.set_title("b", "B's title", "more")
        rows = s.streams()
        assert [(r["stream"], r["events"], r["first"], r["last"], r["title"]) for r in rows] == [
            ("a", 5, events[0].date.isoformat(), events[4].date.isoformat(), ""),
            ("b", 1, events[0].date.isoformat(), events[0].date.isoformat(), "B's title")]
        assert [r["head"] for r in rows] == [s.head("a")[:16], s.head("b")[:16]]
        assert all(len(r["head"]) == 16 and r["head"] == r["head"].lower() for r in rows)
        assert rows[1]["snapshots"] == 0 and rows[0]["snapshots"] >= 1
        assert s.title("b") == ("B's title", "more")


# --- opening a store: what is refused, and how (context.connect, schema.check) --------------------------------------

def test_a_folder_is_not_a_store(tmp_path):
    assert _refusal(lambda: open_store(tmp_path)) == f"{tmp_path}: is a directory, not a store"


@pytest.mark.parametrize("how", [{"must_exist": True}, {"readonly": True}])
def test_a_store_that_must_exist_and_does_not_is_refused_and_not_made(db, how):
    assert _refusal(lambda: open_store(db, **how)) == f"{db}: no such store (create one with `diplosim store init`)"
    assert not os.path.exists(db)


@pytest.mark.parametrize("how", [{}, {"must_exist": True}, {"readonly": True}])
def test_a_file_that_is_not_sqlite_is_refused_and_left_as_it_was(db, how):
    with open(db, "w") as f:
        f.write("hello")
    assert _refusal(lambda: open_store(db, **how)) == f"{db}: not a diplosim store (not an SQLite database)"
    with open(db) as f:
        assert f.read() == "hello"


def test_an_empty_file_becomes_a_store_unless_it_must_exist_already(db):
    open(db, "w").close()
    assert _refusal(lambda: open_store(db, must_exist=True)) == f"{db}: not a diplosim store (not an SQLite database)"
    assert _refusal(lambda: open_store(db, readonly=True)) == f"{db}: not a diplosim store (not an SQLite database)"
    with open_store(db) as s:
        s.append("main", [event_at(0)])
    with open_store(db, must_exist=True) as s:
        assert s.version("main") == 1


@pytest.mark.parametrize("every", [0, -1, True, 1.5, "5"])
def test_a_snapshot_interval_must_be_a_whole_number_of_1_or_more(db, every):
    assert _refusal(lambda: open_store(db, snapshot_every=every)) == \
        f"snapshot interval must be a positive whole number, got {every!r}"


def test_a_snapshot_interval_of_1_is_taken_and_kept_in_the_store(db):
    with open_store(db, snapshot_every=1) as s:
        assert (s.snapshot_every, s.meta["snapshot_every"]) == (1, "1")
    with open_store(db) as s:
        assert s.snapshot_every == 1
    with open_store(str(db) + "2") as s:
        assert s.snapshot_every == schema.DEFAULT_SNAPSHOT_EVERY == 1000


@pytest.mark.parametrize("recorded, every", [("5", 5), ("1", 1), ("0", 1000), ("-3", 1000), ("x", 1000), (None, 1000)])
def test_a_store_whose_meta_holds_no_sound_interval_takes_the_default(recorded, every):
    meta = {} if recorded is None else {"snapshot_every": recorded}
    assert schema.snapshot_every(meta) == every


def _with_schema_version(db, version) -> None:
    with open_store(db):
        pass
    conn = sqlite3.connect(db)
    if version is None:
        conn.execute("DELETE FROM meta WHERE key = 'schema_version'")
    else:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (version,))
    conn.commit()
    conn.close()


@pytest.mark.parametrize("version, words", [
    ("x", "not a diplosim store (schema version 'x')"),
    (None, "not a diplosim store (schema version '')"),
    (str(schema.SCHEMA_VERSION + 1), f"store schema version {schema.SCHEMA_VERSION + 1} is newer than this diplosim "
                                     f"supports ({schema.SCHEMA_VERSION}): upgrade diplosim to open it"),
])
def test_a_store_of_another_schema_is_refused(db, version, words):
    _with_schema_version(db, version)
    assert _refusal(lambda: open_store(db)) == f"{db}: {words}"
    assert _refusal(lambda: open_store(db, readonly=True)) == f"{db}: {words}"


def test_a_store_opened_read_only_refuses_to_write(db):
    with open_store(db) as s:
        s.append("main", [event_at(0)])
    with open_store(db, readonly=True) as s:
        assert s.readonly
        assert _refusal(lambda: s.append("main", [event_at(1)])) == f"{db}: opened read-only"
        assert _refusal(lambda: s.set_title("main", "t")) == f"{db}: opened read-only"
        assert s.version("main") == 1


def test_a_connection_sqlite_refuses_is_one_line(db, monkeypatch):
    def refuse(*args, **kwargs):
        raise sqlite3.OperationalError("unable to open database file")
    monkeypatch.setattr(sqlite3, "connect", refuse)
    assert _refusal(lambda: open_store(db)) == f"{db}: cannot open: unable to open database file"


# --- what SQLite says, in one line naming the store (Context.damaged) ------------------------------------------------

@pytest.mark.parametrize("said, words", [
    ("file is not a database", "damaged store: file is not a database (run `diplosim verify`)"),
    ("database disk image is\nmalformed", "damaged store: database disk image is malformed (run `diplosim verify`)"),
    ("index corrupt", "damaged store: index corrupt (run `diplosim verify`)"),
    ("could not decode", "damaged store: could not decode (run `diplosim verify`)"),
    ("no such table: events", "not a diplosim store (no such table: events)"),
    ("database is locked", "the store is busy (database is locked); try again"),
    ("database busy", "the store is busy (database busy); try again"),
    ("disk I/O error", "store error: disk I/O error"),
])
def test_each_kind_of_sqlite_error_is_told_in_its_own_words(said, words):
    assert str(Context("s.db", False).damaged(sqlite3.OperationalError(said))) == f"s.db: {words}"


def test_sql_turns_sqlite_errors_and_bad_text_into_one_line():
    ctx = Context("s.db", False)
    for exc in (sqlite3.DatabaseError("database disk image is malformed"), UnicodeDecodeError("utf-8", b"\xff", 0, 1,
                                                                                               "invalid start byte")):
        with pytest.raises(InputError) as info:
            with ctx.sql():
                raise exc
        assert str(info.value).startswith("s.db: damaged store: ")


# --- a transaction with a failure inside, and the garbage collector paused -------------------------------------------

def test_an_append_that_failed_inside_a_transaction_spoils_it_even_when_caught(db):
    from diplosim.store import ConcurrencyError

    with open_store(db) as s:
        s.append("main", [event_at(0)])
        with pytest.raises(InputError) as info:
            with s.transaction():
                s.append("main", [event_at(1)])
                with pytest.raises(ConcurrencyError):
                    s.append("main", [event_at(2)], expected_version=0)
        assert str(info.value) == f"{db}: an append inside this transaction failed: nothing was written"
        assert s.version("main") == 1
        with s.transaction():
            with s.transaction():
                s.append("main", [event_at(1)])
            s.append("main", [event_at(2)])
        assert s.version("main") == 3


def test_the_collector_is_paused_inside_and_left_as_it_was_after():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


# --- appending and importing (append.py) -----------------------------------------------------------------------------

def test_an_append_against_a_version_passed_says_someone_else_appended(db):
    from diplosim.store import ConcurrencyError

    with open_store(db) as s:
        s.append("main", [event_at(i) for i in range(3)])
        with pytest.raises(ConcurrencyError) as info:
            s.append("main", [event_at(3)], expected_version=1)
        assert str(info.value) == ("stream 'main' is at version 3, not 1: someone else appended meanwhile; read it "
                                   "again and retry")
        assert (info.value.stream, info.value.expected, info.value.actual) == ("main", 1, 3)
        assert s.append("main", [event_at(3)], expected_version=3) == 4
        assert s.append("main", [], expected_version=4) == 4  # nothing to add: the version, nothing written
        with pytest.raises(ConcurrencyError):
            s.append("main", [], expected_version=5)


def test_what_is_not_an_event_is_refused_by_its_repr(db):
    class StatementMade(type(event_at(2))):  # the name of an event type, not the type
        pass

    with open_store(db) as s:
        assert _refusal(lambda: s.append("main", ["x"])) == "not an event: 'x'"
        fake = StatementMade(**{a.name: getattr(event_at(2), a.name) for a in attrs.fields(type(event_at(2)))})
        assert _refusal(lambda: s.append("main", [event_at(0), fake])).startswith("not an event: StatementMade(")
        assert s.version("main") == 0


def test_an_id_twice_in_one_batch_is_named(db):
    from diplosim.core.errors import RuleViolation

    with open_store(db) as s:
        with pytest.raises(RuleViolation) as info:
            s.append("main", [event_at(0), event_at(1), event_at(2), event_at(1)])
        assert (info.value.event_id, info.value.detail) == ("e-1", "the id is used twice in this batch")
        assert s.version("main") == 0


def test_an_event_the_store_cannot_encode_is_refused_naming_it(db):
    broken = event_at(0)
    object.__setattr__(broken, "date", "2000-01-01")  # past the validators: a string, not a date
    with open_store(db) as s:
        assert _refusal(lambda: s.append("main", [broken])) == \
            "event e-0: cannot store this event: 'str' object has no attribute 'isoformat'"
        unsourced = event_at(0)
        object.__setattr__(unsourced, "sources", None)
        assert _refusal(lambda: s.append("main", [unsourced])).startswith("event e-0: event names no source")


def test_an_import_adds_the_new_skips_the_same_and_refuses_a_different_event_of_a_stored_id(db):
    from diplosim.core.errors import RuleViolation

    with open_store(db) as s:
        assert s.import_events("main", [event_at(i) for i in range(3)]) == {"added": 3, "skipped": 0, "version": 3}
        assert s.import_events("main", [event_at(i) for i in range(5)]) == {"added": 2, "skipped": 3, "version": 5}
        assert s.import_events("main", [event_at(4)]) == {"added": 0, "skipped": 1, "version": 5}
        other = attrs.evolve(event_at(2), summary="another summary")
        with pytest.raises(RuleViolation) as info:
            s.import_events("main", [event_at(5), other])
        assert (info.value.event_id, info.value.detail) == \
            ("e-2", "stream 'main' holds a different event with this id (version 3)")
        assert s.version("main") == 5


def test_states_kept_between_appends_follow_appends_of_another_connection(db, monkeypatch):
    from diplosim.core.fold import fold
    from diplosim.store import facade

    monkeypatch.setattr(facade, "SNAPSHOT_SPACING", 0)  # a snapshot exactly every 2 events: each checks the state
    events = [event_at(i) for i in range(12)]
    with open_store(db, snapshot_every=2) as a, open_store(db, snapshot_every=2) as b:
        a.append("main", events[:3])
        b.append("main", events[3:6])  # b rebuilds from a's snapshot; a's kept state is now behind
        a.append("main", events[6:9])  # a catches up by replaying b's events
        b.append("main", events[9:])
        summary = a.verify()
        assert summary["events"] == 12 and summary["snapshots"] == 6
        assert a.state("main") == fold(events) == b.state("main")


def test_a_kept_state_is_caught_up_by_the_new_events_not_rebuilt_from_a_snapshot(db, monkeypatch):
    # Appender._writer_state: the state kept from the last append is used as it is if the stream has not moved, caught
    # up if it has only grown, and rebuilt from the latest snapshot only for a stream it never kept (white-box: the
    # rebuilds are counted)
    from diplosim.store import append

    rebuilt: list[int] = []
    latest = append.snapshots.latest
    monkeypatch.setattr(append.snapshots, "latest", lambda *a, **k: rebuilt.append(1) or latest(*a, **k))
    with open_store(db, snapshot_every=2) as a, open_store(db, snapshot_every=2) as b:
        a.append("main", [event_at(i) for i in range(3)])
        assert len(rebuilt) == 1  # the first append of a connection
        a.append("main", [event_at(3)])
        b.append("main", [event_at(4)])
        assert len(rebuilt) == 2  # b had kept nothing
        a.append("main", [event_at(5)])
        assert len(rebuilt) == 2  # a caught up with b's event
        assert a.verify()["events"] == 6


# --- the façade: a transaction on a read-only store, a head that is not a hash, heads only when asked --------------

def test_a_read_only_store_refuses_a_transaction(db):
    with open_store(db) as s:
        s.append("main", [event_at(0)])
    with open_store(db, readonly=True) as s:
        assert _refusal(s.transaction) == f"{db}: opened read-only"


@pytest.mark.parametrize("head", [b"\x00" * 31, b"\x00" * 33, "0" * 32])
def test_a_recorded_head_that_is_not_32_bytes_is_damage(db, head):
    with open_store(db) as s:
        s.append("main", [event_at(0)])
        s.conn.execute("UPDATE streams SET head = ? WHERE name = 'main'", (head,))
        assert _refusal(lambda: s.head("main")) == \
            f"{db}: stream 'main' records a head that is not a hash: damaged (run `diplosim verify`)"


def test_verify_gives_the_heads_only_when_asked(db):
    with open_store(db) as s:
        s.append("main", [event_at(0)])
        assert set(s.verify()) == {"streams", "events", "snapshots"}
        assert s.verify(heads=True)["heads"] == {"main": s.head("main")}


# --- what opening writes: WAL mode and missing views for writing, nothing for reading -------------------------------

def test_opening_for_writing_sets_the_write_ahead_log_and_reading_leaves_no_files_behind(db):
    with open_store(db) as s:
        s.append("main", [event_at(0)])
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    with open_store(db, readonly=True) as s:
        assert s.version("main") == 1
    # a read-only use opens the file read-write when it may: only such a connection removes the log and its index
    assert not os.path.exists(db + "-wal") and not os.path.exists(db + "-shm")


def test_a_read_only_open_does_not_add_the_views_a_store_lacks(db):
    with open_store(db):
        pass
    c = sqlite3.connect(db)
    c.execute("DROP VIEW stream_view")
    c.close()
    with open_store(db, readonly=True):
        pass
    views = lambda: {n for (n,) in sqlite3.connect(db).execute("SELECT name FROM sqlite_master WHERE type = 'view'")}
    assert "stream_view" not in views()
    with open_store(db):
        pass
    assert "stream_view" in views()


def test_a_schema_script_splits_into_statements_with_triggers_whole():
    script = ("CREATE TABLE x (a INTEGER);\nCREATE TRIGGER t BEFORE UPDATE ON x\nBEGIN\n    SELECT 1;\n    SELECT 2;\n"
              "END;\nCREATE VIEW v AS\n    SELECT a FROM x;\n")
    assert schema._split_sql(script) == [
        "CREATE TABLE x (a INTEGER);", "CREATE TRIGGER t BEFORE UPDATE ON x\nBEGIN\n    SELECT 1;\n    SELECT 2;\nEND;",
        "CREATE VIEW v AS\n    SELECT a FROM x;"]


# --- after a scan the usual cache; histories loaded after the store is closed ----------------------------------------

def test_a_replay_scans_with_a_small_cache_and_gives_the_usual_one_back(db, monkeypatch):
    from diplosim.store import context

    with open_store(db) as s:
        s.append("main", [event_at(i) for i in range(5)])
        sizes = []
        real = s._reader.read

        def watched(*a, **k):
            sizes.append(s.conn.execute("PRAGMA cache_size").fetchone()[0])
            return real(*a, **k)
        monkeypatch.setattr(s._reader, "read", watched)
        s.replay("main")
        assert sizes == [-context.SCAN_CACHE_KIB]
        assert s.conn.execute("PRAGMA cache_size").fetchone()[0] == -context.CACHE_KIB


def test_the_histories_of_a_state_load_after_its_store_is_closed(db):
    from diplosim.core.fold import fold

    events = [event_at(i) for i in range(60)]
    with open_store(db) as s:
        s.append("main", events)
        state = s.state("main")
    want = fold(events, check_ids=False)
    assert len(want.claims) + len(want.resolved) > 0  # there is something to load
    assert (list(state.claims), list(state.resolved)) == (list(want.claims), list(want.resolved))


# --- a store SQLite cannot open read-write (read-only media): context._read_only -----------------------------------

def _on_read_only_media(db, monkeypatch, code: int, said: str) -> None:
    """No write access; SQLite fails on the first read with ``code``, unless the file is opened as immutable."""
    from diplosim.store import context

    real = sqlite3.connect

    class Failing:
        def execute(self, *args):
            exc = sqlite3.OperationalError(said)
            exc.sqlite_errorcode = code
            raise exc

        def close(self):
            pass

    monkeypatch.setattr(context.os, "access", lambda path, mode: False)
    monkeypatch.setattr(context.sqlite3, "connect",
                        lambda database, *a, **k: real(database, *a, **k) if "immutable=1" in database else Failing())


def test_on_read_only_media_an_empty_write_ahead_log_does_not_stop_a_read(db, monkeypatch):
    with open_store(db) as s:
        s.append("main", [event_at(0)])
    _on_read_only_media(db, monkeypatch, sqlite3.SQLITE_CANTOPEN, "unable to open database file")
    open(db + "-wal", "wb").close()
    with open_store(db, readonly=True) as s:
        assert [e.id for e in s.read("main")] == ["e-0"]
    with open(db + "-wal", "wb") as f:
        f.write(b"x")
    assert _refusal(lambda: open_store(db, readonly=True)) == (
        f"{db}: the store is on read-only media (or in a folder you cannot write) and its write-ahead log (s.db-wal) "
        f"holds changes not yet merged: open it once where it can be written")


def test_on_read_only_media_another_error_than_cannot_open_is_told_as_it_is(db, monkeypatch):
    with open_store(db) as s:
        s.append("main", [event_at(0)])
    _on_read_only_media(db, monkeypatch, sqlite3.SQLITE_BUSY, "database is locked")
    assert _refusal(lambda: open_store(db, readonly=True)) == f"{db}: the store is busy (database is locked); try again"

"""The store at its edges: the numbers its file format and README state, how long it waits for a busy store, a
creation or a transaction cut short, ids looked up a page at a time, a kept state after the stream was rewritten
underneath, and the codec's plain forms and trimmed defaults for kinds of fields no event type has yet.

Written for the survivors of the fifth mutation sample of the store (issue #13); each test says what README or a
docstring promises and checks it from outside the code that keeps the promise."""
from __future__ import annotations

import datetime
import re
import sqlite3
from pathlib import Path

import attrs
import pytest
from conftest import run_cli
from store_tamper import rewrite_consistently
from store_writer import event_at

from diplosim.core import events as ev
from diplosim.core.errors import InputError, RuleViolation
from diplosim.store import codec, facade, open_store, schema, streams
from diplosim.store import snapshots as snapshots_module

STORE_README = Path(__file__).resolve().parents[1] / "docs" / "readme" / "50-store.md"


def _readme() -> str:
    return " ".join(STORE_README.read_text(encoding="utf-8").split())


@pytest.fixture
def db(tmp_path, monkeypatch) -> str:
    monkeypatch.setattr(facade, "SNAPSHOT_SPACING", 0)  # a snapshot exactly every snapshot_every events
    return str(tmp_path / "s.db")


# --- the file format: what README says a snapshot row carries ------------------------------------------------------

def test_snapshot_rows_carry_the_format_and_model_readme_states(db):
    said = re.search(r"its `format` \((\d+): the state without its histories; the format-(\d+) snapshots", _readme())
    assert said, "README no longer states the snapshot format"
    current, earlier = int(said.group(1)), int(said.group(2))
    assert re.search(r"`model`: 16 hexadecimal digits of the SHA-256", _readme())
    with open_store(db, snapshot_every=2) as s:
        s.append("main", [event_at(i) for i in range(6)])
        rows = s.conn.execute("SELECT version, format, model FROM snapshots ORDER BY version").fetchall()
    assert [v for v, _f, _m in rows] == [2, 4, 6]
    assert {f for _v, f, _m in rows} == {current}
    assert all(re.fullmatch(r"[0-9a-f]{16}", m) for _v, _f, m in rows), rows
    # a row of the earlier format, sound in every other respect, is passed over for the one before it
    c = sqlite3.connect(db, isolation_level=None)
    c.execute("UPDATE snapshots SET format = ? WHERE version = 6", (earlier,))
    c.close()
    with open_store(db, readonly=True) as s:
        row = streams.existing(s._ctx, "main")
        assert snapshots_module.latest(s._ctx, row, version=6)[1] == 4


def test_the_model_fingerprint_changes_with_the_state_classes(monkeypatch):
    @attrs.define
    class Other:
        missions: dict[str, int] = attrs.Factory(dict)

    current = codec.state_model()
    codec.state_model.cache_clear()
    monkeypatch.setattr(codec, "_state_classes", lambda: Other)
    try:
        other = codec.state_model()
    finally:
        codec.state_model.cache_clear()
    assert re.fullmatch(r"[0-9a-f]{16}", other) and other != current


# --- a busy store: how long a writer waits ------------------------------------------------------------------------

def _timeouts(monkeypatch) -> list[float]:
    seen: list[float] = []
    connect = sqlite3.connect

    def spy(*args, **kwargs):
        seen.append(kwargs.get("timeout"))
        return connect(*args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", spy)
    return seen


def test_a_writer_waits_as_long_as_readme_says_for_a_busy_store(db, monkeypatch):
    said = re.search(r"A writer waits up to (\d+) seconds for another's transaction to end", _readme())
    assert said, "README no longer states how long a writer waits"
    seen = _timeouts(monkeypatch)
    with open_store(db) as s:
        s.append("main", [event_at(i) for i in range(3)])
        state = s.state("main")
    assert seen == [float(said.group(1))]
    # the histories of a state read from a closed store are read through a connection of their own, which waits as
    # long as the store it came from
    assert [e for e in state.resolved] == []
    assert seen == [float(said.group(1))] * 2


def test_a_store_opened_with_a_timeout_waits_that_long_everywhere(db, monkeypatch):
    with open_store(db) as s:
        s.append("main", [event_at(i) for i in range(3)])
    seen = _timeouts(monkeypatch)
    with open_store(db, timeout=2.5) as s:
        state = s.state("main")
    list(state.claims)
    assert seen == [2.5, 2.5]


def test_a_writer_that_waited_its_timeout_out_says_the_store_is_busy(db):
    with open_store(db) as s:
        s.append("main", [event_at(0)])
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with open_store(db, timeout=0.2) as s, pytest.raises(InputError) as info:
            s.append("main", [event_at(1)])
        assert info.value.message.startswith("the store is busy (database is locked)")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with open_store(db) as s:
        assert s.version("main") == 1


# --- cut short: a creation interrupted, a transaction whose connection is gone -------------------------------------

class _Interrupting:
    """A schema version that cannot be written: Ctrl-C arrives while the new store's meta is being written, after
    every table was made."""

    def __str__(self) -> str:
        raise KeyboardInterrupt


def test_an_interrupted_creation_leaves_no_transaction_and_no_tables(tmp_path, monkeypatch):
    path = tmp_path / "new.db"
    conn = sqlite3.connect(path, isolation_level=None)
    monkeypatch.setattr(schema, "SCHEMA_VERSION", _Interrupting())
    with pytest.raises(KeyboardInterrupt):
        schema.create(conn, 1000)
    assert not conn.in_transaction  # rolled back, not left holding the write lock
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")  # the lock is free
    assert other.execute("SELECT name FROM sqlite_master").fetchall() == []
    other.execute("ROLLBACK")
    other.close()
    conn.close()


def test_a_store_whose_creation_was_interrupted_is_made_by_the_next_open(tmp_path, monkeypatch):
    path = tmp_path / "new.db"
    with monkeypatch.context() as m:
        m.setattr(schema, "SCHEMA_VERSION", _Interrupting())
        with pytest.raises(KeyboardInterrupt):
            open_store(path)
    # the connection was closed: another can take the write lock at once
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")
    other.close()
    with pytest.raises(InputError, match="not a diplosim store"):  # reading does not make it a store
        open_store(path, readonly=True)
    with open_store(path) as s:
        s.append("main", [event_at(0)])
    with open_store(path, must_exist=True, readonly=True) as s:
        assert s.version("main") == 1 and s.meta["schema_version"] == str(schema.SCHEMA_VERSION)


def test_a_transaction_whose_connection_is_gone_raises_what_ended_it(db):
    with open_store(db) as s:
        s.append("main", [event_at(0)])
    s = open_store(db)
    try:
        with pytest.raises(ValueError, match="what ended it"), s.transaction():
            s.append("main", [event_at(1)])
            s.conn.close()  # the rollback cannot run: SQLite drops the uncommitted batch with the connection
            raise ValueError("what ended it")
    finally:
        s.close()
    with open_store(db) as s:
        assert s.version("main") == 1


# --- ids looked up 500 at a time ------------------------------------------------------------------------------------

@pytest.mark.parametrize("at", [0, 1, 498, 499, 500, 999])
def test_a_stored_id_again_anywhere_in_a_long_batch_is_named(db, at):
    with open_store(db) as s:
        s.append("main", [event_at(0)])
        batch = [event_at(i) for i in range(1, 1001)]
        batch[at] = attrs.evolve(batch[at], id=event_at(0).id)
        with pytest.raises(RuleViolation) as info:
            s.append("main", batch)
        assert (info.value.event_id, info.value.detail) == (event_at(0).id, "already in stream 'main' at version 1")
        assert s.version("main") == 1


@pytest.mark.parametrize("stored", [500, 501, 1000])
def test_an_import_skips_every_stored_event_of_a_long_batch(db, stored):
    # the last stored one is the 500th, the 501st, the 1000th of the batch
    events = [event_at(i) for i in range(1000)]
    with open_store(db) as s:
        s.append("main", events[:stored])
    with open_store(db) as s:
        assert s.import_events("main", events) == {"added": 1000 - stored, "skipped": stored, "version": 1000}


# --- a kept state, after another connection rewrote the stream under it ------------------------------------------

def test_a_kept_state_is_not_reused_after_the_stream_was_rewritten_underneath(db):
    with open_store(db, snapshot_every=4) as a, open_store(db, snapshot_every=4) as b:
        a.append("main", [event_at(i) for i in range(3)])  # a keeps the state after 3 events
        b.append("main", [event_at(3)])  # the stream grows: a would catch its kept state up
        rewrite_consistently(db, "e-0", 999, field="staff")  # every hash recomputed: verify passes
        b.conn.execute("DELETE FROM snapshots")  # the snapshot b took holds the state before the rewrite
        a.append("main", [event_at(i) for i in range(4, 8)])  # a snapshot after 8 events
        assert a.verify()["snapshots"] == 1  # the snapshot holds the state of the stream as stored
        assert a.state("main").missions["RUS", "USA"].staff == 999


# --- the codec for kinds of fields no event type has yet ------------------------------------------------------------

def test_the_plain_form_of_a_table_of_records_names_the_fields_of_its_values():
    record = {"class": "Seat", "fields": [["holder", "str"], ["since", "date"]]}
    stored = [["USA", ["Smith", "2017-01-01"]], ["RUS", ["Ivanov", "2016-12-29"]]]
    assert codec.to_plain(stored, {"dict": ["str", record]}) == [
        ["USA", {"holder": "Smith", "since": "2017-01-01"}], ["RUS", {"holder": "Ivanov", "since": "2016-12-29"}]]
    keyed = [[["Smith", "2017-01-01"], 3]]
    assert codec.to_plain(keyed, {"dict": [record, "int"]}) == [[{"holder": "Smith", "since": "2017-01-01"}, 3]]


@attrs.frozen(kw_only=True)
class Tallied(ev.Event):
    """An event type of this test only: its last stored field has a number for its default."""

    __module__ = ev.__name__  # its annotations, and those it inherits, are read in the events module's names
    total: int = 0


def test_a_trailing_number_default_is_left_out_only_when_it_is_that_number(monkeypatch):
    monkeypatch.setitem(ev.EVENT_TYPES, "Tallied", Tallied)
    monkeypatch.setitem(codec.TYPE_VERSIONS, "Tallied", 1)
    monkeypatch.setattr(codec, "_RARE", (*codec._RARE, "total"))  # stored last
    codec.event_codec.cache_clear()
    try:
        c = codec.event_codec("Tallied")
        day = datetime.date(2017, 1, 1)
        assert c.order[0] == "actor" and c.order[-1] == "total"
        bare = Tallied(id="t", date=day, actor="RUS")
        assert codec.loads(c.encode(bare)) == ["RUS"]
        assert c.decode("t", day, ["RUS"]) == bare
        for total in (3, 0.0, False):  # another number, and values equal to 0 of another type, are kept
            counted = Tallied(id="t", date=day, actor="RUS", total=total)
            values = codec.loads(c.encode(counted))
            assert len(values) == len(c.order) and values[-1] == total, (total, values)
    finally:
        codec.event_codec.cache_clear()


def test_an_interrupted_remake_of_the_views_leaves_no_transaction(tmp_path, monkeypatch):
    path = tmp_path / "s.db"
    with open_store(path) as s:
        s.append("main", [event_at(0)])
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP VIEW event_view")  # a store made before its views
    missing = schema.missing_views
    calls = []

    def interrupted_on_the_second_look(c, **kw):  # the second look is under the write lock
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return missing(c, **kw)

    monkeypatch.setattr(schema, "missing_views", interrupted_on_the_second_look)
    with pytest.raises(KeyboardInterrupt):
        schema.add_views(conn)
    assert not conn.in_transaction
    conn.close()
    monkeypatch.setattr(schema, "missing_views", missing)
    with open_store(path) as s:  # the next writer adds it
        assert s.conn.execute("SELECT count(*) FROM event_view").fetchone() == (1,)


def test_the_cache_of_dates_holds_as_many_as_readme_says_then_starts_again(monkeypatch):
    bench_readme = STORE_README.with_name("80-benchmarks.md").read_text(encoding="utf-8")
    said = re.search(r"holds at most ([\d,]+) dates and starts again when full", " ".join(bench_readme.split()))
    assert said, "README no longer says how many dates the cache holds"
    kept = int(said.group(1).replace(",", ""))
    monkeypatch.setattr(codec, "DATES", codec.DATES)
    codec.DATES.clear()
    days = [datetime.date(1800, 1, 1) + datetime.timedelta(days=i) for i in range(kept + 1)]
    for day in days[:kept]:
        assert codec.parse_date(day.isoformat()) == day
    assert len(codec.DATES) == kept
    assert codec.parse_date(days[kept].isoformat()) == days[kept]
    assert list(codec.DATES) == [days[kept].isoformat()]
    codec.DATES.clear()


# --- the sixth and seventh samples' survivors ----------------------------------------------------------------------

def test_an_event_stored_with_its_trailing_defaults_written_out_is_the_same_event_on_import(db):
    """README: an id the stream holds with *different* content is refused; the same content written otherwise (every
    trailing default written out, as another build may store it) is not different, so an import skips it."""
    e = event_at(4)  # CriticismVoiced: a summary, and many fields at their defaults
    c = codec.event_codec(type(e).__name__)
    with open_store(db) as s:
        s.append("main", [event_at(i) for i in range(5)])
    values = codec.loads(c.encode(e))
    fields, hints = attrs.fields_dict(type(e)), codec._hints(type(e))
    full = values + [codec._encoded_default(fields[n], hints[n]) for n in c.order[len(values):]]
    assert len(full) > len(values)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("DROP TRIGGER events_append_only_update")
    conn.execute("UPDATE events SET payload = ? WHERE event_id = ?", (codec.dumps(full), e.id))
    conn.close()
    with open_store(db) as s:
        assert s.import_events("main", [e, event_at(5)]) == {"added": 1, "skipped": 1, "version": 6}
        other = attrs.evolve(e, summary="another summary")
        with pytest.raises(RuleViolation) as info:
            s.import_events("main", [other])
        assert info.value.detail == "stream 'main' holds a different event with this id (version 5)"


def test_a_codec_prints_as_its_type_and_shape_not_its_generated_functions():
    shown = repr(codec.event_codec("DiplomatsExpelled"))
    assert shown.startswith("EventCodec(name='DiplomatsExpelled', version=")
    assert "shape=" in shown and "function" not in shown and "encode" not in shown and "decode" not in shown


def test_a_stream_is_read_a_page_of_the_size_readme_states_at_a_time(db, monkeypatch):
    said = re.search(r"A page of events \(([\d,]+) by default\)", _readme())
    assert said, "README no longer states the page size"
    page = int(said.group(1).replace(",", ""))
    from diplosim.store.read import Reader

    asked: list[tuple[int, int]] = []
    read_page = Reader.read_page
    monkeypatch.setattr(Reader, "read_page", lambda self, sid, after, upper: asked.append((after, upper)) or
                        read_page(self, sid, after, upper))
    events = [event_at(i) for i in range(2 * page + 1)]
    with open_store(db) as s:
        s.append("main", events)
        asked.clear()
        assert list(s.read("main")) == events
    assert asked == [(0, page), (page, 2 * page), (2 * page, 2 * page + 1)]


# --- the eighth sample's survivors ---------------------------------------------------------------------------------

def test_a_replayed_state_tells_a_damaged_row_as_the_read_told_it(db):
    """A row that cannot be read is named by the read (README: "which names the damaged row"); a replay or a state
    passes that line on as it is, not wrapped in a second one."""
    with open_store(db) as s:
        s.append("main", [event_at(i) for i in range(6)])
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("DROP TRIGGER events_append_only_update")
    conn.execute("UPDATE events SET payload = '[' WHERE version = 3")
    conn.close()
    with open_store(db, readonly=True) as s:
        with pytest.raises(InputError) as read:
            list(s.read("main"))
        for call in (lambda: s.state("main"), lambda: s.replay("main"), lambda: s.state_at("main", event_at(5).date)):
            with pytest.raises(InputError) as info:
                call()
            assert str(info.value) == str(read.value)
    assert str(read.value).startswith(f"{db}: stored event 'e-2' (stream 'main', version 3) cannot be read: ")


def test_a_stored_event_that_breaks_a_rule_on_replay_is_told_as_the_rule_it_breaks(db):
    # rewritten with every hash recomputed: the 11th event now expels more people than the mission has
    with open_store(db) as s:
        s.append("main", [event_at(i) for i in range(12)])
    rewrite_consistently(db, "e-10", 2 * 10**6, field="count")
    with open_store(db, readonly=True) as s, pytest.raises(RuleViolation) as info:
        s.replay("main")
    assert info.value.event_id == "e-10" and "does not replay" not in str(info.value)


def test_store_init_makes_an_empty_sqlite_file_a_store_and_says_it_created_it(tmp_path):
    # README: an SQLite file that holds nothing is made a store, as a missing file would be; `store init` says which
    path = tmp_path / "empty.db"
    c = sqlite3.connect(path)
    c.execute("CREATE TABLE t (x)")
    c.execute("DROP TABLE t")  # an SQLite file, with nothing in it
    c.commit()
    c.close()
    done = run_cli("state", "--store", str(path))  # reading does not make it a store
    assert (done.returncode, done.stderr.strip()) == (2, f"diplosim: {path}: not a diplosim store (no such table: meta)")
    done = run_cli("store", "init", str(path))
    assert (done.returncode, done.stdout.strip()) == (0, f"created {path} (a snapshot every 1000 events)")
    done = run_cli("store", "init", str(path))
    assert (done.returncode, done.stdout.strip()) == (0, f"{path} is a diplosim store already (0 streams); "
                                                         f"nothing changed")
    with open_store(path) as s:
        assert not s.created
    with open_store(tmp_path / "new.db") as s:
        assert s.created

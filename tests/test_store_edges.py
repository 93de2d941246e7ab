"""The store at its edges: rows per INSERT, ids that are not valid Unicode, titles given once, the decoder of a payload
too long, the description of a table's key type, the incremental snapshot text, a forged snapshot, a store whose folder
cannot be written, and the keyword-only options.  Each case is one a mutation run found unchecked."""
from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import attrs
import pytest
from store_writer import event_at

from diplosim.core import events as ev
from diplosim.core.errors import InputError, RuleViolation
from diplosim.core.fold import fold
from diplosim.store import Store, codec, open_store
from diplosim.store.snapshot_text import SnapshotText


@pytest.fixture
def db(tmp_path) -> str:
    return str(tmp_path / "s.db")


def test_a_batch_goes_in_statements_of_a_hundred_rows_under_the_oldest_parameter_limit(db):
    """A hundred rows of eight columns per INSERT keep the parameters under 999, SQLite's oldest limit: a batch of
    200 is two statements of 100, a batch of 250 two of 100 and one of 50, and both read back whole."""
    with open_store(db, snapshot_every=10_000) as s:
        s.conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
        inserts: list[int] = []  # rows of each INSERT into events that SQLite runs

        def traced(sql: str) -> None:
            if sql.startswith("INSERT INTO events"):
                inserts.append(sql.count("),(") + 1)
        s.conn.set_trace_callback(traced)
        events = [event_at(i) for i in range(450)]
        s.append("a", events[:200])
        assert inserts == [100, 100]
        inserts.clear()
        s.append("b", events[200:450])
        assert inserts == [100, 100, 50]
        s.conn.set_trace_callback(None)
        assert s.events("a") == events[:200] and s.events("b") == events[200:450]


@pytest.mark.parametrize("held,events", [(0, "0 events"), (1, "1 event"), (2, "2 events")])
def test_a_version_never_reached_counts_the_events_in_good_grammar(db, held, events):
    with open_store(db) as s:
        if held:
            s.append("main", [event_at(i) for i in range(held)])
        with pytest.raises(Exception) as info:
            s.append("main", [event_at(held)], expected_version=held + 5)
    assert str(info.value) == (f"stream 'main' is at version {held}, not {held + 5}: it holds {events}, fewer than the "
                               f"version expected")


def test_an_id_with_a_lone_surrogate_is_refused_before_anything_is_written(db):
    e = attrs.evolve(event_at(0), id="e-\udc80")
    with open_store(db) as s:
        with pytest.raises(InputError) as info:
            s.append("main", [e])
        # the id is hashed as UTF-8, which a lone surrogate cannot be
        assert "lone surrogate" in info.value.message and "'id'" in info.value.message
        assert s.version("main") == 0


def test_import_sets_a_title_or_description_only_on_a_stream_that_has_neither(db):
    events = [event_at(i) for i in range(4)]
    with open_store(db) as s:
        s.import_events("titled", events[:2], title="First")
        s.import_events("titled", events[2:], title="Second", description="more")
        assert s.title("titled") == ("First", "")
        s.import_events("described", events[:2], description="only words")
        s.import_events("described", events[2:], title="Late", description="other words")
        assert s.title("described") == ("", "only words")
        s.import_events("bare", events[:2])
        s.import_events("bare", events[2:], title="Now", description="it has one")
        assert s.title("bare") == ("Now", "it has one")


def test_a_payload_longer_than_any_of_its_type_is_refused():
    """``by_length``: a length no payload of the type can have gives a decoder that raises ValueError; so does one
    longer than the type's fields (AccusationMade needs only its actor: a payload of one value is a sound one)."""
    e = ev.AccusationMade(id="a", date=event_at(0).date, actor="RUS", target="USA", sources=("public record: x",))
    c = codec.event_codec("AccusationMade")
    values = codec.loads(c.encode(e))
    assert c.decode("a", e.date, values) == e
    most = len(c.order)
    for extra in (1, 5):
        with pytest.raises(ValueError) as info:
            c.decode("a", e.date, values + [None] * (most - len(values) + extra))
        assert str(info.value) == f"want 1 to {most} values for AccusationMade, got {most + extra}"


def test_the_description_of_a_table_names_its_key_type():
    # two models that differ only in the type of a table's keys are different models
    assert codec.describe(dict[str, int]) != codec.describe(dict[int, int])
    assert codec.describe(dict[str, int]) == {"dict": [codec.describe(str), codec.describe(int)]}


def test_snapshot_text_keeps_the_text_of_the_records_in_tables(real_log):
    """The incremental encoder keeps every record of the last snapshot (so an unchanged one is not encoded again),
    the records in tables (properties, sanctions) as well as those in lists, and gives the plain encoding."""
    s = fold(real_log.events)
    assert s.properties and s.sanctions
    text = SnapshotText()
    assert text.encode(s) == codec.encode_snapshot(s)
    kept = set(text._texts)
    assert {id(p) for p in s.properties.values()} <= kept and {id(x) for x in s.sanctions.values()} <= kept


def test_a_snapshot_that_claims_another_number_of_events_is_not_trusted(db, real_log):
    events = list(real_log.events)
    with open_store(db, snapshot_every=10) as s:
        s.append("main", events)
    c = sqlite3.connect(db, isolation_level=None)
    forged = 0
    for sid, version, body in c.execute("SELECT id, version, body FROM snapshots").fetchall():
        state = codec.decode_snapshot(body)
        state.events_applied = version + 3  # its last event still the one at that version
        body = codec.encode_snapshot(state)
        c.execute("UPDATE snapshots SET body = ?, checksum = ? WHERE id = ?", (body, hashlib.sha256(body).digest(),
                                                                               sid))
        forged += 1
    c.close()
    assert forged
    with open_store(db, readonly=True) as s:
        assert s.state("main") == fold(events)
        assert s.state("main").events_applied == len(events)


def test_a_store_in_a_folder_that_cannot_be_written_opens_only_for_reading(db, monkeypatch):
    with open_store(db) as s:
        s.append("main", [event_at(0)])
    folder = Path(db).absolute().parent
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == folder and mode == os.W_OK
                        else real_access(p, mode))
    with pytest.raises(InputError) as info:
        open_store(db)
    assert info.value.message == ("the store cannot be written (a read-only file or folder, or read-only media): "
                                  "commands that only read it work; to change it, copy it to a place you can write")
    with open_store(db, readonly=True) as s:
        assert s.version("main") == 1


def test_verify_names_an_event_stored_before_the_one_it_follows(db, real_log):
    # the rows of versions 8 and 9 trade places in the table: version 9 now lies before version 8
    with open_store(db) as s:
        s.append("main", real_log.events)
    c = sqlite3.connect(db, isolation_level=None)
    c.execute("DROP TRIGGER events_append_only_update")
    (p8,), (p9,) = c.execute("SELECT position FROM events WHERE version IN (8, 9) ORDER BY version").fetchall()
    c.execute("UPDATE events SET position = -1 WHERE position = ?", (p8,))
    c.execute("UPDATE events SET position = ? WHERE position = ?", (p8, p9))
    c.execute("UPDATE events SET position = ? WHERE position = -1", (p9,))
    c.close()
    ids = [e.id for e in real_log.events]
    with open_store(db, readonly=True) as s, pytest.raises(InputError) as info:
        s.verify()
    assert info.value.message == (f"event {ids[8]!r} (stream 'main', version 9) was stored before {ids[7]!r} "
                                   f"(version 8): reordered or inserted")


def test_the_options_of_a_store_are_keywords(db):
    with pytest.raises(TypeError):
        Store(db, True)
    with Store(db, must_exist=False) as s:
        assert s.version("none") == 0


# --- written after the fresh sample (1 in 16, offset 2): not counted in its score --------------------------------------

def test_a_stored_id_again_late_in_a_long_batch_is_named(db):
    """Ids are looked up 500 at a time: the 501st event of a batch is looked up too."""
    with open_store(db) as s:
        s.append("main", [event_at(0)])
        again = attrs.evolve(event_at(501), id=event_at(0).id)
        batch = [event_at(i) for i in range(1, 501)] + [again]  # the 501st has the stored one's id
        with pytest.raises(RuleViolation) as info:
            s.append("main", batch)
        assert (info.value.event_id, info.value.detail) == (event_at(0).id, "already in stream 'main' at version 1")
        assert s.version("main") == 1


def test_a_payload_leaves_out_every_trailing_default():
    # AccusationMade needs only its actor (first in storage order): with every other field at its default, the
    # payload is that one value
    c = codec.event_codec("AccusationMade")
    assert c.order[0] == "actor"
    e = ev.AccusationMade(id="a", date=event_at(0).date, actor="RUS")
    assert codec.loads(c.encode(e)) == ["RUS"]
    assert c.decode("a", e.date, ["RUS"]) == e


def test_a_payload_of_another_shape_with_a_number_for_true_or_false_is_refused_not_taken_for_the_default():
    """A payload of another shape is read by name; a value equal to the field's default is dropped only when it is of
    the default's type: 0 where ``false`` belongs is a damaged value, not the default."""
    import attrs as a

    c = codec.event_codec("DiplomatsExpelled")
    e = ev.DiplomatsExpelled(id="x", date=event_at(0).date, actor="RUS", target="USA", count=3,
                              sources=("public record: x",))
    values = codec.loads(c.encode(e))
    fields, hints = a.fields_dict(type(e)), codec._hints(type(e))
    full = values + [codec._encoded_default(fields[n], hints[n]) for n in c.order[len(values):]]
    assert codec.decode_by_shape("DiplomatsExpelled", c.version, c.shape, "x", e.date.isoformat(), full) == e
    flag = c.order.index("deadline_assumed")
    assert full[flag] is False
    full[flag] = 0
    with pytest.raises(ValueError, match="deadline_assumed"):
        codec.decode_by_shape("DiplomatsExpelled", c.version, c.shape, "x", e.date.isoformat(), full)


def test_a_store_path_through_a_file_is_refused_in_one_line(tmp_path):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(InputError) as info:
        open_store(tmp_path / "afile" / "s.db")
    assert info.value.message == os.strerror(20)  # ENOTDIR: "Not a directory"


def test_readonly_says_how_the_store_was_opened(db):
    with open_store(db) as s:
        assert s.readonly is False
        s.append("main", [event_at(0)])
    with open_store(db, readonly=True) as s:
        assert s.readonly is True


def test_a_sound_page_of_rows_is_parsed_by_one_json_parse(db, monkeypatch):
    from diplosim.store import read as read_module

    events = [event_at(i) for i in range(50)]
    with open_store(db) as s:
        s.append("main", events)
        rows = s.conn.execute("SELECT version, event_id, type, type_version, date, payload FROM events "
                              "ORDER BY version").fetchall()
        parses = []
        real = codec.loads
        monkeypatch.setattr(read_module.codec, "loads", lambda text: parses.append(1) or real(text))
        assert s._reader.decode_rows("main", rows) == events
    assert len(parses) == 1


def test_the_size_of_a_state_counts_its_sanctions():
    """state_size: the objects a snapshot encodes (missions, properties, sanctions, open items, designations)."""
    from diplosim.store.snapshots import state_size

    t = lambda name: ev.SanctionTarget(name=name)
    s = fold([ev.MissionEstablished(id="m", date=event_at(0).date, actor="USA", target="RUS", staff=3, sources=("s",)),
              ev.SanctionsImposed(id="x", date=event_at(0).date, actor="USA", target="RUS", sources=("s",),
                                  targets=(t("A"), t("B"), t("C")), measures=("asset freeze",))])
    assert (len(s.missions), len(s.sanctions)) == (1, 3)
    assert state_size(s) == 1 + 3


def test_a_snapshot_that_names_another_last_event_is_not_trusted(tmp_path, real_log):
    # a stream that ends on a snapshot, so that no later event sets last_event again
    with open_store(tmp_path / "a.db", snapshot_every=10) as s:
        s.append("main", real_log.events)
        top = s.conn.execute("SELECT max(version) FROM snapshots").fetchone()[0]
    events = list(real_log.events[:top])
    db = str(tmp_path / "b.db")
    with open_store(db, snapshot_every=10) as s:
        s.append("main", events)
    c = sqlite3.connect(db, isolation_level=None)
    assert c.execute("SELECT max(version) FROM snapshots").fetchone()[0] == len(events)
    for sid, body in c.execute("SELECT id, body FROM snapshots").fetchall():
        state = codec.decode_snapshot(body)
        state.last_event = "someone-else"  # its number of events still right
        body = codec.encode_snapshot(state)
        c.execute("UPDATE snapshots SET body = ?, checksum = ? WHERE id = ?", (body, hashlib.sha256(body).digest(),
                                                                               sid))
    c.close()
    with open_store(db, readonly=True) as s:
        assert s.state("main").last_event == events[-1].id
        assert s.state("main") == fold(events)


def test_a_store_file_says_it_is_a_diplosim_store_in_its_application_id(tmp_path):
    # the schema's docstring: PRAGMA application_id of a store is "DPLS", the four bytes, so that tools such as
    # file(1) can tell a store from another SQLite database; a store made by an earlier version carries the same
    db = str(tmp_path / "s.db")
    with open_store(db) as s:
        s.append("main", [ev.MissionEstablished(id="m", date=ev.MIN_DATE, actor="USA", target="RUS", staff=1,
                                                sources=("public record: test",))])
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == int.from_bytes(b"DPLS", "big")
    finally:
        conn.close()
    with open(db, "rb") as f:
        assert f.read(72)[68:72] == b"DPLS"  # the header's application id field, bytes 68 to 71


def test_a_store_made_without_options_creates_its_file(tmp_path):
    # Store(path), like open_store(path), creates a store that does not exist yet (README: the store is made on
    # first use); must_exist=True is the way to refuse a missing one
    db = tmp_path / "new.db"
    s = Store(str(db))
    try:
        assert db.exists() and s.streams() == []
    finally:
        s.close()
    with pytest.raises(InputError):
        Store(str(tmp_path / "missing.db"), must_exist=True)

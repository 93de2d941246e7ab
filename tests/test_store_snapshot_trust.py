"""Which snapshot a store trusts (snapshots.latest's docstring: this diplosim's format and model, a checksum that
matches, bound to the event it follows, a state of that many events ending there; else an older one), when the next
one is due, and what a state read at a date says of itself; written in one systematic pass over snapshots.py
(issue #13).  A snapshot is forged here that passes every check but one: the store must not use it."""
from __future__ import annotations

import datetime
import hashlib
import sqlite3

import pytest
from store_writer import event_at

from diplosim.core.fold import fold
from diplosim.store import codec, facade, open_store, snapshots, streams


@pytest.fixture
def db(tmp_path, monkeypatch) -> str:
    monkeypatch.setattr(facade, "SNAPSHOT_SPACING", 0)  # a snapshot exactly every snapshot_every events
    path = str(tmp_path / "s.db")
    with open_store(path, snapshot_every=2) as s:
        s.append("main", [event_at(i) for i in range(6)])
    return path


def _forge(db: str, version: int, **change) -> None:
    """Put a wrong state (one mission forgotten) in the snapshot at ``version``, sound in every respect that
    ``change`` (columns of its row, or ``seen_ids``) does not spoil."""
    c = sqlite3.connect(db, isolation_level=None)
    body, = c.execute("SELECT body FROM snapshots WHERE version = ?", (version,)).fetchone()
    s = codec.decode_snapshot(body)
    del s.missions[next(iter(s.missions))]
    if "seen_ids" in change:
        s.seen_ids = change.pop("seen_ids")
    body = codec.encode_snapshot(s)
    row = {"body": body, "checksum": hashlib.sha256(body).digest(), **change}
    c.execute(f"UPDATE snapshots SET {', '.join(f'{k} = ?' for k in row)} WHERE version = ?", (*row.values(), version))
    c.close()


def _latest(db: str, version: int, date=None):
    with open_store(db, readonly=True) as s:
        row = streams.existing(s._ctx, "main")
        found = snapshots.latest(s._ctx, row, version=version, date=date)
        return found and found[1]


def test_a_forged_snapshot_sound_in_every_respect_is_trusted(db):
    # the forgery is good enough: what the store checks is what stops the others below
    _forge(db, 6)
    assert _latest(db, 6) == 6
    with open_store(db, readonly=True) as s:
        assert s.state("main") != fold([event_at(i) for i in range(6)], check_ids=False)


@pytest.mark.parametrize("spoil", [{"format": 1}, {"model": "another"}, {"checksum": bytes(32)},
                                   {"event_hash": bytes(32)}, {"seen_ids": set()}])
def test_a_snapshot_failing_one_check_is_passed_over_for_the_one_before(db, spoil):
    _forge(db, 6, **spoil)
    assert _latest(db, 6) == 4
    with open_store(db, readonly=True) as s:
        assert s.state("main") == fold([event_at(i) for i in range(6)], check_ids=False)


def test_a_snapshot_body_stored_as_text_is_passed_over(db):
    c = sqlite3.connect(db, isolation_level=None)
    c.execute("UPDATE snapshots SET body = 'not bytes' WHERE version = 6")
    c.close()
    assert _latest(db, 6) == 4


@pytest.fixture
def thirty(tmp_path, monkeypatch) -> str:
    """A stream of 30 events with a snapshot after each."""
    monkeypatch.setattr(facade, "SNAPSHOT_SPACING", 0)
    path = str(tmp_path / "s.db")
    with open_store(path, snapshot_every=1) as s:
        s.append("main", [event_at(i) for i in range(30)])
    return path


def _untrust(path: str, where: str = "") -> None:
    """Spoil the checksum of the snapshots ``where`` (an SQL condition; every one without it)."""
    c = sqlite3.connect(path, isolation_level=None)
    c.execute("UPDATE snapshots SET checksum = zeroblob(32)" + (f" WHERE {where}" if where else ""))
    c.close()


def test_more_untrusted_snapshots_than_one_query_fetches_are_paged_through(thirty):
    _untrust(thirty, "version > 11")  # 19 untrusted, newest first
    assert (_latest(thirty, 30), _latest(thirty, 11), _latest(thirty, 5)) == (11, 11, 5)
    _untrust(thirty)
    assert _latest(thirty, 30) is None


def test_the_next_query_starts_just_below_the_oldest_snapshot_of_the_last(thirty):
    # one query fetches 8 candidates: 23 to 30 untrusted, the newest sound one is 22, the first of the next query
    _untrust(thirty, "version > 22")
    assert _latest(thirty, 30) == 22


def test_the_latest_snapshot_at_a_date_ends_on_or_before_it(tmp_path, monkeypatch):
    # event_at puts 40 events on each day from 2000-01-01
    monkeypatch.setattr(facade, "SNAPSHOT_SPACING", 0)
    path = str(tmp_path / "s.db")
    events = [event_at(i) for i in range(100)]
    with open_store(path, snapshot_every=10) as s:
        s.append("main", events)
        day2 = datetime.date(2000, 1, 2)
        assert s.state_at("main", day2) == fold(events, until=day2, check_ids=False)
        assert s.state_at("main", day2).as_of == day2
        assert s.state("main").as_of == events[-1].date == datetime.date(2000, 1, 3)
    assert (_latest(path, 100, datetime.date(2000, 1, 1)), _latest(path, 100, day2), _latest(path, 100)) == \
        (40, 80, 100)
    assert _latest(path, 55, day2) == 50


def test_the_next_snapshot_is_due_every_n_events_or_further_for_a_big_state():
    s = fold([event_at(0), event_at(1)], check_ids=False)  # two missions: a state of two objects
    assert len(s.missions) == 2 and snapshots.state_size(s) == 2
    assert (snapshots.due(10, 3, 2, s), snapshots.due(10, 5, 2, s), snapshots.due(0, 1000, 0, s)) == (14, 15, 1000)


def test_a_stream_without_snapshots_has_its_last_at_version_0(tmp_path):
    with open_store(str(tmp_path / "s.db"), snapshot_every=100) as s:
        s.append("main", [event_at(0)])
        assert snapshots.last_version(s._ctx, streams.existing(s._ctx, "main")) == 0


def test_a_timeline_of_a_store_holds_the_stream_and_checkpoints_every_1000_events_unless_told(tmp_path):
    events = [event_at(i) for i in range(50)]
    with open_store(str(tmp_path / "s.db")) as s:
        s.append("main", events)
        t, t5 = s.timeline("main"), s.timeline("main", every=5)
        day = datetime.date(2000, 1, 1)
        assert (t.every, t5.every) == (1000, 5)
        assert t.at(day) == t5.at(day) == fold(events, until=day, check_ids=False)

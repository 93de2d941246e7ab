"""The head of a stream's hash chain, kept elsewhere, catches what the chain alone cannot: a whole stream rewritten
with every hash recomputed passes ``verify`` but not ``verify --expect-head``."""
from __future__ import annotations

import hashlib
from pathlib import Path

import attrs
import pytest
from conftest import run_cli
from store_tamper import rewrite_consistently

from diplosim.store import open_store


def digest(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def db(tmp_path, real_log):
    path = str(tmp_path / "my.db")
    with open_store(path) as s:
        s.import_events("main", real_log.events)
        s.append("other", real_log.events[:3])
    return path


def test_the_head_is_the_hash_of_the_last_event_and_verify_returns_the_heads_it_checked(db, real_log):
    with open_store(db, readonly=True) as s:
        last = s.conn.execute("SELECT hash FROM events WHERE event_id = ?", (real_log.events[-1].id,)).fetchone()[0]
        assert s.head("main") == last.hex() and len(s.head("main")) == 64
        assert s.verify(heads=True)["heads"] == {"main": s.head("main"), "other": s.head("other")}
        assert "heads" not in s.verify()  # the summary without the option is what it was
        assert s.streams()[0]["head"] == s.head("main")[:16]
    with open_store(db) as s:
        s.append("empty", [])
        assert s.head("empty") == "0" * 64


def test_a_consistent_rewrite_passes_verify_but_not_the_head_kept_before(db):
    done = run_cli("verify", db, "--heads")
    assert done.returncode == 0, done.stderr
    line = [x for x in done.stdout.splitlines() if x.startswith("head of 'main': ")]
    assert len(line) == 1
    kept = line[0].removeprefix("head of 'main': ")
    assert run_cli("verify", db, "--expect-head", kept).returncode == 0

    rewrite_consistently(db, "usa-expels-35", "The State Department expels no one")
    with open_store(db, readonly=True) as s:
        assert s.verify()["events"] == 38  # the chain alone cannot tell
        now = s.head("main")
        assert next(e for e in s.read("main") if e.id == "usa-expels-35").summary == \
            "The State Department expels no one"
    assert now != kept
    assert run_cli("verify", db).returncode == 0
    before = digest(db)
    done = run_cli("verify", db, "--expect-head", kept)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == f"diplosim: {db}: stream 'main' head is {now}, expected {kept}\n"
    assert digest(db) == before
    # upper case is the same head; another stream is checked against its own head
    assert run_cli("verify", db, "--expect-head", now.upper()).returncode == 0
    done = run_cli("verify", db, "--stream", "other", "--expect-head", now)
    assert done.returncode == 2 and "stream 'other' head is " in done.stderr


def test_verify_prints_every_streams_head_or_the_one_asked_for(db):
    with open_store(db, readonly=True) as s:
        main, other = s.head("main"), s.head("other")
    out = run_cli("verify", db, "--heads").stdout.splitlines()
    assert out[0].startswith(f"ok: {db}: 2 streams, 38 events")
    assert out[1:] == [f"head of 'main': {main}", f"head of 'other': {other}"]
    out = run_cli("verify", db, "--heads", "--stream", "other").stdout.splitlines()
    assert out[1:] == [f"head of 'other': {other}"]
    assert len(run_cli("verify", db).stdout.splitlines()) == 1  # the one line it always printed
    out = run_cli("verify", db, "--stream", "other", "--expect-head", other).stdout.splitlines()
    assert out[1:] == [f"head of 'other': {other} (as expected)"]


@pytest.mark.parametrize("bad", ["abc", "g" * 64, "a" * 63, "a" * 65, " " + "a" * 63, ""])
def test_a_head_that_is_not_64_hex_digits_is_refused_in_one_line(db, bad):
    before = digest(db)
    done = run_cli("verify", db, "--expect-head", bad)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "argument --expect-head" in done.stderr and "64 hex digits" in done.stderr
    assert digest(db) == before


def test_an_expected_head_of_a_stream_that_is_not_there_names_the_streams(db):
    done = run_cli("verify", db, "--stream", "nope", "--expect-head", "a" * 64)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == f"diplosim: {db}: no stream 'nope' (streams: main, other)\n"


def test_the_default_stream_is_the_one_checked(tmp_path, real_log):
    path = str(tmp_path / "one.db")
    with open_store(path) as s:
        s.append("only", real_log.events[:5])
        head = s.head("only")
    assert run_cli("verify", path, "--expect-head", head).returncode == 0
    assert run_cli("verify", path, "--expect-head", "0" * 64).stderr.startswith(
        f"diplosim: {path}: stream 'only' head is {head}")


def test_verify_reads_one_moment_of_the_store_while_a_writer_appends(db, real_log, monkeypatch):
    """An append landing in the middle of verify's walk is not half-seen: verify checks the store as it was when it
    began, and the head it returns is that moment's (before, the new events looked like an edited head)."""
    from diplosim.store.read import Reader

    with open_store(db, readonly=True) as s:
        before = s.head("main")
    original, appended = Reader.decode_rows, []

    def decode_rows(self, stream, rows):
        if not appended:
            with open_store(db) as writer:
                appended.append(writer.append("main", [again(real_log.events[-1])]))
        return original(self, stream, rows)
    monkeypatch.setattr(Reader, "decode_rows", decode_rows)
    with open_store(db, readonly=True) as s:
        summary = s.verify(heads=True)
        assert appended == [len(real_log) + 1]
        assert summary["events"] == len(real_log) + 3 and summary["heads"]["main"] == before
        assert s.head("main") != before  # the append is there for what comes next
    monkeypatch.undo()
    with open_store(db, readonly=True) as s:
        assert s.verify()["events"] == len(real_log) + 4


def again(e):
    """The event again under another id (the last event of the real log can be appended twice)."""
    return attrs.evolve(e, id=e.id + "-again")

"""Proof that the store loses nothing: writers killed with SIGKILL at random moments, and writers racing each other.

The writers are separate processes (tests/store_writer.py) that acknowledge on stdout only after ``append``
returned.  A killed writer may have committed one batch it could not acknowledge any more; that batch is then in the
store entirely, never in part.
"""
from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

from store_writer import event_at, speech_at

from diplosim.store import open_store

WRITER = str(Path(__file__).with_name("store_writer.py"))
#: Bounded in CI; more locally (set STORE_KILLS to go further).
KILLS = int(os.environ.get("STORE_KILLS", 20 if os.environ.get("CI") else 50))
BATCH = 100


def _writer(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, WRITER, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_a_writer_killed_at_random_moments_keeps_every_acknowledged_event(tmp_path):
    rng = random.Random(20261123)
    db = str(tmp_path / "crash.db")
    acked = checked = 0
    for kill in range(KILLS):
        proc = _writer("crash", db, str(BATCH))
        ready = proc.stdout.readline()
        assert ready.startswith("ready "), proc.communicate()[1]
        assert int(ready.split()[1]) >= acked
        first = proc.stdout.readline()  # the first acknowledgement: the kill lands among appends, not before them
        assert first.startswith("ack "), proc.communicate()[1]
        time.sleep(rng.uniform(0.0, 0.1))
        proc.kill()  # SIGKILL: no clean-up, no checkpoint, no flush
        out, err = proc.communicate()
        assert proc.returncode == -9, err
        # the first acknowledgement counts too (read above, it is not in `out`: a kill before the second one's
        # acknowledgement left the store two batches past the last one seen here)
        acks = [int(line.split()[1]) for line in [first, *out.splitlines()] if line.startswith("ack ")]
        acked = max([acked, *acks])

        with open_store(db, must_exist=True) as store:  # opens after the kill, and is sound
            summary = store.verify()
            version = store.version("main")
            assert summary["events"] == version
            # everything acknowledged is there; beyond it at most the one batch in flight, whole
            assert version - acked in (0, BATCH), (version, acked)
            assert list(store.read("main", after=checked)) == [event_at(i) for i in range(checked, version)]
        acked = checked = version
    assert acked >= BATCH * KILLS  # the writers did get work done between the kills


def _outcomes(proc: subprocess.Popen) -> tuple[list[list[str]], int]:
    out, err = proc.communicate(timeout=240)
    assert proc.returncode == 0, err
    acks = [line[4:].split(",") for line in out.splitlines() if line.startswith("ack ")]
    conflicts = sum(line.startswith("conflict ") for line in out.splitlines())
    return acks, conflicts


def test_concurrent_writers_keep_every_acknowledged_event_once_and_report_every_conflict(tmp_path):
    db = str(tmp_path / "race.db")
    open_store(db).close()
    attempts = 25
    shared = [_writer("concurrent", db, "shared", f"w{i}", str(attempts), "--shared") for i in range(3)]
    own = [_writer("concurrent", db, f"own{i}", f"o{i}", str(attempts)) for i in range(2)]
    everyone = shared + own
    for proc in everyone:
        assert proc.stdout.readline() == "ready\n", proc.communicate()[1]
    for proc in everyone:  # all start together
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = [_outcomes(proc) for proc in everyone]

    with open_store(db, must_exist=True, readonly=True) as store:
        summary = store.verify()  # versions gapless, chains intact, in every stream
        stored = [e.id for e in store.read("shared")]
        assert len(stored) == len(set(stored))  # each event once
        acknowledged = [i for acks, _ in results[:3] for batch in acks for i in batch]
        assert sorted(stored) == sorted(acknowledged)  # every acknowledged event, and nothing else
        for acks, conflicts in results[:3]:
            assert len(acks) + conflicts == attempts  # every attempt either appended or reported a conflict
            mine = [i for batch in acks for i in batch]
            assert [i for i in stored if i in set(mine)] == mine  # in the order this writer appended them
        # all three began expecting a new stream: only one of them could be right
        assert sum(conflicts for _, conflicts in results[:3]) >= 2
        for k, (acks, conflicts) in enumerate(results[3:]):
            assert conflicts == 0
            ids = [e.id for e in store.read(f"own{k}")]
            assert ids == [i for batch in acks for i in batch]
            assert ids == [event_at(n, f"o{k}").id for n in range(len(ids))]
        assert summary["events"] == len(stored) + sum(store.version(f"own{k}") for k in range(2))
        assert list(store.read("shared"))[0] == speech_at(stored[0].rsplit("-", 1)[0], 0)

"""The benchmarks' correctness checks, small and without peers or timing: what ``python -m bench --quick`` checks.

The benchmarked code must compute the same states as the library's own fold (a replay from memory or from the
store, the state at random dates through snapshots), read back what it appended, and play the same moves as the
strategies' own ``respond``; the tournament gives the same rows on 1 and 2 processes.  Speed is never asserted here.
A workload whose diplosim module does not exist yet is reported by the checks, and its test is skipped saying so.
"""
from __future__ import annotations

import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT))  # bench/ lives beside the package, at the repository's root

from bench import checks  # noqa: E402
from bench.data import as_pairs, fold_pairs, least_staff, synthetic_events  # noqa: E402

N = 1500


def _run(name: str) -> None:
    ((_, status),) = checks.correctness(N, seed=3, only=[name])
    if status != "ok":
        pytest.skip(status)  # the module of that workload is not in the tree yet


@pytest.mark.parametrize("name", ["replay", "store", "timeline", "match", "tournament", "cold-start"])
def test_benchmarked_code_computes_what_the_library_computes(name):
    _run(name)


def test_a_wrong_state_fails_the_check():
    from diplosim.core.fold import fold

    events = synthetic_events(N, seed=3)
    state = fold(events)
    checks.same_state(state, fold(events), "the same replay")
    short = fold(events[:-1])
    with pytest.raises(checks.CheckFailed):
        checks.replay(events, short)
    d = events[N // 2].date
    checks.state_queries(events, [d], [fold(events, until=d)])
    with pytest.raises(checks.CheckFailed, match="state at"):
        checks.state_queries(events, [d], [fold(events, until=events[-1].date)])


def test_wrong_moves_or_reads_fail_the_check():
    with pytest.raises(checks.CheckFailed):
        checks.match_moves(("C" * 10, "C" * 9 + "D"), "tit-for-tat", "tit-for-tat", 10)
    checks.match_moves(("CCDCD", "CDCDC"), "tit-for-tat", "alternator", 5)
    events = synthetic_events(20, seed=3)
    with pytest.raises(checks.CheckFailed):
        checks.read_back(events, events[:-1])
    with pytest.raises(checks.CheckFailed):
        checks.read_back(events, events[1:] + events[:1])


def test_bare_fold_counts_staff_per_pair():
    events = synthetic_events(N, seed=3)
    staff = fold_pairs(as_pairs(events))
    # every established mission is a key, with at least the people it started with minus those expelled
    established = {(e.actor, e.target) for e in events if e.type == "MissionEstablished"}
    assert established <= set(staff)
    expelled = sum(e.count for e in events if e.type == "DiplomatsExpelled")
    added = sum(least_staff(e) if e.type == "MissionEstablished" else e.count
                for e in events if e.type in ("MissionEstablished", "StaffAssigned"))
    assert sum(staff.values()) == added - expelled


def test_the_command_runs_its_checks_and_exits_0():
    import subprocess

    out = subprocess.run([sys.executable, "-m", "bench", "--checks-only", "--events", "600"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    lines = dict(line.split(": ", 1) for line in out.stdout.splitlines())
    assert lines["replay"] == "ok" and set(lines) == set(checks.CHECKS)


def test_the_fold_phase_profile_gives_its_four_phases_and_leaves_the_fold_as_it_was():
    """``python -m bench.phases`` swaps the fold's handlers for do-nothing ones during one phase: afterwards the
    fold must be the library's again (the same state as before the profile)."""
    from bench import phases
    from diplosim.core import fold as fold_module
    from diplosim.core.fold import fold

    events = synthetic_events(N, seed=3)
    before, want = dict(fold_module._HANDLERS), fold(events)
    rows = phases.phases(N)
    assert [name for name, _ in rows][0].startswith("bare fold") and len(rows) == 4
    assert all(us > 0 for _, us in rows)
    assert fold_module._HANDLERS == before and fold_module._resolve.__module__ == "diplosim.core.fold"
    checks.same_state(fold(events), want, "the fold after the profile")
    shares = phases.handler_shares(N)
    assert abs(sum(share for _, share in shares) - 1) < 1e-9 and "_expelled" in dict(shares)


def test_the_state_at_phase_profile_times_every_part_of_a_query():
    from bench import phases

    rows = dict(phases.state_at_phases(N, queries=20))
    assert {"parse its JSON", "build the state", "read the events after it", "apply them"} <= set(rows)
    assert all(v >= 0 for v in rows.values()) and rows["parse its JSON"] > 0
    assert 0 <= rows["events after the snapshot (median count)"] <= N

"""Correctness checks: the benchmarked code must compute what the library's own fold and match compute.

The harness runs these on the very results it timed (``python -m bench --quick``); :func:`correctness` runs them
on small inputs with no peers and no timing, which is what ``tests/test_bench_quick.py`` (and so CI) runs.
Each check raises :class:`CheckFailed` naming what differs.

    >>> correctness(300, only=["replay"])
    [('replay', 'ok')]
"""
from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

from .data import diff, random_dates, synthetic_events
from .harness import ROOT


class CheckFailed(AssertionError):
    """A benchmark computed something other than the library does."""


def has(module: str) -> bool:
    """Whether a diplosim module exists yet (workloads whose diplosim side is missing are reported, not run)."""
    return importlib.util.find_spec(module) is not None


# --- the checks -------------------------------------------------------------------------------------------------


def same_state(got: Any, want: Any, what: str) -> None:
    problem = diff(got, want)
    if problem:
        raise CheckFailed(f"{what}: {problem} from the fold's state")


def replay(events: list, state: Any) -> None:
    """The timed replay applied every event and equals the fold resumed from the state halfway through."""
    from diplosim.core.fold import fold

    if state.events_applied != len(events):
        raise CheckFailed(f"replay applied {state.events_applied} of {len(events)} events")
    half = len(events) // 2
    same_state(state, fold(events[half:], state=fold(events[:half])), "replay from memory")


def state_queries(events: list, dates: list, states: list, sample: int | None = None) -> None:
    """Each state answered for a date equals ``fold(events, until=date)`` (the first ``sample`` of them, or all)."""
    from diplosim.core.fold import fold

    for date, got in list(zip(dates, states))[:sample]:
        same_state(got, fold(events, until=date), f"state at {date}")


def read_back(events: list, stored: list) -> None:
    """What the store gives back is exactly what was appended, in order."""
    if len(stored) != len(events):
        raise CheckFailed(f"the store holds {len(stored)} events, {len(events)} were appended")
    for i, (a, b) in enumerate(zip(events, stored)):
        if a != b:
            raise CheckFailed(f"event {i} ({a.id}) reads back as {b!r}")


def match_moves(moves: tuple[str, str], a: str, b: str, rounds: int) -> None:
    """The match's move strings equal a play of the same strategies through their general ``respond`` path."""
    from diplosim.play.strategies import get
    from diplosim.play.strategies.base import generic_binary
    import random

    want = ["", ""]
    firsts, steps = zip(*(generic_binary(get(n), random.Random(0)) for n in (a, b)))
    last = list(firsts)
    for _ in range(rounds):
        want[0] += "CD"[last[0]]
        want[1] += "CD"[last[1]]
        last = [steps[0](last[0], last[1]), steps[1](last[1], last[0])]
    if tuple(moves) != tuple(want):
        raise CheckFailed(f"match {a} vs {b}: moves differ from the strategies' respond() play")


def axelrod_moves(moves: tuple[str, str], axelrod_moves: str) -> None:
    if " ".join(moves) != axelrod_moves:
        raise CheckFailed("the match's moves differ from axelrod's Match for the same pairing")


def same_rows(one: list[dict], other: list[dict], what: str) -> None:
    if one != other:
        raise CheckFailed(f"{what}: results differ")


def baselines_agree(es_staff: dict, bare: dict) -> None:
    if es_staff != bare:
        raise CheckFailed("the eventsourcing aggregate and the bare fold disagree on staff per pair")


HEAVY = ("numpy", "pandas", "matplotlib", "dask", "sqlite3", "axelrod", "eventsourcing", "torch", "tabulate",
         "hypothesis")


def cold_start() -> None:
    """``diplosim --help`` exits 0 with its usage, and building the parser imports none of :data:`HEAVY`."""
    exe = shutil.which("diplosim", path=str(Path(sys.executable).parent)) or shutil.which("diplosim")
    if not exe:
        raise CheckFailed("the diplosim console script is not installed")
    out = subprocess.run([exe, "--help"], capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0 or not out.stdout.startswith("usage: diplosim"):
        raise CheckFailed(f"diplosim --help exited {out.returncode}: {out.stderr.strip()[-300:]}")
    probe = ("import sys; from diplosim.cli import build_parser; build_parser(); "
             f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise CheckFailed(f"building the parser failed: {out.stderr.strip()[-300:]}")
    if out.stdout.strip():
        raise CheckFailed(f"diplosim --help imports {out.stdout.strip()} at start-up")


def startup_imports() -> list[str]:
    """Modules beyond the command line's own that building ``diplosim --help``'s parser imports (diplosim's
    library modules and third-party packages): what makes the cold start slower than it need be."""
    probe = ("import sys; before = set(sys.modules); from diplosim.cli import build_parser; build_parser(); "
             "print(' '.join(sorted(m for m in set(sys.modules) - before if '.' not in m or "
             "(m.startswith('diplosim.') and not m.startswith('diplosim.cli')))))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT)
    stdlib = set(sys.stdlib_module_names)
    return [m for m in out.stdout.split() if m.split(".")[0] not in stdlib and not m.startswith("_")
            and m != "diplosim"]


# --- all of them, small, no peers ---------------------------------------------------------------------------------

#: The tournament of the benchmarks: ten strategies that axelrod has too (diplosim name, axelrod class).
TOURNAMENT = (("tit-for-tat", "TitForTat"), ("tit-for-two-tats", "TitFor2Tats"), ("two-tits-for-tat", "TwoTitsForTat"),
              ("generous-tit-for-tat", "GTFT"), ("suspicious-tit-for-tat", "SuspiciousTitForTat"),
              ("grim-trigger", "Grudger"), ("win-stay-lose-shift", "WinStayLoseShift"),
              ("go-by-majority", "GoByMajority"), ("alternator", "Alternator"), ("random", "Random"))


def _check_replay(n: int, seed: int) -> str:
    from diplosim.core.fold import fold

    events = synthetic_events(n, seed)
    replay(events, fold(events))
    return "ok"


def _check_store(n: int, seed: int) -> str:
    if not has("diplosim.store"):
        return "not there yet (diplosim/store.py)"
    from . import store_side

    events = synthetic_events(n, seed)
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "check.db")
        store_side.append(db, events, batch=max(1, n // 7))
        read_back(events, store_side.read_all(db))
        from diplosim.core.fold import fold
        same_state(store_side.replay(db), fold(events), "replay from the store")
        dates = random_dates(events, 40, seed)
        state_queries(events, dates, store_side.states_at(db, dates))
    return "ok"


def _check_timeline(n: int, seed: int) -> str:
    from diplosim.core.timeline import Timeline

    events = synthetic_events(n, seed)
    dates = random_dates(events, 40, seed)
    timeline = Timeline(events, every=max(1, n // 13), keyframe_every=3)
    state_queries(events, dates, [timeline.at(d) for d in dates])
    return "ok"


def _check_match(n: int, seed: int) -> str:
    if not has("diplosim.play.tournament"):
        return "not there yet (diplosim/tournament.py)"
    from diplosim.play.strategies import get
    from diplosim.play.tournament import match

    for a, _ in TOURNAMENT:
        for b in ("tit-for-tat", "alternator", "suspicious-tit-for-tat"):
            if get(a).stochastic:
                continue
            match_moves(match(get(a), get(b), 60).moves, a, b, 60)
    return "ok"


def _check_tournament(n: int, seed: int) -> str:
    if not has("diplosim.play.tournament"):
        return "not there yet (diplosim/tournament.py)"
    from diplosim.play.strategies import get
    from diplosim.play.tournament import executor, tournament

    strategies = [get(name) for name, _ in TOURNAMENT]
    one = tournament(strategies, rounds=50, repetitions=2, noise=0.05, seed=seed).rows
    with executor(processes=2) as ex:
        two = tournament(strategies, rounds=50, repetitions=2, noise=0.05, seed=seed, executor=ex).rows
    same_rows(one, two, "the tournament on 1 and on 2 processes")
    return "ok"


def _check_cold_start(n: int, seed: int) -> str:
    cold_start()
    return "ok"


CHECKS: dict[str, Callable[[int, int], str]] = {
    "replay": _check_replay,
    "store": _check_store,
    "timeline": _check_timeline,
    "match": _check_match,
    "tournament": _check_tournament,
    "cold-start": _check_cold_start,
}


def correctness(n: int = 2000, seed: int = 1, only: list[str] | None = None) -> list[tuple[str, str]]:
    """Run the checks on ``n`` synthetic events; (name, "ok" or why it was not run).  Raises CheckFailed."""
    return [(name, fn(n, seed)) for name, fn in CHECKS.items() if only is None or name in only]

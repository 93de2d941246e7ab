"""The axelrod side of the benchmarks: a Match and a Tournament of the library's own classes.

Written from axelrod's documented API: ``axl.Match((p1, p2), turns=N).play()`` returns the list of (move, move)
pairs, and ``axl.Tournament(players, turns=, repetitions=, noise=, seed=).play(processes=, progress_bar=False)``
plays the round robin and builds its ranked ResultSet.
"""
from __future__ import annotations

import importlib.util
from typing import Any

# the peer is optional (rows that need it are skipped with a note), and importing it takes seconds (it imports
# torch), so it is imported on first use only
MISSING = (None if importlib.util.find_spec("axelrod") is not None
           else "axelrod is not installed (pip install -r bench/requirements.txt)")


def _axl() -> Any:
    import axelrod

    return axelrod


def players(names: list[str]) -> list[Any]:
    """Fresh players of the axelrod classes named (``TitForTat``, ``GTFT``...)."""
    axl = _axl()
    return [getattr(axl, n)() for n in names]


def match(a: str, b: str, turns: int) -> str:
    """Play a fresh Match (a new one each call, so its cache of deterministic matches starts empty); the moves
    of each side as ``"CCD..."`` strings joined by a space."""
    moves = _axl().Match(tuple(players([a, b])), turns=turns).play()
    return "".join(str(x) for x, _ in moves) + " " + "".join(str(y) for _, y in moves)


def tournament(names: list[str], turns: int, repetitions: int, noise: float, seed: int,
               processes: int | None = None) -> list[str]:
    """Play axelrod's tournament and return its ranked player names.

    ``processes=None`` plays every match in this process.  (axelrod maps ``processes=1`` to as many worker
    processes as there are cores, so its in-process path is the one-process baseline.)
    """
    t = _axl().Tournament(players(names), turns=turns, repetitions=repetitions, noise=noise, seed=seed)
    results = t.play(processes=processes, progress_bar=False)
    return list(results.ranked_names)

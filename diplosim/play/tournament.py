"""Matches of simultaneous rounds, round-robin tournaments and Monte Carlo sweeps, on any executor.

A **match** is Axelrod's game: each round both sides choose at once, C (restraint) or D (a hostile measure),
from what they have seen so far.  ``noise`` is the probability that a move is flipped (misperceived: both sides
see, and remember, the flipped move, as in the axelrod library).  ``lag`` (rounds) makes each side see the other's
moves that many rounds late.  Moves are played by each strategy's binary fast path (:meth:`Strategy.binary`) on
bytes; they equal the axelrod library's move for move for every deterministic strategy both have.

Besides the payoffs (the usual R=3, T=5, S=0, P=1), a match keeps a simple account of the missions: each side
starts with ``staff`` people in the other country and each hostile move of the other side expels ``cut`` of them;
``floor`` marks the size below which a mission no longer works.

A **tournament** plays every pair (each strategy against itself too, as axelrod does) ``repetitions`` times and
ranks the strategies (self-play is left out of the ranking).  A **sweep** plays a seeded grid of strategy pairs and
parameters (noise, p, factor, lag, floor), ``repetitions`` matches per cell.  Both cut the work into a few chunks
per worker and run them on any :class:`concurrent.futures.Executor` (a process pool by default, dask through
``--scheduler``).  Each match's seed comes from (seed, its index in the grid), and all sums are whole numbers, so
the same seed gives identical results on every executor and with any chunking.

    >>> r = match(get("tit-for-tat"), get("alternator"), rounds=6)
    >>> r.moves
    ('CCDCDC', 'CDCDCD')
    >>> r.scores, r.cooperation
    ((13, 18), (0.667, 0.5))
"""
from __future__ import annotations

import copy
import itertools
import math
import random
from typing import Any, Callable, Sequence

from attrs import field, frozen

from ..core.errors import InputError
from .parallel import here_if_small
from .strategies import Strategy, get
from .strategies.base import seed_for
from .executors import _chunks, _workers, executor, run_chunks, shared_pool, stop_pools  # noqa: F401

R, S, T, P = 3, 0, 5, 1
DEFAULT_STAFF, DEFAULT_CUT, DEFAULT_FLOOR = 500, 5, 250
_MOVES = bytes.maketrans(b"\x00\x01", b"CD")


def check_match_args(rounds: int, noise: float, lag: int = 0) -> None:
    """Raise InputError for zero or negative rounds, noise outside [0, 1] or a negative lag.

    >>> check_match_args(0, 0.0)
    Traceback (most recent call last):
    diplosim.core.errors.InputError: rounds must be a whole number of at least 1 (got 0)
    """
    if isinstance(rounds, bool) or not isinstance(rounds, int) or rounds < 1:
        raise InputError(f"rounds must be a whole number of at least 1 (got {rounds})")
    if not (isinstance(noise, (int, float)) and 0.0 <= noise <= 1.0):
        raise InputError(f"noise must be between 0 and 1 (got {noise})")
    if lag < 0:
        raise InputError(f"lag must not be negative (got {lag})")


# --- the binary engine ------------------------------------------------------------------------------------------------


def _flips(rng: random.Random, n: int, p: float) -> bytearray | None:
    """Which of ``n`` moves noise flips: a 0/1 mask, drawn by geometric skips (one draw per flip, not per move)."""
    if p <= 0.0:
        return None
    if p >= 1.0:
        return bytearray(b"\x01" * n)
    mask = bytearray(n)
    logq = math.log1p(-p)
    rand = rng.random
    i = int(math.log(1.0 - rand()) / logq)
    while i < n:
        mask[i] = 1
        i += 1 + int(math.log(1.0 - rand()) / logq)
    return mask


def play_binary(a: Strategy, b: Strategy, rounds: int, *, noise: float = 0.0, seed: int = 0,
                lag: int = 0) -> tuple[bytearray, bytearray]:
    """The moves of a match as two bytearrays of 0 (C) and 1 (D).  Seeded: the same arguments, the same moves.

    >>> bytes(play_binary(get("grim-trigger"), get("alternator"), 5)[0])
    b'\\x00\\x00\\x01\\x01\\x01'
    """
    if a is b:   # self-play with one object: each side needs its own per-match memory
        b = copy.deepcopy(b)
    rng = random.Random(seed)
    n = rounds
    fa = _flips(rng, n, noise)
    fb = _flips(rng, n, noise)
    noisy = fa is not None
    if not lag:
        ta, tb = a.binary_table(), b.binary_table()
        if ta is not None and tb is not None:
            return _play_tables(ta, tb, n, fa, fb)
    first_a, step_a = a.binary(rng)
    first_b, step_b = b.binary(rng)
    A = bytearray(n)
    B = bytearray(n)
    if not noisy:
        fa = fb = bytes(n)
    x = first_a ^ fa[0]
    y = first_b ^ fb[0]
    A[0] = x
    B[0] = y
    if lag:
        for i in range(1, n):
            j = i - 1 - lag
            if j >= 0:
                x, y = step_a(x, B[j]) ^ fa[i], step_b(y, A[j]) ^ fb[i]
            else:
                x, y = step_a(x, 0) ^ fa[i], step_b(y, 0) ^ fb[i]
            A[i] = x
            B[i] = y
    elif noisy:
        for i in range(1, n):
            x, y = step_a(x, y) ^ fa[i], step_b(y, x) ^ fb[i]
            A[i] = x
            B[i] = y
    else:
        for i in range(1, n):
            x, y = step_a(x, y), step_b(y, x)
            A[i] = x
            B[i] = y
    return A, B


_HI = bytes.maketrans(bytes(range(4)), bytes([0, 0, 1, 1]))
_LO = bytes.maketrans(bytes(range(4)), bytes([0, 1, 0, 1]))


def _play_tables(ta: tuple[int, bytes], tb: tuple[int, bytes], n: int, fa: bytearray | None,
                 fb: bytearray | None) -> tuple[bytearray, bytearray]:
    """Both sides memory-one and deterministic: the joint state (A's move, B's move) steps through one table."""
    (first_a, resp_a), (first_b, resp_b) = ta, tb
    # next joint state from the joint state s = 2 * a + b; B's table is indexed from its side (2 * b + a)
    nxt = bytes((resp_a[s] << 1) | resp_b[((s & 1) << 1) | (s >> 1)] for s in range(4))
    joint = bytearray(n)
    s = (first_a << 1) | first_b
    if fa is not None:
        flips = bytearray(n)
        for i in range(n):
            flips[i] = (fa[i] << 1) | fb[i]
        s ^= flips[0]
        joint[0] = s
        for i in range(1, n):
            s = nxt[s] ^ flips[i]
            joint[i] = s
    else:
        joint[0] = s
        for i in range(1, n):
            s = nxt[s]
            joint[i] = s
    return joint.translate(_HI), joint.translate(_LO)


def _count_and(a: bytes, b: bytes) -> int:
    """How many positions hold 1 in both 0/1 byte strings."""
    return (int.from_bytes(a, "little") & int.from_bytes(b, "little")).bit_count()


def _kth_one(moves: bytes, k: int) -> int | None:
    """Index of the k-th 1 (k >= 1) in a 0/1 byte string, or None.

    >>> _kth_one(bytes([0, 1, 1, 0, 1]), 3), _kth_one(bytes([0, 1]), 2)
    (4, None)
    """
    pieces = moves.split(b"\x01", k)
    if len(pieces) <= k:
        return None
    return len(moves) - len(pieces[-1]) - 1


def _stats(A: bytes, B: bytes, staff: int, cut: int, floor: int) -> tuple[int, ...]:
    """Whole-number statistics of one match, side A then side B:
    score, hostile moves, unprovoked hostile moves, final staff, round the mission fell below the floor (0: never)."""
    n = len(A)
    da, db = A.count(1), B.count(1)
    dd = _count_and(A, B)
    cc = n - da - db + dd
    score_a = R * cc + T * (da - dd) + S * (db - dd) + P * dd
    score_b = R * cc + T * (db - dd) + S * (da - dd) + P * dd
    # hostile although the other side was restrained the round before (or in the first round)
    esc_a = da - _count_and(A[1:], B[:-1])
    esc_b = db - _count_and(B[1:], A[:-1])
    staff_a = max(0, staff - cut * db)   # A's mission, cut by B's hostile moves
    staff_b = max(0, staff - cut * da)
    need = (staff - floor) // cut + 1 if cut > 0 and staff >= floor else (0 if staff < floor else None)
    if need == 0:
        fall_a = fall_b = 1
    elif need is None:
        fall_a = fall_b = 0
    else:
        ka, kb = _kth_one(B, need), _kth_one(A, need)
        fall_a = 0 if ka is None else ka + 1
        fall_b = 0 if kb is None else kb + 1
    return score_a, score_b, da, db, esc_a, esc_b, staff_a, staff_b, fall_a, fall_b


@frozen
class MatchResult:
    """One match: move strings ("CCD..."), total scores, cooperation rates (share of C), and the mission account."""
    strategies: tuple[str, str]
    rounds: int
    noise: float
    seed: int
    moves: tuple[str, str]
    scores: tuple[int, int]
    cooperation: tuple[float, float]
    final_staff: tuple[int, int]
    below_floor_at: tuple[int | None, int | None]

    def to_json(self) -> dict[str, Any]:
        ab = ("A", "B")
        return {
            "strategies": dict(zip(ab, self.strategies)),
            "rounds": self.rounds, "noise": self.noise, "seed": self.seed,
            "moves": dict(zip(ab, self.moves)),
            "scores": dict(zip(ab, self.scores)),
            "cooperation": dict(zip(ab, self.cooperation)),
            "final_staff": dict(zip(ab, self.final_staff)),
            "below_floor_at": dict(zip(ab, self.below_floor_at)),
        }


def match(a: Strategy, b: Strategy, rounds: int, *, noise: float = 0.0, seed: int = 0, lag: int = 0,
          staff: int = DEFAULT_STAFF, cut: int = DEFAULT_CUT, floor: int = DEFAULT_FLOOR) -> MatchResult:
    """Play one match of ``rounds`` simultaneous rounds (see the module docstring).

    >>> r = match(get("tit-for-tat"), get("always-hostile"), 4, staff=10, cut=5, floor=5)
    >>> r.moves, r.final_staff, r.below_floor_at
    (('CDDD', 'DDDD'), (0, 0), (2, 3))
    """
    check_match_args(rounds, noise, lag)
    A, B = play_binary(a, b, rounds, noise=noise, seed=seed, lag=lag)
    st = _stats(A, B, staff, cut, floor)
    return MatchResult((a.label, b.label), rounds, noise, seed,
                       (A.translate(_MOVES).decode(), B.translate(_MOVES).decode()), (st[0], st[1]),
                       (round(1 - st[2] / rounds, 3), round(1 - st[3] / rounds, 3)), (st[6], st[7]),
                       (st[8] or None, st[9] or None))


# --- tournaments ------------------------------------------------------------------------------------------------------


_FIELDS = ("matches", "rounds", "score", "hostile", "escalations", "final_staff", "fell", "fell_round", "wins")


def _tournament_chunk(strategies: Sequence[Strategy], tasks: Sequence[tuple[int, int, int]], rounds: int,
                      noise: float, seed: int, lag: int, staff: int, cut: int, floor: int) -> list[list[int]]:
    """Play a chunk of matches; per strategy whole-number sums (see ``_FIELDS``), self-play left out."""
    sums = [[0] * len(_FIELDS) for _ in strategies]
    for i, j, rep in tasks:
        A, B = play_binary(strategies[i], strategies[j], rounds, noise=noise,
                           seed=seed_for(seed, "match", i, j, rep), lag=lag)
        if i == j:
            continue
        st = _stats(A, B, staff, cut, floor)
        for side, k in ((0, i), (1, j)):
            row = sums[k]
            row[0] += 1
            row[1] += rounds
            row[2] += st[side]
            row[3] += st[2 + side]
            row[4] += st[4 + side]
            row[5] += st[6 + side]
            fell = st[8 + side]
            if fell:
                row[6] += 1
                row[7] += fell
            if st[side] > st[1 - side]:
                row[8] += 1
    return sums


@frozen
class TournamentResult:
    """Ranked rows (a list of dicts for tables) and the settings that made them."""
    rows: list[dict[str, Any]]
    settings: dict[str, Any] = field(factory=dict)

    COLUMNS = ("rank", "strategy", "score", "wins", "cooperation", "escalations", "final_staff", "below_floor",
               "rounds_to_floor")


def _labels(strategies: Sequence[Strategy]) -> list[str]:
    labels, seen = [], {}
    for s in strategies:
        n = seen.get(s.label, 0) + 1
        seen[s.label] = n
        labels.append(s.label if n == 1 else f"{s.label}#{n}")
    return labels


def tournament(strategies: Sequence[Strategy], *, rounds: int = 200, repetitions: int = 10, noise: float = 0.0,
               seed: int = 0, lag: int = 0, staff: int = DEFAULT_STAFF, cut: int = DEFAULT_CUT,
               floor: int = DEFAULT_FLOOR, executor: Any = None,
               progress: Callable[[int], None] | None = None) -> TournamentResult:
    """A round robin: every pair (and each strategy against itself) ``repetitions`` times, ranked by mean score
    per round.  ``executor``: None runs here; any concurrent.futures executor (or dask's) spreads the chunks.

    Columns: score (mean payoff per round), wins (matches won on score), cooperation (share of restrained moves),
    escalations (mean unprovoked hostile moves per match: hostile after a restrained round of the other side),
    final_staff (mean size of the strategy's own mission at the end), below_floor (share of matches in which its
    mission fell below ``floor``), rounds_to_floor (mean round at which it did).

    >>> t = tournament([get("tit-for-tat"), get("always-hostile"), get("restraint")], rounds=10, repetitions=1)
    >>> [(r["strategy"], r["score"], r["wins"]) for r in t.rows]
    [('always-hostile', 3.2, 2), ('tit-for-tat', 1.95, 0), ('restraint', 1.5, 0)]
    """
    check_match_args(rounds, noise, lag)
    if len(strategies) < 2:
        raise InputError("a tournament needs at least two strategies")
    if repetitions < 1:
        raise InputError(f"repetitions must be at least 1 (got {repetitions})")
    n = len(strategies)
    tasks = [(i, j, rep) for i in range(n) for j in range(i, n) for rep in range(repetitions)]
    executor = here_if_small(executor, lambda t: play_binary(strategies[t[0]], strategies[t[1]], rounds, noise=noise,
                                                             seed=seed_for(seed, "match", *t), lag=lag), tasks)
    # every k-th match to the same chunk: matches of one pair cost alike, so strided chunks weigh the same and no
    # worker waits for another (the sums are whole numbers: any split gives the same result)
    m = len(_chunks(len(tasks), _workers(executor), per_worker=1))  # one share per worker: fewest round trips
    shares = [tasks[k::m] for k in range(m)]
    payloads = [(list(strategies), share, rounds, noise, seed, lag, staff, cut, floor) for share in shares]
    parts = run_chunks(_tournament_chunk, payloads, executor, progress, [len(share) for share in shares])
    total = [[0] * len(_FIELDS) for _ in strategies]
    for part in parts:
        for k, row in enumerate(part):
            for f, v in enumerate(row):
                total[k][f] += v
    rows = []
    for label, t in zip(_labels(strategies), total):
        m, played = t[0], t[1]
        rows.append({
            "strategy": label,
            "score": round(t[2] / played, 3) if played else None,
            "wins": t[8],
            "cooperation": round(1 - t[3] / played, 3) if played else None,
            "escalations": round(t[4] / m, 2) if m else None,
            "final_staff": round(t[5] / m, 1) if m else None,
            "below_floor": round(t[6] / m, 3) if m else None,
            "rounds_to_floor": round(t[7] / t[6], 1) if t[6] else None,
        })
    rows.sort(key=lambda r: (-(r["score"] or 0), -r["wins"], r["strategy"]))
    for rank, r in enumerate(rows, 1):
        r["rank"] = rank
    rows = [{c: r[c] for c in TournamentResult.COLUMNS} for r in rows]
    return TournamentResult(rows, {"rounds": rounds, "repetitions": repetitions, "noise": noise, "seed": seed,
                                   "lag": lag, "staff": staff, "cut": cut, "floor": floor,
                                   "matches": len(tasks)})


# --- sweeps -----------------------------------------------------------------------------------------------------------


@frozen
class Grid:
    """A sweep's grid: strategy pairs times parameter values.  ``p`` and ``factor`` apply to the strategies that
    take them (others ignore them, and their cells are not repeated for each value)."""
    pairs: tuple[tuple[str, str], ...]
    noise: tuple[float, ...] = (0.0,)
    p: tuple[float | None, ...] = (None,)
    factor: tuple[float | None, ...] = (None,)
    lag: tuple[int, ...] = (0,)
    floor: tuple[int, ...] = (DEFAULT_FLOOR,)

    def cells(self) -> list[dict[str, Any]]:
        """Every combination, strategies built with their parameters (checked here, before any work is shipped)."""
        out, seen = [], set()
        for (na, nb), noise, p, fac, lag, floor in itertools.product(self.pairs, self.noise, self.p, self.factor,
                                                                     self.lag, self.floor):
            built = []
            for name in (na, nb):
                known = get(name).parameters()
                params = {}
                if p is not None and "p" in known:
                    params["p"] = p
                if fac is not None and "factor" in known:
                    params["factor"] = fac
                built.append(get(name, **params))
            key = (built[0].label, built[1].label, noise, lag, floor)
            if key in seen:
                continue
            seen.add(key)
            check_match_args(1, noise, lag)
            out.append({"a": built[0], "b": built[1], "noise": noise, "lag": lag, "floor": floor})
        return out


_SWEEP_FIELDS = ("matches", "score_a", "score_b", "hostile_a", "hostile_b", "staff_a", "staff_b", "fell", "fell_round",
                 "quiet_end")


def _sweep_chunk(cells: Sequence[dict[str, Any]], start: int, stop: int, repetitions: int, rounds: int, seed: int,
                 staff: int, cut: int) -> dict[int, list[int]]:
    """Matches ``start``..``stop`` of the flat (cell, repetition) index; whole-number sums per cell."""
    sums: dict[int, list[int]] = {}
    tail = max(1, rounds // 10)
    for flat in range(start, stop):
        c, rep = divmod(flat, repetitions)
        cell = cells[c]
        A, B = play_binary(cell["a"], cell["b"], rounds, noise=cell["noise"], lag=cell["lag"],
                           seed=seed_for(seed, "sweep", c, rep))
        st = _stats(A, B, staff, cut, cell["floor"])
        row = sums.setdefault(c, [0] * len(_SWEEP_FIELDS))
        row[0] += 1
        row[1] += st[0]
        row[2] += st[1]
        row[3] += st[2]
        row[4] += st[3]
        row[5] += st[6]
        row[6] += st[7]
        first_fall = min((x for x in (st[8], st[9]) if x), default=0)
        if first_fall:
            row[7] += 1
            row[8] += first_fall
        if A.count(1, rounds - tail) == 0 and B.count(1, rounds - tail) == 0:
            row[9] += 1
    return sums


@frozen
class SweepResult:
    rows: list[dict[str, Any]]
    settings: dict[str, Any] = field(factory=dict)

    COLUMNS = ("a", "b", "noise", "lag", "floor", "matches", "score_a", "score_b", "cooperation_a",
               "cooperation_b", "staff_a", "staff_b", "below_floor", "rounds_to_floor", "spiral_stopped")


def sweep(grid: Grid, *, rounds: int = 200, repetitions: int = 100, seed: int = 0, staff: int = DEFAULT_STAFF,
          cut: int = DEFAULT_CUT, executor: Any = None, progress: Callable[[int], None] | None = None) -> SweepResult:
    """A seeded Monte Carlo sweep: ``repetitions`` matches per grid cell, one row per cell.

    Columns: mean scores per round, cooperation rates, final staff, below_floor (share of matches where a mission
    fell below the floor), rounds_to_floor (mean round it did), spiral_stopped (share of matches whose last tenth of
    rounds was restrained on both sides).

    >>> res = sweep(Grid(pairs=(("generous-tit-for-tat", "tit-for-tat"),), noise=(0.0, 0.1)), rounds=50,
    ...             repetitions=20, seed=1)
    >>> [(r["noise"], r["spiral_stopped"]) for r in res.rows]
    [(0.0, 1.0), (0.1, 0.05)]
    """
    check_match_args(rounds, 0.0)
    if repetitions < 1:
        raise InputError(f"repetitions must be at least 1 (got {repetitions})")
    cells = grid.cells()
    total = len(cells) * repetitions
    executor = here_if_small(executor, lambda k: _sweep_chunk(cells, k, k + 1, repetitions, rounds, seed, staff, cut),
                             range(total))
    bounds = _chunks(total, _workers(executor), per_worker=4)
    payloads = [(cells, a, b, repetitions, rounds, seed, staff, cut) for a, b in bounds]
    parts = run_chunks(_sweep_chunk, payloads, executor, progress, [b - a for a, b in bounds])
    sums = [[0] * len(_SWEEP_FIELDS) for _ in cells]
    for part in parts:
        for c, row in part.items():
            for f, v in enumerate(row):
                sums[c][f] += v
    rows = []
    for cell, t in zip(cells, sums):
        m = t[0]
        played = m * rounds
        rows.append({
            "a": cell["a"].label, "b": cell["b"].label, "noise": cell["noise"], "lag": cell["lag"],
            "floor": cell["floor"], "matches": m,
            "score_a": round(t[1] / played, 3), "score_b": round(t[2] / played, 3),
            "cooperation_a": round(1 - t[3] / played, 3), "cooperation_b": round(1 - t[4] / played, 3),
            "staff_a": round(t[5] / m, 1), "staff_b": round(t[6] / m, 1),
            "below_floor": round(t[7] / m, 3), "rounds_to_floor": round(t[8] / t[7], 1) if t[7] else None,
            "spiral_stopped": round(t[9] / m, 3),
        })
    return SweepResult(rows, {"rounds": rounds, "repetitions": repetitions, "seed": seed, "staff": staff,
                              "cut": cut, "cells": len(cells), "matches": total})

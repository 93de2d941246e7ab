"""A coalition against one state, played out many times: how often does the exchange end in emptied or closed
embassies, as the coalition grows and its members need more allies before they join?

Each run is calendar play among a target state and a coalition of ``size`` allies, all with missions of ``staff``
people (and an embassy) in each other.  On day 0 the first ally expels ``opening`` of the target's diplomats (the
incident that starts the crisis, as the UK's 23 in March 2018).  The allies play ``solidarity`` (they join the
measure once ``threshold`` allies have acted against the target, and answer direct hits in kind); the target plays
``target_strategy`` (by default ``graduated`` on the ladder ``expel:5>expel:10>close_post:1``: the third package an
ally puts on it closes that ally's embassy).  Decisions are weekly and take effect two days later; each decision
comes out the other way with probability ``tremble`` (an unprovoked expulsion of 5, or restraint where a measure
was due).  A run ends at the horizon, or as soon as an embassy closes or a mission between the target and an ally
is emptied (below one person): that is the outcome counted.

Runs are independent and seeded by (seed, size, threshold, run), so the same seed gives the same table on one
process, on a pool, or on a Dask cluster.
"""
from __future__ import annotations

import datetime
from typing import Any, Callable, Sequence

from ..core import events as ev
from ..core.errors import InputError, short
from ..core.fold import fold
from .calendar import Policy, Stop, play
from .strategies import get
from .strategies.base import seed_for

#: The allies, in the order a coalition of ``size`` takes them (real codes, so that logs and plots name them).
ALLIES = ("GBR", "USA", "FRA", "DEU", "POL", "CAN", "CZE", "LTU", "NLD", "DNK", "ITA", "ESP", "EST", "LVA", "FIN",
          "SWE", "ROU", "HRV", "HUN", "NOR", "IRL", "BEL", "AUS", "UKR", "ALB", "MKD", "MDA", "MNE", "GEO", "PRT")
TARGET = "RUS"
START = datetime.date(2020, 1, 1)
COLUMNS = ("size", "threshold", "runs", "ended", "share_ended", "mean_days_to_end", "expelled_by_target",
           "expelled_by_coalition")


def _world(size: int, staff: int, opening: int) -> list[ev.Event]:
    src = ("scenario: coalition sweep",)
    out: list[ev.Event] = []
    for a in ALLIES[:size]:
        for sending, host in ((a, TARGET), (TARGET, a)):
            out.append(ev.MissionEstablished(id=f"m-{sending}-{host}", date=START - datetime.timedelta(days=1),
                                             actor=sending, target=host, staff=staff,
                                             posts=(ev.Post(f"Embassy of {sending}", "embassy"),), sources=src))
    out.append(ev.DiplomatsExpelled(id="opening", date=START - datetime.timedelta(days=1), actor=ALLIES[0],
                                    target=TARGET, count=opening, deadline=START + datetime.timedelta(days=6),
                                    sources=src))
    return out


def run_once(size: int, threshold: int, run: int, *, seed: int, staff: int, opening: int, days: int,
             tremble: float, target_strategy: str) -> tuple[int, int, int, int]:
    """One run: (ended, day it ended or 0, people the target expelled, people the coalition expelled)."""
    history = _world(size, staff, opening)
    state = fold(history)
    allies = ALLIES[:size]
    policies = [Policy(TARGET, _target(target_strategy), lag_days=2)]
    policies += [Policy(a, get("solidarity", threshold=threshold, bloc="coalition"), lag_days=2, against=(TARGET,))
                 for a in allies]
    r = play(state, policies, start=START, horizon=START + datetime.timedelta(days=days),
             seed=seed_for(seed, "coalition", size, threshold, run), stop=Stop(floor=1, embassy_closed=True),
             tremble=tremble, history=history, countries=(TARGET,) + allies, blocs={"coalition": allies})
    ended = not r.stopped.startswith("horizon")
    by_target = sum(e.count for e in r if isinstance(e, ev.DiplomatsExpelled) and e.actor == TARGET)
    by_them = sum(e.count for e in r if isinstance(e, ev.DiplomatsExpelled) and e.actor != TARGET)
    return int(ended), (r.state.as_of - START).days if ended else 0, by_target, by_them


#: The target's default: a graduated ladder whose third rung closes the ally's embassy.
TARGET_DEFAULT = "graduated:ladder=expel:5>expel:10>close_post:1"


def _target(spec: str):
    from .strategies import parse_spec
    return parse_spec(spec)


def _chunk(cells: Sequence[tuple[int, int]], tasks: Sequence[tuple[int, int]], settings: dict) -> dict:
    out: dict[int, list[int]] = {}
    for c, run in tasks:
        size, threshold = cells[c]
        got = run_once(size, threshold, run, **settings)
        acc = out.setdefault(c, [0, 0, 0, 0, 0])
        acc[0] += 1
        for i, v in enumerate(got):
            acc[i + 1] += v
    return out


def coalition_sweep(sizes: Sequence[int], thresholds: Sequence[int], *, runs: int = 20, seed: int = 0,
                    staff: int = 60, opening: int = 5, days: int = 365, tremble: float = 0.02,
                    target_strategy: str = TARGET_DEFAULT, executor: Any = None,
                    progress: Callable[[int], None] | None = None) -> list[dict[str, Any]]:
    """One row per (coalition size, solidarity threshold): how many of ``runs`` runs ended with an embassy emptied
    or closed, after how many days on average, and how many people each side expelled (means per run)."""
    from .executors import _chunks, _workers, run_chunks

    for n in sizes:
        if not 1 <= n <= len(ALLIES):
            raise InputError(f"coalition size must be between 1 and {len(ALLIES)} (got {n})")
    for t in thresholds:
        if not 1 <= t <= len(ALLIES):  # more allies than a coalition can have would never act
            raise InputError(f"threshold must be between 1 and {len(ALLIES)} (got {short(t)})")
    if runs < 1:
        raise InputError(f"runs must be at least 1 (got {runs})")
    if not 0.0 <= tremble <= 1.0:
        raise InputError(f"tremble must be between 0 and 1 (got {tremble})")
    _target(target_strategy)
    cells = [(n, t) for n in sizes for t in thresholds]
    tasks = [(c, r) for c in range(len(cells)) for r in range(runs)]
    settings = dict(seed=seed, staff=staff, opening=opening, days=days, tremble=tremble,
                    target_strategy=target_strategy)
    bounds = _chunks(len(tasks), _workers(executor), per_worker=4)
    parts = run_chunks(_chunk, [(cells, tasks[a:b], settings) for a, b in bounds], executor, progress,
                       [b - a for a, b in bounds])
    sums = [[0, 0, 0, 0, 0] for _ in cells]
    for part in parts:
        for c, acc in part.items():
            for i, v in enumerate(acc):
                sums[c][i] += v
    rows = []
    for (size, threshold), (n, ended, day_sum, by_target, by_them) in zip(cells, sums):
        rows.append({"size": size, "threshold": threshold, "runs": n, "ended": ended,
                     "share_ended": round(ended / n, 3),
                     "mean_days_to_end": round(day_sum / ended, 1) if ended else None,
                     "expelled_by_target": round(by_target / n, 1), "expelled_by_coalition": round(by_them / n, 1)})
    return rows

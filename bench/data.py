"""The workloads' data: seeded synthetic logs from :mod:`diplosim.tooling.synthetic`, the bare baseline fold, and the
comparison of states that the correctness checks use.

    >>> events = synthetic_events(200, seed=3)
    >>> len(events), events == synthetic_events(200, seed=3)
    (200, True)
    >>> fold_pairs(as_pairs(events)) == fold_pairs(as_pairs(events))
    True
"""
from __future__ import annotations

import datetime
import random
from functools import lru_cache
from typing import Any, Iterable

#: Countries in the synthetic logs: many pairs, as the issue asks ("many countries").
N_COUNTRIES = 20


@lru_cache(maxsize=4)
def _cached(n: int, seed: int, n_countries: int) -> tuple:
    from diplosim.tooling.synthetic import generate

    return tuple(generate(n, n_countries=n_countries, seed=seed))


def synthetic_events(n: int, seed: int = 1, n_countries: int = N_COUNTRIES) -> list:
    """``n`` valid events (all event types, realistic proportions), the same for the same seed; cached per process."""
    return list(_cached(n, seed, n_countries))


# --- the bare fold: the floor of what a Python loop over events can do ----------------------------------------------


def as_pairs(events: Iterable[Any]) -> list[tuple[tuple[str, str], int]]:
    """Each event as a plain tuple ``((sending, host), change of staff)``: the input of :func:`fold_pairs`.

    Establishing a mission (its least size) or assigning staff adds people, an expulsion takes them away at once;
    every other
    event is a change of 0 to its (actor, target) pair.  Built outside the timing: the bare fold only folds.
    """
    out = []
    for e in events:
        kind = type(e).__name__
        if kind == "MissionEstablished":
            out.append(((e.actor, e.target), least_staff(e)))
        elif kind == "StaffAssigned":
            out.append(((e.actor, e.target), e.count))
        elif kind == "DiplomatsExpelled":
            out.append(((e.target, e.actor), -e.count))
        else:
            out.append(((e.actor, e.target or e.actor), 0))
    return out


def least_staff(e: Any) -> int:
    """A baseline's size, or the least it may be when the size is a range or unknown (the bare fold's figure)."""
    return e.staff if e.staff is not None else e.staff_min or 0


def fold_pairs(rows: list[tuple[tuple[str, str], int]]) -> dict[tuple[str, str], int]:
    """The bare fold: tuples into a dict, one lookup and one store per event, no rules and no objects."""
    staff: dict[tuple[str, str], int] = {}
    get = staff.get
    for pair, change in rows:
        staff[pair] = get(pair, 0) + change
    return staff


# --- comparing states -------------------------------------------------------------------------------------------


def comparable(state: Any) -> dict[str, Any]:
    """The parts of a :class:`diplosim.core.state.State` that a user sees, as plain data, for equality checks.

    Left out: the replay's bookkeeping (the set of seen ids, which a store replay skips because its unique index
    vouches for ids, and the heap of deadlines, whose entries are already in each mission's departures).
    """
    import attrs

    out = attrs.asdict(state, recurse=True)
    out.pop("seen_ids", None)
    out.pop("deadlines", None)
    return out


def diff(a: Any, b: Any) -> str | None:
    """None when two states are equal for :func:`comparable`, else the first field that differs."""
    ca, cb = comparable(a), comparable(b)
    for key in ca:
        if ca[key] != cb.get(key):
            return f"{key} differs"
    return None


def random_dates(events: list, n: int, seed: int) -> list[datetime.date]:
    """``n`` seeded random dates from the first event's date to a month after the last one's (in random order)."""
    rng = random.Random(seed)
    lo, hi = events[0].date.toordinal(), events[-1].date.toordinal() + 30
    return [datetime.date.fromordinal(rng.randint(lo, hi)) for _ in range(n)]

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


# --- GDELT-format files for the import workload ---------------------------------------------------------------------

#: CAMEO codes of the generated rows (all in the table), and the countries (ISO alpha-3, so every row is kept).
_GDELT_CODES = ("010", "036", "040", "042", "051", "057", "111", "112", "1313", "161", "163", "172", "174", "1711")
_GDELT_COUNTRIES = ("USA", "RUS", "GBR", "FRA", "DEU", "CHN", "UKR", "POL", "EST", "TUR", "IRN", "JPN")


def gdelt_file(path: str, n: int, seed: int = 1) -> str:
    """Write ``n`` valid GDELT 1.0 daily-file rows (58 tab-separated columns, the codebook's layout) to ``path``:
    dates over 2017-2018 in no order (as in real files), actors from a dozen countries, codes from the table, and
    GDELT's own Goldstein score of each code.  Generated, not real: ids from 800,000,000, URLs under example.org."""
    from diplosim.core.codes import table

    rng = random.Random(seed)
    scores = {c: table()[c].goldstein for c in _GDELT_CODES}
    start = datetime.date(2017, 1, 1).toordinal()
    blank = [""] * 58
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for k in range(n):
            d = datetime.date.fromordinal(start + rng.randrange(730))
            a, b = rng.sample(_GDELT_COUNTRIES, 2)
            code = rng.choice(_GDELT_CODES)
            c = list(blank)
            day = f"{d.year:04d}{d.month:02d}{d.day:02d}"
            c[0], c[1], c[2], c[3], c[4] = str(800_000_000 + k), day, day[:6], day[:4], f"{d.year + d.month / 12:.4f}"
            c[5], c[7], c[15], c[17] = a + "GOV", a, b, b
            c[25], c[26], c[27], c[28] = "1", code, code[:3], code[:2]
            root = int(code[:2])
            c[29] = "1" if root <= 5 else "2" if root <= 8 else "3" if root <= 13 else "4"
            mentions = rng.randint(1, 60)
            c[30], c[31], c[32], c[33], c[34] = str(scores[code]), str(mentions), "1", str(mentions), "-1.5"
            c[56], c[57] = day, f"https://example.org/bench/{k}"
            f.write("\t".join(c) + "\n")
    return path

"""Counts over a period, country by country: who expelled how many of whose people, and who closed whose posts.

    >>> from diplosim.core.log import load_log, seed_log_path
    >>> rows = tally(load_log(seed_log_path()).events, "RUS")
    >>> [(r["counterpart"], r["expelled_by_them"], r["expelled_by_country"]) for r in rows]
    [('USA', 35, 0)]
"""
from __future__ import annotations

import datetime
from typing import Any, Iterable

from ..core import events as ev
from ..core.errors import InputError

Date = datetime.date
COLUMNS = ("counterpart", "expelled_by_them", "expelled_by_country", "posts_closed_by_them",
           "posts_closed_by_country", "first_act", "last_act")


def tally(events: Iterable[ev.Event], country: str, *, since: Date | None = None,
          until: Date | None = None) -> list[dict[str, Any]]:
    """One row per country that expelled people of ``country`` or had people expelled by it (or closed posts
    either way) between ``since`` and ``until``; most people expelled first.  Expulsions count the people ordered
    out (``count``), cap orders are not counted (how many they send home depends on the mission's size)."""
    if since is not None and until is not None and until < since:
        raise InputError(f"--until {until} is before --since {since}")
    rows: dict[str, dict[str, Any]] = {}
    for e in events:
        if (since is not None and e.date < since) or (until is not None and e.date > until):
            continue
        if country not in (e.actor, e.target) or e.target is None or e.actor == e.target:
            continue
        other = e.target if e.actor == country else e.actor
        by_them = e.actor == other
        if isinstance(e, ev.DiplomatsExpelled):
            key = "expelled_by_them" if by_them else "expelled_by_country"
            n = e.count
        elif isinstance(e, ev.PostClosed):
            key = "posts_closed_by_them" if by_them else "posts_closed_by_country"
            n = 1
        else:
            continue
        row = rows.setdefault(other, {"counterpart": other, "expelled_by_them": 0, "expelled_by_country": 0,
                                      "posts_closed_by_them": 0, "posts_closed_by_country": 0,
                                      "first_act": e.date.isoformat(), "last_act": e.date.isoformat()})
        row[key] += n
        row["last_act"] = e.date.isoformat()
    return sorted(rows.values(), key=lambda r: (-(r["expelled_by_them"] + r["expelled_by_country"]),
                                                r["counterpart"]))


def totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The sum of each count over ``rows``, as a row of its own."""
    out: dict[str, Any] = {"counterpart": f"all {len(rows)}"}
    for key in COLUMNS[1:5]:
        out[key] = sum(r[key] for r in rows)
    out["first_act"] = min((r["first_act"] for r in rows), default="")
    out["last_act"] = max((r["last_act"] for r in rows), default="")
    return out

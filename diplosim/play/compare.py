"""Comparing two courses: the figures of two states side by side, for scenario diffs.

A mission's figures are compared as what is known of them: an int when exact, else the range (``{"min", "max",
"about"}``), so that ``455`` against "at least 400" differs and two missions of "at least 400" do not.
"""
from __future__ import annotations

import datetime
from typing import Any, Iterable

from ..core import events as ev
from ..core.clock import cap_range
from ..core.fold import fold
from ..core.state import State

Date = datetime.date


def _range(low: int, high: int | None, about: int | None = None) -> int | dict[str, Any]:
    """A figure as a diff compares it: the int when it is exact, else its range (equal ranges compare equal)."""
    return low if low == high else {"min": low, "max": high, "about": about}


def comparable(s: State) -> dict[tuple[str, str, str], Any]:
    """The figures a diff compares: (table, key, field) -> value.  A mission's staff, pending departures and cap
    are ints when exact, else ranges ``{"min", "max", "about"}`` (a parity cap ``{"rule": "parity", "min",
    "max", "about"}``, what is known of the mission it follows)."""
    out: dict[tuple[str, str, str], Any] = {}
    for m in s.missions.values():
        key = f"{m.sending}→{m.host}"
        out["missions", key, "staff"] = _range(m.low, m.high, m.about)
        out["missions", key, "pending_departures"] = _range(m.pending_departures, m.pending_most)
        if m.cap_parity:
            low, high = cap_range(s, m)
            other = s.missions.get((m.host, m.sending))
            out["missions", key, "cap"] = {"rule": "parity", "min": low, "max": high,
                                           "about": other.about if other is not None else None}
        else:
            out["missions", key, "cap"] = m.cap
        if m.head is not None:
            out["missions", key, "head"] = m.head
        for p in m.posts.values():
            out["posts", f"{key} {p.name}", "status"] = p.status
            if p.effective is not None:
                out["posts", f"{key} {p.name}", "effective"] = p.effective.isoformat()
    for p in s.properties.values():
        out["properties", p.id, "status"] = p.status
        if p.effective is not None:
            out["properties", p.id, "effective"] = f"{p.becomes} from {p.effective.isoformat()}"
    # sanctions are compared per imposer and target country (how many targets, which measures): a spiral can
    # designate hundreds of targets, and `state --table sanctions` lists them one by one; targets designated
    # without names count too
    targets: dict[str, int] = {}
    measures: dict[str, set[str]] = {}
    for x in s.sanctions.values():
        key = f"{x.imposer}→{x.target_country or '?'}"
        targets[key] = targets.get(key, 0) + 1
        measures.setdefault(key, set()).update(x.measures)
    for g in s.designations:
        key = f"{g.imposer}→{g.target_country}"
        targets[key] = targets.get(key, 0) + g.count
        measures.setdefault(key, set()).update(g.measures)
    for key in targets:
        out["sanctions", key, "targets"] = targets[key]
        out["sanctions", key, "measures"] = ", ".join(sorted(measures[key]))
    for c in s.contacts.values():
        out["contacts", f"{c.actor}→{c.target}", "suspended"] = c.scope
    for o in s.open_items.values():
        out["open_proposals", o.event_id, "status"] = "open"
    return out


def diff_states(a: State, b: State, date: Date, *, all_rows: bool = False,
                labels: tuple[str, str] = ("scenario", "against")) -> list[dict[str, Any]]:
    """Rows comparing two states at ``date``: only those that differ unless ``all_rows``."""
    ca, cb = comparable(a), comparable(b)
    rows = []
    for key in sorted(set(ca) | set(cb)):
        va, vb = ca.get(key), cb.get(key)
        if va != vb or all_rows:
            rows.append({"date": date.isoformat(), "table": key[0], "key": key[1], "field": key[2],
                         labels[0]: va, labels[1]: vb, "differs": va != vb})
    return rows


def diff_results(a_events: Iterable[ev.Event], b_events: Iterable[ev.Event], dates: Iterable[Date], *,
                 all_rows: bool = False, labels: tuple[str, str] = ("scenario", "against")) -> list[dict[str, Any]]:
    a_events, b_events = list(a_events), list(b_events)
    rows = []
    for d in dates:
        rows.extend(diff_states(fold(a_events, until=d), fold(b_events, until=d), d, all_rows=all_rows,
                                labels=labels))
    return rows

"""Projections: state and events -> rows (lists of dicts), the JSON contract, and rendered tables.  No printing here.

    >>> from diplosim import load_log, replay
    >>> import datetime
    >>> s = replay(load_log(default_log_path()), until=datetime.date(2017, 8, 15))
    >>> [(r["sending"], r["host"], r["staff"], r["pending_departures"], r["cap"]) for r in mission_rows(s)]
    [('RUS', 'USA', 455, 0, None), ('USA', 'RUS', 1210, 755, 455)]
"""
from __future__ import annotations

import datetime
from typing import Any, Iterable, Iterator

from ..core import events as ev
from ..core.fold import apply_in_place, settle
from ..core.log import default_log_path  # noqa: F401  (used by the doctest)
from ..core.state import State
from .wording import describe, short_source  # noqa: F401  (public here too)

Row = dict[str, Any]


def _d(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


# --- state -> rows --------------------------------------------------------------------------------------------------


def mission_rows(s: State) -> list[Row]:
    rows = []
    for m in s.iter_missions():
        next_deadline = min((d.deadline for d in m.departures if d.deadline is not None), default=None)
        rows.append({
            "sending": m.sending, "host": m.host, "staff": m.staff,
            "pending_departures": m.pending_departures, "departure_deadline": _d(next_deadline),
            "cap": m.cap, "cap_deadline": _d(m.cap_deadline),
            "posts_open": sum(p.status == "open" for p in m.posts.values()),
            "posts_closed": sum(p.status == "closed" for p in m.posts.values()),
        })
    return rows


def post_rows(s: State) -> list[Row]:
    return [{"sending": m.sending, "host": m.host, "name": p.name, "kind": p.kind, "status": p.status,
             "since": _d(p.since), "event_id": p.event_id}
            for m in s.iter_missions() for p in m.posts.values()]


def property_rows(s: State) -> list[Row]:
    return [{"id": p.id, "name": p.name, "owner": p.owner, "host": p.host, "kind": p.kind, "status": p.status,
             "since": _d(p.since), "event_id": p.event_id}
            for _, p in sorted(s.properties.items())]


def sanction_rows(s: State) -> list[Row]:
    return [{"imposer": x.imposer, "target": x.target, "target_kind": x.target_kind,
             "target_country": x.target_country, "measures": list(x.measures), "legal_basis": x.legal_basis,
             "since": _d(x.since), "event_id": x.event_id}
            for x in sorted(s.sanctions.values(), key=lambda x: x.since)]


def open_rows(s: State) -> list[Row]:
    return [{"event_id": o.event_id, "kind": o.kind, "date": _d(o.date), "actor": o.actor, "target": o.target,
             "summary": o.summary}
            for o in s.open_items.values()]


def claim_rows(s: State) -> list[Row]:
    return [{"sending": c.sending, "host": c.host, "figure": c.figure, "qualifier": c.qualifier, "by": c.by,
             "date": _d(c.date), "modelled_staff": c.modelled, "event_id": c.event_id}
            for c in s.claims]


def state_json(s: State) -> dict[str, Any]:
    """The machine-readable contract of ``diplosim state --format json`` (see README, "JSON contracts")."""
    posts: dict[tuple[str, str], list[Row]] = {}
    for p in post_rows(s):
        posts.setdefault((p["sending"], p["host"]), []).append(
            {"name": p["name"], "kind": p["kind"], "status": p["status"], "since": p["since"]})
    claims: dict[tuple[str, str], list[Row]] = {}
    for c in claim_rows(s):
        claims.setdefault((c["sending"], c["host"]), []).append(
            {k: c[k] for k in ("figure", "qualifier", "by", "date", "modelled_staff", "event_id")})
    missions = []
    for row in mission_rows(s):
        key = (row["sending"], row["host"])
        missions.append({
            "sending": row["sending"], "host": row["host"], "staff": row["staff"], "cap": row["cap"],
            "cap_deadline": row["cap_deadline"], "pending_departures": row["pending_departures"],
            "departures": [{"count": d.count, "deadline": _d(d.deadline), "reason": d.reason, "event_id": d.event_id}
                           for d in s.missions[key].departures],
            "posts": posts.get(key, []), "reported": claims.get(key, []),
        })
    from ..core.countries import name
    return {
        "as_of": _d(s.as_of),
        "missions": missions,
        "properties": property_rows(s),
        "sanctions": sanction_rows(s),
        "open_proposals": open_rows(s),
        "countries": {c: name(c) for c in sorted(s.countries)},
    }


# --- events -> rows -------------------------------------------------------------------------------------------------


def timeline_rows(events: Iterable[ev.Event], *, full_sources: bool = False) -> list[Row]:
    from .cameo import coded

    rows = []
    for e in events:
        code = coded(e)
        date = e.date.isoformat()[:7] if e.date_precision == "month" else e.date.isoformat()
        if e.date_precision == "approximate":
            date = "~" + date
        sources = list(e.sources) if full_sources else sorted({short_source(s) for s in e.sources})
        rows.append({"date": date, "id": e.id, "type": e.type, "actor": e.actor, "target": e.target or "",
                     "cameo": code.code if code else "", "goldstein": code.goldstein if code else "",
                     "what": describe(e) + (f" [generated by {e.generated_by}]" if e.generated_by else ""),
                     "sources": sources})
    return rows


# --- replay, step by step: what each event changed ------------------------------------------------------------------


def _snapshot(s: State) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for m in s.missions.values():
        who = f"{m.sending} mission in {m.host}"
        out[f"{who}: staff"] = m.staff
        out[f"{who}: pending departures"] = m.pending_departures
        out[f"{who}: cap"] = m.cap
        for p in m.posts.values():
            out[f"{who}: {p.name}"] = p.status
    for p in s.properties.values():
        out[f"property {p.name} ({p.owner} in {p.host})"] = p.status
    for x in s.sanctions.values():
        out[f"{x.imposer} sanctions on {x.target}"] = ", ".join(x.measures)
    for o in s.open_items.values():
        out[f"opened: {o.kind} {o.event_id}"] = "open"
    for r in s.resolved:
        out[f"resolved: {r.event_id}"] = f"{r.kind} by {r.by_event}"
    for c in s.claims:
        out[f"claim {c.event_id}"] = f"{c.qualifier} {c.figure}"
    return out


def _diff(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    changes = []
    for key, new in after.items():
        old = before.get(key, None)
        if key not in before:
            if key.startswith("opened: "):
                changes.append(f"{key.removeprefix('opened: ')} is open")
            elif key.startswith("resolved: "):
                changes.append(f"{key.removeprefix('resolved: ')} {new}")
            elif new not in (None, 0):
                changes.append(f"{key}: {new}")
        elif old != new:
            changes.append(f"{key}: {old} → {new}")
    for key in before:
        if key not in after and not key.startswith("opened: "):
            changes.append(f"{key}: {before[key]} → none")
    return changes


def replay_steps(events: Iterable[ev.Event], until: datetime.date | None = None) -> Iterator[Row]:
    """Replay event by event, yielding ``{"date", "event" or "deadline", "changes"}`` for each step.

    A step without an event is the clock passing a deadline.  The final state is the last step's ``state``.
    """
    s = State()
    for e in events:
        if until is not None and e.date > until:
            break
        if s.deadlines and s.deadlines[0][0] < e.date:
            yield from _clock(s, e.date)
        before = _snapshot(s)
        apply_in_place(s, e)
        yield {"date": e.date, "event": e, "changes": _diff(before, _snapshot(s)), "state": s}
    end = until if until is not None else s.last_date
    if end is not None:
        yield from _clock(s, end)
    s.as_of = end


def _clock(s: State, date: datetime.date) -> Iterator[Row]:
    """Deadlines that pass before ``date``, one step per deadline day."""
    while s.deadlines and s.deadlines[0][0] < date:
        day = s.deadlines[0][0]
        before = _snapshot(s)
        settle(s, day + datetime.timedelta(days=1))
        changes = _diff(before, _snapshot(s))
        if changes:
            yield {"date": day, "event": None, "changes": changes, "state": s}


# --- rendering ------------------------------------------------------------------------------------------------------


def table(rows: list[Row], fmt: str, columns: list[str] | None = None) -> str:
    from tabulate import tabulate

    if not rows:
        return "(none)"
    columns = columns or list(rows[0])
    data = [[_cell(r.get(c)) for c in columns] for r in rows]
    return tabulate(data, headers=columns, tablefmt=fmt, disable_numparse=True)


def _cell(value: Any) -> Any:
    if value is None:
        return "-"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return value


def state_tables(s: State) -> list[tuple[str, list[Row], list[str]]]:
    """The state as titled tables: (title, rows, columns)."""
    return [
        ("Missions", mission_rows(s), ["sending", "host", "staff", "pending_departures", "departure_deadline", "cap",
                                       "cap_deadline", "posts_open", "posts_closed"]),
        ("Posts", post_rows(s), ["sending", "host", "name", "kind", "status", "since"]),
        ("Properties", property_rows(s), ["name", "owner", "host", "kind", "status", "since", "event_id"]),
        ("Sanctions", sanction_rows(s), ["imposer", "target", "target_kind", "target_country", "measures", "since"]),
        ("Open proposals and threats", open_rows(s), ["event_id", "kind", "date", "actor", "target"]),
        ("Reported staffing figures (attributed claims, beside the modelled staff)", claim_rows(s),
         ["sending", "host", "qualifier", "figure", "modelled_staff", "by", "date", "event_id"]),
    ]


def render_state(s: State, fmt: str = "simple") -> str:
    parts = [f"State as of {_d(s.as_of) or '(empty)'}"]
    if fmt == "html":
        return "".join(f"<h4>{title}</h4>" + table(rows, "html", cols) for title, rows, cols in state_tables(s))
    for title, rows, cols in state_tables(s):
        parts.append(f"\n{title}\n" + table(rows, fmt, cols))
    return "\n".join(parts)

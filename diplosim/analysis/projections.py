"""Projections: state and events -> rows (lists of dicts), the JSON contract, and rendered tables.  No printing here.

    >>> from diplosim import load_log, replay
    >>> import datetime
    >>> s = replay(load_log(default_log_path()), until=datetime.date(2017, 8, 15))
    >>> [(r["sending"], r["host"], r["staff"], r["pending_departures"], r["cap"]) for r in mission_rows(s)]
    [('RUS', 'USA', 455, 0, None), ('USA', 'RUS', 1210, 755, 455)]
"""
from __future__ import annotations

import datetime
from typing import Any, Iterable, Iterator, NamedTuple

from ..core import events as ev
from ..core.clock import cap_range
from ..core.log import default_log_path  # noqa: F401  (used by the doctest)
from ..core.state import State
from .over_time import Step, walk
from .wording import (deadline_text, describe, legend, mission_cap_text, next_deadline_text,  # noqa: F401
                      pending_text, post_status_text, property_status_text, short_source, staff_basis, staff_text,
                      staff_words, table)

Row = dict[str, Any]


def _d(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


# --- state -> rows --------------------------------------------------------------------------------------------------


def mission_rows(s: State) -> list[Row]:
    """One row per mission, its figures as data: ``staff`` an int when exact, else None beside ``staff_min``,
    ``staff_max`` (None: no upper bound), ``staff_about`` and ``staff_basis``."""
    rows = []
    for m in s.iter_missions():
        known = [d.deadline for d in m.departures if d.deadline is not None]
        cap_low, cap_high = cap_range(s, m)
        rows.append({
            "sending": m.sending, "host": m.host, "staff": m.staff,
            "staff_min": m.low, "staff_max": m.high, "staff_about": m.about, "staff_basis": staff_basis(m),
            "staff_change": m.change, "implicit": m.implicit is not None, "head": m.head,
            "pending_departures": m.pending_departures, "pending_max": m.pending_most,
            "departure_deadline": _d(min(known, default=None)),
            "cap": m.cap, "cap_rule": "number" if m.cap is not None else "parity" if m.cap_parity else None,
            "cap_min": cap_low if m.cap is not None or m.cap_parity else None,
            "cap_max": cap_high if m.cap is not None or m.cap_parity else None,
            "cap_deadline": _d(m.cap_deadline),
            "posts_open": sum(p.status == "open" for p in m.posts.values()),
            "posts_closing": sum(p.status == "closing" for p in m.posts.values()),
            "posts_closed": sum(p.status == "closed" for p in m.posts.values()),
        })
    return rows


def post_rows(s: State) -> list[Row]:
    return [{"sending": m.sending, "host": m.host, "name": p.name, "kind": p.kind, "status": p.status,
             "since": _d(p.since), "effective": _d(p.effective), "event_id": p.event_id}
            for m in s.iter_missions() for p in m.posts.values()]


def property_rows(s: State) -> list[Row]:
    return [{"id": p.id, "name": p.name, "owner": p.owner, "host": p.host, "kind": p.kind, "status": p.status,
             "since": _d(p.since), "event_id": p.event_id, "effective": _d(p.effective), "becomes": p.becomes}
            for _, p in sorted(s.properties.items())]


def sanction_rows(s: State) -> list[Row]:
    return [{"imposer": x.imposer, "target": x.target, "target_kind": x.target_kind,
             "target_country": x.target_country, "measures": list(x.measures), "legal_basis": x.legal_basis,
             "authorities": list(x.authorities), "since": _d(x.since), "event_id": x.event_id}
            for x in sorted(s.sanctions.values(), key=lambda x: x.since)]


def designation_rows(s: State) -> list[Row]:
    """Targets designated without being named, per sanctions act."""
    return [{"imposer": x.imposer, "target_country": x.target_country, "count": x.count, "measures": list(x.measures),
             "legal_basis": x.legal_basis, "since": _d(x.since), "event_id": x.event_id}
            for x in s.designations]


def contact_rows(s: State) -> list[Row]:
    return [{"actor": c.actor, "target": c.target, "scope": c.scope, "since": _d(c.since), "event_id": c.event_id}
            for _, c in sorted(s.contacts.items())]


def open_rows(s: State) -> list[Row]:
    return [{"event_id": o.event_id, "kind": o.kind, "date": _d(o.date), "actor": o.actor, "target": o.target,
             "summary": o.summary}
            for o in s.open_items.values()]


def claim_rows(s: State) -> list[Row]:
    return [{"sending": c.sending, "host": c.host, "figure": c.figure, "qualifier": c.qualifier, "by": c.by,
             "date": _d(c.date), "modelled_staff": c.modelled, "event_id": c.event_id}
            for c in s.claims]


#: The fields of a mission in the JSON contract that come straight from its row, in order.
_MISSION_FIELDS = ("sending", "host", "staff", "staff_min", "staff_max", "staff_about", "staff_basis", "staff_change",
                   "implicit", "head", "cap", "cap_rule", "cap_min", "cap_max", "cap_deadline", "pending_departures",
                   "pending_max")


def state_json(s: State) -> dict[str, Any]:
    """The machine-readable contract of ``diplosim state --format json`` (see README, "JSON contracts")."""
    posts: dict[tuple[str, str], list[Row]] = {}
    for p in post_rows(s):
        posts.setdefault((p["sending"], p["host"]), []).append(
            {"name": p["name"], "kind": p["kind"], "status": p["status"], "since": p["since"],
             "effective": p["effective"]})
    claims: dict[tuple[str, str], list[Row]] = {}
    for c in claim_rows(s):
        claims.setdefault((c["sending"], c["host"]), []).append(
            {k: c[k] for k in ("figure", "qualifier", "by", "date", "modelled_staff", "event_id")})
    missions = []
    for row in mission_rows(s):
        key = (row["sending"], row["host"])
        missions.append({
            **{k: row[k] for k in _MISSION_FIELDS},
            "departures": [{"count": d.count, "most": d.most, "exact": d.exact, "deadline": _d(d.deadline),
                            "deadline_assumed": d.assumed, "reason": d.reason, "event_id": d.event_id}
                           for d in s.missions[key].departures],
            "posts": posts.get(key, []), "reported": claims.get(key, []),
        })
    from ..core.countries import name
    return {
        "as_of": _d(s.as_of),
        "missions": missions,
        "properties": property_rows(s),
        "sanctions": sanction_rows(s),
        "designations": designation_rows(s),
        "contacts_suspended": contact_rows(s),
        "open_proposals": open_rows(s),
        "countries": {c: name(c) for c in sorted(s.countries)},
    }


# --- events -> rows -------------------------------------------------------------------------------------------------


def timeline_rows(events: Iterable[ev.Event], *, full_sources: bool = False) -> list[Row]:
    from .cameo import coded, goldstein

    rows = []
    for e in events:
        code = coded(e)
        date = e.date.isoformat()[:7] if e.date_precision == "month" else e.date.isoformat()
        if e.date_precision == "approximate":
            date = "~" + date
        sources = list(e.sources) if full_sources else sorted({short_source(s) for s in e.sources})
        rows.append({"date": date, "id": e.id, "type": e.type, "actor": e.actor, "target": e.target or "",
                     "cameo": code.code if code else getattr(e, "plover", None) or "",
                     "goldstein": goldstein(e) if code or e.category == "observation" else "",
                     "what": describe(e) + (f" [generated by {e.generated_by}]" if e.generated_by else ""),
                     "sources": sources})
    return rows


# --- replay, step by step: what each event changed ------------------------------------------------------------------


def _figure(text: str) -> int | str:
    """A figure whose text is a plain number as that int, any other as its text (so exact logs print as they
    always did)."""
    return int(text) if text.isdigit() else text


def _snapshot(s: State) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for m in s.missions.values():
        who = f"{m.sending} mission in {m.host}"
        out[f"{who}: staff"] = _figure(staff_words(m))
        out[f"{who}: pending departures"] = _figure(pending_text(m))
        out[f"{who}: cap"] = m.cap if not m.cap_parity else mission_cap_text(s, m)
        if m.head is not None:
            out[f"{who}: head of mission"] = m.head
        for p in m.posts.values():
            out[f"{who}: {p.name}"] = post_status_text(p.status, p.effective)
    for p in s.properties.values():
        out[f"property {p.name} ({p.owner} in {p.host})"] = (
            f"closing ({p.becomes} from {p.effective})" if p.status == "closing" else p.status)
    for x in s.sanctions.values():
        out[f"{x.imposer} sanctions on {x.target}"] = ", ".join(x.measures)
    for d in s.designations:
        out[f"{d.imposer} sanctions on {d.count} {d.target_country} targets not named ({d.event_id})"] = (
            ", ".join(d.measures))
    for c in s.contacts.values():
        out[f"{c.actor} contacts with {c.target}"] = f"suspended ({c.scope})"
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
    """Replay event by event, yielding ``{"date", "event", "clock", "changes", "state"}`` for each step.

    A step without an event is the clock: ``clock`` says what happened (``"deadline"``: people ordered out left
    after their deadline, and ``date`` is the deadline day; ``"effective"``: closures took effect, on ``date``).
    Departures whose deadline is unknown never leave by the clock.  The replay runs to ``until`` (default: the last
    event's date); the final state is the last step's ``state``.
    """
    events = list(events)
    end = until if until is not None else events[-1].date if events else None
    before = _snapshot(State())
    s = State()
    for step in walk(events, end):
        s = step.state
        after = _snapshot(s)
        changes = _diff(before, after)
        before = after
        if step.event is not None:
            yield {"date": step.date, "event": step.event, "clock": None, "what": None, "changes": changes,
                   "state": s}
        elif changes:
            gone = step.took_effect == ()
            yield {"date": step.date - datetime.timedelta(days=1) if gone else step.date, "event": None,
                   "clock": "deadline" if gone else "effective", "what": clock_text(step), "changes": changes,
                   "state": s}
    s.as_of = end


def last_deadline(events: Iterable[ev.Event]) -> datetime.date | None:
    """The last day the log sets something in motion for: a deadline to leave or to meet a cap, or the day a
    closure takes effect (None if there is none)."""
    days = [d for e in events for d in (getattr(e, "deadline", None), getattr(e, "effective", None))
            if d is not None]
    return max(days, default=None)


def replay_end(events: list[ev.Event]) -> tuple[datetime.date | None, str]:
    """Where a replay with no ``until`` ends, and why: the day after the last deadline the log sets in motion (so
    that the people ordered out have left and the closures have taken effect), or the last event's date."""
    if not events:
        return None, ""
    last = events[-1].date
    deadline = last_deadline(events)
    if deadline is None or deadline < last:
        return last, f"Replayed to {last}, the last event's date"
    end = deadline + datetime.timedelta(days=1)
    return end, (f"Replayed to {end}, the day after {deadline}, the last deadline the log sets in motion; "
                 f"--until DATE stops elsewhere")


def clock_text(step: Step) -> str:
    """What a clock step did, in one line."""
    if step.took_effect:  # the changes under it say what each act did
        return "taking effect today: " + ", ".join(event_id for event_id, _ in step.took_effect)
    return f"deadline passed: those ordered out are gone from {step.date}"


# --- rendering ------------------------------------------------------------------------------------------------------


class Table(NamedTuple):
    """A titled table of the state: its rows as shown, the columns, and legend lines to print under it."""
    name: str
    title: str
    rows: list[Row]
    columns: list[str]
    notes: list[str]
    optional: bool = False  # shown by render_state only when it has rows


MISSION_COLUMNS = ["sending", "host", "staff", "pending_departures", "departure_deadline", "cap", "cap_deadline",
                   "posts_open", "posts_closed"]


def _mission_cells(s: State) -> tuple[list[Row], list[str], list[str]]:
    """The missions table: figures as text (ranges, marks), a ``head`` column when any head is recorded."""
    rows, marks = [], ""
    for m in s.iter_missions():
        staff = staff_text(m)
        marks += staff
        cap_orders = [d for d in m.departures if d.event_id == m.cap_event]
        closing = sum(p.status == "closing" for p in m.posts.values())
        open_ = sum(p.status == "open" for p in m.posts.values()) + closing
        has_cap = m.cap is not None or m.cap_parity
        rows.append({
            "sending": m.sending, "host": m.host, "staff": staff, "pending_departures": pending_text(m),
            "departure_deadline": next_deadline_text(m), "cap": mission_cap_text(s, m),
            "cap_deadline": (deadline_text(m.cap_deadline, any(d.assumed for d in cap_orders)) if has_cap
                             else None),
            "posts_open": f"{open_} ({closing} closing)" if closing else str(open_),
            "posts_closed": str(sum(p.status == "closed" for p in m.posts.values())), "head": m.head})
    columns = MISSION_COLUMNS + (["head"] if any(r["head"] for r in rows) else [])
    return rows, columns, legend(marks)


def _sanction_cells(s: State) -> list[Row]:
    """Named targets one per row; targets designated without names as one ``+N not named`` row per act."""
    named = sanction_rows(s)
    unnamed = [{"imposer": x["imposer"], "target": f"+{x['count']} not named", "target_kind": None,
                "target_country": x["target_country"], "measures": x["measures"], "since": x["since"]}
               for x in designation_rows(s)]
    return sorted(named + unnamed, key=lambda r: r["since"])


def state_tables(s: State) -> list[Table]:
    """The state as titled tables, as ``diplosim state`` prints them."""
    missions, columns, notes = _mission_cells(s)
    posts = [dict(p, status=post_status_text(p["status"], p["effective"])) for p in post_rows(s)]
    properties = [dict(p, status=property_status_text(p["status"], p["effective"], p["becomes"]))
                  for p in property_rows(s)]
    return [
        Table("missions", "Missions", missions, columns, notes),
        Table("posts", "Posts", posts, ["sending", "host", "name", "kind", "status", "since"], []),
        Table("properties", "Properties", properties,
              ["id", "name", "owner", "host", "kind", "status", "since"], []),
        Table("sanctions", "Sanctions", _sanction_cells(s),
              ["imposer", "target", "target_kind", "target_country", "measures", "since"], []),
        Table("open", "Open proposals and threats", open_rows(s), ["event_id", "kind", "date", "actor", "target"],
              []),
        Table("claims", "Reported staffing figures (attributed claims, beside the modelled staff)", claim_rows(s),
              ["sending", "host", "qualifier", "figure", "modelled_staff", "by", "date", "event_id"], []),
        Table("contacts", "Contacts suspended", contact_rows(s), ["actor", "target", "scope", "since", "event_id"],
              [], optional=True),
    ]


def render_table(t: Table, fmt: str) -> str:
    """One table as text (or HTML), its legend lines under it."""
    text = table(t.rows, fmt, t.columns)
    if not t.notes:
        return text
    if fmt == "html":
        return text + "".join(f"<p>{line}</p>" for line in t.notes)
    return text + "\n" + "\n".join(t.notes)


def render_state(s: State, fmt: str = "simple") -> str:
    shown = [t for t in state_tables(s) if t.rows or not t.optional]
    if fmt == "html":
        return "".join(f"<h4>{t.title}</h4>" + render_table(t, "html") for t in shown)
    parts = [f"State as of {_d(s.as_of) or '(empty)'}"]
    for t in shown:
        parts.append(f"\n{t.title}\n" + render_table(t, fmt))
    return "\n".join(parts)

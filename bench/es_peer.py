"""The eventsourcing side of the benchmarks: the same synthetic facts as an eventsourcing 9.x aggregate.

Written from eventsourcing's documented API (``Aggregate`` with ``@event`` methods, ``Application.save`` and
``Application.repository.get``; persistence chosen by the ``PERSISTENCE_MODULE`` environment setting: the default
in-memory "POPO" recorder, or ``eventsourcing.sqlite`` with ``SQLITE_DBNAME``).

The aggregate keeps per-pair staff exactly as :func:`bench.data.fold_pairs` does (so the two baselines check each
other) and counts measures and speech acts per pair.  One diplosim event becomes one aggregate event carrying its
id, parties and figures; eventsourcing adds its own originator id, version and timestamp and stores the event as
JSON.  This is less domain work than diplosim's fold does (no rules, no deadlines), which favours the peer.
"""
from __future__ import annotations

from typing import Any, Iterable

from .data import least_staff

try:
    from eventsourcing.application import Application
    from eventsourcing.domain import Aggregate, event
except ImportError:  # the peer is optional: rows that need it are skipped with a note
    Aggregate = None

MISSING = None if Aggregate is not None else "eventsourcing is not installed (pip install -r bench/requirements.txt)"

if Aggregate is not None:

    class Relations(Aggregate):
        """Diplomatic relations among many countries: staff per (sending, host), acts per pair."""

        @event("Opened")
        def __init__(self, name: str):
            self.name = name
            self.staff: dict[str, int] = {}
            self.acts: dict[str, int] = {}

        def _change(self, pair: str, change: int) -> None:
            self.staff[pair] = self.staff.get(pair, 0) + change

        @event("MissionEstablished")
        def established(self, ref: str, actor: str, target: str, staff: int) -> None:
            self._change(f"{actor}>{target}", staff)

        @event("StaffAssigned")
        def assigned(self, ref: str, actor: str, target: str, count: int) -> None:
            self._change(f"{actor}>{target}", count)

        @event("DiplomatsExpelled")
        def expelled(self, ref: str, actor: str, target: str, count: int, deadline: str) -> None:
            self._change(f"{target}>{actor}", -count)

        @event("Acted")
        def acted(self, ref: str, kind: str, actor: str, target: str) -> None:
            pair = f"{actor}>{target}"
            self._change(pair, 0)
            self.acts[pair] = self.acts.get(pair, 0) + 1


def domain_events(events: Iterable[Any], name: str = "bench") -> tuple[Any, list[Any]]:
    """Drive a fresh :class:`Relations` with diplosim's ``events``; its id and the domain events it triggered."""
    agg = Relations(name)
    out = list(agg.collect_events())
    for e in events:
        kind = type(e).__name__
        if kind == "MissionEstablished":
            agg.established(e.id, e.actor, e.target, least_staff(e))
        elif kind == "StaffAssigned":
            agg.assigned(e.id, e.actor, e.target, e.count)
        elif kind == "DiplomatsExpelled":
            agg.expelled(e.id, e.actor, e.target, e.count, e.deadline.isoformat() if e.deadline else "")
        else:
            agg.acted(e.id, kind, e.actor, e.target or e.actor)
        if len(agg.pending_events) >= 10_000:
            out.extend(agg.collect_events())
    out.extend(agg.collect_events())
    return agg.id, out


def application(db: str | None = None) -> Any:
    """An Application in memory (``db`` None) or on an SQLite file."""
    if db is None:
        env = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    else:
        env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": db}
    return Application(env=env)


def record(app: Any, events: list[Any], batch: int) -> None:
    """Record domain events in batches: one ``save`` (one transaction) per batch."""
    for i in range(0, len(events), batch):
        app.save(*events[i:i + batch])


def rebuild(app: Any, aggregate_id: Any) -> Any:
    """The aggregate rebuilt from all its stored events (no cache, no snapshot)."""
    return app.repository.get(aggregate_id)


def staff(aggregate: Any) -> dict[tuple[str, str], int]:
    """The aggregate's staff per pair, keyed as :func:`bench.data.fold_pairs` keys it."""
    return {tuple(k.split(">")): v for k, v in aggregate.staff.items()}

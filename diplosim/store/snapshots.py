"""Snapshots of a stream's state, and the state at a date: the latest trustworthy snapshot, then the events after it.

A snapshot is written every ``snapshot_every`` events at least, spaced further when the state holds many objects
(:func:`due`); it is used only if it can be trusted (:func:`latest`).  The functions that replay events take the
``read`` of the store (:meth:`diplosim.store.Store.read`), so that every read of a stream goes one way.
"""
from __future__ import annotations

import datetime
import hashlib
from typing import Any, Callable, Iterator, Sequence

from . import codec
from .context import Context
from .streams import StreamRow
from ..core import events as ev
from ..core.errors import DiplosimError
from ..core.state import State, StoredHistory, UnkeptHistory

Date = datetime.date
#: ``read(stream, after, *, until=None, to_version=None)``: the events of a stream after a version, in order.
Read = Callable[..., Iterator[ev.Event]]

#: Snapshot format (the encoding of the body; the state model has its own fingerprint, :func:`codec.state_model`).
#: 2: the state without its histories (:data:`codec.UNKEPT`); format 1 snapshots (histories included) are ignored.
SNAPSHOT_FORMAT = 2

_INSERT = ("INSERT INTO snapshots (stream, version, last_date, format, model, event_hash, checksum, body) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")


def working_state() -> State:
    """An empty state as the store replays onto it: no unique-id rule (the store's index keeps it) and no
    histories (they grow with the log; :func:`with_history` gives a caller's state them back, loaded on first use)."""
    return State(seen_ids=None, resolved=UnkeptHistory(), claims=UnkeptHistory())


class _HistoryOf:
    """The histories of a stream's first ``version`` events, replayed from the store once, when first asked for.

    It reads through the store's own connection while that is open (which sees what its transaction wrote), else
    through a read-only connection of its own."""

    def __init__(self, ctx: Context, stream: str, version: int):
        self.ctx, self.stream, self.version = ctx, stream, version
        self._lists: tuple[list, list] | None = None

    def _replayed(self) -> tuple[list, list]:
        if self._lists is None:
            from ..core.fold import apply_all_in_place
            from .context import connect
            from .read import Reader

            ctx, own = self.ctx, None
            if ctx.conn is None:
                ctx = own = connect(self.ctx.path, must_exist=True, readonly=True, snapshot_every=None,
                                    timeout=self.ctx.timeout)
            try:
                s = State(seen_ids=None)
                if self.version:
                    replay(ctx, Reader(ctx).read, self.stream, s, 0, to_version=self.version)
                self._lists = (list(s.resolved), list(s.claims))
            finally:
                if own is not None:
                    own.conn.close()
        return self._lists

    def resolved(self) -> list:
        return self._replayed()[0]

    def claims(self) -> list:
        return self._replayed()[1]


def with_history(ctx: Context, stream: str, s: State) -> State:
    """``s`` (a working state of ``stream``) with its histories as lists loaded from the store on first use."""
    source = _HistoryOf(ctx, stream, s.events_applied)
    s.resolved, s.claims = StoredHistory(load=source.resolved), StoredHistory(load=source.claims)
    return s


def state_size(s: State) -> int:
    """Objects a snapshot of ``s`` encodes, about (its histories are not in snapshots)."""
    return len(s.missions) + len(s.properties) + len(s.sanctions) + len(s.open_items) + len(s.designations)


def due(last_snapshot: int, every: int, spacing: int, s: State) -> int:
    """The version after which the next snapshot is due: ``every`` events after the last one, or ``spacing`` events
    per object of the state if that is further (a snapshot costs O(state))."""
    return last_snapshot + max(every, spacing * state_size(s))


def write(ctx: Context, row: StreamRow, taken: Sequence[tuple[int, str, bytes, bytes]]) -> None:
    """Insert the snapshots ``taken`` of ``row``: (version, date of its last event, hash of that event, body) each."""
    model = codec.state_model()
    with ctx.sql():
        ctx.conn.executemany(_INSERT, [(row.id, version, last_date, SNAPSHOT_FORMAT, model, event_hash,
                                        hashlib.sha256(body).digest(), body)
                                       for version, last_date, event_hash, body in taken])


def last_version(ctx: Context, row: StreamRow) -> int:
    """The version of the stream's latest snapshot (0 if none)."""
    with ctx.sql():
        return ctx.conn.execute("SELECT max(version) FROM snapshots WHERE stream = ?", (row.id,)).fetchone()[0] or 0


def latest(ctx: Context, row: StreamRow, *, version: int, date: Date | None = None) -> tuple[State, int] | None:
    """The latest trustworthy snapshot of ``row`` at or before ``version`` (and ``date``): (state, version).

    A snapshot is used only if its format and state model are this diplosim's, its checksum matches its body,
    it is bound to the hash of the event it follows, and it decodes to a state of that many events ending at
    that event.  Anything else is skipped and an older one (or the start) is used instead."""
    # the candidates first, without their bodies (each as big as the state): only the one tried is read
    query = ("SELECT version, format, model, event_hash, checksum FROM snapshots "
             "WHERE stream = ? AND version <= ?" + (" AND last_date <= ?" if date else "") +
             " ORDER BY version DESC LIMIT 8")
    params: list[Any] = [row.id, version] + ([date.isoformat()] if date else [])
    model = codec.state_model()
    while True:
        with ctx.sql():
            found = ctx.conn.execute(query, params).fetchall()
        if not found:
            return None
        for v, fmt, snap_model, event_hash, checksum in found:
            if fmt != SNAPSHOT_FORMAT or snap_model != model:
                continue
            with ctx.sql():
                got = ctx.conn.execute("SELECT body FROM snapshots WHERE stream = ? AND version = ?",
                                       (row.id, v)).fetchone()
            state = got and _trust(ctx, row, v, fmt, snap_model, model, event_hash, checksum, got[0])
            if state is not None:
                return state, v
        params[1] = found[-1][0] - 1


def _trust(ctx: Context, row: StreamRow, version: int, fmt: Any, snap_model: Any, model: str, event_hash: Any,
           checksum: Any, body: Any) -> State | None:
    if fmt != SNAPSHOT_FORMAT or snap_model != model or not isinstance(body, bytes):
        return None
    if hashlib.sha256(body).digest() != checksum:
        return None
    with ctx.sql():
        at = ctx.conn.execute("SELECT hash, event_id FROM events WHERE stream = ? AND version = ?",
                              (row.id, version)).fetchone()
    if at is None or at[0] != event_hash:
        return None
    try:
        s = codec.decode_snapshot(body)
    except Exception:  # noqa: BLE001 - an unreadable snapshot is ignored, never trusted
        return None
    if not isinstance(s, State) or s.events_applied != version or s.last_event != at[1] or s.seen_ids is not None:
        return None
    return s


def replay(ctx: Context, read: Read, stream: str, s: State, after: int, *, until: Date | None = None,
           to_version: int | None = None) -> State:
    """Apply to ``s`` the events of ``stream`` after version ``after`` (up to ``until`` / ``to_version``)."""
    from ..core.fold import apply_all_in_place

    try:
        apply_all_in_place(s, read(stream, after, until=until, to_version=to_version))
    except DiplosimError:
        raise
    except Exception as exc:  # a damaged but readable event: wrong values far from where they were read
        raise ctx.fail(f"stream {stream!r} does not replay: {type(exc).__name__}: {exc} "
                       f"(run `diplosim verify`)") from None
    return s


def state_at(ctx: Context, read: Read, row: StreamRow, date: Date | None = None) -> State:
    """The state of ``row``'s stream at ``date`` (default: after its last event), from the latest snapshot before."""
    from ..core.fold import settle

    found = latest(ctx, row, version=row.version, date=date)
    s, after = found if found else (working_state(), 0)
    replay(ctx, read, row.name, s, after, until=date)
    with_history(ctx, row.name, s)
    if date is not None:
        try:
            settle(s, date)
        except DiplosimError:
            raise
        except Exception as exc:
            raise ctx.fail(f"stream {row.name!r} does not replay: {exc} (run `diplosim verify`)") from None
        s.as_of = date
    else:
        s.as_of = s.last_date
    return s


def replayed(ctx: Context, read: Read, row: StreamRow) -> State:
    """The state after every event of ``row``'s stream, replayed from the first (no snapshot); its histories are
    loaded from the store on first use, so the replay's memory does not grow with the stream."""
    with ctx.scanning():
        s = replay(ctx, read, row.name, working_state(), 0, to_version=row.version)
    s.as_of = s.last_date
    return with_history(ctx, row.name, s)


def timeline(ctx: Context, read: Read, stream: str, every: int) -> "Timeline":
    """The whole stream read once into a :class:`~diplosim.core.timeline.Timeline`."""
    from ..core.timeline import Timeline

    with ctx.scanning():
        events = list(read(stream))
    try:
        return Timeline(events, every=every)
    except DiplosimError:
        raise
    except Exception as exc:
        raise ctx.fail(f"stream {stream!r} does not replay: {exc} (run `diplosim verify`)") from None

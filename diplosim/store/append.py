"""Appending: events checked and encoded into rows, folded into the stream's state, hash-chained and inserted.

An append checks, in one write transaction, the expected version, each event's fields and every rule of the fold
against the stream's state (kept in memory between appends by a :class:`_WriterState`), and that no id is used
twice in a stream; then it inserts the rows, chained by :func:`_chain`, and the snapshots that fell due.
"""
from __future__ import annotations

import datetime
import hashlib
import sqlite3
from typing import Callable, Iterable, Iterator, Sequence

from . import codec
from . import snapshots
from . import streams
from .context import Context, gc_paused
from .read import Reader
from .snapshot_text import SnapshotText
from .streams import ZERO, StreamRow
from ..core import errors as E
from ..core import events as ev
from ..core.errors import DiplosimError, InputError, RuleViolation, short
from ..core.state import State

Date = datetime.date
#: An event encoded for its row: (type, type_version, payload, shape tag, date).
Prepared = tuple[str, int, str, str, str]

#: Columns of an inserted event row, and rows per INSERT statement (one statement per row costs SQLite more than
#: the row itself; 100 rows keep the parameters under SQLite's oldest limit of 999).
_WIDTH = 8
_ROWS_PER_INSERT = 100


class ConcurrencyError(DiplosimError):
    """An append expected the stream at one version and found it at another: someone else appended meanwhile."""

    def __init__(self, stream: str, expected: int, actual: int):
        self.stream, self.expected, self.actual = stream, expected, actual
        if expected < actual:
            why = "someone else appended meanwhile; read it again and retry"
        else:  # a version the stream never reached: not a race, a wrong number
            why = f"it holds {actual} event{'s' if actual != 1 else ''}, fewer than the version expected"
        super().__init__(f"stream {stream!r} is at version {actual}, not {short(expected)}: {why}")


def _chain(prev: bytes, stream: str, version: int, event_id: str, type_name: str, type_version: int, date: str,
           shape_tag: str, payload: str) -> bytes:
    """The hash of one stored event: every column that gives it meaning, after the previous event's hash.

    Fields are separated by NUL; only the id can contain one, and every field around it has a fixed form, so the
    input is unambiguous."""
    text = f"{stream}\0{version}\0{event_id}\0{type_name}\0{type_version}\0{date}\0{shape_tag}\0{payload}"
    return hashlib.sha256(prev + text.encode("utf-8")).digest()


def _shape_tag(shape: str) -> str:
    return hashlib.sha256(shape.encode("utf-8")).hexdigest()[:16]


def prepare(events: Sequence[ev.Event]) -> list[Prepared]:
    """Check and encode events before taking the lock: (type, type_version, payload, shape tag, date) each."""
    from ..core.log import check_event

    out = []
    append = out.append
    codecs: dict[type, tuple[codec.EventCodec, str]] = {}
    dates: dict[Date, str] = {}
    try:  # one set for the batch; only if it repeats an id are the ids tracked one by one, to name the repeat
        ids = [e.id for e in events]
        repeats = len(set(ids)) < len(ids)
    except (AttributeError, TypeError):  # not an event, or an id that cannot be one: named below
        repeats = True
    seen: set[str] | None = set() if repeats else None
    for e in events:
        found = codecs.get(type(e))
        if found is None:
            if ev.EVENT_TYPES.get(type(e).__name__) is not type(e):
                raise InputError(f"not an event: {e!r:.80}")
            c = codec.event_codec(type(e).__name__)
            found = codecs[type(e)] = (c, _shape_tag(c.shape))
        c, tag = found
        if seen is not None:
            if e.id in seen:
                raise RuleViolation(e.id, E.UNIQUE_IDS, "the id is used twice in this batch")
            seen.add(e.id)
        try:
            check_event(e)
            payload = c.encode(e)
            # the id is hashed as UTF-8: check_event refuses one that cannot be (a lone surrogate)
            date = dates.get(e.date) or dates.setdefault(e.date, e.date.isoformat())
        except InputError as exc:
            raise InputError(exc.message, exc.where or f"event {e.id}") from None
        except (AttributeError, TypeError, ValueError) as exc:
            raise InputError(f"cannot store this event: {exc}", f"event {e.id}") from None
        append((c.name, c.version, payload, tag, date))
    return out


def chain_rows(row: StreamRow, events: Sequence[ev.Event], prepared: Sequence[Prepared]) -> tuple[list, bytes]:
    """The rows of the events table for the batch, one after another in one flat list, and the new head.

    Each event's hash is :func:`_chain` of it after the previous one's (inlined: the hot loop of an append)."""
    flat: list = []
    extend = flat.extend
    sha256 = hashlib.sha256
    version, head, name, sid = row.version, row.head, row.name, row.id
    for e, (type_name, type_version, payload, tag, date) in zip(events, prepared):
        version += 1
        eid = e.id
        head = sha256(head + f"{name}\0{version}\0{eid}\0{type_name}\0{type_version}\0{date}\0{tag}\0"
                             f"{payload}".encode("utf-8")).digest()
        extend((sid, version, eid, type_name, type_version, date, payload, head))
    return flat, head


def _insert_statement(rows: int) -> str:
    return ("INSERT INTO events (stream, version, event_id, type, type_version, date, payload, hash) VALUES "
            + ",".join(["(?, ?, ?, ?, ?, ?, ?, ?)"] * rows))


def _insert_chunks(flat: list) -> Iterator[tuple[str, list[list]]]:
    """(statement, parameter lists) inserting the rows laid one after another in ``flat``."""
    size = _WIDTH * _ROWS_PER_INSERT
    whole = len(flat) // size * size
    if whole:
        yield _insert_statement(_ROWS_PER_INSERT), [flat[i:i + size] for i in range(0, whole, size)]
    if whole < len(flat):
        yield _insert_statement((len(flat) - whole) // _WIDTH), [flat[whole:]]


class _WriterState:
    """The stream's state after ``version`` events, kept between appends of this connection, and the encoder of its
    snapshots (which reuses the text of the records that did not change since the last one)."""
    __slots__ = ("version", "head", "state", "last_snapshot", "text")

    def __init__(self, version: int, head: bytes, state: State, last_snapshot: int):
        self.version, self.head, self.state, self.last_snapshot = version, head, state, last_snapshot
        self.text = SnapshotText()


class Appender:
    """The write side of one store: appends and imports, keeping each stream's state between appends.

    ``read`` is the store's read (for catching a kept state up, or rebuilding it from a snapshot); ``spacing`` gives
    the snapshot spacing per object of the state at each append (:func:`snapshots.due`)."""

    def __init__(self, ctx: Context, reader: Reader, read: snapshots.Read, spacing: Callable[[], int]):
        self.ctx, self.reader, self.read, self.spacing = ctx, reader, read, spacing
        self._writers: dict[int, _WriterState] = {}
        self._shapes: dict[tuple[str, int], str] = {}

    def clear(self) -> None:
        """Forget the kept states and recorded shapes (a write transaction failed: they are no longer sure)."""
        self._writers.clear()
        self._shapes.clear()

    def append(self, stream: str, events: Iterable[ev.Event], expected_version: int | None) -> int:
        self.ctx.writable()
        events = list(events)
        with gc_paused():  # the whole append: it makes no cycles, and snapshots build many young objects
            prepared = prepare(events)
            with self.ctx.transaction():
                row = streams.for_write(self.ctx, stream)
                if expected_version is not None and expected_version != row.version:
                    raise ConcurrencyError(stream, expected_version, row.version)
                if not events:
                    return row.version
                return self._append_locked(row, events, prepared)

    def import_events(self, stream: str, events: Iterable[ev.Event], title: str, description: str) -> dict[str, int]:
        self.ctx.writable()
        events = list(events)
        ctx = self.ctx
        with gc_paused():
            prepared = prepare(events)
            with ctx.transaction():
                row = streams.for_write(ctx, stream)
                stored = self._stored_by_id(row, [e.id for e in events])
                new, new_prepared = [], []
                for e, p in zip(events, prepared):
                    old = stored.get(e.id)
                    if old is None:
                        new.append(e)
                        new_prepared.append(p)
                    elif not self._same(row.name, old, e, p):
                        raise RuleViolation(e.id, E.UNIQUE_IDS, f"stream {row.name!r} holds a different event with "
                                                                f"this id (version {old[0]})")
                version = self._append_locked(row, new, new_prepared) if new else row.version
                if (title or description) and not (row.title or row.description):
                    with ctx.sql():
                        ctx.conn.execute("UPDATE streams SET title = ?, description = ? WHERE id = ?",
                                         (title, description, row.id))
        return {"added": len(new), "skipped": len(events) - len(new), "version": version}

    def _writer_state(self, row: StreamRow) -> _WriterState:
        """The state after the stream's last event: the one kept from our last append if the stream has not moved
        since (or has only grown: then the new events are applied), else rebuilt from the latest snapshot."""
        ctx = self.ctx
        w = self._writers.get(row.id)
        if w is not None and w.version == row.version and w.head == row.head:
            return w
        if w is not None and w.version < row.version:
            with ctx.sql():
                at = ctx.conn.execute("SELECT hash FROM events WHERE stream = ? AND version = ?",
                                      (row.id, w.version)).fetchone() if w.version else (ZERO,)
            if at is not None and at[0] == w.head:
                snapshots.replay(ctx, self.read, row.name, w.state, w.version, to_version=row.version)
                w.version, w.head = row.version, row.head
                w.last_snapshot = snapshots.last_version(ctx, row)  # the other writers may have taken some
                return w
        found = snapshots.latest(ctx, row, version=row.version)
        s, after = found if found else (snapshots.working_state(), 0)
        s.as_of = None
        snapshots.replay(ctx, self.read, row.name, s, after, to_version=row.version)
        w = _WriterState(row.version, row.head, s, snapshots.last_version(ctx, row))
        self._writers[row.id] = w
        return w

    def _ensure_shapes(self, prepared: Sequence[Prepared]) -> None:
        for key in {p[:2] for p in prepared}:
            if key in self._shapes:
                continue
            type_name, type_version = key
            shape = codec.event_codec(type_name).shape
            with self.ctx.sql():
                row = self.ctx.conn.execute("SELECT shape FROM shapes WHERE type = ? AND type_version = ?",
                                            key).fetchone()
                if row is None:
                    self.ctx.conn.execute("INSERT INTO shapes (type, type_version, shape) VALUES (?, ?, ?)",
                                          (type_name, type_version, shape))
                elif row[0] != shape:
                    raise self.ctx.fail(f"the fields of {type_name} changed without a new type version: bump "
                                        f"TYPE_VERSIONS[{type_name!r}] in diplosim.store.codec (and add an upcaster)")
            self._shapes[key] = shape

    def _append_locked(self, row: StreamRow, events: Sequence[ev.Event], prepared: Sequence[Prepared]) -> int:
        """Inside a write transaction: check the rules, snapshot, chain the hashes, insert.  Returns the version.

        The batch is folded in one loop per stretch between snapshots (the fold's fast path), then hashed and
        inserted: what is stored is exactly what appending the events one by one would store."""
        from ..core.fold import apply_all_in_place

        ctx = self.ctx
        self._ensure_shapes(prepared)
        w = self._writer_state(row)
        s = w.state
        start, n = row.version, len(events)
        every, spacing = ctx.snapshot_every, self.spacing()
        bodies: list[tuple[int, bytes]] = []  # (events of the batch before it, body) of each snapshot taken
        last_snapshot = w.last_snapshot
        try:
            done = 0
            while done < n:
                # a snapshot is due after the first event whose version is `spacing` past the last snapshot
                due = max(snapshots.due(last_snapshot, every, spacing, s), start + done + 1) - start
                apply_all_in_place(s, events[done:due] if done or due < n else events)
                done = min(due, n)
                if due <= n:
                    bodies.append((due, w.text.encode(s)))
                    last_snapshot = start + due
        except BaseException:
            self._writers.pop(row.id, None)  # half-applied: rebuild next time
            raise
        flat, head = chain_rows(row, events, prepared)
        try:
            for stmt, chunk in _insert_chunks(flat):
                ctx.conn.executemany(stmt, chunk)
        except sqlite3.IntegrityError:
            self._writers.pop(row.id, None)
            raise self._duplicate(row, events) from None
        except (sqlite3.Error, UnicodeDecodeError) as exc:  # a full disk, say
            raise ctx.damaged(exc) from None
        version = start + n
        with ctx.sql():
            ctx.conn.execute("UPDATE streams SET version = ?, head = ? WHERE id = ?", (version, head, row.id))
        if bodies:
            snapshots.write(ctx, row, [(start + k, prepared[k - 1][4], flat[_WIDTH * k - 1], body)
                                       for k, body in bodies])
        w.version, w.head, w.last_snapshot = version, head, last_snapshot
        return version

    def _duplicate(self, row: StreamRow, events: Sequence[ev.Event]) -> DiplosimError:
        ids = [e.id for e in events]
        with self.ctx.sql():
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                # stored before this batch: the batch's first hundreds of rows may be in the table already
                found = self.ctx.conn.execute(
                    f"SELECT event_id, version FROM events WHERE stream = ? AND version <= ? AND event_id IN "
                    f"({','.join('?' * len(chunk))}) ORDER BY version LIMIT 1", [row.id, row.version, *chunk]
                ).fetchone()
                if found:
                    return RuleViolation(found[0], E.UNIQUE_IDS,
                                         f"already in stream {row.name!r} at version {found[1]}")
        return self.ctx.fail("an event could not be stored: a uniqueness rule of the store failed")

    def _stored_by_id(self, row: StreamRow, ids: list[str]) -> dict[str, tuple]:
        found: dict[str, tuple] = {}
        with self.ctx.sql():
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                for r in self.ctx.conn.execute(
                        f"SELECT version, event_id, type, type_version, date, payload FROM events "
                        f"WHERE stream = ? AND event_id IN ({','.join('?' * len(chunk))})", [row.id, *chunk]):
                    found[r[1]] = r
        return found

    def _same(self, stream: str, old: tuple, e: ev.Event, prepared: Prepared) -> bool:
        _v, _id, type_name, type_version, date, payload = old
        if (type_name, type_version, date, payload) == (prepared[0], prepared[1], e.date.isoformat(), prepared[2]):
            return True
        if type_name != prepared[0]:
            return False
        # stored in an older version or shape, or by a build that wrote it otherwise (a trailing default written
        # out): the same event is the same, however it was written
        return self.reader.decode_rows(stream, [old])[0] == e

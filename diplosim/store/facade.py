"""The durable event store: SQLite streams, append-only, optimistic concurrency, hash-chained, with snapshots.

A store is one SQLite file holding any number of *streams* (one per log, scenario run, ...).  Each stream is a
sequence of events numbered 1, 2, 3... (its *version*).  Appending checks, in one write transaction:

* the expected version, if given (optimistic concurrency: :class:`ConcurrencyError` when someone else appended);
* each event's fields, countries and sources (as a log file's are) and every rule of the fold, against the stream's
  state (kept in memory between appends, or rebuilt from the latest snapshot);
* that no event id is used twice in a stream (a unique index).

Then it writes the events with a SHA-256 hash chained to the previous event of the stream, and a snapshot of the
state every ``snapshot_every`` events.  Nothing is ever updated or deleted (triggers refuse it).

    >>> import tempfile, os
    >>> from diplosim.core.log import load_log, seed_log_path
    >>> log = load_log(seed_log_path())
    >>> path = os.path.join(tempfile.mkdtemp(), "my.db")
    >>> with open_store(path) as store:
    ...     store.append("main", log.events[:30], expected_version=0)
    ...     store.import_events("main", log.events)          # only what the stream does not hold yet
    ...     store.state_at("main", datetime.date(2017, 9, 2)).missions["USA", "RUS"].staff
    30
    {'added': 5, 'skipped': 30, 'version': 35}
    455
    >>> with open_store(path, readonly=True) as store:
    ...     [e.id for e in store.read("main", after=33)], store.verify()
    (['ryabkov-overdue', 'report-over-1200'], {'streams': 1, 'events': 35, 'snapshots': 0})

Reading trusts what was checked on the way in: a page leaves SQLite as one text per column and each event is built
by its type's generated decoder without its validators (see :mod:`diplosim.store.codec`); a page that does not split or
decode cleanly is read row by row, which names the damaged row.  :meth:`Store.verify` checks the hash chain.

Durability: the file is in WAL mode with ``synchronous=FULL``: a commit returns only after the write-ahead log is
on disk, so an acknowledged append survives a crash of the process *and* of the machine (``NORMAL`` would survive a
killed process but may lose the last commits on power loss; an append batch pays one fsync either way).
"""
from __future__ import annotations

import datetime
import os
import sqlite3
from typing import Any, Iterable, Iterator

from . import snapshots, streams
from .append import Appender, ConcurrencyError  # noqa: F401 - public, with the names below
from .append import _chain, _shape_tag  # noqa: F401 - the tests reach them here, where they were before the split
from .context import BUSY_TIMEOUT, Context, connect, gc_paused
from .read import PAGE, Reader
from .schema import _SCHEMA, APPLICATION_ID, DEFAULT_SNAPSHOT_EVERY, SCHEMA_VERSION, _split_sql  # noqa: F401
from .snapshots import SNAPSHOT_FORMAT  # noqa: F401
from .streams import DEFAULT_STREAM, check_stream_name  # noqa: F401
from .verify import verify as _verify
from ..core import events as ev
from ..core.state import State

Date = datetime.date

#: When the state holds many objects, snapshots are spaced ``SNAPSHOT_SPACING`` events per object at least: a
#: snapshot costs O(state) and the state of a long log keeps growing (claims, resolutions, open items), so snapshots
#: every N events would make appending quadratic.  Spaced so, writing them adds a fifth or so to an append, and a
#: query replays at most as many events as the snapshot it starts from holds objects.  Read at each append (the
#: tests set it to 0 for a snapshot exactly every ``snapshot_every`` events).
SNAPSHOT_SPACING = 1


def open_store(path: str | os.PathLike, *, must_exist: bool = False, readonly: bool = False,
               snapshot_every: int | None = None, timeout: float = BUSY_TIMEOUT) -> "Store":
    """Open (or, unless ``must_exist``/``readonly``, create) the store at ``path``.  Use it as a context manager.

    Raises :class:`InputError` naming ``path`` for a missing file, a file that is not a diplosim store, a damaged
    one, or one of a newer schema version; nothing is written to the file in any of these cases.  A write waits up to
    ``timeout`` seconds for another connection's write transaction to end, then raises an InputError: the store is busy.
    """
    return Store(path, must_exist=must_exist, readonly=readonly, snapshot_every=snapshot_every, timeout=timeout)


def _spacing() -> int:
    return SNAPSHOT_SPACING


class Store:
    """One open store (one SQLite connection; not to be shared between threads).  See :func:`open_store`.

    A façade: it owns the connection (a :class:`~diplosim.store.context.Context`) and hands each call to the part
    that does it: :mod:`~diplosim.store.streams`, :mod:`~diplosim.store.read`, :mod:`~diplosim.store.snapshots`,
    :mod:`~diplosim.store.append`, :mod:`~diplosim.store.verify`."""

    def __init__(self, path: str | os.PathLike, *, must_exist: bool = False, readonly: bool = False,
                 snapshot_every: int | None = None, timeout: float = BUSY_TIMEOUT):
        self._ctx: Context = connect(str(path), must_exist=must_exist, readonly=readonly,
                                     snapshot_every=snapshot_every, timeout=timeout)
        self._reader = Reader(self._ctx)
        # the store's own read (not the reader's), so that every read of a stream goes through Store.read
        self._appender = Appender(self._ctx, self._reader, self.read, _spacing)
        self._ctx.on_rollback += [self._appender.clear, self._reader.clear]

    @property
    def path(self) -> str:
        return self._ctx.path

    @property
    def readonly(self) -> bool:
        return self._ctx.readonly

    @property
    def conn(self) -> sqlite3.Connection:
        """The SQLite connection (None once closed)."""
        return self._ctx.conn

    @property
    def snapshot_every(self) -> int:
        return self._ctx.snapshot_every

    @property
    def meta(self) -> dict[str, str]:
        return self._ctx.meta

    @property
    def created(self) -> bool:
        """Whether opening made the store: the file was missing, or an SQLite file that held nothing."""
        return self._ctx.created

    def close(self) -> None:
        """Close the connection (a clean close checkpoints the write-ahead log into the file)."""
        if self._ctx.conn is not None:
            self._ctx.conn.close()
            self._ctx.conn = None  # type: ignore[assignment]

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- streams ------------------------------------------------------------------------------------------------------

    def stream_names(self) -> list[str]:
        """Names of the streams, in the order they were created."""
        return streams.names(self._ctx)

    def default_stream(self) -> str:
        """``main`` if there is one, else the only stream; with several and no ``main``, say which to choose."""
        return streams.default(self._ctx)

    def version(self, stream: str) -> int:
        """Number of events in ``stream`` (0 if it does not exist)."""
        row = streams.find(self._ctx, check_stream_name(stream))
        return row.version if row else 0

    def has_event(self, stream: str, event_id: str) -> bool:
        return streams.has_event(self._ctx, stream, event_id)

    def unique_id(self, stream: str, base: str) -> str:
        """``base`` if no event of ``stream`` has that id, else ``base-2``, ``base-3``..."""
        return streams.unique_id(self._ctx, stream, base)

    def streams(self) -> list[dict[str, Any]]:
        """One row per stream: name, events, first and last date, snapshots, head hash, title."""
        return streams.listing(self._ctx)

    def title(self, stream: str) -> tuple[str, str]:
        row = streams.existing(self._ctx, stream)
        return row.title, row.description

    def set_title(self, stream: str, title: str, description: str = "") -> None:
        """Set the title and description a TOML export of ``stream`` starts with."""
        streams.set_title(self._ctx, stream, title, description)

    # --- reading ------------------------------------------------------------------------------------------------------

    def read(self, stream: str, after: int = 0, *, until: Date | None = None, to_version: int | None = None,
             page: int = PAGE) -> Iterator[ev.Event]:
        """The events of ``stream`` after version ``after`` (up to ``until``'s date / ``to_version``), in order.

        Reads ``page`` events at a time (keyset pagination on the version), so memory stays flat however long the
        stream is.  Events appended after the call started are not included.
        """
        return self._reader.read(stream, after, until=until, to_version=to_version, page=page)

    def _read_page(self, sid: int, after: int, upper: int) -> list[ev.Event] | None:
        """One page by the fast path, or None (see :meth:`diplosim.store.read.Reader.read_page`)."""
        return self._reader.read_page(sid, after, upper)

    def events(self, stream: str | None = None) -> list[ev.Event]:
        """All events of a stream as a list (use :meth:`read` for long streams)."""
        return list(self.read(stream or self.default_stream()))

    # --- state, snapshots ---------------------------------------------------------------------------------------------

    def state_at(self, stream: str, date: Date | None = None) -> State:
        """The state of ``stream`` at ``date`` (default: after its last event), from the latest snapshot before it.

        Equal to ``fold(store.read(stream), until=date, check_ids=False)``, without reading the events before the
        snapshot.
        """
        with gc_paused():  # a snapshot decodes into thousands of young objects and no cycles: see gc_paused
            return snapshots.state_at(self._ctx, self.read, streams.existing(self._ctx, stream), date)

    def state(self, stream: str) -> State:
        """The state after the last event of ``stream``."""
        return self.state_at(stream)

    def replay(self, stream: str) -> State:
        """The state after the last event of ``stream``, replayed from its first event without a snapshot: equal
        to ``fold(store.read(stream), check_ids=False)``, in memory that does not grow with the stream (the
        histories, ``resolved`` and ``claims``, are read from the store again when first used)."""
        return snapshots.replayed(self._ctx, self.read, streams.existing(self._ctx, stream))

    def timeline(self, stream: str, *, every: int = 1000) -> "Timeline":
        """The whole stream read once into a :class:`~diplosim.core.timeline.Timeline`, for the state at many dates.

        Each ``.at(date)`` then takes milliseconds, where :meth:`state_at` decodes a snapshot as big as the state
        (and the events after it) for every date; the timeline holds the stream's events in memory.
        """
        return snapshots.timeline(self._ctx, self.read, stream, every)

    # --- writing ------------------------------------------------------------------------------------------------------

    def append(self, stream: str, events: Iterable[ev.Event], expected_version: int | None = None) -> int:
        """Append ``events`` to ``stream`` in one transaction; return the stream's new version.

        ``expected_version``: the version the caller last saw (0 for a new stream); if the stream is elsewhere,
        :class:`ConcurrencyError` and nothing is written.  ``None`` appends wherever the stream is (the rules are
        still checked against its actual state).  A broken rule raises
        :class:`~diplosim.core.errors.RuleViolation` and nothing is written.
        """
        return self._appender.append(stream, events, expected_version)

    def transaction(self):
        """One write transaction around several appends (a context manager): everything appended inside is
        committed at its end, or nothing is, if anything inside fails.  Appends inside it take no transaction of
        their own; other writers wait until it ends.

            with store.transaction():
                for batch in batches:
                    store.append("observed", batch)
        """
        self._ctx.writable()
        return self._ctx.transaction()

    def import_events(self, stream: str, events: Iterable[ev.Event], *, title: str = "",
                      description: str = "") -> dict[str, int]:
        """Append the events of a log that the stream does not hold yet (by id): importing twice adds nothing.

        An id that is in the stream with different content is an error (nothing is imported).  Returns
        ``{"added", "skipped", "version"}``.
        """
        return self._appender.import_events(stream, events, title, description)

    # --- verifying ----------------------------------------------------------------------------------------------------

    def verify(self, *, heads: bool = False) -> dict[str, Any]:
        """Check everything; raise InputError naming the first problem, else return a summary: ``streams``,
        ``events`` and ``snapshots`` checked, and with ``heads=True`` also ``heads``, each stream's name -> the head
        of its chain as checked (64 hex digits, as :meth:`head` gives it).

        SQLite's own integrity check; per stream: versions gapless, positions in order, each event's hash chained to
        the previous one, the head recorded in ``streams``; every event decodes and the stream replays under the
        fold's rules; every snapshot of the current state model equals the state replayed to its version; the
        tables, indexes, triggers and views are the ones diplosim makes.  All in one read transaction: a writer
        appending meanwhile is not half-seen.

        The chain has no key: someone who rewrites a whole stream and every hash after an edit passes this check.
        Keep a stream's head elsewhere and compare (``diplosim verify DB --expect-head HASH``) to catch that.
        """
        summary = _verify(self._ctx, self._reader)
        if not heads:
            del summary["heads"]
        return summary

    def head(self, stream: str) -> str:
        """The head of ``stream``'s hash chain as it records it: the hash of its last event, as 64 hex digits (64
        zeros for an empty stream).  Kept elsewhere, it lets anyone tell a later rewrite of the stream
        (:meth:`verify` checks that the events lead to this head)."""
        head = streams.existing(self._ctx, stream).head
        if not isinstance(head, bytes) or len(head) != 32:
            raise self._ctx.fail(f"stream {stream!r} records a head that is not a hash: damaged (run `diplosim "
                                 f"verify`)")
        return head.hex()

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
    >>> from diplosim.core.log import load_log, default_log_path
    >>> log = load_log(default_log_path())
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
import gc
import hashlib
import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence
from urllib.parse import quote

from . import codec
from ..core import errors as E
from ..core import events as ev
from ..core.errors import DiplosimError, InputError, RuleViolation
from ..core.state import State

Date = datetime.date

#: Version of the store's tables.  A store of a newer version is refused, never half-read or changed.
SCHEMA_VERSION = 1
#: ``PRAGMA application_id`` of a diplosim store ("DPLS").
APPLICATION_ID = 0x44504C53
DEFAULT_STREAM = "main"
DEFAULT_SNAPSHOT_EVERY = 1000
#: Snapshot format (the encoding of the body; the state model has its own fingerprint, :func:`codec.state_model`).
SNAPSHOT_FORMAT = 1
#: Events per read batch: memory stays flat however long the stream.  Small enough that a page's events are still
#: in the CPU's cache when the fold applies them (a replay of 300k events: 500 per page ~20% faster than 2000).
PAGE = 500
#: When the state holds many objects, snapshots are spaced ``SNAPSHOT_SPACING`` events per object at least: a
#: snapshot costs O(state) and the state of a long log keeps growing (claims, resolutions, open items), so snapshots
#: every N events would make appending quadratic.  Spaced so, writing them adds a fifth or so to an append, and a
#: query replays at most as many events as the snapshot it starts from holds objects.
SNAPSHOT_SPACING = 1
_ZERO = bytes(32)
_SQLITE_MAGIC = b"SQLite format 3\x00"

_SCHEMA = f"""
PRAGMA application_id = {APPLICATION_ID};
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE streams (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    version INTEGER NOT NULL DEFAULT 0,       -- number of events in the stream
    head BLOB NOT NULL,                       -- hash of its last event (32 zero bytes when empty)
    title TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT ''
);
CREATE TABLE shapes (                         -- what the positions of a payload mean (diplosim.store.codec)
    type TEXT NOT NULL,
    type_version INTEGER NOT NULL,
    shape TEXT NOT NULL,
    PRIMARY KEY (type, type_version)
);
CREATE TABLE events (
    position INTEGER PRIMARY KEY,             -- global order of appends, over all streams
    stream INTEGER NOT NULL REFERENCES streams (id),
    version INTEGER NOT NULL,                 -- 1, 2, 3... within the stream
    event_id TEXT NOT NULL,
    type TEXT NOT NULL,
    type_version INTEGER NOT NULL,
    date TEXT NOT NULL,                       -- YYYY-MM-DD
    payload TEXT NOT NULL,                    -- JSON array of the other fields, by the type's shape
    hash BLOB NOT NULL,                       -- sha256(previous event's hash + this event), see _chain
    UNIQUE (stream, version),
    UNIQUE (stream, event_id)
);
CREATE TABLE snapshots (
    id INTEGER PRIMARY KEY,
    stream INTEGER NOT NULL REFERENCES streams (id),
    version INTEGER NOT NULL,                 -- the state after this many events of the stream
    last_date TEXT NOT NULL,
    format INTEGER NOT NULL,
    model TEXT NOT NULL,                      -- fingerprint of the state classes that wrote it
    event_hash BLOB NOT NULL,                 -- hash of the event at that version: binds it to the chain
    checksum BLOB NOT NULL,                   -- sha256 of the body
    body BLOB NOT NULL,
    UNIQUE (stream, version)
);
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE VIEW event_log AS
    SELECT e.position, s.name AS stream, e.version, e.event_id, e.type, e.type_version, e.date, e.payload,
           hex(e.hash) AS hash
    FROM events e JOIN streams s ON s.id = e.stream;
"""


class ConcurrencyError(DiplosimError):
    """An append expected the stream at one version and found it at another: someone else appended meanwhile."""

    def __init__(self, stream: str, expected: int, actual: int):
        self.stream, self.expected, self.actual = stream, expected, actual
        super().__init__(f"stream {stream!r} is at version {actual}, not {expected}: someone else appended "
                         f"meanwhile; read it again and retry")


def open_store(path: str | os.PathLike, *, must_exist: bool = False, readonly: bool = False,
               snapshot_every: int | None = None) -> "Store":
    """Open (or, unless ``must_exist``/``readonly``, create) the store at ``path``.  Use it as a context manager.

    Raises :class:`InputError` naming ``path`` for a missing file, a file that is not a diplosim store, a damaged
    one, or one of a newer schema version; nothing is written to the file in any of these cases.
    """
    return Store(path, must_exist=must_exist, readonly=readonly, snapshot_every=snapshot_every)


def _chain(prev: bytes, stream: str, version: int, event_id: str, type_name: str, type_version: int, date: str,
           shape_tag: str, payload: str) -> bytes:
    """The hash of one stored event: every column that gives it meaning, after the previous event's hash.

    Fields are separated by NUL; only the id can contain one, and every field around it has a fixed form, so the
    input is unambiguous."""
    text = f"{stream}\0{version}\0{event_id}\0{type_name}\0{type_version}\0{date}\0{shape_tag}\0{payload}"
    return hashlib.sha256(prev + text.encode("utf-8")).digest()


def _shape_tag(shape: str) -> str:
    return hashlib.sha256(shape.encode("utf-8")).hexdigest()[:16]


def check_stream_name(name: str) -> str:
    """A stream name is 1-100 printable characters, not starting with ``-``."""
    if not isinstance(name, str) or not name or len(name) > 100 or name.startswith("-") \
            or not name.isprintable():
        raise InputError(f"bad stream name {name!r}: want 1-100 printable characters, not starting with '-'")
    return name


def _state_size(s: State) -> int:
    return (len(s.missions) + len(s.properties) + len(s.sanctions) + len(s.open_items) + len(s.resolved)
            + len(s.claims))


#: One page of a stream, each column as one text: ids and type:version keys joined by NUL (neither holds one in a
#: sound store; a page where one does is read row by row), dates by commas, payloads as the items of a JSON array.
#: The (stream, version) index gives the rows in version order; the versions come along to prove it.
_PAGE_QUERY = ("SELECT count(*), group_concat(version, ','), group_concat(event_id, char(0)), "
               "group_concat(type || ':' || type_version, char(0)), group_concat(date, ','), "
               "group_concat(payload, ',') FROM events WHERE stream = ? AND version > ? AND version <= ?")


#: Columns of an inserted event row, and rows per INSERT statement (one statement per row costs SQLite more than
#: the row itself; 100 rows keep the parameters under SQLite's oldest limit of 999).
_WIDTH = 8
_ROWS_PER_INSERT = 100


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


class _Always:
    """Indexable by any length, always the same decoder (for events of an older shape, read by name)."""
    __slots__ = ("decode",)

    def __init__(self, decode):
        self.decode = decode

    def __getitem__(self, _n: int):
        return self.decode


class _StreamRow:
    __slots__ = ("id", "name", "version", "head", "title", "description")

    def __init__(self, id, name, version, head, title, description):
        self.id, self.name, self.version, self.head = id, name, version, head
        self.title, self.description = title, description


class _WriterState:
    """The stream's state after ``version`` events, kept between appends of this connection."""
    __slots__ = ("version", "head", "state", "last_snapshot")

    def __init__(self, version: int, head: bytes, state: State, last_snapshot: int):
        self.version, self.head, self.state, self.last_snapshot = version, head, state, last_snapshot


class Store:
    """One open store (one SQLite connection; not to be shared between threads).  See :func:`open_store`."""

    def __init__(self, path: str | os.PathLike, *, must_exist: bool = False, readonly: bool = False,
                 snapshot_every: int | None = None, timeout: float = 60.0):
        self.path = str(path)
        self.readonly = readonly
        self._writers: dict[int, _WriterState] = {}
        self._decoders: dict[tuple[str, int], tuple[Any, Any]] = {}
        self._by_key: dict[str, Any] = {}  # "type:version" -> decoders by length (the fast read path's)
        self._shapes: dict[tuple[str, int], str] = {}
        self.conn = self._connect(must_exist, readonly, snapshot_every, timeout)

    # --- opening ----------------------------------------------------------------------------------------------------

    def _fail(self, message: str) -> InputError:
        return InputError(message, self.path)

    def _connect(self, must_exist: bool, readonly: bool, snapshot_every: int | None,
                 timeout: float) -> sqlite3.Connection:
        p = Path(self.path)
        if p.is_dir():
            raise self._fail("is a directory, not a store")
        try:
            with open(p, "rb") as f:
                head = f.read(len(_SQLITE_MAGIC))
        except FileNotFoundError:
            head = None
        except OSError as exc:
            raise self._fail(exc.strerror or str(exc)) from None
        if head is None and (must_exist or readonly):
            raise self._fail("no such store (create one with `diplosim store init`)")
        if head is not None and head != _SQLITE_MAGIC and (head or must_exist or readonly):
            raise self._fail("not a diplosim store (not an SQLite database)")
        create = not head
        if snapshot_every is not None and (isinstance(snapshot_every, bool) or not isinstance(snapshot_every, int)
                                           or snapshot_every < 1):
            raise InputError(f"snapshot interval must be a positive whole number, got {snapshot_every!r}")
        # Read-only use opens the file read-write when it may (and never writes): only a read-write connection can
        # remove the write-ahead log and its index when it closes; a read-only one leaves them behind.
        mode = "rwc" if create else ("rw" if not readonly or os.access(p, os.W_OK) and os.access(
            p.absolute().parent, os.W_OK) else "ro")
        uri = f"file:{quote(str(p.absolute()))}?mode={mode}"
        try:
            conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=timeout)
        except sqlite3.Error as exc:
            raise self._fail(f"cannot open: {exc}") from None
        try:
            if create:
                self._create(conn, snapshot_every or DEFAULT_SNAPSHOT_EVERY)
            else:
                self._check(conn)
            if not readonly:
                # checked first: a store of another schema is refused before anything is written
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA cache_size = -32000")
        except DiplosimError:
            conn.close()
            raise
        except (sqlite3.Error, UnicodeDecodeError) as exc:
            conn.close()
            raise self._damaged(exc) from None
        return conn

    def _damaged(self, exc: BaseException) -> InputError:
        text = " ".join(str(exc).split())  # one line, whatever SQLite says
        if "not a database" in text or "malformed" in text or "corrupt" in text or "decode" in text:
            return self._fail(f"damaged store: {text} (run `diplosim verify`)")
        if "no such table" in text:
            return self._fail(f"not a diplosim store ({text})")
        if "locked" in text or "busy" in text:
            return self._fail(f"the store is busy ({text}); try again")
        return self._fail(f"store error: {text}")

    def _create(self, conn: sqlite3.Connection, snapshot_every: int) -> None:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("BEGIN IMMEDIATE")
        try:
            has_meta = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone()
            if has_meta:  # created by someone else meanwhile
                conn.execute("ROLLBACK")
                self._check(conn)
                return
            for statement in _split_sql(_SCHEMA):
                conn.execute(statement)
            from ..core.version import __version__
            conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", [
                ("schema_version", str(SCHEMA_VERSION)), ("snapshot_every", str(snapshot_every)),
                ("created_with", f"diplosim {__version__}")])
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        self.snapshot_every = snapshot_every

    def _check(self, conn: sqlite3.Connection) -> None:
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        except (sqlite3.Error, UnicodeDecodeError) as exc:
            raise self._damaged(exc) from None
        version = str(meta.get("schema_version", ""))
        if not version.isdigit():
            raise self._fail(f"not a diplosim store (schema version {version!r})")
        if int(version) > SCHEMA_VERSION:
            raise self._fail(f"store schema version {version} is newer than this diplosim supports "
                             f"({SCHEMA_VERSION}): upgrade diplosim to open it")
        if int(version) < SCHEMA_VERSION:  # pragma: no cover - no older schema exists yet
            raise self._fail(f"store schema version {version} is older than this diplosim's ({SCHEMA_VERSION})")
        every = str(meta.get("snapshot_every", ""))
        self.snapshot_every = int(every) if every.isdigit() and int(every) > 0 else DEFAULT_SNAPSHOT_EVERY
        self.meta = meta

    def close(self) -> None:
        """Close the connection (a clean close checkpoints the write-ahead log into the file)."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None  # type: ignore[assignment]

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- small queries ----------------------------------------------------------------------------------------------

    @contextmanager
    def _sql(self):
        """Turn SQLite errors into one-line InputErrors naming the store."""
        try:
            yield
        except (sqlite3.Error, UnicodeDecodeError) as exc:  # a damaged file can hold text that is not UTF-8
            raise self._damaged(exc) from None

    def _stream(self, name: str) -> _StreamRow | None:
        with self._sql():
            row = self.conn.execute("SELECT id, name, version, head, title, description FROM streams WHERE name = ?",
                                    (name,)).fetchone()
        return _StreamRow(*row) if row else None

    def _existing_stream(self, name: str) -> _StreamRow:
        check_stream_name(name)
        row = self._stream(name)
        if row is None:
            names = self.stream_names()
            have = f"streams: {', '.join(names)}" if names else "it has no streams yet: import or record events"
            raise self._fail(f"no stream {name!r} ({have})")
        return row

    def stream_names(self) -> list[str]:
        """Names of the streams, in the order they were created."""
        with self._sql():
            return [n for (n,) in self.conn.execute("SELECT name FROM streams ORDER BY id")]

    def default_stream(self) -> str:
        """``main`` if there is one, else the only stream; with several and no ``main``, say which to choose."""
        names = self.stream_names()
        if DEFAULT_STREAM in names or not names:
            return DEFAULT_STREAM
        if len(names) == 1:
            return names[0]
        raise self._fail(f"several streams and none is called {DEFAULT_STREAM!r}: choose one with --stream "
                         f"({', '.join(names)})")

    def version(self, stream: str) -> int:
        """Number of events in ``stream`` (0 if it does not exist)."""
        row = self._stream(check_stream_name(stream))
        return row.version if row else 0

    def has_event(self, stream: str, event_id: str) -> bool:
        row = self._stream(check_stream_name(stream))
        if row is None:
            return False
        with self._sql():
            return self.conn.execute("SELECT 1 FROM events WHERE stream = ? AND event_id = ?",
                                     (row.id, event_id)).fetchone() is not None

    def unique_id(self, stream: str, base: str) -> str:
        """``base`` if no event of ``stream`` has that id, else ``base-2``, ``base-3``..."""
        if not self.has_event(stream, base):
            return base
        n = 2
        while self.has_event(stream, f"{base}-{n}"):
            n += 1
        return f"{base}-{n}"

    # --- reading ----------------------------------------------------------------------------------------------------

    def _by_length(self, type_name: str, type_version: int) -> tuple[Any, Any]:
        """(decoders indexed by the number of stored values, the checked decoder) of a stored type and version."""
        key = (type_name, type_version)
        found = self._decoders.get(key)
        if found is not None:
            return found
        with self._sql():
            row = self.conn.execute("SELECT shape FROM shapes WHERE type = ? AND type_version = ?", key).fetchone()
        if row is None:
            raise ValueError(f"no shape recorded for {type_name} version {type_version}")
        shape = row[0]
        current = codec.event_codec(type_name) if type_name in ev.EVENT_TYPES else None
        if current is not None and current.version == type_version and current.shape == shape:
            found = (current.by_length, current.decode)
        else:
            def dec(event_id, date, values, _t=type_name, _v=type_version, _s=shape):
                return codec.decode_by_shape(_t, _v, _s, event_id, date.isoformat(), values)
            found = (_Always(dec), dec)
        self._decoders[key] = found
        return found

    def _decode_rows(self, stream: str, rows: Sequence[tuple]) -> list[ev.Event]:
        """Rows of (version, event_id, type, type_version, date, payload) -> events, or an InputError naming one."""
        with _gc_paused():
            return self._decode_page(stream, rows)

    def _decode_page(self, stream: str, rows: Sequence[tuple]) -> list[ev.Event]:
        try:
            values = codec.loads("[" + ",".join([r[5] for r in rows]) + "]")
            if len(values) != len(rows):
                raise ValueError("payloads do not split into rows")
        except (ValueError, TypeError, RecursionError):
            values = [None] * len(rows)  # find the bad row below
        out = []
        append = out.append
        dates = codec.DATES
        for (version, event_id, type_name, type_version, date, payload), v in zip(rows, values):
            try:
                if v is None:
                    v = codec.loads(payload)
                dec = self._by_length(type_name, type_version)[1]
                append(dec(event_id, dates.get(date) or codec.parse_date(date), v))
            except DiplosimError:
                raise
            except Exception as exc:  # anything a damaged row can raise: name the row, never a traceback
                raise self._fail(f"stored event {event_id!r} (stream {stream!r}, version {version}) cannot be read: "
                                 f"{exc} (run `diplosim verify`)") from None
        return out

    def _read_page(self, sid: int, after: int, upper: int) -> list[ev.Event] | None:
        """The events of versions ``after + 1`` to ``upper`` by the fast path, or None: then read them row by row.

        SQLite hands over each column of the page as one text (``group_concat``), split in Python; the payloads
        are parsed by one ``json.loads``; each event is built by its type's decoder for that many values.  Any
        surprise (a missing or extra row, a separator inside a value, an unknown type or date, a value the
        decoder refuses) gives None, and the row-by-row path finds and names the culprit."""
        n = upper - after
        with self._sql():
            found = self.conn.execute(_PAGE_QUERY, (sid, after, upper)).fetchone()
        count, versions, ids, keys, dates, payloads = found
        if count != n or versions is None:
            return None
        try:
            if codec.loads("[" + versions + "]") != list(range(after + 1, upper + 1)):
                return None
            ids, keys, dates = ids.split("\0"), keys.split("\0"), dates.split(",")
            values = codec.loads("[" + payloads + "]")
        except (TypeError, ValueError, AttributeError, RecursionError):
            return None
        if not len(ids) == len(keys) == len(dates) == len(values) == n:
            return None
        try:
            day = dict.fromkeys(dates)  # a page has few dates, each on many events
            known = codec.DATES
            for d in day:
                day[d] = known.get(d) or codec.parse_date(d)
        except (TypeError, ValueError):
            return None
        table = self._by_key
        with _gc_paused():
            for attempt in (1, 2):
                try:
                    return [table[k][len(v)](i, day[d], v) for i, k, d, v in zip(ids, keys, dates, values)]
                except Exception:  # noqa: BLE001 - a type not met yet (learn it and retry), or a damaged row
                    if attempt == 2 or not self._learn(keys):
                        return None
        return None  # pragma: no cover - the loop returns

    def _learn(self, keys: list[str]) -> bool:
        """Make the decoders of the ``type:version`` keys not met yet; False if there were none (or one fails)."""
        new = set(keys).difference(self._by_key)
        try:
            for key in new:
                type_name, _, type_version = key.rpartition(":")
                self._by_key[key] = self._by_length(type_name, int(type_version))[0]
        except Exception:  # noqa: BLE001 - the row-by-row path names the row
            return False
        return bool(new)

    def read(self, stream: str, after: int = 0, *, until: Date | None = None, to_version: int | None = None,
             page: int = PAGE) -> Iterator[ev.Event]:
        """The events of ``stream`` after version ``after`` (up to ``until``'s date / ``to_version``), in order.

        Reads ``page`` events at a time (keyset pagination on the version), so memory stays flat however long the
        stream is.  Events appended after the call started are not included.
        """
        row = self._existing_stream(stream)
        last = row.version if to_version is None else min(to_version, row.version)
        v = after
        query = ("SELECT version, event_id, type, type_version, date, payload FROM events "
                 "WHERE stream = ? AND version > ? AND version <= ? ORDER BY version")
        while v < last:
            upper = min(v + page, last)
            events = self._read_page(row.id, v, upper)
            if events is None:
                with self._sql():
                    rows = self.conn.execute(query, (row.id, v, upper)).fetchall()
                if len(rows) != upper - v or rows[0][0] != v + 1:
                    missing = next((v + 1 + i for i, r in enumerate(rows) if r[0] != v + 1 + i), v + 1 + len(rows))
                    raise self._fail(f"stream {stream!r}: the event at version {missing} is missing "
                                     f"(run `diplosim verify`)")
                events = self._decode_rows(stream, rows)
            if until is not None and events[-1].date > until:
                for e in events:
                    if e.date > until:
                        return
                    yield e
                return
            yield from events
            v = upper

    def events(self, stream: str | None = None) -> list[ev.Event]:
        """All events of a stream as a list (use :meth:`read` for long streams)."""
        return list(self.read(stream or self.default_stream()))

    # --- state, snapshots ---------------------------------------------------------------------------------------------

    def _replay(self, stream: str, s: State, after: int, *, until: Date | None = None,
                to_version: int | None = None) -> State:
        from ..core.fold import apply_all_in_place

        try:
            apply_all_in_place(s, self.read(stream, after, until=until, to_version=to_version))
        except DiplosimError:
            raise
        except Exception as exc:  # a damaged but readable event: wrong values far from where they were read
            raise self._fail(f"stream {stream!r} does not replay: {type(exc).__name__}: {exc} "
                             f"(run `diplosim verify`)") from None
        return s

    def _snapshot(self, row: _StreamRow, *, version: int, date: Date | None = None) -> tuple[State, int] | None:
        """The latest trustworthy snapshot of ``row`` at or before ``version`` (and ``date``): (state, version).

        A snapshot is used only if its format and state model are this diplosim's, its checksum matches its body,
        it is bound to the hash of the event it follows, and it decodes to a state of that many events ending at
        that event.  Anything else is skipped and an older one (or the start) is used instead."""
        query = ("SELECT version, last_date, format, model, event_hash, checksum, body FROM snapshots "
                 "WHERE stream = ? AND version <= ?" + (" AND last_date <= ?" if date else "") +
                 " ORDER BY version DESC LIMIT 8")
        params: list[Any] = [row.id, version] + ([date.isoformat()] if date else [])
        model = codec.state_model()
        while True:
            with self._sql():
                found = self.conn.execute(query, params).fetchall()
            if not found:
                return None
            for v, _last, fmt, snap_model, event_hash, checksum, body in found:
                state = self._trust(row, v, fmt, snap_model, model, event_hash, checksum, body)
                if state is not None:
                    return state, v
            params[1] = found[-1][0] - 1

    def _trust(self, row: _StreamRow, version: int, fmt: Any, snap_model: Any, model: str, event_hash: Any,
               checksum: Any, body: Any) -> State | None:
        if fmt != SNAPSHOT_FORMAT or snap_model != model or not isinstance(body, bytes):
            return None
        if hashlib.sha256(body).digest() != checksum:
            return None
        with self._sql():
            at = self.conn.execute("SELECT hash, event_id FROM events WHERE stream = ? AND version = ?",
                                   (row.id, version)).fetchone()
        if at is None or at[0] != event_hash:
            return None
        try:
            s = codec.decode_state(body)
        except Exception:  # noqa: BLE001 - an unreadable snapshot is ignored, never trusted
            return None
        if not isinstance(s, State) or s.events_applied != version or s.last_event != at[1] or s.seen_ids is not None:
            return None
        return s

    def state_at(self, stream: str, date: Date | None = None) -> State:
        """The state of ``stream`` at ``date`` (default: after its last event), from the latest snapshot before it.

        Equal to ``fold(store.read(stream), until=date, check_ids=False)``, without reading the events before the
        snapshot.
        """
        from ..core.fold import settle

        row = self._existing_stream(stream)
        found = self._snapshot(row, version=row.version, date=date)
        s, after = found if found else (State(seen_ids=None), 0)
        self._replay(stream, s, after, until=date)
        if date is not None:
            try:
                settle(s, date)
            except DiplosimError:
                raise
            except Exception as exc:
                raise self._fail(f"stream {stream!r} does not replay: {exc} (run `diplosim verify`)") from None
            s.as_of = date
        else:
            s.as_of = s.last_date
        return s

    def state(self, stream: str) -> State:
        """The state after the last event of ``stream``."""
        return self.state_at(stream)

    def timeline(self, stream: str, *, every: int = 1000) -> "Timeline":
        """The whole stream read once into a :class:`~diplosim.core.timeline.Timeline`, for the state at many dates.

        Each ``.at(date)`` then takes milliseconds, where :meth:`state_at` decodes a snapshot as big as the state
        (and the events after it) for every date; the timeline holds the stream's events in memory.
        """
        from ..core.timeline import Timeline

        events = list(self.read(stream))
        try:
            return Timeline(events, every=every)
        except DiplosimError:
            raise
        except Exception as exc:
            raise self._fail(f"stream {stream!r} does not replay: {exc} (run `diplosim verify`)") from None

    # --- writing ------------------------------------------------------------------------------------------------------

    def _writable(self) -> None:
        if self.readonly:
            raise self._fail("opened read-only")

    @contextmanager
    def _transaction(self):
        """One write transaction (BEGIN IMMEDIATE: the write lock is taken at once, so the versions read inside are
        the versions written against).  Any failure rolls back and forgets the in-memory states."""
        with self._sql():
            self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            with self._sql():
                self.conn.execute("COMMIT")
        except BaseException:
            self._writers.clear()  # states, and shapes recorded in this transaction, are no longer sure
            self._shapes.clear()
            self._decoders.clear()
            self._by_key.clear()
            try:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
            except sqlite3.Error:  # pragma: no cover - the connection is gone; SQLite rolls back on reopen
                pass
            raise

    def _prepare(self, events: Sequence[ev.Event]) -> list[tuple[str, int, str, str, str]]:
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
                date = dates.get(e.date) or dates.setdefault(e.date, e.date.isoformat())
                if not e.id.isascii():
                    e.id.encode("utf-8")  # hashed as UTF-8: a lone surrogate cannot be
            except InputError as exc:
                raise InputError(exc.message, exc.where or f"event {e.id}") from None
            except UnicodeEncodeError:
                raise InputError("the id is not valid Unicode text", f"event {e.id!r}") from None
            except (AttributeError, TypeError, ValueError) as exc:
                raise InputError(f"cannot store this event: {exc}", f"event {e.id}") from None
            append((c.name, c.version, payload, tag, date))
        return out

    def _stream_for_write(self, name: str) -> _StreamRow:
        row = self._stream(check_stream_name(name))
        if row is None:
            with self._sql():
                cur = self.conn.execute("INSERT INTO streams (name, version, head) VALUES (?, 0, ?)", (name, _ZERO))
            row = _StreamRow(cur.lastrowid, name, 0, _ZERO, "", "")
        return row

    def _writer_state(self, row: _StreamRow) -> _WriterState:
        """The state after the stream's last event: the one kept from our last append if the stream has not moved
        since (or has only grown: then the new events are applied), else rebuilt from the latest snapshot."""
        w = self._writers.get(row.id)
        if w is not None and w.version == row.version and w.head == row.head:
            return w
        if w is not None and w.version < row.version:
            with self._sql():
                at = self.conn.execute("SELECT hash FROM events WHERE stream = ? AND version = ?",
                                       (row.id, w.version)).fetchone() if w.version else (_ZERO,)
            if at is not None and at[0] == w.head:
                self._replay(row.name, w.state, w.version, to_version=row.version)
                w.version, w.head = row.version, row.head
                w.last_snapshot = self._last_snapshot(row)  # the other writers may have taken some
                return w
        found = self._snapshot(row, version=row.version)
        s, after = found if found else (State(seen_ids=None), 0)
        s.as_of = None
        self._replay(row.name, s, after, to_version=row.version)
        w = _WriterState(row.version, row.head, s, self._last_snapshot(row))
        self._writers[row.id] = w
        return w

    def _last_snapshot(self, row: _StreamRow) -> int:
        with self._sql():
            return self.conn.execute("SELECT max(version) FROM snapshots WHERE stream = ?",
                                     (row.id,)).fetchone()[0] or 0

    def _ensure_shapes(self, prepared: Sequence[tuple[str, int, str, str, str]]) -> None:
        for key in {p[:2] for p in prepared}:
            if key in self._shapes:
                continue
            type_name, type_version = key
            shape = codec.event_codec(type_name).shape
            with self._sql():
                row = self.conn.execute("SELECT shape FROM shapes WHERE type = ? AND type_version = ?",
                                        key).fetchone()
                if row is None:
                    self.conn.execute("INSERT INTO shapes (type, type_version, shape) VALUES (?, ?, ?)",
                                      (type_name, type_version, shape))
                elif row[0] != shape:
                    raise self._fail(f"the fields of {type_name} changed without a new type version: bump "
                                     f"TYPE_VERSIONS[{type_name!r}] in diplosim.store.codec (and add an upcaster)")
            self._shapes[key] = shape

    def _append_locked(self, row: _StreamRow, events: Sequence[ev.Event],
                       prepared: Sequence[tuple[str, int, str, str, str]]) -> int:
        """Inside a write transaction: check the rules, snapshot, chain the hashes, insert.  Returns the version.

        The batch is folded in one loop per stretch between snapshots (the fold's fast path), then hashed and
        inserted: what is stored is exactly what appending the events one by one would store."""
        from ..core.fold import apply_all_in_place

        self._ensure_shapes(prepared)
        w = self._writer_state(row)
        s = w.state
        start, n = row.version, len(events)
        bodies: list[tuple[int, bytes]] = []  # (events of the batch before it, body) of each snapshot taken
        last_snapshot = w.last_snapshot
        try:
            done = 0
            while done < n:
                # a snapshot is due after the first event whose version is `spacing` past the last snapshot
                due = max(last_snapshot + max(self.snapshot_every, SNAPSHOT_SPACING * _state_size(s)),
                          start + done + 1) - start
                apply_all_in_place(s, events[done:due] if done or due < n else events)
                done = min(due, n)
                if due <= n:
                    bodies.append((due, codec.encode_state(s)))
                    last_snapshot = start + due
        except BaseException:
            self._writers.pop(row.id, None)  # half-applied: rebuild next time
            raise
        flat, head = self._chain_rows(row, events, prepared)
        try:
            for stmt, chunk in _insert_chunks(flat):
                self.conn.executemany(stmt, chunk)
        except sqlite3.IntegrityError:
            self._writers.pop(row.id, None)
            raise self._duplicate(row, events) from None
        except (sqlite3.Error, UnicodeDecodeError) as exc:  # a full disk, say
            raise self._damaged(exc) from None
        version = start + n
        with self._sql():
            self.conn.execute("UPDATE streams SET version = ?, head = ? WHERE id = ?", (version, head, row.id))
            if bodies:
                model = codec.state_model()
                self.conn.executemany(
                    "INSERT INTO snapshots (stream, version, last_date, format, model, event_hash, checksum, body) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [(row.id, start + k, prepared[k - 1][4], SNAPSHOT_FORMAT, model, flat[_WIDTH * k - 1],
                      hashlib.sha256(body).digest(), body) for k, body in bodies])
        w.version, w.head, w.last_snapshot = version, head, last_snapshot
        return version

    @staticmethod
    def _chain_rows(row: _StreamRow, events: Sequence[ev.Event],
                    prepared: Sequence[tuple[str, int, str, str, str]]) -> tuple[list, bytes]:
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

    def _duplicate(self, row: _StreamRow, events: Sequence[ev.Event]) -> DiplosimError:
        ids = [e.id for e in events]
        with self._sql():
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                found = self.conn.execute(
                    f"SELECT event_id, version FROM events WHERE stream = ? AND event_id IN "
                    f"({','.join('?' * len(chunk))}) ORDER BY version LIMIT 1", [row.id, *chunk]).fetchone()
                if found:
                    return RuleViolation(found[0], E.UNIQUE_IDS,
                                         f"already in stream {row.name!r} at version {found[1]}")
        return self._fail("an event could not be stored: a uniqueness rule of the store failed")

    def append(self, stream: str, events: Iterable[ev.Event], expected_version: int | None = None) -> int:
        """Append ``events`` to ``stream`` in one transaction; return the stream's new version.

        ``expected_version``: the version the caller last saw (0 for a new stream); if the stream is elsewhere,
        :class:`ConcurrencyError` and nothing is written.  ``None`` appends wherever the stream is (the rules are
        still checked against its actual state).  A broken rule raises
        :class:`~diplosim.core.errors.RuleViolation` and nothing is written.
        """
        self._writable()
        events = list(events)
        with _gc_paused():  # the whole append: it makes no cycles, and snapshots build many young objects
            prepared = self._prepare(events)
            with self._transaction():
                row = self._stream_for_write(stream)
                if expected_version is not None and expected_version != row.version:
                    raise ConcurrencyError(stream, expected_version, row.version)
                if not events:
                    return row.version
                return self._append_locked(row, events, prepared)

    def import_events(self, stream: str, events: Iterable[ev.Event], *, title: str = "",
                      description: str = "") -> dict[str, int]:
        """Append the events of a log that the stream does not hold yet (by id): importing twice adds nothing.

        An id that is in the stream with different content is an error (nothing is imported).  Returns
        ``{"added", "skipped", "version"}``.
        """
        self._writable()
        events = list(events)
        with _gc_paused():
            prepared = self._prepare(events)
            with self._transaction():
                row = self._stream_for_write(stream)
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
                    with self._sql():
                        self.conn.execute("UPDATE streams SET title = ?, description = ? WHERE id = ?",
                                          (title, description, row.id))
        return {"added": len(new), "skipped": len(events) - len(new), "version": version}

    def _stored_by_id(self, row: _StreamRow, ids: list[str]) -> dict[str, tuple]:
        found: dict[str, tuple] = {}
        with self._sql():
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                for r in self.conn.execute(
                        f"SELECT version, event_id, type, type_version, date, payload FROM events "
                        f"WHERE stream = ? AND event_id IN ({','.join('?' * len(chunk))})", [row.id, *chunk]):
                    found[r[1]] = r
        return found

    def _same(self, stream: str, old: tuple, e: ev.Event, prepared: tuple[str, int, str, str, str]) -> bool:
        _v, _id, type_name, type_version, date, payload = old
        if (type_name, type_version, date, payload) == (prepared[0], prepared[1], e.date.isoformat(), prepared[2]):
            return True
        if type_name != prepared[0] or type_version == prepared[1]:
            return False
        return self._decode_rows(stream, [old])[0] == e  # stored in an older shape: compare the events

    def set_title(self, stream: str, title: str, description: str = "") -> None:
        """Set the title and description a TOML export of ``stream`` starts with."""
        self._writable()
        with self._transaction():
            row = self._existing_stream(stream)
            with self._sql():
                self.conn.execute("UPDATE streams SET title = ?, description = ? WHERE id = ?",
                                  (title, description, row.id))

    # --- listing, verifying -----------------------------------------------------------------------------------------

    def streams(self) -> list[dict[str, Any]]:
        """One row per stream: name, events, first and last date, snapshots, head hash, title."""
        query = """
            SELECT s.name, s.version,
                   (SELECT date FROM events WHERE stream = s.id AND version = 1),
                   (SELECT date FROM events WHERE stream = s.id AND version = s.version),
                   (SELECT count(*) FROM snapshots WHERE stream = s.id),
                   hex(s.head), s.title
            FROM streams s ORDER BY s.id"""
        with self._sql():
            rows = self.conn.execute(query).fetchall()
        return [{"stream": n, "events": v, "first": first, "last": last, "snapshots": k, "head": h[:16].lower(),
                 "title": t} for n, v, first, last, k, h, t in rows]

    def title(self, stream: str) -> tuple[str, str]:
        row = self._existing_stream(stream)
        return row.title, row.description

    def verify(self) -> dict[str, Any]:
        """Check everything; raise InputError naming the first problem, else return a summary.

        SQLite's own integrity check; per stream: versions gapless, positions in order, each event's hash chained to
        the previous one, the head recorded in ``streams``; every event decodes and the stream replays under the
        fold's rules; every snapshot of the current state model equals the state replayed to its version.
        """
        from ..core.fold import apply_in_place

        with self._sql():
            problems = [r[0] for r in self.conn.execute("PRAGMA integrity_check(5)")]
        if problems != ["ok"]:
            first = " ".join(str(problems[0]).replace("*** in database main ***", "").split())
            raise self._fail(f"damaged store: SQLite integrity check: {first}")
        with self._sql():
            shapes = {(t, v): s for t, v, s in self.conn.execute("SELECT type, type_version, shape FROM shapes")}
            streams = self.conn.execute("SELECT id, name, version, head FROM streams ORDER BY id").fetchall()
            # the titles and descriptions too: export and `store streams` show them, so they must decode
            self.conn.execute("SELECT title, description FROM streams").fetchall()
            orphans = self.conn.execute("SELECT min(position) FROM events WHERE stream NOT IN "
                                        "(SELECT id FROM streams)").fetchone()[0]
        if orphans is not None:
            raise self._fail(f"the event at position {orphans} belongs to no stream: inserted")
        tags = {key: _shape_tag(s) for key, s in shapes.items()}
        model = codec.state_model()
        total = snapshots_checked = 0
        query = ("SELECT position, version, event_id, type, type_version, date, payload, hash FROM events "
                 "WHERE stream = ? AND version > ? ORDER BY version LIMIT ?")
        for sid, name, head_version, head in streams:
            where = f"stream {name!r}"
            with self._sql():
                snaps = {v: body for v, body in self.conn.execute(
                    "SELECT version, body FROM snapshots WHERE stream = ? AND format = ? AND model = ?",
                    (sid, SNAPSHOT_FORMAT, model))}
            s = State(seen_ids=None)
            expected, prev_hash, prev_position, prev_id = 1, _ZERO, 0, None
            while True:
                with self._sql():
                    rows = self.conn.execute(query, (sid, expected - 1, PAGE)).fetchall()
                if not rows:
                    break
                for position, version, event_id, type_name, type_version, date, payload, h in rows:
                    what = f"event {event_id!r} ({where}, version {version})"
                    if version != expected:
                        raise self._fail(f"{where}: the event at version {expected} is missing (deleted): the chain "
                                         f"breaks before {what}")
                    if position <= prev_position:
                        raise self._fail(f"{what} was stored before {prev_id!r} (version {version - 1}): "
                                         f"reordered or inserted")
                    tag = tags.get((type_name, type_version))
                    if tag is None:
                        raise self._fail(f"{what}: no shape for {type_name} version {type_version}: edited")
                    if not isinstance(payload, str) or not isinstance(date, str) or not isinstance(event_id, str) \
                            or _chain(prev_hash, name, version, event_id, type_name, type_version, date, tag,
                                      payload) != h:
                        raise self._fail(f"{what} does not match its hash: edited, moved or inserted")
                    prev_hash, prev_position, prev_id, expected = h, position, event_id, expected + 1
                try:
                    for r, e in zip(rows, self._decode_rows(name, [r[1:7] for r in rows])):
                        apply_in_place(s, e)
                        body = snaps.get(r[1])
                        if body is not None:
                            if codec.encode_state(s) != body:
                                raise self._fail(f"{where}: the snapshot at version {r[1]} does not match the "
                                                 f"events before it: edited")
                            snapshots_checked += 1
                except RuleViolation as exc:
                    raise self._fail(f"{where}: {exc}") from None
                except InputError:
                    raise
                except Exception as exc:  # noqa: BLE001 - a damaged event must not escape as a traceback
                    raise self._fail(f"{where} does not replay: {type(exc).__name__}: {exc}") from None
                total += len(rows)
            if expected - 1 != head_version or prev_hash != head:
                if expected - 1 < head_version:
                    raise self._fail(f"{where}: the events after version {expected - 1} are missing (deleted): the "
                                     f"stream records {head_version}")
                raise self._fail(f"{where}: its recorded head (version {head_version}) does not match its last "
                                 f"event (version {expected - 1}): edited")
        self._check_schema()
        return {"streams": len(streams), "events": total, "snapshots": snapshots_checked}

    def _check_schema(self) -> None:
        """The tables, indexes, triggers and view are the ones this diplosim creates (a dropped append-only trigger,
        a renamed column or a missing unique index is a changed store)."""
        with self._sql():
            found = {(t, n): " ".join((sql or "").split()) for t, n, sql in self.conn.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")}
        for key, sql in _expected_schema().items():
            if key not in found:
                raise self._fail(f"the store's {key[0]} {key[1]} is missing: changed outside diplosim")
            if found.pop(key) != sql:
                raise self._fail(f"the store's {key[0]} {key[1]} is not the one diplosim made: changed outside "
                                 f"diplosim")
        if found:
            kind, name = sorted(found)[0]
            raise self._fail(f"the store has a {kind} {name} diplosim did not make: changed outside diplosim")



_SCHEMA_SQL: dict[tuple[str, str], str] = {}


def _expected_schema() -> dict[tuple[str, str], str]:
    """(type, name) -> SQL of everything a new store holds, as SQLite records it (whitespace folded)."""
    if not _SCHEMA_SQL:
        conn = sqlite3.connect(":memory:")
        for statement in _split_sql(_SCHEMA):
            conn.execute(statement)
        _SCHEMA_SQL.update({(t, n): " ".join((sql or "").split()) for t, n, sql in conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")})
        conn.close()
    return dict(_SCHEMA_SQL)


@contextmanager
def _gc_paused():
    """No cyclic garbage collection while a batch of events is decoded or encoded: the batch makes no cycles, and the
    collector's passes over the many young objects cost a quarter of a replay's time."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _split_sql(script: str) -> list[str]:
    """The statements of a schema script (triggers hold ';' inside BEGIN ... END)."""
    out, current = [], []
    for line in script.strip().splitlines():
        current.append(line)
        text = "\n".join(current).strip()
        if text.endswith(";") and sqlite3.complete_statement(text):
            out.append(text)
            current = []
    return out

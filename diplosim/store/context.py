"""An open store as its parts see it: the SQLite connection, the file's name for errors, write transactions.

:func:`connect` opens (or creates) the file and checks it is a store of this diplosim's schema before anything is
written; :class:`Context` turns SQLite's errors into one-line :class:`InputError` naming the file.
"""
from __future__ import annotations

import gc
import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from . import schema
from ..core.errors import InputError

_SQLITE_MAGIC = b"SQLite format 3\x00"
#: SQLite's page cache, in KiB: for the lookups of appends and queries by date, which come back to the same pages.
CACHE_KIB = 32000
#: ... and while a whole stream is read once in order, where a page is never needed twice: the cache would only grow
#: with the stream, up to its limit, and hold memory that a replay of a short stream does not.
SCAN_CACHE_KIB = 2000
#: How long, in seconds, a connection waits for another's write transaction before it says the store is busy.
BUSY_TIMEOUT = 60.0


class Context:
    """One open store's connection and what every part needs beside it (one-line errors, transactions)."""

    def __init__(self, path: str, readonly: bool):
        self.path = path
        self.readonly = readonly
        #: seconds to wait for another connection's write transaction (:data:`BUSY_TIMEOUT` unless asked otherwise)
        self.timeout = BUSY_TIMEOUT
        self.conn: sqlite3.Connection = None  # type: ignore[assignment]  # set by connect, None once closed
        self.snapshot_every = schema.DEFAULT_SNAPSHOT_EVERY
        self.meta: dict[str, str] = {}
        #: whether this connection made the store (a new file, or an SQLite file that held nothing)
        self.created = False
        #: called when a write transaction fails: the parts forget what they cached from it
        self.on_rollback: list[Callable[[], None]] = []
        #: write transactions open (an append inside :meth:`Store.transaction` joins the outer one), and whether one
        #: inside failed (then the outer one rolls back, even if the failure was caught)
        self.depth = 0
        self.spoilt = False

    def fail(self, message: str) -> InputError:
        return InputError(message, self.path)

    def damaged(self, exc: BaseException) -> InputError:
        text = " ".join(str(exc).split())  # one line, whatever SQLite says
        if "not a database" in text or "malformed" in text or "corrupt" in text or "decode" in text:
            return self.fail(f"damaged store: {text} (run `diplosim verify`)")
        if "no such table" in text:
            return self.fail(f"not a diplosim store ({text})")
        if "locked" in text or "busy" in text:
            return self.fail(f"the store is busy ({text}); try again")
        return self.fail(f"store error: {text}")

    @contextmanager
    def sql(self):
        """Turn SQLite errors into one-line InputErrors naming the store."""
        try:
            yield
        except (sqlite3.Error, UnicodeDecodeError) as exc:  # a damaged file can hold text that is not UTF-8
            raise self.damaged(exc) from None

    def writable(self) -> None:
        if self.readonly:
            raise self.fail("opened read-only")

    @contextmanager
    def transaction(self):
        """One write transaction (BEGIN IMMEDIATE: the write lock is taken at once, so the versions read inside are
        the versions written against).  Any failure rolls back and has the parts forget what they cached.

        Nested, it joins the transaction already open: only the outermost commits, and a failure anywhere inside rolls
        back everything since the outermost began."""
        if self.depth:
            self.depth += 1
            try:
                yield
            except BaseException:
                self.spoilt = True  # caught inside or not, the outermost transaction must not commit half of it
                raise
            finally:
                self.depth -= 1
            return
        with self.sql():
            self.conn.execute("BEGIN IMMEDIATE")
        self.depth, self.spoilt = 1, False
        try:
            yield
            if self.spoilt:
                raise self.fail("an append inside this transaction failed: nothing was written")
            with self.sql():
                self.conn.execute("COMMIT")
        except BaseException:
            for forget in self.on_rollback:  # states, and shapes recorded in this transaction, are no longer sure
                forget()
            try:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
            except sqlite3.Error:  # the connection is gone: SQLite drops the uncommitted changes with it
                pass
            raise
        finally:
            self.depth = 0

    @contextmanager
    def scanning(self):
        """A small page cache while a stream is read once from its start (a replay, a timeline); the usual one after.
        Pages are read back from the file (and the system's cache of it) at the same speed as from SQLite's own."""
        with self.sql():
            self.conn.execute(f"PRAGMA cache_size = -{SCAN_CACHE_KIB}")
        try:
            yield
        finally:
            if self.conn is not None:
                with self.sql():
                    self.conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")

    @contextmanager
    def reading(self):
        """One read transaction: every query inside sees the store as it was when the first one ran (WAL mode)."""
        with self.sql():
            self.conn.execute("BEGIN")
        try:
            yield
        finally:
            try:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")  # it wrote nothing: nothing to keep
            except sqlite3.Error:  # a damaged file: the error that ended the read is the one to tell
                pass


def connect(path: str, *, must_exist: bool, readonly: bool, snapshot_every: int | None, timeout: float) -> Context:
    """Open the store at ``path`` (creating it unless ``must_exist``/``readonly``); nothing is written to a file that
    is refused."""
    ctx = Context(path, readonly)
    ctx.timeout = timeout
    p = Path(path)
    if p.is_dir():
        raise ctx.fail("is a directory, not a store")
    try:
        with open(p, "rb") as f:
            head = f.read(len(_SQLITE_MAGIC))
    except FileNotFoundError:
        head = None
    except OSError as exc:
        raise ctx.fail(exc.strerror or str(exc)) from None
    if head is None and (must_exist or readonly):
        raise ctx.fail("no such store (create one with `diplosim store init`)")
    if head is not None and head != _SQLITE_MAGIC and (head or must_exist or readonly):
        raise ctx.fail("not a diplosim store (not an SQLite database)")
    create = not head
    if snapshot_every is not None and (isinstance(snapshot_every, bool) or not isinstance(snapshot_every, int)
                                       or snapshot_every < 1):
        raise InputError(f"snapshot interval must be a positive whole number, got {snapshot_every!r}")
    # Read-only use opens the file read-write when it may (and never writes): only a read-write connection can
    # remove the write-ahead log and its index when it closes; a read-only one leaves them behind.
    writable = os.access(p, os.W_OK) and os.access(p.absolute().parent, os.W_OK)
    if not create and not readonly and not writable:
        raise ctx.fail("the store cannot be written (a read-only file or folder, or read-only media): commands that "
                       "only read it work; to change it, copy it to a place you can write")
    mode = "rwc" if create else ("rw" if not readonly or writable else "ro")
    uri = f"file:{quote(str(p.absolute()))}?mode={mode}"
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=timeout)
    except sqlite3.Error as exc:
        raise ctx.fail(f"cannot open: {exc}") from None
    try:
        # an SQLite file holding nothing (a creation interrupted before its commit leaves one) is made a store too
        if create or (not must_exist and not readonly and schema.is_empty(conn)):
            meta = schema.create(conn, snapshot_every or schema.DEFAULT_SNAPSHOT_EVERY)
            ctx.created = meta is not None  # None: another process made it meanwhile
        else:
            meta = None
        if meta is None and mode == "ro":
            conn, meta = _read_only(conn, p, uri, timeout, ctx)
        if meta is None:  # an existing store, or one another process created meanwhile
            meta = schema.check(conn, ctx.fail)
        if not readonly:
            # checked first: a store of another schema is refused before anything is written
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            schema.add_views(conn)
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        conn.close()
        raise ctx.damaged(exc) from None
    except BaseException:  # a refusal (DiplosimError), or an interruption: the file is left as it was, and closed
        conn.close()
        raise
    ctx.conn, ctx.meta, ctx.snapshot_every = conn, meta, schema.snapshot_every(meta)
    return ctx


def _read_only(conn: sqlite3.Connection, p: Path, uri: str, timeout: float,
               ctx: Context) -> tuple[sqlite3.Connection, dict[str, str]]:
    """The meta of a store opened read-only.  A store in write-ahead-log mode on read-only media (or in a folder one
    may not write) cannot be opened so: SQLite needs to create the log's index beside it.  Then, if no changes wait
    in the log, the file is opened as immutable: read as it stands, with no index and no lock."""
    try:
        return conn, schema.check(conn, ctx.fail)
    except sqlite3.OperationalError as exc:
        if getattr(exc, "sqlite_errorcode", sqlite3.SQLITE_CANTOPEN) & 0xFF != sqlite3.SQLITE_CANTOPEN:
            raise
    conn.close()
    wal = Path(str(p) + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise ctx.fail("the store is on read-only media (or in a folder you cannot write) and its write-ahead log "
                       f"({wal.name}) holds changes not yet merged: open it once where it can be written")
    conn = sqlite3.connect(uri + "&immutable=1", uri=True, isolation_level=None, timeout=timeout)
    return conn, schema.check(conn, ctx.fail)


@contextmanager
def gc_paused():
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

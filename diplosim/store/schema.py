"""The store's tables: their DDL, the schema version and application id, creating a store and checking one's version.

Everything a store holds is made by :data:`_SCHEMA` and :data:`_VIEWS` when the store is created;
:func:`_expected_schema` is what SQLite records of it, which :func:`diplosim.store.verify.check_schema` compares a
store with.  The views came later than the tables: a read-write open adds them to a store that lacks them.
"""
from __future__ import annotations

import sqlite3
from typing import Callable

#: Version of the store's tables.  A store of a newer version is refused, never half-read or changed.
SCHEMA_VERSION = 1
#: ``PRAGMA application_id`` of a diplosim store ("DPLS").
APPLICATION_ID = 0x44504C53
DEFAULT_SNAPSHOT_EVERY = 1000

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

#: SQL: the JSON value of the json_each row ``x`` (its ``value`` gives a boolean as 1 or 0 and a string bare).
_VALUE = ("json(CASE {x}.type WHEN 'text' THEN json_quote({x}.value) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' "
          "WHEN 'null' THEN 'null' ELSE {x}.value END)")

#: Read-only views for people and tools that read the file with SQL (``sqlite3``, Datasette), added to stores made
#: before them when they are opened for writing (:func:`add_views`): nothing else changes, so the schema version
#: stays.  ``event_view`` names the stored values: the JSON object ``fields`` maps each position of the payload to
#: its field's name by the event's stored shape (records inside a tuple, such as a sanction's targets, become objects
#: too, and so does a record on its own, such as a post); fields left out of the payload because
#: they and every field after them held their defaults are not in it, and an event of an older type version shows the
#: names of that version (it is upcast only when diplosim reads it).  The mapping is pure SQL: ``json_each`` of the
#: shape and of the payload joined on the position, visited in position order, so the names keep the shape's order.
_VIEWS = f"""
CREATE VIEW event_view AS
    SELECT s.name AS stream, x.version, x.event_id, x.type, x.date,
           json_extract(x.fields, '$.actor') AS actor,
           json_extract(x.fields, '$.target') AS target,
           coalesce(json_extract(x.fields, '$.summary'), '') AS summary,
           json_extract(x.fields, '$.sources') AS sources,
           x.fields, x.type_version, x.position
    FROM (SELECT e.position, e.stream, e.version, e.event_id, e.type, e.type_version, e.date, (
              SELECT json_group_object(json_extract(k.value, '$[0]'), CASE
                  WHEN p.type = 'array' AND json_extract(k.value, '$[1].fields') IS NOT NULL THEN json((
                      SELECT json_group_object(json_extract(n.value, '$[0]'), {_VALUE.format(x="v")})
                      FROM json_each(json_extract(k.value, '$[1].fields')) n
                      JOIN json_each(p.value) v ON v.key = n.key))
                  WHEN p.type = 'array' AND json_extract(k.value, '$[1].tuple.fields') IS NOT NULL THEN (
                      SELECT json_group_array(json((
                          SELECT json_group_object(json_extract(n.value, '$[0]'), {_VALUE.format(x="v")})
                          FROM json_each(json_extract(k.value, '$[1].tuple.fields')) n
                          JOIN json_each(r.value) v ON v.key = n.key)))
                      FROM json_each(p.value) r)
                  ELSE {_VALUE.format(x="p")} END)
              FROM json_each(sh.shape) k JOIN json_each(e.payload) p ON p.key = k.key) AS fields
          FROM events e LEFT JOIN shapes sh ON sh.type = e.type AND sh.type_version = e.type_version) x
    JOIN streams s ON s.id = x.stream;
CREATE VIEW stream_view AS
    SELECT s.name AS stream, s.version AS events,
           (SELECT date FROM events WHERE stream = s.id AND version = 1) AS first_date,
           (SELECT date FROM events WHERE stream = s.id AND version = s.version) AS last_date,
           (SELECT count(*) FROM snapshots WHERE stream = s.id) AS snapshots,
           lower(hex(s.head)) AS head, s.title, s.description
    FROM streams s;
CREATE VIEW shape_view AS
    SELECT sh.type, sh.type_version, CAST(k.key AS INTEGER) AS position, json_extract(k.value, '$[0]') AS field,
           CASE json_type(k.value, '$[1]') WHEN 'text' THEN json_extract(k.value, '$[1]')
                ELSE json(json_extract(k.value, '$[1]')) END AS kind
    FROM shapes sh, json_each(sh.shape) k;
"""


def is_empty(conn: sqlite3.Connection) -> bool:
    """Whether the database of ``conn`` holds no table, index, view or trigger at all."""
    return conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is None


def create(conn: sqlite3.Connection, snapshot_every: int) -> dict[str, str] | None:
    """Make the tables of a new store in the empty file of ``conn``; its meta, or None if another process made them
    meanwhile (then :func:`check` the store it made)."""
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("BEGIN IMMEDIATE")
    try:
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone():
            conn.execute("ROLLBACK")
            return None
        for statement in _split_sql(_SCHEMA) + _split_sql(_VIEWS):
            conn.execute(statement)
        from ..core.version import __version__
        meta = {"schema_version": str(SCHEMA_VERSION), "snapshot_every": str(snapshot_every),
                "created_with": f"diplosim {__version__}"}
        conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", list(meta.items()))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return meta


def check(conn: sqlite3.Connection, fail: Callable[[str], Exception]) -> dict[str, str]:
    """The meta of an existing store, if its schema version is this diplosim's; else raise ``fail(message)``.

    SQLite's errors (no meta table: not a store; a damaged file) are left to the caller."""
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    version = str(meta.get("schema_version", ""))
    if not version.isdigit():
        raise fail(f"not a diplosim store (schema version {version!r})")
    if int(version) > SCHEMA_VERSION:
        raise fail(f"store schema version {version} is newer than this diplosim supports "
                   f"({SCHEMA_VERSION}): upgrade diplosim to open it")
    if int(version) < SCHEMA_VERSION:  # pragma: no cover - no older schema exists yet
        raise fail(f"store schema version {version} is older than this diplosim's ({SCHEMA_VERSION})")
    return meta


def missing_views(conn: sqlite3.Connection, *, stale: bool = True) -> list[str]:
    """The statements of the views of :data:`_VIEWS` that the store of ``conn`` lacks (a store made before them)
    and, with ``stale``, those it holds in another form (made by an earlier diplosim): views hold no data, so
    opening the store for writing remakes them."""
    have = {n: " ".join((sql or "").split())
            for n, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view'")}
    expected = _expected_schema()
    return [s for s in _split_sql(_VIEWS) if s.split()[2] not in have
            or (stale and have[s.split()[2]] != expected["view", s.split()[2]])]


def add_views(conn: sqlite3.Connection) -> None:
    """Add (or remake) the views a store made before them lacks (no table or row changes)."""
    if not missing_views(conn):
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in missing_views(conn):  # again under the lock: another process may have added them
            conn.execute(f"DROP VIEW IF EXISTS {statement.split()[2]}")
            conn.execute(statement)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def snapshot_every(meta: dict[str, str]) -> int:
    """The snapshot interval a store was created with (the default if its meta does not say a sound one)."""
    every = str(meta.get("snapshot_every", ""))
    return int(every) if every.isdigit() and int(every) > 0 else DEFAULT_SNAPSHOT_EVERY


_SCHEMA_SQL: dict[tuple[str, str], str] = {}


def _expected_schema() -> dict[tuple[str, str], str]:
    """(type, name) -> SQL of everything a new store holds, as SQLite records it (whitespace folded); the views of
    :data:`_VIEWS` among them, which a store made before them lacks until it is opened for writing."""
    if not _SCHEMA_SQL:
        conn = sqlite3.connect(":memory:")
        for statement in _split_sql(_SCHEMA) + _split_sql(_VIEWS):
            conn.execute(statement)
        _SCHEMA_SQL.update(recorded(conn))
        conn.close()
    return dict(_SCHEMA_SQL)


def recorded(conn: sqlite3.Connection) -> dict[tuple[str, str], str]:
    """(type, name) -> SQL of the tables, indexes, triggers and views of ``conn``'s store (whitespace folded)."""
    return {(t, n): " ".join((sql or "").split()) for t, n, sql in conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")}


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

"""The streams of a store: their names, rows (version, head of the hash chain, title) and the listing of them."""
from __future__ import annotations

from typing import Any

from .context import Context
from ..core.errors import InputError

DEFAULT_STREAM = "main"
#: The head of an empty stream: the hash the first event is chained to.
ZERO = bytes(32)


def check_stream_name(name: str) -> str:
    """A stream name is 1-100 printable characters, not starting with ``-``."""
    if not isinstance(name, str) or not name or len(name) > 100 or name.startswith("-") \
            or not name.isprintable():
        raise InputError(f"bad stream name {name!r}: want 1-100 printable characters, not starting with '-'")
    return name


class StreamRow:
    """One row of the streams table."""
    __slots__ = ("id", "name", "version", "head", "title", "description")

    def __init__(self, id, name, version, head, title, description):
        self.id, self.name, self.version, self.head = id, name, version, head
        self.title, self.description = title, description


def find(ctx: Context, name: str) -> StreamRow | None:
    with ctx.sql():
        row = ctx.conn.execute("SELECT id, name, version, head, title, description FROM streams WHERE name = ?",
                               (name,)).fetchone()
    return StreamRow(*row) if row else None


def existing(ctx: Context, name: str) -> StreamRow:
    """The row of stream ``name``, or an InputError naming the streams there are."""
    check_stream_name(name)
    row = find(ctx, name)
    if row is None:
        have = names(ctx)
        listed = f"streams: {', '.join(have)}" if have else "it has no streams yet: import or record events"
        raise ctx.fail(f"no stream {name!r} ({listed})")
    return row


def for_write(ctx: Context, name: str) -> StreamRow:
    """The row of stream ``name``, made empty if there is none (inside a write transaction)."""
    row = find(ctx, check_stream_name(name))
    if row is None:
        with ctx.sql():
            cur = ctx.conn.execute("INSERT INTO streams (name, version, head) VALUES (?, 0, ?)", (name, ZERO))
        row = StreamRow(cur.lastrowid, name, 0, ZERO, "", "")
    return row


def names(ctx: Context) -> list[str]:
    """Names of the streams, in the order they were created."""
    with ctx.sql():
        return [n for (n,) in ctx.conn.execute("SELECT name FROM streams ORDER BY id")]


def default(ctx: Context) -> str:
    """``main`` if there is one, else the only stream; with several and no ``main``, say which to choose."""
    have = names(ctx)
    if DEFAULT_STREAM in have or not have:
        return DEFAULT_STREAM
    if len(have) == 1:
        return have[0]
    raise ctx.fail(f"several streams and none is called {DEFAULT_STREAM!r}: choose one with --stream "
                   f"({', '.join(have)})")


def has_event(ctx: Context, stream: str, event_id: str) -> bool:
    row = find(ctx, check_stream_name(stream))
    if row is None:
        return False
    with ctx.sql():
        return ctx.conn.execute("SELECT 1 FROM events WHERE stream = ? AND event_id = ?",
                                (row.id, event_id)).fetchone() is not None


def unique_id(ctx: Context, stream: str, base: str) -> str:
    """``base`` if no event of ``stream`` has that id, else ``base-2``, ``base-3``..."""
    if not has_event(ctx, stream, base):
        return base
    n = 2
    while has_event(ctx, stream, f"{base}-{n}"):
        n += 1
    return f"{base}-{n}"


def listing(ctx: Context) -> list[dict[str, Any]]:
    """One row per stream: name, events, first and last date, snapshots, head hash, title."""
    query = """
        SELECT s.name, s.version,
               (SELECT date FROM events WHERE stream = s.id AND version = 1),
               (SELECT date FROM events WHERE stream = s.id AND version = s.version),
               (SELECT count(*) FROM snapshots WHERE stream = s.id),
               hex(s.head), s.title
        FROM streams s ORDER BY s.id"""
    with ctx.sql():
        rows = ctx.conn.execute(query).fetchall()
    return [{"stream": n, "events": v, "first": first, "last": last, "snapshots": k, "head": h[:16].lower(),
             "title": t} for n, v, first, last, k, h, t in rows]


def set_title(ctx: Context, stream: str, title: str, description: str) -> None:
    ctx.writable()
    with ctx.transaction():
        row = existing(ctx, stream)
        with ctx.sql():
            ctx.conn.execute("UPDATE streams SET title = ?, description = ? WHERE id = ?",
                             (title, description, row.id))

"""Verifying a store: SQLite's integrity, every stream's versions and hash chain, replay under the rules, snapshots,
and the schema itself (tables, indexes, triggers and views as diplosim makes them)."""
from __future__ import annotations

from typing import Any

from . import codec
from . import schema
from .append import _chain, _shape_tag
from .context import Context
from .read import PAGE, Reader
from .snapshots import SNAPSHOT_FORMAT, working_state
from .streams import ZERO
from ..core.errors import InputError, RuleViolation

_EVENTS_QUERY = ("SELECT position, version, event_id, type, type_version, date, payload, hash FROM events "
                 "WHERE stream = ? AND version > ? ORDER BY version LIMIT ?")


def verify(ctx: Context, reader: Reader) -> dict[str, Any]:
    """Check everything; raise InputError naming the first problem, else return a summary: the numbers of streams,
    events and snapshots checked, and ``heads``, each stream's head as 64 hex digits (the end of its checked chain).

    Runs in one read transaction, so a writer appending meanwhile neither disturbs it nor is half-seen."""
    from ..core.fold import apply_in_place

    with ctx.reading():
        with ctx.sql():
            problems = [r[0] for r in ctx.conn.execute("PRAGMA integrity_check(5)")]
        if problems != ["ok"]:
            first = " ".join(str(problems[0]).replace("*** in database main ***", "").split())
            raise ctx.fail(f"damaged store: SQLite integrity check: {first}")
        with ctx.sql():
            shapes = {(t, v): s for t, v, s in ctx.conn.execute("SELECT type, type_version, shape FROM shapes")}
            streams = ctx.conn.execute("SELECT id, name, version, head FROM streams ORDER BY id").fetchall()
            # the titles and descriptions too: export and `store streams` show them, so they must decode
            ctx.conn.execute("SELECT title, description FROM streams").fetchall()
            orphans = ctx.conn.execute("SELECT min(position) FROM events WHERE stream NOT IN "
                                       "(SELECT id FROM streams)").fetchone()[0]
        if orphans is not None:
            raise ctx.fail(f"the event at position {orphans} belongs to no stream: inserted")
        tags = {key: _shape_tag(s) for key, s in shapes.items()}
        model = codec.state_model()
        total = snapshots_checked = 0
        heads: dict[str, str] = {}
        for sid, name, head_version, head in streams:
            where = f"stream {name!r}"
            with ctx.sql():
                snaps = {v: body for v, body in ctx.conn.execute(
                    "SELECT version, body FROM snapshots WHERE stream = ? AND format = ? AND model = ?",
                    (sid, SNAPSHOT_FORMAT, model))}
            s = working_state()
            expected, prev_hash, prev_position, prev_id = 1, ZERO, 0, None
            while True:
                with ctx.sql():
                    rows = ctx.conn.execute(_EVENTS_QUERY, (sid, expected - 1, PAGE)).fetchall()
                if not rows:
                    break
                for position, version, event_id, type_name, type_version, date, payload, h in rows:
                    what = f"event {event_id!r} ({where}, version {version})"
                    if version != expected:
                        raise ctx.fail(f"{where}: the event at version {expected} is missing (deleted): the chain "
                                       f"breaks before {what}")
                    if position <= prev_position:
                        raise ctx.fail(f"{what} was stored before {prev_id!r} (version {version - 1}): "
                                       f"reordered or inserted")
                    tag = tags.get((type_name, type_version))
                    if tag is None:
                        raise ctx.fail(f"{what}: no shape for {type_name} version {type_version}: edited")
                    if not isinstance(payload, str) or not isinstance(date, str) or not isinstance(event_id, str) \
                            or _chain(prev_hash, name, version, event_id, type_name, type_version, date, tag,
                                      payload) != h:
                        raise ctx.fail(f"{what} does not match its hash: edited, moved or inserted")
                    prev_hash, prev_position, prev_id, expected = h, position, event_id, expected + 1
                try:
                    for r, e in zip(rows, reader.decode_rows(name, [r[1:7] for r in rows])):
                        apply_in_place(s, e)
                        body = snaps.get(r[1])
                        if body is not None:
                            if codec.encode_snapshot(s) != body:
                                raise ctx.fail(f"{where}: the snapshot at version {r[1]} does not match the "
                                               f"events before it: edited")
                            snapshots_checked += 1
                except RuleViolation as exc:
                    raise ctx.fail(f"{where}: {exc}") from None
                except InputError:
                    raise
                except Exception as exc:  # noqa: BLE001 - a damaged event must not escape as a traceback
                    raise ctx.fail(f"{where} does not replay: {type(exc).__name__}: {exc}") from None
                total += len(rows)
            if expected - 1 != head_version or prev_hash != head:
                if expected - 1 < head_version:
                    raise ctx.fail(f"{where}: the events after version {expected - 1} are missing (deleted): the "
                                   f"stream records {head_version}")
                raise ctx.fail(f"{where}: its recorded head (version {head_version}) does not match its last "
                               f"event (version {expected - 1}): edited")
            heads[name] = prev_hash.hex()
        check_schema(ctx)
    return {"streams": len(streams), "events": total, "snapshots": snapshots_checked, "heads": heads}


def check_schema(ctx: Context) -> None:
    """The tables, indexes, triggers and views are the ones this diplosim creates (a dropped append-only trigger,
    a renamed column or a missing unique index is a changed store)."""
    with ctx.sql():
        found = schema.recorded(ctx.conn)
        later = {("view", s.split()[2]) for s in schema.missing_views(ctx.conn, stale=False)}
    for key, sql in schema._expected_schema().items():
        if key in later:  # a store made before the views, opened read-only since: they come with a write
            continue
        if key not in found:
            raise ctx.fail(f"the store's {key[0]} {key[1]} is missing: changed outside diplosim")
        if found.pop(key) != sql:
            hint = (" (or made by an earlier diplosim: opening the store for writing, as `diplosim store init` "
                    "does, remakes its views)") if key[0] == "view" else ""
            raise ctx.fail(f"the store's {key[0]} {key[1]} is not the one diplosim made: changed outside "
                           f"diplosim{hint}")
    if found:
        kind, name = sorted(found)[0]
        raise ctx.fail(f"the store has a {kind} {name} diplosim did not make: changed outside diplosim")

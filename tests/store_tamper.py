"""Tampering with a store as someone who wants it to pass ``verify`` would: for the tests of what a kept head, a
kept state or a snapshot catches."""
from __future__ import annotations

import json
import sqlite3
from typing import Any

from diplosim.store import facade as store_module


def rewrite_consistently(path: str, event_id: str, value: Any, field: str = "summary") -> None:
    """Set one stored field of one event of the stream ``main`` and recompute the hash of it and of every event after
    it, and the stream's head (the append-only trigger is dropped for the edit and made again after)."""
    c = sqlite3.connect(path, isolation_level=None)
    c.execute("DROP TRIGGER events_append_only_update")
    sid, name = c.execute("SELECT id, name FROM streams WHERE name = 'main'").fetchone()
    shapes = {(t, v): s for t, v, s in c.execute("SELECT type, type_version, shape FROM shapes")}
    head = bytes(32)
    for position, version, eid, type_name, type_version, date, payload in c.execute(
            "SELECT position, version, event_id, type, type_version, date, payload FROM events WHERE stream = ? "
            "ORDER BY version", (sid,)).fetchall():
        if eid == event_id:
            shape = [name_ for name_, _kind in json.loads(shapes[type_name, type_version])]
            values = json.loads(payload)
            values[shape.index(field)] = value
            payload = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
        head = store_module._chain(head, name, version, eid, type_name, type_version, date,
                                   store_module._shape_tag(shapes[type_name, type_version]), payload)
        c.execute("UPDATE events SET payload = ?, hash = ? WHERE position = ?", (payload, head, position))
    c.execute("UPDATE streams SET head = ? WHERE id = ?", (head, sid))
    for statement in store_module._split_sql(store_module._SCHEMA):
        if statement.startswith("CREATE TRIGGER events_append_only_update"):
            c.execute(statement)
    c.close()

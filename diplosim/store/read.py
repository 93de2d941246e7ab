"""Reading a stream: a page of events at a time, by the fast path when the page is sound, else row by row.

Reading trusts what was checked on the way in: a page leaves SQLite as one text per column and each event is built
by its type's generated decoder without its validators (see :mod:`diplosim.store.codec`); a page that does not split
or decode cleanly is read row by row, which names the damaged row.
"""
from __future__ import annotations

import datetime
from typing import Any, Iterator, Sequence

from . import codec
from . import streams
from .context import Context, gc_paused
from ..core import events as ev
from ..core.errors import DiplosimError

Date = datetime.date

#: Events per read batch: memory stays flat however long the stream.  Small enough that a page's events are still
#: in the CPU's cache when the fold applies them (a replay of 300k events: 500 per page ~20% faster than 2000).
PAGE = 500

#: One page of a stream, each column as one text: ids and type:version keys joined by NUL (neither holds one in a
#: sound store; a page where one does is read row by row), dates by commas, payloads as the items of a JSON array.
#: The (stream, version) index gives the rows in version order; the versions come along to prove it.
_PAGE_QUERY = ("SELECT count(*), group_concat(version, ','), group_concat(event_id, char(0)), "
               "group_concat(type || ':' || type_version, char(0)), group_concat(date, ','), "
               "group_concat(payload, ',') FROM events WHERE stream = ? AND version > ? AND version <= ?")
_ROWS_QUERY = ("SELECT version, event_id, type, type_version, date, payload FROM events "
               "WHERE stream = ? AND version > ? AND version <= ? ORDER BY version")


class _Always:
    """Indexable by any length, always the same decoder (for events of an older shape, read by name)."""
    __slots__ = ("decode",)

    def __init__(self, decode):
        self.decode = decode

    def __getitem__(self, _n: int):
        return self.decode


class Reader:
    """Reads the events of one store, keeping the decoders of the stored types and versions it has met."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self._decoders: dict[tuple[str, int], tuple[Any, Any]] = {}
        self._by_key: dict[str, Any] = {}  # "type:version" -> decoders by length (the fast read path's)

    def clear(self) -> None:
        """Forget the decoders (a failed write transaction may have recorded shapes that are gone)."""
        self._decoders.clear()
        self._by_key.clear()

    def _by_length(self, type_name: str, type_version: int) -> tuple[Any, Any]:
        """(decoders indexed by the number of stored values, the checked decoder) of a stored type and version."""
        key = (type_name, type_version)
        found = self._decoders.get(key)
        if found is not None:
            return found
        with self.ctx.sql():
            row = self.ctx.conn.execute("SELECT shape FROM shapes WHERE type = ? AND type_version = ?",
                                        key).fetchone()
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

    def decode_rows(self, stream: str, rows: Sequence[tuple]) -> list[ev.Event]:
        """Rows of (version, event_id, type, type_version, date, payload) -> events, or an InputError naming one."""
        with gc_paused():
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
                raise self.ctx.fail(f"stored event {event_id!r} (stream {stream!r}, version {version}) cannot be "
                                    f"read: {exc} (run `diplosim verify`)") from None
        return out

    def read_page(self, sid: int, after: int, upper: int) -> list[ev.Event] | None:
        """The events of versions ``after + 1`` to ``upper`` by the fast path, or None: then read them row by row.

        SQLite hands over each column of the page as one text (``group_concat``), split in Python; the payloads
        are parsed by one ``json.loads``; each event is built by its type's decoder for that many values.  Any
        surprise (a missing or extra row, a separator inside a value, an unknown type or date, a value the
        decoder refuses) gives None, and the row-by-row path finds and names the culprit."""
        n = upper - after
        with self.ctx.sql():
            found = self.ctx.conn.execute(_PAGE_QUERY, (sid, after, upper)).fetchone()
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
        with gc_paused():
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
        """The events of ``stream`` after version ``after`` (up to ``until``'s date / ``to_version``), in order,
        ``page`` at a time (keyset pagination on the version)."""
        row = streams.existing(self.ctx, stream)
        last = row.version if to_version is None else min(to_version, row.version)
        v = after
        while v < last:
            upper = min(v + page, last)
            events = self.read_page(row.id, v, upper)
            if events is None:
                with self.ctx.sql():
                    rows = self.ctx.conn.execute(_ROWS_QUERY, (row.id, v, upper)).fetchall()
                if len(rows) != upper - v or rows[0][0] != v + 1:
                    missing = next((v + 1 + i for i, r in enumerate(rows) if r[0] != v + 1 + i), v + 1 + len(rows))
                    raise self.ctx.fail(f"stream {stream!r}: the event at version {missing} is missing "
                                        f"(run `diplosim verify`)")
                events = self.decode_rows(stream, rows)
            if until is not None and events[-1].date > until:
                for e in events:
                    if e.date > until:
                        return
                    yield e
                return
            yield from events
            v = upper

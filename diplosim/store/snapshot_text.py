"""Snapshots encoded incrementally: the text of a record that did not change since the last snapshot is reused.

The fold replaces the records of a state (departures, posts, properties, sanctions, designations, contacts, open
items) instead of changing them (see :mod:`diplosim.core.state`), so a record that is still the same object as at the
last snapshot still has the same text.  A :class:`SnapshotText` keeps the text of every record of the last snapshot
(holding the record, so that its ``id`` stays its own) and encodes only new records and the missions (the one record
the fold changes in place).  The result is byte for byte :func:`diplosim.store.codec.encode_snapshot`'s (a test holds
the two equal, and ``verify`` compares every stored snapshot with the plain encoding of the replayed state).
"""
from __future__ import annotations

import typing
from functools import lru_cache
from typing import Any, Callable

import attrs

from . import codec
from ..core.state import Mission

#: Records the fold changes in place: encoded again at every snapshot.
_CHANGED_IN_PLACE = (Mission,)


def _record_class(tp: Any) -> type | None:
    return tp if attrs.has(tp) and tp not in _CHANGED_IN_PLACE else None


def _function_of(arg: str, expr: str, ns: codec._Namespace) -> Callable[[Any], Any]:
    return codec._function(arg, expr, ns)


@lru_cache(maxsize=None)
def _text_function(cls: type, skip: tuple[str, ...] = ()) -> Callable[[Any, Callable], str]:
    """``f(o, rec) -> text`` of an attrs instance, equal to ``dumps(encoder(o))``: runs of plain fields are encoded
    together; tables and lists of records take each record's text from ``rec(record, encoder)`` (cached); missions
    are encoded field by field the same way."""
    ns = codec._Namespace()
    ns["_dumps"] = codec.dumps
    hints = codec._hints(cls)
    pieces: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            pieces.append(f"_dumps([{', '.join(run)}])[1:-1]")
            run.clear()

    for a in attrs.fields(cls):
        if a.name in skip:
            continue
        tp, x = hints[a.name], f"o.{a.name}"
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        value = args[-1] if origin in (dict, list) and args else None
        if value is not None and (_record_class(value) or value in _CHANGED_IN_PLACE):
            flush()
            if value in _CHANGED_IN_PLACE:
                item = f"{ns.add(_text_function(value), 'text')}(v, rec)"
            else:
                item = f"rec(v, {ns.add(codec._class_encoder(value), 'enc')})"
            if origin is dict:
                key = codec._conv(args[0], "k", ns, "enc")
                if value in _CHANGED_IN_PLACE:
                    pair = f"'[' + _dumps({key}) + ',' + {item} + ']'"
                else:  # the text of the entry, key and record, is cached with the record
                    enc = ns.add(codec._class_encoder(value), 'enc')
                    pair = f"rec(v, {enc}, k, {ns.add(_function_of('k', key, ns), 'key')})"
                pieces.append(f"'[' + ','.join([{pair} for k, v in {x}.items()]) + ']'")
            else:
                pieces.append(f"'[' + ','.join([{item} for v in {x}]) + ']'")
        else:
            run.append(codec._conv(tp, x, ns, "enc"))
    flush()
    src = f"def f(o, rec):\n    return '[' + ','.join([{', '.join(pieces)}]) + ']'\n"
    local: dict[str, Any] = {}
    exec(compile(src, f"<snapshot text of {cls.__name__}>", "exec"), dict(ns), local)  # noqa: S102 - generated
    return local["f"]


class SnapshotText:
    """Encodes the successive snapshots of one working state (a stream's writer), reusing unchanged records' text."""

    def __init__(self) -> None:
        # id(record) -> (record, its key in its table or None, its text) at the last snapshot
        self._texts: dict[int, tuple[Any, Any, str]] = {}
        self._next: dict[int, tuple[Any, Any, str]] = {}

    def _rec(self, record: Any, encode: Callable[[Any], list], key: Any = None,
             encode_key: Callable[[Any], Any] | None = None) -> str:
        """The text of ``record`` (with ``key``: of the table entry ``[key, record]``), reused if unchanged."""
        found = self._texts.get(id(record))
        if found is None or found[0] is not record or found[1] != key:
            text = codec.dumps(encode(record))
            if encode_key is not None:
                text = "[" + codec.dumps(encode_key(key)) + "," + text + "]"
            found = (record, key, text)
        self._next[id(record)] = found
        return found[2]

    def encode(self, state: Any) -> bytes:
        """The body of a snapshot of ``state``: equal to ``codec.encode_snapshot(state)``."""
        self._next = {}
        text = _text_function(type(state), codec.UNKEPT)(state, self._rec)
        self._texts, self._next = self._next, {}
        return text.encode("ascii")

"""How the store writes events and states: compact positional JSON, type versions, and upcasters for older shapes.

An event is stored as a JSON array of its field values in a fixed *storage order* (the type's own fields first, then
the common ones, rarely set fields last), without ``id`` and ``date`` (those are columns of the store), and with
trailing defaults left out.  The names and types behind the positions are the type's *shape*, which the store
keeps beside the events, so every stored payload can be read back by name even after the event class changed.

    >>> import datetime
    >>> e = ev.DiplomatsExpelled(id="x1", date=datetime.date(2016, 12, 29), actor="USA", target="RUS", count=35,
    ...                          deadline=datetime.date(2017, 1, 1), sources=("002_75852e39d8adb4be.txt",))
    >>> c = event_codec("DiplomatsExpelled")
    >>> c.encode(e)
    '[35,"2017-01-01",[],"USA","RUS",["002_75852e39d8adb4be.txt"]]'
    >>> c.decode("x1", datetime.date(2016, 12, 29), json.loads(c.encode(e))) == e
    True

Each event type has a version (:data:`TYPE_VERSIONS`).  Change a type's fields and you bump its version and, where a
field was renamed or its meaning changed, register an :func:`upcaster` that turns the plain dict of the old version
(the form of a JSON Lines log) into the next one.  Reading an older payload goes: stored positions -> plain dict by
the stored shape -> upcasters -> :func:`diplosim.core.log.event_from_dict`, so it comes back as the current class,
checked.  Reading a current payload takes a generated fast path that builds the object without re-validating it
(the store validated it on the way in, and its hash chain vouches for it).

States (snapshots) use the same type-directed encoding: :func:`encode_state` / :func:`decode_state`, stamped with
:data:`STATE_MODEL`, a fingerprint of the state classes, so that a snapshot written by a different state model is
ignored instead of misread.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import types
import typing
from functools import lru_cache
from typing import Any, Callable

import attrs

from ..core import events as ev
from ..core.errors import InputError

Date = datetime.date
NoneType = type(None)
_PRIMITIVES = (str, int, bool, float, NoneType)

#: Current version of each event type.  Bump one when its fields change, and register an upcaster when a stored
#: payload of the old version cannot be read by name as it is (a renamed field, a changed meaning).
TYPE_VERSIONS: dict[str, int] = {name: 1 for name in ev.EVENT_TYPES}

#: ``(type, from_version) -> fn(fields) -> fields``: one step of schema evolution on the plain dict of an event.
UPCASTERS: dict[tuple[str, int], Callable[[dict[str, Any]], dict[str, Any]]] = {}


def upcaster(type_name: str, from_version: int):
    """Register ``fn(fields) -> fields`` turning a stored ``type_name`` of ``from_version`` into the next version.

    ``fields`` is the plain dict of the event as in a JSON Lines log (dates as text, nested tables as dicts),
    without ``type``.  Example, for a field renamed when ``DiplomatsExpelled`` went to version 2::

        @upcaster("DiplomatsExpelled", 1)
        def _expelled_v1(fields):
            fields["count"] = fields.pop("number")
            return fields
    """
    def register(fn):
        UPCASTERS[type_name, from_version] = fn
        return fn
    return register


# --- JSON text, fast ----------------------------------------------------------------------------------------------


def _make_dumps() -> Callable[[Any], str]:
    # json.dumps builds a new encoder on every call when separators are given; the C encoder made once is ~3x faster
    # on this machine.  ASCII output: a lone surrogate in a string survives as an escape instead of breaking UTF-8.
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is not None:
        try:
            enc = make(None, None, json.encoder.encode_basestring_ascii, None, ":", ",", False, False, False)
            if "".join(enc([1, "é", None, (2,)], 0)) == '[1,"\\u00e9",null,[2]]':
                return lambda value, _enc=enc, _join="".join: _join(_enc(value, 0))
        except Exception:  # pragma: no cover - a Python without the C accelerator
            pass
    return json.JSONEncoder(separators=(",", ":"), check_circular=False, allow_nan=False).encode  # pragma: no cover


dumps = _make_dumps()
loads = json.loads

#: ``YYYY-MM-DD`` -> date, for the dates parsed lately (a page of a log has few dates and many events on each).
DATES: dict[str, Date] = {}
#: Dates :data:`DATES` holds at most; when full it starts again, so that its memory does not grow with a log that
#: spans centuries (a stream is read in order of version, which is nearly the order of date).
DATES_KEPT = 4096


def parse_date(text: str) -> Date:
    """``YYYY-MM-DD`` -> date, cached in :data:`DATES`."""
    d = DATES.get(text)
    if d is None:
        if type(text) is not str or len(text) != 10:
            raise ValueError(f"bad date {text!r}")
        d = Date.fromisoformat(text)
        if len(DATES) >= DATES_KEPT:
            DATES.clear()  # in place: the generated decoders hold this dict
        DATES[text] = d
    return d


# --- type-directed conversion: attrs field types say how a value becomes JSON and back ------------------------------


def _hints(cls: type) -> dict[str, Any]:
    import sys
    return typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))


def _optional(tp: Any) -> Any | None:
    """``X`` if ``tp`` is ``X | None``, else None."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not NoneType]
        if len(args) == 1 and len(typing.get_args(tp)) == 2:
            return args[0]
    return None


def describe(tp: Any) -> Any:
    """A JSON description of a type: what a stored value means.  Stored beside the data as its shape."""
    if tp is Date:
        return "date"
    if tp in _PRIMITIVES:
        return "null" if tp is NoneType else tp.__name__
    inner = _optional(tp)
    if inner is not None:
        return {"optional": describe(inner)}
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return {"tuple": describe(args[0])}
    if origin is tuple:
        return {"fixed": [describe(a) for a in args]}
    if origin in (list, set, frozenset):
        return {origin.__name__: describe(args[0])}
    if origin is dict:
        return {"dict": [describe(args[0]), describe(args[1])]}
    if attrs.has(tp):
        hints = _hints(tp)
        return {"class": tp.__name__, "fields": [[a.name, describe(hints[a.name])] for a in attrs.fields(tp)]}
    raise TypeError(f"the store cannot encode values of type {tp!r}")


class _Namespace(dict):
    """Helpers for generated code, each under a fresh name (copied into a plain dict for exec: globals that are a
    dict subclass make every global lookup slow)."""

    def add(self, value: Any, stem: str = "h") -> str:
        name = f"_{stem}{len(self)}"
        self[name] = value
        return name


def _conv(tp: Any, x: str, ns: _Namespace, mode: str) -> str:
    """Python source converting the value ``x`` of type ``tp``: ``mode`` "enc" (to JSON) or "dec" (from JSON)."""
    if tp in _PRIMITIVES:
        return x
    if tp is Date:
        if mode == "enc":
            return f"{x}.isoformat()"
        return f"({ns.add(DATES, 'dates')}.get({x}) or {ns.add(parse_date, 'date')}({x}))"  # parse_date, inlined
    inner = _optional(tp)
    if inner is not None:
        body = _conv(inner, "y", ns, mode)
        if body == "y":
            return x
        return f"{ns.add(_function('y', f'None if y is None else {body}', ns), 'opt')}({x})"
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        body = _conv(args[0], "y", ns, mode)
        if mode == "enc":  # the JSON encoder writes tuples as arrays
            return x if body == "y" else f"[{body} for y in {x}]"
        return f"tuple({x})" if body == "y" else f"tuple([{body} for y in {x}])"
    if origin is tuple:
        parts = ", ".join(_conv(a, f"y[{i}]", ns, mode) for i, a in enumerate(args))
        if mode == "enc" and parts == ", ".join(f"y[{i}]" for i in range(len(args))):
            return x  # the JSON encoder writes a tuple of plain values as an array
        fn = _function("y", f"[{parts}]" if mode == "enc" else f"({parts},)", ns)
        return f"{ns.add(fn, 'fix')}({x})"
    if origin in (list, set, frozenset):
        body = _conv(args[0], "y", ns, mode)
        if mode == "enc":
            if origin is list:
                return x if body == "y" else f"[{body} for y in {x}]"
            return f"sorted({x})" if body == "y" else f"sorted([{body} for y in {x}])"
        return f"{origin.__name__}({x})" if body == "y" else f"{origin.__name__}([{body} for y in {x}])"
    if origin is dict:
        k, v = _conv(args[0], "k", ns, mode), _conv(args[1], "v", ns, mode)
        if mode == "enc":
            return f"[[{k}, {v}] for k, v in {x}.items()]"
        return f"{{{k}: {v} for k, v in {x}}}"
    if attrs.has(tp):
        if mode == "enc" and x.isidentifier():  # inline: a call per object was a third of a snapshot's encoding
            hints = _hints(tp)
            return "[" + ", ".join(_conv(hints[a.name], f"{x}.{a.name}", ns, mode) for a in attrs.fields(tp)) + "]"
        fn = _class_encoder(tp) if mode == "enc" else _class_decoder(tp)
        return f"{ns.add(fn, 'cls')}({x})"
    raise TypeError(f"the store cannot encode values of type {tp!r}")


def _function(arg: str, expr: str, ns: _Namespace) -> Callable:
    src = f"def f({arg}):\n    return {expr}\n"
    local: dict[str, Any] = {}
    exec(compile(src, "<diplosim.store.codec>", "exec"), dict(ns), local)  # noqa: S102 - generated from attrs field types
    return local["f"]


@lru_cache(maxsize=None)
def _class_encoder(cls: type) -> Callable[[Any], list]:
    """An attrs instance -> list of its field values (attrs order), each converted."""
    ns = _Namespace()
    hints = _hints(cls)
    parts = ", ".join(_conv(hints[a.name], f"o.{a.name}", ns, "enc") for a in attrs.fields(cls))
    return _function("o", f"[{parts}]", ns)


@lru_cache(maxsize=None)
def _class_decoder(cls: type) -> Callable[[list], Any]:
    """The inverse of :func:`_class_encoder`: builds the instance through its ``__init__`` (validators run)."""
    ns = _Namespace()
    hints = _hints(cls)
    fields = attrs.fields(cls)
    ns["_cls"] = cls
    positional = all(a.init and not a.kw_only for a in fields)  # faster to call, where the class allows it
    args = ", ".join(("" if positional else f"{a.name}=") + _conv(hints[a.name], f"y[{i}]", ns, "dec")
                     for i, a in enumerate(fields))
    return _function("y", f"_cls({args}) if len(y) == {len(fields)} else _bad(y)", _with_bad(ns, cls))


def _with_bad(ns: _Namespace, cls: type) -> _Namespace:
    def bad(y):
        raise ValueError(f"{cls.__name__}: want {len(attrs.fields(cls))} values, got {y!r:.60}")
    ns["_bad"] = bad
    return ns


# --- events -------------------------------------------------------------------------------------------------------

#: Common fields in the order they are stored after a type's own fields: often set first, rarely set last.
_COMMON_ORDER = ("actor", "target", "sources", "generated_by", "summary", "resolves", "by", "date_precision",
                 "derived", "disputed", "date_note", "note", "cameo")
_COLUMNS = ("id", "date")  # stored as columns of the events table, not in the payload


#: A type's own fields that are rarely set, stored after the common ones (so that trailing defaults drop out, and a
#: payload without them has the layout it had before they were added).
_RARE = ("deadline_assumed", "staff_min", "staff_max", "staff_about", "staff_basis", "parity", "effective")


def storage_order(cls: type[ev.Event]) -> tuple[str, ...]:
    """The fields of ``cls`` in the order its payload lists them."""
    base = ev.field_names(ev.Event)
    own = [n for n in ev.field_names(cls) if n not in base]
    common = [n for n in _COMMON_ORDER if n in base] + [n for n in base if n not in _COMMON_ORDER + _COLUMNS]
    return tuple([n for n in own if n not in _RARE] + common + [n for n in own if n in _RARE])


@attrs.frozen
class EventCodec:
    """How one event type at its current version is stored: its shape, an encoder and a fast decoder."""
    name: str
    version: int
    cls: type
    order: tuple[str, ...]
    shape: str
    encode: Callable[[ev.Event], str] = attrs.field(repr=False)
    decode: Callable[[str, Date, list], ev.Event] = attrs.field(repr=False)
    #: ``by_length[len(values)](id, date, values)``: the decoder for payloads of that many values (what ``decode``
    #: dispatches to); a length no payload of this type can have gives a decoder that raises ValueError.
    by_length: tuple[Callable[[str, Date, list], ev.Event], ...] = attrs.field(repr=False)


def _default_test(value: Any, x: str, ns: _Namespace) -> str:
    if value is None or value is True or value is False:
        return f"{x} is {value!r}"
    if isinstance(value, str):
        return f"{x} == {value!r}"
    if value == ():
        return f"{x} == ()"
    return f"({x} == {ns.add(value, 'dflt')} and {x}.__class__ is {ns.add(type(value), 't')})"


def _encoded_default(a: attrs.Attribute, tp: Any) -> Any:
    """The JSON value a field's default is stored as (what a trimmed position means), or NOTHING."""
    if a.default is attrs.NOTHING:
        return attrs.NOTHING
    default = a.default.factory() if isinstance(a.default, attrs.Factory) else a.default  # type: ignore[union-attr]
    ns = _Namespace()
    return loads(dumps(_function("y", _conv(tp, "y", ns, "enc"), ns)(default)))


@lru_cache(maxsize=None)
def event_codec(type_name: str) -> EventCodec:
    """The codec of an event type at its current version (generated once per type)."""
    cls = ev.EVENT_TYPES[type_name]
    hints = _hints(cls)
    fields = {a.name: a for a in attrs.fields(cls)}
    order = storage_order(cls)
    shape = dumps([[n, describe(hints[n])] for n in order])

    # encoder: values in storage order, then trailing defaults cut off with unrolled tests
    ns = _Namespace()
    values = ", ".join(_conv(hints[n], f"o.{n}", ns, "enc") for n in order)
    lines = ["def encode(o):", f"    v = [{values}]", f"    n = {len(order)}"]
    indent = "    "
    for i in range(len(order) - 1, -1, -1):
        a = fields[order[i]]
        if a.default is attrs.NOTHING:
            break
        lines.append(f"{indent}if {_default_test(a.default, f'v[{i}]', ns)}:")
        indent += " "
        lines.append(f"{indent}n = {i}")
    lines.append("    return _dumps(v[:n] if n < %d else v)" % len(order))
    ns["_dumps"] = dumps
    local: dict[str, Any] = {}
    exec(compile("\n".join(lines) + "\n", f"<encode {type_name}>", "exec"), dict(ns), local)  # noqa: S102
    encode = local["encode"]

    # decoders, one per stored length: the values present are checked and set, the trimmed ones are set to their
    # defaults as constants; each slot is set directly (the store validated the event on append)
    required = 1 + max(i for i, n in enumerate(order) if fields[n].default is attrs.NOTHING)
    by_length = [_wrong_length(type_name, required, len(order))] * (len(order) + 1)
    for n_values in range(required, len(order) + 1):
        by_length[n_values] = _length_decoder(cls, type_name, order, n_values, hints, fields)
    by_length = tuple(by_length)

    def decode(id: str, date: Date, v: list, _by_length=by_length, _bad=by_length[0]) -> ev.Event:
        return (_by_length[len(v)] if len(v) < len(_by_length) else _bad)(id, date, v)

    return EventCodec(type_name, TYPE_VERSIONS[type_name], cls, order, shape, encode, decode, by_length)


def _length_decoder(cls: type, type_name: str, order: tuple[str, ...], n_values: int, hints: dict[str, Any],
                    fields: dict[str, attrs.Attribute]) -> Callable[[str, Date, list], ev.Event]:
    """Generated: ``(id, date, values)`` -> event, for payloads of exactly ``n_values`` values."""
    ns = _Namespace()
    ns.update(_cls=cls, _new=object.__new__, _sid=cls.id.__set__, _sdate=cls.date.__set__)
    names = [f"a{i}" for i in range(n_values)]
    lines = ["def decode(id, date, v):", f"    {', '.join(names)}, = v" if names else "    pass",
             "    o = _new(_cls)", "    _sid(o, id)", "    _sdate(o, date)"]
    for i, n in enumerate(order):
        setter = ns.add(getattr(cls, n).__set__, "set")
        if i < n_values:
            a = names[i]
            check = _check(hints[n], a, ns)
            if check:
                lines.append(f"    if {check}: {ns.add(_wrong(n), 'wrong')}({a})")
            lines.append(f"    {setter}(o, {_conv(hints[n], a, ns, 'dec')})")
        else:  # trimmed on encoding: the field's default
            default = fields[n].default
            if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                lines.append(f"    {setter}(o, {ns.add(default.factory, 'factory')}())")  # type: ignore[union-attr]
            else:
                lines.append(f"    {setter}(o, {ns.add(default, 'default')})")
    lines.append("    return o")
    local: dict[str, Any] = {}
    exec(compile("\n".join(lines) + "\n", f"<decode {type_name} of {n_values}>", "exec"), dict(ns), local)  # noqa: S102
    return local["decode"]


def _wrong_length(type_name: str, required: int, most: int) -> Callable[[str, Date, list], ev.Event]:
    def bad(id, date, v):
        raise ValueError(f"want {required} to {most} values for {type_name}, got {len(v)}")
    return bad


def _check(tp: Any, x: str, ns: _Namespace) -> str | None:
    """A test that ``x`` is NOT of scalar type ``tp``: a wrong type there would break arithmetic, sorting or
    dictionary keys far from the store, so the fast path checks scalars (containers fail in their conversion)."""
    inner = _optional(tp)
    if tp in (int, str, bool):
        return f"type({x}) is not {tp.__name__}"
    if inner in (int, str, bool):
        return f"({x} is not None and type({x}) is not {inner.__name__})"
    return None


def _wrong(name: str) -> Callable[[Any], Any]:
    def wrong(value):
        raise TypeError(f"field {name}: unexpected value {value!r:.40}")
    return wrong


# --- older shapes: by name, through the upcasters -------------------------------------------------------------------


def to_plain(value: Any, desc: Any) -> Any:
    """A stored JSON value of description ``desc`` -> the plain form of a log file (nested classes as dicts)."""
    if isinstance(desc, str) or value is None:
        return value
    if "optional" in desc:
        return to_plain(value, desc["optional"])
    for key in ("tuple", "list", "set", "frozenset"):
        if key in desc:
            return [to_plain(v, desc[key]) for v in value]
    if "fixed" in desc:
        return [to_plain(v, d) for v, d in zip(value, desc["fixed"])]
    if "dict" in desc:
        return [[to_plain(k, desc["dict"][0]), to_plain(v, desc["dict"][1])] for k, v in value]
    if "class" in desc:
        return {name: to_plain(v, d) for (name, d), v in zip(desc["fields"], value)}
    raise ValueError(f"unknown type description {desc!r}")


def decode_by_shape(type_name: str, version: int, shape: str, event_id: str, date: str, values: list) -> ev.Event:
    """Read a payload written under another shape or version: by name, upcast to the current version, checked."""
    from ..core.log import event_from_dict

    current = TYPE_VERSIONS.get(type_name)
    if current is None:
        raise ValueError(f"unknown event type {type_name!r}")
    if version > current:
        raise ValueError(f"{type_name} version {version} is newer than this diplosim knows ({current}): upgrade "
                         f"diplosim")
    described = loads(shape)
    if len(values) > len(described):
        raise ValueError(f"{len(values)} values for a shape of {len(described)} fields")
    fields: dict[str, Any] = {}
    for (name, desc), value in zip(described, values):
        fields[name] = to_plain(value, desc)
    for v in range(version, current):
        step = UPCASTERS.get((type_name, v))
        if step is None:
            raise ValueError(f"no upcaster from {type_name} version {v} to {v + 1}")
        fields = step(fields)
    default = {n: a.default for n, a in attrs.fields_dict(ev.EVENT_TYPES[type_name]).items()
               if a.default is not attrs.NOTHING}
    plain = {"type": type_name, "id": event_id, "date": date}
    # defaults written out by an older shape are dropped, as a log file would leave them out
    plain.update({k: v for k, v in fields.items() if not (k in default and _same(v, default[k]))})
    try:
        return event_from_dict(plain)
    except InputError as exc:
        raise ValueError(exc.message) from None


def _same(plain: Any, default: Any) -> bool:
    if isinstance(default, tuple):
        return plain == list(default) or plain == default
    return plain == default and type(plain) is type(default)


# --- states (snapshots) -----------------------------------------------------------------------------------------


def _state_classes() -> type:
    from ..core.state import State
    return State


@lru_cache(maxsize=None)
def state_model() -> str:
    """Fingerprint of the state classes: a snapshot of another model is not read."""
    return hashlib.sha256(dumps(describe(_state_classes())).encode()).hexdigest()[:16]


def encode_state(state: Any) -> bytes:
    """A state as compact JSON (deterministic: sets sorted, dicts in insertion order).

    >>> from diplosim.core.fold import fold
    >>> from diplosim.core.log import load_log, default_log_path
    >>> s = fold(load_log(default_log_path()), check_ids=False)
    >>> decode_state(encode_state(s)) == s
    True
    """
    return dumps(_class_encoder(_state_classes())(state)).encode("ascii")


def decode_state(data: bytes) -> Any:
    """The state :func:`encode_state` wrote.  Raises ValueError/TypeError/... on anything malformed."""
    return _class_decoder(_state_classes())(loads(data))


#: Fields of a state that a snapshot leaves out: histories that only grow with the log (every resolution and claim).
#: The store rebuilds them from its events when a caller uses them (:class:`diplosim.core.state.StoredHistory`).
UNKEPT = ("resolved", "claims")


@lru_cache(maxsize=None)
def _snapshot_codec() -> tuple[Callable[[Any], list], Callable[[list], Any]]:
    """(encoder, decoder) of a state without its histories: the decoder gives them as UnkeptHistory lists."""
    from ..core.state import UnkeptHistory

    cls = _state_classes()
    hints = _hints(cls)
    kept = [a for a in attrs.fields(cls) if a.name not in UNKEPT]
    ns = _Namespace()
    encode = _function("o", "[" + ", ".join(_conv(hints[a.name], f"o.{a.name}", ns, "enc") for a in kept) + "]",
                       ns)
    ns = _Namespace()
    ns["_cls"], ns["_unkept"] = cls, UnkeptHistory
    args = ", ".join([f"{a.name}=" + _conv(hints[a.name], f"y[{i}]", ns, "dec") for i, a in enumerate(kept)]
                     + [f"{name}=_unkept()" for name in UNKEPT])
    decode = _function("y", f"_cls({args}) if len(y) == {len(kept)} else _bad(y)", _with_bad(ns, cls))
    return encode, decode


def encode_snapshot(state: Any) -> bytes:
    """A state without its histories (:data:`UNKEPT`), as compact JSON: the body of a snapshot.

    >>> from diplosim.core.fold import fold
    >>> from diplosim.core.log import load_log, default_log_path
    >>> s = fold(load_log(default_log_path()), check_ids=False)
    >>> back = decode_snapshot(encode_snapshot(s))
    >>> (back.missions, back.open_items, list.__len__(back.resolved)) == (s.missions, s.open_items, 0)
    True
    """
    return dumps(_snapshot_codec()[0](state)).encode("ascii")


def decode_snapshot(data: bytes) -> Any:
    """The state :func:`encode_snapshot` wrote, its histories empty lists that keep nothing (the store gives them
    back, loaded on first use, before a caller sees the state)."""
    return _snapshot_codec()[1](loads(data))

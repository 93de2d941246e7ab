"""Events as plain dicts and back: the form of a log's ``[[event]]`` table or JSON Lines object.

Structuring goes through cattrs with hooks that refuse what TOML or JSON would coerce silently (a bool as a number,
a date with a time); a mission's staff and a cap have a friendlier surface form in a log (``staff = { at_least = 9
}``, ``cap = "parity"``) that is turned into the event's flat fields here, and back when writing.  Errors are
:class:`InputError` without a location: the log reader adds the file and line.
"""
from __future__ import annotations

import datetime
import operator
import re
import typing
from functools import lru_cache
from typing import Any

import attrs
import cattrs

from . import countries, provenance
from . import events as ev
from .errors import InputError
from .errors import short as _short
from .limits import MAX_DATE, MAX_FIGURE, MIN_DATE

Date = datetime.date
_BASE_FIELDS = ev.field_names(ev.Event)


# --- (un)structuring with cattrs ----------------------------------------------------------------------------------


def _structure_date(value: Any, _type: type) -> Date:
    if isinstance(value, datetime.datetime):
        raise ValueError(f"bad date {value!s}: want YYYY-MM-DD without a time")
    if isinstance(value, str):
        try:
            value = Date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"bad date {value!r:.40}: want a real date as YYYY-MM-DD") from None
    if not isinstance(value, Date):
        raise ValueError(f"bad date {_short(value)}: want YYYY-MM-DD")
    if not MIN_DATE <= value <= MAX_DATE:
        raise ValueError(f"date {value} is outside the calendar diplosim keeps ({MIN_DATE} to {MAX_DATE})")
    return value


def _structure_int(value: Any, _type: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"want a whole number, got {_short(value)}")
    return value


def _structure_float(value: Any, _type: type) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or value in (
            float("inf"), float("-inf")):
        raise ValueError(f"want a number, got {_short(value)}")
    return float(value)


def _structure_bool(value: Any, _type: type) -> bool:
    # registered apart from int: bool is a subclass of int, so the int hook would get (and refuse) true/false
    if not isinstance(value, bool):
        raise ValueError(f"want true or false, got {_short(value)}")
    return value


def _structure_str(value: Any, _type: type) -> str:
    if not isinstance(value, str):
        raise ValueError(f"want a string, got {_short(value)}")
    return value


@lru_cache(maxsize=None)
def converter(dates_as_text: bool = False) -> cattrs.Converter:
    """The converter for events.  ``dates_as_text`` unstructures dates to ISO strings (JSON); TOML keeps them."""
    c = cattrs.Converter(forbid_extra_keys=True, omit_if_default=True)
    c.register_structure_hook(Date, _structure_date)
    c.register_structure_hook(int, _structure_int)
    c.register_structure_hook(bool, _structure_bool)
    c.register_structure_hook(float, _structure_float)
    c.register_structure_hook(str, _structure_str)
    if dates_as_text:
        c.register_unstructure_hook(Date, Date.isoformat)
    else:
        c.register_unstructure_hook(Date, lambda d: d)
    return c


def _message(exc: BaseException) -> str:
    """One line out of a cattrs error tree: the first problem, named by its field."""
    if isinstance(exc, cattrs.BaseValidationError):
        return "; ".join(cattrs.transform_error(exc, format_exception=_format_leaf))
    return str(exc)


def _format_leaf(exc: BaseException, _type: type | None) -> str:
    if isinstance(exc, KeyError):
        return "missing field"
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        return f"unknown field(s) {', '.join(sorted(exc.extra_fields))}"
    if isinstance(exc, (ValueError, TypeError)):
        return str(exc)
    return f"invalid value ({exc})"


_STAFF_KEYS = {"at_least": "staff_min", "at_most": "staff_max", "about": "staff_about"}


def _whole(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{what} must be a whole number, got {value!r}")
    if not 0 <= value <= MAX_FIGURE:
        raise InputError(f"{what} must be between 0 and {MAX_FIGURE:,}, got {value}")
    return value


def _staff_in(data: dict[str, Any]) -> None:
    """``staff = { at_least = 9 }``, ``{ about = 1100 }``, ``{ between = [1000, 1200] }`` (or a mix of at_least,
    at_most and about) -> the flat fields of MissionEstablished."""
    figure = data.get("staff")
    if not isinstance(figure, dict):
        return
    del data["staff"]
    if not figure:
        raise InputError("field 'staff' is an empty table: give a number, or at_least, at_most, about or between "
                         "(or leave staff out when the size is unknown)")
    for key, value in figure.items():
        if key == "between":
            if not isinstance(value, list) or len(value) != 2:
                raise InputError(f"field 'staff': between wants [low, high], got {value!r}")
            low, high = (_whole(v, "field 'staff': between") for v in value)
            if low > high:
                raise InputError(f"field 'staff': between [{low}, {high}] has its low end above its high end")
            data["staff_min"], data["staff_max"] = low, high
        elif key in _STAFF_KEYS:
            data[_STAFF_KEYS[key]] = _whole(value, f"field 'staff': {key}")
        else:
            raise InputError(f"field 'staff': unknown key {key!r} (want at_least, at_most, about or between)")


def _staff_out(out: dict[str, Any]) -> None:
    figure = {}
    low, high = out.pop("staff_min", None), out.pop("staff_max", None)
    if low is not None and high is not None:
        figure["between"] = [low, high]
    elif low is not None:
        figure["at_least"] = low
    elif high is not None:
        figure["at_most"] = high
    about = out.pop("staff_about", None)
    if about is not None:
        figure["about"] = about
    if figure:
        rest = list(out.items())
        out.clear()
        for k, v in rest:  # the figure where staff = N would stand, before the posts
            if k == "posts":
                out["staff"] = figure
            out[k] = v
        out.setdefault("staff", figure)


def event_from_dict(data: dict[str, Any]) -> ev.Event:
    """Build an event from a plain dict with a ``type`` key.  Raises InputError (no location) if it is wrong."""
    if not isinstance(data, dict):
        raise InputError(f"an event must be a table/object, got {type(data).__name__}")
    data = dict(data)
    kind = data.pop("type", None)
    if kind is None:
        raise InputError("event has no 'type'")
    cls = ev.EVENT_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise InputError(f"unknown event type {kind!r} (see `diplosim events` for the catalogue)")
    if cls is ev.MissionEstablished:
        _staff_in(data)
    elif cls is ev.MissionCapped and data.get("cap") == "parity":
        if "parity" in data:
            raise InputError("field 'cap': write cap = \"parity\" or parity = true, not both")
        data["cap"], data["parity"] = None, True
        del data["cap"]
    known = set(ev.field_names(cls))
    extra = sorted(set(data) - known)
    if extra:
        raise InputError(f"unknown field {extra[0]!r} for {kind}")
    missing = [a.name for a in attrs.fields(cls) if a.default is attrs.NOTHING and a.name not in data]
    if missing:
        raise InputError(f"{kind} needs field {missing[0]!r}")
    _check_shapes(cls, data)
    try:
        event = converter().structure(data, cls)
    except (cattrs.BaseValidationError, ValueError, TypeError) as exc:
        text = _message(exc).replace(" @ $.", " in field ").replace(" @ $", "")
        raise InputError(f"{kind}: {text}") from None
    check_event(event)
    return event


def _type_text(kind: Any) -> str:
    """A field's type as written in the class (``tuple[Post, ...]``), whether attrs holds it as text (postponed
    annotations) or as the type itself (once cattrs has resolved it)."""
    if isinstance(kind, str):
        return kind
    if isinstance(kind, type) and not typing.get_args(kind):
        return kind.__name__
    return re.sub(r"\b[\w.]+\.(\w+)", r"\1", str(kind).replace("<class '", "").replace("'>", ""))


@lru_cache(maxsize=None)
def _shapes(cls: type) -> tuple[tuple[str, ...], dict[str, str], tuple[str, ...]]:
    """The fields of ``cls`` that hold a list, those whose items are tables (and of what), and those that hold a
    table (a post)."""
    lists, tables, single = [], {}, []
    for a in attrs.fields(cls):
        kind = _type_text(a.type)
        if kind.startswith("tuple["):
            lists.append(a.name)
            for item in ("Post", "SanctionTarget"):
                if kind.startswith(f"tuple[{item},"):
                    tables[a.name] = item
        elif kind == "Post":
            single.append(a.name)
    return tuple(lists), tables, tuple(single)


_TABLE_HINT = {"Post": '{ name = "Embassy in Moscow", kind = "embassy" }',
               "SanctionTarget": '{ name = "Example Bank", kind = "entity" }'}


def _check_shapes(cls: type, data: dict[str, Any]) -> None:
    """Lists where the event wants lists, tables where it wants tables: named, before cattrs would say something
    obscure (``'int' object is not iterable``) or turn a table into a list of its keys."""
    lists, tables, single = _shapes(cls)
    for key in lists:
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, list):
            what = "not a string" if isinstance(value, str) else f"got {_short(value)}"
            raise InputError(f"field {key!r} must be a list, {what}")
        kind = tables.get(key)
        for i, item in enumerate(value):
            if kind and not isinstance(item, dict):
                raise InputError(f"field '{key}[{i}]' must be a table like {_TABLE_HINT[kind]}, got {_short(item)}")
            if not kind and isinstance(item, (list, dict)):
                raise InputError(f"field '{key}[{i}]' must be a string, got {_short(item)}")
    for key in single:
        value = data.get(key)
        if value is not None and not isinstance(value, dict):
            raise InputError(f"field {key!r} must be a table like {_TABLE_HINT['Post']}, got {_short(value)}")


#: Free text may break lines (any way a file can); names, ids and codes are printable text on one line.
FREE_TEXT = frozenset({"summary", "note", "derived", "assumed", "disputed", "date_note"})
_BAD_IN_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_BAD_IN_TEXT = re.compile(r"[\x00\ud800-\udfff]")


@lru_cache(maxsize=None)
def _text_fields(cls: type) -> tuple[Any, tuple[str, ...], int, int]:
    """A getter of the string fields of ``cls`` (names, then free text, then the tables holding names), their
    names, and how many of them are names and free text."""
    names, texts, tables = [], [], []
    for a in attrs.fields(cls):
        kind = _type_text(a.type)
        if a.name in FREE_TEXT:
            texts.append(a.name)
        elif kind.startswith(("str", "tuple[str")):
            names.append(a.name)
        elif kind.startswith(("Post", "tuple[Post", "tuple[SanctionTarget")):
            tables.append(a.name)
    return operator.attrgetter(*names, *texts, *tables), (*names, *texts, *tables), len(names), len(texts)


def _bad_char(char: str) -> str:
    names = {"\n": "a line break", "\r": "a carriage return", "\t": "a tab", "\x00": "a NUL byte"}
    if char in names:
        return names[char]
    if "\ud800" <= char <= "\udfff":
        return f"a lone surrogate U+{ord(char):04X} (not valid Unicode)"
    return f"the control character U+{ord(char):04X}"


def _strings(value: Any) -> list[str]:
    """The strings of a field's value: a string, a tuple of them, or of posts or sanction targets."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    out: list[str] = []
    for item in value if isinstance(value, tuple) else (value,):
        if isinstance(item, str):
            out.append(item)
        else:  # a post or a sanction target
            out.extend(x for x in attrs.astuple(item) if isinstance(x, str))
    return out


def check_text(event: ev.Event) -> None:
    """Every string of the event is valid Unicode; names, ids and codes are printable on one line (a line break or
    a tab would split a row of a table or of an export); free text may break lines, but holds no NUL."""
    get, fields, n, t = _text_fields(type(event))
    values = get(event)
    # one search over all names at once (joined by a space, which is allowed): the common case costs little
    named = []
    for v in values[:n]:
        if v.__class__ is str:
            named.append(v)
        elif v:
            named.extend(v)
    for v in values[n + t:]:
        if v:
            named.extend(_strings(v))
    if not (_BAD_IN_NAME.search(" ".join(named)) or _BAD_IN_TEXT.search(" ".join(v for v in values[n:n + t] if v))):
        return
    for name, value in zip(fields, values):
        kind = "text" if name in FREE_TEXT else "name"
        pattern = _BAD_IN_TEXT if kind == "text" else _BAD_IN_NAME
        for text in _strings(value):
            m = pattern.search(text)
            if m:
                raise InputError(f"field {name!r} holds {_bad_char(m.group())} (character {m.start() + 1}"
                                 f"{' of ' + repr(text[:30]) if m.start() < 30 else ''}): "
                                 + ("write it without" if kind == "text" else "a name is printable text on one line"))


def check_event(event: ev.Event) -> None:
    """Checks that need no state: text, country codes, a target where one is needed, sources."""
    check_text(event)
    codes = [("actor", event.actor)]
    if event.target is not None:
        codes.append(("target", event.target))
    elif event.needs_target:
        raise InputError(f"{event.type} needs a target country")
    if isinstance(event, ev.StaffingReported):
        codes += [("sending", event.sending), ("host", event.host)]
    if isinstance(event, ev.SanctionsImposed):
        codes += [("targets.country", t.country) for t in event.targets if t.country]
    for what, code in codes:
        if not countries.is_known(code):
            raise InputError(f"unknown country code {code!r} in {what} (want ISO 3166-1 alpha-3, like USA or RUS)")
    if not event.sources and not event.generated_by:
        raise InputError("event names no source (add sources = [...], or generated_by for generated events)")
    for src in event.sources:
        problem = provenance.check_source(src)
        if problem:
            raise InputError(problem)
    if event.cameo is not None:
        from .codes import table
        if event.cameo not in table():
            raise InputError(f"unknown CAMEO code {event.cameo!r} in field cameo (not in the CAMEO table)")


def event_to_dict(event: ev.Event, *, dates_as_text: bool = False) -> dict[str, Any]:
    """The plain-dict form of an event: ``type`` first, then its fields, defaults left out."""
    body = converter(dates_as_text).unstructure(event)
    out: dict[str, Any] = {"id": body.pop("id"), "type": event.type}
    for key in ("date", "actor", "target"):
        if key in body:
            out[key] = body.pop(key)
    specific = {k: v for k, v in body.items() if k not in _BASE_FIELDS}
    common = {k: v for k, v in body.items() if k in _BASE_FIELDS}
    if isinstance(event, ev.MissionEstablished):
        _staff_out(specific)
    elif isinstance(event, ev.MissionCapped) and specific.pop("parity", False):
        specific = {"cap": "parity", **specific}
    out.update(specific)
    out.update(common)
    return out

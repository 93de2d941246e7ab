"""Event data in and out: CAMEO-coded rows (TSV, CSV, JSON Lines) from a log, and such rows into a log or store.

Export writes one row per act with the columns of :data:`COLUMNS` (GDELT's names where GDELT has the column);
records (baselines, departures that took place) are no acts and are left out unless ``baselines`` is asked for,
when their CAMEO columns stay empty.  Two last columns carry the diplosim event itself (``DiplosimType`` and
``DiplosimData``, its fields as JSON), so that an export re-imports to the same events whatever code a row carries.

Import reads rows with at least a date, two actor codes and a CAMEO code, in the same formats.  A row with a
``DiplosimType`` is that event again; any other row is turned into an event by the import rule: rows whose code
the model understands *and* that carry the data a measure needs become measures that change the state (see
:func:`row_to_event`); every other row becomes a speech act that keeps its code.  A file with one bad row imports
nothing.

    >>> from diplosim.core.log import load_log, seed_log_path
    >>> rows = export_rows(load_log(seed_log_path()).events)
    >>> r = rows[0]
    >>> r["SQLDATE"], r["Actor1Code"], r["Actor2Code"], r["EventCode"], r["Count"], r["Deadline"]
    (20161229, 'USA', 'RUS', '174', 35, 20170101)
    >>> r["DiplosimType"], r["DiplosimData"]["deadline"]
    ('DiplomatsExpelled', '2017-01-01')
    >>> len(rows), len(export_rows(load_log(seed_log_path()).events, baselines=True))
    (29, 35)
"""
from __future__ import annotations

import csv
import datetime
import io
import json
import re
from pathlib import Path
from typing import Any, Callable, Iterable

import attrs
from attrs import frozen

from . import cameo
from ..core import countries
from ..core import events as ev
from ..core.errors import InputError, RuleViolation
from ..core.state import State

Date = datetime.date

#: The export columns, in order.  SQLDATE and Deadline are YYYYMMDD numbers, as in GDELT.
COLUMNS = ["SQLDATE", "Actor1Code", "Actor2Code", "EventCode", "PLOVER", "EventRootCode", "QuadClass",
           "GoldsteinScale", "Count", "EventId", "Sources", "Deadline", "Post", "Property", "DiplosimType",
           "DiplosimData"]
#: The event's own fields that the data column leaves to other columns (SQLDATE, EventId, Sources).
_IN_COLUMNS = ("id", "type", "date", "sources")
FORMATS = ("cameo-tsv", "csv", "jsonl")
#: Separator of several values in one cell (sources, posts, properties).
MULTI = "; "


# --- export -------------------------------------------------------------------------------------------------------


def _count(e: ev.Event) -> int | None:
    if isinstance(e, ev.MissionEstablished):
        return e.staff
    if isinstance(e, ev.MissionCapped):
        return e.cap
    if isinstance(e, ev.StaffingReported):
        return e.figure
    if isinstance(e, ev.SanctionsImposed):
        return e.count if e.count is not None else len(e.targets)
    if isinstance(e, (ev.SanctionsLifted, ev.ForeignAgentDesignated)):
        return len(e.targets)
    return getattr(e, "count", None)


def _posts(e: ev.Event) -> list[str]:
    if isinstance(e, ev.MissionEstablished):
        return [p.name for p in e.posts]
    if isinstance(e, ev.PostOpened):
        return [e.post.name]
    if isinstance(e, ev.PostClosed):
        return [e.post]
    if isinstance(e, ev.DiplomatsExpelled):
        return list(e.from_posts)
    return []


def _properties(e: ev.Event) -> list[str]:
    if isinstance(e, (ev.PropertyRegistered, ev._PropertyAct)):
        return [e.property]
    if isinstance(e, ev.ProposalMade):
        return list(e.properties)
    return []


def _yyyymmdd(d: Date | None) -> int | None:
    return None if d is None else d.year * 10000 + d.month * 100 + d.day


def export_rows(events: Iterable[ev.Event], *, baselines: bool = False) -> list[dict[str, Any]]:
    """One row per act, keyed by :data:`COLUMNS` (None where a column does not apply).  Records (baselines, departures
    that took place) are left out unless ``baselines``; their CAMEO columns are then None (a record is no act)."""
    from ..core.log import event_to_dict

    rows = []
    for e in events:
        c = cameo.coded(e)
        if c is None and not baselines:  # a record is no act: event data has no row for it
            continue
        data = {k: v for k, v in event_to_dict(e, dates_as_text=True).items() if k not in _IN_COLUMNS}
        rows.append({
            "SQLDATE": _yyyymmdd(e.date), "Actor1Code": cameo.source_of(e), "Actor2Code": cameo.target_of(e),
            "EventCode": c and c.code, "PLOVER": cameo.plover_of(e), "EventRootCode": c and c.root,
            "QuadClass": c and c.quad_class, "GoldsteinScale": c and cameo.goldstein(e),
            "Count": _count(e), "EventId": e.id, "Sources": MULTI.join(e.sources),
            "Deadline": _yyyymmdd(getattr(e, "deadline", None)), "Post": MULTI.join(_posts(e)) or None,
            "Property": MULTI.join(_properties(e)) or None, "DiplosimType": e.type, "DiplosimData": data,
        })
    return rows


def dumps(events: Iterable[ev.Event], fmt: str, *, baselines: bool = False) -> str:
    """The export as text: ``cameo-tsv`` (tab-separated, header row), ``csv`` or ``jsonl`` (one object a line).
    In TSV and CSV the DiplosimData column is JSON text (ASCII, so no character can split a line)."""
    rows = export_rows(events, baselines=baselines)
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if fmt not in ("cameo-tsv", "csv"):
        raise InputError(f"unknown export format {fmt!r}: want {', '.join(FORMATS)}")
    out = io.StringIO()
    delimiter = "\t" if fmt == "cameo-tsv" else ","
    w = csv.writer(out, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    # the csv module quotes a cell holding a line feed but not one holding a lone carriage return: such a row is
    # written with every cell quoted, so that no reader takes the carriage return for the end of the row
    quoted = csv.writer(out, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_ALL)
    w.writerow(COLUMNS)
    for r in rows:
        r = dict(r, DiplosimData=json.dumps(r["DiplosimData"]))
        cells = ["" if r[c] is None else r[c] for c in COLUMNS]
        (quoted if any("\r" in str(c) for c in cells) else w).writerow(cells)
    return out.getvalue()


# --- reading rows ---------------------------------------------------------------------------------------------------

#: Header names import accepts for each field (compared without case, spaces or underscores), first match wins.
ALIASES: dict[str, tuple[str, ...]] = {
    "date": ("sqldate", "date", "eventdate", "day"),
    "actor": ("actor1code", "source", "sourceactor", "actor1countrycode"),
    "target": ("actor2code", "target", "targetactor", "actor2countrycode"),
    "code": ("eventcode", "cameocode", "cameo", "code"),
    "count": ("count",),
    "deadline": ("deadline",),
    "post": ("post",),
    "property": ("property",),
    "id": ("eventid", "globaleventid", "id"),
    "ref": ("sources", "sourceref", "sourceurl"),
    "dtype": ("diplosimtype",),
    "data": ("diplosimdata",),
}
REQUIRED = ("date", "actor", "target", "code")
#: What a row that carries its diplosim event needs: the rest is in DiplosimData.
REQUIRED_STORED = ("date",)


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _columns(header: list[str], where: str) -> dict[str, str]:
    """Field -> the header name that holds it."""
    by_norm = {}
    for h in header:
        by_norm.setdefault(_norm(h), h)
    found = {}
    for field, names in ALIASES.items():
        for n in names:
            if n in by_norm:
                found[field] = by_norm[n]
                break
    # rows that carry their diplosim event need only a date: the rest is in DiplosimData
    missing = [f for f in (REQUIRED_STORED if "dtype" in found else REQUIRED) if f not in found]
    if missing:
        raise InputError(f"no {_WANT[missing[0]]} column in the header (have: {', '.join(header)})", where)
    return found


_WANT = {"date": "SQLDATE", "actor": "Actor1Code", "target": "Actor2Code", "code": "EventCode"}


@frozen
class Row:
    """One row of an event-data file, its fields already checked; ``line`` is where it is in the file.

    ``dtype`` and ``data``: the diplosim event the row was exported from (its type and fields), when the row carries
    it; then ``actor``, ``target`` and ``code`` may be None (a record has no code, an incident may have no suspect).
    """
    line: int
    date: Date
    actor: str | None
    target: str | None
    code: str | None
    count: int | None = None
    deadline: Date | None = None
    posts: tuple[str, ...] = ()
    properties: tuple[str, ...] = ()
    id: str | None = None
    refs: tuple[str, ...] = ()
    dtype: str | None = None
    data: dict[str, Any] | None = None


def _date(value: Any, what: str) -> Date:
    text = str(value).strip()
    try:
        if re.fullmatch(r"\d{8}", text):
            return Date(int(text[:4]), int(text[4:6]), int(text[6:]))
        return Date.fromisoformat(text)
    except ValueError:
        raise InputError(f"bad {what} {text!r}: want YYYYMMDD or YYYY-MM-DD") from None


def _country(value: str, what: str) -> str:
    code = value.strip()
    if countries.is_known(code):
        return code
    if len(code) > 3 and countries.is_known(code[:3]):  # a CAMEO actor code: country, then role (USAGOV)
        return code[:3]
    raise InputError(f"unknown country code {code!r} in {what} (want ISO 3166-1 alpha-3 like USA, or a CAMEO "
                     f"actor code that starts with one, like USAGOV)")


def _int(value: Any, what: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise InputError(f"bad {what} {value!r}: want a whole number")
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not re.fullmatch(r"\d+", text):
        raise InputError(f"bad {what} {text!r:.40}: want a whole number")
    if len(text) > 18:  # past any count (and past what Python reads, at 4300 digits)
        raise InputError(f"bad {what}: a number of {len(text)} digits")
    return int(text)


def _multi(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(p.strip() for p in str(value).split(";") if p.strip())


def _row(fields: dict[str, Any], cols: dict[str, str], line: int) -> Row:
    def get(field: str) -> Any:
        col = cols.get(field)
        value = None if col is None else fields.get(col)
        return None if isinstance(value, str) and not value.strip() else value

    dtype = get("dtype")
    for field in REQUIRED_STORED if dtype is not None else REQUIRED:
        if field not in cols:
            raise InputError(f"a row without a DiplosimType needs the {_WANT[field]} column")
        if get(field) is None:
            raise InputError(f"empty {cols[field]}")
    code = get("code")
    if code is not None:
        if not isinstance(code, str):
            raise InputError(f"{cols['code']} must be text, not a number: CAMEO codes keep their leading zeros "
                             f"(write \"0842\", not 0842)")
        code = code.strip()
        cameo.lookup(code)
    ident = get("id")
    if dtype is not None and "id" in cols and fields.get(cols["id"]) not in (None, ""):
        ident = fields[cols["id"]]  # the id of an exported event, exactly as it was
    elif ident is not None:
        ident = str(ident).strip()
    actor, target = get("actor"), get("target")
    return Row(line=line, date=_date(get("date"), cols["date"]),
               actor=None if actor is None else _country(str(actor), cols["actor"]),
               target=None if target is None else _country(str(target), cols["target"]), code=code,
               count=_int(get("count"), "Count"),
               deadline=None if get("deadline") is None else _date(get("deadline"), "Deadline"),
               posts=_multi(get("post")), properties=_multi(get("property")),
               id=None if ident is None else str(ident), refs=_multi(get("ref")),
               dtype=None if dtype is None else str(dtype).strip(),
               data=None if dtype is None else _data(get("data"), cols.get("data", "DiplosimData")))


def _data(value: Any, what: str) -> dict[str, Any]:
    """The DiplosimData cell: a JSON object (as text in TSV and CSV, as itself in JSON Lines)."""
    if value is None:
        return {}
    if isinstance(value, str):
        from ..core.files import loads_json
        try:
            value = loads_json(value)
        except InputError as exc:
            raise InputError(f"bad {what}: {exc.message}") from None
    if not isinstance(value, dict):
        raise InputError(f"bad {what}: want a JSON object of the event's fields")
    return value


def read_rows(path: str | Path, progress: "Progress | None" = None) -> list[Row]:
    """Read an event-data file (``.tsv``/``.txt`` tab-separated, ``.csv``, ``.jsonl``), every row checked.

    The first line of a TSV or CSV file is its header; lines starting with ``#`` are skipped.  The first problem
    raises InputError naming ``file:line``.
    """
    from ..core.files import read_text

    name = str(path)
    if name.endswith(".csv"):
        delimiter = ","
    elif name.endswith((".tsv", ".txt", ".tab")):
        delimiter = "\t"
    elif not name.endswith((".jsonl", ".json", ".ndjson")):  # told by the name, before anything is read
        raise InputError("unknown event-data format: want a .tsv, .csv or .jsonl file", name)
    text = read_text(path, "event-data file")  # as written: a quoted carriage return is part of its cell
    if name.endswith((".jsonl", ".json", ".ndjson")):
        return _read_jsonl(text, name)
    records = _records(text, delimiter, name)
    if not records:
        raise InputError("empty file: want a header row and event rows", name)
    head_line, header = records[0]
    cols = _columns(header, f"{name}:{head_line}")
    rows = []
    with _Ticker(progress, len(records) - 1, "reading rows") as tick:
        for n, cells in records[1:]:
            if len(cells) != len(header):
                raise InputError(f"malformed row: {len(cells)} fields, the header has {len(header)}", f"{name}:{n}")
            try:
                rows.append(_row(dict(zip(header, cells)), cols, n))
            except InputError as exc:
                raise InputError(exc.message, f"{name}:{n}") from None
            tick()
    return rows


#: ``progress(total, unit, desc)``: a progress bar (with ``update(n)`` and ``close()``) or None.
Progress = Callable[[int, str, str], Any]


class _Ticker:
    """A bar from ``progress`` (if any) moved every 1000 ticks, closed at the end of the block."""

    def __init__(self, progress: Progress | None, total: int, desc: str):
        self.bar = progress(total, "row", desc) if progress is not None else None
        self.n = 0

    def __enter__(self):
        return self if self.bar is not None else (lambda: None)

    def __call__(self) -> None:
        self.n += 1
        if self.n % 1000 == 0:
            self.bar.update(1000)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.update(self.n % 1000)
            self.bar.close()


def _records(text: str, delimiter: str, name: str) -> list[tuple[int, list[str]]]:
    """(line where it starts, cells) of each record; a quoted cell may span lines.  Blank lines and lines starting
    with ``#`` are skipped."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    out, last = [], 0
    try:
        for cells in reader:
            start, last = last + 1, reader.line_num
            if cells and not cells[0].startswith("#") and any(c.strip() for c in cells):
                out.append((start, cells))
    except csv.Error as exc:
        raise InputError(f"malformed row: {exc}", f"{name}:{last + 1}") from None
    return out


def _read_jsonl(text: str, name: str) -> list[Row]:
    from ..core.files import loads_json

    rows = []
    # JSON Lines are split at newlines only: a U+2028 inside a string is text, not a line break
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip() or line.lstrip().startswith(("#", "//")):
            continue
        try:
            item = loads_json(line)
        except InputError as exc:
            raise InputError(exc.message, f"{name}:{n}") from None
        if not isinstance(item, dict):
            raise InputError("malformed row: want a JSON object", f"{name}:{n}")
        try:
            rows.append(_row(item, _columns(list(item), f"{name}:{n}"), n))
        except InputError as exc:
            raise InputError(exc.message, exc.where if exc.where else f"{name}:{n}") from None
    return rows


# --- rows -> events -------------------------------------------------------------------------------------------------

_POST_KINDS = (("consulate-general", "consulate-general"), ("consulate general", "consulate-general"),
               ("consulate", "consulate"), ("embassy", "embassy"), ("annex", "annex"),
               ("trade mission", "trade-mission"), ("mission", "mission"))


def _post(name: str) -> ev.Post:
    low = name.lower()
    kind = next((k for word, k in _POST_KINDS if word in low), "other")
    return ev.Post(name, kind)


#: Speech-act types by code (exact) or by root code; any other code becomes a StatementMade.
SPEECH_BY_CODE: dict[str, type[ev.Event]] = {
    "014": ev.ProposalMade, "016": ev.InvolvementDenied, "036": ev.MeetingPlanned, "051": ev.PraiseExpressed,
    "125": ev.MeetingCancelled,
}
SPEECH_BY_ROOT: dict[str, type[ev.Event]] = {
    "04": ev.MeetingHeld, "10": ev.DemandMade, "11": ev.CriticismVoiced, "13": ev.ThreatIssued,
}


def row_to_event(row: Row, s: State, source_file: str) -> ev.Event:
    """The event a row stands for, given the state just before it (the rule is in the README, "Import").

    Measures, when the row carries their data: ``174`` with a Count expels that many (by the Deadline, else the
    same day); ``172`` with a Count caps the target's mission, with a Property bars access to it; ``171``/``1711``
    with a Property closes/seizes it, ``0842``/``084`` returns it; ``161`` with a Post closes it; ``050`` with a
    Property registers it, with a Count establishes the actor's mission (or, if it exists, adds staff to it), with
    only a Post opens it; ``081`` lifts the actor's cap on the target's mission if there is one.  Anything else is
    a speech act carrying the row's code.  A row with a DiplosimType is the event it names (see :func:`_stored`).
    """
    sources = (f"import: {source_file}:{row.line}",) + _refs(row, source_file)
    ident = row.id or f"import-{Path(source_file).stem}-{row.line}"
    if row.dtype is not None:
        return _stored(row, ident, sources)
    code, count, props, posts = row.code, row.count, row.properties, row.posts
    label = cameo.lookup(code).label
    base: dict[str, Any] = {
        "id": ident, "date": row.date, "actor": row.actor, "target": row.target, "sources": sources,
        "summary": f"Imported CAMEO {code} ({label})" + (f", count {count}" if count is not None else ""),
    }
    deadline = row.deadline or row.date
    mission = s.missions.get((row.actor, row.target))
    target_mission = s.missions.get((row.target, row.actor))
    cls: type[ev.Event]
    data: dict[str, Any] = {}
    if code == "174" and count:
        cls, data = ev.DiplomatsExpelled, {"count": count, "deadline": deadline, "from_posts": posts}
    elif code == "172" and props:
        cls, data = ev.PropertyAccessSuspended, {"property": props[0]}
    elif code == "172" and count is not None:
        cls, data = ev.MissionCapped, {"cap": count, "deadline": deadline}
    elif code in ("171", "1711", "084", "0842") and props:
        cls = {"171": ev.PropertyClosed, "1711": ev.PropertySeized}.get(code, ev.PropertyReturned)
        data = {"property": props[0]}
    elif code == "161" and posts:
        cls, data = ev.PostClosed, {"post": posts[0]}
    elif code == "050" and props:
        cls, data = ev.PropertyRegistered, {"property": props[0], "name": props[0]}
    elif code == "050" and count is not None and mission is None:
        cls, data = ev.MissionEstablished, {"staff": count, "posts": tuple(_post(p) for p in posts)}
    elif code == "050" and count is not None:
        cls, data = ev.StaffAssigned, {"count": count}
    elif code == "050" and posts:
        cls, data = ev.PostOpened, {"post": _post(posts[0])}
    elif code == "081" and target_mission is not None and (target_mission.cap is not None
                                                            or target_mission.cap_parity):
        cls = ev.MissionCapLifted
    else:
        cls, data = _speech(code, count, props)
    try:
        event = cls(**base, **data)
    except (ValueError, TypeError) as exc:
        raise InputError(f"CAMEO {code} row: {exc}") from None
    if event.category != "record" and cameo.code_of(event) != code:
        event = attrs.evolve(event, cameo=code)  # a record the rule made of a row is no act: it takes no code
    return event


def _stored(row: Row, ident: str, sources: tuple[str, ...]) -> ev.Event:
    """The event a row carries in DiplosimType and DiplosimData, with the row's date, id and sources; a CAMEO code
    other than the event's own becomes its ``cameo`` override."""
    from ..core.log import event_from_dict

    data = dict(row.data or {})
    for key, column in (("id", "EventId"), ("type", "DiplosimType"), ("date", "SQLDATE"), ("sources", "Sources")):
        if key in data:
            raise InputError(f"DiplosimData holds {key!r}: the row's {column} column gives it")
    event = event_from_dict({**data, "id": ident, "type": row.dtype, "date": row.date.isoformat(),
                             "sources": list(sources)})
    if row.code is not None and cameo.code_of(event) != row.code:
        event = attrs.evolve(event, cameo=row.code)
    return event


def _speech(code: str, count: int | None, props: tuple[str, ...]) -> tuple[type[ev.Event], dict[str, Any]]:
    cls = SPEECH_BY_CODE.get(code) or SPEECH_BY_ROOT.get(code[:2]) or ev.StatementMade
    has_count = "count" in ev.field_names(cls)
    if count is not None and not has_count:
        cls, has_count = ev.StatementMade, True  # keep the figure: a statement can carry one
    data: dict[str, Any] = {"count": count} if has_count and count is not None else {}
    if cls is ev.ProposalMade and props:
        data["properties"] = props
    return cls, data


def _refs(row: Row, source_file: str) -> tuple[str, ...]:
    from ..core.provenance import check_source

    out = []
    for ref in row.refs:
        # a reference diplosim cannot check (a story id, an outlet's name) stays attached to the import line
        out.append(ref if check_source(ref) is None else f"import: {source_file}:{row.line} cites {ref}")
    return tuple(out)


def rows_to_events(rows: list[Row], base: Iterable[ev.Event], source_file: str,
                   progress: Progress | None = None) -> list[ev.Event]:
    """The rows as events appended after ``base``: rows in date order (stable), each read against the state
    before it and checked by the fold.  Any problem raises InputError naming ``file:line``; nothing is returned
    half-done."""
    from ..core.fold import apply_in_place
    from ..core.log import check_event

    s = State()
    for e in base:
        apply_in_place(s, e)
    known = set(s.seen_ids or ())
    out = []
    with _Ticker(progress, len(rows), "checking rows") as tick:
        for row in sorted(rows, key=lambda r: r.date):
            where = f"{source_file}:{row.line}"
            try:
                e = row_to_event(row, s, source_file)
                if e.id in known:
                    raise InputError(f"event id {e.id!r} is in the target already (was this file imported before?)")
                if s.last_date is not None and row.date < s.last_date:
                    raise InputError(f"row dated {row.date} comes before the target's last event ({s.last_date}): "
                                     f"imported events are appended, so they must not be older")
                check_event(e)
                apply_in_place(s, e)
            except InputError as exc:
                raise InputError(exc.message, where) from None
            except RuleViolation as exc:
                raise InputError(str(exc), where) from None
            out.append(e)
            tick()
    return out

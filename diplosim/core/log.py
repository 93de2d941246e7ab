"""Event logs on disk: TOML (for people, reviewed in git) and JSON Lines (for machines), read with file:line errors.

A TOML log is a ``[log]`` table (title, description) and one ``[[event]]`` table per event; a JSON Lines log is one
object per line.  Either way each event has a ``type`` from :data:`diplosim.core.events.EVENT_TYPES` and that type's
fields.  :func:`load_log` reads and checks a file: syntax, types, country codes, sources, and (with
``check_rules=True``) every rule of the fold, so a log that loads is a log that replays.

    >>> log = load_log(default_log_path())
    >>> log.events[0].type
    'MissionEstablished'
"""
from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import attrs
from attrs import frozen

from . import events as ev
from .errors import InputError, RuleViolation
from .eventdict import converter, event_from_dict, event_to_dict, check_event  # noqa: F401  (public here)
from .limits import MAX_CHAIN

Date = datetime.date


# --- the Log --------------------------------------------------------------------------------------------------------


@frozen
class Log:
    """An event log read from a file: its events in order, and where each one is in the file.

    A log that continues another (``[log] continues = "earlier.toml"``) holds the whole chain: the events of the
    logs it continues first, then its own.  ``chain`` lists the files, earliest first; ``files`` names the file of
    each event that is not in ``path``."""
    events: tuple[ev.Event, ...]
    path: str = "<memory>"
    title: str = ""
    description: str = ""
    lines: dict[str, int] = attrs.field(factory=dict, eq=False, repr=False)
    files: dict[str, str] = attrs.field(factory=dict, eq=False, repr=False)
    chain: tuple[str, ...] = attrs.field(default=(), eq=False, repr=False)
    settings: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)

    def __iter__(self) -> Iterator[ev.Event]:
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)

    def where(self, event_id: str) -> str:
        """``path:line`` of an event, for messages."""
        line = self.lines.get(event_id)
        path = self.files.get(event_id, self.path)
        return f"{path}:{line}" if line else path

    def by_id(self) -> dict[str, ev.Event]:
        return {e.id: e for e in self.events}


_HEADER = re.compile(r"^\s*\[\[\s*event\s*\]\]\s*(#.*)?$")


def _split_lines(text: str) -> list[str]:
    # Lines end at "\n" only, as tomllib and JSON Lines count them: str.splitlines() also breaks at U+2028, U+0085
    # and others, which may stand unescaped inside a string value.
    return text.split("\n")


def _toml_event_lines(text: str) -> list[int]:
    return [n for n, line in enumerate(_split_lines(text), 1) if _HEADER.match(line)]


def _key_line(text_lines: list[str], start: int, end: int, key: str) -> int:
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for n in range(start, min(end, len(text_lines) + 1)):
        if pattern.match(text_lines[n - 1]):
            return n
    return start


def field_mentioned(message: str) -> str | None:
    """The field an error message is about ("count must be positive" -> "count"), to find its line."""
    m = re.search(r"in field '?([a-z_]+)", message) or re.search(r"field '?([a-z_]+)'?", message)
    if m:
        return m.group(1)
    m = re.search(r"^(?:[A-Za-z]+: )?([a-z_]+) must ", message)
    if m:
        return m.group(1)
    m = re.search(r"unknown country code '[^']*' in ([a-z_]+)", message)
    if m:
        return m.group(1)
    if message.startswith("unknown event type"):
        return "type"
    if message.startswith("source "):
        return "sources"
    return None


def read_text(path: str | Path) -> str:
    """The text of a log file, after a size check (see :mod:`diplosim.core.files`)."""
    from .files import read_text as read
    return read(path, "log file")


#: How often a reader calls its ``progress(done, total)`` (in events).
PROGRESS_EVERY = 2000


def parse_toml(text: str, path: str = "<toml>", progress: Callable[[int, int], None] | None = None) -> Log:
    from .files import loads_toml

    doc = loads_toml(text, path)
    unknown = sorted(set(doc) - {"log", "event"})
    if unknown:
        raise InputError(f"unknown top-level key {unknown[0]!r} (want [log] and [[event]] tables)", path)
    raw = doc.get("event", [])
    if not isinstance(raw, list):
        raise InputError("'event' must be an array of tables: write [[event]]", path)
    starts = _toml_event_lines(text)
    text_lines = _split_lines(text)
    events, lines = [], {}
    for i, item in enumerate(raw):
        if progress is not None and i % PROGRESS_EVERY == 0:
            progress(i, len(raw))
        start = starts[i] if i < len(starts) else 0
        end = starts[i + 1] if i + 1 < len(starts) else len(text_lines) + 1
        try:
            e = event_from_dict(item)
        except InputError as exc:
            key = field_mentioned(exc.message)
            line = _key_line(text_lines, start, end, key) if key and start else start
            ident = _ident(item)
            prefix = f"event {ident}: " if ident else ""
            raise InputError(prefix + exc.message, f"{path}:{line}" if line else path) from None
        if e.id in lines:
            _duplicate(e, lines[e.id], f"{path}:{start}" if start else path)
        events.append(e)
        lines[e.id] = start
    if progress is not None:
        progress(len(raw), len(raw))
    meta = _log_table(doc.get("log", {}), text, path)
    return Log(tuple(events), path, meta.get("title", ""), meta.get("description", ""), lines, settings=meta)


def _ident(item: Any) -> str | None:
    """An event's id for a message, if it is a plain string (shortened), else None."""
    ident = item.get("id") if isinstance(item, dict) else None
    if not isinstance(ident, str) or not ident:
        return None
    ident = ident if len(ident) <= 60 else ident[:59] + "…"
    return ident if ident.isprintable() else repr(ident)


def _duplicate(e: ev.Event, first_line: int, where: str) -> None:
    """A second event with a used id: named at its own line (the replay would only know the id)."""
    from .errors import UNIQUE_IDS
    raise InputError(str(RuleViolation(e.id, UNIQUE_IDS, f"the id is used by the event at line {first_line}")),
                     where)


#: The keys of a log's ``[log]`` table and what each must be.
LOG_KEYS = {"title": str, "description": str, "continues": str, "departure_days": int}


def _log_table(meta: Any, text: str, path: str) -> dict[str, Any]:
    """The checked ``[log]`` table (a TOML log's, or a JSON Lines log's first line ``{"log": {...}}``)."""
    def where(key: str) -> str:
        lines = _split_lines(text)
        for n, line in enumerate(lines, 1):
            if re.match(rf"^\s*{re.escape(key)}\s*=", line) or f'"{key}"' in line:
                return f"{path}:{n}"
        return path
    if not isinstance(meta, dict):
        raise InputError("[log] must be a table", path)
    for key, value in meta.items():
        want = LOG_KEYS.get(key)
        if want is None:
            raise InputError(f"unknown key {key!r} in [log] (want {', '.join(LOG_KEYS)})", where(key))
        if isinstance(value, bool) or not isinstance(value, want):
            raise InputError(f"[log] {key} must be {'a string' if want is str else 'a whole number'}, "
                             f"got {value!r:.40}", where(key))
    days = meta.get("departure_days")
    if days is not None and not 0 <= days <= 3650:
        raise InputError(f"[log] departure_days must be between 0 and 3650, got {_num(days)}", where("departure_days"))
    return dict(meta)


def _num(value: int) -> str:
    return str(value) if abs(value) < 10 ** 18 else "a huge number"


def parse_jsonl(text: str, path: str = "<jsonl>", progress: Callable[[int, int], None] | None = None) -> Log:
    from .files import loads_json

    events, lines = [], {}
    meta: dict[str, Any] = {}
    all_lines = _split_lines(text)
    total = len(all_lines) - (all_lines[-1] == "")  # a last line break ends a line, it starts none
    for n, line in enumerate(all_lines, 1):
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(n, total)
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            item = loads_json(line)
        except InputError as exc:
            raise InputError(exc.message, f"{path}:{n}") from None
        if isinstance(item, dict) and set(item) == {"log"}:
            if events or meta:
                raise InputError("the {\"log\": {...}} line must come first", f"{path}:{n}")
            meta = _log_table(item["log"], line, f"{path}:{n}") or {"title": ""}
            continue
        try:
            e = event_from_dict(item)
        except InputError as exc:
            ident = _ident(item)
            raise InputError((f"event {ident}: " if ident else "") + exc.message, f"{path}:{n}") from None
        if e.id in lines:
            _duplicate(e, lines[e.id], f"{path}:{n}")
        events.append(e)
        lines[e.id] = n
    if progress is not None:
        progress(total, total)
    return Log(tuple(events), path, meta.get("title", ""), meta.get("description", ""), lines, settings=meta)


def load_log(path: str | Path, *, check_rules: bool = True,
             progress: Callable[[int, int], None] | None = None) -> Log:
    """Read a log file (``.toml`` or ``.jsonl``/``.json``), with every log it continues, check it, and return it.

    ``path`` may also name a shipped log by its name (``us-russia-2016-2017``; see :func:`shipped_logs`).  Raises
    :class:`InputError` naming ``file:line`` for any problem, including a broken domain rule.  ``progress(done,
    total)`` is called now and then while a file is read (lines of JSON Lines, events of TOML).
    """
    from .files import check_readable

    path = _named(path)
    check_readable(path)  # before resolving: a missing file, a folder or a loop of links is named as such
    log = _read_chain(Path(path), _resolve(Path(path)).parent, (), progress)
    if check_rules:
        check_log(log)
    return log


def _parse_file(path: str, progress: Callable[[int, int], None] | None = None) -> Log:
    if not path.endswith((".jsonl", ".json", ".ndjson", ".toml")):  # told by the name, before anything is read
        raise InputError("unknown log format: want a .toml or .jsonl file", path)
    text = read_text(path)
    log = (parse_toml if path.endswith(".toml") else parse_jsonl)(text, path, progress)
    days = log.settings.get("departure_days")
    if days is not None:
        events = []
        for e in log.events:
            try:
                events.append(_default_deadline(e, days))
            except InputError as exc:
                raise InputError(exc.message, log.where(e.id)) from None
        log = attrs.evolve(log, events=tuple(events))
    return log


def _default_deadline(e: ev.Event, days: int) -> ev.Event:
    if not isinstance(e, ev.DiplomatsExpelled) or e.deadline is not None:
        return e
    from .limits import MAX_DATE
    note = f"deadline: the log's departure_days ({days}), no source gives one"
    if (MAX_DATE - e.date).days < days:
        raise InputError(f"event {e.id}: [log] departure_days ({days}) puts its deadline past {MAX_DATE}, the end of "
                         f"the calendar diplosim keeps")
    return attrs.evolve(e, deadline=e.date + datetime.timedelta(days=days), deadline_assumed=True,
                        assumed=f"{e.assumed}; {note}" if e.assumed else note)


def _read_chain(path: Path, root: Path, seen: tuple[Path, ...],
                progress: Callable[[int, int], None] | None = None) -> Log:
    """The log at ``path`` preceded by the logs it continues, each resolved relative to the file that names it and
    kept inside ``root`` (the folder of the file the user gave)."""
    log = _parse_file(str(path), progress)
    parent_name = log.settings.get("continues")
    if parent_name is None:
        return attrs.evolve(log, chain=(str(path),))
    where = _where_key(log, "continues")
    if parent_name.strip() == "" or Path(parent_name).is_absolute() or parent_name.startswith("~"):
        raise InputError(f"[log] continues must be a path relative to this file, got {parent_name!r}", where)
    parent = path.parent / parent_name
    try:
        real = parent.resolve()
    except (RuntimeError, OSError):
        raise InputError(f"[log] continues {parent_name!r}: a loop of symbolic links", where) from None
    try:
        real.relative_to(root)
    except ValueError:
        raise InputError(f"[log] continues {parent_name!r} leads outside {root}: a log may continue only logs in "
                         f"its own folder tree", where) from None
    here = _resolve(path)
    if real == here or real in seen:
        names = " -> ".join(p.name for p in (*seen, here, real))
        raise InputError(f"[log] continues makes a cycle: {names}", where)
    if len(seen) + 2 > MAX_CHAIN:
        raise InputError(f"[log] continues: a chain of more than {MAX_CHAIN} logs", where)
    if not real.is_file():
        raise InputError(f"[log] continues {parent_name!r}: no such file", where)
    earlier = _read_chain(parent, root, (*seen, here))
    files = dict(earlier.files)
    files.update({e.id: earlier.path for e in earlier.events if e.id not in earlier.files})
    lines = dict(earlier.lines)
    for e in log.events:
        if e.id in lines:
            first = f"{files.get(e.id, earlier.path)}:{lines[e.id]}"
            from .errors import UNIQUE_IDS
            raise InputError(str(RuleViolation(e.id, UNIQUE_IDS, f"the id is used by the event at {first}")),
                             log.where(e.id))
    lines.update(log.lines)
    return Log(earlier.events + log.events, log.path, log.title or earlier.title, log.description, lines, files,
               earlier.chain + (str(path),), log.settings)


def _resolve(path: Path) -> Path:
    try:
        return path.resolve()
    except (RuntimeError, OSError):  # a loop of symbolic links
        raise InputError("a loop of symbolic links", str(path)) from None


def _where_key(log: Log, key: str) -> str:
    try:
        text = read_text(log.path)
    except InputError:
        return log.path
    for n, line in enumerate(_split_lines(text), 1):
        if re.match(rf"^\s*{key}\s*=", line) or f'"{key}"' in line:
            return f"{log.path}:{n}"
    return log.path


def check_log(log: Log) -> None:
    """Replay the whole log so every rule of the fold is checked; a violation names the event's file:line."""
    from .fold import fold

    try:
        fold(log.events)
    except RuleViolation as exc:
        raise InputError(str(exc), log.where(exc.event_id)) from None


# --- writing ------------------------------------------------------------------------------------------------------


def dumps_toml(events: Iterable[ev.Event], title: str = "", description: str = "") -> str:
    import tomli_w

    doc: dict[str, Any] = {}
    if title or description:
        doc["log"] = {k: v for k, v in (("title", title), ("description", description)) if v}
    # One document, so that a nested table (PostOpened's post) is written as [event.post], inside its event
    rows = [event_to_dict(e) for e in events]
    if rows:
        doc["event"] = rows
    return tomli_w.dumps(doc)


def dumps_jsonl(events: Iterable[ev.Event]) -> str:
    return "".join(json.dumps(event_to_dict(e, dates_as_text=True), ensure_ascii=False) + "\n" for e in events)


def write_log(events: Iterable[ev.Event], path: str | Path, title: str = "", description: str = "") -> None:
    """Write a log as TOML or JSON Lines (by the file's extension), all at once: nothing is written on error."""
    path = Path(path)
    events = list(events)
    text = dumps_jsonl(events) if path.suffix in (".jsonl", ".json", ".ndjson") else dumps_toml(events, title,
                                                                                                 description)
    from .files import write_atomic
    write_atomic(path, text)


# --- where the shipped data lives -----------------------------------------------------------------------------------


def data_dir(name: str) -> Path:
    """``seeds`` or ``scenarios``: inside the installed package (wheel) or beside it (editable install, checkout)."""
    package = Path(__file__).resolve().parent.parent
    inside = package / "_data" / name
    if inside.is_dir():
        return inside
    return package.parent / name


#: The seeds' log: the US–Russia sequence of December 2016 – July 2017, the start of the shipped record.
SEED_LOG = "us-russia-2016-2017.toml"
#: The last log of the shipped record's chain: loading it loads the whole record, December 2016 – April 2018.
RECORD_LOG = "aftermath-2018.toml"
REAL_LOG = RECORD_LOG


def default_log_path() -> Path:
    """The shipped record: the last log of its chain (loading it reads every log it continues)."""
    return data_dir("seeds") / RECORD_LOG


def seed_log_path() -> Path:
    """The seeds' log alone: the US–Russia sequence of December 2016 – July 2017."""
    return data_dir("seeds") / SEED_LOG


def shipped_logs() -> dict[str, Path]:
    """The shipped logs by name (file name without extension); seeds/sources.toml is their catalogue of sources."""
    return {p.stem: p for p in sorted(data_dir("seeds").glob("*.toml")) if p.stem != "sources"}


def _named(path: str | Path) -> str:
    """A shipped log's name (``us-russia-2016-2017``) as its path; anything else as given."""
    text = str(path)
    if not text.endswith((".toml", ".jsonl", ".json", ".ndjson")) and "/" not in text and text in shipped_logs():
        return str(shipped_logs()[text])
    return text

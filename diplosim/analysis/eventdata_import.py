"""Importing an event-data file into a store stream of observed events: all or nothing, memory flat.

Two passes.  The first reads the file line by line (plain or gzipped), checks every row and keeps those that pass
the filters in a temporary SQLite table on disk; a malformed row anywhere stops it before the store is touched.  The
second reads the kept rows back in date order (SQLite sorts on disk: event files are not in date order, a stream
must be) and appends them in batches inside one write transaction of the store, so a failure there too leaves the
stream as it was.  Memory holds one batch at a time, whatever the size of the file.

Rows whose ids the stream already holds (importing the same file again) are skipped, not added twice.
"""
from __future__ import annotations

import datetime
import json
import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Any, Callable

from attrs import define, field, frozen

from . import eventdata as ed
from ..core import errors as E
from ..core.errors import DiplosimError, InputError, RuleViolation

Date = datetime.date
BATCH = 5000
#: ``progress(total, unit, description)`` -> an object with ``update(n)`` and ``close()`` (tqdm), or None.
Progress = Callable[[int, str, str], Any]


@frozen
class Filters:
    """Which rows to keep: a dyad (either direction), a period, CAMEO root codes."""
    dyad: tuple[str, str] | None = None
    since: Date | None = None
    until: Date | None = None
    roots: frozenset[str] | None = None

    def keep(self, row: ed.ObservedRow) -> bool:
        if self.dyad is not None and {row.actor, row.target} != set(self.dyad):
            return False
        if self.since is not None and row.date < self.since:
            return False
        if self.until is not None and row.date > self.until:
            return False
        if self.roots is not None and (row.cameo is None or row.cameo[:2] not in self.roots):
            return False
        return True


def parse_roots(text: str) -> frozenset[str]:
    """``17,16`` -> {"17", "16"}: CAMEO root codes (two digits, 01 to 20)."""
    out = set()
    for part in text.split(","):
        p = part.strip()
        if len(p) == 1 and p.isdigit():
            p = "0" + p
        if not (len(p) == 2 and p.isdigit() and 1 <= int(p) <= 20):
            raise InputError(f"bad --roots {text!r}: want CAMEO root codes from 01 to 20, like 16,17")
        out.add(p)
    return frozenset(out)


@define
class Summary:
    """What an import did: rows read, events added, rows skipped (by reason), filtered out, already there."""
    file: str
    format: str
    into: str
    stream: str
    rows: int = 0
    added: int = 0
    already: int = 0
    filtered: int = 0
    skipped: dict[str, int] = field(factory=dict)
    version: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "format": self.format, "into": self.into, "stream": self.stream,
                "rows": self.rows, "added": self.added, "already_in_stream": self.already,
                "filtered_out": self.filtered, "skipped": dict(self.skipped), "version": self.version}


def _bar(progress: Progress | None, total: int, unit: str, desc: str):
    return progress(total, unit, desc) if progress is not None else None


def _first_pass(path: str, fmt: str, filters: Filters, db: sqlite3.Connection, summary: Summary,
                progress: Progress | None) -> None:
    """Check every row; keep the ones that pass the filters in ``db`` (table rows: day, line, data)."""
    db.execute("CREATE TABLE rows (day INTEGER, line INTEGER, data TEXT)")
    with ed.opened(path) as src:
        bar = _bar(progress, src.size, "B", "reading")
        seen, pending = 0, []
        try:
            for _n, row in ed.Reader(src, fmt).rows():
                summary.rows += 1
                if isinstance(row, str):
                    summary.skipped[row] = summary.skipped.get(row, 0) + 1
                elif filters.keep(row):
                    pending.append((row.date.toordinal(), row.line, json.dumps(row[2:], default=str)))
                else:
                    summary.filtered += 1
                if len(pending) >= BATCH:
                    db.executemany("INSERT INTO rows VALUES (?, ?, ?)", pending)
                    pending.clear()
                    if bar is not None:
                        now = src.position()
                        bar.update(now - seen)
                        seen = now
            db.executemany("INSERT INTO rows VALUES (?, ?, ?)", pending)
        finally:
            if bar is not None:
                bar.close()


def _kept(db: sqlite3.Connection, fmt: str, path: str):
    """The kept rows as observed events, in date order (then file order), one batch at a time."""
    cur = db.execute("SELECT day, line, data FROM rows ORDER BY day, line")
    while True:
        chunk = cur.fetchmany(BATCH)
        if not chunk:
            return
        out = []
        for day, line, data in chunk:
            vals = json.loads(data)
            row = ed.ObservedRow(line, Date.fromordinal(day), *vals)
            out.append(ed.to_event(fmt, row, path))
        yield out


def _where(path: str, batch: list, exc: DiplosimError) -> InputError:
    """A store's refusal, named by the file line of the event it names."""
    event_id = getattr(exc, "event_id", None)
    if event_id is None and isinstance(exc, InputError) and (exc.where or "").startswith("event "):
        event_id = exc.where[len("event "):]
    line = next((e.sources[0].rsplit(":", 1)[1] for e in batch if e.id == event_id), None)
    if line is None:
        return exc if isinstance(exc, InputError) else InputError(str(exc), path)
    if isinstance(exc, RuleViolation) and exc.rule == E.DATE_ORDER:
        return InputError(f"row dated {next(e.date for e in batch if e.id == event_id)} comes before the stream's "
                          f"last event ({exc.detail.rsplit('after ', 1)[-1]}): a stream is in date order; import "
                          f"older files first, or into another --stream", f"{path}:{line}")
    if isinstance(exc, RuleViolation) and exc.rule == E.UNIQUE_IDS:
        return InputError(f"event id {event_id!r} is used twice ({exc.detail})", f"{path}:{line}")
    message = exc.message if isinstance(exc, InputError) else str(exc)
    return InputError(message, f"{path}:{line}")


def import_file(path: str, into: str, *, fmt: str = "auto", stream: str = "observed",
                filters: Filters = Filters(), progress: Progress | None = None) -> Summary:
    """Import the rows of an event-data file into ``stream`` of the store ``into`` (created if missing), all or
    nothing; returns what was done.  Bad input raises InputError naming ``file:line``."""
    from ..store import check_stream_name, open_store

    check_stream_name(stream)
    if not Path(into).exists():  # a store is created: its place is checked before the file is read
        from ..core.files import check_writable
        check_writable(into)
    path = str(path)
    if fmt == "auto":
        fmt = ed.detect(path)
    elif fmt not in ed.FORMATS:
        raise InputError(f"unknown format {fmt!r}: want one of {', '.join(ed.FORMATS)} or auto")
    summary = Summary(path, fmt, str(into), stream)
    with tempfile.TemporaryDirectory(prefix="diplosim-import-") as tmp:
        db = sqlite3.connect(os.path.join(tmp, "rows.db"), isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            db.execute("BEGIN")
            _first_pass(path, fmt, filters, db, summary, progress)
            total = db.execute("SELECT count(*) FROM rows").fetchone()[0]
            _write(path, fmt, into, stream, db, total, summary, progress, open_store)
        finally:
            db.close()
    return summary


def _write(path: str, fmt: str, into: str, stream: str, db: sqlite3.Connection, total: int, summary: Summary,
           progress: Progress | None, open_store) -> None:
    target = Path(into)
    created = not target.exists()
    try:
        with open_store(target) as store:
            bar = _bar(progress, total, "event", "writing")
            try:
                with store.transaction():
                    for batch in _kept(db, fmt, path):
                        try:
                            done = store.import_events(stream, batch)
                        except DiplosimError as exc:
                            raise _where(path, batch, exc) from None
                        summary.added += done["added"]
                        summary.already += done["skipped"]
                        if bar is not None:
                            bar.update(len(batch))
                summary.version = store.version(stream)
            finally:
                if bar is not None:
                    bar.close()
    except BaseException:
        if created:  # a store this import created is removed again: the file system is as it was
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(str(target) + suffix).unlink(missing_ok=True)
        raise

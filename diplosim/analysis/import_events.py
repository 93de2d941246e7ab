"""Importing CAMEO-coded rows (``diplosim import-events``) into a log file or a store: every row checked against
the state before it, then all appended or none (see :mod:`diplosim.analysis.exports` for the rows themselves)."""
from __future__ import annotations

from pathlib import Path

from ..core import events as ev
from ..core.errors import InputError
from .exports import Progress, Row, read_rows, rows_to_events

STORE_SUFFIXES = (".db", ".sqlite", ".sqlite3")
LOG_SUFFIXES = (".toml", ".jsonl", ".json", ".ndjson")


def import_file(path: str | Path, into: str | Path, stream: str | None = None,
                progress: Progress | None = None) -> list[ev.Event]:
    """Import the rows of ``path`` into a log file (``.toml``/``.jsonl``, created if missing) or a store
    (``.db``): all or nothing.  The events are appended after the target's own; returns the new events.
    ``progress(total, unit, desc)`` makes a progress bar for each step (or returns None)."""
    from ..core.files import check_writable, write_atomic

    into = Path(into)
    if into.suffix not in STORE_SUFFIXES + LOG_SUFFIXES:
        raise InputError("unknown target: want a log file (.toml, .jsonl) or a store (.db)", str(into))
    if into.suffix in LOG_SUFFIXES or not into.exists():
        check_writable(into)  # before the rows are read: a bad path costs nothing
    rows = read_rows(path, progress)
    if into.suffix in STORE_SUFFIXES:
        return _into_store(rows, str(path), into, stream, progress)
    from ..core.log import dumps_jsonl, dumps_toml, load_log, read_text

    old_text, base = "", []
    if into.exists():
        old_text = read_text(into)
        base = list(load_log(into).events)
    new = rows_to_events(rows, base, str(path), progress)
    if into.suffix == ".toml":
        title = "" if old_text else f"Imported from {Path(path).name}"
        added = dumps_toml(new, title=title)
    else:
        added = dumps_jsonl(new)
    sep = "\n" if old_text and into.suffix == ".toml" else ""
    if old_text and not old_text.endswith("\n"):
        sep = "\n" + sep
    write_atomic(into, old_text + sep + added)
    return new


def _into_store(rows: list[Row], source_file: str, into: Path, stream: str | None,
                progress: Progress | None = None) -> list[ev.Event]:
    from ..store.facade import open_store

    if not into.exists():
        # check everything before the store file is created, so a bad file leaves no empty store behind
        new = rows_to_events(rows, [], source_file, progress)
        with open_store(into) as store:
            _append(store, stream or store.default_stream(), new, 0, progress)
        return new
    with open_store(into, must_exist=True) as store:
        name = stream or store.default_stream()
        version = store.version(name)
        base = list(store.read(name)) if version else []
        new = rows_to_events(rows, base, source_file, progress)
        if new:
            _append(store, name, new, version, progress)  # someone else appended meanwhile: nothing written
    return new


def _append(store, stream: str, events: list[ev.Event], version: int, progress: Progress | None) -> None:
    """Append at ``version``; with a progress bar, in batches under one transaction (all or none)."""
    bar = progress(len(events), "event", "storing") if progress is not None else None
    if bar is None:
        store.append(stream, events, expected_version=version)
        return
    try:
        with store.transaction():
            for i in range(0, len(events), 5000):
                store.append(stream, events[i:i + 5000], expected_version=version + i)
                bar.update(len(events[i:i + 5000]))
    finally:
        bar.close()

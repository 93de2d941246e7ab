"""Limits no honest use reaches, checked where data comes in, so that absurd input gets a clear error instead of
unbounded work or an overflow deep inside (see README, "Limits").

Each limit below that bounds work or size can be raised for a legitimately big run with an environment variable
named ``DIPLOSIM_`` + its name (``DIPLOSIM_MAX_FILE_BYTES=1000000000``); :func:`limit` reads it.  The calendar
(``MIN_DATE``/``MAX_DATE``), ``MAX_FIGURE`` and ``MAX_NESTING`` are fixed: they keep arithmetic and parsing safe.
"""
from __future__ import annotations

import datetime
import os

#: The largest figure of people or targets an event may carry (the largest real missions number in the thousands;
#: a billion leaves room for any synthetic use and is far from where arithmetic gets slow).
MAX_FIGURE = 1_000_000_000
#: Events happen between these dates (far from the ends of Python's calendar, so a deadline or a horizon can be
#: counted past them without overflow).
MIN_DATE = datetime.date(1800, 1, 1)
MAX_DATE = datetime.date(2999, 12, 31)
#: How many logs a chain of ``continues`` may hold.
MAX_CHAIN = 64
#: How deep arrays and tables may nest inside one value of a log, a scenario or a JSON argument (a log needs 3).
MAX_NESTING = 32

#: The raisable limits and their defaults (see :func:`limit`).
DEFAULTS = {
    #: Bytes of a file read whole: a log, a scenario, an event-data file for import-events.
    "MAX_FILE_BYTES": 200 * 1024 * 1024,
    #: Bytes (uncompressed) of a public event-data file streamed by import-data or escalation --compare-data.
    "MAX_DATA_BYTES": 8 * 1024 * 1024 * 1024,
    #: Characters of one line of an event-data file.
    "MAX_LINE_CHARS": 1024 * 1024,
    #: Rounds of one match (tournament, sweep, match, escalation --match, plot heatmap).
    "MAX_ROUNDS": 1_000_000,
    #: Matches per pair of a tournament or per cell of a sweep.
    "MAX_REPETITIONS": 1_000_000,
    #: Rounds played in all by one tournament, sweep or heat map (rounds x matches).
    "MAX_TOTAL_ROUNDS": 1_000_000_000,
    #: Runs of ``scenario run --runs``.
    "MAX_SCENARIO_RUNS": 100_000,
    #: Runs of a coalition sweep in all (sizes x thresholds x runs).
    "MAX_COALITION_RUNS": 1_000_000,
    #: Days of play in calendar time (a match --calendar, a scenario's horizon after its fork, coalition --days).
    "MAX_PLAY_DAYS": 36_500,
    #: Days of one step: a round, a lag, a log's departure_days.
    "MAX_STEP_DAYS": 3_650,
    #: Bootstrap draws of ``fit``.
    "MAX_BOOTSTRAP": 10_000,
}

#: Seeds are whole numbers from 0 to this (a 64-bit seed; larger ones add nothing).
MAX_SEED = 2 ** 63 - 1


def limit(name: str) -> int:
    """The limit ``name`` (a key of :data:`DEFAULTS`), raised or lowered by the environment variable
    ``DIPLOSIM_<name>`` when that holds a positive whole number.

    >>> limit("MAX_ROUNDS")
    1000000
    """
    default = DEFAULTS[name]
    raw = os.environ.get("DIPLOSIM_" + name)
    if raw is None or not raw.strip():
        return default
    text = raw.replace("_", "").strip()
    if not (text.isdigit() and len(text) < 25 and int(text) > 0):
        from .errors import InputError
        raise InputError(f"want a positive whole number, got {raw!r:.40}", "DIPLOSIM_" + name)
    return int(text)


def env_hint(name: str) -> str:
    """How to raise a limit, for messages: ``(raise it with DIPLOSIM_MAX_ROUNDS=N)``."""
    return f"(set DIPLOSIM_{name} to raise the limit)"

"""Tables that fit the terminal: long text columns wrapped to the width left by the others.

    >>> rows = [{"date": "2018-03-26", "what": "a long summary " * 8, "sources": ["000", "001"]}]
    >>> fitted = fit(rows, ["date", "what", "sources"], "simple", width=60)
    >>> max(len(line) for line in fitted[0]["what"].splitlines()) <= 60 - len("2018-03-26  ") - len("000, 001  ")
    True
    >>> fitted[0]["what"].split() == rows[0]["what"].split()      # wrapped, nothing lost
    True
"""
from __future__ import annotations

import shutil
import textwrap
from typing import Any, Sequence

#: Width assumed when standard output is not a terminal (a pipe, a file).
DEFAULT_WIDTH = 100
#: Markdown-like formats: a wrapped cell would become extra table rows there, so they are left whole.
ONE_LINE = ("github", "pipe", "jira", "orgtbl")


def width() -> int:
    """The terminal's width in characters (``COLUMNS`` if set), else :data:`DEFAULT_WIDTH`."""
    return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns


def _text(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _words(name: Any) -> str:
    """A CamelCase type name as words on lines of their own (``Foreign\nAgent\nDesignated``)."""
    import re
    return "\n".join(re.findall(r"[A-Z][a-z]*|[^A-Z]+", str(name or ""))) or "-"


def fit(rows: list[dict], columns: Sequence[str], fmt: str, width: int,
        wrap: Sequence[tuple[str, int]] = (("what", 14), ("sources", 8))) -> list[dict]:
    """``rows`` with the ``wrap`` columns (name, least width) wrapped at spaces (long words broken) so that the table
    of ``columns`` in ``fmt`` is at most ``width`` characters wide: the last of ``wrap`` gets at most a third of the
    room, the first the rest; none narrower than its least width (the table is wider than ``width`` only then).
    Rows are returned unchanged for formats that cannot hold a cell on several lines, or when the table fits."""
    from tabulate import multiline_formats

    from ..analysis.projections import table

    if not rows or fmt not in multiline_formats or fmt in ONE_LINE:
        return rows
    least = {c: n for c, n in wrap if c in columns}
    wrap = list(least)
    natural = {c: max(len(_text(r.get(c))) for r in rows) for c in wrap}
    # the width of everything else: the table with the wrapped columns exactly 40 wide (wider than their headers)
    probe = [{**r, **{c: "x" * 40 for c in wrap}} for r in rows]
    room = width - max(len(line) for line in table(probe, fmt, list(columns)).splitlines()) + 40 * len(wrap)
    if sum(natural.values()) <= room:
        return rows
    if room < sum(least.values()) and "type" in columns:
        # too narrow even at the least widths: event types wrap at their words (DiplomatsExpelled -> Diplomats
        # Expelled) and give their room to the text
        rows = [{**r, "type": _words(r.get("type"))} for r in rows]
        probe = [{**r, **{c: "x" * 40 for c in wrap}} for r in rows]
        room = width - max(len(line) for line in table(probe, fmt, list(columns)).splitlines()) + 40 * len(wrap)
    widths: dict[str, int] = {}
    for i, c in enumerate(reversed(wrap)):
        share = room if i == len(wrap) - 1 else room // 3
        widths[c] = max(least[c], len(c) + 2, min(natural[c], share))  # tabulate pads headers by 2
        room -= widths[c]
    return [{**r, **{c: textwrap.fill(_text(r.get(c)), widths[c], break_on_hyphens=False) for c in wrap}}
            for r in rows]

"""`timeline` in a terminal: long summaries and sources wrapped to the width, nothing lost; --wide and JSON whole."""
from __future__ import annotations

import json
import os
import re
import subprocess

import pytest

from conftest import REAL_LOG, ROOT, diplosim_exe
from diplosim.cli.terminal import fit
from diplosim.analysis.projections import table

COLUMNS = ["date", "actor", "target", "type", "cameo", "goldstein", "what", "sources"]


def timeline(*args, columns=None):
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    if columns:
        env["COLUMNS"] = str(columns)
    out = subprocess.run(diplosim_exe() + ["timeline", *args], capture_output=True, text=True, cwd=ROOT, env=env,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout


def columns_of_rows(text):
    """Each event's cells, continuation lines joined to the row they continue; columns cut where the header's
    dashes say."""
    lines = text.splitlines()
    spans = [m.span() for m in re.finditer(r"-+", lines[1])]
    rows = []
    for line in lines[2:]:
        cells = [line[a:b].strip() for a, b in spans]
        if re.match(r"~?\d{4}-\d\d", line):
            rows.append([[c] for c in cells])
        else:
            for kept, c in zip(rows[-1], cells):
                kept.append(c)
    return [[" ".join(c).split() for c in row] for row in rows]


@pytest.mark.parametrize("width", [None, 120, 160])
def test_timeline_fits_the_terminal_and_loses_no_word(real_log, width):
    text = timeline("--log", str(REAL_LOG), columns=width)
    assert max(len(line) for line in text.splitlines()) <= (width or 100)  # not a terminal: 100 columns
    wide = timeline("--log", str(REAL_LOG), "--wide")
    assert max(len(line) for line in wide.splitlines()) > 250  # the log has long summaries...
    dated = [line for line in wide.splitlines() if re.match(r"~?\d{4}-\d\d", line)]
    assert len(dated) == len(wide.splitlines()) - 2 == len(real_log)  # ... each on one line with --wide
    # wrapped, every cell has the same words in the same order (a word broken in two is the only difference)
    narrow, whole = columns_of_rows(text), columns_of_rows(wide)
    assert len(narrow) == len(whole) == len(real_log)
    for a, b in zip(narrow, whole):
        assert ["".join(cell) for cell in a] == ["".join(cell) for cell in b]


def test_json_and_csv_keep_everything(real_log):
    doc = json.loads(timeline("--log", str(REAL_LOG), "--format", "json", columns=60))
    assert [r["sources"] for r in doc] == [list(e.sources) for e in real_log]
    assert max(len(r["summary"]) for r in doc) > 200
    csv_text = timeline("--log", str(REAL_LOG), "--format", "csv", columns=60)
    assert len(csv_text.splitlines()) == len(real_log) + 1


LONG = [{"date": "2018-03-26", "actor": "USA", "target": "RUS", "type": "DiplomatsExpelled", "cameo": "174",
         "goldstein": -5.0, "what": "The United States expels sixty people said to be intelligence officers " * 3,
         "sources": ["https://example.org/a-very-long-address/" + "x" * 60, "public record: order"]}]


@pytest.mark.parametrize("fmt", ["simple", "plain", "psql", "grid"])
@pytest.mark.parametrize("width", [130, 200])
def test_fit_respects_the_width_in_formats_that_wrap(fmt, width):
    rows = fit(LONG, COLUMNS, fmt, width)
    lines = table(rows, fmt, COLUMNS).splitlines()
    assert max(map(len, lines)) <= width
    assert rows[0]["what"].split() == LONG[0]["what"].split()


def test_a_narrow_terminal_still_gets_a_readable_summary():
    rows = fit(LONG, COLUMNS, "simple", 40)  # narrower than the other columns: the least widths hold
    assert max(map(len, rows[0]["what"].splitlines())) == 14 and len(rows[0]["sources"].splitlines()[0]) == 9


@pytest.mark.parametrize("fmt", ["github", "pipe", "csv", "json", "html"])
def test_fit_leaves_one_line_formats_alone(fmt):
    assert fit(LONG, COLUMNS, fmt, 80) is LONG


def test_fit_leaves_a_table_that_fits_alone():
    short = [dict(LONG[0], what="expels 60", sources=["000"])]
    assert fit(short, COLUMNS, "simple", 200) is short


def test_the_shipped_record_fits_too():
    """The default log holds long type names (ForeignAgentDesignated) and many sources: types wrap at their words
    when the width is short, and no line is wider than the terminal."""
    text = timeline(columns=100)
    assert max(len(line) for line in text.splitlines()) <= 100
    assert "Foreign" in text and "Designated" in text and "ForeignAgentDesignated" not in text

"""The core subcommands through the installed ``diplosim`` script: replay, state, timeline, validate, events, their
--help, ``python -m diplosim``, and the json/csv/github formats."""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys

import pytest
from conftest import REAL_LOG, ROOT, run_cli

from diplosim.core.events import EVENT_TYPES
from diplosim.core.log import write_log

CORE = ("replay", "state", "timeline", "validate", "events")


def ok(*args, **kw) -> str:
    out = run_cli(*args, **kw)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    return out.stdout


def test_replay_shows_each_event_what_it_changed_and_the_deadline(real_log):
    text = ok("replay", "--until", "2017-01-02")
    lines = text.split("\n")
    assert lines[0].startswith("2016-12-28  base-rus-mission  [MissionEstablished] RUS→USA")
    [i] = [n for n, line in enumerate(lines) if line.startswith("2017-01-01  deadline passed")]
    assert "RUS mission in USA: staff: 490 → 455" in lines[i + 1]
    assert "usa-expels-35" in text and "RUS mission in USA: pending departures: 0 → 35" in text
    assert "rus-caps-us-mission" not in text  # stopped early
    assert "State as of 2017-01-02" in text


def test_replay_json_has_every_step_and_the_final_state(real_log):
    doc = json.loads(ok("replay", "--log", str(REAL_LOG), "--format", "json"))
    ids = [st["event"]["id"] for st in doc["steps"] if st["event"]]
    assert ids == [e.id for e in real_log]
    deadlines = [st for st in doc["steps"] if st["event"] is None]
    # by default the replay runs on to the day after the last deadline: the cap's 755 leave on 2017-09-01's end
    assert [st["date"] for st in deadlines] == ["2017-01-01", "2017-08-01", "2017-09-01"]
    assert doc["state"]["as_of"] == doc["until"] == "2017-09-02"
    assert "2017-09-01, the last deadline" in doc["until_reason"]
    mission = next(m for m in doc["state"]["missions"] if (m["sending"], m["host"]) == ("USA", "RUS"))
    assert (mission["staff"], mission["pending_departures"]) == (455, 0)
    until = json.loads(ok("replay", "--log", str(REAL_LOG), "--format", "json", "--until", "2017-07-30"))
    assert until["state"]["as_of"] == until["until"] == real_log.events[-1].date.isoformat()


def test_state_tables_at_a_date():
    text = ok("state", "--at", "2017-09-02")
    assert text.startswith("State as of 2017-09-02")
    for title in ("Missions", "Posts", "Properties", "Sanctions", "Open proposals and threats",
                  "Reported staffing figures"):
        assert title in text
    row = next(line.split() for line in text.split("\n") if line.startswith("USA ") and " RUS " in line)
    assert row[:4] == ["USA", "RUS", "455", "0"]


def test_state_csv_one_table():
    rows = list(csv.DictReader(io.StringIO(ok("state", "--at", "2017-08-15", "--table", "missions", "--format",
                                              "csv"))))
    by = {(r["sending"], r["host"]): r for r in rows}
    assert (by["USA", "RUS"]["staff"], by["USA", "RUS"]["pending_departures"], by["USA", "RUS"]["cap"]) == (
        "1210", "755", "455")
    assert by["RUS", "USA"]["staff"] == "455"


def test_state_github_format():
    lines = ok("state", "--at", "2017-08-15", "--table", "properties", "--format", "github").strip().split("\n")
    assert all(line.startswith("|") and line.endswith("|") for line in lines)
    assert lines[1].startswith("|--")
    assert sum("seized" in line for line in lines) == 2 and sum("closed" in line for line in lines) == 2


def test_timeline_one_line_per_event(real_log):
    text = ok("timeline", "--log", str(REAL_LOG))
    dated = [line for line in text.split("\n") if re.match(r"~?\d{4}-\d\d", line)]
    assert len(dated) == len(real_log)
    assert "~2016-12-30" in text and "2017-06 " in text  # approximate and month-precision dates say so
    rows = list(csv.DictReader(io.StringIO(ok("timeline", "--log", str(REAL_LOG), "--until", "2016-12-31", "--format", "csv"))))
    assert len(rows) == sum(e.date.isoformat() <= "2016-12-31" for e in real_log)
    assert rows[0]["date"] == "2016-12-28" and rows[0]["sources"] == "000, 002"
    doc = json.loads(ok("timeline", "--log", str(REAL_LOG), "--format", "json"))
    assert [r["id"] for r in doc] == [e.id for e in real_log]
    assert doc[0]["sources"] == list(real_log.events[0].sources)


def test_validate_good_logs(real_log, tmp_path):
    span = f"{real_log.events[0].date} – {real_log.events[-1].date}"
    assert ok("validate", "seeds/us-russia-2016-2017.toml") == (
        f"ok: seeds/us-russia-2016-2017.toml: {len(real_log)} events, {span}\n")
    write_log(real_log.events, tmp_path / "copy.jsonl")
    assert ok("validate", str(tmp_path / "copy.jsonl"), str(REAL_LOG)).count("ok: ") == 2


def test_events_catalogue():
    doc = json.loads(ok("events", "--format", "json"))
    assert [r["type"] for r in doc] == list(EVENT_TYPES)
    for r in doc:
        assert r["category"] == EVENT_TYPES[r["type"]].category and r["what"]
    by = {r["type"]: r for r in doc}
    assert by["DiplomatsExpelled"]["fields"][:2] == ["count", "deadline?"]  # a deadline may be unknown
    assert by["ProposalMade"]["opens"] == "proposal"
    assert "DiplomatsExpelled" in ok("events")


@pytest.mark.parametrize("command", CORE)
def test_each_help_shows_an_example(command):
    text = ok(command, "--help")
    assert text.startswith(f"usage: diplosim {command}")
    example = text.split("example:", 1)[1]
    assert f"diplosim {command}" in example


def test_top_level_help_and_python_m():
    text = ok("--help")
    for command in CORE:
        assert f"    {command} " in text
    out = subprocess.run([sys.executable, "-m", "diplosim", "--help"], capture_output=True, text=True, cwd=ROOT,
                         timeout=120)
    assert out.returncode == 0 and out.stdout == text
    assert ok() == text  # no subcommand: the help


def test_unknown_subcommand_and_option_are_one_line():
    for args in (["defenestrate"], ["state", "--frobnicate"], ["state", "--format", "nonsense"]):
        out = run_cli(*args)
        assert out.returncode == 2 and len(out.stderr.strip().split("\n")) == 1 and "Traceback" not in out.stderr


def test_an_error_quoting_an_id_with_a_line_break_is_still_one_line(tmp_path):
    # an id with a line break is refused (it would split a row of a table or an export), in one line that shows it
    import json
    rows = [{"type": "MissionEstablished", "id": "m", "date": "2020-01-01", "actor": "USA", "target": "RUS",
             "staff": 10, "sources": ["public record: test"]},
            {"type": "DiplomatsExpelled", "id": "x", "date": "2020-01-02", "actor": "RUS", "target": "USA",
             "count": 1, "deadline": "2020-01-05", "resolves": ["no\nsuch"], "sources": ["public record: test"]},
            {"type": "MissionEstablished", "id": "two\nlines", "date": "2020-01-01", "actor": "USA", "target": "RUS",
             "staff": 10, "sources": ["public record: test"]}]
    for first in (1, 2):
        log = tmp_path / "log.jsonl"
        log.write_text("".join(json.dumps(r) + "\n" for r in [rows[0], rows[first]]))
        out = run_cli("validate", str(log))
        assert out.returncode == 2 and "Traceback" not in out.stderr
        assert len(out.stderr.strip().split("\n")) == 1, out.stderr
        assert f"log.jsonl:2: event {'x' if first == 1 else repr('two' + chr(10) + 'lines')}: field " in out.stderr
        assert "holds a line break" in out.stderr


def test_replay_json_names_each_clock_step():
    log = str(ROOT / "tests" / "fixtures" / "uncertain.toml")
    doc = json.loads(ok("replay", "--log", log, "--until", "2030-04-16", "--format", "json"))
    clock = [(st["date"], st["clock"]) for st in doc["steps"] if st["event"] is None]
    # departures on the day after their deadline (dated by the deadline, as the text replay prints them), closures
    # on their effective day; the 13 Finns expelled without a deadline are not among them
    assert clock == [("2030-03-12", "deadline"), ("2030-03-13", "deadline"), ("2030-03-15", "effective"),
                     ("2030-04-01", "effective"), ("2030-04-15", "deadline")]
    assert all("clock" not in st for st in doc["steps"] if st["event"] is not None)
    fin = next(m for m in doc["state"]["missions"] if m["sending"] == "FIN")
    assert (fin["staff"], fin["staff_min"], fin["staff_change"]) == (None, 0, -13)

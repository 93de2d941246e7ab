"""Bad input through the installed command: exit code 2, exactly one line on stderr naming file:line (or the event) and
the problem, no traceback, nothing on stdout, no file written."""
from __future__ import annotations

import re

import pytest
from hand import GOOD, SRC
from conftest import run_cli

from diplosim.core import errors as E



def toml_event(body: str) -> str:
    return GOOD + "\n# the event under test\n[[event]]\n" + body.strip() + f"\n{SRC}\n"


def expel(**fields) -> str:
    f = {"id": '"x"', "type": '"DiplomatsExpelled"', "date": "2017-02-01", "actor": '"RUS"', "target": '"USA"',
         "count": "3", "deadline": "2017-02-05", **fields}
    return toml_event("\n".join(f"{k} = {v}" for k, v in f.items() if v is not None))


JSONL_GOOD = ('{"id": "m", "type": "MissionEstablished", "date": "2017-01-01", "actor": "USA", "target": "RUS", '
              '"staff": 10, "sources": ["public record: test log"]}\n')

# name: (file name, content, text on the line the message must name (None: no line), what the message must say)
CASES = {
    "malformed TOML": ("bad.toml", expel(count="3 3"), "count = 3 3", "malformed TOML"),
    "malformed JSON Lines": ("bad.jsonl", JSONL_GOOD + '{"id": "x", "type": \n' + JSONL_GOOD.replace('"m"', '"n"'),
                             '{"id": "x", "type": ', "malformed JSON"),
    "unknown event type": ("bad.toml", expel(type='"DiplomatsDefenestrated"'), 'type = "DiplomatsDefenestrated"',
                           "unknown event type 'DiplomatsDefenestrated'"),
    "impossible date (TOML)": ("bad.toml", expel(date="2017-02-30"), "date = 2017-02-30", "date"),
    "impossible date (JSON Lines)": ("bad.jsonl", JSONL_GOOD + JSONL_GOOD.replace('"m"', '"x"').replace(
        "2017-01-01", "2017-02-30"), '"2017-02-30"', "bad date '2017-02-30'"),
    "unknown country code": ("bad.toml", expel(target='"SUN"'), 'target = "SUN"', "unknown country code 'SUN'"),
    "lower-case country code": ("bad.toml", expel(actor='"rus"'), 'actor = "rus"', "unknown country code 'rus'"),
    "negative count": ("bad.toml", expel(count="-3"), "count = -3", "count must be positive"),
    "negative staff": ("bad.toml", toml_event('id = "x"\ntype = "MissionEstablished"\ndate = 2017-02-01\n'
                                              'actor = "GBR"\ntarget = "USA"\nstaff = -1'),
                       "staff = -1", "staff must not be negative"),
    "duplicate event id": ("bad.toml", expel(id='"m-rus"'), "# the event under test", E.UNIQUE_IDS),
    "expulsion larger than the mission": ("bad.toml", expel(count="21"), "# the event under test", E.EXPEL_ABSENT),
    "log out of date order": ("bad.toml", expel(date="2016-12-31", deadline="2017-01-05"),
                              "# the event under test", E.DATE_ORDER),
    "a list given as a string": ("bad.toml", GOOD.replace("staff = 20", 'staff = 20\nposts = "Embassy"'),
                                 'posts = "Embassy"', "field 'posts' must be a list"),
    "a post without a name": ("bad.toml", GOOD.replace("staff = 20", 'staff = 20\nposts = [{ kind = "annex" }]'),
                              'posts = [{ kind = "annex" }]', "posts[0].name"),
    "unknown field": ("bad.toml", expel(colour='"red"'), 'colour = "red"', "unknown field 'colour'"),
    "missing required field": ("bad.toml", expel(count=None), "# the event under test", "needs field 'count'"),
    "source naming no seed or public record": (
        "bad.toml", GOOD + '\n# the event under test\n[[event]]\nid = "x"\ntype = "StatementMade"\n'
                           'date = 2017-02-01\nactor = "RUS"\ntarget = "USA"\nsources = ["my neighbour"]\n',
        'sources = ["my neighbour"]', "source 'my neighbour'"),
    "unknown seed file": ("bad.toml", GOOD.replace("public record: test log", "999_0123456789abcdef.txt", 1),
                          '"999_0123456789abcdef.txt"', "not one of the seed files"),
    "cap not met by newcomers": ("bad.toml", toml_event(
        'id = "cap"\ntype = "MissionCapped"\ndate = 2017-02-01\nactor = "RUS"\ntarget = "USA"\ncap = 5\n'
        'deadline = 2017-02-03') + '\n[[event]]\nid = "more"\ntype = "StaffAssigned"\ndate = 2017-02-10\n'
                                   f'actor = "USA"\ntarget = "RUS"\ncount = 1\n{SRC}\n',
        'id = "more"', E.CAP_NOT_MET),
    "closing a property twice": ("bad.toml", toml_event(
        'id = "p"\ntype = "PropertyRegistered"\ndate = 2017-01-02\nactor = "USA"\ntarget = "RUS"\n'
        'property = "dacha"\nname = "Dacha"') + "".join(
        f'\n[[event]]\nid = "c{i}"\ntype = "PropertyClosed"\ndate = 2017-01-03\nactor = "RUS"\ntarget = "USA"\n'
        f'property = "dacha"\n{SRC}\n' for i in (1, 2)), 'id = "c2"', E.PROPERTY_TWICE),
}


def _line_of(text: str, marker: str) -> int:
    """The line holding ``marker``: for an event header marker, the [[event]] line after it."""
    lines = text.split("\n")
    [n] = [i for i, line in enumerate(lines, 1) if marker in line]
    if marker.startswith("# the event"):
        return n + 1
    if marker.startswith("id = "):
        return n - 1  # the [[event]] header above the id
    return n


def _one_line_error(out) -> str:
    assert out.returncode == 2, (out.returncode, out.stdout, out.stderr)
    assert "Traceback" not in out.stderr
    lines = out.stderr.strip("\n").split("\n")
    assert len(lines) == 1, out.stderr
    assert out.stdout == ""
    return lines[0]


@pytest.mark.parametrize("case", CASES)
def test_bad_log_file(case, tmp_path):
    name, text, marker, problem = CASES[case]
    (tmp_path / name).write_text(text, encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    line = _one_line_error(run_cli("validate", name, cwd=tmp_path))
    assert line.startswith(f"diplosim: {name}:{_line_of(text, marker)}: "), line
    assert problem in line
    if problem in (E.UNIQUE_IDS, E.EXPEL_ABSENT, E.DATE_ORDER, E.CAP_NOT_MET, E.PROPERTY_TWICE):
        assert re.search(r"event \S+ breaks rule", line)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize("command", [["replay"], ["state", "--at", "2017-03-01"], ["timeline"]])
def test_every_reading_command_reports_the_same_way(command, tmp_path):
    text = expel(count="21")
    (tmp_path / "log.toml").write_text(text, encoding="utf-8")
    line = _one_line_error(run_cli(*command, "--log", "log.toml", cwd=tmp_path))
    assert line.startswith(f"diplosim: log.toml:{_line_of(text, '# the event under test')}: event x breaks rule")


def test_missing_file(tmp_path):
    line = _one_line_error(run_cli("validate", "nowhere.toml", cwd=tmp_path))
    assert line == "diplosim: nowhere.toml: no such file"
    line = _one_line_error(run_cli("state", "--log", "nowhere.jsonl", cwd=tmp_path))
    assert line == "diplosim: nowhere.jsonl: no such file"


def test_a_file_that_is_not_a_log(tmp_path):
    (tmp_path / "notes.txt").write_text("hello\n")
    line = _one_line_error(run_cli("validate", "notes.txt", cwd=tmp_path))
    assert line.startswith("diplosim: notes.txt: unknown log format")


@pytest.mark.parametrize("date", ["2017-02-30", "2017-13-01", "yesterday"])
def test_state_at_an_impossible_date(date):
    line = _one_line_error(run_cli("state", "--at", date))
    assert "--at" in line and f"bad date {date!r}" in line


def test_the_first_bad_file_stops_validate(tmp_path):
    (tmp_path / "good.toml").write_text(GOOD)
    (tmp_path / "bad.toml").write_text(expel(count="-3"))
    out = run_cli("validate", "bad.toml", "good.toml", cwd=tmp_path)
    assert _one_line_error(out).startswith("diplosim: bad.toml:")

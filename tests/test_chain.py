"""Logs that continue logs: `[log] continues`, read as one chain by every command that reads a log; `validate
--strict`; a scenario compared with its own base."""
from __future__ import annotations

import json
import os

import pytest

from diplosim.core.errors import InputError
from diplosim.core.fold import fold
from diplosim.core.log import load_log, shipped_logs

from conftest import REAL_LOG, d, run_cli

BASE = '''[log]
title = "A"

[[event]]
id = "m"
type = "MissionEstablished"
date = 2018-01-01
actor = "GBR"
target = "RUS"
staff = { at_least = 20 }
sources = ["https://example.org/a"]
'''

NEXT = '''[log]
continues = "a.toml"
title = "B"

[[event]]
id = "x"
type = "DiplomatsExpelled"
date = 2018-03-17
actor = "RUS"
target = "GBR"
count = 23
deadline = 2018-03-24
sources = ["https://example.org/b"]

[[event]]
id = "y"
type = "DiplomatsExpelled"
date = 2018-03-30
actor = "RUS"
target = "FRA"
count = 4
sources = ["https://example.org/b"]
'''


@pytest.fixture
def chain(tmp_path):
    (tmp_path / "a.toml").write_text(BASE, encoding="utf-8")
    (tmp_path / "b.toml").write_text(NEXT, encoding="utf-8")
    return tmp_path


def test_a_continuation_reads_the_log_it_continues_first(chain):
    log = load_log(chain / "b.toml")
    assert [e.id for e in log.events] == ["m", "x", "y"]
    assert [os.path.basename(p) for p in log.chain] == ["a.toml", "b.toml"]
    assert log.title == "B"
    # each event is named at its own file and line
    assert log.where("m") == f"{chain / 'a.toml'}:4"
    assert log.where("x") == f"{chain / 'b.toml'}:5"
    # the baseline of the first file holds (at least 20); expelling 23 implies at least 23 were there
    before = fold(log.events, until=d("2018-03-24")).missions["GBR", "RUS"]
    assert (before.low, before.high, before.inferred, before.pending_departures) == (23, None, True, 23)
    # once they left, nothing bounds what is left from below: 23 fewer than an unknown number
    after = fold(log.events, until=d("2018-03-25")).missions["GBR", "RUS"]
    assert (after.low, after.high, after.change) == (0, None, -23)


def test_a_rule_broken_by_the_continuation_names_the_continuation(chain):
    (chain / "c.toml").write_text('[log]\ncontinues = "b.toml"\n\n[[event]]\nid = "z"\ntype = "PostClosed"\n'
                                  'date = 2018-04-01\nactor = "RUS"\ntarget = "GBR"\npost = "Consulate"\n'
                                  'sources = ["https://example.org/c"]\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_log(chain / "c.toml")
    assert err.value.where == f"{chain / 'c.toml'}:4"
    assert "a post must exist before it is closed" in err.value.message


def test_an_id_used_in_the_log_continued_is_refused_at_its_second_use(chain):
    (chain / "c.toml").write_text(NEXT.replace('continues = "a.toml"', 'continues = "b.toml"')
                                  .replace('id = "y"', 'id = "m"').replace('id = "x"', 'id = "x2"'), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_log(chain / "c.toml")
    assert "event ids are unique" in err.value.message and "a.toml:4" in err.value.message
    assert err.value.where.endswith("c.toml:15")


@pytest.mark.parametrize("continues,message", [
    ('"../a.toml"', "leads outside"),
    ('"/etc/passwd"', "must be a path relative to this file"),
    ('"missing.toml"', "no such file"),
    ('"c.toml"', "makes a cycle"),
    ("5", "continues must be a string"),
    ('""', "must be a path relative to this file"),
])
def test_bad_continues_is_one_clear_line_with_the_file_and_line(chain, continues, message):
    sub = chain / "sub"
    sub.mkdir()
    (chain / "a.toml").rename(sub / "a.toml")
    (sub / "c.toml").write_text(f"[log]\ntitle = \"C\"\ncontinues = {continues}\n", encoding="utf-8")
    p = run_cli("validate", str(sub / "c.toml"))
    assert p.returncode == 2, p.stdout
    assert p.stdout == "" and len(p.stderr.splitlines()) == 1 and "Traceback" not in p.stderr
    assert f"c.toml:3: " in p.stderr and message in p.stderr


def test_a_cycle_through_two_files_is_named(chain):
    (chain / "a.toml").write_text('[log]\ncontinues = "b.toml"\n' + BASE.split("\n", 2)[2], encoding="utf-8")
    p = run_cli("validate", str(chain / "b.toml"))
    assert p.returncode == 2 and "makes a cycle: b.toml -> a.toml -> b.toml" in p.stderr


def test_unknown_log_keys_and_wrong_types_are_refused(tmp_path):
    for text, message in (('[log]\ncolour = "red"\n', "unknown key 'colour' in [log]"),
                          ('[log]\ndeparture_days = -1\n', "departure_days must be between 0 and 3650"),
                          ('[log]\ndeparture_days = "7"\n', "departure_days must be a whole number")):
        f = tmp_path / "x.toml"
        f.write_text(text, encoding="utf-8")
        with pytest.raises(InputError, match=message.replace("[", r"\[").replace("]", r"\]")) as err:
            load_log(f)
        assert err.value.where == f"{f}:2"


def test_a_json_lines_log_continues_through_its_first_line(chain):
    (chain / "c.jsonl").write_text(
        json.dumps({"log": {"continues": "b.toml", "title": "C"}}) + "\n"
        + json.dumps({"id": "z", "type": "StatementMade", "date": "2018-04-01", "actor": "RUS", "target": "GBR",
                      "sources": ["https://example.org/c"]}) + "\n", encoding="utf-8")
    log = load_log(chain / "c.jsonl")
    assert [e.id for e in log.events] == ["m", "x", "y", "z"] and log.title == "C"
    (chain / "d.jsonl").write_text(
        json.dumps({"id": "z", "type": "StatementMade", "date": "2018-04-01", "actor": "RUS", "target": "GBR",
                    "sources": ["https://example.org/c"]}) + "\n" + json.dumps({"log": {"title": "late"}}) + "\n",
        encoding="utf-8")
    with pytest.raises(InputError, match="must come first") as err:
        load_log(chain / "d.jsonl")
    assert err.value.where.endswith("d.jsonl:2")


def test_every_command_reads_the_chain(chain):
    p = run_cli("state", "--log", str(chain / "b.toml"), "--at", "2018-04-30", "--format", "json")
    assert p.returncode == 0, p.stderr
    missions = {(m["sending"], m["host"]) for m in json.loads(p.stdout)["missions"]}
    assert missions == {("GBR", "RUS"), ("FRA", "RUS")}  # the baseline from a.toml, the act from b.toml
    p = run_cli("timeline", "--log", str(chain / "b.toml"), "--format", "json")
    assert [e["id"] for e in json.loads(p.stdout)] == ["m", "x", "y"]


def test_validate_strict_lists_missions_that_came_in_by_an_act(chain):
    p = run_cli("validate", "--strict", str(chain / "b.toml"))
    assert p.returncode == 1, p.stderr
    lines = p.stdout.splitlines()
    assert lines[0].startswith(f"ok: {chain / 'b.toml'}: 3 events, 2018-01-01 – 2018-03-30 (continuing 1 log)")
    # GBR's mission in Russia has a baseline in a.toml; France's comes into being by the expulsion y
    assert lines[1:] == [f"strict: {chain / 'b.toml'}:15: the FRA mission in RUS comes into being by event y, "
                         f"with no baseline: its size is unknown"]
    p = run_cli("validate", "--strict", str(REAL_LOG))
    assert p.returncode == 0 and "strict:" not in p.stdout  # the seed log declares every mission it acts on


def test_a_shipped_log_can_be_named_without_its_path():
    assert "us-russia-2016-2017" in shipped_logs()
    assert load_log("us-russia-2016-2017").events == load_log(REAL_LOG).events
    p = run_cli("validate", "us-russia-2016-2017")
    assert p.returncode == 0 and "35 events" in p.stdout


SCENARIO = '''[scenario]
name = "mine"
title = "Nobody expels France"
question = "?"
base = "{base}"

[[edit]]
op = "remove"
id = "y"
reason = "what if"
'''


def test_a_scenario_is_compared_with_its_own_base_by_default(chain):
    (chain / "s.toml").write_text(SCENARIO.format(base="b.toml"), encoding="utf-8")
    p = run_cli("scenario", "run", str(chain / "s.toml"), "--at", "2018-04-30", "--format", "json")
    assert p.returncode == 0, p.stderr
    diff = json.loads(p.stdout)["diff"]
    # against its base (b.toml), the only difference is France's mission, which exists only in the base
    assert diff and all("FRA" in json.dumps(row) for row in diff)
    # against the shipped record (--against real) everything differs: the record has neither mission
    p = run_cli("scenario", "run", str(chain / "s.toml"), "--at", "2018-04-30", "--against", "real",
                "--format", "json")
    assert p.returncode == 0 and any("GBR" in json.dumps(row) for row in json.loads(p.stdout)["diff"])


def test_a_scenario_base_may_name_a_shipped_log(tmp_path):
    (tmp_path / "s.toml").write_text(SCENARIO.format(base="us-russia-2016-2017").replace('id = "y"',
                                                                                         'id = "putin-declines"'),
                                     encoding="utf-8")
    p = run_cli("scenario", "run", str(tmp_path / "s.toml"), "--at", "2017-01-15", "--quiet")
    assert p.returncode == 0, p.stderr
    (tmp_path / "t.toml").write_text(SCENARIO.format(base="no-such-log"), encoding="utf-8")
    p = run_cli("scenario", "run", str(tmp_path / "t.toml"))
    assert p.returncode == 2 and "t.toml:5: base log 'no-such-log': no such file" in p.stderr

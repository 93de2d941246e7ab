"""The store's subcommands through the installed ``diplosim`` script: store init/import/export/streams, verify,
and ``state``/``timeline``/``replay`` reading a store; bad stores give one line, exit 2, and stay unchanged."""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import shlex
import sqlite3
from pathlib import Path

import pytest
from conftest import REAL_LOG, ROOT, run_cli

from diplosim.cli import main as cli_main
from diplosim.core.log import dumps_jsonl, parse_toml


def main(*args: str) -> tuple[int, str, str]:
    """Run the command line in this process (fast); the installed script is run once per subcommand below."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli_main(list(args))
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def ok(*args: str, installed: bool = False) -> str:
    code, out, err = _run(args, installed)
    assert code == 0, err
    assert err == ""
    return out


def fails(*args: str, where: str | None = None, installed: bool = False) -> str:
    """Exit 2, one line on stderr (naming ``where``), no traceback, nothing on stdout; returns the line."""
    code, out, err = _run(args, installed)
    assert code == 2, (out, err)
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err, err
    if where:
        assert where in err, err
    return err


def _run(args, installed: bool) -> tuple[int, str, str]:
    if installed:
        done = run_cli(*args)
        return done.returncode, done.stdout, done.stderr
    return main(*args)


def digest(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "my.db")
    ok("store", "init", path)
    ok("store", "import", path, str(REAL_LOG))
    return path


def test_store_init_creates_once_and_refuses_a_file_that_is_not_a_store(tmp_path):
    path = tmp_path / "new.db"
    assert ok("store", "init", str(path), "--snapshot-every", "50", installed=True) == \
        f"created {path} (a snapshot every 50 events)\n"
    assert "a diplosim store already (0 streams); nothing changed" in ok("store", "init", str(path))
    fails("store", "init", str(path), "--snapshot-every", "7", where="a snapshot every 50 events")
    text = tmp_path / "notes.txt"
    text.write_text("not a store\n" * 100)
    fails("store", "init", str(text), where=f"{text}: not a diplosim store")
    assert text.read_text() == "not a store\n" * 100
    fails("store", "init", str(tmp_path / "x.db"), "--snapshot-every", "0", where="--snapshot-every")
    assert not (tmp_path / "x.db").exists()


def test_store_import_twice_adds_nothing_and_names_the_line_of_a_broken_rule(db, tmp_path, real_log):
    assert ok("store", "import", db, str(REAL_LOG), installed=True) == \
        f"imported 0 events into 'main' of {db} (version {len(real_log)}; {len(real_log)} already there)\n"
    follow_up = tmp_path / "more.jsonl"
    good = {"id": "later", "type": "DiplomatsExpelled", "date": "2018-03-26", "actor": "USA", "target": "RUS",
            "count": 60, "deadline": "2018-04-02", "sources": ["public record: test"]}
    too_many = {**good, "id": "too-many", "count": 100_000}
    follow_up.write_text(json.dumps(good) + "\n" + json.dumps(too_many) + "\n")
    before = digest(db)
    line = fails("store", "import", db, str(follow_up), where=f"{follow_up}:2", installed=True)
    assert "too-many" in line and "no one expelled who is not there" in line
    assert digest(db) == before
    follow_up.write_text(json.dumps(good) + "\n")
    assert ok("store", "import", db, str(follow_up)).startswith("imported 1 event into 'main'")
    fails("store", "import", db, str(tmp_path / "missing.toml"), where="missing.toml: no such file")
    fails("store", "import", str(tmp_path / "none.db"), str(REAL_LOG), where="none.db: no such store")


def test_store_export_round_trips_exactly(db, tmp_path, real_log):
    jsonl = ok("store", "export", db, "--format", "jsonl", installed=True)
    assert jsonl == dumps_jsonl(real_log.events)
    toml = ok("store", "export", db, "--format", "toml")
    back = parse_toml(toml)
    assert back.events == real_log.events and back.title == real_log.title
    # the exported file imports into another store as the very same chain of hashes
    (tmp_path / "back.toml").write_text(toml)
    other = str(tmp_path / "other.db")
    ok("store", "init", other)
    ok("store", "import", other, str(tmp_path / "back.toml"))
    heads = [json.loads(ok("store", "streams", p, "--format", "json"))[0]["head"] for p in (db, other)]
    assert heads[0] == heads[1]
    fails("store", "export", db, "--stream", "nope", where="no stream 'nope' (streams: main)")


def test_store_streams_lists_each_stream(db, real_log):
    rows = json.loads(ok("store", "streams", db, "--format", "json", installed=True))
    assert [(r["stream"], r["events"], r["first"], r["last"], r["title"]) for r in rows] == \
        [("main", len(real_log), "2016-12-28", real_log.events[-1].date.isoformat(), real_log.title)]
    assert "main" in ok("store", "streams", db)


def test_verify_says_ok_in_one_line_and_names_the_first_tampered_event(db, real_log):
    assert ok("verify", db, installed=True) == (f"ok: {db}: 1 stream, {len(real_log)} events, 0 snapshots: versions gapless, "
                                f"hash chains intact, every event replays under the rules\n")
    c = sqlite3.connect(db, isolation_level=None)
    c.execute("DROP TRIGGER events_append_only_update")
    c.execute("UPDATE events SET date = '2017-01-02' WHERE version = 20")
    c.close()
    before = digest(db)
    fails("verify", db, where=f"event {real_log.events[19].id!r} (stream 'main', version 20) does not match",
          installed=True)
    assert digest(db) == before


def test_state_timeline_and_replay_read_a_store_like_the_log_it_holds(db):
    for args in (["state", "--at", "2017-09-02", "--format", "json"], ["timeline", "--format", "json"],
                 ["replay", "--until", "2017-01-15", "--format", "json"]):
        assert ok(*args, "--store", db, installed=args[0] == "state") == ok(*args, "--log", str(REAL_LOG))


def test_a_store_of_a_newer_schema_is_refused_by_every_command_and_left_unchanged(db, tmp_path):
    c = sqlite3.connect(db)
    c.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    c.commit()
    c.close()
    before = digest(db)
    for args in (["verify", db], ["store", "import", db, str(REAL_LOG)], ["store", "export", db],
                 ["store", "streams", db], ["state", "--store", db],
                 ["record", db, "lift-cap", "--actor", "RUS", "--target", "USA", "--date", "2018-01-01",
                  "--source", "public record: x"]):
        fails(*args, where=f"{db}: store schema version 2 is newer than this diplosim supports (1)",
              installed=args[0] == "record")
    assert digest(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my.db"]  # no journal left behind either


def test_the_store_commands_show_an_example_in_their_help():
    for args in (["store", "--help"], ["store", "import", "--help"], ["verify", "--help"], ["record", "--help"],
                 ["record", "x.db", "expel", "--help"]):
        assert "example:\n  diplosim " in ok(*args)


def _session() -> list[tuple[str, list[str]]]:
    """The commands of the manual's store session (docs/readme/50-store.md) and the output shown for each."""
    text = (ROOT / "docs" / "readme" / "50-store.md").read_text(encoding="utf-8")
    block = text.split("### A session", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    steps: list[tuple[str, list[str]]] = []
    pending = ""
    for line in block.splitlines():
        if pending or line.startswith("$ "):
            pending += line.removeprefix("$ ").strip() if not pending else " " + line.strip()
            if pending.endswith("\\"):
                pending = pending[:-1].strip()
                continue
            steps.append((pending, []))
            pending = ""
        else:
            steps[-1][1].append(line.rstrip())
    return steps


def test_the_manuals_store_session_prints_what_it_shows(tmp_path, monkeypatch):
    steps = _session()
    assert len(steps) >= 6
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seeds").symlink_to(ROOT / "seeds")
    for command, shown in steps:
        argv = shlex.split(command)
        target = None
        if ">" in argv:
            argv, target = argv[:argv.index(">")], argv[argv.index(">") + 1]
        assert argv[0] == "diplosim"
        out = ok(*argv[1:])
        if target:
            Path(target).write_text(out, encoding="utf-8")
            out = ""
        assert [x.rstrip() for x in out.splitlines()] == shown, command
    assert (tmp_path / "backup.jsonl").read_text().count("\n") == 36

"""Hostile input through the installed command: data nested thousands of levels deep, numbers past any range, dates
at the ends of the calendar, strings that cannot be printed, wrong TOML types in every field of logs and scenarios,
output paths that cannot be written, files that never end, and the mistakes that used to pass in silence.

Every refusal is checked the same way (:func:`refused`): exit code 2, one line on stderr that starts with
``diplosim`` and names the file or the argument, no traceback, nothing on stdout, and every file of the folder the
command ran in (a store among them) byte for byte as it was.  Inputs are drawn with hypothesis, a few per class
(the suite runs each one as a process).
"""
from __future__ import annotations

import datetime
import functools
import hashlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import attrs
import pytest
from hand import GOOD, SRC
from conftest import diplosim_exe, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diplosim.core import events as ev
from diplosim.core.errors import InputError
from diplosim.core.limits import DEFAULTS, MAX_DATE, MAX_NESTING, MIN_DATE
from diplosim.core.log import event_to_dict, load_log, parse_toml

CI = bool(os.environ.get("CI"))


def few(n: int):
    """Hypothesis settings for a test that runs the command once per example: ``n`` examples in CI, twice that
    locally."""
    return settings(max_examples=n if CI else 2 * n, deadline=None, derandomize=CI,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


GOOD_ROW = {"id": "m", "type": "MissionEstablished", "date": "2017-01-01", "actor": "USA", "target": "RUS",
            "staff": 10, "sources": ["public record: test log"]}
SCENARIO = """[scenario]
name = "t"
base = "good.toml"
fork = 2017-01-01
compare_at = [2017-03-01]
countries = ["USA", "RUS"]

[[policy]]
country = "RUS"
strategy = "tit-for-tat"

[[policy]]
country = "USA"
strategy = "tit-for-tat"

[stop]
horizon = 2017-06-01
"""
ROWS = "SQLDATE\tActor1Code\tActor2Code\tEventCode\tCount\tEventId\tSources\n20200101\tGBR\tFRA\t050\t20\tg\t\n"
POLECAT = json.dumps({"id": "p1", "date": "2017-07-28", "actor": [{"country": "RUS"}],
                      "recipient": [{"country": "USA"}], "event": ["SANCTION"], "mode": ["expel"]}) + "\n"


def folder() -> Path:
    """A fresh working folder: a log (TOML and JSON Lines), a scenario, a store holding the log, event data, an
    empty folder and a plain file."""
    d = Path(tempfile.mkdtemp(prefix="hostile-"))
    (d / "good.toml").write_text(GOOD)
    (d / "good.jsonl").write_text(json.dumps(GOOD_ROW) + "\n")
    (d / "scenario.toml").write_text(SCENARIO)
    (d / "rows.tsv").write_text(ROWS)
    (d / "polecat.jsonl").write_text(POLECAT)
    (d / "adir").mkdir()
    (d / "afile").write_text("not a folder\n")
    from diplosim.store import open_store
    with open_store(d / "store.db") as store:
        store.import_events("main", load_log(d / "good.toml").events)
    return d


def snapshot(d: Path) -> dict[str, str]:
    out = {}
    for p in sorted(d.rglob("*")):
        if p.is_symlink() or not p.is_file():
            out[str(p.relative_to(d))] = "special" if p.exists() or p.is_symlink() else "?"
        else:
            out[str(p.relative_to(d))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def refused(args: list[str], d: Path | None = None, *, names: str | None, says: str | None = None,
            env: dict[str, str] | None = None) -> str:
    """Run the command in ``d`` and check it refused: exit 2, one line naming ``names``, nothing changed."""
    own = d is None
    d = d or folder()
    try:
        before = snapshot(d)
        out = run_cli(*args, cwd=d, env=env, timeout=120, errors="backslashreplace")
        assert out.returncode == 2, (args[:6], out.returncode, out.stdout[-400:], out.stderr[-800:])
        assert "Traceback" not in out.stderr, out.stderr[-2000:]
        lines = out.stderr.strip("\n").split("\n")
        assert len(lines) == 1 and lines[0].startswith("diplosim"), out.stderr[-800:]
        assert out.stdout == "", out.stdout[:400]
        if names is not None:
            assert names in lines[0], (names, lines[0][:300])
        if says is not None:
            assert says in lines[0], (says, lines[0][:300])
        assert snapshot(d) == before, "a refused command changed a file"
        return lines[0]
    finally:
        if own:
            shutil.rmtree(d, ignore_errors=True)


def accepted(args: list[str], d: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    out = run_cli(*args, cwd=d, env=env, timeout=120)
    assert out.returncode == 0, (args, out.stderr[-800:])
    return out


def write(d: Path, name: str, text: str) -> str:
    (d / name).write_text(text, encoding="utf-8", errors="surrogatepass")
    return name


def expel(**fields) -> str:
    f = {"id": '"x"', "type": '"DiplomatsExpelled"', "date": "2017-02-01", "actor": '"RUS"', "target": '"USA"',
         "count": "3", "deadline": "2017-02-05", **fields}
    return GOOD + "\n[[event]]\n" + "\n".join(f"{k} = {v}" for k, v in f.items() if v is not None) + f"\n{SRC}\n"


def jsonl_with(**fields) -> str:
    return json.dumps(GOOD_ROW) + "\n" + json.dumps({**GOOD_ROW, "id": "n", "actor": "RUS", "target": "USA",
                                                     **fields}) + "\n"


RECORD = ["record", "store.db", "event", "--type", "StatementMade", "--actor", "USA", "--target", "RUS", "--date",
          "2017-03-01", "--source", "public record: x"]
EXPEL = ["record", "store.db", "expel", "--actor", "USA", "--target", "RUS", "--count", "1", "--date",
         "2017-03-01", "--deadline", "2017-03-05", "--source", "public record: x"]


# --- nesting ---------------------------------------------------------------------------------------------------------


def nest(depth: int, kind: str, lang: str) -> str:
    opening = {("list", "toml"): "[", ("list", "json"): "[", ("table", "toml"): "{a = ", ("table", "json"): '{"a": '}
    closing = {"list": "]", "table": "}"}
    inner = "" if kind == "list" else "1"
    return opening[kind, lang] * depth + inner + closing[kind] * depth


# target: (file it writes, the text for a value, what names the problem, the command; the deepest it takes)
NESTED = {
    "TOML log": (lambda v: {"bad.toml": expel(summary=v)}, "toml", "bad.toml", ["validate", "bad.toml"], 60000),
    "JSON Lines log": (lambda v: {"bad.jsonl": jsonl_with(summary="@")}, "json", "bad.jsonl",
                       ["replay", "--log", "bad.jsonl"], 60000),
    "scenario": (lambda v: {"bad.toml": SCENARIO.replace('name = "t"', f"name = \"t\"\nanswer = {v}")}, "toml",
                 "bad.toml", ["scenario", "run", "bad.toml"], 60000),
    "record --json": (lambda v: {}, "json", "--json", RECORD + ["--json", '{"summary": @}'], 12000),
    "record --set": (lambda v: {}, "json", "--set summary", RECORD + ["--set", "summary=@"], 12000),
    "store import": (lambda v: {"bad.jsonl": jsonl_with(summary="@")}, "json", "bad.jsonl",
                     ["store", "import", "store.db", "bad.jsonl"], 60000),
    "import-events": (lambda v: {"bad.jsonl": '{"SQLDATE": @}\n'}, "json", "bad.jsonl",
                      ["import-events", "bad.jsonl", "--into", "out.toml"], 60000),
    "import-data": (lambda v: {"bad.jsonl": '{"id": @}\n'}, "json", "bad.jsonl",
                    ["import-data", "bad.jsonl", "--format", "polecat", "--into", "obs.db"], 60000),
}


@pytest.mark.parametrize("target,kind", [(t, "list" if i % 2 else "table") for i, t in enumerate(NESTED)]
                         + [("TOML log", "list"), ("JSON Lines log", "list")])
@few(1)
@given(data=st.data())
def test_deeply_nested_values_are_refused(target, kind, data):
    files, lang, names, args, deepest = NESTED[target]
    depth = data.draw(st.sampled_from([MAX_NESTING + 1, 1500, deepest // 2 if kind == "table" else deepest])
                      | st.integers(MAX_NESTING + 1, 3000), "depth")
    value = nest(depth, kind, lang)
    if lang == "json":  # a JSON value goes where the @ is, in a file or an argument
        files = {k: t.replace('"@"', value).replace("@", value) for k, t in files(value).items()}
        args = [a.replace("@", value) for a in args]
    else:
        files = files(value)
    d = folder()
    try:
        for name, text in files.items():
            write(d, name, text)
        refused(args, d, names=names, says="nested")
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_nesting_within_the_limit_reaches_the_field_check():
    # 32 levels are read; the event then says what is wrong with the value (not a string)
    with pytest.raises(InputError, match=r"bad.toml:\d+: event x: .*want a string"):
        parse_toml(expel(summary=nest(MAX_NESTING - 3, "list", "toml")), "bad.toml")


# --- numbers past any range -----------------------------------------------------------------------------------------


def huge(low: int):
    """The text of numbers just past a limit, far past it, or longer than Python will read (4300 digits): drawn as
    text, because this process cannot turn so long a number into text either."""
    longest = st.integers(len(str(low)), 6000).map(lambda n: "9" * n).filter(lambda v: len(v) > 4300 or int(v) >= low)
    return st.one_of(st.integers(low, low + 1000).map(str), st.integers(low, 10 ** 40).map(str), longest)


# (command with N for the number, the option it names, the least number refused)
NUMBER_OPTIONS = [
    (["match", "tit-for-tat", "random", "--rounds", "N"], "--rounds", DEFAULTS["MAX_ROUNDS"] + 1),
    (["match", "tit-for-tat", "random", "--staff", "N"], "--staff", 10 ** 9 + 1),
    (["match", "tit-for-tat", "random", "--cut", "N"], "--cut", 10 ** 9 + 1),
    (["match", "tit-for-tat", "random", "--lag", "N"], "--lag", DEFAULTS["MAX_ROUNDS"] + 1),
    (["match", "tit-for-tat", "random", "--seed", "N"], "--seed", 2 ** 63),
    (["match", "a", "b", "--calendar", "--round-days", "N"], "--round-days", DEFAULTS["MAX_STEP_DAYS"] + 1),
    (["match", "a", "b", "--calendar", "--lag-days", "N"], "--lag-days", DEFAULTS["MAX_STEP_DAYS"] + 1),
    (["tournament", "tit-for-tat", "random", "--repetitions", "N"], "--repetitions",
     DEFAULTS["MAX_REPETITIONS"] + 1),
    (["tournament", "tit-for-tat", "random", "--rounds", "N"], "--rounds", DEFAULTS["MAX_ROUNDS"] + 1),
    (["sweep", "tit-for-tat", "--repetitions", "N"], "--repetitions", DEFAULTS["MAX_REPETITIONS"] + 1),
    (["sweep", "tit-for-tat", "--floor", "0,N"], "--floor", 10 ** 9 + 1),
    (["scenario", "run", "scenario.toml", "--runs", "N"], "--runs", DEFAULTS["MAX_SCENARIO_RUNS"] + 1),
    (["scenario", "run", "scenario.toml", "--seed", "N"], "--seed", 2 ** 63),
    (["coalition", "--days", "N"], "--days", DEFAULTS["MAX_PLAY_DAYS"] + 1),
    (["coalition", "--staff", "N"], "--staff", 10 ** 9 + 1),
    (["fit", "--country", "RUS", "--bootstrap", "N"], "--bootstrap", DEFAULTS["MAX_BOOTSTRAP"] + 1),
    (["fit", "--country", "RUS", "--round-days", "N"], "--round-days", DEFAULTS["MAX_STEP_DAYS"] + 1),
    (["store", "init", "new.db", "--snapshot-every", "N"], "--snapshot-every", 10 ** 9 + 1),
    (["escalation", "--match", "tit-for-tat,random", "--rounds", "N"], "--rounds", DEFAULTS["MAX_ROUNDS"] + 1),
    (["plot", "heatmap", "--strategies", "a,b", "--rounds", "N", "--out", "h.png"], "--rounds",
     DEFAULTS["MAX_ROUNDS"] + 1),
    (["report", "--max-dates", "N", "--out", "r.html"], "--max-dates", 100_001),
    (EXPEL[:7] + ["--count", "N"] + EXPEL[9:], "--count", 10 ** 9 + 1),
]


@pytest.mark.parametrize("args,option,low", NUMBER_OPTIONS, ids=[f"{a[0]} {o}" for a, o, _ in NUMBER_OPTIONS])
@few(1)
@given(data=st.data())
def test_numbers_past_a_limit_are_refused_naming_the_option(args, option, low, data):
    text = data.draw(huge(low), "n")
    refused([a.replace("N", text) if a in ("N", "0,N") else a for a in args], names=option)


# (file, the text with N, what names the problem)
NUMBER_FILES = {
    "JSON Lines staff": ("bad.jsonl", lambda n: jsonl_with().replace('"staff": 10', f'"staff": {n}', 1), "bad.jsonl"),
    "TOML count": ("bad.toml", lambda n: expel(count=n), "bad.toml:"),
    "TOML staff": ("bad.toml", lambda n: GOOD.replace("staff = 10", f"staff = {n}"), "bad.toml:"),
    "TOML staff at least": ("bad.toml", lambda n: GOOD.replace("staff = 10", f"staff = {{ at_least = {n} }}"),
                            "bad.toml:"),
    "departure_days": ("bad.toml", lambda n: GOOD.replace('title = "test"', f"departure_days = {n}"), "bad.toml:"),
}


@pytest.mark.parametrize("case", NUMBER_FILES)
@few(1)
@given(data=st.data())
def test_huge_numbers_in_logs_are_refused(case, data):
    name, text, names = NUMBER_FILES[case]
    n = data.draw(huge(10 ** 9 + 1), "n")
    d = folder()
    try:
        write(d, name, text(n))
        command = data.draw(st.sampled_from([["validate", name], ["replay", "--log", name],
                                             ["store", "import", "store.db", name]]), "command")
        refused(command, d, names=names)
    finally:
        shutil.rmtree(d, ignore_errors=True)


SCENARIO_NUMBERS = {
    "lag_days": lambda n: SCENARIO.replace('strategy = "tit-for-tat"', f'strategy = "tit-for-tat"\nlag_days = {n}', 1),
    "round_days": lambda n: SCENARIO.replace('strategy = "tit-for-tat"', f'strategy = "tit-for-tat"\nround_days = {n}',
                                             1),
    "seed": lambda n: SCENARIO.replace('name = "t"', f'name = "t"\nseed = {n}'),
    "floor": lambda n: SCENARIO.replace("[stop]", f"[stop]\nfloor = {n}"),
    "rounds": lambda n: SCENARIO.replace("[stop]", f"[stop]\nrounds = {n}"),
}


@pytest.mark.parametrize("key", SCENARIO_NUMBERS)
@few(1)
@given(n=huge(2 ** 63))
def test_huge_numbers_in_scenarios_are_refused(key, n):
    d = folder()
    try:
        write(d, "bad.toml", SCENARIO_NUMBERS[key](n))
        refused(["scenario", "run", "bad.toml"], d, names="bad.toml:")
    finally:
        shutil.rmtree(d, ignore_errors=True)


# --- dates at the edges of the calendar ------------------------------------------------------------------------------


outside = st.one_of(st.dates(datetime.date(1, 1, 1), MIN_DATE - datetime.timedelta(days=1)),
                    st.dates(MAX_DATE + datetime.timedelta(days=1), datetime.date(9999, 12, 31)))


@pytest.mark.parametrize("command", [["validate", "bad.F"], ["replay", "--log", "bad.F"],
                                     ["store", "import", "store.db", "bad.F"], ["export", "--log", "bad.F"],
                                     ["plot", "staffing", "--log", "bad.F", "--out", "p.png"]],
                         ids=lambda c: c[0] + (" " + c[1] if c[0] in ("store", "plot") else ""))
@few(1)
@given(day=outside, fmt=st.sampled_from(["toml", "jsonl"]), field=st.sampled_from(["date", "deadline"]))
def test_events_outside_the_calendar_are_refused(command, day, fmt, field):
    d = folder()
    try:
        if fmt == "toml":
            # a date outside the calendar goes without a deadline (which would be before or after it); a deadline
            # outside it keeps the event's date
            text = expel(**{field: day.isoformat(), **({"deadline": None} if field == "date" else {})})
        else:
            text = json.dumps(GOOD_ROW) + "\n" + json.dumps(
                {"id": "x", "type": "DiplomatsExpelled", "date": day.isoformat() if field == "date" else "2017-02-01",
                 "actor": "RUS", "target": "USA", "count": 1, "sources": ["public record: t"],
                 **({"deadline": day.isoformat()} if field == "deadline" else {})}) + "\n"
        write(d, f"bad.{fmt}", text)
        line = refused([a.replace("bad.F", f"bad.{fmt}") for a in command], d, names=f"bad.{fmt}:")
        assert "outside the calendar" in line or "malformed TOML" in line  # TOML cannot write year 0
    finally:
        shutil.rmtree(d, ignore_errors=True)


DATE_OPTIONS = [
    (["state", "--log", "good.toml", "--at", "D"], "--at"),
    (["replay", "--log", "good.toml", "--until", "D"], "--until"),
    (["timeline", "--log", "good.toml", "--until", "D"], "--until"),
    (["escalation", "--log", "good.toml", "--dyad", "USA-RUS", "--since", "D"], "--since"),
    (["plot", "staffing", "--log", "good.toml", "--until", "D", "--out", "p.png"], "--until"),
    (["explain", "staff", "--log", "good.toml", "--sending", "USA", "--host", "RUS", "--at", "D"], "--at"),
    (["fit", "--country", "RUS", "--until", "D"], "--until"),
    (["match", "tit-for-tat", "random", "--calendar", "--log", "good.toml", "--horizon", "D"], "--horizon"),
    (["scenario", "run", "scenario.toml", "--at", "D"], "--at"),
    (EXPEL[:9] + ["--date", "D"] + EXPEL[11:], "--date"),
    (["import-data", "polecat.jsonl", "--into", "obs.db", "--since", "D"], "--since"),
]


@pytest.mark.parametrize("args,option", DATE_OPTIONS, ids=[f"{a[0]} {o}" for a, o in DATE_OPTIONS])
@few(1)
@given(day=outside)
def test_dates_outside_the_calendar_are_refused_naming_the_option(args, option, day):
    refused([day.isoformat() if a == "D" else a for a in args], names=option, says="outside the calendar")


@pytest.mark.parametrize("key", ["fork", "horizon", "compare_at"])
@few(1)
@given(day=outside.filter(lambda x: x.year > 1))
def test_scenario_dates_outside_the_calendar_are_refused(key, day):
    text = {"fork": SCENARIO.replace("fork = 2017-01-01", f"fork = {day}"),
            "horizon": SCENARIO.replace("horizon = 2017-06-01", f"horizon = {day}"),
            "compare_at": SCENARIO.replace("compare_at = [2017-03-01]", f"compare_at = [{day}]")}[key]
    d = folder()
    try:
        write(d, "bad.toml", text)
        refused(["scenario", "run", "bad.toml"], d, names="bad.toml:", says=key)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_play_ends_a_year_before_the_end_of_the_calendar():
    # the last day of the calendar is a valid date, but deadlines counted past it are not
    line = refused(["match", "tit-for-tat", "random", "--calendar", "--log", "good.toml", "--start", "2999-06-01"],
                   names="--start")
    assert "2998-12-31" in line
    d = folder()
    try:
        write(d, "bad.toml", SCENARIO.replace("horizon = 2017-06-01", "horizon = 2999-12-31"))
        refused(["scenario", "run", "bad.toml"], d, names="bad.toml", says="2998-12-31")
        write(d, "days.toml", GOOD.replace('title = "test"', "departure_days = 30") + "\n[[event]]\nid = \"x\"\n"
              "type = \"DiplomatsExpelled\"\ndate = 2999-12-20\nactor = \"RUS\"\ntarget = \"USA\"\ncount = 1\n"
              + SRC + "\n")
        refused(["validate", "days.toml"], d, names="days.toml:", says="departure_days")
    finally:
        shutil.rmtree(d, ignore_errors=True)


# --- strings that cannot be printed -----------------------------------------------------------------------------------


bad_chars = st.one_of(st.characters(categories=["Cc"]), st.integers(0xD800, 0xDFFF).map(chr))
NAME_FIELDS = ["id", "actor", "sources", "summary_nul", "by"]


@pytest.mark.parametrize("command", [["validate", "bad.jsonl"], ["replay", "--log", "bad.jsonl"],
                                     ["export", "--log", "bad.jsonl"], ["timeline", "--log", "bad.jsonl"],
                                     ["store", "import", "store.db", "bad.jsonl"]], ids=lambda c: c[0])
@few(1)
@given(char=bad_chars, field=st.sampled_from(NAME_FIELDS), at=st.integers(0, 3))
def test_names_that_cannot_be_printed_on_one_line_are_refused(command, char, field, at):
    if field == "summary_nul":  # free text may break lines, but holds no NUL and no lone surrogate
        field, char = "summary", char if "\ud800" <= char <= "\udfff" else "\x00"
    base = {"id": "name", "actor": "RUS", "sources": ["public record: x"], "by": "a minister", "summary": "text"}
    value = base[field][0] if field == "sources" else base[field]
    value = value[:at] + char + value[at:]
    row = {"sources": [value]} if field == "sources" else {field: value}
    d = folder()
    try:
        # json.dumps escapes a surrogate (\ud800) as the JSON a hostile file would hold
        write(d, "bad.jsonl", jsonl_with(**row))
        line = refused(command, d, names="bad.jsonl:2")
        assert "'" + field + "'" in line or "unknown country code" in line
    finally:
        shutil.rmtree(d, ignore_errors=True)


# a NUL cannot stand in an argument, and of the surrogates only those that stand for bytes that are not UTF-8
arg_controls = st.characters(categories=["Cc"], exclude_characters="\x00")
arg_surrogates = st.integers(0xDC80, 0xDCFF).map(chr)


@pytest.mark.parametrize("option,chars", [("--id", arg_controls | arg_surrogates),
                                          ("--source", arg_controls | arg_surrogates),
                                          ("--summary", arg_surrogates)])  # free text may break lines
@few(1)
@given(data=st.data())
def test_record_refuses_names_that_cannot_be_printed(option, chars, data):
    value = "a" + data.draw(chars, "char") + "b"
    args = [*EXPEL[:-2], "--source", "public record: x"] if option != "--source" else EXPEL[:-2]
    refused(args + [option, value], names=option)


# --- wrong TOML types in every field of a log (in the library: thousands of cases) and through the command --------


WRONG = {"str": [5, [1], {"a": 1}, True, 1.5], "int": ["x", 1.5, [1], True, {"a": 1}],
         "float": ["x", [1], True, {"a": 1}, datetime.date(2017, 1, 1)],
         "date": [5, "x", [datetime.date(2017, 1, 1)], True], "bool": [1, "x", [True]],
         "tuple": [5, "x", {"a": 1}, [[1]], [{"a": 1}]], "table": [5, "x", [1]]}


def _kind(a: attrs.Attribute) -> str:
    from diplosim.core.eventdict import _type_text
    t = _type_text(a.type).lower()
    for k in ("tuple", "date", "bool", "int", "float", "str"):
        if t.startswith(k):
            return k
    return "table"


# a valid value for each field some event type requires
REQUIRED = {"id": "x", "date": datetime.date(2017, 1, 1), "actor": "RUS", "target": "USA",
            "sources": ["public record: x"], "chamber": "Duma", "count": 1, "figure": 1, "host": "USA",
            "sending": "RUS", "kind": "other", "law": "a law", "measures": ["asset freeze"], "name": "a house",
            "order": "x0", "property": "p", "stance": "other", "plover": "SANCTION", "cap": 5}


@functools.lru_cache(maxsize=None)
def _minimal(cls) -> dict:
    """A valid event of ``cls`` as a dict: its required fields (and sources), nothing else."""
    from diplosim.core.eventdict import event_from_dict
    row = {"type": cls.__name__}
    for a in attrs.fields(cls):
        if a.default is attrs.NOTHING or a.name in ("sources", "target", "plover", "cap", "targets"):
            kind = _kind(a)
            if a.name == "post":
                row["post"] = {"name": "Embassy"} if kind == "table" else "Embassy"
            elif a.name == "targets":
                row["targets"] = [{"name": "t"}] if "SanctionTarget" in str(a.type) else ["t"]
            elif a.name in REQUIRED:
                row[a.name] = REQUIRED[a.name]
    return event_to_dict(event_from_dict(row))


def test_every_field_of_every_event_type_refuses_every_wrong_type():
    import tomli_w

    checked = 0
    for cls in ev.EVENT_TYPES.values():
        base = _minimal(cls)
        for a in attrs.fields(cls):
            for wrong in WRONG[_kind(a)]:
                if a.name == "staff" and isinstance(wrong, dict):
                    continue  # staff = { ... } is a figure: its keys are checked by their own test
                row = {**base, a.name: wrong}
                text = tomli_w.dumps({"event": [row]})
                with pytest.raises(InputError) as info:
                    parse_toml(text, "bad.toml")
                message = str(info.value)
                assert message.startswith("bad.toml:"), message
                assert a.name in message or (a.name == "type"), (cls.__name__, a.name, wrong, message)
                checked += 1
    assert checked > 1500


@few(3)
@given(cls=st.sampled_from(sorted(ev.EVENT_TYPES.values(), key=lambda c: c.__name__)), data=st.data())
def test_a_wrong_type_in_a_log_is_one_line_through_the_command(cls, data):
    import tomli_w

    base = _minimal(cls)
    a = data.draw(st.sampled_from([a for a in attrs.fields(cls) if a.name not in ("staff",)]), "field")
    wrong = data.draw(st.sampled_from(WRONG[_kind(a)]), "wrong")
    d = folder()
    try:
        write(d, "bad.toml", tomli_w.dumps({"event": [{**base, a.name: wrong}]}))
        refused(["validate", "bad.toml"], d, names="bad.toml:", says=a.name)
    finally:
        shutil.rmtree(d, ignore_errors=True)


# the keys of each table of a scenario, by what they hold, and values of every other TOML type
TEXT, WHOLE, NUMBER, DAY, DAYS, CODES, TABLE, FLAG, EVENTS = ("text", "whole", "number", "day", "days", "codes",
                                                             "table", "flag", "events")
SCENARIO_KEYS = {
    "scenario": {"name": TEXT, "title": TEXT, "question": TEXT, "answer": TEXT, "base": TEXT, "extends": TEXT,
                 "fork": DAY, "after_fork": TEXT, "compare_at": DAYS, "seed": WHOLE, "noise": NUMBER,
                 "countries": CODES},
    "policy": {"country": TEXT, "strategy": TEXT, "params": TABLE, "lag_days": WHOLE, "round_days": WHOLE,
               "against": CODES},
    "stop": {"horizon": DAY, "floor": WHOLE, "rounds": WHOLE, "embassy_closed": FLAG, "quiet_rounds": WHOLE},
    "edit": {"op": TEXT, "id": TEXT, "after": TEXT, "reason": TEXT, "events": EVENTS},
}
_DAY = datetime.date(2017, 1, 1)
SCENARIO_WRONG = {TEXT: [5, 1.5, True, [1], {"a": 1}, _DAY], WHOLE: ["x", 1.5, True, [1], {"a": 1}, _DAY],
                  NUMBER: ["x", True, [1], {"a": 1}, _DAY], DAY: [5, "x", 1.5, True, [1], {"a": 1}],
                  DAYS: [5, "x", [5], ["x"], {"a": 1}, _DAY], CODES: [5, "x", [1], {"a": 1}, _DAY],
                  TABLE: [5, "x", [1], True, _DAY], FLAG: [1, "x", [1], {"a": 1}, _DAY],
                  EVENTS: [5, "x", [1], {"a": 1}, _DAY]}


def _scenario_doc() -> dict:
    return {"scenario": {"name": "t", "base": "good.toml", "fork": datetime.date(2017, 1, 1),
                         "countries": ["USA", "RUS"]},
            "policy": [{"country": "RUS", "strategy": "tit-for-tat"}, {"country": "USA", "strategy": "tit-for-tat"}],
            "stop": {"horizon": datetime.date(2017, 6, 1)}}


def test_every_key_of_a_scenario_refuses_every_wrong_type(tmp_path):
    import tomli_w

    from diplosim.play.scenario import load_scenario
    (tmp_path / "good.toml").write_text(GOOD)
    right = {**_scenario_doc(), "edit": [{"op": "remove", "id": "m-usa", "reason": "r"}]}
    (tmp_path / "s.toml").write_text(tomli_w.dumps(right))
    load_scenario(tmp_path / "s.toml")  # the values replaced below are fine as they stand
    checked = 0
    for table, keys in SCENARIO_KEYS.items():
        for key, kind in keys.items():
            for wrong in SCENARIO_WRONG[kind]:
                doc = _scenario_doc()
                if table == "policy":
                    doc["policy"][0][key] = wrong
                elif table == "edit":
                    doc["edit"] = [{"op": "remove", "id": "m-usa", key: wrong}]
                else:
                    doc[table][key] = wrong
                path = tmp_path / "s.toml"
                path.write_text(tomli_w.dumps(doc))
                with pytest.raises(InputError) as info:
                    load_scenario(path)
                assert str(info.value).startswith(f"{path}:"), (table, key, wrong, str(info.value))
                if key not in str(info.value):
                    print("UNNAMED", table, key, repr(wrong), str(info.value))
                checked += 1
    assert checked == sum(len(SCENARIO_WRONG[k]) for keys in SCENARIO_KEYS.values() for k in keys.values())


@pytest.mark.parametrize("text", ["edit = [1, 2]", "policy = [1]", "edit = [{op = \"insert\", events = 5}]",
                                  "edit = [{op = \"insert\", after = [1], events = [{}]}]", "stop = 5",
                                  "scenario = 5"])
def test_tables_of_the_wrong_shape_in_a_scenario_are_refused(text):
    d = folder()
    try:
        head = SCENARIO.split("[[policy]]")[0].replace("fork = 2017-01-01\n", "")
        write(d, "bad.toml", text + "\n" + (head if not text.startswith("scenario") else ""))
        refused(["scenario", "run", "bad.toml"], d, names="bad.toml")
    finally:
        shutil.rmtree(d, ignore_errors=True)


@pytest.mark.parametrize("field,value", [("compare_at", "5"), ("compare_at", '"2017-03-01"'), ("name", "5"),
                                         ("question", "{ a = 1 }"), ("extends", "[1]")])
def test_scenario_keys_of_the_wrong_type_through_the_command(field, value):
    d = folder()
    try:
        text = "\n".join(line for line in SCENARIO.split("\n") if not line.startswith(field + " ="))
        write(d, "bad.toml", text.replace("[scenario]", f"[scenario]\n{field} = {value}"))
        refused(["scenario", "run", "bad.toml"], d, names="bad.toml:2", says=field)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_a_loop_of_symbolic_links_is_named():
    d = folder()
    try:
        os.symlink("loop.toml", d / "loop.toml")
        refused(["validate", "loop.toml"], d, names="loop.toml")
        write(d, "cont.toml", GOOD.replace('title = "test"', 'title = "t"\ncontinues = "loop.toml"'))
        refused(["validate", "cont.toml"], d, names="cont.toml")
        write(d, "ext.toml", '[scenario]\nextends = "loop.toml"\n')
        refused(["scenario", "run", "ext.toml"], d, names="ext.toml")
    finally:
        shutil.rmtree(d, ignore_errors=True)


# --- output paths -----------------------------------------------------------------------------------------------------


# command, with OUT for the path; the suffix the path wants
WRITERS = {
    "export --out": (["export", "--log", "good.toml", "--out", "OUT"], ".tsv"),
    "plot staffing": (["plot", "staffing", "--log", "good.toml", "--out", "OUT"], ".png"),
    "plot escalation": (["plot", "escalation", "--log", "good.toml", "--dyad", "USA-RUS", "--out", "OUT"], ".svg"),
    "plot heatmap": (["plot", "heatmap", "--of", "acts", "--log", "good.toml", "--out", "OUT"], ".png"),
    "escalation --plot": (["escalation", "--log", "good.toml", "--dyad", "USA-RUS", "--plot", "OUT"], ".png"),
    "report": (["report", "--log", "good.toml", "--out", "OUT"], ".html"),
    "scenario --emit": (["scenario", "run", "scenario.toml", "--emit", "OUT"], ".toml"),
    "import-events --into": (["import-events", "rows.tsv", "--into", "OUT"], ".jsonl"),
    "import-data --into": (["import-data", "polecat.jsonl", "--into", "OUT"], ".db"),
    "store init": (["store", "init", "OUT"], ".db"),
}
name_part = st.text("abcdefghij-_", min_size=1, max_size=8).filter(lambda t: not t.startswith("-"))  # an option


@pytest.mark.parametrize("writer", WRITERS)
@few(2)
@given(kind=st.sampled_from(["no folder", "a folder", "under a file"]), name=name_part)
def test_an_output_path_that_cannot_be_written_is_refused_before_any_work(writer, kind, name):
    args, suffix = WRITERS[writer]
    d = folder()
    try:
        path = {"no folder": f"nowhere-{name}/x{suffix}", "a folder": f"{name}{suffix}",
                "under a file": f"afile/{name}{suffix}"}[kind]
        if kind == "a folder":
            (d / path).mkdir()
        says = {"no folder": "no such folder", "a folder": "directory", "under a file": "not a folder"}[kind]
        refused([path if a == "OUT" else a for a in args], d, names=path if kind == "a folder" else
                str(Path(path).parent), says=says)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_emit_replaces_a_file_only_with_force():
    d = folder()
    try:
        refused(["scenario", "run", "scenario.toml", "--emit", "good.toml"], d, names="good.toml", says="--force")
        accepted(["scenario", "run", "scenario.toml", "--emit", "good.toml", "--force"], d)
        assert "scenario t" in (d / "good.toml").read_text()
        refused(["scenario", "run", "scenario.toml", "--force"], d, names=None, says="--emit")
    finally:
        shutil.rmtree(d, ignore_errors=True)


@pytest.mark.skipif(os.geteuid() == 0, reason="as root, a folder's permissions do not stop a write: the check is "
                    "tested with a mocked permission in test_a_folder_without_write_permission_is_named")
@pytest.mark.parametrize("writer", ["export --out", "report", "scenario --emit", "store init"])
def test_a_read_only_folder_is_refused(writer):
    args, suffix = WRITERS[writer]
    d = folder()
    (d / "ro").mkdir()
    os.chmod(d / "ro", 0o555)
    try:
        refused([f"ro/x{suffix}" if a == "OUT" else a for a in args], d, names="ro", says="not writable")
    finally:
        os.chmod(d / "ro", 0o755)
        shutil.rmtree(d, ignore_errors=True)


def test_a_folder_without_write_permission_is_named(tmp_path, monkeypatch):
    from diplosim.core import files
    monkeypatch.setattr(files.os, "access", lambda path, mode: False)
    with pytest.raises(InputError, match="the folder is not writable"):
        files.check_writable(tmp_path / "x.png")


def test_a_failed_write_leaves_the_old_file_and_no_part(tmp_path):
    from diplosim.core.files import write_atomic
    out = tmp_path / "x.toml"
    out.write_text("old")
    with pytest.raises(InputError, match="cannot be written as UTF-8"):
        write_atomic(out, "new \ud800")
    assert out.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["x.toml"]


# --- unbounded work ---------------------------------------------------------------------------------------------------


READERS = {
    "validate": (["validate", "IN.toml"], "IN.toml"),
    "state --log": (["state", "--log", "IN.jsonl"], "IN.jsonl"),
    "scenario run": (["scenario", "run", "IN.toml"], "IN.toml"),
    "store import": (["store", "import", "store.db", "IN.toml"], "IN.toml"),
    "import-events": (["import-events", "IN.tsv", "--into", "out.toml"], "IN.tsv"),
    "import-data": (["import-data", "IN.tsv", "--into", "obs.db"], "IN.tsv"),
    "compare-data": (["escalation", "--log", "good.toml", "--dyad", "USA-RUS", "--compare-data", "IN.tsv"], "IN.tsv"),
}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("special", ["/dev/zero", "a pipe"])
def test_files_that_never_end_are_refused_before_reading(reader, special):
    args, name = READERS[reader]
    d = folder()
    try:
        if special == "a pipe":
            os.mkfifo(d / name)
        else:
            os.symlink(special, d / name)
        start = time.monotonic()
        refused(args, d, names=name, says="not a regular file")
        assert time.monotonic() - start < 30
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_a_file_over_the_size_limit_is_refused_and_the_limit_can_be_raised():
    d = folder()
    try:
        write(d, "big.toml", GOOD + "#" * 2000 + "\n")
        line = refused(["validate", "big.toml"], d, names="big.toml", env={"DIPLOSIM_MAX_FILE_BYTES": "1000"})
        assert "DIPLOSIM_MAX_FILE_BYTES" in line
        accepted(["validate", "big.toml"], d, env={"DIPLOSIM_MAX_FILE_BYTES": "100000"})
        refused(["validate", "big.toml"], d, names="DIPLOSIM_MAX_FILE_BYTES", env={"DIPLOSIM_MAX_FILE_BYTES": "lots"})
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_a_line_over_the_limit_in_event_data_is_refused():
    d = folder()
    try:
        write(d, "long.tsv", "x" * 3000 + "\n")
        refused(["import-data", "long.tsv", "--into", "obs.db", "--format", "icews"], d, names="long.tsv",
                says="longer than", env={"DIPLOSIM_MAX_LINE_CHARS": "1000"})
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_total_work_is_bounded_and_the_bound_can_be_raised():
    line = refused(["tournament", "--all", "--repetitions", "1000000"], names="--repetitions")
    assert "DIPLOSIM_MAX_TOTAL_ROUNDS" in line
    d = folder()
    try:
        refused(["match", "tit-for-tat", "random", "--rounds", "1000001"], d, names="--rounds")
        out = accepted(["match", "tit-for-tat", "random", "--rounds", "1000001", "--format", "json"], d,
                       env={"DIPLOSIM_MAX_ROUNDS": "2000000"})
        assert len(json.loads(out.stdout)["moves"]["A"]) == 1000001
    finally:
        shutil.rmtree(d, ignore_errors=True)


def _until_its_workers_run(p: subprocess.Popen, workers: int = 2, wait: float = 20.0) -> None:
    """Wait until ``workers`` processes of ``p``'s group other than ``p`` (its pool's workers, forked by a fork server
    or by ``p``) have used the processor for a fifth of a second (Linux /proc), or ``wait`` seconds pass."""
    def busy() -> int:
        n = 0
        for entry in os.listdir("/proc"):
            if entry.isdigit() and int(entry) != p.pid:
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[2]) == p.pid and int(fields[11]) + int(fields[12]) >= 20:  # group; user+system ticks
                    n += 1
        return n

    end = time.monotonic() + wait
    while time.monotonic() < end and p.poll() is None and busy() < workers:
        time.sleep(0.05)


@pytest.mark.parametrize("sig,code,says", [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")])
def test_a_stopped_tournament_stops_its_workers_and_leaks_nothing(sig, code, says):
    # started as a terminal's shell starts a command: Ctrl-C not ignored (a test run in the background, `cmd &`,
    # ignores it, and a child would inherit that)
    p = subprocess.Popen(diplosim_exe() + ["tournament", "--all", "--repetitions", "20000", "-j", "2"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    _until_its_workers_run(p)  # started, its workers busy
    os.killpg(p.pid, sig)  # as Ctrl-C in a terminal: the whole group
    try:
        out, err = p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        raise
    time.sleep(0.5)  # the resource tracker, if any, reports after the main process ends
    assert p.returncode == code, (p.returncode, err)
    assert err.strip() == f"diplosim: {says}", err
    assert out == ""


# --- errors that name the problem, and mistakes that no longer pass in silence ---------------------------------------


PROBLEMS = {
    "NUL byte in a TOML log": (["validate", "bad.toml"], {"bad.toml": GOOD.replace("staff = 10", "staff = 10\x00")},
                               "bad.toml:10", "NUL"),
    "month 13": (["validate", "bad.toml"], {"bad.toml": expel(date="2017-13-01")}, "bad.toml:", "month must be"),
    "day 30 of February": (["validate", "bad.toml"], {"bad.toml": expel(deadline="2017-02-30")}, "bad.toml:",
                           "day is out of range"),
    "sources = 5": (["validate", "bad.toml"], {"bad.toml": expel().replace(SRC, "sources = 5")}, "bad.toml:",
                    "field 'sources' must be a list"),
    "posts = [5]": (["validate", "bad.toml"], {"bad.toml": GOOD.replace("staff = 10", "staff = 10\nposts = [5]")},
                    "bad.toml:", "posts[0]"),
    "from_posts as a table": (["validate", "bad.toml"], {"bad.toml": expel(from_posts="{ a = 1 }")}, "bad.toml:",
                              "from_posts"),
    "a key twice in JSON": (["validate", "bad.jsonl"],
                            {"bad.jsonl": json.dumps(GOOD_ROW).replace('"id": "m"', '"id": "m", "id": "q"') + "\n"},
                            "bad.jsonl:1", "given twice"),
    "expected version -1": (EXPEL + ["--expected-version", "-1"], {}, "--expected-version", "at least 0"),
    "lag-days 1,2,3": (["match", "tit-for-tat", "random", "--calendar", "--log", "good.toml", "--lag-days", "1,2,3"],
                       {}, "--lag-days", "one number"),
    "an unknown country": (["match", "tit-for-tat", "random", "--calendar", "--log", "good.toml", "--countries",
                            "USA,XXX"], {}, "--countries", "XXX"),
    "nothing to act on": (["match", "tit-for-tat", "random", "--calendar", "--log", "good.toml", "--countries",
                           "FRA,DEU"], {}, "--countries", "no mission"),
    "half-life nan": (["escalation", "--log", "good.toml", "--dyad", "USA-RUS", "--half-life", "nan"], {},
                      "--half-life", "above 0"),
    "floor -1": (["sweep", "tit-for-tat", "--floor", "-1"], {}, "--floor", "from 0"),
    "noise 0,,0.1": (["sweep", "tit-for-tat", "--noise", "0,,0.1"], {}, "--noise", "none left empty"),
    "since after until": (["replay", "--log", "good.toml", "--since", "2017-05-01", "--until", "2017-01-01"], {},
                          "--since", "after --until"),
    "a strategy twice": (["tournament", "tit-for-tat", "random", "tit-for-tat"], {}, "tit-for-tat", "twice"),
    "--log beside --store": (["state", "--log", "good.toml", "--store", "store.db"], {}, "--log", "not both"),
    "--stream without --store": (["state", "--stream", "main"], {}, "--stream", "--store"),
    "imposer XXX": (["explain", "sanction", "--target", "Zorsecurity", "--imposer", "XXX"], {}, "--imposer", "XXX"),
    "seed -1": (["match", "tit-for-tat", "random", "--seed", "-1"], {}, "--seed", "from 0"),
}


@pytest.mark.parametrize("case", PROBLEMS)
def test_the_message_names_the_problem(case):
    args, files, names, says = PROBLEMS[case]
    d = folder()
    try:
        for name, text in files.items():
            write(d, name, text)
        refused(args, d, names=names, says=says)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_a_byte_order_mark_is_read_as_nothing():
    d = folder()
    try:
        (d / "bom.toml").write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
        (d / "bom.jsonl").write_bytes(b"\xef\xbb\xbf" + (json.dumps(GOOD_ROW) + "\n").encode())
        assert "2 events" in accepted(["validate", "bom.toml"], d).stdout
        assert "1 events" in accepted(["validate", "bom.jsonl"], d).stdout
    finally:
        shutil.rmtree(d, ignore_errors=True)


# --- a store on read-only media ---------------------------------------------------------------------------------------


READING = [["state", "--store", "ro/store.db", "--table", "missions"], ["verify", "ro/store.db"],
           ["store", "streams", "ro/store.db"], ["store", "export", "ro/store.db"],
           ["timeline", "--store", "ro/store.db"]]


@pytest.mark.skipif(os.geteuid() == 0, reason="as root, permissions do not make a file read-only: the read-only "
                    "path is tested with a mocked SQLite in test_a_store_that_sqlite_cannot_open_read_write_is_read")
def test_a_store_in_a_read_only_folder_is_read_and_not_written():
    d = folder()
    (d / "ro").mkdir()
    shutil.copy(d / "store.db", d / "ro" / "store.db")
    os.chmod(d / "ro" / "store.db", 0o444)
    os.chmod(d / "ro", 0o555)
    try:
        for args in READING:
            assert "m-usa" in accepted(args, d).stdout or "ok:" in accepted(args, d).stdout or args[1] == "streams"
        refused(["record", "ro/store.db", *EXPEL[2:]], d, names="ro/store.db", says="cannot be written")
        assert sorted(p.name for p in (d / "ro").iterdir()) == ["store.db"]
    finally:
        os.chmod(d / "ro", 0o755)
        shutil.rmtree(d, ignore_errors=True)


def test_a_store_that_sqlite_cannot_open_read_write_is_read(tmp_path, monkeypatch):
    """As on read-only media: no write access, and SQLite cannot make the write-ahead log's index beside the file
    (it fails on the first read).  The store is then opened as immutable and read."""
    import sqlite3

    from diplosim.store import context, open_store
    (tmp_path / "good.toml").write_text(GOOD)
    with open_store(tmp_path / "s.db") as store:
        store.import_events("main", load_log(tmp_path / "good.toml").events)
    real = sqlite3.connect

    class CannotOpen:
        def execute(self, *args):
            exc = sqlite3.OperationalError("unable to open database file")
            exc.sqlite_errorcode = sqlite3.SQLITE_CANTOPEN
            raise exc

        def close(self):
            pass

    asked_as_uri = []

    def connect(database, *args, **kwargs):
        if "immutable=1" not in database:
            return CannotOpen()
        # a name with "?mode=ro&immutable=1" is read as a URI only when asked for: SQLite builds differ in their
        # default, and without it the whole text would name a new, empty file
        asked_as_uri.append(kwargs.get("uri"))
        return real(database, *args, **kwargs)
    monkeypatch.setattr(context.os, "access", lambda path, mode: False)
    monkeypatch.setattr(context.sqlite3, "connect", connect)
    with open_store(tmp_path / "s.db", readonly=True) as store:
        assert [e.id for e in store.read("main")] == ["m-usa", "m-rus"]
    assert asked_as_uri == [True]
    with pytest.raises(InputError, match="cannot be written"):
        open_store(tmp_path / "s.db", must_exist=True)
    (tmp_path / "s.db-wal").write_bytes(b"unmerged")
    with pytest.raises(InputError, match="holds changes not yet merged"):
        open_store(tmp_path / "s.db", readonly=True)

"""Event logs on disk: every event type survives serialise -> parse unchanged, in TOML and in JSON Lines, and the
reader knows the line of every event."""
from __future__ import annotations

import datetime
import re

import pytest
from gen import event_of, valid_logs
from hypothesis import given, settings
from hypothesis import strategies as st

from diplosim.core import events as ev
from diplosim.core.fold import fold
from diplosim.core.log import dumps_jsonl, dumps_toml, load_log, parse_jsonl, parse_toml, write_log

FORMATS = {"toml": (dumps_toml, parse_toml), "jsonl": (dumps_jsonl, parse_jsonl)}


def _header_lines(text: str) -> list[int]:
    """Line numbers of the [[event]] headers, counted by newlines (as editors and tomllib count them)."""
    return [text.count("\n", 0, m.start()) + 1 for m in re.finditer(r"(?m)(?<![^\n])\[\[event\]\]\n", text)]


# 29 types: a quarter of the profile's examples for each keeps the whole at a few profiles' worth
@pytest.mark.parametrize("name", list(ev.EVENT_TYPES))
@settings(max_examples=max(10, settings.default.max_examples // 4))
@given(data=st.data())
def test_every_event_type_round_trips(name, data):
    events = data.draw(st.lists(event_of(ev.EVENT_TYPES[name]), min_size=1, max_size=3, unique_by=lambda e: e.id))
    for fmt, (dumps, parse) in FORMATS.items():
        assert parse(dumps(events)).events == tuple(events), fmt


@pytest.mark.parametrize("fmt", FORMATS)
def test_line_breaking_characters_inside_strings(fmt):
    # U+2028, U+2029 and U+0085 are line breaks to str.splitlines() but not to TOML or JSON Lines
    odd = "a\u2028b\u2029c\x85d\x0be\x1cf\r\ng"
    # names (by, sources) refuse control characters (U+0085, U+000B, U+001C, CR, LF): a row would split; the
    # separators U+2028 and U+2029 are no control characters and stay
    name = "a\u2028b\u2029c"
    d = datetime.date(2017, 1, 1)
    events = [ev.StatementMade(id=f"s{i}", date=d, actor="USA", target="RUS", summary=odd, by=name,
                               sources=("public record: " + name,)) for i in range(3)]
    dumps, parse = FORMATS[fmt]
    text = dumps(events)
    log = parse(text)
    assert log.events == tuple(events)
    want = _header_lines(text) if fmt == "toml" else [1, 2, 3]
    assert [log.lines[e.id] for e in events] == want


@given(events=valid_logs(max_events=40))
def test_valid_logs_round_trip_and_replay_the_same(events):
    for dumps, parse in FORMATS.values():
        back = parse(dumps(events)).events
        assert back == tuple(events)
        assert fold(back) == fold(events)


@given(events=st.lists(st.one_of(event_of(ev.PostOpened), event_of(ev.MissionEstablished),
                                 event_of(ev.SanctionsImposed), event_of(ev.StatementMade)), max_size=6,
                       unique_by=lambda e: e.id))
def test_lines_name_each_events_header(events):
    text = dumps_toml(events)
    log = parse_toml(text)
    assert [log.lines[e.id] for e in events] == _header_lines(text)
    text = dumps_jsonl(events)
    assert [parse_jsonl(text).lines[e.id] for e in events] == list(range(1, len(events) + 1))


def test_real_log_round_trips_through_files(real_log, tmp_path):
    for suffix in (".toml", ".jsonl"):
        path = tmp_path / ("copy" + suffix)
        write_log(real_log.events, path, real_log.title, real_log.description)
        back = load_log(path)
        assert back.events == real_log.events
        assert fold(back) == fold(real_log)
    assert load_log(tmp_path / "copy.toml").title == real_log.title
    assert not list(tmp_path.glob("*.tmp"))


def test_real_log_lines_point_at_each_event(real_log):
    text = real_log.path and open(real_log.path, encoding="utf-8").read()
    lines = text.split("\n")
    for e in real_log.events:
        n = real_log.lines[e.id]
        assert lines[n - 1].strip() == "[[event]]"
        assert lines[n].strip() == f'id = "{e.id}"'

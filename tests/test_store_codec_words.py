"""The store's codec at its edges, from its docstrings: dates of exactly ten characters and a cache of at most
DATES_KEPT of them, the description of every kind of type, the plain form of every kind of stored value, and each
refusal of a payload, word for word; written in one systematic pass over codec.py (issue #13)."""
from __future__ import annotations

import datetime
import json

import attrs
import pytest
from store_writer import event_at

from diplosim.core import events as ev
from diplosim.store import codec

DAY = datetime.date(2017, 1, 4)


# --- dates ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["20170104", "2017-1-4", "2017-01-04T00", " 2017-01-04", b"2017-01-04", None, 20170104])
def test_a_stored_date_is_ten_characters_of_text(text):
    codec.DATES.pop(text, None) if isinstance(text, str) else None
    with pytest.raises(ValueError) as info:
        codec.parse_date(text)
    assert str(info.value) == f"bad date {text!r}"


def test_the_cache_of_dates_holds_at_most_dates_kept(monkeypatch):
    monkeypatch.setattr(codec, "DATES", {})
    monkeypatch.setattr(codec, "DATES_KEPT", 3)
    days = [(DAY + datetime.timedelta(days=i)).isoformat() for i in range(4)]
    for d in days[:3]:
        codec.parse_date(d)
    assert list(codec.DATES) == days[:3]
    assert codec.parse_date(days[1]) == DAY + datetime.timedelta(days=1) and len(codec.DATES) == 3  # a hit adds none
    assert codec.parse_date(days[3]) == DAY + datetime.timedelta(days=3)
    assert list(codec.DATES) == days[3:]  # full: it started again


# --- descriptions of types (the shape stored beside the data) ------------------------------------------------------

@pytest.mark.parametrize("tp, desc", [
    (datetime.date, "date"), (int, "int"), (str, "str"), (bool, "bool"), (float, "float"), (type(None), "null"),
    (int | None, {"optional": "int"}), (datetime.date | None, {"optional": "date"}),
    (tuple[str, ...], {"tuple": "str"}), (tuple[int, str], {"fixed": ["int", "str"]}), (tuple[int], {"fixed": ["int"]}),
    (list[int], {"list": "int"}), (set[str], {"set": "str"}), (frozenset[int], {"frozenset": "int"}),
    (dict[str, int], {"dict": ["str", "int"]}),
    (ev.Post, {"class": "Post", "fields": [["name", "str"], ["kind", "str"]]}),
])
def test_each_kind_of_type_is_described(tp, desc):
    assert codec.describe(tp) == desc


@pytest.mark.parametrize("tp", [int | str, int | str | None, bytes, complex])
def test_a_type_the_store_cannot_encode_is_named(tp):
    with pytest.raises(TypeError) as info:
        codec.describe(tp)
    assert str(info.value) == f"the store cannot encode values of type {tp!r}"


# --- stored values in plain form (reading an older shape by name) ---------------------------------------------------

@pytest.mark.parametrize("value, desc, plain", [
    ("x", "str", "x"), (None, {"list": "int"}, None), (3, {"optional": "int"}, 3),
    ([1, 2], {"tuple": "int"}, [1, 2]), ([1], {"list": "int"}, [1]), ([1], {"set": "int"}, [1]),
    ([1], {"frozenset": "int"}, [1]), ([1, "a"], {"fixed": ["int", "str"]}, [1, "a"]),
    ([["a", 1]], {"dict": ["str", "int"]}, [["a", 1]]),
    (["Embassy", "embassy"], {"class": "Post", "fields": [["name", "str"], ["kind", "str"]]},
     {"name": "Embassy", "kind": "embassy"}),
    ([["Embassy", "embassy"]], {"tuple": {"class": "Post", "fields": [["name", "str"], ["kind", "str"]]}},
     [{"name": "Embassy", "kind": "embassy"}]),
])
def test_each_kind_of_stored_value_has_its_plain_form(value, desc, plain):
    assert codec.to_plain(value, desc) == plain


def test_a_description_of_no_known_kind_is_refused():
    with pytest.raises(ValueError) as info:
        codec.to_plain([1], {"bag": "int"})
    assert str(info.value) == "unknown type description {'bag': 'int'}"


# --- payloads refused, word for word --------------------------------------------------------------------------------

def _expelled() -> tuple[codec.EventCodec, list]:
    c = codec.event_codec("DiplomatsExpelled")
    e = ev.DiplomatsExpelled(id="x", date=DAY, actor="USA", target="RUS", count=35, sources=("public record: t",))
    return c, json.loads(c.encode(e))


def test_a_payload_by_name_of_an_unknown_type_a_newer_version_or_too_many_values_is_refused():
    c, v = _expelled()
    cases = [(("Nope", 1, c.shape), "unknown event type 'Nope'"),
             (("DiplomatsExpelled", c.version + 1, c.shape),
              f"DiplomatsExpelled version {c.version + 1} is newer than this diplosim knows ({c.version}): upgrade "
              f"diplosim"),
             (("DiplomatsExpelled", c.version, json.dumps(json.loads(c.shape)[:2])),
              f"{len(v)} values for a shape of 2 fields")]
    for (type_name, version, shape), words in cases:
        with pytest.raises(ValueError) as info:
            codec.decode_by_shape(type_name, version, shape, "x", DAY.isoformat(), v)
        assert str(info.value) == words
    # exactly as many values as the shape has fields is read
    shape = json.dumps(json.loads(c.shape)[:len(v)])
    assert codec.decode_by_shape("DiplomatsExpelled", c.version, shape, "x", DAY.isoformat(), v).count == 35


def test_an_older_version_goes_through_each_upcaster_in_turn(monkeypatch):
    c, v = _expelled()
    monkeypatch.setitem(codec.TYPE_VERSIONS, "DiplomatsExpelled", c.version + 2)
    seen = []
    monkeypatch.setitem(codec.UPCASTERS, ("DiplomatsExpelled", c.version), lambda f: seen.append(1) or dict(f, count=36))
    with pytest.raises(ValueError) as info:
        codec.decode_by_shape("DiplomatsExpelled", c.version, c.shape, "x", DAY.isoformat(), v)
    assert str(info.value) == f"no upcaster from DiplomatsExpelled version {c.version + 1} to {c.version + 2}"
    monkeypatch.setitem(codec.UPCASTERS, ("DiplomatsExpelled", c.version + 1), lambda f: dict(f, count=f["count"] + 1))
    assert codec.decode_by_shape("DiplomatsExpelled", c.version, c.shape, "x", DAY.isoformat(), v).count == 37
    assert len(seen) == 2


def test_a_payload_that_makes_a_bad_event_is_refused_with_the_log_s_words():
    c, v = _expelled()
    v[0] = -1  # a negative count
    with pytest.raises(ValueError) as info:
        codec.decode_by_shape("DiplomatsExpelled", c.version, c.shape, "x", DAY.isoformat(), v)
    assert "count" in str(info.value)


def test_the_fast_decoder_refuses_a_scalar_of_the_wrong_type_and_a_payload_too_short():
    c, v = _expelled()
    wrong = [("x", *v[1:]), (True, *v[1:])]  # a count that is text, or true
    for values in wrong:
        with pytest.raises(TypeError) as info:
            c.decode("x", DAY, list(values))
        assert str(info.value) == f"field count: unexpected value {values[0]!r}"
    required = 1 + max(i for i, n in enumerate(c.order)
                       if attrs.fields_dict(ev.DiplomatsExpelled)[n].default is attrs.NOTHING)
    with pytest.raises(ValueError) as info:
        c.decode("x", DAY, v[:required - 1])
    assert str(info.value) == f"want {required} to {len(c.order)} values for DiplomatsExpelled, got {required - 1}"
    assert c.decode("x", DAY, v[:required]).count == 35


def test_an_optional_scalar_may_be_null_but_not_of_another_type():
    c = codec.event_codec("MissionEstablished")
    e = event_at(0)
    v = json.loads(c.encode(attrs.evolve(e, staff_min=400, staff=None)))
    at = c.order.index("staff_min")
    assert c.decode(e.id, e.date, v).staff_min == 400
    v[at] = "400"
    with pytest.raises(TypeError) as info:
        c.decode(e.id, e.date, v)
    assert str(info.value) == "field staff_min: unexpected value '400'"


def test_a_default_written_out_by_an_older_shape_counts_as_left_out():
    # _same: a tuple default is the same as the empty list a log would hold, a False default is not the same as 0
    assert codec._same([], ()) and codec._same((), ())
    assert not codec._same([1], ())
    assert codec._same(False, False) and not codec._same(0, False) and not codec._same(None, False)


# --- the text of a snapshot's records, reused while the record is the same object under the same key --------------

def test_a_record_s_text_is_reused_only_for_the_same_object_under_the_same_key():
    from diplosim.store.snapshot_text import SnapshotText

    calls = []
    encode = codec._class_encoder(ev.Post)

    def counted(record):
        calls.append(record)
        return encode(record)
    post, other = ev.Post("Embassy", "embassy"), ev.Post("Consulate", "consulate")
    t = SnapshotText()
    assert t._rec(post, counted, "a", str) == '["a",["Embassy","embassy"]]'
    assert t._rec(other, counted) == '["Consulate","consulate"]'
    t._texts, t._next = t._next, {}  # the next snapshot
    assert t._rec(post, counted, "a", str) == '["a",["Embassy","embassy"]]' and len(calls) == 2  # reused
    assert t._rec(post, counted, "b", str) == '["b",["Embassy","embassy"]]' and len(calls) == 3  # another key
    t._texts[id(other)] = (post, None, "stale")  # another object that had the same id
    assert t._rec(other, counted) == '["Consulate","consulate"]' and len(calls) == 4


def test_the_text_of_successive_snapshots_equals_the_plain_encoding():
    from diplosim.core.fold import apply_in_place
    from diplosim.store import snapshots
    from diplosim.store.snapshot_text import SnapshotText

    s, t = snapshots.working_state(), SnapshotText()
    for i in range(120):
        apply_in_place(s, event_at(i))
        if i % 7 == 0:
            assert t.encode(s) == codec.encode_snapshot(s)

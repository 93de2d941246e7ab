"""The store's replays keep no history in memory: resolutions and claims come back from the store when first used,
equal to the fold's; snapshots leave them out and are encoded incrementally, byte for byte as the plain encoder;
the synthetic generator keeps what is in force bounded (so a long log's state stays flat)."""
from __future__ import annotations

import copy
import pickle

import pytest

from diplosim.core.fold import apply_all_in_place, fold
from diplosim.core.state import StoredHistory
from diplosim.store import codec, open_store, snapshots
from diplosim.store.snapshot_text import SnapshotText
from diplosim.tooling import synthetic


@pytest.fixture(scope="module")
def log():
    return list(synthetic.generate(3000, n_countries=6, seed=4))


def _stored(tmp_path, events, **kw) -> str:
    path = str(tmp_path / "s.db")
    with open_store(path, **kw) as s:
        for i in range(0, len(events), 700):
            s.append("main", events[i:i + 700])
    return path


def test_a_replay_keeps_no_history_until_used_and_then_has_the_folds(tmp_path, log):
    want = fold(log, check_ids=False)
    assert want.resolved and want.claims  # the log has both, or the test proves nothing
    path = _stored(tmp_path, log)
    with open_store(path, readonly=True) as s:
        got = s.replay("main")
        assert list.__len__(got.resolved) == list.__len__(got.claims) == 0  # nothing held after the replay
        assert (got.missions, got.open_items, got.sanctions) == (want.missions, want.open_items, want.sanctions)
    # used after the store was closed: read again through a connection of its own
    assert got.resolved == want.resolved and got.claims == want.claims
    assert got == want


def test_a_state_at_a_date_has_the_history_up_to_that_date(tmp_path, log):
    path = _stored(tmp_path, log, snapshot_every=500)
    day = log[2000].date
    want = fold(log, until=day, check_ids=False)
    with open_store(path, readonly=True) as s:
        got = s.state_at("main", day)
        assert len(got.resolved) == len(want.resolved) and list(got.claims) == want.claims
    assert got == want


@pytest.mark.parametrize("use", ["deepcopy", "pickle", "copy", "len", "append"])
def test_a_stored_history_loads_before_any_use(use):
    calls = []

    def load():
        calls.append(1)
        return [1, 2]
    h = StoredHistory(load=load)
    if use == "deepcopy":
        assert copy.deepcopy(h) == [1, 2] and type(copy.deepcopy(h)) is list
    elif use == "pickle":
        assert pickle.loads(pickle.dumps(h)) == [1, 2]
    elif use == "copy":
        assert copy.copy(h) == [1, 2]
    elif use == "len":
        assert len(h) == 2 and h[-1] == 2 and 1 in h
    else:  # appended before use: after the loaded entries, as the fold would have appended it
        h.append(3)
        assert h == [1, 2, 3]
    assert calls == [1]


def test_incremental_snapshot_text_equals_the_plain_encoding():
    events = list(synthetic.generate(4000, n_countries=4, seed=9, profile=synthetic.EDGE))
    s, text = snapshots.working_state(), SnapshotText()
    for i in range(0, len(events), 150):
        apply_all_in_place(s, events[i:i + 150])
        assert text.encode(s) == codec.encode_snapshot(s)
    back = codec.decode_snapshot(codec.encode_snapshot(s))
    assert (back.missions, back.properties, back.deadlines) == (s.missions, s.properties, s.deadlines)


def test_the_generator_keeps_what_is_in_force_bounded():
    profile = synthetic.Profile(open_per_country=2, sanctions_per_country=3, designations_per_country=1,
                                properties_per_pair=1, posts_per_mission=3)
    k = 3
    events = list(synthetic.generate(20000, n_countries=k, seed=2, profile=profile))
    s = fold(events)  # valid: no rule broken
    assert len(s.open_items) <= 2 * k and len(s.sanctions) <= 3 * k and len(s.designations) <= 1 * k
    assert len(s.properties) <= k * (k - 1) and all(len(m.posts) <= 3 for m in s.missions.values())
    # and the bounds bind: the same log without them holds more
    loose = fold(synthetic.generate(20000, n_countries=k, seed=2))
    assert len(loose.open_items) > 2 * k and len(loose.sanctions) > 3 * k
    assert any(e.resolves and e.category == "speech" and e.type != "ProposalDeclined" for e in events)


def test_a_replay_reads_with_a_small_page_cache_and_gives_the_usual_one_back(tmp_path, log):
    """A replay reads each page once: SQLite's page cache would only fill with the stream.  The statements SQLite
    runs, traced, show the small cache set before the first page is read and the usual one set again after."""
    from diplosim.store import context

    assert context.SCAN_CACHE_KIB < context.CACHE_KIB
    path = _stored(tmp_path, log)
    with open_store(path, readonly=True) as s:
        conn = s._ctx.conn
        seen: list[str] = []
        conn.set_trace_callback(seen.append)
        got = s.replay("main")
        conn.set_trace_callback(None)
        assert conn.execute("PRAGMA cache_size").fetchone()[0] == -context.CACHE_KIB
    small = seen.index(f"PRAGMA cache_size = -{context.SCAN_CACHE_KIB}")
    usual = seen.index(f"PRAGMA cache_size = -{context.CACHE_KIB}")
    pages = [i for i, q in enumerate(seen) if "FROM events" in q]
    assert pages and small < min(pages) and max(pages) < usual
    assert got == fold(log, check_ids=False)


def test_the_cache_of_parsed_dates_stays_bounded_over_a_log_of_many_dates(tmp_path, log, monkeypatch):
    """A log spanning more distinct dates than the cache keeps replays to the same state, and the cache never holds
    more than its bound (it grew with every date of the log before).  The bound is lowered for the test: the
    shipped one (thousands of dates) would need a log of tens of thousands of events."""
    monkeypatch.setattr(codec, "DATES_KEPT", 100)
    days = {e.date for e in log}
    assert len(days) > 2 * codec.DATES_KEPT  # the log must overflow the cache, or this proves nothing
    path = _stored(tmp_path, log)
    codec.DATES.clear()
    sizes = []
    real = codec.parse_date

    def watched(text):
        sizes.append(len(codec.DATES))
        return real(text)

    monkeypatch.setattr(codec, "parse_date", watched)
    with open_store(path, readonly=True) as s:
        got = s.replay("main")
        assert [e.date for e in s.read("main")] == [e.date for e in log]
    assert sizes and max(sizes) <= codec.DATES_KEPT and 0 < len(codec.DATES) <= codec.DATES_KEPT
    assert got == fold(log, check_ids=False)


def test_a_state_at_a_date_decodes_its_snapshot_without_the_cyclic_collector(tmp_path, log, monkeypatch):
    """Decoding a snapshot makes thousands of young objects and no cycles: the collector's passes over them (and
    over everything else the process holds) were a fifth of a query.  With the collector made to run at every
    allocation, no pass starts while the snapshot is decoded, and the collector is on again after the query."""
    import gc

    path = _stored(tmp_path, log, snapshot_every=500)
    day = log[2200].date
    inside, passes, calls = [], [], []
    decode = codec.decode_snapshot

    def watched(body):
        calls.append(1)
        inside.append(1)
        try:
            return decode(body)
        finally:
            inside.pop()

    def count(phase, info):
        if phase == "start" and inside:
            passes.append(info["generation"])

    monkeypatch.setattr(codec, "decode_snapshot", watched)
    with open_store(path, readonly=True) as s:
        before = gc.get_threshold()
        gc.callbacks.append(count)
        gc.set_threshold(1, 1, 1)
        try:
            got = s.state_at("main", day)
        finally:
            gc.set_threshold(*before)
            gc.callbacks.remove(count)
        assert gc.isenabled()
    assert passes == []
    assert calls  # a snapshot was decoded, or the test proves nothing
    assert got == fold(log, until=day, check_ids=False)

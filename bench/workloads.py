"""The workloads of issue 7, each timed against its baseline in the same run and checked for correctness.

Each workload is a function ``(bench) -> list[Row]``; :data:`WORKLOADS` lists them in the order of the table.
A workload whose diplosim side does not exist yet measures its peer and reports "not there yet"; a peer that is
not installed gives a row with a note instead of a figure.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from attrs import define, field

from . import axelrod_peer, checks, es_peer
from .data import as_pairs, fold_pairs, gdelt_file, random_dates, synthetic_events
from .harness import Row, child, interleaved, rate, secs, timed, wall

NOT_YET = "not there yet"


@define
class Bench:
    """Settings of one run and what the workloads share (the log, the peers' recorded events)."""
    quick: bool
    events: int
    runs: int
    starts: int
    batch: int
    queries: int
    seed: int
    peers: bool = True
    budget: float = 120.0  # seconds a workload of many queries may take before it stops early
    tmp: Path = field(factory=lambda: Path(tempfile.mkdtemp(prefix="diplosim-bench-")))
    log: Callable[[str], None] = print
    shared: dict[str, Any] = field(factory=dict)

    def synthetic(self, n: int | None = None) -> list:
        return synthetic_events(n or self.events, self.seed)

    def peer(self, module: Any) -> str | None:
        """Why a peer cannot run (not installed, or --no-peers), or None."""
        if not self.peers:
            return "peers skipped (--no-peers)"
        return module.MISSING

    def es_events(self, n: int | None = None) -> tuple[Any, list]:
        """The eventsourcing aggregate's id and domain events for the first ``n`` synthetic events (cached)."""
        n = n or self.events
        key = ("es", n)
        if key not in self.shared:
            self.log(f"  (building {n:,} eventsourcing domain events)")
            self.shared[key] = es_peer.domain_events(self.synthetic(n))
        return self.shared[key]

    def es_sqlite(self, n: int | None = None) -> tuple[str, Any]:
        """An eventsourcing SQLite database holding the aggregate's ``n`` events, and the aggregate's id."""
        n = n or self.events
        key = ("es-sqlite", n)
        if key not in self.shared:
            agg_id, events = self.es_events(n)
            db = str(self.tmp / f"es-{n}.db")
            es_peer.record(es_peer.application(db), events, self.batch)
            self.shared[key] = (db, agg_id)
        return self.shared[key]

    def cleanup(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


def _ratio_row(workload: str, ours: float | None, theirs: float | None, *, unit: str, n: int, against: str,
               target: float, higher: bool = True, note: str = "", ours_text: str | None = None) -> Row:
    """A row comparing two durations for ``n`` items: throughputs and ``ours/theirs`` speed ratio."""
    d = NOT_YET if ours is None else (ours_text or rate(n, ours, unit))
    b = "-" if theirs is None else rate(n, theirs, unit)
    ratio = None if ours is None or theirs is None else theirs / ours
    met = None if ratio is None else (ratio >= target if higher else ratio <= target)
    tgt = f">= {target:g}x" if higher else f"<= {target:g}x"
    return Row(workload, d, b, against, ratio, tgt, met, note,
               {"diplosim_s": ours, "baseline_s": theirs, "n": n})


# --- 1. replay from memory ----------------------------------------------------------------------------------------


def replay_memory(b: Bench) -> list[Row]:
    from diplosim.core.fold import fold

    n = b.events
    events = b.synthetic()
    bare_pairs = as_pairs(events)
    sides = {"diplosim": lambda: fold(events), "bare": lambda: fold_pairs(bare_pairs)}
    w = f"replay {n:,} events from memory"
    why = b.peer(es_peer)
    app = None
    if why is None:
        agg_id, es_events = b.es_events()
        app = es_peer.application()
        es_peer.record(app, es_events, b.batch)
        sides["eventsourcing"] = lambda: es_peer.rebuild(app, agg_id)
    t = interleaved(sides, b.runs)
    ours, bare, theirs = t["diplosim"], t["bare"], t.get("eventsourcing")
    del app, sides
    checks.replay(events, ours.result)
    b.shared["fold", n] = ours.result
    if theirs is not None:
        checks.baselines_agree(es_peer.staff(theirs.result), bare.result)
    gc_note = "the fold pauses the cyclic garbage collector during its loop (it makes no reference cycles)"
    return [
        _ratio_row(w, ours.median, theirs and theirs.median, unit="events/s", n=n,
                   against="eventsourcing: rebuild aggregate (in memory)", target=15,
                   note="; ".join(filter(None, [why, gc_note]))),
        _ratio_row(w, ours.median, bare.median, unit="events/s", n=n, against="bare fold of tuples into a dict",
                   target=0.1),
    ]


# --- 2. the store: append, replay, peak memory, time travel -------------------------------------------------------


def append(b: Bench) -> list[Row]:
    n = b.events
    w = f"append {n:,} events (batches of {b.batch:,})"
    why = b.peer(es_peer)
    theirs = None
    if why is None:
        agg_id, es_events = b.es_events()
        paths = iter(range(10 ** 6))

        def fresh_es():
            return es_peer.application(str(b.tmp / f"es-append-{next(paths)}.db"))

        theirs = timed(lambda app: es_peer.record(app, es_events, b.batch), b.runs, setup=fresh_es)
    ours, note = None, why or ""
    if checks.has("diplosim.store"):
        from . import store_side

        events = b.synthetic()
        k = iter(range(10 ** 6))

        def fresh():
            return str(b.tmp / f"append-{next(k)}.db")

        dbs = []
        t = timed(lambda db: dbs.append(store_side.append(db, events, b.batch)), b.runs, setup=fresh)
        ours = t.median
        checks.read_back(events, store_side.read_all(dbs[-1]))
        b.shared["store", n] = dbs[-1]
    else:
        note = "diplosim/store.py " + NOT_YET + ("; " + note if note else "")
    return [_ratio_row(w, ours, theirs and theirs.median, unit="events/s", n=n,
                       against="eventsourcing: SQLite recording", target=5, note=note)]


def _store_db(b: Bench, n: int) -> str:
    from . import store_side

    key = ("store", n)
    if key not in b.shared:
        db = str(b.tmp / f"store-{n}.db")
        store_side.append(db, b.synthetic(n), b.batch)
        b.shared[key] = db
    return b.shared[key]


def replay_store(b: Bench) -> list[Row]:
    n, small = b.events, max(1, b.events // 10)
    w = f"replay {n:,} events from SQLite"
    why = b.peer(es_peer)
    theirs, es_peak = None, {}
    sides: dict[str, Callable[[], Any]] = {}
    if why is None:
        es_db, agg_id = b.es_sqlite()
        app = es_peer.application(es_db)
        sides["eventsourcing"] = lambda: es_peer.rebuild(app, agg_id)
    ours, note, peaks = None, why or "", {}
    if checks.has("diplosim.store"):
        from . import store_side

        db = _store_db(b, n)
        sides["diplosim"] = lambda: store_side.replay(db)
    else:
        note = "diplosim/store.py " + NOT_YET + ("; " + note if note else "")
    t = interleaved(sides, b.runs)
    if "eventsourcing" in t:
        theirs = t["eventsourcing"]
        if theirs.result.version != n + 1:
            raise checks.CheckFailed(f"eventsourcing rebuilt {theirs.result.version - 1} of {n} events")
        del app
        for size in (small, n):
            db_s, id_s = b.es_sqlite(size)
            es_peak[size] = child("es-sqlite-replay", db_s, str(id_s))["peak_mb"]
    if "diplosim" in t:
        from diplosim.core.fold import fold

        ours = t["diplosim"].median
        want = b.shared.get(("fold", n))
        checks.same_state(t["diplosim"].result, want if want is not None else fold(b.synthetic()),
                          "replay from the store")
        for size in (small, n):
            peaks[size] = child("store-replay", _store_db(b, size))
    del t, sides
    rows = [_ratio_row(w, ours, theirs and theirs.median, unit="events/s", n=n,
                       against="eventsourcing: rebuild aggregate from SQLite", target=10, note=note)]
    mem_w = f"peak memory of a store replay, {small:,} vs {n:,} events"
    es_text = " vs ".join(f"{es_peak[s]:.0f} MB" for s in (small, n)) if es_peak else "-"
    if peaks:
        lo, hi = peaks[small]["peak_mb"], peaks[n]["peak_mb"]
        flat = hi - lo <= max(10.0, 0.1 * lo)
        met = hi <= 100 and flat
        held = " vs ".join(f"{peaks[s_]['rss_end_mb']:.0f}" for s_ in (small, n))
        mem_note = (f"peak RSS of a fresh process per figure (VmHWM of /proc/self/status, read by the child), "
                    f"interpreter included: {peaks[n]['rss_start_mb']:.0f} MB after imports, {held} MB resident "
                    f"at the end with the final state held; flat = the larger stream's peak within max(10 MB, "
                    f"10%) of the smaller's")
        rows.append(Row(mem_w, f"{lo:.0f} MB vs {hi:.0f} MB", es_text, "eventsourcing: same replay, same sizes",
                        hi / es_peak[n] if es_peak else None, "<= 100 MB, flat", met, mem_note,
                        {"diplosim_mb": [lo, hi], "eventsourcing_mb": [es_peak.get(small), es_peak.get(n)],
                         "diplosim_end_mb": [peaks[small]["rss_end_mb"], peaks[n]["rss_end_mb"]]}))
    else:
        rows.append(Row(mem_w, NOT_YET, es_text, "eventsourcing: same replay, same sizes", None, "<= 100 MB, flat",
                        None, "diplosim/store.py " + NOT_YET, {"eventsourcing_mb": list(es_peak.values())}))
    return rows


def store_memory(b: Bench) -> list[Row]:
    """Peak memory of a store replay at three sizes, a hundredfold apart: ``--events 10000000`` gives 100,000,
    1,000,000 and 10,000,000.  Each store is written by a child streaming the generator (the harness never holds
    the log: ten million events would take some 6 GB), and each replay runs in a fresh process."""
    sizes = sorted({max(1000, b.events // 100), max(1000, b.events // 10), b.events})
    w = "peak memory of a store replay, " + " vs ".join(f"{s:,}" for s in sizes) + " events (streamed stores)"
    if not checks.has("diplosim.store"):
        return [Row(w, NOT_YET, "-", "the smallest store's peak", None, "<= 100 MB, flat", None,
                    "diplosim/store.py " + NOT_YET)]
    # The calendar moves more slowly in a log longer than a million events, so that it spans the same centuries
    # (ten million events at the usual pace would run past the last day diplosim keeps); all sizes share the pace.
    from diplosim.tooling.synthetic import REALISTIC

    advance = REALISTIC.p_advance * min(1.0, 1_000_000 / sizes[-1])
    peaks = {}
    for size in sizes:
        db = str(b.tmp / f"streamed-{size}.db")
        built = child("build-store", db, str(size), str(b.seed), str(b.batch), repr(advance), timeout=4 * 3600)
        if built["events"] != size:
            raise checks.CheckFailed(f"the streamed store holds {built['events']} of {size} events")
        peaks[size] = child("store-replay", db, timeout=3600)
        if peaks[size]["events"] != size:
            raise checks.CheckFailed(f"the replay applied {peaks[size]['events']} of {size} events")
        os.remove(db)
    lo, hi = peaks[sizes[0]]["peak_mb"], max(p["peak_mb"] for p in peaks.values())
    flat = hi - lo <= max(10.0, 0.1 * lo)
    note = (f"peak RSS of a fresh process per size (VmHWM), interpreter included ({peaks[sizes[-1]]['rss_start_mb']:.0f}"
            f" MB after imports); flat = the largest peak within max(10 MB, 10%) of the smallest store's; the "
            f"synthetic calendar moves before {advance:.1%} of the events (10% up to 1,000,000 events)")
    return [Row(w, " vs ".join(f"{peaks[s]['peak_mb']:.0f}" for s in sizes) + " MB", f"{lo:.0f} MB",
                "the smallest store's peak", hi / lo, "<= 100 MB, flat", hi <= 100 and flat, note,
                {"sizes": sizes, "peak_mb": [peaks[s]["peak_mb"] for s in sizes],
                 "end_mb": [peaks[s]["rss_end_mb"] for s in sizes]})]


def time_travel(b: Bench) -> list[Row]:
    import statistics

    from diplosim.core.fold import fold
    from diplosim.core.timeline import Timeline

    n = b.events
    events = b.synthetic()
    dates = random_dates(events, b.queries, b.seed)
    w = f"state at {b.queries:,} random dates of {n:,} events"
    against = "a full replay per query (fold until the date)"
    # the baseline: a full replay per query, timed on the first of the same dates (3 per run: the cost of a replay
    # grows with its date, so a median of few dates would swing with where they fall)
    sample = iter(dates)
    full = timed(lambda d: fold(events, until=d), 3 * b.runs, setup=lambda: next(sample))
    keep = 10 if b.quick else 3  # each checked against a fold until its date

    # in memory: a Timeline (checkpoints every 1,000 events) built once, then one query per date
    built = timed(lambda: Timeline(events), b.runs)
    times, states = _timed_queries(built.result.at, dates, keep)
    checks.state_queries(events, dates, states)
    build_s = built.median
    del built, states
    rows = []
    per_query = statistics.median(times)
    ratio = per_query / full.median
    built_s = (build_s + sum(times)) / len(times)
    rows.append(Row(w + " (Timeline, in memory)", secs(per_query) + " per query", secs(full.median) + " per query",
                    against, ratio, "<= 0.01x per query", ratio <= 0.01,
                    f"median of all {len(times):,} queries, each timed alone (Timeline.at), against the median of "
                    f"{3 * b.runs} folds until the first dates; building the timeline once took {secs(build_s)} (median of {b.runs}), {secs(built_s)} per query with the build "
                    f"spread over the {len(times):,} queries ({built_s / full.median:.3f}x)",
                    {"diplosim_s": per_query, "baseline_s": full.median, "build_s": build_s,
                     "with_build_s": built_s, "queries_timed": len(times)}))
    if not checks.has("diplosim.store"):
        return rows
    from . import store_side

    db = _store_db(b, n)
    loaded = timed(lambda: store_side.timeline(db), 1)
    loaded_s = loaded.median
    t_times, t_states = _timed_queries(loaded.result.at, dates, keep)
    checks.state_queries(events, dates, t_states)
    del loaded, t_states
    times, states = store_side.timed_states(db, dates, keep=keep, budget=b.budget)
    checks.state_queries(events, dates, states)
    per_query = statistics.median(times)
    ratio = per_query / full.median
    done = "all" if len(times) == len(dates) else f"the first {len(times):,} (time budget {b.budget:.0f} s)"
    rows.append(Row(w + " (SQLite store)", secs(per_query) + " per query", secs(full.median) + " per query",
                    against, ratio, "<= 0.01x per query", ratio <= 0.01,
                    f"median of {done} queries, each timed alone on one open store (Store.state_at: the nearest "
                    f"snapshot decoded, then the events after it); the baseline is the median of {3 * b.runs} folds "
                    f"until the first dates; read once into a timeline instead (Store.timeline: "
                    f"{secs(loaded_s)} to read and build), the same store answers in {secs(statistics.median(t_times))} "
                    f"per query ({statistics.median(t_times) / full.median:.4f}x)",
                    {"diplosim_s": per_query, "baseline_s": full.median, "queries_timed": len(times)}))
    return rows


def _timed_queries(query: Callable[[Any], Any], dates: list, keep: int) -> tuple[list[float], list]:
    """Seconds of each ``query(date)`` alone, and the first ``keep`` answers (the rest are dropped untimed)."""
    clock = time.perf_counter
    times, kept = [], []
    for i, d in enumerate(dates):
        t0 = clock()
        s = query(d)
        times.append(clock() - t0)
        if i < keep:
            kept.append(s)
        del s
    return times, kept


# --- 3. matches and tournaments -----------------------------------------------------------------------------------


def _inner(quick: bool, full: int) -> int:
    return max(1, full // 5) if quick else full


def binary_match(b: Bench) -> list[Row]:
    rounds = 1000
    w = f"match, {rounds:,} rounds, tit-for-tat vs tit-for-tat"
    why = b.peer(axelrod_peer)
    theirs = None
    if why is None:
        theirs = timed(lambda: axelrod_peer.match("TitForTat", "TitForTat", rounds), b.runs, inner=_inner(b.quick, 20))
    ours, note = None, why or ""
    if checks.has("diplosim.play.tournament"):
        from diplosim.play.strategies import get
        from diplosim.play.tournament import match

        tft = get("tit-for-tat")
        t = timed(lambda: match(tft, tft, rounds), b.runs, inner=_inner(b.quick, 200))
        ours = t.median
        checks.match_moves(t.result.moves, "tit-for-tat", "tit-for-tat", rounds)
        if theirs is not None:
            checks.axelrod_moves(t.result.moves, theirs.result)
    else:
        note = "diplosim/tournament.py " + NOT_YET + ("; " + note if note else "")
    return [_ratio_row(w, ours, theirs and theirs.median, unit="turns/s", n=rounds, against="axelrod: Match.play",
                       target=1, note=note)]


TOURNAMENT_SHAPE = dict(rounds=200, repetitions=10, noise=0.05)


def tournament_times(side: str, runs: int, seed: int) -> dict[str, Any]:
    """Time the tournament of :data:`checks.TOURNAMENT` (shape :data:`TOURNAMENT_SHAPE`) ``runs`` times.

    ``side`` "diplosim": per run, on 1 process and on a 2-process pool started (and warmed up) before the timing,
    taking turns so that drift of the machine hits both alike; then on a fresh pool each run, its start timed
    too; with the ranked rows of the last runs.  ``side`` "axelrod": axelrod's Tournament played in its process.  Run by
    :mod:`bench.child` in a fresh process, as a user's ``diplosim tournament`` runs: a worker forked from the
    harness (holding a million events, and torch once axelrod is imported) would pay for the harness's memory.
    """
    import time

    clock = time.perf_counter
    s = TOURNAMENT_SHAPE
    if side == "axelrod":
        names = [cls for _, cls in checks.TOURNAMENT]
        t = timed(lambda: axelrod_peer.tournament(names, s["rounds"], s["repetitions"], s["noise"], seed), runs)
        return {"one": list(t.samples), "ranked": t.result}
    from diplosim.play import executors
    from diplosim.play import tournament as tm
    from diplosim.play.strategies import get

    strategies = [get(name) for name, _ in checks.TOURNAMENT]
    out: dict[str, Any] = {"one": [], "two": [], "warm": []}
    # a pool started and warmed up (its workers have played before: a forked worker's first runs also pay for
    # copying the pages it touches), taking turns with the one-process run
    with tm.executor(processes=2) as ex:
        for _ in range(3):
            tm.tournament(strategies, seed=seed, executor=ex, **s)
        for _ in range(runs):
            t0 = clock()
            out["rows_one"] = tm.tournament(strategies, seed=seed, **s).rows
            t1 = clock()
            out["rows_two"] = tm.tournament(strategies, seed=seed, executor=ex, **s).rows
            t2 = clock()
            out["one"].append(t1 - t0)
            out["warm"].append(t2 - t1)
    for _ in range(runs):  # a fresh pool started on the clock each time
        executors._shutdown_pools()  # executor() keeps its pool between calls
        t0 = clock()
        with tm.executor(processes=2) as ex:
            tm.tournament(strategies, seed=seed, executor=ex, **s)
        out["two"].append(clock() - t0)
    return out


def tournaments(b: Bench) -> list[Row]:
    import statistics

    s = TOURNAMENT_SHAPE
    w = (f"tournament: {len(checks.TOURNAMENT)} strategies, {s['rounds']} rounds, {s['repetitions']} repetitions, "
         f"noise {s['noise']}")
    why = b.peer(axelrod_peer)
    theirs = None
    if why is None:
        theirs = statistics.median(child("tournament", "axelrod", str(b.runs), str(b.seed))["one"])
    if not checks.has("diplosim.play.tournament"):
        note = "diplosim/tournament.py " + NOT_YET + ("; " + why if why else "")
        return [Row(w, NOT_YET, "-" if theirs is None else secs(theirs), "axelrod: Tournament, 1 process",
                    None, "<= 0.5x its time", None, note),
                Row("the same tournament on 2 processes", NOT_YET, NOT_YET, "diplosim on 1 process", None,
                    "speed-up >= 1.7", None, note)]
    got = child("tournament", "diplosim", str(b.runs), str(b.seed))
    checks.same_rows(got["rows_one"], got["rows_two"], "the tournament on 1 and on 2 processes")
    one, two, warm = (statistics.median(got[k]) for k in ("one", "two", "warm"))
    ratio = None if theirs is None else one / theirs
    rows = [Row(w, secs(one), "-" if theirs is None else secs(theirs), "axelrod: Tournament, 1 process",
                ratio, "<= 0.5x its time", None if ratio is None else ratio <= 0.5,
                (why or "") + ("" if why else "each side in a fresh process; axelrod's in-process path "
                               "(play(processes=None)): its processes=1 starts one worker per core"),
                {"diplosim_s": one, "baseline_s": theirs})]
    ratio2 = one / warm
    rows.append(Row("the same tournament, 2 processes asked for", secs(warm), secs(one), "diplosim on 1 process",
                    ratio2, ">= 0.95 (never slower)", ratio2 >= 0.95,
                    f"a job this small runs in this process by itself (diplosim.play.parallel: a few of its matches "
                    f"are timed and the whole estimated; below {_in_process_below():g} s it does not pay for a pool), "
                    f"so asking for 2 processes is not slower than 1 (ratio within timing noise); with a fresh pool "
                    f"made as well, {secs(two)}. The 2-process target is on the sweep below",
                    {"diplosim_s": warm, "baseline_s": one, "fresh_pool_s": two}))
    return rows


def _in_process_below() -> float:
    from diplosim.play.parallel import IN_PROCESS_BELOW
    return IN_PROCESS_BELOW


def parallel_sweep(b: Bench) -> list[Row]:
    """A sweep of at least 5 s on one process, on a 2-process pool and a dask LocalCluster (issue: parallel where
    it pays), in a fresh process; the rows must be the same on all three."""
    import statistics

    from . import parallel_side as ps

    reps = max(1, ps.REPETITIONS // 10) if b.quick else ps.REPETITIONS
    got = child("sweep", str(b.runs), str(b.seed), str(reps))
    if not got.get("same_two", False) or ("same_dask" in got and not got["same_dask"]):
        raise checks.CheckFailed("the sweep's rows differ between 1 process, the pool and dask")
    one = statistics.median(got["one"])
    w = (f"sweep: {len(ps.PAIRS) * len(ps.NOISE)} cells x {reps:,} matches of {ps.ROUNDS} rounds "
         f"({got['matches']:,} matches)")
    load = f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores when measured"
    rows = []
    for key, label in (("two", "on a 2-process pool (started)"), ("dask", "on a dask LocalCluster, 2 workers")):
        if not got[key]:
            rows.append(Row(f"{w} {label}", NOT_YET, secs(one), "diplosim on 1 process", None, "speed-up >= 1.7",
                            None, got.get("dask_missing", "")))
            continue
        t = statistics.median(got[key])
        rows.append(Row(f"{w} {label}", secs(t), secs(one), "diplosim on 1 process", one / t, "speed-up >= 1.7",
                        one / t >= 1.7, f"median of {b.runs}, taking turns with the 1-process run; the same rows by "
                        f"seed on all three (checked); {load}" + (" (--quick: a short sweep)" if b.quick else ""),
                        {"diplosim_s": t, "baseline_s": one, "samples": got[key], "one_samples": got["one"]}))
    return rows


# --- 4. start-up --------------------------------------------------------------------------------------------------


# --- many countries at play ------------------------------------------------------------------------------------------


def _calendar_world(n: int, seed: int):
    """A state with ``n`` countries, each with a mission of 200 and an embassy in every other, and an opening
    expulsion by the first against the second; a policy for every country."""
    import datetime

    from diplosim.core import events as ev
    from diplosim.core.fold import fold
    from diplosim.play.calendar import Policy
    from diplosim.tooling.synthetic import countries

    codes = countries(n)
    day = datetime.date(2020, 1, 1)
    src = ("scenario: bench",)
    hist = [ev.MissionEstablished(id=f"m-{a}-{b}", date=day, actor=a, target=b, staff=200,
                                  posts=(ev.Post(f"Embassy of {a}", "embassy"),), sources=src)
            for a in codes for b in codes if a != b]
    hist.append(ev.DiplomatsExpelled(id="open", date=day, actor=codes[0], target=codes[1], count=5,
                                     deadline=day + datetime.timedelta(days=7), sources=src))
    names = ("mirror-each", "tit-for-tat", "lead-and-follow", "graduated", "proportional-to-bloc")
    policies = [Policy(c, names[i % len(names)], lag_days=2) for i, c in enumerate(codes)]
    return fold(hist), hist, policies, codes


def multilateral_play(b: Bench) -> list[Row]:
    """A year of calendar play with every country on a policy: 30 countries against 2 (issue 14)."""
    import datetime

    from diplosim.play.calendar import play

    big = 8 if b.quick else 30
    start, horizon = datetime.date(2020, 1, 2), datetime.date(2020, 12, 31)
    runs = {}
    acting = {}
    for n in (2, big):
        state, hist, policies, codes = _calendar_world(n, b.seed)
        fn = (lambda state=state, hist=hist, policies=policies, codes=codes:
              play(state, policies, start=start, horizon=horizon, seed=b.seed, tremble=0.02, history=hist,
                   countries=codes))
        runs[n] = fn
    t = interleaved({str(n): fn for n, fn in runs.items()}, b.runs)
    for n in runs:
        r = t[str(n)].result
        acting[n] = len({(e.actor, e.target) for e in r if e.generated_by})
    two, many = t["2"].median, t[str(big)].median
    pairs_ratio = acting[big] / max(acting[2], 1)
    ratio = many / two
    return [Row(f"calendar play, one year, every country on a policy: {big} countries",
                secs(many), secs(two), "the same play with 2 countries", ratio,
                f"<= {pairs_ratio:.0f}x (pairs that acted: {acting[big]} vs {acting[2]})",
                ratio <= pairs_ratio,
                f"time grows with the fronts ({big * (big - 1)} vs 2) and the pairs that act; median of {b.runs}",
                {"diplosim_s": many, "baseline_s": two, "pairs_acting": acting})]


def cold_start(b: Bench) -> list[Row]:
    checks.cold_start()
    exe = shutil.which("diplosim", path=str(Path(sys.executable).parent)) or shutil.which("diplosim")
    # one untimed start that may write the bytecode cache, as any first start does (pip compiles the peers' modules
    # when it installs them; an editable diplosim is compiled on its first start, unless PYTHONDONTWRITEBYTECODE
    # forbids it, which would make every timed start compile the command line's modules again)
    subprocess.run([exe, "--help"], capture_output=True, check=True,
                   env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"})
    ours = wall([exe, "--help"], b.starts)
    why = b.peer(es_peer)
    theirs = None if why else wall([sys.executable, "-c", "import eventsourcing.application"], b.starts)
    ratio = None if theirs is None else ours.median / theirs.median
    return [Row("`diplosim --help` cold start", secs(ours.median), "-" if theirs is None else secs(theirs.median),
                "python -c 'import eventsourcing.application'", ratio, "<= 1x", None if ratio is None else ratio <= 1,
                why or f"wall time of a fresh process, median of {b.starts}; --help imports "
                + (", ".join(checks.startup_imports()) or "nothing") + " beyond the command line's modules",
                {"diplosim_s": ours.median, "baseline_s": theirs and theirs.median})]


# --- public event data: importing a GDELT file ----------------------------------------------------------------------


def import_gdelt(b: Bench) -> list[Row]:
    """``diplosim import-data`` of a GDELT 1.0 file of N rows into a fresh store, in a fresh process (time and peak
    memory), for N and N/10 rows; against eventsourcing recording N events into SQLite (as in ``append``)."""
    n, small = b.events, max(1, b.events // 10)
    files = {size: gdelt_file(str(b.tmp / f"gdelt-{size}.tsv"), size, b.seed) for size in (small, n)}
    runs = {size: child("import-data", files[size], str(b.tmp / f"import-{size}.db")) for size in (small, n)}
    for size, r in runs.items():
        if r["events"] != size:
            raise checks.CheckFailed(f"import-data added {r['events']} of {size} generated rows")
    why = b.peer(es_peer)
    theirs = None
    if why is None:
        agg_id, es_events = b.es_events()
        paths = iter(range(10 ** 6))
        theirs = timed(lambda app: es_peer.record(app, es_events, b.batch), 1,
                       setup=lambda: es_peer.application(str(b.tmp / f"es-import-{next(paths)}.db")))
    ours = runs[n]["seconds"]
    note = ("a fresh process per figure, one run each; diplosim reads, checks and converts every row, sorts them by "
            "date on disk and appends them in one transaction (hash chain, fold, snapshots); eventsourcing records "
            "the same number of prepared domain events, " + (why or f"batches of {b.batch:,}"))
    rows = [Row(f"import a {n:,}-row GDELT 1.0 file into a new store", rate(n, ours, "events/s"),
                "-" if theirs is None else rate(n, theirs.median, "events/s"), "eventsourcing: SQLite recording",
                None if theirs is None else theirs.median / ours, "reported", None, note,
                {"diplosim_s": ours, "baseline_s": theirs and theirs.median, "n": n,
                 "small_s": runs[small]["seconds"], "small_n": small})]
    lo, hi = runs[small]["peak_mb"], runs[n]["peak_mb"]
    flat = hi - lo <= max(10.0, 0.1 * lo)
    rows.append(Row(f"peak memory of import-data, {small:,} vs {n:,} rows", f"{lo:.0f} MB vs {hi:.0f} MB", "-",
                    "flat: the larger file's peak within max(10 MB, 10%) of the smaller's", hi / lo, "flat", flat,
                    f"peak RSS (VmHWM) of a fresh process, interpreter included; {runs[n]['rss_start_mb']:.0f} MB "
                    f"after imports; the store's SQLite page cache (up to 32 MB, the store's setting) fills as the "
                    f"store grows, so below about 100,000 rows (--quick) the larger file's peak is higher for that "
                    f"reason alone", {"diplosim_mb": [lo, hi]}))
    return rows


WORKLOADS: dict[str, Callable[[Bench], list[Row]]] = {
    "replay": replay_memory,
    "append": append,
    "store-replay": replay_store,
    "store-memory": store_memory,
    "time-travel": time_travel,
    "match": binary_match,
    "tournament": tournaments,
    "sweep": parallel_sweep,
    "multilateral": multilateral_play,
    "cold-start": cold_start,
    "import": import_gdelt,
}

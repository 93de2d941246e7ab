"""Matches of rounds, tournaments and sweeps: hand-computed statistics, seeds, lag and noise, executors (in-process,
a process pool, dask) giving identical results, chunking, and the CLI of match/tournament/sweep/strategies."""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from diplosim.core.errors import InputError
from diplosim.play.strategies import get
from diplosim.play.tournament import Grid, _chunks, executor, match, play_binary, sweep, tournament


def test_match_moves_scores_and_the_mission_account():
    r = match(get("tit-for-tat"), get("always-hostile"), 10, staff=500, cut=5, floor=480)
    assert r.moves == ("C" + "D" * 9, "D" * 10)
    assert r.scores == (9, 14)                       # 0 + 9 * 1, 5 + 9 * 1
    assert r.cooperation == (0.1, 0.0)
    assert r.final_staff == (450, 455)               # A loses 5 per B's 10 D, B 5 per A's 9
    assert r.below_floor_at == (5, 6)                # 500 - 5k < 480 from k = 5: B's 5th D, A's 5th D


def test_noise_flips_moves_at_its_rate_and_is_seeded():
    a, b = play_binary(get("restraint"), get("restraint"), 20000, noise=0.2, seed=5)
    assert 0.19 < a.count(1) / 20000 < 0.21 and 0.19 < b.count(1) / 20000 < 0.21
    assert play_binary(get("restraint"), get("restraint"), 500, noise=0.2, seed=5) == \
        play_binary(get("restraint"), get("restraint"), 500, noise=0.2, seed=5)
    assert play_binary(get("restraint"), get("restraint"), 500, noise=0.2, seed=5) != \
        play_binary(get("restraint"), get("restraint"), 500, noise=0.2, seed=6)
    # noise 1 flips every move: restraint plays D throughout, and tit-for-tat answers the flipped move
    r = match(get("restraint"), get("tit-for-tat"), 4, noise=1.0)
    assert r.moves == ("DDDD", "DCCC")


def test_lag_shows_the_other_side_late():
    # tit-for-tat sees the alternator's move of two rounds before
    assert match(get("tit-for-tat"), get("alternator"), 8, lag=1).moves == ("CCCDCDCD", "CDCDCDCD")


@pytest.mark.parametrize("rounds, noise, lag", [(0, 0.0, 0), (-3, 0.0, 0), (10, 1.5, 0), (10, -0.1, 0), (10, 0, -1)])
def test_bad_match_arguments(rounds, noise, lag):
    with pytest.raises(InputError):
        match(get("tit-for-tat"), get("tit-for-tat"), rounds, noise=noise, lag=lag)


def test_tournament_ranks_and_leaves_self_play_out():
    t = tournament([get("tit-for-tat"), get("always-hostile"), get("restraint")], rounds=10, repetitions=2)
    by = {r["strategy"]: r for r in t.rows}
    assert [r["rank"] for r in t.rows] == [1, 2, 3]
    # always-hostile: 14 against tit-for-tat, 50 against restraint, per 10 rounds
    assert by["always-hostile"]["score"] == round((14 + 50) / 20, 3) and by["always-hostile"]["wins"] == 4
    assert by["restraint"]["cooperation"] == 1.0 and by["restraint"]["final_staff"] == (500 + 450) / 2
    assert t.settings["matches"] == 6 * 2
    twins = tournament([get("tit-for-tat"), get("tit-for-tat")], rounds=5, repetitions=1)
    assert sorted(r["strategy"] for r in twins.rows) == ["tit-for-tat", "tit-for-tat#2"]


STRATS = ["tit-for-tat", "generous-tit-for-tat", "random", "grim-trigger", "win-stay-lose-shift", "escalator"]


def _tour(ex):
    return tournament([get(n) for n in STRATS], rounds=60, repetitions=3, noise=0.05, seed=42, executor=ex).rows


def _sweep(ex):
    grid = Grid(pairs=(("generous-tit-for-tat", "tit-for-tat"), ("random", "grim-trigger")), noise=(0.0, 0.1),
                p=(0.2, 0.5), lag=(0, 1))
    return sweep(grid, rounds=40, repetitions=7, seed=3, executor=ex).rows


def test_same_seed_same_result_on_every_executor():
    here_t, here_s = _tour(None), _sweep(None)
    with executor(2) as pool:
        assert _tour(pool) == here_t
        assert _sweep(pool) == here_s
    with ThreadPoolExecutor(3) as threads:          # another worker count, so another chunking
        assert _tour(threads) == here_t
        assert _sweep(threads) == here_s
    import distributed   # the dask extra, part of dev
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as c, \
            distributed.Client(c) as client:
        ex = client.get_executor()
        assert _tour(ex) == here_t
        assert _sweep(ex) == here_s


def test_a_different_seed_gives_a_different_tournament():
    a = tournament([get(n) for n in STRATS], rounds=60, repetitions=3, noise=0.05, seed=1).rows
    b = tournament([get(n) for n in STRATS], rounds=60, repetitions=3, noise=0.05, seed=2).rows
    assert a != b


def test_sweep_cells_apply_parameters_only_where_they_belong():
    grid = Grid(pairs=(("generous-tit-for-tat", "tit-for-tat"),), p=(0.1, 0.9), noise=(0.0, 0.2))
    rows = sweep(grid, rounds=30, repetitions=5, seed=0).rows
    # tit-for-tat takes no p: 2 values of p x 2 of noise, tit-for-tat unchanged
    assert [(r["a"], r["b"], r["noise"]) for r in rows] == [
        ("generous-tit-for-tat(p=0.1)", "tit-for-tat", 0.0), ("generous-tit-for-tat(p=0.9)", "tit-for-tat", 0.0),
        ("generous-tit-for-tat(p=0.1)", "tit-for-tat", 0.2), ("generous-tit-for-tat(p=0.9)", "tit-for-tat", 0.2)]
    assert all(r["matches"] == 5 for r in rows)
    assert rows[0]["spiral_stopped"] == 1.0 and rows[0]["cooperation_a"] == 1.0   # no noise: never a hostile move


def test_work_is_chunked():
    chunks = _chunks(1_000_000, 2, per_worker=4)
    assert 8 <= len(chunks) <= 100
    assert chunks[0][0] == 0 and chunks[-1][1] == 1_000_000
    assert all(a[1] == b[0] for a, b in zip(chunks, chunks[1:]))
    assert _chunks(3, 8) == [(0, 1), (1, 2), (2, 3)]


# --- the command line ----------------------------------------------------------------------------------------------


def test_cli_match_json(cli):
    r = cli("match", "tit-for-tat", "tit-for-tat", "--rounds", "5", "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["moves"] == {"A": "CCCCC", "B": "CCCCC"} and doc["scores"] == {"A": 15, "B": 15}
    assert doc["cooperation"] == {"A": 1.0, "B": 1.0}
    r = cli("match", "generous-tit-for-tat", "random", "--rounds", "50", "--noise", "0.1", "--seed", "9",
            "--format", "json")
    again = cli("match", "generous-tit-for-tat", "random", "--rounds", "50", "--noise", "0.1", "--seed", "9",
                "--format", "json")
    assert r.stdout == again.stdout and json.loads(r.stdout)["moves"]["B"].count("D") > 0


def test_cli_tournament(cli):
    r = cli("tournament", "tit-for-tat", "always-hostile", "restraint", "--rounds", "10", "--repetitions", "2",
            "--processes", "1", "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert [x["strategy"] for x in doc["rows"]] == ["always-hostile", "tit-for-tat", "restraint"]
    table = cli("tournament", "tit-for-tat", "random", "-P", "p=0.2", "--rounds", "10", "--repetitions", "2")
    assert table.returncode == 0 and "random(p=0.2)" in table.stdout and "rounds_to_floor" in table.stdout
    assert table.stderr == ""      # no progress bar when stderr is not a terminal
    every = cli("tournament", "--all", "--rounds", "5", "--repetitions", "1", "--format", "csv")
    from diplosim.play.strategies import REGISTRY
    lines = every.stdout.splitlines()
    assert every.returncode == 0 and lines[0].startswith("rank,strategy,score") and len(lines) == 1 + len(REGISTRY)


def test_cli_sweep_with_progress_bar(cli):
    r = cli("sweep", "generous-tit-for-tat", "--against", "tit-for-tat", "--noise", "0,0.1", "--p", "0.1,0.5",
            "--rounds", "20", "--repetitions", "10", "--format", "csv", "--progress", "--processes", "2")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("a,b,noise,lag,floor,matches") and len(lines) == 5
    assert "match" in r.stderr        # tqdm's bar, asked for with --progress


def test_cli_strategies(cli):
    r = cli("strategies", "--format", "json")
    assert r.returncode == 0
    names = [x["name"] for x in json.loads(r.stdout)]
    assert "parity-cap" in names and "tit-for-tat" in names
    one = cli("strategies", "escalator")
    assert one.returncode == 0 and "ladder" in one.stdout


@pytest.mark.parametrize("args, fragment", [
    (["match", "tit-for-tat", "nope"], "unknown strategy 'nope'"),
    (["match", "random", "tit-for-tat", "--param", "p=1.5"], "p must be between 0 and 1"),
    (["match", "tit-for-tat", "tit-for-tat", "--rounds", "0"], "--rounds/-n: want a whole number from 1 to"),
    (["match", "tit-for-tat", "tit-for-tat", "--noise", "1.2"], "--noise: want a probability from 0 to 1"),
    (["match", "delayed:days=-2", "tit-for-tat"], "days must not be negative"),
    (["tournament", "tit-for-tat", "grim-trigger", "--rounds", "-5"], "--rounds/-n: want a whole number from 1 to"),
    (["sweep", "tit-for-tat", "--noise", "0,2"], "--noise: want a probability from 0 to 1"),
    (["sweep", "tit-for-tat", "--lag", "-1"], "--lag: want a whole number from 0 to"),
    (["strategies", "nope"], "unknown strategy 'nope'"),
    (["tournament", "--all", "--processes", "0"], "--processes/-j: want a whole number of at least 1, got '0'"),
    (["match", "tit-for-tat", "tit-for-tat", "--staff", "x"], "--staff: want a whole number, got 'x'"),
])
def test_cli_bad_input_is_one_line_exit_2(cli, args, fragment):
    r = cli(*args)
    assert r.returncode == 2
    assert fragment in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert "Traceback" not in r.stderr and r.stdout == ""


def test_cli_tournament_on_a_dask_scheduler(cli):
    import distributed   # the dask extra, part of dev

    args = ["tournament", "tit-for-tat", "random", "grim-trigger", "--rounds", "30", "--repetitions", "3",
            "--noise", "0.1", "--seed", "4", "--format", "json"]
    here = cli(*args, "--processes", "1")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None,
                                  protocol="tcp", host="127.0.0.1", scheduler_port=0) as cluster:
        there = cli(*args, "--scheduler", cluster.scheduler_address)
    assert there.returncode == 0, there.stderr
    assert json.loads(there.stdout)["rows"] == json.loads(here.stdout)["rows"]


def test_the_command_lines_defaults_are_the_librarys():
    from diplosim.cli import strategies as cli_strategies
    from diplosim.play.tournament import DEFAULT_CUT, DEFAULT_FLOOR, DEFAULT_STAFF

    assert (cli_strategies.STAFF, cli_strategies.CUT, cli_strategies.FLOOR) == \
        (DEFAULT_STAFF, DEFAULT_CUT, DEFAULT_FLOOR)


def test_self_play_with_one_object_of_a_strategy_without_a_fast_path():
    from scripted import Third

    s = Third()
    assert match(s, s, 5).moves == ("CCDCC", "CCDCC")

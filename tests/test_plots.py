"""Plots: files are written in the format of their extension, are non-trivial, say what they show; bad input fails."""
from __future__ import annotations

import struct

import pytest

from conftest import run_cli

SCENARIOS = ("scenarios/putin-retaliates-2016.toml", "scenarios/numeric-tit-for-tat-2017.toml")


def png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "not a PNG file"
    return struct.unpack(">II", data[16:24])


def ok(out) -> None:
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("wrote ")


def test_staffing_png_of_the_real_course(tmp_path):
    out = tmp_path / "staffing.png"
    ok(run_cli("plot", "staffing", "--out", str(out)))
    width, height = png_size(out)
    assert width >= 1000 and height >= 700  # two mission panels
    assert out.stat().st_size > 30_000


def test_staffing_svg_overlays_scenarios_with_legend_deadlines_and_units(tmp_path):
    out = tmp_path / "compare.svg"
    ok(run_cli("plot", "staffing", "--scenario", SCENARIOS[0], "--scenario", SCENARIOS[1], "--out", str(out)))
    svg = out.read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for text in ("Mission staff over time", "real course: staff", "putin-retaliates-2016: staff",
                 "numeric-tit-for-tat-2017: staff", "deadline 01 Sep 2017", "deadline 01 Jan 2017",
                 "expulsion ordered", "cap imposed", "people", "United States mission in Russian Federation"):
        assert text in svg, text


def test_staffing_until_and_scenarios_only(tmp_path):
    out = tmp_path / "s.png"
    ok(run_cli("plot", "staffing", "--no-real", "--scenario", SCENARIOS[1], "--until", "2017-01-31",
               "--out", str(out)))
    assert png_size(out)[0] >= 1000


def test_escalation_plot(tmp_path):
    out = tmp_path / "e.svg"
    ok(run_cli("plot", "escalation", "--dyad", "USA-RUS", "--half-life", "15", "--out", str(out)))
    svg = out.read_text()
    assert "USA→RUS" in svg and "RUS→USA" in svg and "half-life 15 days" in svg
    png = tmp_path / "e.png"
    ok(run_cli("plot", "escalation", "--dyad", "USA-RUS", "--scenario", SCENARIOS[1], "--out", str(png)))
    assert png_size(png)[0] >= 1000 and png.stat().st_size > 20_000


def test_heatmap_is_seeded(tmp_path):
    args = ["plot", "heatmap", "--strategies", "tit-for-tat,always-hostile,random", "--rounds", "30",
            "--repetitions", "2", "--noise", "0.1"]
    a, b, c = tmp_path / "a.svg", tmp_path / "b.svg", tmp_path / "c.svg"
    ok(run_cli(*args, "--seed", "1", "--out", str(a)))
    ok(run_cli(*args, "--seed", "1", "--out", str(b)))
    ok(run_cli(*args, "--seed", "2", "--out", str(c)))
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()
    assert "payoff per round" in a.read_text() and "always-hostile" in a.read_text()
    png = tmp_path / "h.png"
    ok(run_cli("plot", "heatmap", "--strategies", "tit-for-tat,restraint", "--rounds", "10", "--out", str(png)))
    assert min(png_size(png)) >= 400


def test_escalation_per_round_plot(tmp_path):
    out = tmp_path / "m.png"
    run = run_cli("escalation", "--match", "tit-for-tat,alternator", "--rounds", "30", "--plot", str(out))
    assert run.returncode == 0, run.stderr
    assert png_size(out)[0] >= 800 and out.stat().st_size > 15_000


@pytest.mark.parametrize("args,message", [
    (["staffing", "--out", "staffing.jpg"], "use a .png or .svg"),
    (["staffing", "--out", "no-such-folder/x.png"], "no such folder"),
    (["staffing", "--no-real", "--out", "x.png"], "needs at least one --scenario"),
    (["staffing", "--scenario", "missing.toml", "--out", "x.png"], "missing.toml"),
    (["escalation", "--dyad", "USA-ZZZ", "--out", "x.png"], "unknown country code 'ZZZ'"),
    (["escalation", "--dyad", "USA-FRA", "--out", "x.png"], "no acts between USA and FRA"),
    (["heatmap", "--strategies", "tit-for-tat", "--out", "x.png"], "at least two different strategies"),
    (["heatmap", "--strategies", "tit-for-tat,restraint", "--rounds", "0", "--out", "x.png"], "rounds"),
])
def test_bad_plot_input_is_one_line_and_writes_nothing(args, message, tmp_path):
    out = run_cli("plot", *args, cwd=tmp_path)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and message in out.stderr, out.stderr
    assert list(tmp_path.iterdir()) == []


def test_heatmap_numbers_are_the_sweeps():
    from diplosim.analysis.plots import tournament_matrix
    from diplosim.play.tournament import Grid, sweep

    names = ["tit-for-tat", "always-hostile", "restraint"]
    labels, matrix = tournament_matrix(names, rounds=20, repetitions=3, noise=0.1, seed=4)
    rows = sweep(Grid(pairs=tuple((a, b) for a in names for b in names), noise=(0.1,)), rounds=20, repetitions=3,
                 seed=4).rows
    assert labels == names
    for r in rows:  # row strategy's payoff against the column strategy
        assert matrix[names.index(r["a"])][names.index(r["b"])] == r["score_a"]


def test_plot_without_a_figure_shows_its_own_help():
    out = run_cli("plot")
    assert out.returncode == 0 and out.stdout.startswith("usage: diplosim plot")
    assert "staffing" in out.stdout and "heatmap" in out.stdout

"""Plots: files are written in the format of their extension, are non-trivial, say what they show; bad input fails."""
from __future__ import annotations

import struct

import pytest

from conftest import REAL_LOG, d, run_cli

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
    (["heatmap", "--out", "x.png"], "give --of escalation|acts|expelled"),
    (["heatmap", "--of", "acts", "--strategies", "a,b", "--out", "x.png"], "give --of escalation|acts|expelled"),
    (["heatmap", "--of", "acts", "--log", str(REAL_LOG), "--since", "2017-08-01", "--until",
      "2017-08-31", "--out", "x.png"], "no acts between countries"),
    (["heatmap", "--of", "acts", "--since", "2017-08-01", "--until", "2017-07-31", "--out", "x.png"],
     "the period is empty"),
    (["heatmap", "--of", "people", "--out", "x.png"], "invalid choice"),
    (["staffing", "--pairs", "USA-RUS", "--out", "x.png"], "want SENDING:HOST"),
    (["staffing", "--pairs", "USA:XXX", "--out", "x.png"], "unknown country code 'XXX'"),
    (["staffing", "--pairs", "USA:FRA", "--out", "x.png"], "no such mission in the period: USA:FRA"),
    (["staffing", "--pairs", "USA:RUS", "--panels", "2", "--out", "x.png"], "--panels chooses missions"),
    (["staffing", "--panels", "40", "--out", "x.png"], "at most 16"),
    (["staffing", "--since", "2017-09-01", "--until", "2017-01-01", "--out", "x.png"], "the period is empty"),
    (["staffing", "--until", "2016-01-01", "--out", "x.png"], "no mission to plot: the log has none by 2016-01-01"),
    (["escalation", "--dyad", "USA-RUS", "--weight", "people", "--out", "x.png"], "invalid choice"),
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


# --- many missions, uncertain sizes, readable images -----------------------------------------------------------------

MANY = """
[log]
title = "a hand-written test of uncertain figures among several countries"
departure_days = 7

[[event]]
id = "base-gbr"
type = "MissionEstablished"
date = 2018-03-01
actor = "GBR"
target = "RUS"
staff = 60
posts = [{ name = "Embassy in Moscow" }, { name = "Consulate in Yekaterinburg", kind = "consulate" }]
sources = ["public record: test"]

[[event]]
id = "base-rus"
type = "MissionEstablished"
date = 2018-03-01
actor = "RUS"
target = "GBR"
staff = { between = [50, 80] }
sources = ["public record: test"]

[[event]]
id = "base-usa"
type = "MissionEstablished"
date = 2018-03-01
actor = "USA"
target = "RUS"
staff = { at_least = 400 }
sources = ["public record: test"]

[[event]]
id = "gbr-expels-23"
type = "DiplomatsExpelled"
date = 2018-03-14
actor = "GBR"
target = "RUS"
count = 23
deadline = 2018-03-20
sources = ["public record: test"]

[[event]]
id = "rus-expels-23"
type = "DiplomatsExpelled"
date = 2018-03-17
actor = "RUS"
target = "GBR"
count = 23
deadline = 2018-03-24
sources = ["public record: test"]

[[event]]
id = "rus-closes-consulate"
type = "PostClosed"
date = 2018-03-17
actor = "RUS"
target = "GBR"
post = "Consulate in Yekaterinburg"
sources = ["public record: test"]

[[event]]
id = "pol-expels-4"
type = "DiplomatsExpelled"
date = 2018-03-26
actor = "POL"
target = "RUS"
count = 4
sources = ["public record: test"]

[[event]]
id = "rus-expels-60"
type = "DiplomatsExpelled"
date = 2018-03-29
actor = "RUS"
target = "USA"
count = 60
deadline = 2018-04-05
sources = ["public record: test"]

[[event]]
id = "rus-caps-gbr"
type = "MissionCapped"
date = 2018-03-31
actor = "RUS"
target = "GBR"
cap = 30
deadline = 2018-04-30
sources = ["public record: test"]
"""


@pytest.fixture
def many(tmp_path):
    path = tmp_path / "many.toml"
    path.write_text(MANY, encoding="utf-8")
    return path


@pytest.fixture
def drawn(monkeypatch):
    """The figures a plotting function builds, kept instead of being written to disk."""
    from diplosim.analysis import plot_staffing, plots

    figures = []

    def keep(fig, out):
        figures.append(fig)
        fig.canvas.draw()  # lay the figure out as saving would
        return out
    monkeypatch.setattr(plots, "_save", keep)
    monkeypatch.setattr(plot_staffing, "_save", keep)
    return figures


def panel(fig, title_part):
    [ax] = [ax for ax in fig.axes if ax.get_visible() and title_part in ax.get_title(loc="left")]
    return ax


def test_history_points_carry_ranges(many):
    from diplosim.analysis.over_time import history
    from diplosim.core.log import load_log

    h = history(load_log(many))
    rows = {(r["date"].isoformat(), r["sending"], r["host"]): r for r in h.rows()}
    r = rows["2018-03-01", "RUS", "GBR"]
    assert (r["staff"], r["staff_min"], r["staff_max"]) == (None, 50, 80)
    r = rows["2018-03-01", "USA", "RUS"]
    assert (r["staff"], r["staff_min"], r["staff_max"]) == (None, 400, None)
    r = rows["2018-03-25", "RUS", "GBR"]  # 23 gone after 24 March
    assert (r["staff_min"], r["staff_max"]) == (27, 57)


def test_ranges_are_bands_unknown_sizes_are_gaps_never_zero(many, drawn):
    import math

    from matplotlib.collections import PolyCollection

    from diplosim.analysis.plot_staffing import choose_pairs, staffing
    from diplosim.core.log import load_log

    events = list(load_log(many))
    pairs, total = choose_pairs([("log", events)])
    assert total == 4 and pairs[0] == ("USA", "RUS")  # 60 expelled: the mission that moved most
    assert pairs[1:] == [("GBR", "RUS"), ("RUS", "GBR"), ("RUS", "POL")]  # 23 + 7 over the cap, 23, 4
    staffing([("log", events)], "x.png", pairs=[("RUS", "GBR"), ("USA", "RUS"), ("RUS", "POL")])
    [fig] = drawn
    rus_gbr, usa_rus, rus_pol = (panel(fig, t) for t in ("(RUS in GBR)", "(USA in RUS)", "(RUS in POL)"))

    def bands(ax):
        return [(p.get_paths()[0].vertices[:, 1].min(), p.get_paths()[0].vertices[:, 1].max(), p.get_hatch())
                for p in ax.collections if isinstance(p, PolyCollection)]
    assert (50, 80, None) in bands(rus_gbr) and (27, 57, None) in bands(rus_gbr)  # 50..80, then 23 fewer
    top = usa_rus.get_ylim()[1]
    assert (400, top, "///") in bands(usa_rus)  # at least 400: hatched up to the top, no upper edge
    # nothing is drawn at zero for a mission of unknown size (Poland's Russian mission, known only by its expulsion)
    for line in rus_pol.get_lines():
        ys = [y for y in line.get_ydata() if not (isinstance(y, float) and math.isnan(y))]
        if line.get_linestyle() in ("-", "--") and ys:
            assert min(ys) > 0 or line.get_transform() != rus_pol.transData
    assert any(t.get_text() == "size not known" for t in rus_pol.texts)
    assert any(b[0] == 4 and b[2] == "///" for b in bands(rus_pol))  # at least the 4 expelled, until they left


def test_cap_label_sits_next_to_its_marker(drawn):
    from diplosim.analysis.plot_staffing import staffing
    from diplosim.core.log import load_log

    from conftest import REAL_LOG
    staffing([("real", list(load_log(REAL_LOG)))], "x.png", pairs=[("USA", "RUS")])
    ax = panel(drawn[0], "(USA in RUS)")
    [label] = [t for t in ax.texts if t.get_text() == "cap 455"]
    [marker] = [ln for ln in ax.get_lines() if ln.get_marker() == "s"]
    y_marker = ax.transData.transform((ax.get_xlim()[0], marker.get_ydata()[0]))[1]
    y_label = ax.transAxes.transform(label.get_position())[1]
    assert marker.get_ydata()[0] == 455  # the marker is at the cap, not at the staff of the day
    assert abs(y_label - y_marker) < 0.1 * ax.bbox.height  # and its label beside it, not hundreds of people above


def test_a_scenario_equal_to_the_real_course_stays_visible(drawn):
    from diplosim.analysis.plots import escalation
    from diplosim.core.log import load_log

    from conftest import REAL_LOG
    events = list(load_log(REAL_LOG))
    escalation([("real", events), ("copy", events)], ("USA", "RUS"), "x.png", half_life=30)
    ax = drawn[0].axes[0]
    real = [ln for ln in ax.get_lines() if ln.get_label() == "USA→RUS (real)"][0]
    copy = [ln for ln in ax.get_lines() if ln.get_label() == "USA→RUS (copy)"][0]
    assert list(real.get_ydata()) == list(copy.get_ydata())  # the same course...
    assert copy.get_zorder() > real.get_zorder() and copy.get_linestyle() != "-"  # ...drawn dashed, on top
    assert real.get_linewidth() > copy.get_linewidth()  # the real one shows around it


def test_escalation_is_drawn_as_steps(drawn):
    from diplosim.analysis.plots import escalation
    from diplosim.core.log import load_log

    from conftest import REAL_LOG
    escalation([("real", list(load_log(REAL_LOG)))], ("USA", "RUS"), "x.png", half_life=30)
    curves = [ln for ln in drawn[0].axes[0].get_lines() if ln.get_label().startswith("USA→RUS")]
    assert curves and all(ln.get_drawstyle() == "steps-post" for ln in curves)
    xs = [x for x in curves[0].get_xdata()]
    ys = list(curves[0].get_ydata())
    i = xs.index(d("2016-12-29"))  # the day of the first act: 0 the day before, 31.4 that day (a jump, no slope)
    assert ys[i - 1] == 0 and round(ys[i], 2) == 31.4


def test_staffing_of_a_30_country_log_is_a_readable_image(tmp_path):
    from diplosim.core.log import write_log
    from diplosim.tooling.synthetic import generate

    from diplosim.core.fold import fold

    log = tmp_path / "thirty.jsonl"
    events = list(generate(2000, n_countries=30, seed=1))
    write_log(events, log)
    out = tmp_path / "staffing.png"
    run = run_cli("plot", "staffing", "--log", str(log), "--out", str(out))
    assert run.returncode == 0, run.stderr
    assert f"(8 of {len(fold(events).missions)} missions: those that moved most)" in run.stdout
    width, height = png_size(out)
    assert 1000 <= width <= 2000 and 1000 <= height <= 2000  # 8 panels in two columns, not 400 in one
    run = run_cli("plot", "staffing", "--log", str(log), "--pairs", "FRA:HUN,HUN:FRA", "--since", "1990-06-01",
                  "--out", str(out))
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(f"wrote {out}: FRA in HUN, HUN in FRA")
    assert png_size(out)[1] < 1000  # two panels
    heat = tmp_path / "heat.png"
    run = run_cli("plot", "heatmap", "--of", "escalation", "--log", str(log), "--since", "1990-06-01",
                  "--until", "1990-09-30", "--out", str(heat))
    assert run.returncode == 0, run.stderr
    assert "30 countries" in run.stdout
    width, height = png_size(heat)
    assert 1200 <= width <= 2000 and 1200 <= height <= 2000


def test_country_heatmap_has_every_country_most_active_first(many, drawn):
    from diplosim.analysis.escalation import country_matrix
    from diplosim.analysis.plots import heatmap
    from diplosim.core.log import load_log

    countries, matrix, _ = country_matrix(list(load_log(many)), "expelled")
    heatmap(matrix, countries, countries, "x.png", title="t", value_label="people", diverging=False, digits=0)
    ax = drawn[0].axes[0]
    # Russia in 5 acts, the UK in 3, Poland and the US in one each (a tie: by code)
    assert [t.get_text() for t in ax.get_yticklabels()] == countries == ["RUS", "GBR", "POL", "USA"]
    image = ax.get_images()[0].get_array()
    assert image.mask[0][0] and not image.mask[1][0]  # Russia toward itself: blank; the UK toward Russia: 23
    assert image[countries.index("GBR")][0] == 23
    # 23 each way, then 7 over Russia's cap of 30 on the 37 British left; 4 and 60
    assert sorted(t.get_text() for t in ax.texts) == sorted(["23", "30", "4", "60"])


def test_pending_departures_are_outlined_only_while_someone_is_leaving():
    from diplosim.analysis.plot_staffing import pending_runs

    edges = [d("2018-03-0%d" % k) for k in range(1, 7)]
    runs = pending_runs(edges, [0, 5, 8, 0, 0])
    assert runs == [([edges[1], edges[1], edges[2], edges[2], edges[3], edges[3]], [0, 5, 5, 8, 8, 0])]
    assert pending_runs(edges, [0, 0, 0, 0, 0]) == []


def test_the_cli_knows_the_panel_limits_of_the_figure():
    from diplosim.analysis import plot_staffing
    from diplosim.cli import analysis

    assert (analysis.DEFAULT_PANELS, analysis.MAX_PANELS) == (plot_staffing.DEFAULT_PANELS, plot_staffing.MAX_PANELS)

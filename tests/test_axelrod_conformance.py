"""Conformance with the axelrod library: move strings of deterministic strategies equal axelrod's, and cooperation
rates of the stochastic ones agree statistically.  The fixture is written by scripts/make_axelrod_fixture.py (which
runs axelrod); the live tests at the end run axelrod itself and are skipped only when it is not installed."""
from __future__ import annotations

import json
import math
import statistics
from pathlib import Path

import pytest

from diplosim.play.strategies import REGISTRY, get
from diplosim.play.tournament import match

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "axelrod_moves.json").read_text(encoding="utf-8"))


def test_the_fixture_covers_every_deterministic_strategy_axelrod_also_has():
    ours = sorted(n for n, cls in REGISTRY.items() if cls.axelrod and not cls.stochastic)
    assert sorted(FIXTURE["deterministic"]) == ours and len(ours) >= 10
    assert len(FIXTURE["moves"]) == len(ours) ** 2 * len(FIXTURE["rounds"])


def test_move_strings_equal_axelrods():
    wrong = []
    for key, expected in FIXTURE["moves"].items():
        a, b, n = key.split("|")
        got = list(match(get(a), get(b), int(n)).moves)
        if got != expected:
            wrong.append((key, got, expected))
    assert not wrong, wrong[:3]


def _agrees(ours: list[float], mean: float, stdev: float, seeds: int) -> bool:
    """Means agree within 4 standard errors of their difference (or 0.01 when both sides never vary)."""
    se = math.sqrt(statistics.pvariance(ours) / len(ours) + stdev ** 2 / seeds)
    return abs(statistics.fmean(ours) - mean) <= max(4 * se, 0.01)


@pytest.mark.parametrize("pairing", sorted(FIXTURE["stochastic"]["rates"]))
def test_cooperation_rates_of_stochastic_strategies_agree(pairing):
    spec = FIXTURE["stochastic"]
    name, opp = pairing.split("|")
    n, seeds = spec["rounds"], spec["seeds"]
    rates_a, rates_b = [], []
    for seed in range(seeds):
        r = match(get(name, **spec["params"][name]), get(opp), n, seed=seed)
        rates_a.append(r.moves[0].count("C") / n)
        rates_b.append(r.moves[1].count("C") / n)
    ref = spec["rates"][pairing]
    assert _agrees(rates_a, ref["mean"][0], ref["stdev"][0], seeds), (statistics.fmean(rates_a), ref)
    assert _agrees(rates_b, ref["mean"][1], ref["stdev"][1], seeds), (statistics.fmean(rates_b), ref)


# --- live, side by side (pip install -r bench/requirements.txt) ------------------------------------------------------


@pytest.mark.axelrod
def test_live_move_strings_with_noise_free_matches():
    axl = pytest.importorskip("axelrod")
    names = [n for n, cls in REGISTRY.items() if cls.axelrod and not cls.stochastic]
    for a in names:
        for b in names:
            m = axl.Match((getattr(axl, REGISTRY[a].axelrod)(), getattr(axl, REGISTRY[b].axelrod)()), turns=37)
            m.play()
            theirs = ["".join(str(x) for x in p.history) for p in m.players]
            assert list(match(get(a), get(b), 37).moves) == theirs, (a, b)


@pytest.mark.axelrod
def test_live_noise_rates_agree():
    """With noise the two libraries draw different random numbers, so only the rates can agree."""
    axl = pytest.importorskip("axelrod")
    seeds, n, noise = 150, 100, 0.1
    theirs, ours = [], []
    for seed in range(seeds):
        m = axl.Match((axl.TitForTat(), axl.Grudger()), turns=n, noise=noise, seed=seed)
        m.play()
        theirs.append(m.players[0].cooperations / n)
        ours.append(match(get("tit-for-tat"), get("grim-trigger"), n, noise=noise, seed=seed).moves[0].count("C") / n)
    assert _agrees(ours, statistics.fmean(theirs), statistics.stdev(theirs), seeds)

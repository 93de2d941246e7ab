"""Write tests/fixtures/axelrod_moves.json: what the axelrod library plays, for diplosim's conformance tests.

Deterministic strategies that both libraries have: the move strings of every ordered pairing at a few round counts.
Stochastic ones (generous tit-for-tat with axelrod's default p = 1/3, random with p = 0.5): the mean cooperation rate
and its standard deviation over many seeds, against a few opponents.

Needs the axelrod library (see bench/requirements.txt: install torch==2.13.0 first).  Run from the repository root:

    python scripts/make_axelrod_fixture.py
"""
from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

import axelrod as axl

from diplosim.play.strategies import REGISTRY

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "axelrod_moves.json"
ROUNDS = (1, 2, 3, 5, 10, 50, 200)
STOCHASTIC = {"generous-tit-for-tat": {}, "random": {"p": 0.5}}
OPPONENTS = ("tit-for-tat", "always-hostile", "restraint", "alternator", "grim-trigger")
SEEDS, STOCHASTIC_ROUNDS = 300, 100


def axelrod_player(name: str) -> axl.Player:
    return getattr(axl, REGISTRY[name].axelrod)()


def moves(history) -> str:
    return "".join(str(a) for a in history)


def main() -> int:
    deterministic = [n for n, cls in REGISTRY.items() if cls.axelrod and not cls.stochastic]
    pairs = {}
    for a in deterministic:
        for b in deterministic:
            for n in ROUNDS:
                m = axl.Match((axelrod_player(a), axelrod_player(b)), turns=n)
                m.play()
                pa, pb = m.players
                pairs[f"{a}|{b}|{n}"] = [moves(pa.history), moves(pb.history)]
    stochastic = {}
    for name in STOCHASTIC:
        for opp in OPPONENTS:
            rates_a, rates_b = [], []
            for seed in range(SEEDS):
                m = axl.Match((axelrod_player(name), axelrod_player(opp)), turns=STOCHASTIC_ROUNDS, seed=seed)
                m.play()
                pa, pb = m.players
                rates_a.append(pa.cooperations / STOCHASTIC_ROUNDS)
                rates_b.append(pb.cooperations / STOCHASTIC_ROUNDS)
            stochastic[f"{name}|{opp}"] = {
                "mean": [statistics.fmean(rates_a), statistics.fmean(rates_b)],
                "stdev": [statistics.stdev(rates_a), statistics.stdev(rates_b)],
            }
    doc = {
        "generated_by": "scripts/make_axelrod_fixture.py",
        "axelrod_version": axl.__version__,
        "rounds": list(ROUNDS),
        "deterministic": deterministic,
        "moves": pairs,
        "stochastic": {"seeds": SEEDS, "rounds": STOCHASTIC_ROUNDS, "params": STOCHASTIC, "rates": stochastic},
    }
    OUT.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(pairs)} move pairs, {len(stochastic)} stochastic pairings)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

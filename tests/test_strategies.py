"""Strategies against scripted opponents (expected play as pairs of moves), the registry, parameters, and the
binary fast path against the generic one."""
from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diplosim.core.errors import InputError
from diplosim.play.strategies import (LADDER, REGISTRY, Measure, View, generic_binary, get, parse_spec, rung)

X35 = Measure("expel", 35)
CAP = Measure("cap", 455)
SAN = Measure("sanction", 3)
C = None


def versus(strategy, pairs, *, seed: int = 0, own_staff_there=None, their_staff_here=None, seen=()):
    """Play ``strategy`` against a scripted opponent.  ``pairs``: (expected own move, the opponent's move) per
    round; the opponent's move of round k is seen from round k + 1, as in a match of simultaneous rounds."""
    strategy.reset()
    own, other = [], []
    rng = random.Random(seed)
    for i, (expected, theirs) in enumerate(pairs):
        view = View(own_moves=list(own), other_moves=list(other), rng=rng, round=i + 1, day=i,
                    own_staff_there=own_staff_there, their_staff_here=their_staff_here, seen=frozenset(seen))
        got = strategy.respond(view)
        assert got == expected, f"round {i + 1}: expected {expected}, got {got}"
        own.append(got)
        other.append(theirs)


def test_tit_for_tat_answers_in_kind_and_size():
    versus(get("tit-for-tat"), [(C, X35), (X35, C), (C, CAP), (CAP, SAN), (SAN, C), (C, C)])


def test_tit_for_two_tats_waits_for_two_in_a_row():
    versus(get("tit-for-two-tats"), [(C, X35), (C, C), (C, X35), (C, SAN), (SAN, SAN), (SAN, C), (C, C)])


def test_two_tits_for_tat_answers_twice():
    versus(get("two-tits-for-tat"), [(C, X35), (X35, C), (X35, C), (C, C)])


def test_generous_tit_for_tat_forgives_with_probability_p():
    versus(get("generous-tit-for-tat", p=1.0), [(C, X35), (C, X35), (C, C)])
    versus(get("generous-tit-for-tat", p=0.0), [(C, X35), (X35, X35), (X35, C), (C, C)])
    # p = 0.5 with a fixed seed: the draws decide, and the same seed decides the same way again
    s = get("generous-tit-for-tat", p=0.5)
    rng = random.Random(4)
    draws = [rng.random() < 0.5 for _ in range(6)]
    expected = [C] + [C if forgive else X35 for forgive in draws]
    versus(s, list(zip(expected, [X35] * 7)), seed=4)


def test_suspicious_tit_for_tat_opens_hostile():
    versus(get("suspicious-tit-for-tat"), [(Measure("expel", 5), C), (C, CAP), (CAP, C)])
    versus(get("suspicious-tit-for-tat", kind="sanction", size=2), [(Measure("sanction", 2), C)])


def test_grim_trigger_never_forgives():
    versus(get("grim-trigger"), [(C, C), (C, X35), (X35, C), (X35, C), (X35, SAN), (SAN, C)])


def test_win_stay_lose_shift():
    # CC -> stay C; C vs D -> shift to D (answering their measure); D vs D -> shift to C; D vs C -> stay D
    versus(get("win-stay-lose-shift"), [(C, C), (C, X35), (X35, X35), (C, C), (C, SAN), (SAN, C), (SAN, C)])


def test_go_by_majority():
    versus(get("go-by-majority"), [(C, X35), (X35, C), (C, X35), (X35, SAN), (SAN, C), (SAN, C), (C, C)])


def test_alternator_and_the_constants():
    five = Measure("expel", 5)
    versus(get("alternator"), [(C, X35), (five, X35), (C, C), (five, C)])
    versus(get("restraint"), [(C, X35), (C, X35)])
    versus(get("always-hostile", kind="close_post", size=1), [(Measure("close_post", 1), C)] * 3)


def test_random_is_hostile_with_probability_p():
    versus(get("random", p=0.0), [(C, X35)] * 5)
    versus(get("random", p=1.0, size=2), [(Measure("expel", 2), C)] * 5)
    s = get("random", p=0.3)
    s.reset()
    rng = random.Random(11)
    hits = sum(s.respond(View(rng=rng)) is not None for _ in range(4000))
    assert 0.27 < hits / 4000 < 0.33


def test_proportional_scales_the_answer():
    versus(get("proportional", factor=2), [(C, X35), (Measure("expel", 70), CAP), (Measure("cap", 228), C), (C, C)])
    versus(get("proportional", factor=0.1), [(C, Measure("expel", 3)), (Measure("expel", 1), C)])


def test_parity_cap_caps_at_its_own_mission_size():
    versus(get("parity-cap"), [(C, X35), (Measure("cap", 455), C), (C, C)], own_staff_there=455,
           their_staff_here=1210)
    # already at parity, or sizes unknown: answers in kind
    versus(get("parity-cap"), [(C, X35), (X35, C)], own_staff_there=455, their_staff_here=400)
    versus(get("parity-cap"), [(C, X35), (X35, C)])


def test_escalator_goes_up_the_ladder():
    versus(get("escalator"), [(C, SAN), (LADDER[1], C), (C, X35), (LADDER[4], LADDER[0]), (LADDER[5], LADDER[7])])
    s = get("escalator")
    top = LADDER[-1]
    versus(s, [(C, CAP), (top, CAP), (top, C)])
    assert [rung(m) for m in LADDER] == list(range(1, len(LADDER) + 1))


def test_delayed_waits_for_days_or_a_trigger():
    versus(get("delayed", days=2), [(C, X35), (C, X35), (X35, C), (C, C)])
    versus(get("delayed", strategy="grim-trigger", days=3), [(C, X35), (C, C), (C, C), (X35, C)])
    versus(get("delayed", trigger="VoteHeld"), [(C, X35), (C, C)])
    versus(get("delayed", trigger="VoteHeld"), [(C, X35), (X35, C)], seen={"VoteHeld"})
    d = get("delayed", strategy="generous-tit-for-tat", p=0.25, days=30)
    assert d.inner.p == 0.25 and d.label == "delayed(generous-tit-for-tat(p=0.25), days=30)"


def test_reset_clears_per_match_memory():
    d = get("delayed", days=1)
    versus(d, [(C, X35), (X35, C)])
    versus(d, [(C, X35), (X35, C)])   # waits again after reset


# --- registry and parameters -----------------------------------------------------------------------------------------


def test_the_catalogue_has_every_strategy_with_metadata():
    wanted = {"tit-for-tat", "tit-for-two-tats", "two-tits-for-tat", "generous-tit-for-tat", "suspicious-tit-for-tat",
              "grim-trigger", "win-stay-lose-shift", "go-by-majority", "alternator", "restraint", "always-hostile",
              "random", "proportional", "parity-cap", "delayed", "escalator"}
    assert wanted <= set(REGISTRY)
    for name, cls in REGISTRY.items():
        meta = cls.metadata()
        assert meta["name"] == name and meta["display_name"] and len(meta["doc"]) > 40, name
        assert isinstance(meta["stochastic"], bool) and meta["memory_depth"] in (0, 1, 2, "inf")
        assert get(name).label.startswith(name)


@pytest.mark.parametrize("name, params, fragment", [
    ("nope", {}, "unknown strategy 'nope'"),
    ("random", {"p": 1.5}, "p must be between 0 and 1"),
    ("generous-tit-for-tat", {"p": -0.1}, "p must be between 0 and 1"),
    ("tit-for-tat", {"p": 0.2}, "has no parameter 'p'"),
    ("delayed", {"days": -3}, "days must not be negative"),
    ("delayed", {"strategy": "delayed"}, "cannot delay itself"),
    ("proportional", {"factor": 0}, "factor must be a positive number"),
    ("always-hostile", {"kind": "invade"}, "unknown measure kind"),
    ("always-hostile", {"size": 0}, "at least 1"),
    ("random", {"p": "x"}, "want a number"),
])
def test_bad_names_and_parameters_raise_one_line_input_errors(name, params, fragment):
    with pytest.raises(InputError) as exc:
        get(name, **params)
    assert fragment in str(exc.value) and "\n" not in str(exc.value)


def test_parse_spec():
    assert parse_spec("random:p=0.2,size=3").params() == {"p": 0.2, "kind": "expel", "size": 3}
    with pytest.raises(InputError, match="want key=value"):
        parse_spec("random:p")


# --- the binary fast path plays what respond() plays ---------------------------------------------------------------


def _play(first_a, step_a, first_b, step_b, n, flips):
    a, b = [first_a ^ flips[0][0]], [first_b ^ flips[0][1]]
    for i in range(1, n):
        x, y = step_a(a[-1], b[-1]), step_b(b[-1], a[-1])
        a.append(x ^ flips[i][0])
        b.append(y ^ flips[i][1])
    return a, b


SPECS = sorted(REGISTRY) + ["delayed:days=3", "delayed:strategy=grim-trigger,trigger=VoteHeld",
                            "generous-tit-for-tat:p=0.7", "random:p=0.2"]


@given(a=st.sampled_from(SPECS), b=st.sampled_from(SPECS), seed=st.integers(0, 2**32),
       flips=st.lists(st.tuples(st.integers(0, 1), st.integers(0, 1)), min_size=1, max_size=40))
def test_fast_path_equals_respond(a, b, seed, flips):
    """The fast path (``binary``) and respond() reduced to C/D agree move for move, noise (flips) included."""
    sa, sb = parse_spec(a), parse_spec(b)
    fast = _play(*sa.binary(random.Random(seed)), *sb.binary(random.Random(seed + 1)), len(flips), flips)
    slow = _play(*generic_binary(sa, random.Random(seed)), *generic_binary(sb, random.Random(seed + 1)),
                 len(flips), flips)
    assert fast == slow


@given(a=st.sampled_from(SPECS), b=st.sampled_from(SPECS), seed=st.integers(0, 2**32),
       noise=st.sampled_from([0.0, 0.1, 0.6]), n=st.integers(1, 60))
def test_match_engine_plays_what_respond_plays(a, b, seed, noise, n):
    """tournament.play_binary (memory-one tables, step functions, noise masks) against respond() step by step."""
    from diplosim.play.tournament import _flips, play_binary

    sa, sb = parse_spec(a), parse_spec(b)
    rng = random.Random(seed)
    fa, fb = _flips(rng, n, noise), _flips(rng, n, noise)
    flips = list(zip(fa, fb)) if fa is not None else [(0, 0)] * n
    expected = _play(*generic_binary(sa, rng), *generic_binary(sb, rng), n, flips)
    got = play_binary(sa, sb, n, noise=noise, seed=seed)
    assert (list(got[0]), list(got[1])) == expected


def test_memory_one_tables_match_their_step_functions():
    for name, cls in REGISTRY.items():
        s = get(name)
        table = s.binary_table()
        if table is None:
            continue
        first, step = s.binary(random.Random(0))
        assert table[0] == first and all(table[1][2 * m + t] == step(m, t) for m in (0, 1) for t in (0, 1)), name


def test_diplomatic_strategies_play_tit_for_tat_in_the_binary_view():
    """What differs is the kind and size of their measures, not when they strike."""
    from diplosim.play.tournament import match

    for opp in ("alternator", "random", "suspicious-tit-for-tat", "grim-trigger", "win-stay-lose-shift"):
        tft = match(get("tit-for-tat"), get(opp), 40, noise=0.1, seed=3).moves
        for name in ("proportional", "parity-cap", "escalator", "delayed"):
            assert match(get(name), get(opp), 40, noise=0.1, seed=3).moves == tft, (name, opp)


def test_a_view_made_without_a_random_source_draws_as_one_seeded_0():
    # View's docstring: without an rng it draws from random.Random(0). Forgiving half the time shows the draw.
    forgiving = get("generous-tit-for-tat", p=0.5)

    def view(**kw):
        return View(own_moves=[None], other_moves=[Measure("expel", 35)], round=2, **kw)

    answers = {seed: forgiving.respond(view(rng=random.Random(seed))) for seed in range(10)}
    assert {str(a) for a in answers.values()} == {"None", "expel 35"}  # the seed decides
    assert all(forgiving.respond(view()) == answers[0] for _ in range(3))


def test_delayed_strategies_are_equal_when_their_inner_strategies_are():
    p2 = get("delayed", strategy="generous-tit-for-tat", p=0.2)
    assert p2 == get("delayed", strategy="generous-tit-for-tat", p=0.2)
    assert p2 != get("delayed", strategy="generous-tit-for-tat", p=0.5)
    assert p2 != get("delayed", strategy="tit-for-tat")

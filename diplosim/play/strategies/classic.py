"""The classic strategies of Axelrod's tournaments, made to answer diplomatic measures of any kind and size.

Each class plays on measures (:meth:`respond`) and has a binary fast path (:meth:`binary`) that plays the same game
on C/D; in the binary view these agree move for move with the axelrod library's classes named in ``axelrod``.
"""
from __future__ import annotations

import random

from .base import DEFAULT_SIZE, C, D, Measure, Move, Step, Strategy, View, count, measure_kind, probability, register


def _last_hostile(moves: list) -> Measure | None:
    for m in reversed(moves):
        if m is not None:
            return m
    return None


def _same(mine: int, theirs: int) -> int:
    return theirs


@register
class Restraint(Strategy):
    """Never answers with a hostile measure.

    Axelrod's "Cooperator"; in diplomacy, the side that protests but does not retaliate (Putin's stated choice on
    30 December 2016)."""
    name = "restraint"
    display_name = "Restraint"
    memory_depth = 0
    axelrod = "Cooperator"

    def respond(self, view: View) -> Move:
        return None

    def binary_table(self) -> tuple[int, bytes]:
        return C, bytes([C, C, C, C])

    def binary(self, rng: random.Random) -> tuple[int, Step]:
        return C, lambda m, t: C


@register
class AlwaysHostile(Strategy):
    """Takes its hostile measure (``kind``, ``size``) every round, whatever the other side does.

    Axelrod's "Defector"."""
    name = "always-hostile"
    display_name = "Always hostile"
    memory_depth = 0
    axelrod = "Defector"
    kind: str = measure_kind()
    size: int = count(DEFAULT_SIZE)

    def respond(self, view: View) -> Move:
        return self.opening()

    def binary_table(self) -> tuple[int, bytes]:
        return D, bytes([D, D, D, D])

    def binary(self, rng: random.Random) -> tuple[int, Step]:
        return D, lambda m, t: D


@register
class TitForTat(Strategy):
    """Restraint first; then answers the other side's last move in kind and size (restraint with restraint).

    Anatol Rapoport's entry to Axelrod's first tournament (1980), which it won; the reciprocity ("mirror")
    principle foreign ministries invoke when they expel as many diplomats as they lost."""
    name = "tit-for-tat"
    display_name = "Tit for tat"
    memory_depth = 1
    axelrod = "TitForTat"

    def respond(self, view: View) -> Move:
        return view.other_moves[-1] if view.other_moves else None

    def binary_table(self) -> tuple[int, bytes]:
        return C, bytes([C, D, C, D])

    def binary(self, rng: random.Random) -> tuple[int, Step]:
        return C, _same


@register
class TitForTwoTats(Strategy):
    """Answers only after two hostile measures in a row (with the latest of them); restraint otherwise.

    John Maynard Smith's entry to Axelrod's second tournament (1984)."""
    name = "tit-for-two-tats"
    display_name = "Tit for two tats"
    memory_depth = 2
    axelrod = "TitFor2Tats"

    def respond(self, view: View) -> Move:
        last = view.other_moves[-2:]
        if len(last) == 2 and last[0] is not None and last[1] is not None:
            return last[1]
        return None

    def binary(self, rng: random.Random) -> tuple[int, Step]:
        prev = 0

        def step(m: int, t: int) -> int:
            nonlocal prev
            out = prev & t
            prev = t
            return out
        return C, step


@register
class TwoTitsForTat(Strategy):
    """Answers each hostile measure twice: hostile if the other side struck in either of the last two rounds.

    From Axelrod, *The Evolution of Cooperation* (1984)."""
    name = "two-tits-for-tat"
    display_name = "Two tits for tat"
    memory_depth = 2
    axelrod = "TwoTitsForTat"

    def respond(self, view: View) -> Move:
        return _last_hostile(view.other_moves[-2:])

    def binary(self, rng: random.Random) -> tuple[int, Step]:
        prev = 0

        def step(m: int, t: int) -> int:
            nonlocal prev
            out = prev | t
            prev = t
            return out
        return C, step


@register
class GenerousTitForTat(Strategy):
    """Tit for tat that forgives each hostile measure with probability ``p`` (restraint instead of an answer).

    Nowak and Sigmund (1992); the default p = 1/3 is the axelrod library's for the standard payoffs."""
    name = "generous-tit-for-tat"
    display_name = "Generous tit for tat"
    memory_depth = 1
    stochastic = True
    axelrod = "GTFT"
    p: float = probability(1 / 3)

    def respond(self, view: View) -> Move:
        last = view.other_moves[-1] if view.other_moves else None
        if last is None:
            return None
        return None if view.rng.random() < self.p else last

    def binary(self, rng: random.Random) -> tuple[int, Step]:
        p, rand = self.p, rng.random

        def step(m: int, t: int) -> int:
            if t and rand() >= p:
                return D
            return C
        return C, step

    @property
    def is_stochastic(self) -> bool:
        return 0.0 < self.p < 1.0


@register
class SuspiciousTitForTat(Strategy):
    """Tit for tat that opens with a hostile measure (``kind``, ``size``), then mirrors the other side.

    Beaufils, Delahaye and Mathieu's "mistrust" (1997)."""
    name = "suspicious-tit-for-tat"
    display_name = "Suspicious tit for tat"
    memory_depth = 1
    axelrod = "SuspiciousTitForTat"
    kind: str = measure_kind()
    size: int = count(DEFAULT_SIZE)

    def respond(self, view: View) -> Move:
        return view.other_moves[-1] if view.other_moves else self.opening()

    def binary_table(self) -> tuple[int, bytes]:
        return D, bytes([C, D, C, D])

    def binary(self, rng: random.Random) -> tuple[int, Step]:
        return D, _same


@register
class GrimTrigger(Strategy):
    """Restraint until the other side's first hostile measure; hostile for ever after, in kind.

    Friedman (1971); axelrod's "Grudger".  After the trigger it answers with the other side's latest measure."""
    name = "grim-trigger"
    display_name = "Grim trigger"
    axelrod = "Grudger"

    def respond(self, view: View) -> Move:
        return _last_hostile(view.other_moves)

    def binary(self, rng: random.Random) -> tuple[int, Step]:
        seen = 0

        def step(m: int, t: int) -> int:
            nonlocal seen
            seen |= t
            return seen
        return C, step


@register
class WinStayLoseShift(Strategy):
    """Pavlov: repeats its last choice after a good round, switches after a bad one.

    A good round is one where the other side showed restraint (both restrained, or it struck unanswered); a bad
    one is where the other side struck.  So it is restrained when both sides chose alike last round and hostile
    when they differed.  Kraines and Kraines (1989), Nowak and Sigmund (1993); axelrod's "WinStayLoseShift"."""
    name = "win-stay-lose-shift"
    display_name = "Win-stay, lose-shift"
    memory_depth = 1
    axelrod = "WinStayLoseShift"

    def respond(self, view: View) -> Move:
        if not view.own_moves:
            return None
        mine, theirs = view.own_moves[-1], view.other_moves[-1] if view.other_moves else None
        if (mine is None) == (theirs is None):
            return None
        return theirs if theirs is not None else mine

    def binary_table(self) -> tuple[int, bytes]:
        return C, bytes([C, D, D, C])

    def binary(self, rng: random.Random) -> tuple[int, Step]:
        return C, lambda m, t: m ^ t


@register
class GoByMajority(Strategy):
    """Answers with what the other side did most often: hostile (with its latest measure) only if it struck in more
    rounds than it showed restraint; restraint on a tie.

    Gail Grisell's entry to Axelrod's second tournament; axelrod's soft "GoByMajority"."""
    name = "go-by-majority"
    display_name = "Go by majority"
    axelrod = "GoByMajority"

    def respond(self, view: View) -> Move:
        hostile = sum(m is not None for m in view.other_moves)
        if hostile > len(view.other_moves) - hostile:
            return _last_hostile(view.other_moves)
        return None

    def binary(self, rng: random.Random) -> tuple[int, Step]:
        balance = 0  # defections minus cooperations

        def step(m: int, t: int) -> int:
            nonlocal balance
            balance += 1 if t else -1
            return D if balance > 0 else C
        return C, step


@register
class Alternator(Strategy):
    """Alternates restraint and its hostile measure (``kind``, ``size``), starting with restraint.

    axelrod's "Alternator" (Axelrod 1984); it switches on its own last move."""
    name = "alternator"
    display_name = "Alternator"
    memory_depth = 1
    axelrod = "Alternator"
    kind: str = measure_kind()
    size: int = count(DEFAULT_SIZE)

    def respond(self, view: View) -> Move:
        if not view.own_moves or view.own_moves[-1] is not None:
            return None
        return self.opening()

    def binary_table(self) -> tuple[int, bytes]:
        return C, bytes([D, D, C, C])

    def binary(self, rng: random.Random) -> tuple[int, Step]:
        return C, lambda m, t: m ^ 1


@register
class Random(Strategy):
    """Takes its hostile measure (``kind``, ``size``) with probability ``p`` each round, whatever happened.

    axelrod's "Random" (Axelrod 1980) with p = probability of a hostile move (axelrod's p is that of restraint; at
    the default 0.5 they coincide)."""
    name = "random"
    display_name = "Random"
    memory_depth = 0
    stochastic = True
    axelrod = "Random"
    p: float = probability(0.5)
    kind: str = measure_kind()
    size: int = count(DEFAULT_SIZE)

    def respond(self, view: View) -> Move:
        return self.opening() if view.rng.random() < self.p else None

    def binary(self, rng: random.Random) -> tuple[int, Step]:
        p, rand = self.p, rng.random
        first = D if rand() < p else C
        return first, lambda m, t: D if rand() < p else C

    @property
    def is_stochastic(self) -> bool:
        return 0.0 < self.p < 1.0


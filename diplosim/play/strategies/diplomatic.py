"""Strategies that need the diplomatic detail a binary move leaves out: sizes, parity, timing, escalation.

In the binary view (C/D) ``proportional``, ``parity-cap`` and ``escalator`` all play like tit-for-tat: what differs
is the kind and size of their measures.
"""
from __future__ import annotations

import math
import random
from typing import Any

from attrs import field

from ...core.errors import InputError
from .base import C, D, REGISTRY, Measure, Move, Step, Strategy, View, count, factor, register, text
from .classic import _same


@register
class Proportional(Strategy):
    """Answers the other side's last measure in kind, ``factor`` times as hard (restraint with restraint).

    With factor 1 it is tit-for-tat; above 1 it over-answers, as Russia did in July 2017 (755 to leave after 35
    expelled).  A cap is answered with the cap divided by the factor."""
    name = "proportional"
    display_name = "Proportional"
    memory_depth = 1
    factor: float = factor(2.0)

    def respond(self, view: View) -> Move:
        last = view.other_moves[-1] if view.other_moves else None
        return None if last is None else last.scaled(self.factor)

    def binary_table(self) -> tuple[int, bytes]:
        return C, bytes([C, D, C, D])

    def binary(self, rng: random.Random) -> tuple[int, Step]:
        return C, _same


@register
class ParityCap(Strategy):
    """Answers a hostile measure by capping the other side's mission at the size of its own mission there.

    Russia's answer of 28 July 2017: the US mission capped at 455, the size of the Russian mission in the US.  If
    the other side's mission is already no larger than its own (or the sizes are unknown), it answers in kind."""
    name = "parity-cap"
    display_name = "Parity cap"
    memory_depth = 1

    def respond(self, view: View) -> Move:
        last = view.other_moves[-1] if view.other_moves else None
        if last is None:
            return None
        if view.own_staff_there is not None and view.their_staff_here is not None \
                and view.their_staff_here > view.own_staff_there:
            return Measure("cap", view.own_staff_there)
        return last

    def binary_table(self) -> tuple[int, bytes]:
        return C, bytes([C, D, C, D])

    def binary(self, rng: random.Random) -> tuple[int, Step]:
        return C, _same


#: The escalation ladder, from the mildest rung to the hardest.  Rung 0 is restraint.
LADDER: tuple[Measure, ...] = (
    Measure("sanction", 5),           # 1: designate a handful of entities
    Measure("expel", 10),             # 2: a small expulsion
    Measure("suspend_property", 1),   # 3: bar access to a property
    Measure("expel", 35),             # 4: the December 2016 expulsion
    Measure("close_property", 1),     # 5: shut a property
    Measure("close_post", 1),         # 6: close a consulate
    Measure("seize_property", 1),     # 7: take a property
    Measure("expel", 100),            # 8: a mass expulsion
)


def rung(m: Measure | None) -> int:
    """Where a measure sits on :data:`LADDER`: the highest rung of the same kind whose size it reaches (a cap
    counts as rung 8; a measure smaller than the lowest rung of its kind counts as that lowest rung, and a measure of
    a kind not on the ladder as rung 1: every hostile measure sits above restraint).

    >>> rung(None), rung(Measure("expel", 35)), rung(Measure("expel", 20)), rung(Measure("cap", 455))
    (0, 4, 2, 8)
    >>> rung(Measure("expel", 5)), rung(Measure("sanction", 2))    # as expel 10 (rung 2); as sanctions on 5 (rung 1)
    (2, 1)
    """
    if m is None:
        return 0
    if m.kind == "cap":
        return len(LADDER)
    best = 0
    for i, r in enumerate(LADDER, 1):
        if r.kind == m.kind and m.size >= r.size:
            best = i
    if best == 0:
        best = min((i for i, r in enumerate(LADDER, 1) if r.kind == m.kind), default=1)
    return best


@register
class Escalator(Strategy):
    """Answers each hostile measure with the next rung up the escalation ladder (:data:`LADDER`): one rung above
    the higher of the measure it answers and its own last one; restraint while the other side is restrained.

    The ladder runs sanctions on 5 targets, a small expulsion (10), barred property, the 35 of December 2016, a
    closed property, a closed consulate, a seized property, a mass expulsion (100); at the top it repeats the top
    rung.  Herman Kahn's escalation ladder (*On Escalation*, 1965), cut down to the measures of this dispute."""
    name = "escalator"
    display_name = "Escalator"
    memory_depth = 1

    def respond(self, view: View) -> Move:
        last = view.other_moves[-1] if view.other_moves else None
        if last is None:
            return None
        mine = view.own_moves[-1] if view.own_moves else None
        return LADDER[min(max(rung(last), rung(mine)), len(LADDER) - 1)]

    def binary_table(self) -> tuple[int, bytes]:
        return C, bytes([C, D, C, D])

    def binary(self, rng: random.Random) -> tuple[int, Step]:
        return C, _same


@register
class Delayed(Strategy):
    """Plays another strategy (``strategy``) but holds back, restrained, until ``days`` have passed or the other
    side's event named ``trigger`` (an event id or type) has been seen, whichever comes first.

    Putin in December 2016: no answer to the expulsions then, the answer came in July 2017 after Congress voted new
    sanctions.  Other parameters go to the inner strategy: ``delayed:strategy=generous-tit-for-tat,p=0.2,days=30``.
    In a match of rounds one round is one day and no trigger is ever seen."""
    name = "delayed"
    display_name = "Delayed"
    strategy: str = text("tit-for-tat")
    days: int | None = count(None)
    trigger: str | None = text(None)
    inner: Strategy | None = field(default=None, repr=False)  # equal inner strategies, by their parameters
    _released: bool = field(default=False, init=False, repr=False, eq=False)

    @classmethod
    def parameters(cls) -> dict[str, Any]:
        return {"strategy": "tit-for-tat", "days": None, "trigger": None}

    def params(self) -> dict[str, Any]:
        own = {"strategy": self.strategy, "days": self.days, "trigger": self.trigger}
        inner = self.inner.params() if self.inner is not None else {}
        return {**own, **{k: v for k, v in inner.items() if k not in own}}

    @property
    def label(self) -> str:
        inner = self.inner.label if self.inner is not None else self.strategy
        bits = [f"days={self.days}"] if self.days is not None else []
        bits += [f"trigger={self.trigger}"] if self.trigger else []
        return f"delayed({inner}{''.join(', ' + b for b in bits)})"

    @property
    def is_stochastic(self) -> bool:
        return self.inner.is_stochastic   # set by __attrs_post_init__

    @classmethod
    def create(cls, **params: Any) -> "Delayed":
        from .base import get

        own = {k: params.pop(k) for k in list(params) if k in ("strategy", "days", "trigger")}
        name = str(own.get("strategy") or "tit-for-tat")
        if name == cls.name:
            raise InputError("strategy 'delayed' cannot delay itself")
        if name not in REGISTRY:
            raise InputError(f"strategy 'delayed': unknown inner strategy {name!r}")
        inner = get(name, **params)
        try:
            return cls(**own, inner=inner)
        except (TypeError, ValueError) as exc:
            raise InputError(f"strategy 'delayed': {exc}") from None

    def __attrs_post_init__(self) -> None:
        if self.inner is None:
            self.inner = REGISTRY[self.strategy].create()

    def reset(self) -> None:
        self._released = False
        self.inner.reset()

    def _waiting(self, view: View) -> bool:
        if self._released:
            return False
        if self.days is None and self.trigger is None:
            self._released = True
        elif self.days is not None and view.day >= self.days:
            self._released = True
        elif self.trigger is not None and self.trigger in view.seen:
            self._released = True
        return not self._released

    def respond(self, view: View) -> Move:
        answer = self.inner.respond(view)   # the inner strategy keeps its memory while it waits
        return None if self._waiting(view) else answer

    def binary_table(self) -> tuple[int, bytes] | None:
        return self.inner.binary_table() if self.days is None and self.trigger is None else None

    def binary(self, rng: random.Random) -> tuple[int, Step]:
        first, inner = self.inner.binary(rng)
        if self.days is None and self.trigger is None:
            return first, inner
        # no trigger is ever seen in a match of rounds: only days can end the wait
        days = math.inf if self.days is None else self.days
        day = 0

        def step(m: int, t: int) -> int:
            nonlocal day
            day += 1
            out = inner(m, t)
            return out if day >= days else C
        return (first if days <= 0 else C), step

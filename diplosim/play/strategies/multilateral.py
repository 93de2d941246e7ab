"""Strategies for many countries at once: answering each state that acted, joining a coalition, treating the
initiator apart, answering a bloc as one, and climbing a ladder of measure kinds.

Each reads :attr:`View.world` (everyone's acts, dated; the blocs) when calendar play gives it, and falls back to
the counterpart's own packages when it plays alone (a match of rounds, where the world is just the two of them).
In the binary view (C/D) every one of them plays tit-for-tat: a package is hostile if any part of it is, and each
answers hostility with hostility and restraint with restraint.

What "in kind and in size" means here: expelled people for expelled people, a closed post for a closed post, a
property for a property, a designated target for a designated target, and a cap with a cap at parity (the size of
my own mission in the other country, as Russia capped the US mission in 2017 and asked the UK for parity in 2018).
"""
from __future__ import annotations

import math
import random
import statistics

from attrs import field

from ...core.errors import InputError
from .base import (C, D, Measure, Move, Package, Step, Strategy, View, combine, count, factor, register, text)
from .classic import _same

#: The window (days) in which acts are remembered and answered, unless a strategy is given its own ``memory``.
MEMORY_DAYS = 30


def _in_kind(m: Measure) -> Measure:
    """The answer in kind to one measure: the same, but a cap is answered by a cap at parity."""
    return Measure("cap", 0, parity=True) if m.kind == "cap" else Measure(m.kind, m.size)


def _owed(received: Package, answered: Package) -> Package:
    """What is still to answer: the received measures less what was answered already, kind by kind."""
    out = []
    for m in received:
        if m.kind == "cap":
            if not any(a.kind == "cap" for a in answered):
                out.append(_in_kind(m))
            continue
        left = m.size - answered.size(m.kind)
        if left > 0:
            out.append(Measure(m.kind, left))
    return Package(tuple(out))


def _last_package(view: View) -> Package:
    """Alone (no world): the counterpart's package since my last decision, else its last single measure."""
    if view.packages:
        return view.packages[-1]
    last = view.other_moves[-1] if view.other_moves else None
    return Package((last,)) if last is not None else Package()


def _scaled(p: Package, f: float) -> Package:
    return Package(tuple(m if m.kind == "cap" else Measure(m.kind, max(1, int(m.size * f + 0.5))) for m in p))


class _Multilateral(Strategy):
    """Common to the strategies of this module: tit-for-tat in the binary view, and the world's windows."""
    multilateral = True
    memory_depth = math.inf

    def binary_table(self) -> tuple[int, bytes]:
        return C, bytes([C, D, C, D])

    def binary(self, rng: random.Random) -> tuple[int, Step]:
        return C, _same

    def owed(self, view: View, days: int) -> Package:
        """What the counterpart did to me in the window, less what I did to it in the same window."""
        w = view.world
        if w is None:
            return _owed(_last_package(view), Package())  # (_owed answers a cap in kind itself)
        return _owed(w.total(view.other, view.me, days), w.total(view.me, view.other, days))


@register
class MirrorEach(_Multilateral):
    """Answers every state that acted against it, each in kind and in size: people for people, a post for a post,
    a property for a property, targets for targets, a cap with a cap at parity; restraint to the restrained.

    It answers what is still owed in the last ``memory`` days (what the other did to me, less what I already did
    to it), so a package is answered once, whole, and a real answer already given before play is not repeated.
    Russia's practice in March-April 2018: 60 for the US's 60 and a consulate for the Seattle consulate, and
    equal numbers for each European state (the "mirror response" its foreign ministry announced)."""
    name = "mirror-each"
    display_name = "Mirror each"
    memory: int = count(MEMORY_DAYS, minimum=1)

    def respond(self, view: View) -> Move:
        owed = self.owed(view, self.memory)
        return owed or None


@register
class Solidarity(_Multilateral):
    """Joins a coalition: when a state has struck one of my allies and at least ``threshold`` allies have taken
    measures against it in the last ``memory`` days, I expel its diplomats too, once; answers direct hits in kind.

    ``size``: ``median`` (the median of the allies' expulsions against it, at least 1) or a number of people;
    ``bloc``: the bloc whose members count as allies (default: every bloc I belong to).  Coalition behaviour in
    alliance politics (Snyder, *Alliance Politics*, 1997): allies join a measure to show cohesion, sized to the
    group's norm rather than to the offence against themselves; the 26-27 March 2018 wave."""
    name = "solidarity"
    display_name = "Solidarity"
    threshold: int = count(2, minimum=1)
    size: str = text("median")
    bloc: str | None = text(None)
    memory: int = count(MEMORY_DAYS, minimum=1)

    def __attrs_post_init__(self) -> None:
        if self.size != "median":
            try:
                if int(self.size) < 1:
                    raise ValueError
            except ValueError:
                raise ValueError(f"size must be 'median' or a whole number of people (got {self.size!r})") from None

    def allies(self, view: View) -> frozenset:
        w = view.world
        if self.bloc is None:
            return w.allies
        if self.bloc not in w.blocs:
            raise InputError(f"strategy 'solidarity': no bloc named {self.bloc!r} in play "
                             f"(blocs: {', '.join(sorted(w.blocs)) or 'none'})")
        return frozenset(w.blocs[self.bloc]) - {view.me}

    def respond(self, view: View) -> Move:
        direct = self.owed(view, self.memory)
        if view.world is None:
            return direct or None
        w, z = view.world, view.other
        allies = self.allies(view) - {z}
        acts = w.recent(self.memory)
        if not allies or any(a == view.me and v == z for _, a, v, _ in acts):
            return direct or None   # no coalition, or I have acted against it already in this window
        hit = any(a == z and v in allies for _, a, v, _ in acts)
        joined = {a for _, a, v, m in acts if v == z and a in allies}
        if not hit or len(joined) < self.threshold:
            return direct or None
        if self.size == "median":
            sizes = [combine(m for _, a2, v, m in acts if a2 == a and v == z).size("expel") for a in joined]
            people = int(statistics.median([s for s in sizes if s] or [1]))   # a median of whole numbers >= 1 is >= 1
        else:
            people = int(self.size)
        return combine(list(direct) + [Measure("expel", people)])


@register
class LeadAndFollow(_Multilateral):
    """Answers the state that struck first (the initiator, in the last ``memory`` days) ``lead`` times as hard,
    and the states that followed it ``follow`` times as hard, each in kind.

    The initiator is held responsible for the wave and the followers for their share: Russia answered the UK's
    expulsions of March 2018 with the same number and more (a consulate closed, the British Council stopped, a
    parity demand), the followers with equal numbers."""
    name = "lead-and-follow"
    display_name = "Lead and follow"
    lead: float = factor(2.0)
    follow: float = factor(1.0)
    memory: int = count(MEMORY_DAYS, minimum=1)

    def __attrs_post_init__(self) -> None:
        if self.lead < self.follow:
            raise ValueError(f"lead ({self.lead:g}) must be at least follow ({self.follow:g}): the initiator is "
                             f"answered harder")

    def respond(self, view: View) -> Move:
        if view.world is None:
            owed = self.owed(view, self.memory)
            return _scaled(owed, self.lead) or None
        w = view.world
        first = w.initiator(self.memory)
        f = self.lead if view.other == first else self.follow
        received = w.total(view.other, view.me, self.memory)
        answered = w.total(view.me, view.other, self.memory)
        owed = _owed(_scaled(received, f), answered)
        return owed or None


@register
class ProportionalToBloc(_Multilateral):
    """Answers a bloc as one: every member that acted against me (in the last ``memory`` days) gets an equal share
    of ``factor`` times what the members did in all, in people expelled; other measures in kind; states in no bloc
    are answered in kind.

    Burden-sharing read from the receiving end: a small member that expelled one diplomat pays for the bloc's
    total as much as a large one."""
    name = "proportional-to-bloc"
    display_name = "Proportional to bloc"
    factor: float = factor(1.0)
    memory: int = count(MEMORY_DAYS, minimum=1)

    def respond(self, view: View) -> Move:
        if view.world is None:
            return _scaled(self.owed(view, self.memory), self.factor) or None
        w, z = view.world, view.other
        bloc = next((sorted(m) for name, m in sorted(w.blocs.items()) if z in m and view.me not in m), None)
        if bloc is None:
            return self.owed(view, self.memory) or None
        acting = [c for c in bloc if w.total(c, view.me, self.memory).size("expel") > 0]
        if z not in acting:
            return self.owed(view, self.memory) or None
        total = sum(w.total(c, view.me, self.memory).size("expel") for c in acting)
        share = math.ceil(self.factor * total / len(acting))   # >= 1: every acting member expelled someone
        answered = w.total(view.me, z, self.memory)
        others = [m for m in self.owed(view, self.memory) if m.kind != "expel"]
        people = share - answered.size("expel")
        return combine(([Measure("expel", people)] if people > 0 else []) + others) or None


@register
class Graduated(_Multilateral):
    """Climbs a ladder of measure kinds, one rung for each new hostile package a state puts on me: by default
    expel ``expel`` people, then close a post, then cap its mission at parity; it stays on the top rung, and
    answers restraint with restraint.

    ``ladder``: the rungs, as ``kind:size`` separated by ``>`` (``expel:10>close_post:1>cap:parity``).  A
    graduated response (the "flexible response" of NATO doctrine, MC 14/3, 1967): each step is a signal, kept one
    step below what the other side did last."""
    name = "graduated"
    display_name = "Graduated"
    ladder: str = text("expel:10>close_post:1>cap:parity")
    _rungs: tuple = field(default=(), init=False, repr=False, eq=False)
    _climbed: dict = field(factory=dict, init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        rungs = []
        for part in (self.ladder or "").split(">"):
            part = part.strip()
            if not part:
                continue
            kind, colon, size = part.partition(":")
            if not colon:
                raise ValueError(f"bad rung {part!r} in ladder: want kind:size, like expel:10 or cap:parity")
            if kind.strip() == "cap" and size.strip() == "parity":
                rungs.append(Measure("cap", 0, parity=True))
            else:
                try:
                    rungs.append(Measure(kind.strip(), int(size)))
                except ValueError as exc:
                    raise ValueError(f"bad rung {part!r} in ladder: {exc}") from None
        if not rungs:
            raise ValueError("an empty ladder: give at least one rung, like expel:10>close_post:1")
        self._rungs = tuple(rungs)
        self._climbed = {}

    def reset(self) -> None:
        self._climbed = {}

    def respond(self, view: View) -> Move:
        if not _last_package(view):   # the counterpart's latest move (a package in calendar play) was restraint
            return None
        n = self._climbed.get(view.other, 0)
        self._climbed[view.other] = n + 1
        return self._rungs[min(n, len(self._rungs) - 1)]

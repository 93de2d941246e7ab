"""Response strategies: how a country answers the other side's measures, one class per strategy.

The API (used by matches, tournaments, calendar play and scenarios):

- ``get(name, **params) -> Strategy``: a strategy by registry name.  An unknown name, an unknown parameter or a
  bad value (p outside [0, 1], a negative lag or size) raises :class:`diplosim.core.errors.InputError` with one line
  naming it.  ``parse_spec("random:p=0.2")`` does the same from the command line's ``name:key=value`` form.
- ``REGISTRY``: registry name -> class.  Each class has ``name``, ``display_name``, a docstring (how it plays,
  where it comes from), ``memory_depth``, ``stochastic``, ``axelrod`` (the axelrod class it matches in the binary
  view, or None) and ``parameters()`` (names and defaults; parameters are attrs fields with validators);
  ``metadata()`` gives all of it as a dict.
- A move is a :class:`Measure` ``(kind, size)`` or ``None`` (restraint).  Kinds (:data:`MEASURE_KINDS`): expel
  (size = people), cap (size = the cap), close_post, close_property, seize_property, suspend_property (size = how
  many), sanction (size = targets).  Binary view: None = C, any measure = D.
- ``strategy.respond(view) -> Measure | None`` where ``view`` is a :class:`View`: ``own_moves`` and
  ``other_moves`` (lists of moves, oldest first), ``rng`` (a seeded random.Random of this side), ``round`` (1 for
  the first decision), ``day`` (days since play started), ``own_staff_there`` (my mission's staff in the other
  country), ``their_staff_here`` (their mission's staff in mine), ``seen`` (ids and type names of the other
  side's events so far), ``me``/``other`` (country codes).  A strategy may keep per-match memory; ``reset()``
  clears it.  Call ``reset()`` before a match and ``respond`` once per round, in order.
- ``strategy.binary(rng) -> (first_move, step)``: the fast path of a match of rounds, on 0 (C) and 1 (D);
  ``step(my_last, their_last)`` gives the next move.  It plays exactly what ``respond`` would in the binary view.

    >>> from diplosim.play.strategies import get, View, Measure
    >>> tft = get("tit-for-tat")
    >>> tft.respond(View(own_moves=[None], other_moves=[Measure("expel", 35)]))
    Measure(kind='expel', size=35)
    >>> sorted(REGISTRY)[:3]
    ['alternator', 'always-hostile', 'delayed']
"""
from __future__ import annotations

from .base import (C, D, DEFAULT_SIZE, MEASURE_KINDS, REGISTRY, Measure, Move, Package, Strategy, View, World,
                   combine, generic_binary, get, measures_of, parse_package, parse_spec, register, single)
from . import classic, diplomatic, multilateral  # noqa: F401  (they register the strategies)
from .diplomatic import LADDER, rung

__all__ = ["C", "D", "DEFAULT_SIZE", "LADDER", "MEASURE_KINDS", "REGISTRY", "Measure", "Move", "Strategy", "View",
           "generic_binary", "get", "parse_spec", "register", "rung", "catalogue"]


def catalogue() -> list[dict]:
    """One row per strategy (name, display name, memory depth, stochastic, parameters, axelrod match, plays).

    >>> next(r for r in catalogue() if r["name"] == "tit-for-tat")["memory_depth"]
    1
    """
    rows = []
    for name in REGISTRY:
        meta = REGISTRY[name].metadata()
        meta.pop("doc")
        rows.append(meta)
    return rows

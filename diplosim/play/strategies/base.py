"""The pieces every strategy is built from: Measure (a move), View (what a side knows), Strategy, the registry.

A *move* is a :class:`Measure` (a hostile act of some kind and size) or ``None`` (restraint).  In the binary view
of Axelrod's tournaments ``None`` is C and any measure is D.

    >>> Measure("expel", 35)
    Measure(kind='expel', size=35)
    >>> str(Measure("cap", 455))
    'cap at 455'
"""
from __future__ import annotations

import bisect
import datetime
import inspect
import math
import random
import re
from operator import itemgetter
from typing import Any, Callable, ClassVar

import attrs
from attrs import define, field, frozen

from ...core.errors import InputError

#: What a measure can be; ``size`` means people (expel), the cap (cap), how many (posts, properties), targets
#: (sanction).
MEASURE_KINDS = ("expel", "cap", "close_post", "close_property", "seize_property", "suspend_property", "sanction")

#: Binary moves of the fast path: restraint (C) and any hostile measure (D).
C, D = 0, 1

#: Step function of the binary fast path: ``step(my_last, their_last) -> move`` (0 = C, 1 = D).
Step = Callable[[int, int], int]


def _measure_kind(instance, attribute, value):
    if value not in MEASURE_KINDS:
        raise ValueError(f"unknown measure kind {value!r} (want one of {', '.join(MEASURE_KINDS)})")


def _measure_size(instance, attribute, value):
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"measure size must be a whole number (got {value!r})")
    if value < (0 if instance.kind == "cap" else 1):
        raise ValueError(f"{instance.kind} needs a size of at least {0 if instance.kind == 'cap' else 1} "
                         f"(got {value})")


@frozen
class Measure:
    """A hostile act: ``kind`` (one of :data:`MEASURE_KINDS`) and ``size``.

    ``size`` is the number of people (expel), the cap itself (cap), how many posts or properties (close_post,
    close_property, seize_property, suspend_property) or how many targets (sanction).  ``deadline_days``, if set,
    is the time given to comply (expulsions, caps); otherwise calendar play uses its documented defaults.
    """
    kind: str = field(validator=_measure_kind)
    size: int = field(validator=_measure_size)
    deadline_days: int | None = field(default=None, kw_only=True, repr=False)
    #: a cap at parity with the actor's own mission in the other country (``size`` is then not used)
    parity: bool = field(default=False, kw_only=True, repr=False)

    def __str__(self) -> str:
        if self.kind == "cap":
            return "cap at parity" if self.parity else f"cap at {self.size}"
        return f"{self.kind.replace('_', ' ')} {self.size}"

    def scaled(self, factor: float) -> "Measure":
        """The same kind, ``factor`` times as hard (a cap is divided: a harsher cap is a lower one).

        >>> Measure("expel", 35).scaled(2), Measure("cap", 455).scaled(2)
        (Measure(kind='expel', size=70), Measure(kind='cap', size=228))
        """
        if self.kind == "cap":
            size = int(self.size / factor + 0.5)   # never below 0: size >= 0, factor > 0
        else:
            size = max(1, int(self.size * factor + 0.5))
        return attrs.evolve(self, size=size)


@frozen
class Package:
    """Everything one side does to another on one day, as one move: ``expel 60 + close post 1``.

    A package is hostile when it holds any measure (the binary view); an empty package is restraint.  Iterating
    gives its measures; :attr:`last` is the measure a strategy that reads single measures sees (the last one, as
    if the day's acts came one by one).

    >>> p = Package((Measure("expel", 60), Measure("close_post", 1)))
    >>> str(p), p.size("expel"), p.last
    ('expel 60 + close post 1', 60, Measure(kind='close_post', size=1))
    """
    measures: tuple[Measure, ...] = ()

    def __iter__(self):
        return iter(self.measures)

    def __len__(self) -> int:
        return len(self.measures)

    def __bool__(self) -> bool:
        return bool(self.measures)

    def __str__(self) -> str:
        return " + ".join(str(m) for m in self.measures) or "restraint"

    @property
    def last(self) -> Measure | None:
        return self.measures[-1] if self.measures else None

    def size(self, kind: str) -> int:
        """The total size of the package's measures of ``kind`` (for a cap: the harshest cap, 0 if none)."""
        sizes = [m.size for m in self.measures if m.kind == kind]
        if kind == "cap":
            return min(sizes) if sizes else 0
        return sum(sizes)

    def scaled(self, factor: float) -> "Package":
        return Package(tuple(m.scaled(factor) for m in self.measures))


def parse_package(text: str) -> Package:
    """A package from ``kind:size+kind:size`` (``expel:60+close_post:1``), as parameters and the command line
    write it.

    >>> parse_package("expel:60+close_post:1")
    Package(measures=(Measure(kind='expel', size=60), Measure(kind='close_post', size=1)))
    >>> parse_package(" ")
    Traceback (most recent call last):
    ValueError: an empty package: want kind:size+kind:size, like expel:60+close_post:1
    """
    parts = [p.strip() for p in str(text).split("+") if p.strip()]
    if not parts:
        raise ValueError("an empty package: want kind:size+kind:size, like expel:60+close_post:1")
    out = []
    for part in parts:
        kind, colon, size = part.partition(":")
        if not colon:
            raise ValueError(f"bad measure {part!r} in a package: want kind:size, like expel:60")
        out.append(Measure(kind.strip(), _to_int(size.strip())))
    return Package(tuple(out))


Move = Measure | Package | None


def measures_of(move: Move) -> tuple[Measure, ...]:
    """The measures of a move (none for restraint)."""
    if move is None:
        return ()
    if isinstance(move, Package):
        return move.measures
    return (move,)


def single(move: Move) -> Measure | None:
    """A move as one measure, for strategies and views that read single measures (a package's last measure)."""
    return move.last if isinstance(move, Package) else move


@define
class View:
    """What one side knows when it decides: the moves so far (oldest first) and the situation.

    ``own_moves``/``other_moves``: lists of Measure or None.  ``rng``: the side's own seeded random source (a View made
    without one draws from ``random.Random(0)``, so it decides the same every time).
    ``packages``: what the other side did to me, one :class:`Package` per decision window (empty: restraint); in
    calendar play the history before the start adds one package per day.  ``world``: the multilateral
    situation (see :class:`World`), None in a two-sided match.
    ``round``: 1 for the first decision.  ``day``: days since the start of play (in a match of rounds, round - 1).
    ``own_staff_there``: my mission's staff in the other country; ``their_staff_here``: theirs in mine (None when
    unknown, as in a binary match).  ``seen``: ids and type names of the other side's events so far (a
    ``delayed`` strategy's trigger is matched against them).
    """
    own_moves: list = field(factory=list)
    other_moves: list = field(factory=list)
    rng: random.Random = field(factory=lambda: random.Random(0))
    round: int = 1
    day: int = 0
    own_staff_there: int | None = None
    their_staff_here: int | None = None
    seen: frozenset = frozenset()
    me: str = "A"
    other: str = "B"
    packages: list = field(factory=list)
    world: "World | None" = None


_date_of = itemgetter(0)


@define
class World:
    """What a country knows of everyone when it decides, for multilateral strategies.

    ``acts``: every hostile measure among the countries in play, history included, as ``(date, actor, victim,
    measure)`` in date order (read it, do not change it).  ``today``: the day of the decision.  ``blocs``: each
    bloc's members; ``allies``: the members of my blocs; ``countries``: everyone in play; ``me``: who decides.
    """
    acts: list = field(factory=list)
    today: "object" = None
    me: str = "A"
    blocs: dict = field(factory=dict)
    allies: frozenset = frozenset()
    countries: tuple = ()

    # answers already given today, by question: the strategies ask the same questions front after front, and the
    # Worlds of one day may share them (``memo``), since acts dated today or later, added meanwhile, are outside every
    # window; an answer that depends on ``me`` is kept under ``me``
    _memo: dict = field(factory=dict, repr=False, eq=False)

    def recent(self, days: int) -> list:
        """The acts of the last ``days`` days before today (today's own acts are not known yet); read it, do not
        change it."""
        got = self._memo.get(days)
        if got is None:
            since = self.today - datetime.timedelta(days=days)
            lo = bisect.bisect_left(self.acts, since, key=_date_of)  # acts are in date order
            got = self._memo[days] = self.acts[lo:bisect.bisect_left(self.acts, self.today, lo=lo, key=_date_of)]
        return got

    def total(self, actor: str, victim: str, days: int) -> "Package":
        """Everything ``actor`` did to ``victim`` in the last ``days`` days, as one package per kind."""
        by_pair = self._memo.get(("by pair", days))
        if by_pair is None:
            by_pair = self._memo["by pair", days] = {}
            for _, a, v, m in self.recent(days):
                by_pair.setdefault((a, v), []).append(m)
        key = ("total", actor, victim, days)
        got = self._memo.get(key)
        if got is None:
            got = self._memo[key] = combine(by_pair.get((actor, victim), ()))
        return got

    def first_strike(self, days: int) -> dict:
        """For each country that acted against me in the last ``days`` days, the date of its first act then."""
        out = self._memo.get(("first", self.me, days))
        if out is None:
            out = self._memo["first", self.me, days] = {}
            for d, a, v, _ in self.recent(days):
                if v == self.me:
                    out.setdefault(a, d)
        return dict(out)

    def initiator(self, days: int) -> str | None:
        """The country that struck me first in the last ``days`` days (ties: alphabetical)."""
        first = self.first_strike(days)
        return min(first, key=lambda c: (first[c], c)) if first else None


def combine(measures) -> "Package":
    """Measures as one package: same kinds summed, a cap at its harshest (parity counts as the harshest), in the
    order the kinds first came.

    >>> str(combine([Measure("expel", 2), Measure("close_post", 1), Measure("expel", 3)]))
    'expel 5 + close post 1'
    """
    out: dict = {}
    for m in measures:
        old = out.get(m.kind)
        if old is None:
            out[m.kind] = m
        elif m.kind == "cap":
            out[m.kind] = m if m.parity or (not old.parity and m.size < old.size) else old
        else:
            out[m.kind] = Measure(m.kind, old.size + m.size, deadline_days=old.deadline_days)
    return Package(tuple(out.values()))


# --- parameters: attrs fields with converters and validators --------------------------------------------------------


def _to_float(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(f"want a number, got {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"want a number, got {value!r}") from None


def _to_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(f"want a whole number, got {value!r}")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"want a whole number, got {value!r}")
        return int(value)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(f"want a whole number, got {value!r}") from None


def _to_opt_int(value: Any) -> int | None:
    return None if value is None or value == "" else _to_int(value)


def _to_opt_str(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _probability(instance, attribute, value):
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{attribute.name} must be between 0 and 1 (got {value:g})")


def _positive(instance, attribute, value):
    if not value > 0 or math.isinf(value):
        raise ValueError(f"{attribute.name} must be a positive number (got {value})")


def probability(default: float):
    """A parameter in [0, 1]."""
    return field(default=default, converter=_to_float, validator=_probability)


def count(default: int | None, minimum: int = 0):
    """A whole-number parameter of at least ``minimum`` (None allowed when the default is None)."""
    def check(instance, attribute, value):
        if value is not None and value < minimum:
            word = "negative" if minimum == 0 else f"below {minimum}"
            raise ValueError(f"{attribute.name} must not be {word} (got {value})")
    return field(default=default, converter=_to_opt_int if default is None else _to_int, validator=check)


def factor(default: float):
    return field(default=default, converter=_to_float, validator=_positive)


def measure_kind(default: str = "expel"):
    return field(default=default, converter=str, validator=_measure_kind)


def text(default: str | None):
    return field(default=default, converter=_to_opt_str)


# --- strategies ------------------------------------------------------------------------------------------------------


@define(kw_only=True)
class Strategy:
    """Base class.  Subclasses set the class attributes below and implement :meth:`respond` (and, for speed in
    matches of rounds, :meth:`binary`).  Parameters are attrs fields with validators."""

    name: ClassVar[str] = ""
    display_name: ClassVar[str] = ""
    memory_depth: ClassVar[float] = math.inf
    stochastic: ClassVar[bool] = False
    #: the class in the axelrod library that plays the same binary game, if any
    axelrod: ClassVar[str | None] = None
    #: whether it reads the whole world (``View.world``) rather than one counterpart's moves
    multilateral: ClassVar[bool] = False

    def respond(self, view: View) -> Move:
        """The move for this round: a Measure or None (restraint)."""
        raise NotImplementedError

    def reset(self) -> None:
        """Forget per-match memory (called before each match)."""

    def binary(self, rng: random.Random) -> tuple[int, Step]:
        """The first move and a step function for a fresh binary match (0 = C, 1 = D).

        The default goes through :meth:`respond`; strategies override it with a tight loop.  Both must consume
        ``rng`` in the same way so the fast path and the generic one play alike.
        """
        return generic_binary(self, rng)

    def binary_table(self) -> tuple[int, bytes] | None:
        """For deterministic memory-one strategies: the first move and the answer to each last round, indexed by
        ``2 * my_last + their_last`` (the fastest path); None for the others."""
        return None

    # --- metadata ---
    @classmethod
    def parameters(cls) -> dict[str, Any]:
        """Parameter names and their defaults."""
        return {a.name: a.default for a in attrs.fields(cls) if a.init}

    def params(self) -> dict[str, Any]:
        """This instance's parameter values."""
        return {a.name: getattr(self, a.name) for a in attrs.fields(type(self)) if a.init}

    @property
    def label(self) -> str:
        """The registry name with the parameters that differ from the defaults: ``random(p=0.2)``."""
        changed = [f"{k}={_fmt(v)}" for k, v in self.params().items() if v != type(self).parameters()[k]]
        return f"{self.name}({', '.join(changed)})" if changed else self.name

    @property
    def is_stochastic(self) -> bool:
        return self.stochastic

    @classmethod
    def metadata(cls) -> dict[str, Any]:
        doc = re.sub(r":\w+:`([^`]+)`", r"\1", inspect.cleandoc(cls.__doc__ or "")).replace("``", "")
        plays = " ".join(doc.split("\n\n")[0].split())
        return {"name": cls.name, "display_name": cls.display_name,
                "memory_depth": "inf" if math.isinf(cls.memory_depth) else int(cls.memory_depth),
                "stochastic": cls.stochastic, "parameters": {k: _fmt(v) for k, v in cls.parameters().items()},
                "axelrod": cls.axelrod, "plays": plays, "doc": doc}

    @classmethod
    def create(cls, **params: Any) -> "Strategy":
        """Build with parameters checked; bad ones raise InputError naming the strategy and the parameter."""
        known = cls.parameters()
        for key in params:
            if key not in known:
                takes = ", ".join(known) or "none"
                raise InputError(f"strategy {cls.name!r} has no parameter {key!r} (it takes: {takes})")
        try:
            made = cls(**params)
            if hasattr(made, "kind"):
                made.opening()   # a measure it can really take (no expulsion of 0 people)
            return made
        except (TypeError, ValueError) as exc:
            raise InputError(f"strategy {cls.name!r}: {exc}") from None

    # --- helpers for subclasses ---
    def opening(self) -> Measure:
        """The measure this strategy uses when it strikes with nothing to answer."""
        return Measure(getattr(self, "kind", "expel"), getattr(self, "size", DEFAULT_SIZE))

    def retort(self, view: View) -> Measure:
        """A hostile move "in kind": the other side's latest measure, else my own latest, else my opening."""
        for m in reversed(view.other_moves):
            if m is not None:
                return m
        for m in reversed(view.own_moves):
            if m is not None:
                return m
        return self.opening()


#: Size of an opening measure when a strategy has none to answer (people expelled by default).
DEFAULT_SIZE = 5


def _fmt(v: Any) -> Any:
    if isinstance(v, float):
        return round(v, 6)
    return v


def seed_for(seed: int, *keys: Any) -> int:
    """A 64-bit seed derived from ``seed`` and ``keys`` (task index, side...), the same on every machine and process.

    >>> seed_for(1, "match", 3) == seed_for(1, "match", 3) != seed_for(1, "match", 4)
    True
    """
    import hashlib

    data = repr((int(seed),) + tuple(keys)).encode()
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


REGISTRY: dict[str, type[Strategy]] = {}


def register(cls: type[Strategy]) -> type[Strategy]:
    """Class decorator: make ``cls`` an attrs class (its annotated attributes are its parameters) and add it to
    :data:`REGISTRY` under its ``name``."""
    assert cls.name and cls.name not in REGISTRY, cls.name
    cls = define(cls, kw_only=True)
    REGISTRY[cls.name] = cls
    return cls


def get(name: str, **params: Any) -> Strategy:
    """A strategy by registry name, with parameters checked.

    >>> get("generous-tit-for-tat", p=0.1).p
    0.1
    >>> get("random", p=1.5)
    Traceback (most recent call last):
    diplosim.core.errors.InputError: strategy 'random': p must be between 0 and 1 (got 1.5)
    """
    cls = REGISTRY.get(name)
    if cls is None:
        raise InputError(f"unknown strategy {name!r} (see `diplosim strategies`)")
    return cls.create(**params)


def parse_spec(spec: str) -> Strategy:
    """A strategy from ``name`` or ``name:key=value,key=value`` (the command line's form).

    >>> parse_spec("random:p=0.2").label
    'random(p=0.2)'
    """
    name, _, rest = spec.strip().partition(":")
    params: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in rest.split(","))):
        key, eq, value = part.partition("=")
        if not eq or not key.strip():
            raise InputError(f"bad strategy parameter {part!r:.40} in {spec!r:.60}: want key=value")
        if key.strip() in params:
            raise InputError(f"strategy parameter {key.strip()!r:.40} is given twice in {spec!r:.60}")
        params[key.strip()] = value.strip()
    return get(name.strip(), **params)


# --- the generic binary adapter: respond() on measures, reduced to C/D ------------------------------------------


_TOKEN = Measure("expel", 1)


def generic_binary(strategy: Strategy, rng: random.Random) -> tuple[int, Step]:
    """First move and step function of ``strategy`` played through :meth:`Strategy.respond` (slow, exact)."""
    strategy.reset()
    view = View(rng=rng)
    first = strategy.respond(view)

    def step(mine: int, theirs: int) -> int:
        view.own_moves.append(_TOKEN if mine else None)
        view.other_moves.append(_TOKEN if theirs else None)
        view.round += 1
        view.day += 1
        return 0 if strategy.respond(view) is None else 1

    return (0 if first is None else 1), step

"""Which strategy explains the record: replay the real history, ask each strategy what it would have done at each
of a country's decision points, and score it against what the country did.

The method, in the spirit of the structural estimation of strategies from repeated-game play (Dal Bó and
Fréchette, "The Evolution of Cooperation in Infinitely Repeated Games", *AER* 2011; "Strategy Choice in the
Infinitely Repeated Prisoner's Dilemma", *AER* 2019):

- **Decision points.**  The period is cut into rounds of ``round_days`` days from ``since``.  At the start of
  each round the country decides, on one front per counterpart that has acted against it so far (before the
  round) in the period or in the history before it.  Each strategy is asked for its move on that front given
  what had really happened before the round: its view is built exactly as in calendar play, but its own past
  moves are the country's *real* moves, not its own earlier predictions (the strategy is judged on the history
  that was).
- **What the country did.**  Its hostile acts against that counterpart during the round, as one package.
- **Scores.**  *Kind*: the move's class (restraint, expel, close a post, cap, property, sanction, or several
  kinds) predicted equals the class observed.  *Size*: the error in people expelled where both expel.
  *Timing*: for each round in which the country acted, the distance in days to the nearest round (within four)
  in which the strategy would have acted against that counterpart; acts it never comes near are counted as
  missed.  *Likelihood*: with a tremble ε, a point has probability 1 − ε when the classes match and
  ε / (K − 1) otherwise (K = 7 classes); ε is estimated per strategy by maximum likelihood (the share of misses).
- **Mixture.**  The share of the record each strategy explains: weights π and a common tremble γ maximising
  Σ log Σ_s π_s P(point | s, γ) over decision points (EM), with standard errors from a bootstrap over decision
  points (seeded, so the same seed gives the same figures).

Assumptions worth stating: decision points are independent given the history (the bootstrap treats them so);
every strategy gets the same rounds; a round with no act is a decision for restraint; acts the country took
against states that had not acted against it are initiatives no reactive strategy predicts and lower every score
alike.
"""
from __future__ import annotations

import datetime
import math
import random
from typing import Any, Iterable, Sequence

from attrs import define, field, frozen

from ..core import events as ev
from ..core.errors import InputError
from ..core.fold import apply_in_place, fold
from .calendar import Policy, Stop, _Play
from .measures import as_measure
from .strategies import REGISTRY, Package, Strategy, combine, get, measures_of, single

Date = datetime.date

#: The classes a move falls in (the likelihood's action space).
CLASSES = ("restraint", "expel", "close_post", "cap", "property", "sanction", "several")
_PROPERTY = ("close_property", "seize_property", "suspend_property")


def move_class(move: Any) -> str:
    """The class of a move: restraint, one kind (property acts together), or several kinds."""
    kinds = {("property" if m.kind in _PROPERTY else m.kind) for m in measures_of(move)}
    if not kinds:
        return "restraint"
    return kinds.pop() if len(kinds) == 1 else "several"


@frozen
class Point:
    """One decision: on ``date``, ``country`` about ``counterpart``: what the strategy says, what was done."""
    date: Date
    counterpart: str
    predicted: Any
    observed: Package


@define
class StrategyFit:
    """A strategy's scores over the decision points."""
    strategy: str
    points: list[Point] = field(factory=list, repr=False)
    kind_hits: int = 0
    size_errors: list[int] = field(factory=list, repr=False)
    timing_errors: list[int] = field(factory=list, repr=False)
    missed: int = 0
    acted: int = 0
    tremble: float = 0.0
    loglik: float = 0.0
    weight: float = 0.0
    weight_se: float = 0.0
    tied: tuple[str, ...] = ()   # strategies that predict the same class at every point

    @property
    def n(self) -> int:
        return len(self.points)

    def row(self) -> dict[str, Any]:
        return {"strategy": self.strategy, "points": self.n,
                "kind_accuracy": round(self.kind_hits / self.n, 3) if self.n else None,
                "size_error": round(sum(self.size_errors) / len(self.size_errors), 2) if self.size_errors else None,
                "timing_error_days": round(sum(self.timing_errors) / len(self.timing_errors), 2)
                if self.timing_errors else None,
                "acts_missed": self.missed, "acts": self.acted,
                "tremble": round(self.tremble, 4), "loglik": round(self.loglik, 2),
                "weight": round(self.weight, 3), "weight_se": round(self.weight_se, 3),
                "tied_with": ", ".join(self.tied) or "-"}


@define
class FitResult:
    country: str
    since: Date
    until: Date
    round_days: int
    fits: list[StrategyFit]
    gamma: float
    bootstrap: int
    seed: int

    def ranked(self) -> list[StrategyFit]:
        """Best first: by log-likelihood at each strategy's own tremble, then kind accuracy, then name."""
        return sorted(self.fits, key=lambda f: (-f.loglik, -f.kind_hits, f.strategy))

    def rows(self) -> list[dict[str, Any]]:
        return [dict(rank=i + 1, **f.row()) for i, f in enumerate(self.ranked())]


def decision_points(events: Sequence[ev.Event], country: str, strategy: Strategy, *, since: Date, until: Date,
                    round_days: int = 7, blocs: dict | None = None) -> list[Point]:
    """What ``strategy`` would have done at each of ``country``'s decision points, beside what it did."""
    history = [e for e in events if e.date < since]
    during = [e for e in events if since <= e.date <= until]
    world = tuple(dict.fromkeys(c for e in events for c in (e.actor, e.target) if c is not None))
    if country not in world:
        raise InputError(f"{country} takes no part in the log")
    state = fold(history, check_ids=False)
    p = _Play(state, {country: Policy(country, strategy)}, world, since, until, 0, Stop(), round_days, 0.0,
              history, (), blocs or {}, None)
    p.s.seen_ids = None  # the log was checked when it was loaded
    dates = next(d for c, d, _ in p.deciders if c == country)
    fronts = {f.other: f for f in next(fr for c, _, fr in p.deciders if c == country)}
    out: list[Point] = []
    struck = {e.actor for e in history if e.target == country and as_measure(e) is not None}
    for other, f in fronts.items():
        if other not in struck:  # a front that opens in the period sees everything since the period began
            f.last_decision = since
    i = 0
    for start in dates:
        end = start + datetime.timedelta(days=round_days)
        while i < len(during) and during[i].date < start:
            e = during[i]
            _witness(p, e)
            if e.target == country and as_measure(e) is not None:
                struck.add(e.actor)
            i += 1
        live = [f for other, f in fronts.items() if other in struck]
        world_view = p._world_view(country, live, start) if strategy.multilateral else None
        views = [(f, p._view(f, start, world_view)[0]) for f in live]
        mine = {f.other: [] for f in live}
        for e in during[i:]:
            if e.date >= end:
                break
            m = as_measure(e)
            if m is not None and e.actor == country and e.target in mine:
                mine[e.target].append(m)
        for f, view in views:
            predicted = f.strategy.respond(view)
            observed = combine(mine[f.other])
            out.append(Point(start, f.other, predicted, observed))
            f.own.append(single(observed) if observed else None)
            f.decisions += 1
            f.last_decision = start
    return out


def _witness(p: _Play, e: ev.Event) -> None:
    """A real event, applied to the observer's state and books as calendar play applies the world's events."""
    apply_in_place(p.s, e)
    m = as_measure(e)
    if e.target is None or m is None or (e.actor, e.target) not in p.fronts:
        if e.target is not None and (e.target, e.actor) in p.fronts:
            p.fronts[e.target, e.actor].seen.update((e.id, e.type))
        return
    p.fronts[e.target, e.actor].seen.update((e.id, e.type))
    mine = p.fronts[e.actor, e.target]
    if mine.effective and mine.effective[-1][0] == e.date and mine.effective[-1][1] is not None:
        mine.effective[-1] = (e.date, combine(list(measures_of(mine.effective[-1][1])) + [m]))
    else:
        mine.effective.append((e.date, m))
    mine.last_hostile = m
    p._struck(e.target, e.actor, m, e.date)


def score(name: str, points: list[Point], round_days: int) -> StrategyFit:
    f = StrategyFit(name, points)
    by_front: dict[str, list[Point]] = {}
    for pt in points:
        by_front.setdefault(pt.counterpart, []).append(pt)
        if move_class(pt.predicted) == move_class(pt.observed):
            f.kind_hits += 1
        pe = sum(m.size for m in measures_of(pt.predicted) if m.kind == "expel")
        oe = pt.observed.size("expel")
        if pe and oe:
            f.size_errors.append(abs(pe - oe))
    for pts in by_front.values():
        hostile = [k for k, pt in enumerate(pts) if measures_of(pt.predicted)]
        for k, pt in enumerate(pts):
            if not pt.observed:
                continue
            f.acted += 1
            near = [abs(k - h) for h in hostile if abs(k - h) <= 4]
            if near:
                f.timing_errors.append(min(near) * round_days)
            else:
                f.missed += 1
    misses = f.n - f.kind_hits
    f.tremble = misses / f.n if f.n else 0.0
    f.loglik = _loglik(f.kind_hits, misses, f.tremble)
    return f


def _loglik(hits: int, misses: int, eps: float) -> float:
    k = len(CLASSES)
    total = 0.0
    if hits:
        total += hits * math.log(max(1.0 - eps, 1e-300))
    if misses:
        total += misses * math.log(max(eps / (k - 1), 1e-300))
    return total


def mixture(hits: list[list[bool]], iterations: int = 1000, counts: dict | None = None) -> tuple[list[float], float]:
    """Weights over strategies and a common tremble maximising the mixture likelihood (EM).  ``hits[s][t]``:
    whether strategy s predicts decision point t's class.  Points with the same pattern of hits are one term
    with a count (``counts``: pattern -> how many, to weigh a bootstrap sample without listing it)."""
    n_s = len(hits)
    if counts is None:
        counts = {}
        for pattern in zip(*hits):
            counts[pattern] = counts.get(pattern, 0) + 1
    n_t = sum(counts.values())
    if not n_s or not n_t:
        return [1.0 / max(n_s, 1)] * n_s, 0.0
    k = len(CLASSES)
    pi = [1.0 / n_s] * n_s
    gamma = 0.1
    patterns = list(counts.items())
    for _ in range(iterations):
        hit_p, miss_p = 1.0 - gamma, gamma / (k - 1)
        resp_sum = [0.0] * n_s
        expected_miss = 0.0
        for pattern, c in patterns:
            lik = [pi[s] * (hit_p if pattern[s] else miss_p) for s in range(n_s)]
            z = sum(lik) or 1e-300
            for s in range(n_s):
                r = c * lik[s] / z
                resp_sum[s] += r
                if not pattern[s]:
                    expected_miss += r
        new_pi = [r / n_t for r in resp_sum]
        new_gamma = min(max(expected_miss / n_t, 1e-6), 1 - 1e-6)
        done = max(abs(a - b) for a, b in zip(new_pi, pi)) < 1e-8 and abs(new_gamma - gamma) < 1e-8
        pi, gamma = new_pi, new_gamma
        if done:
            break
    return pi, gamma


def fit(events: Sequence[ev.Event], country: str, *, strategies: Iterable[str] | None = None,
        since: Date | None = None, until: Date | None = None, round_days: int = 7, bootstrap: int = 200,
        seed: int = 1, blocs: dict | None = None) -> FitResult:
    """Score every strategy (default: every deterministic one registered) on ``country``'s decisions in the log."""
    events = list(events)
    if not events:
        raise InputError("the log has no events")
    since = since or events[0].date
    until = until or events[-1].date
    if until < since:
        raise InputError(f"--until {until} is before --since {since}")
    chosen = [get(x) if isinstance(x, str) else x for x in strategies] if strategies else \
        [get(n) for n, c in sorted(REGISTRY.items()) if not c.stochastic and n != "delayed"]
    labels = [s.label for s in chosen]
    if len(set(labels)) != len(labels):
        raise InputError(f"strategy {next(x for x in labels if labels.count(x) > 1)!r} is named twice")
    fits = []
    for s in chosen:
        pts = decision_points(events, country, s, since=since, until=until, round_days=round_days, blocs=blocs)
        fits.append(score(s.label, pts, round_days))
    if not fits[0].points:
        raise InputError(f"{country} has no decision points between {since} and {until}: no state acted against "
                         f"it in that period or before it")
    if not any(pt.observed for pt in fits[0].points) and not any(measures_of(pt.predicted) for f in fits
                                                                   for pt in f.points):
        pass  # a record of restraint answering restraint is a record all the same
    table = [tuple(move_class(pt.predicted) == move_class(pt.observed) for pt in f.points) for f in fits]
    # strategies that predict the same class at every point cannot be told apart by the record: they are one
    # component of the mixture, whose weight they share equally (and each says whom it is tied with)
    groups: dict[tuple, list[int]] = {}
    for s, row in enumerate(table):
        groups.setdefault(row, []).append(s)
    rows = list(groups)
    pi, gamma = mixture([list(r) for r in rows])
    rng = random.Random(seed)
    points = list(zip(*rows))   # one pattern of hits per decision point
    draws: list[list[float]] = []
    for _ in range(bootstrap):
        counts: dict = {}
        for _i in range(len(points)):
            pattern = points[rng.randrange(len(points))]
            counts[pattern] = counts.get(pattern, 0) + 1
        w, _g = mixture([list(r) for r in rows], counts=counts)
        draws.append(w)
    for g, row in enumerate(rows):
        members = groups[row]
        se = 0.0
        if draws:
            mean = sum(d[g] for d in draws) / len(draws)
            se = math.sqrt(sum((d[g] - mean) ** 2 for d in draws) / max(len(draws) - 1, 1))
        for s in members:
            fits[s].weight = pi[g] / len(members)
            fits[s].weight_se = se / len(members)
            fits[s].tied = tuple(fits[x].strategy for x in members if x != s)
    return FitResult(country, since, until, round_days, fits, gamma, bootstrap, seed)

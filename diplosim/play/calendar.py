"""Calendar-time play: countries answer each other by strategy, and every answer becomes an ordinary event.

``play(state, policies, start=..., horizon=..., seed=...)`` runs from a state forward in time, for two countries or
any number of them.  The rules:

- **Fronts.**  A country with a :class:`Policy` answers each other country in play (its *counterparts*) on its own
  front: a strategy of its own per counterpart (its memory is per counterpart), one random source per country.
- **Rounds.**  A country decides on ``start`` and then every ``round_days`` days (its own or ``play``'s), at most
  ``stop.rounds`` times, on every front at once.  Decisions on the same day are simultaneous: each side sees only
  what took effect on earlier days.
- **Lag.**  A decision takes effect ``lag_days`` later: that day it becomes commands and then events, checked
  against the state of that day (:func:`diplosim.play.commands.decide`), tagged ``generated_by="<strategy> (<country>)"``.
- **What a side sees.**  At its first decision, ``other_moves`` holds each measure the counterpart took against it
  in ``history`` (the events before ``start``), ``own_moves`` its own.  At each later decision one entry is added
  per side: the counterpart's last measure that took effect since my previous decision (None if none did), and
  my own move.  ``packages`` holds the same as *packages*: everything the counterpart did to me on a day of the
  history, and everything it did since my previous decision.  With ``noise`` each entry is misperceived with that
  probability: a measure is seen as restraint, restraint as the counterpart's latest measure (or an expulsion of
  5).  Staff figures in the view count the people present minus those already ordered out; a mission of unknown
  or uncertain size gives None.  Strategies that read the whole world (:attr:`Strategy.multilateral`) also get a
  :class:`~diplosim.play.strategies.World`: who did what to whom since their last decision, the totals so far, who
  struck first, and the blocs.
- **Moves.**  A move is a measure, a :class:`~diplosim.play.strategies.Package` of measures (carried out in
  order), or restraint.
- **The world not played.**  ``world_events`` are real events that happen during play regardless of the
  policies (the pairs no policy plays): each is applied on its date, before that day's decisions, if it is still
  possible (else it is dropped, with its reason, in :attr:`PlayResult.dropped`); measures among them are seen by
  the countries they strike like any move.
- **Clamping.**  A measure that cannot be carried out in full is cut to what is possible and the event's ``note``
  says so: expel at most the people who may remain (a mission of unknown size is not cut: the fold infers its
  size), close or seize the next property still in use, close the next open post (consulates before the
  embassy), never loosen a cap.  If nothing at all is possible, the move is restraint and its round record says
  why.  Sanction targets get generated names (``RUS entity 1``).
- **Deadlines.**  Expulsions: the event date + :data:`EXPEL_DEADLINE_DAYS` (7); caps:
  + :data:`CAP_DEADLINE_DAYS` (30); unless the measure carries its own ``deadline_days``.
- **Stopping** (:class:`Stop`): after ``horizon``; when a mission between two countries in play is surely below
  ``floor`` people; when an embassy of a country in play closes; after ``rounds`` decisions per front; when every
  front has been quiet (no hostile move decided or taking effect) for ``quiet_rounds`` decision days in a row.
  The condition is checked at the start and after every event; measures decided but not yet in effect when play
  stops are reported as ``pending``.

The result is a list of the events (a :class:`PlayResult`, so ``fold(result, state=state)`` replays it) with the
final state, the stop reason and one record per decision.

    >>> import datetime
    >>> from diplosim.core.fold import fold
    >>> from diplosim.core.log import load_log, seed_log_path
    >>> log = load_log(seed_log_path())
    >>> d = datetime.date
    >>> s = fold([e for e in log if e.date <= d(2016, 12, 29)])
    >>> r = play(s, {"RUS": Policy("RUS", "tit-for-tat", lag_days=1), "USA": Policy("USA", "tit-for-tat")},
    ...          start=d(2016, 12, 30), horizon=d(2017, 1, 31), seed=1, history=log.events)
    >>> r[0].generated_by, r[0].type, r[0].date
    ('tit-for-tat (RUS)', 'SanctionsImposed', datetime.date(2016, 12, 31))
"""
from __future__ import annotations

import bisect
import copy
import datetime
import heapq
import random
from operator import itemgetter
from typing import Any, Callable, Iterable, Mapping

import attrs
from attrs import define, field, frozen

from . import commands as cmd
from ..core import events as ev
from ..core.errors import InputError, RuleViolation, short
from ..core.limits import MAX_DATE, env_hint, limit
from ..core.fold import apply_in_place, settle
from ..core.state import State
from .measures import (CAP_DEADLINE_DAYS, EXPEL_DEADLINE_DAYS, actual, as_measure, package_of, plan,  # noqa: F401
                       present)
from .strategies import DEFAULT_SIZE, Measure, Package, Strategy, View, World, get, measures_of, single
from .strategies.base import seed_for

_first = itemgetter(0)

Date = datetime.date

DEFAULT_ROUND_DAYS = 7
#: The last horizon play accepts: a year before the end of the calendar, for the deadlines counted past it.
LATEST_HORIZON = MAX_DATE - datetime.timedelta(days=365)


def _strategy(value: Any) -> Strategy:
    return value if isinstance(value, Strategy) else get(str(value))


def _non_negative(instance, attribute, value):
    if value is not None and value < 0:
        raise InputError(f"policy: {attribute.name} must not be negative (got {value})")
    _at_most(attribute, value, "MAX_STEP_DAYS")


def _positive(instance, attribute, value):
    if value is not None and value < 1:
        raise InputError(f"policy: {attribute.name} must be at least 1 (got {value})")
    _at_most(attribute, value, "MAX_STEP_DAYS" if attribute.name.endswith("days") else "MAX_ROUNDS")


def _at_most(attribute, value, name: str) -> None:
    if value is not None and value > limit(name):
        raise InputError(f"{attribute.name} must be at most {limit(name):,} (got {short(value)}) "
                         f"{env_hint(name)}")


@frozen
class Policy:
    """How one country answers: a strategy (a name or a :class:`Strategy`), a response lag, a round length, and
    optionally the counterparts it answers (``against``; default: every other country in play)."""
    country: str
    strategy: Strategy = field(converter=_strategy)
    lag_days: int = field(default=0, validator=_non_negative)
    round_days: int | None = field(default=None, validator=_positive)
    against: tuple[str, ...] | None = None


@frozen
class Stop:
    """When play stops besides the horizon (None/False: not used)."""
    floor: int | None = None
    embassy_closed: bool = False
    rounds: int | None = field(default=None, validator=_positive)
    quiet_rounds: int | None = field(default=None, validator=_positive)


@define
class RoundRecord:
    """One decision on one front: who, against whom, when, which strategy, what it chose, when it took effect,
    and what actually happened."""
    round: int
    date: Date
    country: str
    strategy: str
    move: Measure | Package | None
    effect_date: Date
    outcome: str = "pending"
    events: tuple[str, ...] = ()
    note: str | None = None
    perceived: Measure | None = None
    misperceived: bool = False
    #: what was done when the move took effect (clamped; None for restraint or when nothing was possible)
    actual: Measure | Package | None = None
    target: str | None = None

    @property
    def hostile(self) -> bool:
        """The binary view of what happened (D), or of what was decided while it is still pending."""
        return bool(measures_of(self.move)) if self.outcome == "pending" or self.outcome.startswith(
            "not in effect") else bool(measures_of(self.actual))

    def row(self) -> dict[str, Any]:
        out = {"round": self.round, "date": self.date.isoformat(), "country": self.country,
               "strategy": self.strategy, "move": str(self.move) if measures_of(self.move) else "restraint",
               "done": str(self.actual) if measures_of(self.actual) else "-",
               "effect_date": self.effect_date.isoformat(), "outcome": self.outcome,
               "events": list(self.events), "note": self.note}
        if self.target is not None:
            out["target"] = self.target
        return out


class PlayResult(list):
    """The events play applied, in order (a list), with ``state`` (the final state, settled at ``as_of``),
    ``stopped`` (why play stopped), ``rounds`` (one :class:`RoundRecord` per decision), ``pending``, and
    ``dropped`` (world events that had become impossible: ``(event, reason)``)."""

    def __init__(self, events: Iterable[ev.Event], state: State, stopped: str, rounds: list[RoundRecord],
                 pending: list[RoundRecord], dropped: list | None = None):
        super().__init__(events)
        self.state = state
        self.stopped = stopped
        self.rounds = rounds
        self.pending = pending
        self.dropped = dropped or []

    @property
    def as_of(self) -> Date | None:
        return self.state.as_of


@define
class _Front:
    """How ``country`` deals with ``other``: what it did and saw, and (with a policy) its strategy."""
    country: str
    other: str
    strategy: Strategy | None
    own: list = field(factory=list)           # my moves, as single measures (None: restraint)
    seen_moves: list = field(factory=list)    # what I perceived of the other, one entry per history act or window
    packages: list = field(factory=list)      # the same as packages: one per history day or window
    effective: list = field(factory=list)     # (date, actual move) of my moves that took effect, in order
    seen: set = field(factory=set)            # ids and types of the other side's events
    last_decision: Date | None = None
    decisions: int = 0
    last_hostile: Measure | None = None       # my latest measure that took effect


def _schedule(start: Date, horizon: Date, every: int, rounds: int | None) -> list[Date]:
    out, d = [], start
    while d <= horizon and (rounds is None or len(out) < rounds):
        out.append(d)
        d += datetime.timedelta(days=every)
    return out


def _policies(policies: Mapping[str, Any] | Iterable[Policy]) -> dict[str, Policy]:
    items = policies.items() if isinstance(policies, Mapping) else ((p.country, p) for p in policies)
    out: dict[str, Policy] = {}
    for key, value in items:
        p = value if isinstance(value, Policy) else Policy(key, value)
        if p.country != key:
            raise InputError(f"policy for {key} names country {p.country}")
        if key in out:
            raise InputError(f"two policies for {key}")
        out[key] = p
    return out


def _world(pols: dict[str, Policy], countries: Iterable[str] | None) -> tuple[str, ...]:
    if not pols:
        raise InputError("play needs at least one policy")
    world = tuple(countries) if countries else tuple(pols)
    if len(world) != len(set(world)):
        raise InputError(f"a country is named twice in play: {', '.join(world)}")
    if len(world) < 2:
        raise InputError("play needs two different countries: give two policies, or countries=(A, B)")
    missing = [c for c in pols if c not in world]
    if missing:
        raise InputError(f"a policy for {missing[0]}, which is not among the countries in play "
                         f"({', '.join(world)})")
    for p in pols.values():
        for c in p.against or ():
            if c not in world or c == p.country:
                raise InputError(f"the policy of {p.country} answers {c}, which is not a counterpart in play")
    return world


def play(state: State, policies: Mapping[str, Policy | Strategy | str] | Iterable[Policy], *, start: Date,
         horizon: Date, seed: int, stop: Stop | None = None, round_days: int = DEFAULT_ROUND_DAYS,
         noise: float = 0.0, history: Iterable[ev.Event] = (), countries: Iterable[str] | None = None,
         world_events: Iterable[ev.Event] = (), blocs: Mapping[str, Iterable[str]] | None = None,
         tremble: float = 0.0, on_round: Callable[[RoundRecord], None] | None = None) -> PlayResult:
    """Let the policies answer each other from ``start`` to ``horizon``; see the module docstring for the rules.

    ``state`` is the state at ``start`` (it is not changed).  ``history``: earlier events (only acts between
    countries in play dated before ``start`` are used) that the strategies remember.  ``countries``: every country
    in play, in order (default: the countries with a policy; needed when one side only endures).  ``world_events``:
    real events to apply on their dates.  ``blocs``: name -> members, for multilateral strategies.  ``tremble``:
    the probability that a decision comes out the other way (restraint for a measure, an expulsion of 5 for
    restraint): the implementation error of repeated-game models, apart from misperception (``noise``).
    ``on_round`` is called after each decision takes effect (for progress).
    """
    pols = _policies(policies)
    stop = stop or Stop()
    world = _world(pols, countries)
    if horizon < start:
        raise InputError(f"horizon {horizon} is before the start {start}")
    if horizon > LATEST_HORIZON:
        raise InputError(f"horizon {horizon}: play ends by {LATEST_HORIZON} at the latest (deadlines are counted "
                         f"past the horizon, and the calendar ends in {MAX_DATE.year})")
    if (horizon - start).days > limit("MAX_PLAY_DAYS"):
        raise InputError(f"{(horizon - start).days:,} days of play from {start} to {horizon}: more than the limit "
                         f"of {limit('MAX_PLAY_DAYS'):,} {env_hint('MAX_PLAY_DAYS')}")
    if state.last_date is not None and start < state.last_date:
        raise InputError(f"play starts on {start}, before the state's last event ({state.last_date})")
    if not 0.0 <= noise <= 1.0:
        raise InputError(f"noise must be between 0 and 1 (got {noise:g})")
    if not 0.0 <= tremble <= 1.0:
        raise InputError(f"tremble must be between 0 and 1 (got {tremble:g})")
    if not 1 <= round_days <= limit("MAX_STEP_DAYS"):
        raise InputError(f"round_days must be from 1 to {limit('MAX_STEP_DAYS'):,} (got {short(round_days)})")
    p = _Play(state, pols, world, start, horizon, seed, stop, round_days, noise, history, world_events,
              blocs or {}, on_round)
    if tremble:
        p.tremble, p.tremble_rng = tremble, random.Random(seed_for(seed, "tremble"))
    return p.run()


class _Play:
    """One run of play (the state and the books it keeps); see :func:`play`."""

    def __init__(self, state, pols, world, start, horizon, seed, stop, round_days, noise, history, world_events,
                 blocs, on_round):
        self.s = state.copy()
        history = list(history)
        if self.s.seen_ids is None:  # a state without its memory of ids (a store's): the history's are the known ones
            self.s.seen_ids = {e.id for e in history}
        self.pols, self.world, self.start, self.horizon, self.stop = pols, world, start, horizon, stop
        self.noise, self.on_round, self.blocs = noise, on_round, {k: frozenset(v) for k, v in blocs.items()}
        self.in_play = frozenset(world)
        self.fronts: dict[tuple[str, str], _Front] = {}
        self.deciders: list[tuple[str, list[Date], list[_Front]]] = []  # country, its dates, its fronts
        self.rngs: dict[str, random.Random] = {}
        for me in world:
            p = pols.get(me)
            if p is not None:
                self.rngs[me] = random.Random(seed_for(seed, "side", me))
            answers = set(p.against) if p is not None and p.against is not None else None
            mine = []
            for other in world:
                if other == me:
                    continue
                strategy = None
                if p is not None and (answers is None or other in answers):
                    # a copy per front: the caller's strategy is not changed, and no memory is shared
                    strategy = copy.deepcopy(p.strategy)
                    strategy.reset()
                    mine.append(None)
                f = self.fronts[me, other] = _Front(me, other, strategy)
                if strategy is not None:
                    mine[-1] = f
            if p is not None:
                self.deciders.append((me, _schedule(start, horizon, p.round_days or round_days, stop.rounds), mine))
        self.noise_rng = random.Random(seed_for(seed, "noise"))
        self.multilateral = any(f.strategy is not None and f.strategy.multilateral for f in self.fronts.values())
        self.acts: list[tuple[Date, str, str, Measure]] = []      # (date, actor, victim, measure), for World
        self._memo_day: Date | None = None
        self._day_memo: dict = {}
        self._remember(history)
        self.world_events = sorted((e for e in world_events if e.date >= start), key=lambda e: e.date)
        self.out: list[ev.Event] = []
        self.rounds: list[RoundRecord] = []
        self.pending: list[tuple[Date, int, tuple[str, str], RoundRecord]] = []
        self.dropped: list[tuple[ev.Event, str]] = []
        self.seq = 0

    # --- the history before the start ----------------------------------------------------------------------------

    def _remember(self, history: Iterable[ev.Event]) -> None:
        days: dict[tuple[str, str], tuple[Date, list[Measure]]] = {}
        for e in history:
            if e.date >= self.start or e.target is None:
                continue
            f = self.fronts.get((e.target, e.actor))   # the front of the country struck
            if f is None:
                continue
            f.seen.update((e.id, e.type))
            m = as_measure(e)
            if m is None:
                continue
            f.seen_moves.append(m)
            mine = self.fronts[e.actor, e.target]
            mine.own.append(m)
            mine.last_hostile = m
            self._struck(e.target, e.actor, m, e.date)
            day = days.get((e.target, e.actor))
            if day is not None and day[0] != e.date:
                f.packages.append(package_of(day[1]))
                day = None
            if day is None:
                day = days[e.target, e.actor] = (e.date, [])
            day[1].append(m)
        for (victim, actor), (_, ms) in days.items():
            self.fronts[victim, actor].packages.append(package_of(ms))

    def _struck(self, victim: str, actor: str, m: Measure, date: Date) -> None:
        if self.multilateral:
            self.acts.append((date, actor, victim, m))

    # --- the run -----------------------------------------------------------------------------------------------------

    def run(self) -> PlayResult:
        stopped = self._stop_reason(None)
        end = self.start if stopped else self.horizon
        idx = {c: 0 for c, _, _ in self.deciders}
        quiet = 0
        w = 0
        while stopped is None:
            next_dates = [dates[idx[c]] for c, dates, _ in self.deciders if idx[c] < len(dates)]
            if self.pending:
                next_dates.append(self.pending[0][0])
            if w < len(self.world_events):
                next_dates.append(self.world_events[w].date)
            if not next_dates:
                break
            today = min(next_dates)
            if today > self.horizon:
                break
            settle(self.s, today)
            hostile_today = False
            while w < len(self.world_events) and self.world_events[w].date == today and stopped is None:
                hostile_today |= self._world_event(self.world_events[w])
                w += 1
                stopped = self._last_stop
            if stopped is not None:
                end = today
                break
            deciding = [(c, fronts) for c, dates, fronts in self.deciders
                        if idx[c] < len(dates) and dates[idx[c]] == today]
            decided_hostile = self._decide(today, deciding, idx)
            # effects of the day, in the order they were decided
            while self.pending and self.pending[0][0] == today and stopped is None:
                _, _, key, rec = heapq.heappop(self.pending)
                stopped = self._take_effect(self.fronts[key], rec)
                hostile_today |= bool(measures_of(rec.actual))
                if self.on_round is not None:
                    self.on_round(rec)
            if stopped is not None:
                end = today
            elif deciding and self.stop.quiet_rounds is not None:
                quiet = 0 if (decided_hostile or hostile_today) else quiet + 1
                if quiet >= self.stop.quiet_rounds:
                    stopped, end = f"every front quiet for {quiet} rounds", today

        if stopped is None:
            all_played = self.stop.rounds is not None and all(
                f.decisions >= self.stop.rounds for _, _, fronts in self.deciders for f in fronts)
            stopped = (f"{self.stop.rounds} rounds played" if all_played and not self.pending
                       else f"horizon {self.horizon} reached")
        left = [rec for _, _, _, rec in sorted(self.pending, key=lambda t: (t[0], t[1]))]
        for rec in left:
            rec.outcome = "not in effect when play stopped"
        settle(self.s, end)
        self.s.as_of = end
        return PlayResult(self.out, self.s, stopped, self.rounds, left, self.dropped)

    def _decide(self, today: Date, deciding: list, idx: dict) -> bool:
        """The decisions of the day, simultaneous: every view first, then every move."""
        views = []
        for country, fronts in deciding:
            world = self._world_view(country, fronts, today) if any(f.strategy.multilateral for f in fronts) \
                else None
            for f in fronts:
                views.append((f, self._view(f, today, world)))
        for country, _ in deciding:
            idx[country] += 1
        hostile = False
        for f, (view, misperceived) in views:
            p = self.pols[f.country]
            move = f.strategy.respond(view)
            if isinstance(move, Package) and not move:
                move = None
            if self.tremble and self.tremble_rng.random() < self.tremble:
                move = Measure("expel", DEFAULT_SIZE) if move is None else None
            hostile |= move is not None
            f.own.append(single(move))
            f.decisions += 1
            f.last_decision = today
            effect = today + datetime.timedelta(days=p.lag_days)
            rec = RoundRecord(f.decisions, today, f.country, f.strategy.label, move, effect,
                              perceived=view.other_moves[-1] if view.other_moves else None,
                              misperceived=misperceived, target=f.other if len(self.world) > 2 else None)
            self.rounds.append(rec)
            self.seq += 1
            heapq.heappush(self.pending, (effect, self.seq, (f.country, f.other), rec))
        return hostile

    # --- what a side sees ------------------------------------------------------------------------------------------

    def _view(self, me: _Front, today: Date, world: World | None) -> tuple[View, bool]:
        misperceived = False
        other = self.fronts[me.other, me.country]
        if me.last_decision is not None:
            eff = other.effective  # in date order
            lo = bisect.bisect_left(eff, me.last_decision, key=_first)
            window = [m for (_, m) in eff[lo:bisect.bisect_left(eff, today, lo=lo, key=_first)]]
            done = [x for m in window for x in measures_of(m)]
            hostile = [single(m) for m in window if measures_of(m)]
            actual_last = hostile[-1] if hostile else None
            seen = actual_last
            pkg = package_of(done)
            if self.noise and self.noise_rng.random() < self.noise:
                misperceived = True
                seen = None if actual_last is not None else (other.last_hostile or Measure("expel", DEFAULT_SIZE))
                pkg = Package() if actual_last is not None else Package((seen,))
            me.seen_moves.append(seen)
            me.packages.append(pkg)
        view = View(own_moves=list(me.own), other_moves=list(me.seen_moves), rng=self.rngs[me.country],
                    round=me.decisions + 1, day=(today - self.start).days,
                    own_staff_there=present(self.s, me.country, me.other),
                    their_staff_here=present(self.s, me.other, me.country), seen=frozenset(me.seen),
                    me=me.country, other=me.other, packages=list(me.packages), world=world)
        return view, misperceived

    def _world_view(self, country: str, fronts: list[_Front], today: Date) -> World:
        allies = frozenset(c for members in self.blocs.values() if country in members for c in members) - {country}
        if self._memo_day != today:  # the Worlds of one day share the answers to the same questions
            self._memo_day, self._day_memo = today, {}
        return World(acts=self.acts, today=today, me=country, blocs=dict(self.blocs), allies=allies,
                     countries=self.world, memo=self._day_memo)

    # --- carrying out a move -----------------------------------------------------------------------------------------

    def _take_effect(self, front: _Front, rec: RoundRecord) -> str | None:
        """Carry out a decided move on its effect date; returns a stop reason or None."""
        measures = measures_of(rec.move)
        if not measures:
            rec.outcome = "restraint"
            return self._done(front, rec, None)
        outcomes, notes, done, ids = [], [], [], []
        reason = None
        for m in measures:
            commands, note = plan(self.s, front.country, front.other, m, rec.effect_date)
            if note:
                notes.append(note)
            if not commands:
                outcomes.append(f"{m}: nothing possible")
                continue
            for c in commands:
                text = (f"{front.country} answers with {str(rec.move)} ({rec.strategy}, round {rec.round})"
                        + (f"; {note}" if note else ""))
                [e] = cmd.decide(self.s, c, check=False, generated_by=f"{rec.strategy} ({front.country})",
                                 summary=text, note=note)
                apply_in_place(self.s, e)
                self.out.append(e)
                ids.append(e.id)
                self.fronts[front.other, front.country].seen.update((e.id, e.type))
                reason = self._stop_reason(e)
                if reason:
                    commands = commands[:commands.index(c) + 1]
                    break
            did = actual(m, commands)
            done.append(did)
            self._struck(front.other, front.country, did, rec.effect_date)
            outcomes.append(str(did) + (" (clamped)" if note and note.startswith("clamped") else ""))
            if reason:
                break
        rec.events = tuple(ids)
        rec.note = "; ".join(notes) or None
        did_move = (done[0] if len(done) == 1 and not isinstance(rec.move, Package) else Package(tuple(done))) \
            if done else None
        if not done:
            rec.outcome = "restraint: nothing possible"
        elif isinstance(rec.move, Package):
            did_parts = [o for o in outcomes if not o.endswith(": nothing possible")]
            undone = [o.removesuffix(": nothing possible") for o in outcomes if o.endswith(": nothing possible")]
            rec.outcome = " + ".join(did_parts) + (f"; not possible: {', '.join(undone)}" if undone else "")
        else:
            rec.outcome = outcomes[-1]
        self._done(front, rec, did_move)
        return reason

    def _done(self, front: _Front, rec: RoundRecord, did: Measure | Package | None) -> None:
        rec.actual = did
        front.effective.append((rec.effect_date, did))
        if did is not None:
            front.last_hostile = single(did)

    def _world_event(self, e: ev.Event) -> bool:
        """Apply a real event of the world not played, if it is still possible; True when it is a hostile act
        between countries in play."""
        try:
            trial = self.s.copy()
            apply_in_place(trial, e)
        except RuleViolation as exc:
            self.dropped.append((e, f"impossible in play: {exc}"))
            self._last_stop = None
            return False
        self.s = trial
        self.out.append(e)
        self._last_stop = self._stop_reason(e)
        m = as_measure(e)
        if e.target is None or e.actor not in self.in_play or e.target not in self.in_play:
            return False
        self.fronts[e.target, e.actor].seen.update((e.id, e.type))
        if m is None:
            return False
        mine = self.fronts[e.actor, e.target]
        if mine.effective and mine.effective[-1][0] == e.date and mine.effective[-1][1] is not None:
            done = mine.effective[-1][1]
            mine.effective[-1] = (e.date, package_of(list(measures_of(done)) + [m]))
        else:
            mine.effective.append((e.date, m))
        mine.last_hostile = m
        self._struck(e.target, e.actor, m, e.date)
        return True

    _last_stop: str | None = None
    tremble: float = 0.0
    tremble_rng: random.Random | None = None

    # --- stopping ----------------------------------------------------------------------------------------------------

    def _stop_reason(self, e: ev.Event | None) -> str | None:
        if e is None:
            pairs = [(a, b) for a in self.world for b in self.world if a != b]
        elif e.target is None or e.actor not in self.in_play or e.target not in self.in_play:
            return None
        else:
            pairs = [(e.actor, e.target), (e.target, e.actor)] if len(self.world) > 2 else \
                [(self.world[0], self.world[1]), (self.world[1], self.world[0])]
        for sending, host in pairs:
            m = self.s.missions.get((sending, host))
            if m is None:
                continue
            if self.stop.floor is not None and m.high is not None and m.high - m.pending_departures < self.stop.floor:
                left = m.high - m.pending_departures
                return (f"the {sending} mission in {host} fell below {self.stop.floor} "
                        f"({left if m.exact else f'at most {left}'} after departures)")
            if self.stop.embassy_closed:
                for p in m.posts.values():
                    if p.kind == "embassy" and p.status == "closed":
                        return f"the {p.name} ({sending}) was closed"
        return None

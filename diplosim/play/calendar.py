"""Calendar-time play: two countries answer each other by strategy, and every answer becomes an ordinary event.

``play(state, policies, start=..., horizon=..., seed=...)`` runs from a state forward in time.  The rules:

- **Rounds.**  A side with a :class:`Policy` decides on ``start`` and then every ``round_days`` days (its own or
  ``play``'s), at most ``stop.rounds`` times.  Decisions on the same day are simultaneous: each side sees only what
  took effect on earlier days.
- **Lag.**  A decision takes effect ``lag_days`` later: that day it becomes commands and then events, checked
  against the state of that day (:func:`diplosim.play.commands.decide`), tagged ``generated_by="<strategy> (<country>)"``.
- **What a side sees.**  At its first decision, ``other_moves`` holds each measure the other side took against it
  in ``history`` (the events before ``start``), ``own_moves`` its own.  At each later decision one entry is added
  per side: the other side's last measure that took effect since my previous decision (None if none did), and my
  own move.  With ``noise`` each such entry is misperceived with that probability: a measure is seen as restraint,
  restraint as the other side's latest measure (or an expulsion of 5).  Staff figures in the view count the people
  present minus those already ordered out.
- **Clamping.**  A measure that cannot be carried out in full is cut to what is possible and the event's ``note``
  says so: expel at most the people who remain, close or seize the next property still in use, close the next open
  post (consulates before the embassy), never loosen a cap.  If nothing at all is possible, the move is restraint
  and its round record says why.  Sanction targets get generated names (``RUS entity 1``).
- **Deadlines.**  Expulsions: the event date + :data:`EXPEL_DEADLINE_DAYS` (7); caps:
  + :data:`CAP_DEADLINE_DAYS` (30); unless the measure carries its own ``deadline_days``.
- **Stopping** (:class:`Stop`): after ``horizon``; when a mission between the two falls below ``floor`` people;
  when an embassy of either closes; after ``rounds`` decisions per side.  The condition is checked at the start and
  after every event; measures decided but not yet in effect when play stops are reported as ``pending``.

The result is a list of the events (a :class:`PlayResult`, so ``fold(result, state=state)`` replays it) with the
final state, the stop reason and one record per decision.

    >>> import datetime
    >>> from diplosim.core.fold import fold
    >>> from diplosim.core.log import load_log, default_log_path
    >>> log = load_log(default_log_path())
    >>> d = datetime.date
    >>> s = fold([e for e in log if e.date <= d(2016, 12, 29)])
    >>> r = play(s, {"RUS": Policy("RUS", "tit-for-tat", lag_days=1), "USA": Policy("USA", "tit-for-tat")},
    ...          start=d(2016, 12, 30), horizon=d(2017, 1, 31), seed=1, history=log.events)
    >>> r[0].generated_by, r[0].type, r[0].date
    ('tit-for-tat (RUS)', 'SanctionsImposed', datetime.date(2016, 12, 31))
"""
from __future__ import annotations

import copy
import datetime
import heapq
import random
from typing import Any, Callable, Iterable, Mapping

import attrs
from attrs import define, field, frozen

from . import commands as cmd
from ..core import events as ev
from ..core.errors import InputError
from ..core.fold import apply_in_place, settle
from ..core.state import State
from .strategies import DEFAULT_SIZE, Measure, Strategy, View, get
from .strategies.base import seed_for

Date = datetime.date

EXPEL_DEADLINE_DAYS = 7
CAP_DEADLINE_DAYS = 30
DEFAULT_ROUND_DAYS = 7

# posts are closed least important first
_POST_ORDER = {"other": 0, "annex": 1, "trade-mission": 2, "consulate": 3, "consulate-general": 4, "mission": 5,
               "embassy": 6}
# the statuses a property may be in for each property measure, preferred first
_PROPERTY_FROM = {
    "suspend_property": ("in_use", "returned"),
    "close_property": ("in_use", "returned", "access_suspended"),
    "seize_property": ("in_use", "returned", "access_suspended", "closed"),
}
_PROPERTY_COMMAND = {"suspend_property": cmd.SuspendPropertyAccess, "close_property": cmd.CloseProperty,
                     "seize_property": cmd.SeizeProperty}


def _strategy(value: Any) -> Strategy:
    return value if isinstance(value, Strategy) else get(str(value))


def _non_negative(instance, attribute, value):
    if value is not None and value < 0:
        raise InputError(f"policy: {attribute.name} must not be negative (got {value})")


def _positive(instance, attribute, value):
    if value is not None and value < 1:
        raise InputError(f"policy: {attribute.name} must be at least 1 (got {value})")


@frozen
class Policy:
    """How one country answers: a strategy (a name or a :class:`Strategy`), a response lag, a round length."""
    country: str
    strategy: Strategy = field(converter=_strategy)
    lag_days: int = field(default=0, validator=_non_negative)
    round_days: int | None = field(default=None, validator=_positive)


@frozen
class Stop:
    """When play stops besides the horizon (None/False: not used)."""
    floor: int | None = None
    embassy_closed: bool = False
    rounds: int | None = field(default=None, validator=_positive)


@define
class RoundRecord:
    """One decision: who, when, which strategy, what it chose, when it took effect, and what actually happened."""
    round: int
    date: Date
    country: str
    strategy: str
    move: Measure | None
    effect_date: Date
    outcome: str = "pending"
    events: tuple[str, ...] = ()
    note: str | None = None
    perceived: Measure | None = None
    misperceived: bool = False
    #: what was done when the move took effect (clamped; None for restraint or when nothing was possible)
    actual: Measure | None = None

    @property
    def hostile(self) -> bool:
        """The binary view of what happened (D), or of what was decided while it is still pending."""
        return (self.move is not None) if self.outcome == "pending" or self.outcome.startswith("not in effect") \
            else self.actual is not None

    def row(self) -> dict[str, Any]:
        return {"round": self.round, "date": self.date.isoformat(), "country": self.country,
                "strategy": self.strategy, "move": str(self.move) if self.move else "restraint",
                "done": str(self.actual) if self.actual else "-",
                "effect_date": self.effect_date.isoformat(), "outcome": self.outcome,
                "events": list(self.events), "note": self.note}


class PlayResult(list):
    """The events play applied, in order (a list), with ``state`` (the final state, settled at ``as_of``),
    ``stopped`` (why play stopped), ``rounds`` (one :class:`RoundRecord` per decision) and ``pending``."""

    def __init__(self, events: Iterable[ev.Event], state: State, stopped: str, rounds: list[RoundRecord],
                 pending: list[RoundRecord]):
        super().__init__(events)
        self.state = state
        self.stopped = stopped
        self.rounds = rounds
        self.pending = pending

    @property
    def as_of(self) -> Date | None:
        return self.state.as_of


@define
class _Side:
    country: str
    other: str
    policy: Policy | None
    rng: random.Random
    dates: list[Date]
    own: list = field(factory=list)
    seen_moves: list = field(factory=list)           # what this side has perceived of the other, one per entry
    effective: list = field(factory=list)            # (date, move) of this side's moves that took effect
    seen: set = field(factory=set)                   # ids and types of the other side's events
    last_decision: Date | None = None
    decisions: int = 0
    last_hostile: Measure | None = None              # this side's latest measure that took effect


def _as_measure(e: ev.Event) -> Measure | None:
    """The measure a real event amounts to, from the actor's side (None for speech acts and openings)."""
    if isinstance(e, ev.DiplomatsExpelled):
        return Measure("expel", e.count)
    if isinstance(e, ev.MissionCapped):
        return Measure("cap", e.cap)
    if isinstance(e, ev.PostClosed):
        return Measure("close_post", 1)
    if isinstance(e, ev.PropertyAccessSuspended):
        return Measure("suspend_property", 1)
    if isinstance(e, ev.PropertyClosed):
        return Measure("close_property", 1)
    if isinstance(e, ev.PropertySeized):
        return Measure("seize_property", 1)
    if isinstance(e, ev.SanctionsImposed):
        return Measure("sanction", len(e.targets))
    return None


def _ordered(s: State, sending: str, host: str) -> int | None:
    m = s.missions.get((sending, host))
    return None if m is None else m.staff - m.pending_departures


def _stop_reason(s: State, pair: tuple[str, str], stop: Stop) -> str | None:
    for sending, host in (pair, pair[::-1]):
        m = s.missions.get((sending, host))
        if m is None:
            continue
        if stop.floor is not None and m.staff - m.pending_departures < stop.floor:
            return (f"the {sending} mission in {host} fell below {stop.floor} "
                    f"({m.staff - m.pending_departures} after departures)")
        if stop.embassy_closed:
            for p in m.posts.values():
                if p.kind == "embassy" and p.status == "closed":
                    return f"the {p.name} ({sending}) was closed"
    return None


# --- measures -> commands, clamped to what the state allows --------------------------------------------------------


def plan(s: State, actor: str, target: str, m: Measure, date: Date) -> tuple[list[cmd.Command], str | None]:
    """The commands that carry out ``m`` by ``actor`` against ``target`` on ``date``, cut to what is possible,
    and a note saying what was cut (empty list: nothing possible; the note says why).

    >>> s = State()
    >>> plan(s, "USA", "RUS", Measure("expel", 3), datetime.date(2017, 1, 1))
    ([], 'nothing to expel: RUS has no mission in USA')
    """
    kind, size = m.kind, m.size
    if kind == "sanction":
        taken = {name for (imposer, name) in s.sanctions if imposer == actor}
        names, n = [], 0
        while len(names) < size:
            n += 1
            name = f"{target} entity {n}"
            if name not in taken:
                names.append(name)
        targets = tuple(ev.SanctionTarget(x, "entity", target) for x in names)
        return [cmd.ImposeSanctions(actor=actor, target=target, date=date, targets=targets)], None
    mission = s.missions.get((target, actor))
    if kind == "expel":
        if mission is None:
            return [], f"nothing to expel: {target} has no mission in {actor}"
        left = mission.staff - mission.pending_departures
        if left <= 0:
            return [], f"nothing to expel: no one of the {target} mission in {actor} remains"
        days = EXPEL_DEADLINE_DAYS if m.deadline_days is None else m.deadline_days
        deadline = date + datetime.timedelta(days=days)
        if size > left:
            return ([cmd.ExpelDiplomats(actor=actor, target=target, date=date, count=left, deadline=deadline)],
                    f"clamped: asked to expel {size}, only {left} of the {target} mission remained")
        return [cmd.ExpelDiplomats(actor=actor, target=target, date=date, count=size, deadline=deadline)], None
    if kind == "cap":
        if mission is None:
            return [], f"nothing to cap: {target} has no mission in {actor}"
        if mission.cap is not None and mission.cap <= size:
            return [], f"nothing to cap: the {target} mission is capped at {mission.cap} already"
        days = CAP_DEADLINE_DAYS if m.deadline_days is None else m.deadline_days
        return [cmd.CapMission(actor=actor, target=target, date=date, cap=size,
                               deadline=date + datetime.timedelta(days=days))], None
    if kind == "close_post":
        posts = [] if mission is None else sorted(
            (p for p in mission.posts.values() if p.status == "open"),
            key=lambda p: (_POST_ORDER.get(p.kind, 0), p.name))
        if not posts:
            return [], f"no open post of {target} in {actor} left to close"
        chosen = posts[:size]
        note = None if len(chosen) == size else f"clamped: asked to close {size} posts, only {len(chosen)} open"
        return [cmd.ClosePost(actor=actor, target=target, date=date, post=p.name) for p in chosen], note
    # property measures
    allowed = _PROPERTY_FROM[kind]
    props = sorted((p for p in s.properties.values()
                    if p.owner == target and p.host == actor and p.status in allowed),
                   key=lambda p: (allowed.index(p.status), p.id))
    if not props:
        return [], f"no property of {target} in {actor} left to {kind.split('_')[0]}"
    chosen = props[:size]
    note = None if len(chosen) == size else \
        f"clamped: asked to {kind.replace('_', ' ')} {size}, only {len(chosen)} possible"
    return [_PROPERTY_COMMAND[kind](actor=actor, target=target, date=date, property=p.id) for p in chosen], note


# --- play -------------------------------------------------------------------------------------------------------------


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
        out[key] = p
    return out


def play(state: State, policies: Mapping[str, Policy | Strategy | str] | Iterable[Policy], *, start: Date,
         horizon: Date, seed: int, stop: Stop | None = None, round_days: int = DEFAULT_ROUND_DAYS,
         noise: float = 0.0, history: Iterable[ev.Event] = (), countries: tuple[str, str] | None = None,
         on_round: Callable[[RoundRecord], None] | None = None) -> PlayResult:
    """Let the policies answer each other from ``start`` to ``horizon``; see the module docstring for the rules.

    ``state`` is the state at ``start`` (it is not changed).  ``history``: earlier events (only measures and acts
    between the two countries dated before ``start`` are used) that the strategies remember.  ``countries``: the
    pair, needed when only one side has a policy (the other then only endures).  ``on_round`` is called after each
    decision (for progress).
    """
    pols = _policies(policies)
    stop = stop or Stop()
    if not pols or len(pols) > 2:
        raise InputError(f"play needs one or two policies, got {len(pols)}")
    pair = tuple(countries) if countries else tuple(pols) if len(pols) == 2 else None
    if pair is None or len(pair) != 2 or pair[0] == pair[1] or not set(pols) <= set(pair):
        raise InputError("play needs two different countries: give two policies, or countries=(A, B)")
    if horizon < start:
        raise InputError(f"horizon {horizon} is before the start {start}")
    if state.last_date is not None and start < state.last_date:
        raise InputError(f"play starts on {start}, before the state's last event ({state.last_date})")
    if not 0.0 <= noise <= 1.0:
        raise InputError(f"noise must be between 0 and 1 (got {noise:g})")
    if round_days < 1:
        raise InputError(f"round_days must be at least 1 (got {round_days})")

    s = state.copy()
    if s.seen_ids is None:
        s.seen_ids = set()
    sides: dict[str, _Side] = {}
    for me, other in (pair, pair[::-1]):
        p = pols.get(me)
        dates = [] if p is None else _schedule(start, horizon, p.round_days or round_days, stop.rounds)
        if p is not None:   # a copy per side: the caller's strategy is not changed, and no memory is shared
            p = attrs.evolve(p, strategy=copy.deepcopy(p.strategy))
            p.strategy.reset()
        sides[me] = _Side(me, other, p, random.Random(seed_for(seed, "side", me)), dates)
    noise_rng = random.Random(seed_for(seed, "noise"))
    for e in history:
        if e.date >= start or e.target is None:
            continue
        for me, other in (pair, pair[::-1]):
            if e.actor == other and e.target == me:
                sides[me].seen.update((e.id, e.type))
                m = _as_measure(e)
                if m is not None:
                    sides[me].seen_moves.append(m)
                    sides[other].own.append(m)
                    sides[other].last_hostile = m

    out: list[ev.Event] = []
    rounds: list[RoundRecord] = []
    pending: list[tuple[Date, int, str, RoundRecord]] = []
    seq = 0
    stopped = _stop_reason(s, pair, stop)
    end = start if stopped else horizon

    def take_effect(side: _Side, rec: RoundRecord) -> str | None:
        """Carry out a decided move on its effect date; returns a stop reason or None."""
        move = rec.move
        actual: Measure | None = None
        if move is None:
            rec.outcome = "restraint"
        else:
            commands, note = plan(s, side.country, side.other, move, rec.effect_date)
            rec.note = note
            if not commands:
                rec.outcome = "restraint: nothing possible"
            else:
                ids = []
                for c in commands:
                    text = (f"{side.country} answers with {str(move)} ({rec.strategy}, round {rec.round})"
                            + (f"; {note}" if note else ""))
                    [e] = cmd.decide(s, c, check=False, generated_by=f"{rec.strategy} ({side.country})",
                                     summary=text, note=note)
                    apply_in_place(s, e)
                    out.append(e)
                    ids.append(e.id)
                    sides[side.other].seen.update((e.id, e.type))
                    reason = _stop_reason(s, pair, stop)
                    if reason:
                        rec.events = tuple(ids)
                        rec.outcome = _outcome(move, commands[:len(ids)], note)
                        rec.actual = _actual(move, commands[:len(ids)])
                        side.effective.append((rec.effect_date, rec.actual))
                        side.last_hostile = rec.actual
                        return reason
                rec.events = tuple(ids)
                rec.outcome = _outcome(move, commands, note)
                actual = _actual(move, commands)
        rec.actual = actual
        side.effective.append((rec.effect_date, actual))
        if actual is not None:
            side.last_hostile = actual
        return None

    idx = {c: 0 for c in sides}
    while stopped is None:
        next_dates = [sd.dates[idx[c]] for c, sd in sides.items() if idx[c] < len(sd.dates)]
        if pending:
            next_dates.append(pending[0][0])
        if not next_dates:
            break
        today = min(next_dates)
        if today > horizon:
            break
        settle(s, today)
        # decisions of the day, simultaneous: views first, then moves
        deciding = [sd for c, sd in sides.items() if idx[c] < len(sd.dates) and sd.dates[idx[c]] == today]
        views = {sd.country: _view(sd, sides[sd.other], s, today, start, noise, noise_rng) for sd in deciding}
        for sd in deciding:
            idx[sd.country] += 1
            view, misperceived = views[sd.country]
            strat = sd.policy.strategy
            move = strat.respond(view)
            sd.own.append(move)
            sd.decisions += 1
            sd.last_decision = today
            effect = today + datetime.timedelta(days=sd.policy.lag_days)
            rec = RoundRecord(sd.decisions, today, sd.country, strat.label, move, effect,
                              perceived=view.other_moves[-1] if view.other_moves else None,
                              misperceived=misperceived)
            rounds.append(rec)
            seq += 1
            heapq.heappush(pending, (effect, seq, sd.country, rec))
        # effects of the day, in the order they were decided
        while pending and pending[0][0] == today and stopped is None:
            _, _, country, rec = heapq.heappop(pending)
            stopped = take_effect(sides[country], rec)
            if on_round is not None:
                on_round(rec)
        if stopped is not None:
            end = today

    if stopped is None:
        all_played = stop.rounds is not None and all(
            sd.decisions >= stop.rounds for sd in sides.values() if sd.policy is not None)
        stopped = f"{stop.rounds} rounds played" if all_played and not pending else f"horizon {horizon} reached"
    left = [rec for _, _, _, rec in sorted(pending)]
    for rec in left:
        rec.outcome = "not in effect when play stopped"
    settle(s, end)
    s.as_of = end
    return PlayResult(out, s, stopped, rounds, left)


def _view(me: _Side, other: _Side, s: State, today: Date, start: Date, noise: float,
          noise_rng: random.Random) -> tuple[View, bool]:
    misperceived = False
    if me.last_decision is not None:
        window = [m for (d, m) in other.effective if me.last_decision <= d < today]
        hostile = [m for m in window if m is not None]
        actual = hostile[-1] if hostile else None
        seen = actual
        if noise and noise_rng.random() < noise:
            misperceived = True
            seen = None if actual is not None else (other.last_hostile or Measure("expel", DEFAULT_SIZE))
        me.seen_moves.append(seen)
    view = View(own_moves=list(me.own), other_moves=list(me.seen_moves), rng=me.rng, round=me.decisions + 1,
                day=(today - start).days, own_staff_there=_ordered(s, me.country, me.other),
                their_staff_here=_ordered(s, me.other, me.country), seen=frozenset(me.seen),
                me=me.country, other=me.other)
    return view, misperceived


def _actual(move: Measure, commands: list[cmd.Command]) -> Measure:
    """What was really done, as a measure (the clamped size)."""
    if isinstance(commands[0], cmd.ExpelDiplomats):
        return attrs.evolve(move, size=commands[0].count)
    if isinstance(commands[0], cmd.ImposeSanctions):
        return move
    if isinstance(commands[0], cmd.CapMission):
        return move
    return attrs.evolve(move, size=len(commands))


def _outcome(move: Measure, commands: list[cmd.Command], note: str | None) -> str:
    done = _actual(move, commands)
    return str(done) + (" (clamped)" if note else "")

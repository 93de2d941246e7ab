"""The fold: events -> state.  One apply handler per event type; every invariant is checked where it applies.

    >>> import datetime
    >>> from diplosim.core.events import MissionEstablished, DiplomatsExpelled
    >>> d = datetime.date
    >>> log = [MissionEstablished(id="m", date=d(2016, 12, 28), actor="RUS", target="USA", staff=490),
    ...        DiplomatsExpelled(id="x", date=d(2016, 12, 29), actor="USA", target="RUS", count=35,
    ...                          deadline=d(2017, 1, 1))]
    >>> fold(log, until=d(2017, 1, 1)).missions["RUS", "USA"].staff     # still there on the deadline day
    490
    >>> fold(log, until=d(2017, 1, 2)).missions["RUS", "USA"].staff     # gone the day after
    455

Time matters beside events: people ordered out stay until the end of their deadline day, so the state at a date is
``fold(events up to that date)`` followed by :func:`settle` at that date.
"""
from __future__ import annotations

import datetime
import gc
import heapq
import itertools
from typing import Callable, Iterable

from . import errors as E
from . import events as ev
from .errors import RuleViolation
from .state import Claim, Departure, Mission, OpenItem, PostState, PropertyState, Resolution, SanctionState, State

Date = datetime.date
Handler = Callable[[State, ev.Event], None]
_HANDLERS: dict[type, Handler] = {}


def handles(*classes: type[ev.Event]):
    """Register ``fn`` as the apply handler of the given event classes."""
    def register(fn: Handler) -> Handler:
        for cls in classes:
            _HANDLERS[cls] = fn
        return fn
    return register


# --- the clock: departures leave after their deadline day --------------------------------------------------------


def settle(s: State, date: Date) -> None:
    """Let every departure whose deadline is before ``date`` happen (in place)."""
    dl = s.deadlines
    while dl and dl[0][0] < date:
        _, sending, host = heapq.heappop(dl)
        m = s.missions.get((sending, host))
        if m is None:
            continue
        keep = []
        for d in m.departures:
            if d.deadline < date:
                m.staff -= d.count
                if m.staff < 0:
                    raise RuleViolation(d.event_id, E.NEGATIVE_HEADCOUNT, f"{sending} mission in {host} below zero")
            else:
                keep.append(d)
        m.departures = keep
        if m.cap is not None and m.cap_deadline is not None and m.cap_deadline < date and m.staff > m.cap:
            raise RuleViolation(m.cap_event or "?", E.CAP_NOT_MET,
                                f"{sending} mission in {host} has {m.staff} after the deadline, cap {m.cap}")


def _schedule(s: State, deadline: Date, sending: str, host: str) -> None:
    heapq.heappush(s.deadlines, (deadline, sending, host))


# --- helpers for handlers ---------------------------------------------------------------------------------------


def _known(s: State, e: ev.Event) -> None:
    """Count the event's parties among the state's countries.  Handlers whose parties must already have a mission or
    a property between them (expulsions, caps, posts, property acts) skip this: those countries are known."""
    s.countries.add(e.actor)
    if e.target is not None:
        s.countries.add(e.target)


def _mission(s: State, e: ev.Event, sending: str, host: str) -> Mission:
    m = s.missions.get((sending, host))
    if m is None:
        raise RuleViolation(e.id, E.UNKNOWN_MISSION, f"no {sending} mission in {host}")
    return m


def _deadline(e: ev.Event, deadline: Date) -> None:
    if deadline < e.date:
        raise RuleViolation(e.id, E.DEADLINE_BEFORE_DATE, f"deadline {deadline} is before {e.date}")


def _headcount(e: ev.Event, value: int, what: str) -> None:
    # The events' validators refuse negative figures; this guards events built around them (a store, a migration).
    if value < 0:
        raise RuleViolation(e.id, E.NEGATIVE_HEADCOUNT, f"{what} is {value}")


def _parties(e: ev.Event) -> None:
    if e.target is None or e.actor == e.target:
        raise RuleViolation(e.id, E.SELF_TARGET, f"actor {e.actor}, target {e.target}")


# --- measures -----------------------------------------------------------------------------------------------------


@handles(ev.MissionEstablished)
def _established(s: State, e: ev.MissionEstablished) -> None:
    _parties(e)
    _headcount(e, e.staff, "staff")
    key = (e.actor, e.target)
    if key in s.missions:
        raise RuleViolation(e.id, E.DUPLICATE_MISSION, f"{e.actor} mission in {e.target} exists already")
    m = Mission(sending=e.actor, host=e.target, staff=e.staff, since=e.date)
    _known(s, e)
    for p in e.posts:
        if p.name in m.posts:
            raise RuleViolation(e.id, E.DUPLICATE_POST, p.name)
        m.posts[p.name] = PostState(p.name, p.kind, "open", e.date, e.id)
    s.missions[key] = m


@handles(ev.StaffAssigned)
def _assigned(s: State, e: ev.StaffAssigned) -> None:
    _parties(e)
    _headcount(e, e.count, "count")
    m = _mission(s, e, e.actor, e.target)
    after = m.staff - m.pending_departures + e.count
    if m.cap is not None and m.cap_deadline is not None:
        # the newcomers arrive now; people ordered out who are still there once the cap binds count against it too
        binds = max(e.date, m.cap_deadline + datetime.timedelta(days=1))
        after += sum(d.count for d in m.departures if d.deadline >= binds)
    if m.cap is not None and after > m.cap:
        raise RuleViolation(e.id, E.CAP_NOT_MET, f"{after} would exceed the cap of {m.cap} set by {m.cap_event}")
    m.staff += e.count


@handles(ev.DiplomatsExpelled)
def _expelled(s: State, e: ev.DiplomatsExpelled) -> None:
    # the commonest measure: the checks of _parties, _headcount, _mission and _deadline are written out here
    target, actor = e.target, e.actor
    if target is None or actor == target:
        _parties(e)
    if e.count < 0:
        _headcount(e, e.count, "count")
    m = s.missions.get((target, actor))
    if m is None:
        m = _mission(s, e, target, actor)
    if e.deadline < e.date:
        _deadline(e, e.deadline)
    available = m.staff - (sum(d.count for d in m.departures) if m.departures else 0)
    if e.count > available:
        raise RuleViolation(e.id, E.EXPEL_ABSENT,
                            f"expels {e.count} but only {available} of the {e.target} mission in {e.actor} remain")
    m.departures.append(Departure(e.count, e.deadline, e.id, "expelled"))
    heapq.heappush(s.deadlines, (e.deadline, target, actor))  # _schedule, written out


@handles(ev.MissionCapped)
def _capped(s: State, e: ev.MissionCapped) -> None:
    _parties(e)
    _headcount(e, e.cap, "cap")
    m = _mission(s, e, e.target, e.actor)
    _deadline(e, e.deadline)
    # Everyone over the cap must be gone by its deadline: departures already ordered for a later day are brought
    # forward as far as needed, and whoever is still over the cap is ordered out by the cap's deadline.
    over = m.staff - sum(d.count for d in m.departures if d.deadline <= e.deadline) - e.cap
    if over > 0:
        # Departure records are replaced, never changed in place: a timeline's checkpoints share them
        later = sorted((d for d in m.departures if d.deadline > e.deadline), key=lambda d: d.deadline)
        take: dict[int, int] = {}  # id of a departure -> how many of its people leave by the cap's deadline
        for d in later:
            moved = min(d.count, over)
            take[id(d)] = moved
            over -= moved
            if over == 0:
                break
        kept = []
        for d in m.departures:
            left = d.count - take.get(id(d), 0)
            if left > 0:
                kept.append(d if left == d.count else Departure(left, d.deadline, d.event_id, d.reason))
        m.departures = kept + [Departure(take[id(d)], e.deadline, d.event_id, d.reason)
                               for d in later if take.get(id(d), 0) > 0]
        if over > 0:
            m.departures.append(Departure(over, e.deadline, e.id, "cap"))
        _schedule(s, e.deadline, m.sending, m.host)
    m.cap, m.cap_deadline, m.cap_event = e.cap, e.deadline, e.id


@handles(ev.MissionCapLifted)
def _cap_lifted(s: State, e: ev.MissionCapLifted) -> None:
    _parties(e)
    m = _mission(s, e, e.target, e.actor)
    if m.cap is None:
        raise RuleViolation(e.id, E.CAP_ABSENT, f"{e.actor} has no cap on the {e.target} mission to lift")
    m.cap = m.cap_deadline = m.cap_event = None


@handles(ev.PostOpened)
def _post_opened(s: State, e: ev.PostOpened) -> None:
    _parties(e)
    m = _mission(s, e, e.actor, e.target)
    old = m.posts.get(e.post.name)
    if old is not None and old.status == "open":
        raise RuleViolation(e.id, E.DUPLICATE_POST, f"{e.post.name} is open already")
    m.posts[e.post.name] = PostState(e.post.name, e.post.kind, "open", e.date, e.id)


@handles(ev.PostClosed)
def _post_closed(s: State, e: ev.PostClosed) -> None:
    _parties(e)
    m = _mission(s, e, e.target, e.actor)
    post = m.posts.get(e.post)
    if post is None:
        raise RuleViolation(e.id, E.UNKNOWN_POST, f"{e.target} has no post {e.post!r} in {e.actor}")
    if post.status == "closed":
        raise RuleViolation(e.id, E.POST_CLOSED_TWICE, f"{e.post} closed since {post.since}")
    m.posts[e.post] = PostState(post.name, post.kind, "closed", e.date, e.id)  # replaced, never changed in place


@handles(ev.PropertyRegistered)
def _property_registered(s: State, e: ev.PropertyRegistered) -> None:
    _parties(e)
    if e.property in s.properties:
        raise RuleViolation(e.id, E.DUPLICATE_PROPERTY, e.property)
    s.properties[e.property] = PropertyState(e.property, e.name, e.actor, e.target, e.kind, "in_use", e.date, e.id)
    _known(s, e)


# status a property may not be in when the act applies, and the rule named when it is
_PROPERTY_RULES: dict[type, tuple[str, frozenset[str], str]] = {
    ev.PropertyAccessSuspended: ("access_suspended", frozenset({"access_suspended", "closed", "seized"}),
                                 E.PROPERTY_TWICE),
    ev.PropertyClosed: ("closed", frozenset({"closed", "seized"}), E.PROPERTY_TWICE),
    ev.PropertySeized: ("seized", frozenset({"seized"}), E.PROPERTY_TWICE),
    ev.PropertyReturned: ("returned", frozenset({"in_use", "returned"}), E.RETURN_UNTAKEN),
}


@handles(*_PROPERTY_RULES)
def _property_act(s: State, e: ev._PropertyAct) -> None:
    p = s.properties.get(e.property)
    if p is None:
        raise RuleViolation(e.id, E.UNKNOWN_PROPERTY, e.property)
    if e.actor != p.host or (e.target is not None and e.target != p.owner):
        raise RuleViolation(e.id, E.WRONG_PARTIES,
                            f"{e.property} is owned by {p.owner} in {p.host}; actor {e.actor}, target {e.target}")
    new, forbidden, rule = _PROPERTY_RULES[type(e)]
    if p.status in forbidden:
        raise RuleViolation(e.id, rule, f"{e.property} is {p.status} since {p.since} ({p.event_id})")
    s.properties[e.property] = PropertyState(p.id, p.name, p.owner, p.host, p.kind, new, e.date, e.id)


@handles(ev.SanctionsImposed)
def _sanctions_imposed(s: State, e: ev.SanctionsImposed) -> None:
    _parties(e)
    _known(s, e)
    for t in e.targets:
        key = (e.actor, t.name)
        old = s.sanctions.get(key)
        if old is None:
            s.sanctions[key] = SanctionState(e.actor, t.name, t.kind, t.country or e.target, list(e.measures),
                                             e.legal_basis, e.date, e.id)
            continue
        new = [m for m in e.measures if m not in old.measures]
        if not new:
            raise RuleViolation(e.id, E.SANCTION_IN_FORCE, f"{t.name} is under these measures since {old.since}")
        s.sanctions[key] = SanctionState(old.imposer, old.target, old.target_kind, old.target_country,
                                         old.measures + new, old.legal_basis, old.since, old.event_id)


@handles(ev.SanctionsLifted)
def _sanctions_lifted(s: State, e: ev.SanctionsLifted) -> None:
    _known(s, e)
    for name in e.targets:
        key = (e.actor, name)
        old = s.sanctions.get(key)
        if old is None:
            raise RuleViolation(e.id, E.SANCTION_ABSENT, f"{e.actor} has no sanction on {name}")
        if e.measures:
            missing = [m for m in e.measures if m not in old.measures]
            if missing:
                raise RuleViolation(e.id, E.SANCTION_ABSENT, f"{name} is not under {', '.join(missing)}")
            left = [m for m in old.measures if m not in e.measures]
            if left:
                s.sanctions[key] = SanctionState(old.imposer, old.target, old.target_kind, old.target_country, left,
                                                 old.legal_basis, old.since, old.event_id)
                continue
        del s.sanctions[key]


# --- speech acts ----------------------------------------------------------------------------------------------------


def _opens(s: State, e: ev.Event) -> None:
    actor, target = e.actor, e.target
    s.open_items[e.id] = OpenItem(e.id, e.opens, e.date, actor, target, e.summary)
    s.countries.add(actor)  # _known, written out: this is the commonest handler after expulsions
    if target is not None:
        s.countries.add(target)


def _intent(s: State, e: ev.IntentStated) -> None:
    _known(s, e)
    if e.is_open:
        s.open_items[e.id] = OpenItem(e.id, "intent", e.date, e.actor, e.target, e.summary)


# Speech acts change nothing but the open items: those that open none have no handler at all (None).
for _cls in ev.EVENT_TYPES.values():
    if _cls.category == "speech":
        _HANDLERS[_cls] = _opens if _cls.opens is not None else None
_HANDLERS[ev.IntentStated] = _intent


@handles(ev.StaffingReported)
def _staffing_reported(s: State, e: ev.StaffingReported) -> None:
    _known(s, e)
    m = s.missions.get((e.sending, e.host))
    s.claims.append(Claim(e.id, e.date, e.sending, e.host, e.figure, e.qualifier, e.by,
                          m.staff if m is not None else None))


# --- the fold -----------------------------------------------------------------------------------------------------


def _resolve(s: State, e: ev.Event) -> None:
    if isinstance(e, ev.ProposalDeclined):
        how = "declined"
    elif e.category == "measure":
        how = "enacted"
    else:
        how = "overtaken"
    for ref in e.resolves:
        if s.open_items.pop(ref, None) is None:
            raise RuleViolation(e.id, E.RESOLVES_OPEN, f"{ref} is not an open proposal or threat")
        s.resolved.append(Resolution(ref, how, e.id, e.date))


def apply_in_place(s: State, e: ev.Event) -> None:
    """Apply one event to a working state, changing it.  Use :func:`apply` unless you own the state."""
    if s.last_date is not None and e.date < s.last_date:
        raise RuleViolation(e.id, E.DATE_ORDER, f"{e.date} comes after {s.last_date} ({s.last_event})")
    if s.seen_ids is not None:
        if e.id in s.seen_ids:
            raise RuleViolation(e.id, E.UNIQUE_IDS, "the id is used by an earlier event")
        s.seen_ids.add(e.id)
    if s.deadlines and s.deadlines[0][0] < e.date:
        settle(s, e.date)
    if e.resolves:  # before the handler, so that an event cannot resolve the item it opens itself
        _resolve(s, e)
    handler = _HANDLERS[type(e)]
    if handler is not None:  # a speech act without a handler changes nothing, countries included
        handler(s, e)
    s.events_applied += 1
    s.last_date = e.date
    s.last_event = e.id


def _run(s: State, events: Iterable[ev.Event], until: Date | None) -> None:
    """:func:`apply_in_place` for each event up to ``until``, as one loop: the hot path of every replay.

    It does exactly what calling apply_in_place per event does (a test holds the two equal), with the state's
    bookkeeping kept in local variables and written back at the end, even when a rule breaks.  The garbage
    collector is paused meanwhile: the fold makes no reference cycles, and the collector's passes over a growing
    state were about 40% of a long replay (bench: 380k -> 670k events/s on 1M events)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        _loop(s, events, until)
    finally:
        if enabled:
            gc.enable()


def _loop(s: State, events: Iterable[ev.Event], until: Date | None) -> None:
    handlers = _HANDLERS
    deadlines = s.deadlines
    last, last_id, n, done = s.last_date, s.last_event, 0, None
    # The unique-id rule is checked in bulk: the ids are listed as the loop goes, and added to the set of seen ids
    # in one call at the end (half the cost of a set lookup per event).  When a rule breaks, or the bulk add finds
    # a repeat, the first repeated id is looked for, so the rule reported is still the one the earliest event broke.
    ids: list[str] = []
    keep = ids.append
    check = s.seen_ids is not None  # without the rule, no list: it would keep every id alive
    if until is not None:
        events = itertools.takewhile(lambda e: e.date <= until, events)
    if last is None:
        last = datetime.date.min
    try:
        for e in events:
            d = e.date
            if d != last:  # the clock moves: check the order, then let due departures leave
                if d < last:
                    raise RuleViolation(e.id, E.DATE_ORDER,
                                        f"{d} comes after {last} ({last_id if done is None else done.id})")
                if deadlines and deadlines[0][0] < d:
                    settle(s, d)
            if check:
                keep(e.id)
            if e.resolves:
                _resolve(s, e)
            handler = handlers[type(e)]
            if handler is not None:  # a speech act without a handler changes nothing, countries included
                handler(s, e)
            last = d
            done = e
            n += 1
    except RuleViolation:
        _check_ids(s.seen_ids, ids)  # an earlier repeated id is the first rule broken
        raise
    finally:
        s.last_date = None if last == datetime.date.min else last
        s.last_event = last_id if done is None else done.id
        s.events_applied += n
    _check_ids(s.seen_ids, ids)


def _check_ids(seen: set[str] | None, ids: list[str]) -> None:
    """Add ``ids`` to ``seen``; raise the unique-id rule for the first one that repeats an earlier id."""
    if seen is None:
        return
    if seen and not seen.isdisjoint(ids):
        _first_repeat(seen, ids)
    before = len(seen)
    seen.update(ids)
    if len(seen) != before + len(ids):  # a repeat among the new ids themselves
        _first_repeat(set(), ids)


def _first_repeat(earlier: set[str], ids: list[str]) -> None:
    met = set()
    for ident in ids:
        if ident in earlier or ident in met:
            raise RuleViolation(ident, E.UNIQUE_IDS, "the id is used by an earlier event") from None
        met.add(ident)


def apply_all_in_place(s: State, events: Iterable[ev.Event], until: Date | None = None) -> None:
    """:func:`apply_in_place` for every event (up to ``until``), in one fast loop.  For owners of a working state,
    such as the store replaying a stream onto a snapshot."""
    _run(s, events, until)


def apply(state: State, event: ev.Event) -> State:
    """A new state: ``state`` with ``event`` applied.  ``state`` is left as it was."""
    s = state.copy()
    apply_in_place(s, event)
    _seen_at(s, state.as_of)
    return s


def _seen_at(s: State, earlier: Date | None) -> None:
    """Date ``s`` by its last event, but never earlier than the date the given state was already seen at (its
    settled departures would otherwise show as gone before their deadline)."""
    s.as_of = s.last_date
    if earlier is not None and (s.as_of is None or earlier > s.as_of):
        settle(s, earlier)
        s.as_of = earlier


def fold(events: Iterable[ev.Event], state: State | None = None, *, until: Date | None = None,
         check_ids: bool = True) -> State:
    """Replay ``events`` (in date order) onto ``state`` (or an empty state) up to and including ``until``.

    ``state`` is not changed.  ``check_ids=False`` skips the unique-id rule (and its memory) when the source of the
    events guarantees it, as the store's unique index does.
    """
    s = State(seen_ids=set() if check_ids else None) if state is None else state.copy()
    if not check_ids:
        s.seen_ids = None
    _run(s, events, until)
    if until is not None:
        settle(s, until)
        s.as_of = until
    else:
        _seen_at(s, state.as_of if state is not None else None)
    return s


def at(state: State, date: Date) -> State:
    """The same state seen at a later ``date`` (deadlines that passed in between have taken effect)."""
    s = state.copy()
    settle(s, date)
    s.as_of = date
    return s

"""The apply handlers: one per event type, each checking the rules that apply where the event applies.

A handler changes a working state in place (the fold owns it); :func:`handles` registers it for its event classes.
Speech acts that open nothing have no handler (``None``): they change nothing but the count of applied events.
"""
from __future__ import annotations

import datetime
import heapq
from typing import Callable

from . import errors as E
from . import events as ev
from .clock import _cap_text, _go, _schedule, cap_range
from .errors import RuleViolation
from .state import (Claim, ContactsState, Departure, Designation, Mission, OpenItem, PostState, PropertyState,
                    SanctionState, State)

Date = datetime.date
Handler = Callable[[State, ev.Event], None]
HANDLERS: dict[type, Handler | None] = {}


def handles(*classes: type[ev.Event]):
    """Register ``fn`` as the apply handler of the given event classes."""
    def register(fn: Handler) -> Handler:
        for cls in classes:
            HANDLERS[cls] = fn
        return fn
    return register


# --- helpers for handlers ---------------------------------------------------------------------------------------


def _known(s: State, e: ev.Event) -> None:
    """Count the event's parties among the state's countries.  Handlers whose parties must already have a mission or
    a property between them (caps lifted, posts closed, property acts) skip this: those countries are known."""
    s.countries.add(e.actor)
    if e.target is not None:
        s.countries.add(e.target)


def _mission(s: State, e: ev.Event, sending: str, host: str) -> Mission:
    m = s.missions.get((sending, host))
    if m is None:
        raise RuleViolation(e.id, E.UNKNOWN_MISSION, f"no {sending} mission in {host}")
    return m


def _mission_or_new(s: State, e: ev.Event, sending: str, host: str) -> Mission:
    """The mission, or a new one of unknown size if none was ever declared: the record of an act names the act,
    rarely the size of the mission it struck.  ``validate --strict`` lists the missions that came in this way."""
    m = s.missions.get((sending, host))
    if m is None:
        m = Mission(sending=sending, host=host, low=0, high=None, since=e.date, basis="unknown", implicit=e.id)
        s.missions[sending, host] = m
        s.countries.add(sending)
        s.countries.add(host)
    return m


def _deadline(e: ev.Event, deadline: Date | None) -> None:
    if deadline is not None and deadline < e.date:
        raise RuleViolation(e.id, E.DEADLINE_BEFORE_DATE, f"deadline {deadline} is before {e.date}")


def _effective(e: ev.Event, effective: Date | None) -> bool:
    """Whether the act takes effect later than its date (an effective date before the event's is refused)."""
    if effective is None or effective == e.date:
        return False
    if effective < e.date:
        raise RuleViolation(e.id, E.EFFECTIVE_BEFORE_DATE, f"effective {effective} is before {e.date}")
    return True


def _headcount(e: ev.Event, value: int | None, what: str) -> None:
    # The events' validators refuse negative figures; this guards events built around them (a store, a migration).
    if value is not None and value < 0:
        raise RuleViolation(e.id, E.NEGATIVE_HEADCOUNT, f"{what} is {value}")


def _parties(e: ev.Event) -> None:
    if e.target is None or e.actor == e.target:
        raise RuleViolation(e.id, E.SELF_TARGET, f"actor {e.actor}, target {e.target}")


def _basis(e: ev.MissionEstablished, has_figure: bool) -> str:
    if e.staff_basis is not None:
        return e.staff_basis
    if not has_figure:
        return "unknown"
    return "derived" if e.derived else "assumed" if e.assumed else "reported"


# --- measures -----------------------------------------------------------------------------------------------------


@handles(ev.MissionEstablished)
def _established(s: State, e: ev.MissionEstablished) -> None:
    _parties(e)
    for what in ("staff", "staff_min", "staff_max", "staff_about"):
        _headcount(e, getattr(e, what), what)
    key = (e.actor, e.target)
    if key in s.missions:
        raise RuleViolation(e.id, E.DUPLICATE_MISSION, f"{e.actor} mission in {e.target} exists already")
    if e.staff is not None:
        low, high = e.staff, e.staff
    else:
        low, high = e.staff_min or 0, e.staff_max
        if high is not None and low > high:
            raise RuleViolation(e.id, E.EMPTY_RANGE, f"staff between {low} and {high}")
    has_figure = e.staff is not None or e.staff_min is not None or e.staff_max is not None or e.staff_about is not None
    m = Mission(sending=e.actor, host=e.target, low=low, high=high, since=e.date, basis=_basis(e, has_figure),
                about=e.staff_about)
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
    m = _mission_or_new(s, e, e.actor, e.target)
    bound = None  # the most the mission can hold once the newcomers are in: a cap in force since its deadline
    if m.cap is not None or m.cap_parity:
        _, cap_high = cap_range(s, m)
        # the newcomers arrive now; people ordered out who are still there once the cap binds count against it too
        # (all of them, however many that is: only those due to leave before it binds may be gone by then)
        leaving = m.departures
        if m.cap_deadline is not None:
            binds = max(e.date, m.cap_deadline + datetime.timedelta(days=1))
            leaving = [d for d in m.departures if d.deadline is not None and d.deadline < binds]
        after = m.low - _most_of(leaving, m.low) + e.count
        if cap_high is not None and after > cap_high:
            raise RuleViolation(e.id, E.CAP_NOT_MET,
                                f"{_figure_after(m, after)} would exceed the cap of {_cap_text(s, m)} set by "
                                f"{m.cap_event}")
        if m.cap_deadline is not None and m.cap_deadline < e.date:
            bound = cap_high  # let in, so within the cap: the mission cannot have held more than it leaves room for
    m.low += e.count
    if m.high is not None:
        m.high += e.count
    if bound is not None and (m.high is None or m.high > bound):
        m.high = bound
    if m.change is not None:
        m.change += e.count
    if m.about is not None:
        m.about += e.count
        if m.high is not None and m.about > m.high:
            m.about = None


def _most_of(departures: list[Departure], low: int) -> int:
    """The most people who leave by ``departures`` (a mission of at least ``low`` cannot lose more)."""
    total = 0
    for d in departures:
        most = d.most
        if most is None:
            return low
        total += most
    return min(total, low)


def _figure_after(m: Mission, after: int) -> str:
    return str(after) if m.exact else f"at least {after}"


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
        m = _mission_or_new(s, e, target, actor)
    deadline = e.deadline
    if deadline is not None and deadline < e.date:
        _deadline(e, deadline)
    pending = sum(d.count for d in m.departures) if m.departures else 0
    need = pending + e.count  # people there and not leaving yet, at the least
    if m.high is not None and need > m.high:
        raise RuleViolation(e.id, E.EXPEL_ABSENT,
                            f"expels {e.count} but only {m.high - pending} of the {e.target} mission in {e.actor} "
                            f"remain" if m.exact else
                            f"expels {e.count} but at most {m.high - pending} of the {e.target} mission in "
                            f"{e.actor} remain")
    if m.cap is not None and m.departures:
        room = _room_over_excess(m)
        if room is not None and e.count > room:
            raise RuleViolation(e.id, E.EXPEL_ABSENT,
                                f"expels {e.count} but at most {room} of the {e.target} mission in {e.actor} remain "
                                f"once the cap of {m.cap} set by {m.cap_event} is met")
    if need > m.low:  # the act implies more people than were known: the fold infers it
        m.low = need
        m.inferred = True
        if m.about is not None and m.about < need:
            m.about = None
    m.departures.append(Departure(e.count, deadline, e.id, "expelled", None, True, e.deadline_assumed))
    if deadline is not None:
        heapq.heappush(s.deadlines, (deadline, target, actor))  # _schedule, written out


def _room_over_excess(m: Mission) -> int | None:
    """While the excess over a numeric cap (not known exactly) is still to leave, how many more people can be
    ordered out: those ordered out since the cap leave on top of its excess (as with a known excess), so together
    with those who left already they fit within the cap.  None when no such excess is pending."""
    on_top = None
    for d in m.departures:
        if on_top is not None:
            on_top += d.count if d.exact else 0
        elif not d.exact and d.reason == "cap" and d.event_id == m.cap_event:
            on_top = d.on_top
    return None if on_top is None else max(m.cap - on_top, 0)


@handles(ev.MissionCapped)
def _capped(s: State, e: ev.MissionCapped) -> None:
    _parties(e)
    _headcount(e, e.cap, "cap")
    m = _mission_or_new(s, e, e.target, e.actor)
    _deadline(e, e.deadline)
    m.cap, m.cap_parity, m.cap_deadline, m.cap_event = e.cap, e.parity, e.deadline, e.id
    if m.exact and e.cap is not None and e.deadline is not None:
        _cap_exact(s, m, e)
    else:
        _cap_uncertain(s, m, e)


def _cap_exact(s: State, m: Mission, e: ev.MissionCapped) -> None:
    # Everyone over the cap must be gone by its deadline: departures already ordered for a later day (or for a day
    # not known) are brought forward as far as needed, and whoever is still over the cap is ordered out by then.
    over = m.low - sum(d.count for d in m.departures if d.deadline is not None and d.deadline <= e.deadline) - e.cap
    if over <= 0:
        return
    # Departure records are replaced, never changed in place: a timeline's checkpoints share them
    later = sorted((d for d in m.departures if d.deadline is None or d.deadline > e.deadline),
                   key=lambda d: (d.deadline is None, d.deadline or e.deadline))
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
            kept.append(d if left == d.count else Departure(left, d.deadline, d.event_id, d.reason, None, True,
                                                            d.assumed))
    m.departures = kept + [Departure(take[id(d)], e.deadline, d.event_id, d.reason, None, True, e.deadline_assumed)
                           for d in later if take.get(id(d), 0) > 0]
    if over > 0:
        m.departures.append(Departure(over, e.deadline, e.id, "cap", None, True, e.deadline_assumed))
    _schedule(s, e.deadline, m.sending, m.host)


def _cap_uncertain(s: State, m: Mission, e: ev.MissionCapped) -> None:
    """A cap whose excess is not known exactly (the mission's size or the cap is a range, or the deadline is not
    known): by the deadline the mission is clamped to the cap, however many that sends home."""
    cap_low, cap_high = cap_range(s, m)
    due = [d for d in m.departures if d.deadline is not None and e.deadline is not None and d.deadline <= e.deadline]
    due_least = sum(d.count for d in due)
    # the least excess beyond everyone already ordered out: those ordered out for later may leave by the deadline as
    # part of the excess (their departure recorded early), so the excess may be that much smaller
    pending_most = m.pending_most
    least = max(0, m.low - pending_most - cap_high) if pending_most is not None and cap_high is not None else 0
    most = max(0, m.high - due_least - cap_low) if m.high is not None else None
    if most == 0 and not m.cap_parity:
        return  # the mission is within the cap already, whatever its size (a parity cap may shrink by its deadline)
    # people ordered out for later may be among those who leave by the cap's deadline: how many is not known
    due_ids = {id(d) for d in due}
    m.departures = [d if id(d) in due_ids else Departure(0, d.deadline, d.event_id, d.reason, d.most, False,
                                                         d.assumed)
                    for d in m.departures]
    m.departures.append(Departure(least, e.deadline, e.id, "cap", most, False, e.deadline_assumed))
    _schedule(s, e.deadline, m.sending, m.host)


@handles(ev.MissionCapLifted)
def _cap_lifted(s: State, e: ev.MissionCapLifted) -> None:
    _parties(e)
    m = _mission(s, e, e.target, e.actor)
    if m.cap is None and not m.cap_parity:
        raise RuleViolation(e.id, E.CAP_ABSENT, f"{e.actor} has no cap on the {e.target} mission to lift")
    m.cap = m.cap_deadline = m.cap_event = None
    m.cap_parity = False


@handles(ev.DiplomatsDeparted)
def _departed(s: State, e: ev.DiplomatsDeparted) -> None:
    _parties(e)
    m = _mission(s, e, e.actor, e.target)
    due = [d for d in m.departures if d.event_id == e.order]
    if not due:
        raise RuleViolation(e.id, E.NOTHING_PENDING,
                            f"no one ordered out by {e.order} is still to leave the {e.actor} mission in {e.target}")
    _go(s, m, due, [d for d in m.departures if d.event_id != e.order])


@handles(ev.PostOpened)
def _post_opened(s: State, e: ev.PostOpened) -> None:
    _parties(e)
    m = _mission(s, e, e.actor, e.target)
    old = m.posts.get(e.post.name)
    if old is not None and old.status != "closed":
        raise RuleViolation(e.id, E.DUPLICATE_POST, f"{e.post.name} is open already")
    m.posts[e.post.name] = PostState(e.post.name, e.post.kind, "open", e.date, e.id)


@handles(ev.PostListed)
def _post_listed(s: State, e: ev.PostListed) -> None:
    _parties(e)
    m = _mission_or_new(s, e, e.actor, e.target)
    if e.post.name in m.posts:
        raise RuleViolation(e.id, E.DUPLICATE_POST, f"{e.post.name} is listed already")
    m.posts[e.post.name] = PostState(e.post.name, e.post.kind, "open", e.date, e.id)


@handles(ev.PostClosed)
def _post_closed(s: State, e: ev.PostClosed) -> None:
    _parties(e)
    m = _mission(s, e, e.target, e.actor)
    post = m.posts.get(e.post)
    if post is None:
        raise RuleViolation(e.id, E.UNKNOWN_POST, f"{e.target} has no post {e.post!r} in {e.actor}")
    if post.status != "open":
        raise RuleViolation(e.id, E.POST_CLOSED_TWICE, f"{e.post} {post.status} since {post.since}")
    if _effective(e, e.effective):  # replaced, never changed in place
        m.posts[e.post] = PostState(post.name, post.kind, "closing", e.date, e.id, e.effective)
        heapq.heappush(s.effects, (e.effective, "post", e.id, m.sending, m.host, e.post))
    else:
        m.posts[e.post] = PostState(post.name, post.kind, "closed", e.date, e.id)


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
    status = p.becomes if p.status == "closing" else p.status  # an act under way counts as done
    if status in forbidden:
        when = f"from {p.effective}" if p.status == "closing" else f"since {p.since}"
        raise RuleViolation(e.id, rule, f"{e.property} is {status} {when} ({p.event_id})")
    if _effective(e, e.effective):
        s.properties[e.property] = PropertyState(p.id, p.name, p.owner, p.host, p.kind, "closing", e.date, e.id,
                                                 e.effective, new)
        heapq.heappush(s.effects, (e.effective, "property", e.id, e.property, "", ""))
    else:
        s.properties[e.property] = PropertyState(p.id, p.name, p.owner, p.host, p.kind, new, e.date, e.id)


def _designate(s: State, e: ev.Event, targets, measures: list[str], legal_basis: str | None) -> None:
    for t in targets:
        key = (e.actor, t.name)
        old = s.sanctions.get(key)
        if old is None:
            s.sanctions[key] = SanctionState(e.actor, t.name, t.kind, t.country or e.target, list(measures),
                                             legal_basis, e.date, e.id, [legal_basis] if legal_basis else [])
            continue
        new = [m for m in measures if m not in old.measures]
        authority = legal_basis is not None and legal_basis not in old.authorities
        if not new and not authority:
            raise RuleViolation(e.id, E.SANCTION_IN_FORCE, f"{t.name} is under these measures since {old.since}")
        s.sanctions[key] = SanctionState(old.imposer, old.target, old.target_kind, old.target_country,
                                         old.measures + new, old.legal_basis, old.since, old.event_id,
                                         old.authorities + [legal_basis] if authority else old.authorities)


@handles(ev.SanctionsImposed)
def _sanctions_imposed(s: State, e: ev.SanctionsImposed) -> None:
    _parties(e)
    _known(s, e)
    _designate(s, e, e.targets, list(e.measures), e.legal_basis)
    if e.count is not None and e.count > len(e.targets):
        s.designations = s.designations + [Designation(e.actor, e.target, e.count - len(e.targets),
                                                       list(e.measures), e.legal_basis, e.date, e.id)]


FOREIGN_AGENT = "foreign-agent designation"


@handles(ev.ForeignAgentDesignated)
def _foreign_agent(s: State, e: ev.ForeignAgentDesignated) -> None:
    _parties(e)
    _known(s, e)
    _designate(s, e, e.targets, [FOREIGN_AGENT], e.legal_basis)


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
                                                 old.legal_basis, old.since, old.event_id, old.authorities)
                continue
        del s.sanctions[key]


@handles(ev.AmbassadorRecalled, ev.AmbassadorReturned)
def _head(s: State, e: ev.Event) -> None:
    _parties(e)
    m = _mission_or_new(s, e, e.actor, e.target)
    recalled = isinstance(e, ev.AmbassadorRecalled)
    if recalled and m.head == "recalled":
        raise RuleViolation(e.id, E.HEAD_TWICE, f"the {e.actor} head of mission in {e.target} is recalled already")
    if not recalled and m.head != "recalled":
        raise RuleViolation(e.id, E.HEAD_TWICE, f"the {e.actor} head of mission in {e.target} was not recalled")
    m.head = "recalled" if recalled else "present"


@handles(ev.ContactsSuspended)
def _contacts_suspended(s: State, e: ev.ContactsSuspended) -> None:
    _parties(e)
    _known(s, e)
    if (e.actor, e.target) in s.contacts:
        raise RuleViolation(e.id, E.CONTACTS_TWICE, f"{e.actor} suspended contacts with {e.target} already")
    s.contacts[e.actor, e.target] = ContactsState(e.actor, e.target, e.scope, e.date, e.id)


@handles(ev.ContactsResumed)
def _contacts_resumed(s: State, e: ev.ContactsResumed) -> None:
    _parties(e)
    if s.contacts.pop((e.actor, e.target), None) is None:
        raise RuleViolation(e.id, E.CONTACTS_TWICE, f"{e.actor} has no suspended contacts with {e.target}")


@handles(ev.LawEnacted, ev.AccreditationRefused, ev.AmbassadorSummoned, ev.AccusationMade)
def _act_between(s: State, e: ev.Event) -> None:
    _parties(e)
    _known(s, e)


@handles(ev.IncidentOccurred)
def _incident(s: State, e: ev.IncidentOccurred) -> None:
    _known(s, e)
    if e.suspected is not None:
        s.countries.add(e.suspected)


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
    if _cls.category == "speech" and _cls not in HANDLERS:
        HANDLERS[_cls] = _opens if _cls.opens is not None else None
HANDLERS[ev.IntentStated] = _intent


@handles(ev.EventObserved)
def _observed(s: State, e: ev.EventObserved) -> None:
    """Media-coded event data is an observation: the countries become known, nothing else changes (no staff)."""
    _known(s, e)


@handles(ev.StaffingReported)
def _staffing_reported(s: State, e: ev.StaffingReported) -> None:
    _known(s, e)
    m = s.missions.get((e.sending, e.host))
    s.claims.append(Claim(e.id, e.date, e.sending, e.host, e.figure, e.qualifier, e.by,
                          m.staff if m is not None else None))

"""The vocabulary of facts: immutable, past-tense event classes and the catalogue of them.

Every event shares the fields of :class:`Event` (id, date, actor, target, sources and the provenance notes); each
subclass adds the data of one kind of act.  Events carry data, never behaviour: what an event does to the state
lives in :mod:`diplosim.core.fold`.

    >>> import datetime
    >>> e = DiplomatsExpelled(id="x1", date=datetime.date(2016, 12, 29), actor="USA", target="RUS",
    ...                       count=35, deadline=datetime.date(2017, 1, 1))
    >>> e.type, e.count
    ('DiplomatsExpelled', 35)
"""
from __future__ import annotations

import datetime
from typing import ClassVar

import attrs
from attrs import field, frozen

from .errors import short as _short
from .limits import MAX_DATE, MAX_FIGURE, MIN_DATE

Date = datetime.date

#: How precisely an event's date is known.  ``month``: only the month is known and ``date`` is its first day.
DATE_PRECISIONS = ("day", "month", "approximate")
POST_KINDS = ("embassy", "consulate", "consulate-general", "annex", "mission", "trade-mission", "other")
PROPERTY_KINDS = ("compound", "dacha", "warehouse", "residence", "office", "other")
TARGET_KINDS = ("agency", "entity", "person", "sector", "country")
STANCES = ("retaliate", "restraint", "reciprocity", "hope", "other")
#: What a figure rests on.  ``reported``: a source states it; ``derived``: computed from reported figures (the
#: ``derived`` note says how); ``assumed``: chosen by the log's author where no source gives it (``assumed`` note);
#: ``inferred``: implied by later acts (the fold's own); ``unknown``: nothing is known.
STAFF_BASES = ("reported", "derived", "assumed", "inferred", "unknown")
INCIDENT_KINDS = ("poisoning", "attack", "assassination", "cyber-attack", "arrest", "other")
#: The public event-data sets whose rows become observed events (``diplosim import-data``).
DATASETS = ("gdelt1", "gdelt2", "icews", "polecat")


def _non_negative(instance, attribute, value):
    if value is not None and value < 0:
        raise ValueError(f"{attribute.name} must not be negative (got {value})")
    if value is not None and value > MAX_FIGURE:
        raise ValueError(f"{attribute.name} must be at most {MAX_FIGURE:,} (got {_short(value)})")


def _positive(instance, attribute, value):
    if value is not None and value <= 0:
        raise ValueError(f"{attribute.name} must be positive (got {value})")
    if value is not None and value > MAX_FIGURE:
        raise ValueError(f"{attribute.name} must be at most {MAX_FIGURE:,} (got {_short(value)})")


def _in_calendar(instance, attribute, value):
    if value is not None and not MIN_DATE <= value <= MAX_DATE:
        raise ValueError(f"{attribute.name} {value} is outside the calendar diplosim keeps "
                         f"({MIN_DATE} to {MAX_DATE})")


def _one_of(options):
    def check(instance, attribute, value):
        if value is not None and value not in options:
            raise ValueError(f"{attribute.name} must be one of {', '.join(options)} (got {value!r})")
    return check


def _nonempty(instance, attribute, value):
    if not value:
        raise ValueError(f"{attribute.name} must not be empty")


@frozen
class Post:
    """A diplomatic post of a mission: its name ("Consulate in San Francisco") and kind."""
    name: str = field(validator=_nonempty)
    kind: str = field(default="embassy", validator=_one_of(POST_KINDS))


@frozen
class SanctionTarget:
    """One designated target of a sanctions act."""
    name: str = field(validator=_nonempty)
    kind: str = field(default="entity", validator=_one_of(TARGET_KINDS))
    country: str | None = None


@frozen(kw_only=True)
class Event:
    """Fields every event has.

    ``sources`` names where the fact comes from: a seed file name (``002_75852e39d8adb4be.txt``), a public page by its
    URL, or a public record (``public record: ...``).  ``derived`` says how a figure was derived, ``assumed`` which
    figure the log's author chose where no source gives one, ``disputed`` what the sources disagree on,
    ``date_note`` how an approximate date was resolved.  ``resolves`` lists open proposals or threats that this
    event enacts, declines or overtakes.  ``generated_by`` marks an event made by a strategy or a scenario.
    """
    id: str = field(validator=_nonempty)
    date: Date = field(validator=_in_calendar)
    actor: str
    target: str | None = None
    summary: str = ""
    by: str | None = None
    sources: tuple[str, ...] = ()
    derived: str | None = None
    assumed: str | None = None
    disputed: str | None = None
    date_precision: str = field(default="day", validator=_one_of(DATE_PRECISIONS))
    date_note: str | None = None
    note: str | None = None
    resolves: tuple[str, ...] = ()
    cameo: str | None = None
    generated_by: str | None = None

    #: ``measure``: an act that changes mission, posts, properties or sanctions.  ``speech``: words, votes,
    #: meetings.  ``record``: how things stood or what completed (a baseline, departures that took place): not an
    #: act, never coded as one.  ``observation``: a row of media-coded event data (:class:`EventObserved`).
    category: ClassVar[str] = "speech"
    #: For speech acts that stay open until enacted, declined or overtaken (proposals, threats).
    opens: ClassVar[str | None] = None
    #: Whether ``target`` is required.
    needs_target: ClassVar[bool] = True

    @property
    def type(self) -> str:
        return type(self).__name__


# --- measures: these change the state -------------------------------------------------------------------------


def _staff_figure(instance, attribute, value):
    """The staff figure of a baseline: exact (``staff``), bounded (``staff_min``/``staff_max``), about a figure
    (``staff_about``), or none of them (unknown)."""
    lo, hi = instance.staff_min, instance.staff_max
    if instance.staff is not None and (lo is not None or hi is not None or instance.staff_about is not None):
        raise ValueError("staff is exact: give either staff = N or a range (at_least / between / about), not both")
    if lo is not None and hi is not None and lo > hi:
        raise ValueError(f"staff range is empty: low {lo} is above high {hi}")
    about = instance.staff_about
    if about is not None and ((lo is not None and about < lo) or (hi is not None and about > hi)):
        raise ValueError(f"staff about {about} is outside the range given with it "
                         f"({'at least ' + str(lo) if hi is None else f'{lo or 0} to {hi}'})")


@frozen(kw_only=True)
class MissionEstablished(Event):
    """The sending country (actor) has a mission in the host (target), with these posts: a baseline, not an act.

    Its size may be exact (``staff``), bounded (``staff_min``, ``staff_max``), about a figure (``staff_about``) or
    unknown (none of them); ``staff_basis`` says what the figure rests on (default: ``derived`` when the event has a
    ``derived`` note, ``assumed`` with an ``assumed`` note, ``reported`` otherwise, ``unknown`` without a figure).
    In a TOML log: ``staff = 490``, ``staff = { at_least = 9 }``, ``staff = { about = 1100 }``,
    ``staff = { between = [1000, 1200] }``."""
    staff: int | None = field(default=None, validator=_non_negative)
    staff_min: int | None = field(default=None, validator=_non_negative)
    staff_max: int | None = field(default=None, validator=_non_negative)
    staff_about: int | None = field(default=None, validator=[_non_negative, _staff_figure])
    staff_basis: str | None = field(default=None, validator=_one_of(STAFF_BASES))
    posts: tuple[Post, ...] = ()
    category: ClassVar[str] = "record"


@frozen(kw_only=True)
class StaffAssigned(Event):
    """The sending country (actor) adds ``count`` people to its mission in the host (target)."""
    count: int = field(validator=_positive)
    category: ClassVar[str] = "measure"


@frozen(kw_only=True)
class DiplomatsExpelled(Event):
    """The host (actor) orders ``count`` members of the sending country's (target) mission to leave by ``deadline``.

    Without a deadline they are pending, "deadline unknown", until :class:`DiplomatsDeparted` says they left, or the
    log's ``departure_days`` gives one (then ``deadline_assumed`` is true)."""
    count: int = field(validator=_positive)
    deadline: Date | None = field(default=None, validator=_in_calendar)
    deadline_assumed: bool = False
    from_posts: tuple[str, ...] = ()
    category: ClassVar[str] = "measure"


def _cap_figure(instance, attribute, value):
    if (instance.cap is None) == (not value):
        raise ValueError("a cap is a number (cap = N) or parity with the other side's mission (cap = \"parity\")")


@frozen(kw_only=True)
class MissionCapped(Event):
    """The host (actor) caps the sending country's (target) mission at ``cap`` people, to be met by ``deadline``.

    ``parity`` instead of a number: the cap is the size of the host's own mission in the sending country, and follows
    it (``cap = "parity"`` in a log).  Without a deadline, whoever is over the cap is pending, "deadline unknown"."""
    cap: int | None = field(default=None, validator=_non_negative)
    parity: bool = field(default=False, validator=_cap_figure)
    deadline: Date | None = field(default=None, validator=_in_calendar)
    deadline_assumed: bool = False
    category: ClassVar[str] = "measure"


@frozen(kw_only=True)
class MissionCapLifted(Event):
    """The host (actor) lifts its cap on the sending country's (target) mission."""
    category: ClassVar[str] = "measure"


@frozen(kw_only=True)
class PostOpened(Event):
    """The sending country (actor) opens a post in the host (target)."""
    post: Post
    category: ClassVar[str] = "measure"


@frozen(kw_only=True)
class PostClosed(Event):
    """The host (actor) closes a post of the sending country's (target) mission, from ``effective`` if given
    (until then the post shows as closing)."""
    post: str = field(validator=_nonempty)
    effective: Date | None = field(default=None, validator=_in_calendar)
    category: ClassVar[str] = "measure"


@frozen(kw_only=True)
class PostListed(Event):
    """The sending country (actor) has this post in the host (target), as it stood: a baseline, not an act (never
    coded as cooperation).  Creates the mission, of unknown size, if it was never declared."""
    post: Post
    category: ClassVar[str] = "record"


@frozen(kw_only=True)
class PropertyRegistered(Event):
    """The owner (actor) holds a diplomatic property in the host (target), in use: a baseline, not an act."""
    property: str = field(validator=_nonempty)
    name: str = field(validator=_nonempty)
    kind: str = field(default="other", validator=_one_of(PROPERTY_KINDS))
    category: ClassVar[str] = "record"


@frozen(kw_only=True)
class _PropertyAct(Event):
    property: str = field(validator=_nonempty)
    # the act takes effect on this day (the property shows as closing until then)
    effective: Date | None = field(default=None, validator=_in_calendar)
    category: ClassVar[str] = "measure"


@frozen(kw_only=True)
class PropertyAccessSuspended(_PropertyAct):
    """The host (actor) bars the owner (target) from using a property."""


@frozen(kw_only=True)
class PropertyClosed(_PropertyAct):
    """The host (actor) shuts a property of the owner (target)."""


@frozen(kw_only=True)
class PropertySeized(_PropertyAct):
    """The host (actor) takes a property of the owner (target)."""


@frozen(kw_only=True)
class PropertyReturned(_PropertyAct):
    """The host (actor) gives a suspended, closed or seized property back to the owner (target)."""


def _designated(instance, attribute, value):
    if value is not None and value < len(instance.targets):
        raise ValueError(f"count is {value} but {len(instance.targets)} targets are named")
    if value is None and not instance.targets:
        raise ValueError("targets must not be empty (or give count, the number of targets designated)")


@frozen(kw_only=True)
class SanctionsImposed(Event):
    """The imposer (actor) puts ``measures`` on each of ``targets`` (of the target country).

    ``count``: how many targets were designated, when only some are named (``count = 24`` with three names).  A
    target already under these measures by another ``legal_basis`` gains that authority."""
    targets: tuple[SanctionTarget, ...] = ()
    measures: tuple[str, ...] = field(validator=_nonempty)
    legal_basis: str | None = None
    count: int | None = field(default=None, validator=[_positive, _designated])
    category: ClassVar[str] = "measure"


@frozen(kw_only=True)
class SanctionsLifted(Event):
    """The imposer (actor) lifts its sanctions on the named targets (all measures unless ``measures`` is given)."""
    targets: tuple[str, ...] = field(validator=_nonempty)
    measures: tuple[str, ...] = ()
    category: ClassVar[str] = "measure"


@frozen(kw_only=True)
class DiplomatsDeparted(Event):
    """The people the host ordered out (by the expulsion or cap ``order``) have left: a record, not a new act.

    The sending country is the actor, the host the target.  It settles a departure whose deadline was unknown, or
    one that came before its deadline."""
    order: str = field(validator=_nonempty)
    category: ClassVar[str] = "record"


@frozen(kw_only=True)
class ForeignAgentDesignated(Event):
    """The actor designates an organisation of the target country (a broadcaster, say) as a foreign agent; shown
    beside the sanctions as the measure ``foreign-agent designation``."""
    targets: tuple[SanctionTarget, ...] = field(validator=_nonempty)
    legal_basis: str | None = None
    category: ClassVar[str] = "measure"


@frozen(kw_only=True)
class LawEnacted(Event):
    """The actor enacts a law aimed at the target (sanctions written into law, a foreign-agent law)."""
    law: str = field(validator=_nonempty)
    category: ClassVar[str] = "measure"


@frozen(kw_only=True)
class AccreditationRefused(Event):
    """The host (actor) refuses accreditation to ``count`` people the sending country (target) put forward."""
    count: int | None = field(default=None, validator=_positive)
    category: ClassVar[str] = "measure"


@frozen(kw_only=True)
class AmbassadorRecalled(Event):
    """The actor calls its head of mission home from the target (for consultations, say): the mission is without
    its head until :class:`AmbassadorReturned`."""
    category: ClassVar[str] = "measure"


@frozen(kw_only=True)
class AmbassadorReturned(Event):
    """The actor's head of mission goes back to the target."""
    category: ClassVar[str] = "measure"


@frozen(kw_only=True)
class ContactsSuspended(Event):
    """The actor suspends contacts with the target (``scope``: "high-level bilateral", say) until resumed."""
    scope: str = "all"
    category: ClassVar[str] = "measure"


@frozen(kw_only=True)
class ContactsResumed(Event):
    """The actor resumes the contacts with the target it had suspended."""
    category: ClassVar[str] = "measure"


@frozen(kw_only=True)
class IncidentOccurred(Event):
    """An incident that sets off a crisis (a poisoning, an attack) in the actor's country (``place``).

    ``suspected``: the country the log's sources name as behind it, if any; event data then codes it as an act of
    that country against the actor.  Not a diplomatic act of the actor's."""
    kind: str = field(validator=_one_of(INCIDENT_KINDS))
    place: str | None = None
    suspected: str | None = None
    needs_target: ClassVar[bool] = False


# --- speech acts: words, votes and meetings; only proposals and threats touch the state ---------------------------


@frozen(kw_only=True)
class ProposalMade(Event):
    """The actor (an office of a state) proposes measures against the target; open until enacted or declined."""
    count: int | None = field(default=None, validator=_non_negative)
    properties: tuple[str, ...] = ()
    opens: ClassVar[str] = "proposal"


@frozen(kw_only=True)
class ProposalDeclined(Event):
    """The actor declines a proposal (named in ``resolves``)."""
    needs_target: ClassVar[bool] = False


@frozen(kw_only=True)
class ThreatIssued(Event):
    """The actor threatens the target with measures; open until carried out or overtaken."""
    count: int | None = field(default=None, validator=_non_negative)
    opens: ClassVar[str] = "threat"


@frozen(kw_only=True)
class MeasureReported(Event):
    """A press report (``reported_by``) that the actor plans measures against the target; open until overtaken."""
    reported_by: str | None = None
    count: int | None = field(default=None, validator=_non_negative)
    opens: ClassVar[str] = "reported plan"


@frozen(kw_only=True)
class IntentStated(Event):
    """A statement of intent: to retaliate, of restraint, that reciprocity applies, of hope.

    Statements of intent to retaliate stay open until carried out or overtaken."""
    stance: str = field(validator=_one_of(STANCES))

    @property
    def is_open(self) -> bool:
        return self.stance in ("retaliate", "reciprocity")


@frozen(kw_only=True)
class AmbassadorSummoned(Event):
    """The actor summons the target's ambassador (or chargé) to protest."""


@frozen(kw_only=True)
class AccusationMade(Event):
    """The actor accuses the target (of an attack, of espionage)."""


@frozen(kw_only=True)
class InvolvementDenied(Event):
    """The actor denies an accusation made by the target."""


@frozen(kw_only=True)
class CriticismVoiced(Event):
    """The actor criticises or denounces the target."""


@frozen(kw_only=True)
class PraiseExpressed(Event):
    """The actor praises the target."""


@frozen(kw_only=True)
class DemandMade(Event):
    """The actor demands something of the target (the return of property, say)."""


@frozen(kw_only=True)
class VoteHeld(Event):
    """A legislative chamber of the actor votes on a measure against the target; ``yes``/``no`` are the tally."""
    chamber: str = field(validator=_nonempty)
    yes: int | None = field(default=None, validator=_non_negative)
    no: int | None = field(default=None, validator=_non_negative)
    passed: bool = True


@frozen(kw_only=True)
class MeetingHeld(Event):
    """Representatives of actor and target meet (``place`` where known)."""
    place: str | None = None
    participants: tuple[str, ...] = ()


@frozen(kw_only=True)
class MeetingPlanned(Event):
    """A meeting between actor and target is announced or reported as planned."""
    place: str | None = None
    participants: tuple[str, ...] = ()


@frozen(kw_only=True)
class MeetingCancelled(Event):
    """The actor calls off a meeting with the target."""
    participants: tuple[str, ...] = ()


@frozen(kw_only=True)
class StatementMade(Event):
    """A public statement that is none of the kinds above (``count`` if it names a figure)."""
    count: int | None = field(default=None, validator=_non_negative)


@frozen(kw_only=True)
class StaffingReported(Event):
    """An attributed claim about the size of a mission: ``figure`` people (``qualifier``: about, more than, over...).

    The claim is kept beside the modelled figure, never replacing it.  ``sending``/``host`` name the mission."""
    sending: str
    host: str
    figure: int = field(validator=_non_negative)
    qualifier: str = "exactly"
    needs_target: ClassVar[bool] = False


# --- observations: what media-coded event data saw, not an act of the log's author ------------------------------


def _plover_type(instance, attribute, value):
    if value is not None and not (value.isascii() and value.replace("_", "").isalpha() and value.isupper()):
        raise ValueError(f"plover must be a PLOVER event type in capitals, like SANCTION (got {value!r})")
    if value is None and instance.cameo is None:
        raise ValueError("an observed event needs a CAMEO code (cameo) or a PLOVER event type (plover)")


def _quad(instance, attribute, value):
    if value is not None and value not in (1, 2, 3, 4):
        raise ValueError(f"quad_class must be 1, 2, 3 or 4 (got {value!r})")


def _score(instance, attribute, value):
    if value is not None and not -10.0 <= value <= 10.0:
        raise ValueError(f"goldstein must be between -10 and 10 (got {value!r})")


@frozen(kw_only=True)
class EventObserved(Event):
    """A row of media-coded event data (GDELT, ICEWS, POLECAT): what the coder saw in the news, an observation.

    Not an act of the log's author and not a record: it changes no mission, post, property or sanction, only the
    countries the state knows.  ``cameo`` is the row's CAMEO code (POLECAT rows may have only ``plover``),
    ``goldstein`` the row's own score where the data set gives one, ``mentions``/``sources_count``/``articles`` its
    counts of coverage, ``dataset`` where it came from and ``row_id`` the data set's own id for the row."""
    plover: str | None = field(default=None, validator=_plover_type)
    goldstein: float | None = field(default=None, validator=_score)
    mentions: int | None = field(default=None, validator=_non_negative)
    sources_count: int | None = field(default=None, validator=_non_negative)
    articles: int | None = field(default=None, validator=_non_negative)
    quad_class: int | None = field(default=None, validator=_quad)
    source_url: str | None = None
    dataset: str = field(default="gdelt1", validator=_one_of(DATASETS))
    row_id: str | None = None
    category: ClassVar[str] = "observation"


#: Every event type by name: the catalogue.  Order is the order of the README's catalogue.
EVENT_TYPES: dict[str, type[Event]] = {
    cls.__name__: cls
    for cls in (
        MissionEstablished, StaffAssigned, DiplomatsExpelled, MissionCapped, MissionCapLifted, PostOpened,
        PostClosed, PropertyRegistered, PropertyAccessSuspended, PropertyClosed, PropertySeized, PropertyReturned,
        SanctionsImposed, SanctionsLifted,
        ProposalMade, ProposalDeclined, ThreatIssued, MeasureReported, IntentStated, InvolvementDenied,
        CriticismVoiced, PraiseExpressed, DemandMade, VoteHeld, MeetingHeld, MeetingPlanned, MeetingCancelled,
        StatementMade, StaffingReported,
        # added with real 2017-2018 history: records, and the acts real crises need
        PostListed, DiplomatsDeparted, ForeignAgentDesignated, LawEnacted, AccreditationRefused, AmbassadorRecalled,
        AmbassadorReturned, ContactsSuspended, ContactsResumed, IncidentOccurred, AmbassadorSummoned, AccusationMade,
        # media-coded event data (diplosim import-data)
        EventObserved,
    )
}


def opens_item(event: Event) -> str | None:
    """The kind of open item (proposal, threat, ...) this event opens, or None."""
    if isinstance(event, IntentStated):
        return "intent" if event.is_open else None
    return event.opens


def field_names(cls: type[Event]) -> tuple[str, ...]:
    return tuple(a.name for a in attrs.fields(cls))

"""CAMEO event codes and Goldstein scores for diplosim events: the vocabulary of event-data analysts.

Every event type has a default CAMEO code (:data:`DEFAULT_CODES`, a few refined by the event's data, see
:func:`code_of`); an event may name another code in its ``cameo`` field, which must be in the table.  The table
(``diplosim/data/cameo_codes.tsv``, sources and licence in the README beside it) gives each code its label and
Goldstein score; the root code (the first two digits) gives the quad class.

    >>> import datetime
    >>> from diplosim.core.events import DiplomatsExpelled
    >>> e = DiplomatsExpelled(id="x", date=datetime.date(2016, 12, 29), actor="USA", target="RUS", count=35,
    ...                       deadline=datetime.date(2017, 1, 1))
    >>> c = coded(e)
    >>> c.code, c.label, c.goldstein, c.root, c.quad_class
    ('174', 'Expel or deport individuals', -5.0, '17', 4)
"""
from __future__ import annotations

from typing import Any, Iterable


from ..core import events as ev
from ..core.errors import InputError
from .wording import describe

from ..core.codes import QUAD_CLASSES, TABLE_PATH, Code, quad_class, table  # noqa: F401  (public here too)


def lookup(code: str, where: str | None = None) -> Code:
    """The table entry of ``code``; an unknown code is an InputError (naming ``where``).

    >>> lookup("1711").label
    'Confiscate property'
    >>> lookup("1213").goldstein, lookup("1213").inherited
    (-4.0, True)
    """
    found = table().get(code)
    if found is None:
        raise InputError(f"unknown CAMEO code {code!r} (see the CAMEO codebook; codes are strings like '174' "
                         f"or '0842')", where)
    return found


def check_code(code: str) -> None:
    """Raise InputError unless ``code`` is in the table (used when a log names a ``cameo`` override)."""
    lookup(code)


#: The event types that are records (baselines, departures that took place): not acts, so no default code.
RECORDS: tuple[str, ...] = tuple(name for name, cls in ev.EVENT_TYPES.items() if cls.category == "record")

#: The default CAMEO code of each event type that is an act.  The reasons are in the README ("CAMEO coding").
DEFAULT_CODES: dict[str, str] = {
    # records (baselines, departures that took place) are not acts and have no code: see RECORDS
    # measures
    "StaffAssigned": "050",            # engage in diplomatic cooperation: staffing a mission up
    "DiplomatsExpelled": "174",        # expel or deport individuals (persona non grata), not 166
    "MissionCapped": "172",            # impose administrative sanctions: a ceiling on accredited staff
    "MissionCapLifted": "081",         # ease administrative sanctions
    "PostOpened": "050",               # engage in diplomatic cooperation
    "PostClosed": "161",               # reduce or break diplomatic relations: a consular post shut
    "PropertyAccessSuspended": "172",  # impose administrative sanctions: use barred, ownership untouched
    "PropertyClosed": "171",           # seize or damage property: shut and taken out of the owner's use
    "PropertySeized": "1711",          # confiscate property
    "PropertyReturned": "0842",        # return, release property
    "SanctionsImposed": "163",         # impose embargo, boycott or sanctions
    "SanctionsLifted": "085",          # ease economic sanctions, boycott, embargo
    "ForeignAgentDesignated": "1721",  # impose restrictions on freedoms of speech and expression: media as agents
    "LawEnacted": "160",               # reduce relations: a law aimed at the other country (override by its kind)
    "AccreditationRefused": "161",     # reduce or break diplomatic relations: diplomats not let in
    "AmbassadorRecalled": "161",       # reduce or break diplomatic relations: the head of mission called home
    "AmbassadorReturned": "050",       # engage in diplomatic cooperation: the head of mission back
    "ContactsSuspended": "161",        # reduce or break diplomatic relations: contacts frozen
    "ContactsResumed": "050",          # engage in diplomatic cooperation
    "IncidentOccurred": "180",         # use unconventional violence; refined by kind, coded as the suspect's act
    # speech acts
    "ProposalMade": "014",             # consider policy option: measures proposed inside a government
    "ProposalDeclined": "013",         # make optimistic comment: restraint announced, not 124
    "ThreatIssued": "1313",            # threaten to reduce or break relations
    "MeasureReported": "014",          # consider policy option: a reported plan
    "IntentStated": "130",             # threaten (not specified); refined by stance
    "InvolvementDenied": "016",        # deny responsibility
    "CriticismVoiced": "111",          # criticize or denounce
    "AmbassadorSummoned": "111",       # criticize or denounce: a formal protest to the envoy
    "AccusationMade": "112",           # accuse
    "PraiseExpressed": "051",          # praise or endorse
    "DemandMade": "100",               # demand (not specified)
    "VoteHeld": "1312",                # threaten to sanction: a chamber passes measures; refined when it fails
    "MeetingHeld": "040",              # consult
    "MeetingPlanned": "036",           # express intent to meet or negotiate
    "MeetingCancelled": "125",         # reject proposal to meet, discuss or negotiate
    "StatementMade": "010",            # make statement
    "StaffingReported": "010",         # make statement: a figure claimed
}

#: IntentStated by stance: intent to retaliate is a threat; restraint and hope are conciliatory comments.
INTENT_CODES = {"retaliate": "130", "reciprocity": "130", "restraint": "013", "hope": "013", "other": "010"}


#: IncidentOccurred by kind.
INCIDENT_CODES = {"poisoning": "185", "assassination": "186", "attack": "180", "cyber-attack": "180",
                  "arrest": "173", "other": "180"}


def code_of(event: ev.Event) -> str | None:
    """The CAMEO code of an event: its ``cameo`` override, else the default for its type (refined by its data);
    None for a record (a baseline, departures that took place), which is not an act.

    >>> import datetime
    >>> from diplosim.core.events import VoteHeld
    >>> v = VoteHeld(id="v", date=datetime.date(2017, 7, 27), actor="USA", target="RUS", chamber="Senate")
    >>> code_of(v), code_of(VoteHeld(id="w", date=v.date, actor="USA", target="RUS", chamber="Senate",
    ...                              passed=False))
    ('1312', '010')
    """
    if event.cameo:
        return event.cameo
    if event.category in ("record", "observation"):  # an observation without a CAMEO code has only a PLOVER type
        return None
    if isinstance(event, ev.IntentStated):
        return INTENT_CODES[event.stance]
    if isinstance(event, ev.VoteHeld) and not event.passed:
        return "010"
    if isinstance(event, ev.IncidentOccurred):
        return INCIDENT_CODES[event.kind]
    return DEFAULT_CODES[event.type]


def coded(event: ev.Event) -> Code | None:
    """The table entry of an event's code (None for a record); an override not in the table is an InputError
    naming the event."""
    code = code_of(event)
    return None if code is None else lookup(code, f"event {event.id}")


def goldstein(event: ev.Event) -> float:
    """The Goldstein score of an event (-10 conflict .. +10 cooperation; 0 for a record, which is no act).

    An observed event (a row of GDELT, ICEWS, POLECAT) has the score its data set gave it where it gave one; else
    its CAMEO code's, else its PLOVER type's (:func:`diplosim.analysis.plover.goldstein_of_type`)."""
    if isinstance(event, ev.EventObserved):
        if event.goldstein is not None:
            return event.goldstein
        if event.cameo is None:
            from .plover import goldstein_of_type
            return goldstein_of_type(event.plover) or 0.0
    c = coded(event)
    return 0.0 if c is None else c.goldstein


def is_act(event: ev.Event) -> bool:
    """Whether event data counts the event as an act (records are not, unless a ``cameo`` override says so;
    observed events always are: they are event data)."""
    return code_of(event) is not None or isinstance(event, ev.EventObserved)


def source_of(event: ev.Event) -> str | None:
    """The source actor in event-data terms: the actor, but for an incident the country suspected of it (None
    when the sources name none)."""
    if isinstance(event, ev.IncidentOccurred):
        return event.suspected
    return event.actor


def target_of(event: ev.Event) -> str | None:
    """The target actor in event-data terms.  A staffing claim with no target is about the other country of the
    mission: a host's claim is about the sending country, anyone else's about the host.  An incident's target is the
    country it happened in."""
    if isinstance(event, ev.IncidentOccurred):
        return event.actor
    if event.target is not None or not isinstance(event, ev.StaffingReported):
        return event.target
    return event.sending if event.actor == event.host else event.host


def _plover(c: Code | None) -> str | None:
    from .plover import type_of_code
    return None if c is None else type_of_code(c.code)


def plover_of(event: ev.Event) -> str | None:
    """The PLOVER event type of an event: an observed event's own (POLECAT codes in PLOVER), else that of its CAMEO
    code in the PLOVER project's table (:mod:`diplosim.analysis.plover`); None for CAMEO 01 and 02 and records."""
    from .plover import type_of_code

    return getattr(event, "plover", None) or type_of_code(code_of(event))


def timeline_json(events: Iterable[ev.Event]) -> list[dict[str, Any]]:
    """The contract of ``diplosim timeline --format json``: one object per event with its code and score.

    >>> from diplosim.core.log import load_log, default_log_path
    >>> first = timeline_json(load_log(default_log_path()).events)[6]
    >>> first["id"], first["cameo"], first["goldstein"], first["quad_class"]
    ('usa-expels-35', '174', -5.0, 4)
    """
    out = []
    for e in events:
        c = coded(e)
        row: dict[str, Any] = {
            "id": e.id, "date": e.date.isoformat(), "date_precision": e.date_precision, "type": e.type,
            "actor": e.actor, "target": target_of(e) if not isinstance(e, ev.IncidentOccurred) else e.target}
        if isinstance(e, ev.EventObserved):
            row.update({"observed": True, "dataset": e.dataset, "plover": e.plover or _plover(c)})
            if c is not None:
                row.update({"cameo": c.code, "cameo_label": c.label, "root_code": c.root})
            row.update({"quad_class": e.quad_class or (c.quad_class if c else None), "goldstein": goldstein(e)})
        elif c is None:
            row["record"] = True  # a baseline or a completed departure: no act, so no code and no score
        else:
            row.update({"cameo": c.code, "cameo_label": c.label, "root_code": c.root, "quad_class": c.quad_class,
                        "goldstein": c.goldstein})
            if isinstance(e, ev.IncidentOccurred):
                row.update({"cameo_source": source_of(e), "cameo_target": target_of(e)})
        row.update({"summary": describe(e), "sources": list(e.sources)})
        if e.generated_by:
            row["generated_by"] = e.generated_by
        out.append(row)
    return out

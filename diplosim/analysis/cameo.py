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


#: The default CAMEO code of each event type.  The reasons are in the README ("CAMEO coding").
DEFAULT_CODES: dict[str, str] = {
    # measures
    "MissionEstablished": "050",       # engage in diplomatic cooperation: keeping a mission (a baseline)
    "StaffAssigned": "050",            # engage in diplomatic cooperation: staffing a mission up
    "DiplomatsExpelled": "174",        # expel or deport individuals (persona non grata), not 166
    "MissionCapped": "172",            # impose administrative sanctions: a ceiling on accredited staff
    "MissionCapLifted": "081",         # ease administrative sanctions
    "PostOpened": "050",               # engage in diplomatic cooperation
    "PostClosed": "161",               # reduce or break diplomatic relations: a consular post shut
    "PropertyRegistered": "050",       # engage in diplomatic cooperation: a property in use (a baseline)
    "PropertyAccessSuspended": "172",  # impose administrative sanctions: use barred, ownership untouched
    "PropertyClosed": "171",           # seize or damage property: shut and taken out of the owner's use
    "PropertySeized": "1711",          # confiscate property
    "PropertyReturned": "0842",        # return, release property
    "SanctionsImposed": "163",         # impose embargo, boycott or sanctions
    "SanctionsLifted": "085",          # ease economic sanctions, boycott, embargo
    # speech acts
    "ProposalMade": "014",             # consider policy option: measures proposed inside a government
    "ProposalDeclined": "013",         # make optimistic comment: restraint announced, not 124
    "ThreatIssued": "1313",            # threaten to reduce or break relations
    "MeasureReported": "014",          # consider policy option: a reported plan
    "IntentStated": "130",             # threaten (not specified); refined by stance
    "InvolvementDenied": "016",        # deny responsibility
    "CriticismVoiced": "111",          # criticize or denounce
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


def code_of(event: ev.Event) -> str:
    """The CAMEO code of an event: its ``cameo`` override, else the default for its type (refined by its data).

    >>> import datetime
    >>> from diplosim.core.events import VoteHeld
    >>> v = VoteHeld(id="v", date=datetime.date(2017, 7, 27), actor="USA", target="RUS", chamber="Senate")
    >>> code_of(v), code_of(VoteHeld(id="w", date=v.date, actor="USA", target="RUS", chamber="Senate",
    ...                              passed=False))
    ('1312', '010')
    """
    if event.cameo:
        return event.cameo
    if isinstance(event, ev.IntentStated):
        return INTENT_CODES[event.stance]
    if isinstance(event, ev.VoteHeld) and not event.passed:
        return "010"
    return DEFAULT_CODES[event.type]


def coded(event: ev.Event) -> Code:
    """The table entry of an event's code; an override not in the table is an InputError naming the event."""
    return lookup(code_of(event), f"event {event.id}")


def goldstein(event: ev.Event) -> float:
    """The Goldstein score of an event (-10 conflict .. +10 cooperation)."""
    return coded(event).goldstein


def target_of(event: ev.Event) -> str | None:
    """The target actor in event-data terms.  A staffing claim with no target is about the other country of the
    mission: a host's claim is about the sending country, anyone else's about the host."""
    if event.target is not None or not isinstance(event, ev.StaffingReported):
        return event.target
    return event.sending if event.actor == event.host else event.host


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
            "actor": e.actor, "target": target_of(e), "cameo": c.code, "cameo_label": c.label,
            "root_code": c.root, "quad_class": c.quad_class, "goldstein": c.goldstein,
            "summary": describe(e), "sources": list(e.sources),
        }
        if e.generated_by:
            row["generated_by"] = e.generated_by
        out.append(row)
    return out

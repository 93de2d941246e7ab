"""The two kinds of failure diplosim reports: bad input (a file, a flag) and a broken domain rule (an event)."""
from __future__ import annotations


def short(value) -> str:
    """A value for a message, cut short: its repr up to 40 characters, or a huge number's size (Python refuses to
    print numbers of more than 4300 digits, and a message is one line).

    >>> short(10 ** 30), short("x" * 50)
    ('a number of about 31 digits', "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…")
    """
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** 20:
        return f"a number of about {int(abs(value).bit_length() * 0.30103) + 1} digits"
    try:
        text = repr(value)
    except (RecursionError, ValueError):
        return f"a {type(value).__name__}"
    return text if len(text) <= 40 else text[:39] + "…"


class DiplosimError(Exception):
    """Base class.  ``str(error)`` is the one line shown to the user."""


class InputError(DiplosimError):
    """Bad input: a malformed file, an unknown name, an impossible number.  ``where`` is ``file:line`` or similar."""

    def __init__(self, message: str, where: str | None = None):
        self.message = message
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


class RuleViolation(DiplosimError):
    """Applying an event would break an invariant of the state model.

    >>> str(RuleViolation("e1", "headcount never negative", "expels 5 of 3"))
    "event e1 breaks rule 'headcount never negative': expels 5 of 3"
    """

    def __init__(self, event_id: str, rule: str, detail: str = ""):
        self.event_id = event_id
        self.rule = rule
        self.detail = detail
        text = f"event {event_id} breaks rule {rule!r}"
        super().__init__(f"{text}: {detail}" if detail else text)


# The rules, named once so tests and messages agree.
NEGATIVE_HEADCOUNT = "headcount never negative"
EXPEL_ABSENT = "no one expelled who is not there"
CAP_NOT_MET = "a cap is met by its deadline"
PROPERTY_TWICE = "a property cannot be closed or seized twice"
RETURN_UNTAKEN = "a property cannot be returned if it was never taken"
DATE_ORDER = "events in a log are in date order"
UNIQUE_IDS = "event ids are unique"
UNKNOWN_MISSION = "a mission must exist before it is acted on"
UNKNOWN_PROPERTY = "a property must be registered before it is acted on"
WRONG_PARTIES = "actor and target must match the mission or property"
DEADLINE_BEFORE_DATE = "a deadline is not before the event's date"
DUPLICATE_MISSION = "a mission is established once"
DUPLICATE_POST = "a post is opened once"
UNKNOWN_POST = "a post must exist before it is closed"
POST_CLOSED_TWICE = "a post cannot be closed twice"
DUPLICATE_PROPERTY = "a property is registered once"
SANCTION_IN_FORCE = "a sanction in force is not imposed again"
SANCTION_ABSENT = "only a sanction in force can be lifted"
CAP_ABSENT = "only a cap in force can be lifted"
RESOLVES_OPEN = "an event resolves only open proposals or threats"
SELF_TARGET = "a country does not act on itself"
EFFECTIVE_BEFORE_DATE = "an effective date is not before the event's date"
EMPTY_RANGE = "a range of staff has its low end at or below its high end"
NOTHING_PENDING = "departures are recorded only for people ordered out"
HEAD_TWICE = "a head of mission is recalled before returning, and once"
CONTACTS_TWICE = "contacts are suspended once, and resumed only when suspended"

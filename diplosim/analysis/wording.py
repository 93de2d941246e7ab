"""Events and figures in words: a one-line description of any event, short forms of its sources for narrow tables,
figures that may be ranges as text (``≥9``, ``~1100``, ``1000–1200``), and tables."""
from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..core import events as ev
from ..core.provenance import is_seed

from ..core.clock import cap_range

if TYPE_CHECKING:  # pragma: no cover
    from ..core.state import Mission, State


def describe(e: ev.Event) -> str:
    """What happened, in one line: the event's own summary, or one built from its fields."""
    if e.summary:
        return e.summary
    t = e.target or ""
    if isinstance(e, ev.EventObserved):
        what = f"CAMEO {e.cameo}" if e.cameo else f"PLOVER {e.plover}"
        return f"{e.dataset} row {e.row_id or '?'}: {e.actor} toward {t}, {what}"
    if isinstance(e, ev.DiplomatsExpelled):
        by = f"to leave by {deadline_text(e.deadline, e.deadline_assumed)}" if e.deadline else "deadline unknown"
        return f"{e.actor} expels {e.count} of {t}'s mission, {by}"
    if isinstance(e, ev.MissionCapped):
        cap = "parity with its own mission" if e.parity else str(e.cap)
        by = f"by {deadline_text(e.deadline, e.deadline_assumed)}" if e.deadline else "deadline unknown"
        return f"{e.actor} caps {t}'s mission at {cap}, {by}"
    if isinstance(e, ev.MissionCapLifted):
        return f"{e.actor} lifts its cap on {t}'s mission"
    if isinstance(e, ev.MissionEstablished):
        return f"{e.actor} has a mission of {_baseline_text(e)} in {t}"
    if isinstance(e, ev.StaffAssigned):
        return f"{e.actor} adds {e.count} staff to its mission in {t}"
    if isinstance(e, ev.PostClosed):
        return f"{e.actor} closes {t}'s {e.post}" + (f", effective {e.effective}" if e.effective else "")
    if isinstance(e, ev.PostOpened):
        return f"{e.actor} opens {e.post.name} in {t}"
    if isinstance(e, ev.PostListed):
        return f"{e.actor} has {e.post.name} in {t}"
    if isinstance(e, ev._PropertyAct):
        verb = {"PropertyAccessSuspended": "bars access to", "PropertyClosed": "closes",
                "PropertySeized": "seizes", "PropertyReturned": "returns"}[e.type]
        return f"{e.actor} {verb} {t}'s property {e.property}" + (f", effective {e.effective}" if e.effective else "")
    if isinstance(e, ev.PropertyRegistered):
        return f"{e.actor} holds {e.name} ({e.kind}) in {t}"
    if isinstance(e, ev.SanctionsImposed):
        n = e.count if e.count is not None else len(e.targets)
        return f"{e.actor} imposes {', '.join(e.measures)} on {n} target(s) of {t}"
    if isinstance(e, ev.SanctionsLifted):
        return f"{e.actor} lifts sanctions on {len(e.targets)} target(s)"
    if isinstance(e, ev.DiplomatsDeparted):
        return f"those {t} ordered out of {e.actor}'s mission by {e.order} have left"
    if isinstance(e, ev.StaffingReported):
        return f"{e.by or e.actor}: {e.sending} mission in {e.host} has {e.qualifier} {e.figure}"
    if isinstance(e, ev.VoteHeld) and e.yes is not None:
        return f"{e.chamber} vote {e.yes}-{e.no}"
    if isinstance(e, ev.IncidentOccurred):
        return f"{e.kind} in {e.actor}" + (f", {e.suspected} suspected" if e.suspected else "")
    return f"{e.type} by {e.actor}" + (f" toward {t}" if t else "")


def _baseline_text(e: ev.MissionEstablished) -> str:
    if e.staff is not None:
        return str(e.staff)
    low, high = e.staff_min or 0, e.staff_max
    if e.staff_min is None and high is None and e.staff_about is None:
        return "unknown size"
    return range_text(low, high, e.staff_about)


def short_source(src: str) -> str:
    """Seed files by their number (``002``), public records abbreviated, pages by their site (``tass.com``): for
    narrow tables."""
    if is_seed(src):
        return src[:3]
    if src.startswith("public record:"):
        return "public record"
    if src.startswith(("http://", "https://")):
        host = urlsplit(src).hostname
        if host:
            return host[4:] if host.startswith("www.") else host
    return src


# --- figures that may be ranges ------------------------------------------------------------------------------------

#: Marks on a mission's staff figure, explained in a legend under the table.
ASSUMED_MARK = "*"
INFERRED_MARK = "†"
LEGEND = {
    ASSUMED_MARK: "assumed: no source gives the figure; the log's author chose it",
    INFERRED_MARK: "inferred: at least what the acts on the mission imply; no source gives its size",
}
MINUS = "\u2212"  # a real minus sign, as in print


def signed(n: int) -> str:
    """``+5``, ``−5``, ``±0``."""
    return f"+{n}" if n > 0 else f"{MINUS}{-n}" if n < 0 else "±0"


def range_text(low: int, high: int | None, about: int | None = None, change: int | None = None) -> str:
    """A figure that may be a range: ``490`` (exact), ``≥9``, ``≤20``, ``1000–1200``, ``?`` (nothing known),
    ``~1100`` (about, no bounds) or ``~1100 (≥1000)`` (about, with bounds).  ``change``, the known net change of a
    figure that is not exact, follows in brackets: ``? (−23)``, ``~48 (≥38, −12)``.

    >>> [range_text(*a) for a in [(490, 490), (9, None), (0, 20), (1000, 1200), (0, None), (0, None, 1100),
    ...                           (1000, None, 1100), (1000, 1200, 1100), (0, None, None, -23), (13, None, None, -13),
    ...                           (38, None, 48, -12), (455, 455, None, -35)]]
    ['490', '≥9', '≤20', '1000–1200', '?', '~1100', '~1100 (≥1000)', '~1100 (1000–1200)', '? (−23)', '≥13 (−13)', '~48 (≥38, −12)', '455']
    """
    if low == high:
        return str(low)
    if high is None:
        bounds = f"≥{low}" if low > 0 else ""
    else:
        bounds = f"≤{high}" if low == 0 else f"{low}–{high}"
    brackets = [bounds] if about is not None and bounds else []
    if change:
        brackets.append(signed(change))
    main = f"~{about}" if about is not None else bounds or "?"
    return main + (f" ({', '.join(brackets)})" if brackets else "")


def staff_text(m: "Mission", marks: bool = True) -> str:
    """A mission's staff as a table shows it: the range, the known change since its baseline when the size is not
    exact (``? (−23)``), and the marks of :data:`LEGEND` (``~58*`` assumed, ``≥13†`` inferred)."""
    return range_text(m.low, m.high, m.about, m.change) + (mission_marks(m) if marks else "")


def staff_words(m: "Mission") -> str:
    """A mission's staff in words for a line of text: ``? → ≥13 (inferred)`` rather than a mark."""
    text = staff_text(m, marks=False)
    notes = (["assumed"] if m.basis == "assumed" else []) + (["inferred"] if _inferred(m) else [])
    return text + (f" ({', '.join(notes)})" if notes else "")


def mission_marks(m: "Mission") -> str:
    return (ASSUMED_MARK if m.basis == "assumed" else "") + (INFERRED_MARK if _inferred(m) else "")


def _inferred(m: "Mission") -> bool:
    """Whether the figure shown rests on the fold's inference (once the people it implied have left, it does not)."""
    return m.inferred and m.low > 0


def staff_basis(m: "Mission") -> str:
    """What the mission's figure rests on; ``inferred`` when nothing was known and the acts implied a bound."""
    return "inferred" if m.basis == "unknown" and m.inferred else m.basis


def legend(marks: str) -> list[str]:
    """The legend lines for the marks that appear in ``marks`` (any text holding them)."""
    return [f"{mark} {LEGEND[mark]}" for mark in LEGEND if mark in marks]


def pending_text(m: "Mission") -> str:
    """People ordered out and not gone yet: ``755``, or a range when some departures are uncertain (``0–40``)."""
    return range_text(m.pending_departures, m.pending_most)


def deadline_text(deadline: datetime.date | None, assumed: bool = False) -> str:
    """``2017-09-01``, ``2017-09-01 (assumed)`` (the log's default), or ``unknown``."""
    if deadline is None:
        return "unknown"
    return deadline.isoformat() + (" (assumed)" if assumed else "")


def next_deadline_text(m: "Mission") -> str | None:
    """The earliest deadline of the mission's pending departures (None: none pending); ``unknown`` when none has
    a known deadline, ``…; unknown`` when some have none."""
    if not m.departures:
        return None
    known = [d for d in m.departures if d.deadline is not None]
    if not known:
        return "unknown"
    first = min(known, key=lambda d: d.deadline)
    text = deadline_text(first.deadline, first.assumed)
    return text + ("; unknown" if len(known) < len(m.departures) else "")


def cap_text(cap: int | None, parity: bool, low: int, high: int | None, about: int | None = None) -> str | None:
    """``455``, ``parity (≥9)``, ``parity (~60, ≥50)`` (the size of the host's own mission, as far as it is known),
    or None."""
    if cap is not None:
        return str(cap)
    if not parity:
        return None
    known = range_text(low, high)
    if about is not None and low != high:
        known = f"~{about}" + (f", {known}" if known != "?" else "")
    return f"parity ({known})"


def mission_cap_text(s: "State", m: "Mission") -> str | None:
    """The cap on ``m`` as the tables show it: its number, or parity with what is known of the mission it follows."""
    if not m.cap_parity:
        return cap_text(m.cap, False, 0, None)
    other = s.missions.get((m.host, m.sending))
    return cap_text(None, True, *cap_range(s, m), other.about if other is not None else None)


def compared_text(value: Any) -> Any:
    """A value of a scenario diff as text: a range (``{"min", "max", "about"}``) as :func:`range_text` writes it,
    a parity cap as :func:`cap_text` does; anything else as it is."""
    if not isinstance(value, dict):
        return value
    if value.get("rule") == "parity":
        return cap_text(None, True, value["min"], value["max"], value.get("about"))
    return range_text(value["min"], value["max"], value.get("about"))


def post_status_text(status: str, effective: datetime.date | str | None) -> str:
    """``open``, ``closed``, ``closing (effective 2017-09-02)``."""
    return f"{status} (effective {effective})" if status == "closing" and effective else status


def property_status_text(status: str, effective: datetime.date | str | None, becomes: str | None) -> str:
    """``seized``, or for an act that takes effect later ``closing → access_suspended on 2017-08-01``."""
    if status == "closing" and effective:
        return f"closing → {becomes} on {effective}"
    return status


def table(rows: list[dict[str, Any]], fmt: str, columns: list[str] | None = None) -> str:
    """Rows as a table (tabulate's ``fmt``: simple, github, html...); None prints as ``-``."""
    from tabulate import tabulate

    if not rows:
        return "(none)"
    columns = columns or list(rows[0])
    data = [[_cell(r.get(c)) for c in columns] for r in rows]
    return tabulate(data, headers=columns, tablefmt=fmt, disable_numparse=True)


def _cell(value: Any) -> Any:
    if value is None:
        return "-"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return value

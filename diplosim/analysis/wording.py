"""Events in words: a one-line description of any event, and short forms of its sources for narrow tables."""
from __future__ import annotations

from urllib.parse import urlsplit

from ..core import events as ev
from ..core.provenance import is_seed


def describe(e: ev.Event) -> str:
    """What happened, in one line: the event's own summary, or one built from its fields."""
    if e.summary:
        return e.summary
    t = e.target or ""
    if isinstance(e, ev.EventObserved):
        what = f"CAMEO {e.cameo}" if e.cameo else f"PLOVER {e.plover}"
        return f"{e.dataset} row {e.row_id or '?'}: {e.actor} toward {t}, {what}"
    if isinstance(e, ev.DiplomatsExpelled):
        return f"{e.actor} expels {e.count} of {t}'s mission, to leave by {e.deadline}"
    if isinstance(e, ev.MissionCapped):
        return f"{e.actor} caps {t}'s mission at {e.cap} by {e.deadline}"
    if isinstance(e, ev.MissionCapLifted):
        return f"{e.actor} lifts its cap on {t}'s mission"
    if isinstance(e, ev.MissionEstablished):
        return f"{e.actor} has a mission of {e.staff} in {t}"
    if isinstance(e, ev.StaffAssigned):
        return f"{e.actor} adds {e.count} staff to its mission in {t}"
    if isinstance(e, ev.PostClosed):
        return f"{e.actor} closes {t}'s {e.post}"
    if isinstance(e, ev.PostOpened):
        return f"{e.actor} opens {e.post.name} in {t}"
    if isinstance(e, ev._PropertyAct):
        verb = {"PropertyAccessSuspended": "bars access to", "PropertyClosed": "closes",
                "PropertySeized": "seizes", "PropertyReturned": "returns"}[e.type]
        return f"{e.actor} {verb} {t}'s property {e.property}"
    if isinstance(e, ev.PropertyRegistered):
        return f"{e.actor} holds {e.name} ({e.kind}) in {t}"
    if isinstance(e, ev.SanctionsImposed):
        return f"{e.actor} imposes {', '.join(e.measures)} on {len(e.targets)} target(s) of {t}"
    if isinstance(e, ev.SanctionsLifted):
        return f"{e.actor} lifts sanctions on {len(e.targets)} target(s)"
    if isinstance(e, ev.StaffingReported):
        return f"{e.by or e.actor}: {e.sending} mission in {e.host} has {e.qualifier} {e.figure}"
    if isinstance(e, ev.VoteHeld) and e.yes is not None:
        return f"{e.chamber} vote {e.yes}-{e.no}"
    return f"{e.type} by {e.actor}" + (f" toward {t}" if t else "")


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

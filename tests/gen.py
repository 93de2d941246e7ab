"""Hypothesis strategies for the core's tests, kept in one place: events with arbitrary field values, valid logs over
N countries (with the generator's own account of what the fold should arrive at), and the invariant check.
"""
from __future__ import annotations

import datetime

import attrs
from hypothesis import strategies as st

from diplosim.core import events as ev
from diplosim.tooling import synthetic
from diplosim.analysis.cameo import table
from diplosim.core.provenance import SEEDS
from diplosim.core.limits import MAX_FIGURE
from diplosim.core.state import PROPERTY_STATUSES, State

# --- arbitrary (but well-formed) field values, for serialise -> parse round trips ----------------------------------

#: Codes the loader accepts: ISO 3166-1 alpha-3 and the extras (Kosovo, the EU, NATO).
CODES = ("USA", "RUS", "GBR", "FRA", "DEU", "CHN", "UKR", "EST", "PRK", "XKX", "EUR", "NATO")

# Any text a UTF-8 file can hold: control characters, quotes, U+2028 and friends included.
text = st.text(st.characters(codec="utf-8"), max_size=30)
nonempty_text = st.text(st.characters(codec="utf-8"), min_size=1, max_size=30)
# check_source() wants something after "public record:" besides spaces
reference = nonempty_text.filter(lambda t: t.strip())
dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2200, 12, 31))
codes = st.sampled_from(CODES)
# figures are bounded by the core's limit (TOML integers are 64-bit, but no mission is a billion strong)
counts = st.integers(min_value=0, max_value=MAX_FIGURE)
sources = st.lists(
    st.one_of(st.sampled_from(sorted(SEEDS)), reference.map(lambda t: "public record: " + t),
              st.sampled_from(["https://example.org/a?b=1", "import: rows.csv:3", "scenario: test"])),
    min_size=1, max_size=3).map(tuple)
optional_text = st.none() | text
figures = st.integers(min_value=0, max_value=MAX_FIGURE)
words = st.lists(text, max_size=3).map(tuple)

def _cameo_codes() -> st.SearchStrategy[str]:
    # the loader accepts only codes of the CAMEO table (an override of the code diplosim would assign)
    return st.sampled_from(sorted(table())) if table() else st.nothing()


_COMMON = {
    "id": nonempty_text, "date": dates, "actor": codes, "target": codes, "summary": text, "by": optional_text,
    "sources": sources, "derived": optional_text, "assumed": optional_text, "disputed": optional_text,
    "date_precision": st.sampled_from(ev.DATE_PRECISIONS), "date_note": optional_text, "note": optional_text,
    "resolves": st.lists(nonempty_text, max_size=2).map(tuple), "cameo": st.none() | _cameo_codes(),
    "generated_by": optional_text,
}

_SPECIFIC = {
    "staff": counts, "count": counts, "cap": counts, "figure": counts, "yes": st.none() | counts,
    "no": st.none() | counts, "deadline": dates, "from_posts": words, "properties": words,
    "participants": words, "posts": st.lists(st.builds(ev.Post, name=nonempty_text,
                                                       kind=st.sampled_from(ev.POST_KINDS)), max_size=3).map(tuple),
    "post": nonempty_text, "property": nonempty_text, "name": nonempty_text,
    "legal_basis": optional_text, "reported_by": optional_text, "stance": st.sampled_from(ev.STANCES),
    "chamber": nonempty_text, "passed": st.booleans(), "place": optional_text, "sending": codes, "host": codes,
    "qualifier": text, "deadline_assumed": st.booleans(), "staff_basis": st.none() | st.sampled_from(ev.STAFF_BASES),
    "effective": st.none() | dates, "law": nonempty_text, "scope": nonempty_text, "order": nonempty_text,
    "kind": st.sampled_from(ev.INCIDENT_KINDS), "suspected": st.none() | codes,
    # observed events (media-coded event data)
    # always a type: an observed event needs a CAMEO code or a PLOVER type, and cameo may be drawn None
    "plover": st.sampled_from(["SANCTION", "COERCE", "ACCUSE", "CONSULT", "CRIME"]),
    "goldstein": st.none() | st.floats(-10, 10, allow_nan=False).map(lambda x: round(x, 1)),
    "mentions": st.none() | counts, "sources_count": st.none() | counts, "articles": st.none() | counts,
    "quad_class": st.none() | st.integers(1, 4), "source_url": optional_text,
    "dataset": st.sampled_from(ev.DATASETS), "row_id": optional_text,
}


def _field(cls: type[ev.Event], a: attrs.Attribute) -> st.SearchStrategy:
    """The strategy for one field of one event class: the class decides where the name alone cannot."""
    name = a.name
    if name == "target" and not cls.needs_target:
        return st.none() | codes
    if name in ("count", "yes", "no") and a.default is None:
        return st.none() | counts
    if name in ("count", "staff") and cls in (ev.StaffAssigned, ev.DiplomatsExpelled):
        return st.integers(min_value=1, max_value=MAX_FIGURE)
    if name == "count" and cls is ev.AccreditationRefused:
        return st.none() | st.integers(min_value=1, max_value=MAX_FIGURE)
    if cls is ev.MissionEstablished and name.startswith("staff"):
        return st.none()  # drawn together by _mission_figures, which keeps them consistent
    if cls is ev.MissionCapped and name in ("cap", "parity"):
        return figures if name == "cap" else st.just(False)  # a number; event_of turns some into parity caps
    if name == "deadline" and a.default is None:
        return st.none() | dates
    if cls is ev.PostListed and name == "post":
        return st.builds(ev.Post, name=nonempty_text, kind=st.sampled_from(ev.POST_KINDS))
    if cls is ev.ForeignAgentDesignated and name == "targets":
        target = st.builds(ev.SanctionTarget, name=nonempty_text, kind=st.sampled_from(ev.TARGET_KINDS),
                           country=st.none() | codes)
        return st.lists(target, min_size=1, max_size=3).map(tuple)
    if cls is ev.PostOpened and name == "post":
        return st.builds(ev.Post, name=nonempty_text, kind=st.sampled_from(ev.POST_KINDS))
    if cls is ev.PropertyRegistered and name == "kind":
        return st.sampled_from(ev.PROPERTY_KINDS)
    if cls is ev.SanctionsImposed and name == "targets":
        target = st.builds(ev.SanctionTarget, name=nonempty_text, kind=st.sampled_from(ev.TARGET_KINDS),
                           country=st.none() | codes)
        return st.lists(target, min_size=1, max_size=3).map(tuple)
    if name in ("targets", "measures"):
        return st.lists(nonempty_text, min_size=1 if cls is ev.SanctionsImposed or name == "targets" else 0,
                        max_size=3).map(tuple)
    if name in _COMMON:
        return _COMMON[name]
    return _SPECIFIC[name]


def event_of(cls: type[ev.Event]) -> st.SearchStrategy[ev.Event]:
    """Events of one class, every field drawn (``st.builds`` on the attrs class)."""
    base = st.builds(cls, **{a.name: _field(cls, a) for a in attrs.fields(cls)})
    if cls is ev.MissionEstablished:
        return st.tuples(base, _mission_figures()).map(lambda pair: attrs.evolve(pair[0], **pair[1]))
    if cls is ev.MissionCapped:
        return st.tuples(base, st.booleans()).map(
            lambda pair: attrs.evolve(pair[0], cap=None, parity=True) if pair[1] else pair[0])
    if cls is ev.SanctionsImposed:
        return st.tuples(base, st.none() | st.integers(0, 5)).map(
            lambda pair: pair[0] if pair[1] is None else attrs.evolve(pair[0], count=len(pair[0].targets) + pair[1]))
    return base


@st.composite
def _mission_figures(draw) -> dict:
    """A baseline's size: exact, at least, at most, between, about (with or without bounds), or unknown."""
    kind = draw(st.sampled_from(["exact", "at_least", "at_most", "between", "about", "unknown"]))
    out: dict = {"staff_basis": draw(st.none() | st.sampled_from(ev.STAFF_BASES))}
    if kind == "exact":
        out["staff"] = draw(figures)
    elif kind == "between":
        low, high = sorted((draw(figures), draw(figures)))
        out.update(staff_min=low, staff_max=high)
    elif kind == "at_least":
        out["staff_min"] = draw(figures)
    elif kind == "at_most":
        out["staff_max"] = draw(figures)
    elif kind == "about":
        out["staff_about"] = draw(figures)
    return out



def any_event() -> st.SearchStrategy[ev.Event]:
    return st.one_of([event_of(cls) for cls in ev.EVENT_TYPES.values()])


# --- valid logs ------------------------------------------------------------------------------------------------------


@st.composite
def worlds(draw, max_events: int = 60, min_countries: int = 2, max_countries: int = 4):
    """``(events, world)``: a valid log drawn by the synthetic generator from a hypothesis-controlled Random, and the
    generator's own book (what each mission has left, property statuses, sanctions, open items) to check the fold
    against.  Mostly the EDGE profile (tiny missions, short deadlines, crowded days), sometimes the realistic one."""
    n = draw(st.integers(0, max_events))
    k = draw(st.integers(min_countries, max_countries))
    profile = draw(st.sampled_from([synthetic.EDGE, synthetic.EDGE, synthetic.REALISTIC]))
    rng = draw(st.randoms(use_true_random=False))
    world = synthetic.SyntheticWorld(rng, synthetic.countries(k), profile=profile,
                                     start=draw(st.dates(datetime.date(1950, 1, 1), datetime.date(2050, 1, 1))))
    return list(world.events(n)), world


def valid_logs(**kwargs) -> st.SearchStrategy[list[ev.Event]]:
    return worlds(**kwargs).map(lambda pair: pair[0])


# --- the invariants, checked on any state -----------------------------------------------------------------------------


def check_invariants(s: State) -> None:
    """Assert every invariant of the state model on ``s`` (as seen at ``s.as_of``)."""
    for (sending, host), m in s.missions.items():
        where = f"{sending} mission in {host}"
        assert (m.sending, m.host) == (sending, host) and sending != host, where
        assert m.staff >= m.pending_departures >= 0, f"{where}: staff {m.staff}, pending {m.pending_departures}"
        assert all(d.count > 0 for d in m.departures), f"{where}: empty departure {m.departures}"
        if s.as_of is not None:
            assert all(d.deadline >= s.as_of for d in m.departures), f"{where}: a passed deadline is still pending"
        if m.cap is not None:
            assert m.staff - m.pending_departures <= m.cap, f"{where}: {m.staff - m.pending_departures} stay, cap {m.cap}"
            if s.as_of is not None and m.cap_deadline < s.as_of:
                assert m.staff <= m.cap, f"{where}: {m.staff} after the cap deadline {m.cap_deadline}, cap {m.cap}"
        for name, p in m.posts.items():
            assert p.name == name and p.status in ("open", "closed"), f"{where}: post {p}"
    for pid, p in s.properties.items():
        assert p.id == pid and p.status in PROPERTY_STATUSES and p.owner != p.host, f"property {p}"
    for (imposer, target), x in s.sanctions.items():
        assert x.imposer == imposer and x.target == target, x
        assert x.measures and len(set(x.measures)) == len(x.measures), f"sanction {x}"
    resolved = {r.event_id for r in s.resolved}
    assert not resolved & set(s.open_items), f"resolved items still open: {resolved & set(s.open_items)}"
    if s.seen_ids is not None:
        assert len(s.seen_ids) == s.events_applied

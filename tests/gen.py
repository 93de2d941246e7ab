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

# Any name a log accepts: whatever a UTF-8 file can hold but control characters (a line break or a tab would split a
# row of a table or an export: the loader refuses them in names and ids); quotes, U+2028 and friends included.
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cc",)), max_size=30)
nonempty_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cc",)), min_size=1, max_size=30)
# Free text (summary, notes) may hold any character a UTF-8 file can but NUL: control characters, line breaks
free_text = st.text(st.characters(codec="utf-8", blacklist_characters="\x00"), max_size=30)
optional_free_text = st.none() | free_text
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
    "id": nonempty_text, "date": dates, "actor": codes, "target": codes, "summary": free_text, "by": optional_text,
    "sources": sources, "derived": optional_free_text, "assumed": optional_free_text,
    "disputed": optional_free_text, "date_precision": st.sampled_from(ev.DATE_PRECISIONS),
    "date_note": optional_free_text, "note": optional_free_text,
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
    if name == "count" and cls is ev.SanctionsImposed:
        return st.none()  # event_of sets it to the number of targets named, or more
    if name == "count" and cls is ev.AccreditationRefused:
        return st.none() | st.integers(min_value=1, max_value=MAX_FIGURE)
    if name in ("count", "yes", "no") and a.default is None:
        return st.none() | counts
    if name in ("count", "staff") and cls in (ev.StaffAssigned, ev.DiplomatsExpelled):
        return st.integers(min_value=1, max_value=MAX_FIGURE)
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


# --- logs drawn act by act, without a book: whatever the fold accepts ----------------------------------------------

RAW_COUNTRIES = ("USA", "RUS", "GBR")


@st.composite
def _raw_event(draw, n: int, day: datetime.date, earlier: list[ev.Event], exact: bool) -> ev.Event:
    """One act on the figures of the missions among RAW_COUNTRIES, with small numbers and near deadlines."""
    sending, host = draw(st.permutations(RAW_COUNTRIES))[:2]
    base = {"id": f"r{n}", "date": day, "generated_by": "raw"}
    later = st.none() | st.integers(0, 6).map(lambda k: day + datetime.timedelta(days=k))
    kind = draw(st.sampled_from(["establish", "expel", "expel", "expel", "cap", "cap", "lift", "assign", "departed"]))
    if kind == "establish":
        figure = {"staff": draw(st.integers(0, 15))}
        if not exact and draw(st.booleans()):
            figure = _figure_fields(*draw(range_around(figure["staff"], figure["staff"])))
        return ev.MissionEstablished(**base, actor=sending, target=host, **figure)
    if kind == "expel":
        return ev.DiplomatsExpelled(**base, actor=host, target=sending, count=draw(st.integers(1, 8)),
                                    deadline=draw(later))
    if kind == "cap":
        parity = not exact and draw(st.booleans())
        return ev.MissionCapped(**base, actor=host, target=sending, cap=None if parity else draw(st.integers(0, 15)),
                                parity=parity, deadline=draw(later) if not exact else draw(later.filter(bool)))
    if kind == "lift":
        return ev.MissionCapLifted(**base, actor=host, target=sending)
    if kind == "assign":
        return ev.StaffAssigned(**base, actor=sending, target=host, count=draw(st.integers(1, 5)))
    orders = [e for e in earlier if isinstance(e, (ev.DiplomatsExpelled, ev.MissionCapped))]
    if not orders:
        return ev.StatementMade(**base, actor=sending, target=host)
    order = draw(st.sampled_from(orders))
    return ev.DiplomatsDeparted(**base, actor=order.target, target=order.actor, order=order.id)


@st.composite
def raw_logs(draw, max_events: int = 40, exact: bool = False) -> list[ev.Event]:
    """A valid log drawn act by act among three countries: each act is kept if the fold accepts it, so the log goes
    wherever the rules allow (no generator's book decides what is legal).  ``exact``: baselines and caps exact, with
    deadlines (as a log without uncertain figures)."""
    from diplosim.core.errors import RuleViolation
    from diplosim.core.fold import apply_in_place

    s = State()
    day = datetime.date(2018, 1, 1)
    out: list[ev.Event] = []
    for n in range(draw(st.integers(0, max_events), label="events")):
        day += datetime.timedelta(days=draw(st.integers(0, 3) | st.integers(4, 20), label="days"))
        e = draw(_raw_event(n, day, out, exact))
        trial = s.copy()
        try:
            apply_in_place(trial, e)
        except RuleViolation:
            continue
        s = trial
        out.append(e)
    return out


# --- uncertain versions of valid logs ---------------------------------------------------------------------------------


def _figure_fields(low: int, high: int | None, about: int | None = None) -> dict:
    """The fields of MissionEstablished for a size between ``low`` and ``high`` (None: no upper bound)."""
    if high is not None and low == high and about is None:
        return {"staff": low}
    out: dict = {}
    if low:
        out["staff_min"] = low
    if high is not None:
        out["staff_max"] = high
    if about is not None:
        out["staff_about"] = about
    return out


@st.composite
def range_around(draw, low: int, high: int | None) -> tuple[int, int | None]:
    """A range that holds ``[low, high]``: wider at either end, or open above."""
    # mostly a little wider (the bounds that bind), sometimes much wider
    wider_low = max(0, low - draw(st.integers(0, 2) | st.integers(0, low), label="lower by"))
    if draw(st.booleans(), label="open above") or high is None:
        return wider_low, None
    return wider_low, high + draw(st.integers(0, 2) | st.integers(0, 30), label="higher by")


@st.composite
def uncertain_figure(draw, staff: int) -> dict:
    """The fields of a baseline whose size is uncertain but holds ``staff``: at least, at most, between, about (with
    or without bounds) or unknown."""
    kind = draw(st.sampled_from(["at_least", "at_most", "between", "about", "about_between", "unknown"]),
                label="figure")
    low, high = draw(range_around(staff, staff))
    if kind == "at_least":
        return _figure_fields(low, None)
    if kind == "at_most":
        return _figure_fields(0, staff + draw(st.integers(0, 30)))
    if kind == "between":
        return _figure_fields(low, high if high is not None and high > low else low + 1 + staff)
    if kind == "about":
        return {"staff_about": max(0, staff + draw(st.integers(-20, 20), label="about"))}
    if kind == "about_between":
        return _figure_fields(low, high, about=staff)
    return {}


@st.composite
def widened(draw, events: list[ev.Event], nested: bool = False):
    """``events`` with some baselines made less certain: each exact one replaced by a range that holds it, each range
    by a wider one.  With ``nested``, ``(tighter, looser)``: two such versions, the first within the second."""
    tight, loose = [], []
    for e in events:
        if not isinstance(e, ev.MissionEstablished) or not draw(st.integers(0, 3), label="widen this one"):
            tight.append(e)
            loose.append(e)
            continue
        low, high = (e.staff, e.staff) if e.staff is not None else (e.staff_min or 0, e.staff_max)
        if nested:
            t_low, t_high = draw(range_around(low, high))
            tight.append(_refigured(e, _figure_fields(t_low, t_high)))
            low, high = t_low, t_high
        else:
            tight.append(e)
        if e.staff is not None and not nested:
            fields = draw(uncertain_figure(e.staff))
        else:
            fields = _figure_fields(*draw(range_around(low, high)))
        loose.append(_refigured(e, fields))
    return (tight, loose) if nested else loose


def _refigured(e: ev.MissionEstablished, fields: dict) -> ev.MissionEstablished:
    return attrs.evolve(e, **{"staff": None, "staff_min": None, "staff_max": None, "staff_about": None, **fields})


# --- the invariants, checked on any state -----------------------------------------------------------------------------


def check_invariants(s: State) -> None:
    """Assert every invariant of the state model on ``s`` (as seen at ``s.as_of``)."""
    for (sending, host), m in s.missions.items():
        where = f"{sending} mission in {host}"
        assert (m.sending, m.host) == (sending, host) and sending != host, where
        assert 0 <= m.low and (m.high is None or m.low <= m.high), f"{where}: range [{m.low}, {m.high}]"
        assert m.staff == (m.low if m.low == m.high else None), f"{where}: staff {m.staff}"
        assert m.about is None or (m.low <= m.about and (m.high is None or m.about <= m.high)), f"{where}: {m}"
        assert m.basis in ev.STAFF_BASES and (m.implicit is None or m.basis == "unknown"), f"{where}: {m}"
        assert m.head in (None, "present", "recalled"), f"{where}: head {m.head}"
        assert 0 <= m.pending_departures <= m.low, f"{where}: [{m.low}, {m.high}], pending {m.pending_departures}"
        most = m.pending_most
        assert most is None or most >= m.pending_departures, f"{where}: pending most {most}"
        for d in m.departures:
            assert d.reason in ("expelled", "cap"), f"{where}: {d}"
            if d.exact:
                assert d.count > 0 and d.upto is None and d.on_top == 0, f"{where}: {d}"
            else:
                assert d.count >= 0 and (d.upto is None or d.upto >= d.count), f"{where}: {d}"
            assert d.on_top >= 0 and (d.on_top == 0 or d.reason == "cap"), f"{where}: {d}"
            if s.as_of is not None and d.deadline is not None:
                assert d.deadline >= s.as_of, f"{where}: a passed deadline is still pending: {d}"
        assert not (m.cap is not None and m.cap_parity), f"{where}: a number and parity"
        if m.cap is None and not m.cap_parity:
            assert m.cap_deadline is None and m.cap_event is None, f"{where}: {m}"
        else:
            assert m.cap_event is not None, f"{where}: {m}"
        if m.cap is not None:
            assert m.remaining()[0] <= m.cap, f"{where}: at least {m.remaining()[0]} stay, cap {m.cap}"
            if s.as_of is not None and m.cap_deadline is not None and m.cap_deadline < s.as_of:
                assert m.low <= m.cap, f"{where}: {m.low} after the cap deadline {m.cap_deadline}, cap {m.cap}"
        for name, p in m.posts.items():
            assert p.name == name and p.status in ("open", "closing", "closed"), f"{where}: post {p}"
            if p.status == "closing":
                assert p.effective is not None and (s.as_of is None or p.effective > s.as_of), f"{where}: {p}"
                assert (p.effective, "post", p.event_id, sending, host, name) in s.effects, f"{where}: {p}"
            else:
                assert p.effective is None, f"{where}: {p}"
    for pid, p in s.properties.items():
        assert p.id == pid and p.status in PROPERTY_STATUSES and p.owner != p.host, f"property {p}"
        if p.status == "closing":
            assert p.becomes in ("access_suspended", "closed", "seized", "returned"), f"property {p}"
            assert p.effective is not None and (s.as_of is None or p.effective > s.as_of), f"property {p}"
            assert (p.effective, "property", p.event_id, pid, "", "") in s.effects, f"property {p}"
        else:
            assert p.effective is None and p.becomes is None, f"property {p}"
    for (imposer, target), x in s.sanctions.items():
        assert x.imposer == imposer and x.target == target, x
        assert x.measures and len(set(x.measures)) == len(x.measures), f"sanction {x}"
        assert len(set(x.authorities)) == len(x.authorities), f"sanction {x}"
        assert x.legal_basis is None or x.legal_basis in x.authorities, f"sanction {x}"
    for d in s.designations:
        assert d.count > 0 and d.measures and d.imposer != d.target_country, f"designation {d}"
    for (actor, target), c in s.contacts.items():
        assert (c.actor, c.target) == (actor, target) and actor != target, f"contacts {c}"
    resolved = {r.event_id for r in s.resolved}
    assert not resolved & set(s.open_items), f"resolved items still open: {resolved & set(s.open_items)}"
    if s.seen_ids is not None:
        assert len(s.seen_ids) == s.events_applied

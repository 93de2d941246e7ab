"""A state cut down to some countries: what a reader asks of a record of thirty (the US and Russia; Russia and
everyone it dealt with).  A view over the same records, for projections to draw; nothing is recomputed."""
from __future__ import annotations

from typing import Iterable

from ..core.state import State


def restrict(s: State, codes: Iterable[str]) -> State:
    """``s`` with only what involves ``codes``: with one code, every record it is a party to; with several, the
    records between them (both parties among the codes).

    >>> from diplosim.core.fold import fold
    >>> from diplosim.core.log import load_log, default_log_path
    >>> s = fold(load_log(default_log_path()).events)
    >>> sorted(restrict(s, ["USA", "RUS"]).missions)
    [('RUS', 'USA'), ('USA', 'RUS')]
    """
    codes = set(codes)

    def keep(*parties: str | None) -> bool:
        present = [p for p in parties if p is not None]
        if len(codes) == 1:
            return bool(codes & set(present))
        return bool(present) and set(present) <= codes

    out = State(as_of=s.as_of, countries=set(s.countries) & codes if len(codes) > 1 else set(s.countries),
                events_applied=s.events_applied, last_date=s.last_date, last_event=s.last_event, seen_ids=None)
    out.missions = {k: m for k, m in s.missions.items() if keep(m.sending, m.host)}
    out.properties = {k: p for k, p in s.properties.items() if keep(p.owner, p.host)}
    out.sanctions = {k: x for k, x in s.sanctions.items() if keep(x.imposer, x.target_country)}
    out.designations = [x for x in s.designations if keep(x.imposer, x.target_country)]
    out.contacts = {k: c for k, c in s.contacts.items() if keep(c.actor, c.target)}
    out.open_items = {k: o for k, o in s.open_items.items() if keep(o.actor, o.target)}
    out.claims = [c for c in s.claims if keep(c.sending, c.host)]
    out.resolved = list(s.resolved)
    return out

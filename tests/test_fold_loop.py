"""The fold's loop (fold._run, the hot path) does exactly what applying the events one by one does."""
from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from diplosim.core.errors import RuleViolation
from diplosim.core.fold import apply_in_place, fold, settle
from diplosim.core.state import State
from diplosim.tooling.synthetic import EDGE, generate


def one_by_one(events, until=None):
    s = State()
    for e in events:
        if until is not None and e.date > until:
            break
        apply_in_place(s, e)
    if until is not None:
        settle(s, until)
        s.as_of = until
    else:
        s.as_of = s.last_date
    return s


@given(st.integers(0, 10_000), st.integers(1, 300), st.data())
def test_the_loop_equals_apply_in_place_event_by_event(seed, n, data):
    events = list(generate(n, n_countries=4, seed=seed, profile=EDGE))
    until = data.draw(st.sampled_from([None] + [e.date for e in events]))
    assert fold(events, until=until) == one_by_one(events, until)


@given(st.integers(0, 10_000), st.integers(2, 120), st.data())
def test_the_loop_breaks_the_same_rule_at_the_same_event(seed, n, data):
    events = list(generate(n, n_countries=3, seed=seed, profile=EDGE))
    i = data.draw(st.integers(1, len(events) - 1))
    broken = events[:i] + [attrs.evolve(events[i], id=events[0].id)] + events[i + 1:]  # a duplicate id
    with pytest.raises(RuleViolation) as a:
        fold(broken)
    with pytest.raises(RuleViolation) as b:
        one_by_one(broken)
    assert (a.value.event_id, a.value.rule) == (b.value.event_id, b.value.rule)

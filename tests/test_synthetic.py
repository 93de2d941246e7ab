"""The synthetic log generator: valid under the fold for any seed, the same log for the same seed, any size, every
event type, realistic proportions, real country codes, and lazy."""
from __future__ import annotations

import collections
import inspect
import itertools

import pytest
from gen import check_invariants
from hypothesis import given
from hypothesis import strategies as st

from diplosim.core import countries
from diplosim.core import events as ev
from diplosim.core.fold import fold
from diplosim.core.log import check_event, dumps_jsonl, dumps_toml, parse_jsonl, parse_toml
from diplosim.tooling.synthetic import EDGE, REALISTIC, generate
from diplosim.tooling.synthetic import countries as synthetic_countries


@given(seed=st.integers(0, 2**64), n=st.integers(0, 300), k=st.integers(2, 12),
       profile=st.sampled_from([REALISTIC, EDGE]))
def test_any_seed_gives_a_log_that_folds_without_a_violation(seed, n, k, profile):
    events = list(generate(n, n_countries=k, seed=seed, profile=profile))
    s = fold(events)
    assert s.events_applied == n
    check_invariants(s)


@given(seed=st.integers(0, 2**64), profile=st.sampled_from([REALISTIC, EDGE]))
def test_same_seed_same_log_and_a_longer_log_extends_a_shorter_one(seed, profile):
    a = list(generate(150, n_countries=5, seed=seed, profile=profile))
    assert a == list(generate(150, n_countries=5, seed=seed, profile=profile))
    assert list(generate(60, n_countries=5, seed=seed, profile=profile)) == a[:60]


def test_different_seeds_give_different_logs():
    logs = {tuple(generate(100, n_countries=5, seed=seed)) for seed in range(5)}
    assert len(logs) == 5


@pytest.mark.parametrize("n", [0, 1, 2, 17, 1000, 30000])
def test_logs_of_several_sizes(n):
    events = list(generate(n, seed=n))
    assert len(events) == n
    assert len({e.id for e in events}) == n
    assert all(a.date <= b.date for a, b in zip(events, events[1:]))
    assert fold(events).events_applied == n


def test_a_large_log_covers_every_event_type():
    seen = {e.type for e in generate(4000, n_countries=6, seed=11)}
    # every type of a log's author: observed events come from event-data files (diplosim import-data), not logs
    assert seen == {n for n, c in ev.EVENT_TYPES.items() if c.category != "observation"}


def test_proportions_are_realistic():
    counts = collections.Counter(e.type for e in generate(20000, seed=3))
    speech = sum(n for t, n in counts.items() if ev.EVENT_TYPES[t].category == "speech")
    assert speech + counts["DiplomatsExpelled"] > 0.75 * 20000
    measures = {t: n for t, n in counts.items() if ev.EVENT_TYPES[t].category == "measure"}
    assert max(measures, key=measures.get) == "DiplomatsExpelled"
    rarer = ["MissionCapped", "PropertySeized", "PropertyClosed", "SanctionsImposed", "SanctionsLifted"]
    assert all(counts[t] < counts["DiplomatsExpelled"] / 4 for t in rarer)
    assert all(counts[t] > 0 for t in rarer)


def test_realistic_logs_hold_uncertain_figures_and_the_acts_of_real_crises_now_and_then():
    events = list(generate(20000, seed=3))
    counts = collections.Counter(e.type for e in events)
    baselines = [e for e in events if isinstance(e, ev.MissionEstablished)]
    uncertain = [e for e in baselines if e.staff is None]
    assert 0.1 < len(uncertain) / len(baselines) < 0.5
    assert {"staff_min", "staff_max", "staff_about"} <= {k for e in uncertain for k in ("staff_min", "staff_max",
                                                                                      "staff_about") if getattr(e, k)}
    expulsions = [e for e in events if isinstance(e, ev.DiplomatsExpelled)]
    assert 0 < sum(e.deadline is None for e in expulsions) < 0.1 * len(expulsions)
    caps = [e for e in events if isinstance(e, ev.MissionCapped)]
    assert any(e.parity for e in caps) and any(e.deadline is None for e in caps)
    assert any(getattr(e, "effective", None) for e in events)
    assert any(isinstance(e, ev.SanctionsImposed) and e.count for e in events)
    s = fold(events)
    assert any(m.implicit for m in s.missions.values()) and s.designations
    # the new acts and records are rare beside expulsions
    new = ("PostListed", "ForeignAgentDesignated", "LawEnacted", "AccreditationRefused", "AmbassadorRecalled",
           "AmbassadorReturned", "ContactsSuspended", "ContactsResumed", "IncidentOccurred")
    assert all(0 < counts[t] < counts["DiplomatsExpelled"] / 20 for t in new)


@pytest.mark.parametrize("k", [2, 20, 60])
def test_countries_are_real_codes_and_all_take_part(k):
    events = list(generate(6000, n_countries=k, seed=k))
    used = {e.actor for e in events} | {e.target for e in events if e.target}
    assert used == set(synthetic_countries(k))
    assert all(countries.is_known(c) for c in used)


def test_country_count_limits():
    with pytest.raises(ValueError):
        next(generate(5, n_countries=1))
    with pytest.raises(ValueError):
        next(generate(5, n_countries=10_000))


def test_generated_events_pass_the_loaders_checks_and_round_trip():
    events = list(generate(600, n_countries=8, seed=5))
    for e in events:
        check_event(e)
        assert e.generated_by == "synthetic seed=5" and not e.sources
    assert parse_jsonl(dumps_jsonl(events)).events == tuple(events)
    assert parse_toml(dumps_toml(events)).events == tuple(events)


def test_it_streams():
    stream = generate(10**12, seed=1)
    assert inspect.isgenerator(stream)
    first = list(itertools.islice(stream, 5))
    assert first == list(generate(5, seed=1))


@pytest.mark.parametrize("profile", [REALISTIC, EDGE], ids=["realistic", "edge"])
def test_a_log_longer_than_the_calendar_stays_inside_it(profile):
    """Ten million events from 1990 would run past the last day diplosim keeps (a generated deadline in year 3000
    stopped the bench's largest log): started a few years before that day, the log stays inside the calendar,
    every date, deadline and effective date a valid one, and it still folds."""
    import datetime

    start = ev.MAX_DATE - datetime.timedelta(days=1200)
    events = list(generate(30_000, n_countries=4, seed=5, profile=profile, start=start))
    last = max(e.date for e in events)
    assert last >= ev.MAX_DATE - datetime.timedelta(days=1100)  # the calendar did reach its stop
    assert fold(events).events_applied == len(events)

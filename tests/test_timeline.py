"""A timeline's state at a date is the fold's state at that date, whatever checkpoint it starts from."""
from __future__ import annotations

import datetime

import attrs
from gen import raw_logs
from hypothesis import given
from hypothesis import strategies as st

from diplosim.core.events import DiplomatsExpelled, MissionCapped, MissionEstablished
from diplosim.core.fold import apply_all_in_place, fold
from diplosim.core.log import default_log_path, load_log
from diplosim.tooling.synthetic import EDGE, REALISTIC, generate
from diplosim.core.timeline import Timeline, states_at

TABLES = ("missions", "properties", "sanctions", "open_items", "contacts", "designations")


def assert_same(got, want):
    assert got == want
    for name in TABLES:  # the order of every table too: projections list some of them as the fold inserted them
        assert list(getattr(got, name)) == list(getattr(want, name)), name
    for key, m in want.missions.items():
        assert list(got.missions[key].posts) == list(m.posts)


def dates_around(events, data):
    first, last = events[0].date, events[-1].date
    day = datetime.timedelta(days=1)
    return data.draw(st.lists(st.sampled_from([first - day, last + 40 * day] + [e.date for e in events]),
                              min_size=1, max_size=8))


@given(st.integers(0, 10_000), st.integers(1, 400), st.integers(1, 40), st.integers(1, 5),
       st.sampled_from([EDGE, REALISTIC]), st.data())
def test_a_timeline_answers_what_the_fold_until_that_date_answers(seed, n, every, keyframes, profile, data):
    events = list(generate(n, n_countries=4, seed=seed, profile=profile))
    t = Timeline(events, every=every, keyframe_every=keyframes)
    for d in dates_around(events, data):
        assert_same(t.at(d), fold(events, until=d, check_ids=False))


@given(st.integers(0, 10_000), st.integers(1, 400), st.data())
def test_a_timeline_of_a_log_with_every_kind_of_uncertain_figure_answers_what_the_fold_answers(seed, n, data):
    """The EDGE profile draws many ranges, implicit missions, departures without deadline and recorded, parity caps,
    closures that take effect later, contacts, heads of mission and counted sanctions."""
    events = list(generate(n, n_countries=3, seed=seed, profile=EDGE))
    t = Timeline(events, every=data.draw(st.integers(1, 12)), keyframe_every=data.draw(st.integers(1, 4)))
    for d in dates_around(events, data):
        assert_same(t.at(d), fold(events, until=d, check_ids=False))


@given(raw_logs(), st.integers(1, 6), st.integers(1, 3), st.data())
def test_a_timeline_of_a_log_drawn_act_by_act_answers_what_the_fold_answers(events, every, keyframes, data):
    if not events:
        return
    t = Timeline(events, every=every, keyframe_every=keyframes)
    for d in dates_around(events, data):
        assert_same(t.at(d), fold(events, until=d, check_ids=False))


def test_the_edge_profile_draws_every_feature_a_timeline_must_carry():
    """What the test above relies on: the logs it draws hold each of these."""
    events = list(generate(3000, n_countries=3, seed=1, profile=EDGE))
    s = fold(events)
    assert s.contacts and s.designations and any(x.authorities[1:] for x in s.sanctions.values())
    assert {"DiplomatsDeparted", "ContactsResumed", "AmbassadorReturned", "PostListed"} <= {e.type for e in events}
    assert any(getattr(e, "effective", None) for e in events)
    assert any(isinstance(e, MissionCapped) and e.parity for e in events)
    assert any(m.implicit for m in s.missions.values())
    assert any(isinstance(e, MissionEstablished) and e.staff is None for e in events)


@given(st.integers(0, 10_000), st.integers(20, 200), st.data())
def test_changing_a_returned_state_changes_no_later_answer(seed, n, data):
    events = list(generate(n, n_countries=3, seed=seed, profile=EDGE))
    t = Timeline(events, every=7, keyframe_every=3)
    d = data.draw(st.sampled_from([e.date for e in events]))
    s = t.at(d)
    apply_all_in_place(s, [e for e in events if e.date > d])  # the caller folds on: records are replaced
    for m in s.missions.values():  # and changes its missions by hand
        m.low += 1
        m.high = None
        m.about = m.cap = None
        m.departures.clear()
        m.posts.clear()
    s.open_items.clear()
    assert_same(t.at(d), fold(events, until=d, check_ids=False))


def test_the_real_log_around_the_september_deadline():
    log = load_log(default_log_path())
    t = Timeline(log, every=3, keyframe_every=2)
    for day in range(1, 4):
        d = datetime.date(2017, 9, day)
        assert_same(t.at(d), fold(log, until=d, check_ids=False))
    assert t.at(datetime.date(2017, 9, 1)).missions["USA", "RUS"].staff == 1210
    assert t.at(datetime.date(2017, 9, 2)).missions["USA", "RUS"].staff == 455
    assert t.at("2017-09-02") == t.at(datetime.date(2017, 9, 2))  # an ISO date, as history.at takes


def test_an_empty_log_has_an_empty_state_at_any_date():
    d = datetime.date(2020, 5, 1)
    assert_same(Timeline([]).at(d), fold([], until=d, check_ids=False))


def test_building_a_timeline_applies_the_rules_of_the_fold():
    events = list(generate(30, n_countries=3, seed=2))
    broken = events + [attrs.evolve(events[-1], id=events[0].id)]  # a repeated id
    import pytest

    from diplosim.core.errors import RuleViolation
    with pytest.raises(RuleViolation) as err:
        Timeline(broken, every=4)
    assert err.value.event_id == events[0].id


def test_states_at_equals_a_fold_per_date():
    events = list(generate(3000, n_countries=6, seed=5))
    dates = [events[i].date for i in (0, 999, 1000, 2500, 2999)]
    assert states_at(events, dates, every=500) == [fold(events, until=d, check_ids=False) for d in dates]


@given(st.permutations(["A", "B", "C"]), st.integers(1, 6))
def test_a_sanction_lifted_and_imposed_again_goes_where_the_fold_puts_it(names, every):
    from diplosim.core.events import SanctionsImposed, SanctionsLifted, SanctionTarget

    d = datetime.date(2020, 1, 1)

    def impose(i, *who):
        return SanctionsImposed(id=f"i{i}", date=d, actor="USA", target="RUS", measures=("asset freeze",),
                                targets=tuple(SanctionTarget(name=w, kind="person") for w in who))

    events = [impose(0, *names), SanctionsLifted(id="l1", date=d, actor="USA", target="RUS", targets=(names[0],)),
              impose(2, "D"), impose(3, names[0]),
              SanctionsLifted(id="l4", date=d, actor="USA", target="RUS", targets=(names[1],),
                              measures=("asset freeze",)),
              impose(5, names[1], "E")]
    t = Timeline(events, every=every, keyframe_every=2)
    assert_same(t.at(d), fold(events, until=d, check_ids=False))


def test_a_store_stream_read_into_a_timeline_answers_what_state_at_answers(tmp_path):
    from diplosim.store import open_store

    events = list(generate(2500, n_countries=5, seed=11))
    with open_store(tmp_path / "s.db", snapshot_every=400) as store:
        store.append("s", events)
        t = store.timeline("s", every=300)
        for i in (0, 399, 400, 1234, 2499):
            d = events[i].date
            assert_same(t.at(d), store.state_at("s", d))


def test_bad_arguments_are_input_errors_naming_what_is_wrong():
    import pytest

    from diplosim.core.errors import InputError
    log = load_log(default_log_path())
    with pytest.raises(InputError, match="every must be a positive whole number, got 0"):
        Timeline(log, every=0)
    with pytest.raises(InputError, match="not a date: '2017-13-01'"):
        Timeline(log).at("2017-13-01")

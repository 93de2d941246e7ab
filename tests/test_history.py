"""history(log): the state at each event date and deadline passage, equal to the fold at any date."""
from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st

from conftest import REAL_LOG, d
from diplosim.tooling import synthetic
from diplosim.core.fold import fold
from diplosim.analysis.projections import state_json


def dates_of(log) -> set:
    """The dates a history of the seed log has: every event's date, and the two days after a deadline on which people
    left (the 35 Russians expelled by 1 January 2017 were gone on the 2nd; the Americans over the cap of 1 September
    on the 2nd)."""
    return {e.date for e in log.events} | {d("2017-01-02"), d("2017-09-02")}


def same_state(a, b) -> bool:
    ja, jb = state_json(a), state_json(b)
    ja.pop("as_of"), jb.pop("as_of")
    return ja == jb


def test_points_are_event_dates_and_deadline_passages(real_log):
    import diplosim

    h = diplosim.history(real_log)
    event_dates = {e.date for e in real_log.events}
    assert set(h.dates) == dates_of(real_log) and event_dates < set(h.dates)
    assert h.dates == sorted(h.dates)
    assert h.at("2017-01-01").missions["RUS", "USA"].staff == 490
    assert h.at("2017-01-02").missions["RUS", "USA"].staff == 455
    assert h.at("2017-09-01").missions["USA", "RUS"].staff == 1210
    assert h.at("2017-09-02").missions["USA", "RUS"].staff == 455


def test_every_day_equals_the_fold(real_log):
    from diplosim.analysis.over_time import history

    h = history(real_log)
    day = d("2016-12-20")
    while day <= d("2017-09-10"):
        assert same_state(h.at(day), fold(real_log.events, until=day)), day
        day += datetime.timedelta(days=1)


def test_until_stops_the_history(real_log):
    from diplosim.analysis.over_time import history

    h = history(real_log, until="2017-09-01")
    assert h.dates[-1] == d("2017-07-30") and d("2017-09-02") not in h.dates
    h = history(real_log, until="2017-01-02")
    assert h.dates[-1] == d("2017-01-02") and h.states[-1].missions["RUS", "USA"].staff == 455
    assert all(e.date <= d("2017-01-02") for e in h.events)


def test_to_frame_is_long_format(real_log):
    import pandas as pd

    from diplosim.analysis.over_time import history

    df = history(real_log).to_frame()
    assert list(df.columns) == ["date", "sending", "host", "staff", "pending", "cap"]
    assert pd.api.types.is_datetime64_any_dtype(df["date"])
    assert len(df) == 2 * len(dates_of(real_log))      # one row per mission (two of them) and date
    row = df[(df.date == "2017-07-28") & (df.sending == "USA")].iloc[0]
    assert (row.staff, row.pending, row.cap) == (1210, 755, 455)
    assert df[df.sending == "RUS"]["cap"].isna().all()


def test_html_for_notebooks(real_log):
    from diplosim.analysis.over_time import history

    h = history(real_log)
    html = h._repr_html_()
    assert "<table>" in html and "<td>2017-09-02</td>" in html
    assert "<table>" in h.states[-1]._repr_html_()
    assert repr(h) == f"History({len(dates_of(real_log))} dates, 2016-12-28 – 2017-09-02)"


def test_history_is_the_function_even_after_its_module_is_imported(real_log):
    import diplosim
    import diplosim.analysis.over_time  # a submodule import must not shadow the function

    assert diplosim.history is diplosim.analysis.over_time.history
    assert len(diplosim.history(REAL_LOG)) == len(dates_of(real_log))


@given(st.integers(0, 2**32), st.integers(0, 80), st.lists(st.integers(0, 60), max_size=5))
def test_synthetic_histories_equal_the_fold(seed, n, offsets):
    from diplosim.analysis.over_time import history

    events = list(synthetic.generate(n, 3, seed, profile=synthetic.EDGE))
    h = history(events)
    for day, s in h:
        assert same_state(s, fold(events, until=day))
    if events:
        for k in offsets:
            day = events[0].date + datetime.timedelta(days=k)
            assert same_state(h.at(day), fold(events, until=day))


def test_states_rebuilt_on_request_equal_the_fold():
    from diplosim.analysis.over_time import history

    events = list(synthetic.generate(3000, 4, seed=11, profile=synthetic.EDGE))
    h = history(events)
    assert len(h) > 100  # many points, several timeline checkpoints behind them
    for day in h.dates[::7] + h.dates[-3:]:
        assert same_state(h.at(day), fold(events, until=day)), day
    rows = {(r["date"], r["sending"], r["host"]): r for r in h.rows()}
    day = h.dates[len(h) // 2]
    for (sending, host), m in fold(events, until=day).missions.items():
        assert (rows[day, sending, host]["staff"], rows[day, sending, host]["pending"]) == (
            m.staff, m.pending_departures)


def test_walk_steps_through_deadlines_and_effective_days_and_each_state_is_the_folds():
    from diplosim.analysis.over_time import walk
    from diplosim.core.log import load_log

    events = load_log(REAL_LOG.parent.parent / "tests" / "fixtures" / "uncertain.toml").events
    clock = []
    for step in walk(events, d("2030-04-20")):
        if step.event is None:  # a clock step: the state is the one of that morning, before its events
            assert same_state(step.state, fold([e for e in events if e.date < step.date], until=step.date))
            clock.append((step.date.isoformat(), sorted(d.event_id for _, _, d in step.departed),
                          [i for i, _ in step.took_effect]))
    # the 13 Finns have no deadline: they never leave by the clock (DiplomatsDeparted settles them); the parity cap
    # is applied at its deadline (7 April), the mission already within it
    assert clock == [("2030-03-13", ["nor-expels-12"], []), ("2030-03-14", ["swe-expels-10"], []),
                     ("2030-03-15", [], ["nor-bars-lake-house"]), ("2030-04-01", [], ["nor-closes-bergen"]),
                     ("2030-04-08", ["swe-caps-nor-parity"], []), ("2030-04-16", ["nor-caps-swe-40"], [])]


def test_history_points_do_not_change_with_effective_closures():
    from diplosim.analysis.over_time import history
    from diplosim.core.log import load_log

    events = load_log(REAL_LOG.parent.parent / "tests" / "fixtures" / "uncertain.toml").events
    h = history(events, until="2030-04-20")
    # event dates and deadline passages; a closure taking effect changes no mission figure, so it is no point
    assert [str(x) for x in h.dates] == ["2030-03-01", "2030-03-05", "2030-03-06", "2030-03-07", "2030-03-08",
                                         "2030-03-13", "2030-03-14", "2030-03-20", "2030-03-21", "2030-04-08",
                                         "2030-04-16"]

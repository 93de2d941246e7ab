"""The multilateral World answers its questions (acts of the last days, totals per pair, who struck first) as a scan
of every act would, also when the Worlds of one day share their answers."""
from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st

from diplosim.play.strategies import Measure
from diplosim.play.strategies.base import World, combine

START = datetime.date(2020, 1, 1)
C = ("AAA", "BBB", "CCC", "DDD")

acts = st.lists(st.tuples(st.integers(0, 60), st.sampled_from(C), st.sampled_from(C),
                          st.builds(Measure, st.sampled_from(["expel", "close_post"]), st.integers(1, 9))),
                max_size=40).map(lambda xs: sorted(((START + datetime.timedelta(days=d), a, v, m)
                                                    for d, a, v, m in xs), key=lambda t: t[0]))


@given(acts=acts, today=st.integers(0, 70), days=st.lists(st.integers(0, 80), min_size=1, max_size=4))
def test_answers_equal_a_scan_of_every_act(acts, today, days):
    day = START + datetime.timedelta(days=today)
    shared: dict = {}
    worlds = {me: World(acts=acts, today=day, me=me, memo=shared) for me in C}
    for n in days + days:  # asked twice: the second answer comes from the memo
        since = day - datetime.timedelta(days=n)
        window = [a for a in acts if since <= a[0] < day]
        for me, w in worlds.items():
            assert w.recent(n) == window
            first: dict = {}
            for d, a, v, _ in window:
                if v == me:
                    first.setdefault(a, d)
            assert w.first_strike(n) == first
            assert w.initiator(n) == (min(first, key=lambda c: (first[c], c)) if first else None)
            for actor in C:
                assert w.total(actor, me, n) == combine(m for (_, a, v, m) in window if a == actor and v == me)


def test_a_changed_first_strike_answer_does_not_change_the_next():
    acts = [(START, "AAA", "BBB", Measure("expel", 2))]
    w = World(acts=acts, today=START + datetime.timedelta(days=1), me="BBB")
    w.first_strike(5).clear()
    assert w.first_strike(5) == {"AAA": START}


def test_a_world_prints_what_a_country_knows_not_the_answers_kept_for_the_day():
    w = World(acts=[(datetime.date(2018, 3, 14), "GBR", "RUS", "expel 23")], today=datetime.date(2018, 3, 20),
              me="RUS", countries=("GBR", "RUS"))
    before = repr(w)
    assert w.recent(30) == w.acts  # asked once: the answer is kept for the day
    assert repr(w) == before and "memo" not in before
    assert before.startswith("World(acts=[(datetime.date(2018, 3, 14), 'GBR', 'RUS', 'expel 23')], ")

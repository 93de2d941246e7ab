"""Hand-written events shared by the tests: on numbered days of 2018 for the rule tests (test_fold_rules,
test_uncertain, test_fold_details; day 1 is 1 January, the mission the USA's in Russia unless named), and a good log
of two missions for the bad-input tests (test_bad_input, test_hostile) to spoil."""
from __future__ import annotations

import datetime

from diplosim.core import events as ev

DAY = datetime.timedelta(days=1)


def day(n: int) -> datetime.date:
    """Day ``n`` of 2018 (day 1 is 1 January)."""
    return datetime.date(2018, 1, 1) + (n - 1) * DAY


def mission(id="m", n=1, sending="USA", host="RUS", **figure) -> ev.MissionEstablished:
    return ev.MissionEstablished(id=id, date=day(n), actor=sending, target=host, **figure)


def expel(id, n, count, deadline=None, host="RUS", sending="USA") -> ev.DiplomatsExpelled:
    return ev.DiplomatsExpelled(id=id, date=day(n), actor=host, target=sending, count=count,
                                deadline=None if deadline is None else day(deadline))


SRC = 'sources = ["public record: test log"]'
GOOD = f"""[log]
title = "test"

[[event]]
id = "m-usa"
type = "MissionEstablished"
date = 2017-01-01
actor = "USA"
target = "RUS"
staff = 10
{SRC}

[[event]]
id = "m-rus"
type = "MissionEstablished"
date = 2017-01-01
actor = "RUS"
target = "USA"
staff = 20
{SRC}
"""

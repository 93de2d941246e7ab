"""Hand-written events on numbered days of 2018, shared by the rule tests (test_fold_rules, test_uncertain,
test_fold_details): day 1 is 1 January; the mission is the USA's in Russia unless named."""
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

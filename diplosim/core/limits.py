"""Limits no honest use reaches, checked where data comes in, so that absurd input gets a clear error instead of
unbounded work or an overflow deep inside (see README, "Limits")."""
from __future__ import annotations

import datetime

#: The largest figure of people or targets an event may carry (the largest real missions number in the thousands;
#: a billion leaves room for any synthetic use and is far from where arithmetic gets slow).
MAX_FIGURE = 1_000_000_000
#: Events happen between these dates (far from the ends of Python's calendar, so a deadline or a horizon can be
#: counted past them without overflow).
MIN_DATE = datetime.date(1800, 1, 1)
MAX_DATE = datetime.date(2999, 12, 31)
#: How many logs a chain of ``continues`` may hold.
MAX_CHAIN = 64

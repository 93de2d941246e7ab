"""Where facts come from: the seed articles of the real sequence, and how a source reference is written.

A source is one of: a seed file name (``002_75852e39d8adb4be.txt``), ``public record: <reference>``, a URL, or
``import: <file>:<line>`` for rows brought in by ``import-events``.
"""
from __future__ import annotations

import re
from functools import lru_cache

from attrs import frozen


@frozen
class Seed:
    file: str
    dateline: str | None  # as printed in the article, or None when it carries no date
    covers: str  # what the article reports, in our words


#: The five news articles the seeds' log cites by file name (not shipped: seeds/sources.toml describes them).  Dates
#: without a dateline are resolved event by event.
SEEDS: dict[str, Seed] = {s.file: s for s in (
    Seed("000_8089c2bcde11cc6f.txt", "2017-07-31",
         "Russia's July 2017 order to cut the US mission to 455 by 1 September, Putin's figure of 755, "
         "the seizure of two US properties, staffing figures from a US embassy official and from Putin"),
    Seed("001_ea32f7d3485eba92.txt", None,
         "Putin's 755 figure and his interview on Rossiya 1, Ryabkov's 'overdue' remark, the congressional "
         "votes (Senate 98-2, House 419-3), a figure of over 1,200 US mission staff, the December 2016 expulsions"),
    Seed("002_75852e39d8adb4be.txt", None,
         "the December 2016 US measures (35 expelled, 72 hours, sanctions on nine targets), the Russian foreign "
         "ministry's proposal (31 + 4, dacha and warehouse), Peskov on reciprocity, Putin's decision not to expel"),
    Seed("003_d2f564126c236eaf.txt", "2017-07-13",
         "Lavrov's warning in Brussels, the Izvestia report of a planned expulsion of 30, the G20 meeting in "
         "Hamburg, the Senate's June sanctions vote, the cancelled Shannon-Ryabkov meeting"),
    Seed("004_47c6a30e603559c1.txt", None,
         "Lavrov's December 2016 proposal, Putin's refusal, the list of US measures, Russian criticism"),
)}

_SEED_NAME = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt$")
_PREFIXES = ("public record:", "http://", "https://", "import:", "scenario:")


@lru_cache(maxsize=8192)  # logs repeat a handful of sources; appends check every event
def check_source(src: str) -> str | None:
    """None if ``src`` is a well-formed source reference, else what is wrong with it.

    >>> check_source("002_75852e39d8adb4be.txt") is None, check_source("public record: Federal Register") is None
    (True, True)
    >>> check_source("999_0000000000000000.txt")
    "source '999_0000000000000000.txt' is not one of the seed files"
    """
    if _SEED_NAME.match(src):
        return None if src in SEEDS else f"source {src!r} is not one of the seed files"
    for prefix in _PREFIXES:
        if src.startswith(prefix) and len(src.strip()) > len(prefix) + 1:
            return None
    return (f"source {src!r} is not a seed file name, a URL, 'public record: <reference>' "
            f"or 'import: <file>:<line>'")


def is_seed(src: str) -> bool:
    return src in SEEDS

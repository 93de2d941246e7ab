"""PLOVER beside CAMEO: the PLOVER event type of each CAMEO code, from the table the PLOVER project publishes.

PLOVER (Political Language Ontology for Verifiable Event Records, the Open Event Data Alliance's successor to
CAMEO, the ontology of POLECAT) keeps about twenty event types.  Its project publishes which type each CAMEO code
becomes (``CAMEO2PLOVER-2021.txt``); ``diplosim/data/cameo_plover.tsv`` is derived from it (source and licence,
CC BY-SA 4.0, in the README beside it).  CAMEO roots 01 (statements) and 02 (appeals) have no PLOVER type.  The
PLOVER type of an event is :func:`diplosim.analysis.cameo.plover_of`.

    >>> type_of_code("174"), type_of_code("163"), type_of_code("111"), type_of_code("010")
    ('COERCE', 'COERCE', 'ACCUSE', None)
    >>> type_of_code("1951")       # not in the published table: its parent 195's type
    'ASSAULT'
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from statistics import fmean

TABLE_PATH = Path(__file__).resolve().parent.parent / "data" / "cameo_plover.tsv"


@lru_cache(maxsize=1)
def table() -> dict[str, tuple[str, str, str]]:
    """CAMEO code -> (PLOVER event type, mode, context), as shipped."""
    out = {}
    for line in TABLE_PATH.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("cameo_code\t"):
            continue
        code, event, mode, context = (line.split("\t") + ["", "", ""])[:4]
        out[code] = (event, mode, context)
    return out


def type_of_code(code: str | None) -> str | None:
    """The PLOVER event type of a CAMEO code (a code the table lacks takes its nearest parent's), or None."""
    t = table()
    while code:
        found = t.get(code)
        if found is not None:
            return found[0]
        code = code[:-1] if len(code) > 3 else None
    return None


@lru_cache(maxsize=None)
def goldstein_of_type(plover: str) -> float | None:
    """A Goldstein score for a PLOVER type: the mean score of the CAMEO codes the table gives that type (None
    when no code has it, as for CRIME).  For observed events that carry neither a CAMEO code nor a score."""
    from ..core.codes import table as cameo_table

    scores = [cameo_table()[c].goldstein for c, (event, _m, _c) in table().items()
              if event == plover and c in cameo_table()]
    return round(fmean(scores), 2) if scores else None

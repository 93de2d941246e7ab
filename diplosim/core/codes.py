"""The CAMEO code table as data: each code's label and Goldstein score, read from the shipped TSV.

The core reads it to check an event's ``cameo`` field; the coding of events (which code an act gets, quad
classes, exports) is analysis and lives in :mod:`diplosim.analysis.cameo`.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from attrs import frozen

TABLE_PATH = Path(__file__).resolve().parent.parent / "data" / "cameo_codes.tsv"

#: The four quad classes of event data (GDELT's ``QuadClass``), by root code: 01-05 verbal cooperation, 06-08
#: material cooperation, 09-13 verbal conflict, 14-20 material conflict.
QUAD_CLASSES = {1: "Verbal Cooperation", 2: "Material Cooperation", 3: "Verbal Conflict", 4: "Material Conflict"}


@frozen
class Code:
    """One CAMEO code: its label and Goldstein score (``inherited``: the parent's, none being published)."""
    code: str
    label: str
    goldstein: float
    inherited: bool = False

    @property
    def root(self) -> str:
        return self.code[:2]

    @property
    def quad_class(self) -> int:
        return quad_class(self.root)

    @property
    def quad_label(self) -> str:
        return QUAD_CLASSES[self.quad_class]


def quad_class(root: str) -> int:
    """The quad class (1-4) of a root code.

    >>> quad_class("05"), quad_class("06"), quad_class("13"), quad_class("14")
    (1, 2, 3, 4)
    """
    n = int(root)
    return 1 if n <= 5 else 2 if n <= 8 else 3 if n <= 13 else 4


@lru_cache(maxsize=1)
def table() -> dict[str, Code]:
    """Every code in the shipped table, by code (root codes included)."""
    raw: dict[str, tuple[str, str]] = {}
    for line in TABLE_PATH.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, label, score = (line.split("\t") + ["", ""])[:3]
        if code == "cameo_code":
            continue
        raw[code] = (label, score.strip())
    out: dict[str, Code] = {}
    for code in sorted(raw, key=len):  # parents (shorter codes) first
        label, score = raw[code]
        if score:
            out[code] = Code(code, label, float(score))
        else:
            parent = out[code[:-1]]
            out[code] = Code(code, label, parent.goldstein, inherited=True)
    return out

"""The catalogue of the sources the shipped logs cite (``seeds/sources.toml``): what each one is, who published it,
when, and a short description in this project's words."""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable

from .errors import InputError
from .log import data_dir

FIELDS = ("id", "kind", "outlet", "date", "title", "url", "via", "author", "reliability", "date_note", "note")


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, Any]]:
    """Every catalogued source by the exact string logs cite it with."""
    import tomllib

    path = data_dir("seeds") / "sources.toml"
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"the source catalogue cannot be read: {exc}", str(path)) from None
    return {s["id"]: {k: s[k] for k in FIELDS if k in s} for s in doc.get("source", [])}


def cited(events: Iterable[Any]) -> dict[str, list[str]]:
    """Which events cite each source, in the order they come."""
    out: dict[str, list[str]] = {}
    for e in events:
        for src in e.sources:
            out.setdefault(src, []).append(e.id)
    return out

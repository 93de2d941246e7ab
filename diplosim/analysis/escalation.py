"""The escalation index: how hostile one country's recent acts toward another are, from their Goldstein scores.

For a direction A→B (acts whose actor is A and target is B) the index on day *t* is the exponentially decayed sum

    E(t) = Σ  −g(e) · 2 ** (−(t − t_e) / h)      over the acts e of A toward B dated t_e ≤ t

where g(e) is the act's Goldstein score (−10 conflict … +10 cooperation, from its CAMEO code) and h the half-life
in days (default 30).  So E > 0 means recent acts were on balance hostile, E < 0 conciliatory, and an act counts
half after h days, a quarter after 2h.  Why this form: a plain running sum never forgets (the December 2016
expulsions would weigh on August 2017 as much as on January); a moving window forgets abruptly; a decayed sum
forgets smoothly with one readable parameter, and it is additive, so a day's acts simply add on top of what is
left of the past.  30 days matches the tempo of this kind of dispute: answers come within days or weeks, and an
act half a year old has faded to about 1/64.  Baseline records (MissionEstablished, PropertyRegistered) say what
existed before the first act, not what anyone did, and are left out.

The same decayed sum runs over rounds instead of days for tournament matches (:func:`decayed`).

    >>> from diplosim.core.log import load_log, default_log_path
    >>> rows = escalation(load_log(default_log_path()).events, "USA", "RUS")
    >>> rows[0]["date"], rows[0]["index"]          # 29 December 2016: 174, 171, 171 and 163
    ('2016-12-29', 31.4)
"""
from __future__ import annotations

import datetime
from typing import Any, Iterable, Sequence

from . import cameo
from ..core import events as ev

Date = datetime.date
DEFAULT_HALF_LIFE = 30.0
DEFAULT_HALF_LIFE_ROUNDS = 5.0
FORMULA = "E(t) = sum over acts e of A toward B dated t_e <= t of -goldstein(e) * 2 ** (-(t - t_e) / half_life)"
#: In a tournament match a hostile move (D) expels part of the other side's mission: it counts as CAMEO 174.
HOSTILE_MOVE_CODE = "174"
#: Records of what existed before the first act: not acts, so not in the index.
BASELINE_TYPES = (ev.MissionEstablished, ev.PropertyRegistered)


def decayed(points: Iterable[tuple[float, float]], half_life: float, times: Iterable[float]) -> list[float]:
    """The decayed sum of ``(time, score)`` points at each of ``times`` (both in the same unit: days, rounds).

    A point counts at every time at or after its own.

    >>> decayed([(0, 8.0)], 2, [0, 2, 4])
    [8.0, 4.0, 2.0]
    """
    if half_life <= 0:
        raise ValueError("half-life must be positive")
    pts = sorted(points)
    ts = list(times)
    out = [0.0] * len(ts)
    value, last, i = 0.0, None, 0
    for k in sorted(range(len(ts)), key=ts.__getitem__):
        t = ts[k]
        if last is not None:
            value *= 0.5 ** ((t - last) / half_life)
        while i < len(pts) and pts[i][0] <= t:
            value += pts[i][1] * 0.5 ** ((t - pts[i][0]) / half_life)
            i += 1
        out[k] = value
        last = t
    return out


def acts(events: Iterable[ev.Event], actor: str, target: str, until: Date | None = None) -> list[ev.Event]:
    """The acts of ``actor`` toward ``target`` that count in the index (baselines left out)."""
    return [e for e in events if cameo.source_of(e) == actor and cameo.target_of(e) == target and cameo.is_act(e)
            and not isinstance(e, BASELINE_TYPES) and (until is None or e.date <= until)]


def escalation(events: Iterable[ev.Event], actor: str, target: str, *, half_life: float = DEFAULT_HALF_LIFE,
               until: Date | None = None, dates: Sequence[Date] | None = None) -> list[dict[str, Any]]:
    """The index of ``actor``→``target`` on each date with an act (or on ``dates``), as rows:
    ``date``, ``actor``, ``target``, ``index``, ``change`` (the day's acts, −Goldstein summed), ``codes``."""
    mine = acts(events, actor, target, until)
    if dates is None:
        dates = sorted({e.date for e in mine})
    dates = sorted(dates)
    points = [(e.date.toordinal(), -cameo.goldstein(e)) for e in mine]
    values = decayed(points, half_life, [d.toordinal() for d in dates])
    rows = []
    for d, v in zip(dates, values):
        today = [e for e in mine if e.date == d]
        rows.append({"date": d.isoformat(), "actor": actor, "target": target, "index": round(v, 2),
                     "change": round(sum(-cameo.goldstein(e) for e in today), 2),
                     "codes": [cameo.code_of(e) for e in today]})
    return rows


def dyad_table(events: Iterable[ev.Event], a: str, b: str, *, half_life: float = DEFAULT_HALF_LIFE,
               until: Date | None = None) -> list[dict[str, Any]]:
    """Both directions of a dyad side by side, on every date on which either side acted (and on ``until``).

    >>> from diplosim.core.log import load_log, default_log_path
    >>> t = dyad_table(load_log(default_log_path()).events, "USA", "RUS")
    >>> t[1]["date"], t[1]["USA→RUS"], t[1]["RUS→USA"]
    ('2016-12-30', 27.28, 10.0)
    """
    events = list(events)
    dates = sorted({e.date for e in acts(events, a, b, until) + acts(events, b, a, until)}
                   | ({until} if until else set()))
    ab = escalation(events, a, b, half_life=half_life, dates=dates)
    ba = escalation(events, b, a, half_life=half_life, dates=dates)
    return [{"date": x["date"], f"{a}→{b}": x["index"], f"{b}→{a}": y["index"],
             "acts": "; ".join(part for part in (_acts(a, x["codes"]), _acts(b, y["codes"])) if part)}
            for x, y in zip(ab, ba)]


def dyad_json(events: Iterable[ev.Event], a: str, b: str, *, half_life: float = DEFAULT_HALF_LIFE,
              until: Date | None = None) -> dict[str, Any]:
    """The contract of ``diplosim escalation --format json``: both directions as long rows, on the table's dates."""
    events = list(events)
    dates = [Date.fromisoformat(r["date"]) for r in dyad_table(events, a, b, half_life=half_life, until=until)]
    rows = [r for x, y in ((a, b), (b, a)) for r in escalation(events, x, y, half_life=half_life, dates=dates)]
    return {"dyad": [a, b], "half_life_days": half_life, "formula": FORMULA, "rows": rows}


def match_rows(result: Any, half_life: float = DEFAULT_HALF_LIFE_ROUNDS) -> list[dict[str, Any]]:
    """The index per round of a tournament match (:class:`diplosim.play.tournament.MatchResult`): each hostile move
    (D) is an act scored like an expulsion (CAMEO 174), a restrained move (C) no act.

    >>> from diplosim.play.strategies import get
    >>> from diplosim.play.tournament import match
    >>> rows = match_rows(match(get("always-hostile"), get("restraint"), rounds=3), half_life=1)
    >>> [(r["round"], r["A→B"], r["B→A"]) for r in rows]
    [(1, 5.0, 0.0), (2, 7.5, 0.0), (3, 8.75, 0.0)]
    """
    from . import cameo

    score = -cameo.lookup(HOSTILE_MOVE_CODE).goldstein
    moves_a, moves_b = result.moves
    rounds = range(1, len(moves_a) + 1)
    a = decayed([(k, score) for k, m in zip(rounds, moves_a) if m == "D"], half_life, rounds)
    b = decayed([(k, score) for k, m in zip(rounds, moves_b) if m == "D"], half_life, rounds)
    return [{"round": k, "A": ma, "B": mb, "A→B": round(x, 2), "B→A": round(y, 2)}
            for k, ma, mb, x, y in zip(rounds, moves_a, moves_b, a, b)]


def _acts(who: str, codes: list[str]) -> str:
    return f"{who} {' '.join(codes)}" if codes else ""


def daily(events: Iterable[ev.Event], actor: str, target: str, *, half_life: float = DEFAULT_HALF_LIFE,
          start: Date, end: Date) -> list[tuple[Date, float]]:
    """The index on every day from ``start`` to ``end``: the smooth curve for plots."""
    days = [start + datetime.timedelta(days=k) for k in range((end - start).days + 1)]
    mine = acts(events, actor, target, end)
    values = decayed([(e.date.toordinal(), -cameo.goldstein(e)) for e in mine], half_life,
                     [d.toordinal() for d in days])
    return list(zip(days, values))


def parse_dyad(text: str) -> tuple[str, str]:
    """``USA-RUS`` -> ("USA", "RUS"), country codes checked."""
    from ..core import countries
    from ..core.errors import InputError

    parts = text.replace("→", "-").split("-")
    if len(parts) != 2 or not all(parts):
        raise InputError(f"bad dyad {text!r}: want two country codes like USA-RUS")
    for code in parts:
        if not countries.is_known(code):
            raise InputError(f"unknown country code {code!r} in dyad {text!r}")
    if parts[0] == parts[1]:
        raise InputError(f"a dyad needs two different countries, got {text!r}")
    return parts[0], parts[1]

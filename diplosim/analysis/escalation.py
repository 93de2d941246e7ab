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

Weighted by size (``weight="size"``), each act's score is multiplied by ``1 + log2(n)`` where *n* is the size of the
measure: people expelled or ordered out by a cap, posts closed, targets designated (see
:mod:`diplosim.analysis.sizes`, which also says why a logarithm).  Acts without a size count once.

The same decayed sum runs over rounds instead of days for tournament matches (:func:`decayed`).

    >>> from diplosim.core.log import load_log, default_log_path
    >>> rows = escalation(load_log(default_log_path()).events, "USA", "RUS")
    >>> rows[0]["date"], rows[0]["index"]          # 29 December 2016: 174, 171, 171 and 163
    ('2016-12-29', 31.4)
"""
from __future__ import annotations

import datetime
from typing import Any, Callable, Iterable, Sequence

from . import cameo
from .sizes import WEIGHT_RULE, WEIGHTS, ordered_out, sizes
from .sizes import weight as weight_of
from ..core import events as ev
from ..core.errors import InputError

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


def scorer(events: Iterable[ev.Event], weight: str = "none") -> Callable[[ev.Event], float]:
    """The score of an act in the index: −Goldstein, times the weight of its size with ``weight="size"``."""
    if weight not in WEIGHTS:
        raise InputError(f"unknown weight {weight!r}: want one of {', '.join(WEIGHTS)}")
    if weight == "none":
        return lambda e: -cameo.goldstein(e)
    size = sizes(events)
    return lambda e: -cameo.goldstein(e) * weight_of(size.get(e.id))


def acts(events: Iterable[ev.Event], actor: str, target: str, until: Date | None = None) -> list[ev.Event]:
    """The acts of ``actor`` toward ``target`` that count in the index (baselines left out)."""
    return [e for e in events if cameo.source_of(e) == actor and cameo.target_of(e) == target and cameo.is_act(e)
            and not isinstance(e, BASELINE_TYPES) and (until is None or e.date <= until)]


def escalation(events: Iterable[ev.Event], actor: str, target: str, *, half_life: float = DEFAULT_HALF_LIFE,
               until: Date | None = None, dates: Sequence[Date] | None = None, weight: str = "none",
               score: Callable[[ev.Event], float] | None = None) -> list[dict[str, Any]]:
    """The index of ``actor``→``target`` on each date with an act (or on ``dates``), as rows:
    ``date``, ``actor``, ``target``, ``index``, ``change`` (the day's acts, −Goldstein summed, weighted with
    ``weight="size"``), ``codes``.  ``score`` (from :func:`scorer`) saves working the sizes out again."""
    events = list(events)
    score = score or scorer(events, weight)
    mine = acts(events, actor, target, until)
    if dates is None:
        dates = sorted({e.date for e in mine})
    dates = sorted(dates)
    points = [(e.date.toordinal(), score(e)) for e in mine]
    values = decayed(points, half_life, [d.toordinal() for d in dates])
    by_day: dict[Date, list[ev.Event]] = {}
    for e in mine:
        by_day.setdefault(e.date, []).append(e)
    rows = []
    for d, v in zip(dates, values):
        today = by_day.get(d, [])
        rows.append({"date": d.isoformat(), "actor": actor, "target": target, "index": round(v, 2),
                     "change": round(sum(score(e) for e in today), 2),
                     "codes": [cameo.code_of(e) or getattr(e, "plover", None) for e in today]})
    return rows


def dyad_table(events: Iterable[ev.Event], a: str, b: str, *, half_life: float = DEFAULT_HALF_LIFE,
               until: Date | None = None, since: Date | None = None, weight: str = "none") -> list[dict[str, Any]]:
    """Both directions of a dyad side by side, on every date on which either side acted (and on ``until``).

    >>> from diplosim.core.log import load_log, default_log_path
    >>> t = dyad_table(load_log(default_log_path()).events, "USA", "RUS")
    >>> t[1]["date"], t[1]["USA→RUS"], t[1]["RUS→USA"]
    ('2016-12-30', 27.28, 10.0)
    """
    events = list(events)
    dates = sorted({e.date for e in acts(events, a, b, until) + acts(events, b, a, until)
                    if since is None or e.date >= since} | ({until} if until else set()))
    score = scorer(events, weight)
    ab = escalation(events, a, b, half_life=half_life, dates=dates, score=score)
    ba = escalation(events, b, a, half_life=half_life, dates=dates, score=score)
    return [{"date": x["date"], f"{a}→{b}": x["index"], f"{b}→{a}": y["index"],
             "acts": "; ".join(part for part in (_acts(a, x["codes"]), _acts(b, y["codes"])) if part)}
            for x, y in zip(ab, ba)]


def dyad_json(events: Iterable[ev.Event], a: str, b: str, *, half_life: float = DEFAULT_HALF_LIFE,
              until: Date | None = None, since: Date | None = None, weight: str = "none") -> dict[str, Any]:
    """The contract of ``diplosim escalation --format json``: both directions as long rows, on the table's dates."""
    events = list(events)
    dates = [Date.fromisoformat(r["date"])
             for r in dyad_table(events, a, b, half_life=half_life, until=until, since=since)]
    score = scorer(events, weight)
    rows = [r for x, y in ((a, b), (b, a))
            for r in escalation(events, x, y, half_life=half_life, dates=dates, score=score)]
    return {"dyad": [a, b], "half_life_days": half_life, "formula": FORMULA, **_weighting(weight), "rows": rows}


def compare(curated: Iterable[ev.Event], observed: Iterable[ev.Event], a: str, b: str, *,
            half_life: float = DEFAULT_HALF_LIFE, since: Date | None = None, until: Date | None = None,
            weight: str = "none") -> dict[str, Any]:
    """The index of both directions of a dyad in the curated log and in a stream of observed events (media-coded
    event data), side by side on every date on which either shows an act (and on ``until``): the question analysts
    ask of event data.  Rows: ``date``, ``A→B curated``, ``B→A curated``, ``A→B observed``, ``B→A observed``, and
    the acts of each on that day (both directions).  Each index is computed as :func:`escalation` computes it;
    observed events count with their own Goldstein score (and, weighted by size, their number of mentions)."""
    sides = (("curated", list(curated)), ("observed", list(observed)))
    dates = sorted({e.date for _label, events in sides for e in acts(events, a, b, until) + acts(events, b, a, until)
                    if since is None or e.date >= since} | ({until} if until else set()))
    columns: dict[str, list[Any]] = {}
    for label, events in sides:
        score = scorer(events, weight)
        per_day: dict[str, int] = {}
        for x, y in ((a, b), (b, a)):
            rows = escalation(events, x, y, half_life=half_life, dates=dates, score=score)
            columns[f"{x}→{y} {label}"] = [r["index"] for r in rows]
            for r in rows:
                per_day[r["date"]] = per_day.get(r["date"], 0) + len(r["codes"])
        columns[f"{label} acts"] = [per_day.get(d.isoformat(), 0) for d in dates]
    order = [f"{a}→{b} curated", f"{b}→{a} curated", f"{a}→{b} observed", f"{b}→{a} observed", "curated acts",
             "observed acts"]
    rows = [{"date": d.isoformat(), **{k: columns[k][i] for k in order}} for i, d in enumerate(dates)]
    return {"dyad": [a, b], "half_life_days": half_life, "formula": FORMULA, **_weighting(weight), "rows": rows}


def _weighting(weight: str) -> dict[str, Any]:
    return {"weight": weight, **({"weight_rule": WEIGHT_RULE} if weight != "none" else {})}


def by_dyad(events: Iterable[ev.Event], until: Date | None = None) -> dict[tuple[str, str], list[ev.Event]]:
    """The acts of every ordered dyad (source, target), in one pass (baselines and records left out)."""
    out: dict[tuple[str, str], list[ev.Event]] = {}
    for e in events:
        if until is not None and e.date > until:
            break
        if isinstance(e, BASELINE_TYPES) or not cameo.is_act(e):
            continue
        a, b = cameo.source_of(e), cameo.target_of(e)
        if a and b and a != b:
            out.setdefault((a, b), []).append(e)
    return out


def _period(events: Sequence[ev.Event], since: Date | None, until: Date | None) -> tuple[Date, Date]:
    if not events:
        raise InputError("no events in the log")
    start, end = since or events[0].date, until or events[-1].date
    if start > end:
        raise InputError(f"the period is empty: --since {start} is after --until {end}")
    return start, end


def all_dyads(events: Iterable[ev.Event], *, half_life: float = DEFAULT_HALF_LIFE, since: Date | None = None,
              until: Date | None = None, weight: str = "none") -> dict[str, Any]:
    """Every ordered dyad with at least one act in the period (``since``..``until``, default: the whole log), as
    rows: ``actor``, ``target``, ``acts`` (in the period), ``ordered_out`` (people expelled or ordered out by a cap
    in the period, at least), ``index`` (on the period's last day; earlier acts count, decayed), ``peak`` (the
    highest the index was on any day of the period) and ``peak_date``; most hostile ``index`` first.

    >>> from diplosim.core.log import load_log, default_log_path
    >>> doc = all_dyads(load_log(default_log_path()).events, until=datetime.date(2017, 1, 15))
    >>> [(r["actor"], r["target"], r["acts"], r["peak"], r["peak_date"]) for r in doc["rows"]]
    [('USA', 'RUS', 5, 31.4, '2016-12-29'), ('RUS', 'USA', 6, 10.0, '2016-12-30')]
    """
    events = list(events)
    start, end = _period(events, since, until)
    score = scorer(events, weight)
    size = sizes(events)
    one = datetime.timedelta(days=1)
    rows = []
    for (a, b), mine in by_dyad(events, end).items():
        inside = [e for e in mine if e.date >= start]
        if not inside:
            continue
        # the highest value on any day of the period is on its first or last day, on a day with acts or on the
        # day before one (between acts the index only moves toward zero)
        days = sorted({start, end} | {e.date for e in inside} | {e.date - one for e in inside if e.date > start})
        values = decayed([(e.date.toordinal(), score(e)) for e in mine], half_life, [d.toordinal() for d in days])
        peak, peak_day = max(zip(values, days), key=lambda x: (round(x[0], 9), -x[1].toordinal()))
        rows.append({"actor": a, "target": b, "acts": len(inside),
                     "ordered_out": sum(ordered_out(e, size) for e in inside),
                     "index": round(values[-1], 2), "peak": round(peak, 2), "peak_date": peak_day.isoformat()})
    rows.sort(key=lambda r: (-r["index"], -r["peak"], r["actor"], r["target"]))
    return {"since": start.isoformat(), "until": end.isoformat(), "half_life_days": half_life, "formula": FORMULA,
            **_weighting(weight), "rows": rows}


#: What a country heat map can show, and how its colour bar is labelled.
MATRIX_OF = {
    "escalation": "peak escalation index in the period",
    "acts": "acts in the period",
    "expelled": "people ordered out in the period (expelled, or over a cap; at least)",
}


def country_matrix(events: Iterable[ev.Event], of: str = "escalation", *, half_life: float = DEFAULT_HALF_LIFE,
                   since: Date | None = None, until: Date | None = None, weight: str = "none",
                   top: int | None = None) -> tuple[list[str], list[list[float | None]], dict[str, Any]]:
    """Countries (most active first, at most ``top``), and a matrix of ``of`` (see :data:`MATRIX_OF`) from each
    country (row) toward each (column) over the period; None where the row country did not act toward the column
    country in the period.  Activity: acts in the period, as source or target.  The third value says what was
    drawn: ``since``, ``until``, ``countries`` (how many acted in all), ``shown``."""
    if of not in MATRIX_OF:
        raise InputError(f"unknown heat map value {of!r}: want one of {', '.join(MATRIX_OF)}")
    doc = all_dyads(events, half_life=half_life, since=since, until=until, weight=weight)
    value = {"escalation": "peak", "acts": "acts", "expelled": "ordered_out"}[of]
    activity: dict[str, int] = {}
    for r in doc["rows"]:
        for c in (r["actor"], r["target"]):
            activity[c] = activity.get(c, 0) + r["acts"]
    countries = sorted(activity, key=lambda c: (-activity[c], c))
    shown = countries[:top] if top else countries
    where = {c: i for i, c in enumerate(shown)}
    matrix: list[list[float | None]] = [[None] * len(shown) for _ in shown]
    for r in doc["rows"]:
        if r["actor"] in where and r["target"] in where:
            matrix[where[r["actor"]]][where[r["target"]]] = r[value]
    return shown, matrix, {"since": doc["since"], "until": doc["until"], "countries": len(countries),
                           "shown": len(shown)}


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
          start: Date, end: Date, weight: str = "none") -> list[tuple[Date, float]]:
    """The index on every day from ``start`` to ``end``, for plots.  The index of a day counts that day's acts in
    full (acts have a date, not an hour), so it jumps on the days with acts and decays day by day in between."""
    events = list(events)
    score = scorer(events, weight)
    days = [start + datetime.timedelta(days=k) for k in range((end - start).days + 1)]
    mine = acts(events, actor, target, end)
    values = decayed([(e.date.toordinal(), score(e)) for e in mine], half_life, [d.toordinal() for d in days])
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

"""The report: one self-contained HTML page to explore a log, its scenarios and its sources, offline.

:func:`build` gathers the page's data, only through the projections and JSON contracts the command line prints
(``state --format json``, ``timeline --format json``, ``explain --format json``, ``escalation``, ``scenario run``);
:func:`page` puts that data, the script and the style sheet into one HTML file; :func:`write_page` writes it
atomically.  The page's script (``report_page/page.js``) draws everything in the browser: tables, explanations,
SVG charts.  Nothing in the page asks the network for anything.

The states are kept at *sampled dates*.  When the log changes state on at most ``max_dates`` days (its event
dates, and the days deadlines pass and closures take effect), every one of them is sampled and the page shows
the exact state on every day.  A longer log is sampled on at most ``max_dates`` event dates spread evenly over its
period, and the page says which sampled date it shows.  Each date keeps only what changed since the one before,
each distinct record once (``pool``), so the page grows with the number of changes, not with dates times tables.

    >>> from diplosim.core.log import load_log, seed_log_path
    >>> doc = build(load_log(seed_log_path()).events, title="t")
    >>> doc["meta"]["exact"], doc["dates"][0], doc["dates"][-1]
    (True, '2016-12-28', '2017-09-02')
"""
from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any, Sequence

from ..core import events as ev
from ..core.errors import DiplosimError, InputError
from ..core.timeline import Timeline
from . import cameo
from .escalation import BASELINE_TYPES, DEFAULT_HALF_LIFE, FORMULA, escalation
from .explain import explain
from .projections import state_json

Date = datetime.date
#: At most this many dates carry a precomputed state (documented in README, "The report").
MAX_DATES = 400
#: A longer log's timeline keeps the events of the sampled dates, this many in all at most.
MAX_TIMELINE = 20_000
#: Explanations kept in the page, in steps; the figures beyond show the `diplosim explain` command instead.
MAX_CHAIN_STEPS = 20_000
ASSETS = Path(__file__).with_name("report_page")
#: How a state table's records are told apart from one date to the next (others: by their whole content).
KEYS = {"missions": ("sending", "host"), "properties": ("id",), "sanctions": ("imposer", "target"),
        "open_proposals": ("event_id",), "contacts_suspended": ("actor", "target"),
        "designations": ("event_id", "target_country")}
#: Lists inside records kept as tables of their own, each record under its parent's key and ``PART``: a mission's
#: posts and reported figures change far less often than its staff, and would otherwise be copied with every change.
PARTS = {("missions", "posts"): ("name",), ("missions", "reported"): ("event_id",)}
PART = "\x1f"
MISSION_FIGURES = ("staff", "pending", "cap")


def build(events: Sequence[ev.Event], *, title: str = "", description: str = "", source: str = "",
          scenarios: Sequence[Any] = (), max_dates: int = MAX_DATES, half_life: float = DEFAULT_HALF_LIFE,
          generated: datetime.datetime | None = None, log_args: str = "") -> dict[str, Any]:
    """The page's data: the log (``events``) as the first course, then each scenario (a loaded
    :class:`~diplosim.play.scenario.Scenario`) run, with the difference from its own base at every sampled date."""
    events = list(events)
    if not events:
        raise InputError("the log has no events: there is nothing to report")
    if max_dates < 2:
        raise InputError(f"--max-dates must be at least 2 (got {max_dates})")
    if half_life <= 0:
        raise InputError(f"--half-life must be positive (got {half_life:g})")
    label = "real course" if not log_args else "this log"
    courses = [{"id": "real", "label": label, "kind": "real", "events": events}]
    bases: list[list[ev.Event]] = []
    for k, sc in enumerate(scenarios, 1):
        result = sc.run()
        if not result.events:
            raise InputError("the scenario's course has no events", sc.path)
        base = list(sc.parent.run().events if sc.parent is not None else sc.base_events)
        courses.append({"id": f"s{k}", "label": sc.name, "kind": "scenario", "events": list(result.events),
                        "result": result, "base": base})
        bases.append(base)
    cache: dict[int, dict[str, dict]] = {}
    dates, exact = _dates([c["events"] for c in courses] + bases, max_dates, cache)
    end = Date.fromisoformat(dates[-1])
    pools = _Pools()
    for c in courses:
        c["docs"] = _states(c["events"], dates, cache)
        c["deltas"] = _deltas(c["docs"], pools)
    budget = [MAX_CHAIN_STEPS]
    complete = True
    for c in courses:
        c["chains"], c["steps"], done = _chains(c["events"], c["docs"][-1], end, budget, pools)
        complete = complete and done
    main = courses[0]
    countries: dict[str, str] = {}
    for c in courses:
        countries.update((k, v) for k, v in c["docs"][-1].get("countries", {}).items() if v)
    timeline, kept_rule = _timeline(events, dates, pools)
    doc = {
        "meta": {
            "title": title or "diplosim report", "description": description, "source": source,
            "version": _version(), "generated": _generated(generated), "events": len(events),
            "first": dates[0], "end": dates[-1], "exact": exact, "max_dates": max_dates,
            "half_life": half_life, "formula": FORMULA, "timeline_total": len(events),
            "timeline_kept": len(timeline["rows"]), "timeline_rule": kept_rule, "chains_complete": complete,
            "max_chain_steps": MAX_CHAIN_STEPS, "log_args": log_args,
        },
        "dates": dates,
        "parts": [f"{table}.{field}" for table, field in PARTS],
        "countries": dict(sorted(countries.items())),
        "roots": _roots(),
        "strings": pools.strings,
        "pool": {name: _pack(rows) for name, rows in pools.records.items()},
        "timeline": timeline,
        "courses": [],
    }
    for c in courses:
        out = {"id": c["id"], "label": c["label"], "kind": c["kind"], "deltas": c["deltas"],
               "chains": c["chains"], "steps": _pack(c["steps"]),
               "escalation": _escalation(c["events"], dates, half_life)}
        if c["kind"] == "scenario":
            out["scenario"] = _scenario(c, main, dates, pools)
        doc["courses"].append(out)
    return doc


# --- dates -----------------------------------------------------------------------------------------------------------


def _dates(logs: list[list[ev.Event]], max_dates: int, cache: dict) -> tuple[list[str], bool]:
    """The sampled dates (ISO) and whether they are every day on which a state changes."""
    candidates = {e.date for log in logs for e in log}
    computed: set[Date] = set()
    while len(candidates) <= max_dates and candidates - computed:
        new = sorted(candidates - computed)
        for log in logs:
            for d in _states(log, [x.isoformat() for x in new], cache):
                candidates |= _change_dates(d)
        computed.update(new)
    if len(candidates) <= max_dates:
        return [d.isoformat() for d in sorted(candidates)], True
    last = max(max(e.date for e in log) for log in logs)
    candidates = {e.date for log in logs for e in log}
    for log in logs:  # the period runs on to the last deadline still pending after the last event
        candidates |= {d for d in _change_dates(_states(log, [last.isoformat()], cache)[0]) if d > last}
    return [d.isoformat() for d in sample_dates(sorted(candidates), max_dates)], False


def _change_dates(doc: dict[str, Any]) -> set[Date]:
    """The days around each deadline and effective date a state holds: people ordered out leave the day after
    their deadline, a closure takes effect on its day (both days are taken, so either reading is sampled)."""
    found: set[str] = set()
    for m in doc.get("missions", ()):
        found.update(d.get("deadline") for d in m.get("departures", ()))
        found.add(m.get("cap_deadline"))
        found.update(p.get("effective") for p in m.get("posts", ()))
    found.update(p.get("effective") for p in doc.get("properties", ()))
    out = set()
    for text in found - {None}:
        day = Date.fromisoformat(text)
        out.add(day)
        if day < Date.max:
            out.add(day + datetime.timedelta(days=1))
    return out


def sample_dates(candidates: Sequence[Date], n: int) -> list[Date]:
    """At most ``n`` of the (sorted) ``candidates``: the first, the last, and between them the latest candidate at or
    before each of ``n - 2`` evenly spaced days.

    >>> days = [Date(2020, 1, k) for k in range(1, 32)]
    >>> [d.day for d in sample_dates(days, 4)]
    [1, 11, 21, 31]
    """
    import bisect

    if len(candidates) <= n:
        return list(candidates)
    first, last = candidates[0], candidates[-1]
    span = (last - first).days
    chosen = {first, last}
    for k in range(1, n - 1):
        target = first + datetime.timedelta(days=span * k // (n - 1))
        chosen.add(candidates[bisect.bisect_right(candidates, target) - 1])
    return sorted(chosen)


# --- states --------------------------------------------------------------------------------------------------------


def _states(events: Sequence[ev.Event], dates: Sequence[str], cache: dict | None = None) -> list[dict[str, Any]]:
    """``diplosim state --format json`` at each date (without ``as_of``: the date says it); ``cache`` keeps them
    per log, so a date is projected once."""
    known = {} if cache is None else cache.setdefault(id(events), {})
    missing = [d for d in dates if d not in known]
    if missing:
        timeline = Timeline(events)
        for d in missing:
            doc = state_json(timeline.at(d))
            doc.pop("as_of", None)
            known[d] = doc
    return [known[d] for d in dates]


class _Pools:
    """Each distinct record once per table, and each distinct source text once."""

    def __init__(self):
        self.records: dict[str, list[Any]] = {}
        self._index: dict[str, dict[str, int]] = {}
        self.strings: list[str] = []
        self._strings: dict[str, int] = {}

    def record(self, table: str, rec: Any) -> int:
        index = self._index.setdefault(table, {})
        text = json.dumps(rec, sort_keys=True, ensure_ascii=False)
        if text not in index:
            index[text] = len(index)
            self.records.setdefault(table, []).append(rec)
        return index[text]

    def string(self, text: str) -> int:
        if text not in self._strings:
            self._strings[text] = len(self.strings)
            self.strings.append(text)
        return self._strings[text]


def _tables(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The state's tables as {table: {key: record}}, with the :data:`PARTS` of records as tables of their own."""
    out: dict[str, dict[str, Any]] = {}
    for table, value in doc.items():
        if not isinstance(value, (list, dict)):
            continue
        keyed = _keyed(table, value)
        for (whole, field), fields in PARTS.items():
            if whole != table:
                continue
            part: dict[str, Any] = {}
            for key, rec in keyed.items():
                if isinstance(rec, dict) and isinstance(rec.get(field), list):
                    part.update((key + PART + k, v) for k, v in _keyed(field, rec[field], fields).items())
                    keyed[key] = {k: v for k, v in rec.items() if k != field}
            out[f"{table}.{field}"] = part
        out[table] = keyed
    return out


def _keyed(table: str, value: Any, fields: tuple[str, ...] | None = None) -> dict[str, Any]:
    """A table of the state as {key: record}: dicts by their keys, lists by :data:`KEYS` (else by content)."""
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    out: dict[str, Any] = {}
    fields = fields or KEYS.get(table)
    for rec in value:
        if fields and isinstance(rec, dict):
            key = "|".join(str(rec.get(f)) for f in fields)
        else:
            key = hashlib.sha1(json.dumps(rec, sort_keys=True).encode()).hexdigest()[:12]
        base, n = key, 1
        while key in out:
            n += 1
            key = f"{base}#{n}"
        out[key] = rec
    return out


def _deltas(docs: list[dict[str, Any]], pools: _Pools) -> list[dict[str, list]]:
    """Per date, per table: ``[key, record index]`` for each record added or changed, ``[key, -1]`` for each gone."""
    before: dict[str, dict[str, int]] = {}
    records: dict[str, dict[str, Any]] = {}
    out = []
    for doc in docs:
        delta: dict[str, list] = {}
        for table, keyed in _tables(doc).items():
            old = before.get(table, {})
            was = records.get(table, {})
            now = {k: old[k] if k in was and was[k] == rec else pools.record(table, rec) for k, rec in keyed.items()}
            records[table] = keyed
            changes = [[k, i] for k, i in now.items() if old.get(k) != i]
            changes += [[k, -1] for k in old if k not in now]
            if changes:
                delta[table] = changes
            before[table] = now
        out.append(delta)
    return out


# --- explanations --------------------------------------------------------------------------------------------------


def _figures(final: dict[str, Any]) -> list[tuple[str, dict[str, Any], tuple[str, ...], Any]]:
    """(key, explain arguments, the two countries it is between, its record at the end) for every figure the
    tables show as explainable: every mission's staff first (the figure most asked about), then the others."""
    out = []
    for figure in MISSION_FIGURES:
        for m in final.get("missions", ()):
            out.append((f"{figure}|{m['sending']}|{m['host']}",
                        {"figure": figure, "sending": m["sending"], "host": m["host"]}, (m["sending"], m["host"]),
                        ("missions", m)))
    for p in final.get("properties", ()):
        out.append((f"property|{p['id']}", {"figure": "property", "property": p["id"]}, (p["owner"], p["host"]),
                    ("properties", p)))
    for x in final.get("sanctions", ()):
        out.append((f"sanction|{x['imposer']}|{x['target']}",
                    {"figure": "sanction", "target": x["target"], "imposer": x["imposer"]},
                    (x["imposer"], x.get("target_country") or ""), ("sanctions", x)))
    return out


def _chains(events: list[ev.Event], final: dict[str, Any], end: Date, budget: list[int], pools: _Pools
            ) -> tuple[dict[str, Any], list[dict[str, Any]], bool]:
    """``diplosim explain --format json`` at ``end`` for each figure of the final state: ``{key: [subject, first
    step, steps]}`` (or ``{"error": ...}``) and the steps of all of them, one after another.  A figure's chain on
    an earlier date is its steps up to that date (the explanation replays the log forward).

    Only the events between the figure's two countries are replayed when that subset ends in the same records
    (an act on a mission, a property or a sanction names the countries it is between); else the whole log."""
    by_pair: dict[frozenset, list[ev.Event]] = {}
    for e in events:
        by_pair.setdefault(frozenset((e.actor, e.target or "")), []).append(e)
    for pair, subset in by_pair.items():
        by_pair[pair] = _unlinked(subset)
    checked: dict[frozenset, bool] = {}
    chains: dict[str, Any] = {}
    all_steps: list[dict[str, Any]] = []
    for key, args, pair, _record in _figures(final):
        if budget[0] <= 0:
            return chains, all_steps, False
        subset = by_pair.get(frozenset(pair), [])
        if frozenset(pair) not in checked:
            checked[frozenset(pair)] = _same_records(subset, final, end, pair)
        course = subset if checked[frozenset(pair)] else events
        try:
            x = explain(course, at=end, **args)
        except DiplosimError as exc:  # a figure explain cannot explain (say, a mission that came in by an act)
            chains[key] = {"error": str(exc)}
            continue
        steps = list(x.to_json()["steps"])
        if not steps:
            continue
        budget[0] -= len(steps)
        for s in steps:
            s["sources"] = [pools.string(src) for src in s.get("sources", ())]
        chains[key] = [x.subject, len(all_steps), len(steps)]
        all_steps.extend(steps)
    return chains, all_steps, True


def _unlinked(subset: list[ev.Event]) -> list[ev.Event]:
    """The subset, its links to proposals outside it dropped (they close proposals, which no figure here reads)."""
    import attrs

    ids = {e.id for e in subset}
    return [e if all(r in ids for r in e.resolves) else attrs.evolve(e, resolves=tuple(r for r in e.resolves
                                                                                       if r in ids))
            for e in subset]


def _same_records(subset: list[ev.Event], final: dict[str, Any], end: Date, pair: tuple[str, ...]) -> bool:
    """Whether replaying only ``subset`` ends with the same missions, properties and sanctions between the two
    countries of ``pair`` as the whole log does."""
    if not subset:
        return False
    try:
        doc = _states(subset, [end.isoformat()])[0]
    except DiplosimError:
        return False
    countries = set(pair)

    def between(d: dict[str, Any]) -> list[str]:
        rows = [dict(m, reported=None) for m in d.get("missions", ())  # claims read no figure; a third party
                if {m["sending"], m["host"]} == countries]                 # may make them
        rows += [p for p in d.get("properties", ()) if {p["owner"], p["host"]} == countries]
        rows += [x for x in d.get("sanctions", ()) if {x["imposer"], x.get("target_country") or ""} == countries]
        return sorted(json.dumps(r, sort_keys=True) for r in rows)
    return between(doc) == between(final)


# --- timeline, escalation, scenarios ---------------------------------------------------------------------------------


def _timeline(events: list[ev.Event], dates: list[str], pools: _Pools) -> tuple[dict[str, Any], str]:
    """``diplosim timeline --format json``: every event, or for a long log the events of the sampled dates."""
    rule = "all"
    kept = events
    if len(events) > MAX_TIMELINE:
        per_date = max(1, MAX_TIMELINE // len(dates))
        wanted = set(dates)
        seen: dict[str, int] = {}
        kept = []
        for e in events:
            d = e.date.isoformat()
            if d in wanted and seen.get(d, 0) < per_date:
                seen[d] = seen.get(d, 0) + 1
                kept.append(e)
        rule = f"the first {per_date} events of each sampled date"
    rows = cameo.timeline_json(kept)
    for r in rows:
        r["sources"] = [pools.string(s) for s in r["sources"]]
    return _pack(rows), rule


def _escalation(events: list[ev.Event], dates: list[str], half_life: float) -> list[list[Any]]:
    """The escalation index of every ordered pair with acts: ``[actor, target, days, values]``, the index on each
    day of its acts (days counted from the first sampled date).  Between two of them it only decays, so the page
    has it on any day.  A pair with more days of acts than there are sampled dates is kept at the sampled dates
    from its first act on instead (the page then joins them with straight lines)."""
    by_dyad: dict[tuple[str, str], list[ev.Event]] = {}
    for e in events:
        if cameo.is_act(e) and not isinstance(e, BASELINE_TYPES):
            a, b = cameo.source_of(e), cameo.target_of(e)
            if a and b and a != b:
                by_dyad.setdefault((a, b), []).append(e)
    first = Date.fromisoformat(dates[0])
    sampled = [Date.fromisoformat(d) for d in dates]
    out = []
    for (a, b), acts in sorted(by_dyad.items()):
        days = sorted({e.date for e in acts})
        thinned = len(days) > len(sampled)
        if thinned:
            days = [d for d in sampled if d >= days[0]]
        values = [r["index"] for r in escalation(acts, a, b, half_life=half_life, dates=days)]
        out.append([a, b, [(d - first).days for d in days], values] + ([True] if thinned else []))
    return out


def _scenario(c: dict[str, Any], main: dict[str, Any], dates: list[str], pools: _Pools) -> dict[str, Any]:
    """A scenario's question, edits, policies, the base events it changed, and the difference from its own base
    at each sampled date (as ``diplosim scenario run --diff-only``)."""
    from ..play.scenario import diff_states

    result = c["result"]
    sc = result.scenario
    base = c["base"]
    label = sc.base if sc.parent is None else sc.parent.name
    same_as_main = base is main["events"] or base == main["events"]
    diff_pool: dict[str, int] = {}
    diff_rows: list[dict[str, Any]] = []
    per_date: list[list[int]] = []
    a_line, b_line = Timeline(list(result.events)), Timeline(base)
    for d in dates:
        ids = []
        for row in diff_states(a_line.at(d), b_line.at(d), Date.fromisoformat(d), labels=("scenario", "base")):
            row.pop("date")
            text = json.dumps(row, sort_keys=True, default=str)
            if text not in diff_pool:
                diff_pool[text] = len(diff_rows)
                diff_rows.append(row)
            ids.append(diff_pool[text])
        per_date.append(ids)
    mine = [e for e in result.events if e.id in result.edited or e.id in result.generated]
    rows = cameo.timeline_json(mine)
    for r in rows:
        r["sources"] = [pools.string(s) for s in r["sources"]]
        r["mark"] = "generated" if r["id"] in result.generated else "edited"
    return {
        "name": sc.name, "title": sc.title, "question": sc.question, "answer": sc.answer, "file": sc.path,
        "base": label, "base_is_log": same_as_main, "fork": sc.fork.isoformat() if sc.fork else None,
        "after_fork": sc.after_fork, "seed": result.seed, "stop_reason": result.stop_reason,
        "outcome": result.outcome,
        "edits": [{"op": x.op, "id": x.id, "after": x.after, "reason": x.reason,
                   "events": [e.id for e in x.events]} for x in sc.edits],
        "policies": [{"country": p.country, "strategy": p.strategy, "params": p.params, "lag_days": p.lag_days}
                     for p in sc.policies],
        "changes": [{"event_id": x.event_id, "action": x.action, "reason": x.reason, "date": x.date.isoformat()}
                    for x in result.changes],
        "events": _pack(rows),
        "diff": {"rows": _pack(diff_rows), "at": per_date},
    }


# --- the page ------------------------------------------------------------------------------------------------------


def _pack(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Rows of the same keys as ``{"cols": [...], "rows": [[...], ...]}``; a row with other keys stays a dict (so a
    field that is absent stays absent, not null)."""
    if not all(isinstance(r, dict) for r in rows):
        return {"cols": None, "rows": rows}  # plain values (a country's name)
    cols = list(rows[0]) if rows else []
    return {"cols": cols, "rows": [[r[c] for c in cols] if list(r) == cols else r for r in rows]}


def _roots() -> dict[str, str]:
    """The label of each CAMEO root code (the first two digits), for the timeline's filter."""
    from ..core.codes import table

    return {code: c.label for code, c in sorted(table().items()) if len(code) == 2}


def _version() -> str:
    from ..core.version import __version__
    return __version__


def _generated(when: datetime.datetime | None) -> str:
    """When the page was made, in UTC; ``SOURCE_DATE_EPOCH`` fixes it (reproducible builds)."""
    if when is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        when = (datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc) if epoch and epoch.isdigit()
                else datetime.datetime.now(datetime.timezone.utc))
    return when.astimezone(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def _hash(text: str) -> str:
    import base64
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def page(doc: dict[str, Any]) -> str:
    """The HTML page: the template with the style sheet, the data and the script inlined.  Its Content Security
    Policy allows only that script and that style (by hash), and no address to load anything from."""
    script, style = _asset("page.js"), _asset("page.css")
    data = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    data = data.replace("<", "\\u003c")  # no "</script>" (or "<!--") can end the data block early
    csp = (f"default-src 'none'; script-src {_hash(script)}; style-src {_hash(style)}; img-src data:; "
           "base-uri 'none'; form-action 'none'")
    values = {"TITLE": _escape(doc["meta"]["title"]), "CSP": csp, "STYLE": style, "DATA": data, "SCRIPT": script}
    return re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], _asset("page.html"))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def check_out(out: str | os.PathLike) -> Path:
    """The page's path, if it names an .html file that can be written (else InputError)."""
    from ..core.files import check_writable

    p = Path(out)
    if p.suffix.lower() not in (".html", ".htm"):
        if p.is_dir():
            raise InputError("is a directory: give the page's file name, ending in .html", str(out))
        raise InputError("the page is HTML: give a file name ending in .html", str(out))
    return check_writable(p)


def write_page(text: str, out: str | os.PathLike) -> Path:
    """Write ``text`` to ``out`` whole or not at all: a temporary file beside it, renamed over it at the end."""
    from ..core.files import write_atomic

    return write_atomic(check_out(out), text)

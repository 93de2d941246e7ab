"""What-if scenarios: fork a base log, edit it, let response strategies play forward, compare with the real course.

A scenario is a TOML file (see README, "Writing a scenario")::

    [scenario]
    title = "..."            question = "..."
    base = "real"            # or a log file, relative to the scenario file
    extends = "other.toml"   # optional: start from another scenario's edited log
    fork = 2016-12-30        # optional; default: the date of the first edit
    after_fork = "keep-possible"   # what happens to base events after the fork: keep | drop | keep-possible
    compare_at = [2017-01-15, 2017-09-02]

    [[edit]]                 # op = remove | replace | insert
    op = "replace"
    id = "putin-declines"
    [[edit.events]]          # the event(s) put in its place, ordinary events
    ...

    [[policy]]               # optional: strategies that answer from the fork date on
    country = "RUS"
    strategy = "tit-for-tat"

The rule for base events after the fork (``after_fork``): ``keep`` keeps every one and fails if one has become
impossible; ``drop`` drops them all; ``keep-possible`` (the default) keeps each one that can still be applied and
drops, with its reason, each one the changed history has made impossible (say, seizing a property that was already
seized).  A kept speech act whose ``resolves`` names a proposal that the edits removed is kept without that link
("adapted").  Every drop and adaptation is listed in the result and printed; nothing is skipped silently.

    >>> sc = Scenario.from_toml(data_dir("scenarios") / "putin-retaliates-2016.toml")
    >>> r = sc.run()
    >>> import datetime
    >>> r.state_at(datetime.date(2017, 9, 2)).missions["USA", "RUS"].staff
    455
"""
from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any, Iterable

import attrs
from attrs import field, frozen

from ..core import errors as E
from ..core import events as ev
from ..core.errors import InputError, RuleViolation
from ..core.fold import apply_in_place, fold
from ..core.log import (data_dir, default_log_path, event_from_dict, field_mentioned, load_log, read_text,
                        shipped_logs)
from ..core.state import State

Date = datetime.date
AFTER_FORK = ("keep", "drop", "keep-possible")
OPS = ("remove", "replace", "insert")


@frozen
class Edit:
    op: str
    id: str | None
    events: tuple[ev.Event, ...]
    after: str | None
    reason: str
    line: int


@frozen
class Policy:
    """A response strategy for one country, with its parameters and response lag."""
    country: str
    strategy: str
    params: dict[str, Any] = field(factory=dict, hash=False)
    lag_days: int = 1
    round_days: int | None = None
    line: int = 0


@frozen
class Stop:
    """When generated play stops: a horizon date, a mission below a floor, an embassy closed, N rounds."""
    horizon: Date | None = None
    floor: int | None = None
    rounds: int | None = None
    embassy_closed: bool = False


@frozen
class Change:
    """A base event dropped or adapted because the edited history made it impossible."""
    event_id: str
    action: str  # "dropped" or "adapted"
    reason: str
    date: Date


@frozen
class Scenario:
    path: str
    name: str
    title: str
    question: str
    answer: str
    base: str
    base_events: tuple[ev.Event, ...] = field(repr=False)
    parent: "Scenario | None" = field(repr=False)
    fork: Date | None
    after_fork: str
    edits: tuple[Edit, ...]
    policies: tuple[Policy, ...]
    stop: Stop
    seed: int
    compare_at: tuple[Date, ...]
    noise: float = 0.0
    countries: tuple[str, str] | None = None
    lines: dict[str, int] = field(factory=dict, eq=False, repr=False)

    @classmethod
    def from_toml(cls, path: str | Path, _chain: tuple[str, ...] = ()) -> "Scenario":
        """Read and check a scenario file; errors name ``file:line``."""
        return _parse(Path(path), _chain)

    def where(self, key: str) -> str:
        line = self.lines.get(key)
        return f"{self.path}:{line}" if line else self.path

    def run(self, seed: int | None = None, *, on_round=None) -> "ScenarioResult":
        """The scenario's log: base events edited, forked, and played forward by its policies."""
        return _run(self, self.seed if seed is None else seed, on_round)


@frozen
class ScenarioResult:
    scenario: Scenario
    events: tuple[ev.Event, ...]
    changes: tuple[Change, ...]
    edited: frozenset[str]
    generated: frozenset[str]
    stop_reason: str | None
    seed: int
    rounds: tuple = ()  # one play.RoundRecord per strategy decision

    @property
    def outcome(self) -> str | None:
        """For played scenarios: ``collapse`` (a floor or an embassy stopped play), ``spiral stopped`` (both
        sides' last two decisions were restraint), or ``still escalating`` at the horizon."""
        if not self.scenario.policies:
            return None
        reason = self.stop_reason or ""
        if "below" in reason or "floor" in reason or "embassy" in reason:
            return "collapse"
        last: dict[str, list] = {}
        for r in self.rounds:
            last.setdefault(r.country, []).append(r.move)
        if last and all(len(moves) >= 2 and moves[-1] is None and moves[-2] is None for moves in last.values()):
            return "spiral stopped"
        if last and all(all(m is None for m in moves) for moves in last.values()):
            return "spiral stopped"
        return "still escalating"

    @property
    def label(self) -> str:
        return self.scenario.name

    def state_at(self, date: Date | None = None) -> State:
        return fold(self.events, until=date)


def load_scenario(path: str | Path) -> Scenario:
    return Scenario.from_toml(path)


# --- parsing ----------------------------------------------------------------------------------------------------


def _lines_of(text: str, header: str) -> list[int]:
    pat = re.compile(rf"^\s*\[\[\s*{re.escape(header)}\s*\]\]")
    return [n for n, line in enumerate(text.splitlines(), 1) if pat.match(line)]


def _key_line(text: str, key: str, start: int = 1, end: int | None = None) -> int:
    pat = re.compile(rf"^\s*{re.escape(key)}\s*=")
    lines = text.splitlines()
    for n in range(start, (end or len(lines) + 1)):
        if n - 1 < len(lines) and pat.match(lines[n - 1]):
            return n
    return start


def _date(value: Any, where: str, what: str) -> Date:
    if isinstance(value, Date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str):
        try:
            return Date.fromisoformat(value)
        except ValueError:
            pass
    raise InputError(f"{what}: bad date {value!r}, want YYYY-MM-DD", where)


def _base_path(base: str, here: Path) -> Path:
    """``real`` (the shipped record), a file relative to the scenario, or a shipped log by name (a file wins)."""
    local = here / base
    if base == "real" or (not local.exists() and base in shipped_logs()):
        return default_log_path() if base == "real" else shipped_logs()[base]
    return local


def _parse(path: Path, chain: tuple[str, ...]) -> Scenario:
    import tomllib

    text = read_text(path)
    p = str(path)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        reason = re.sub(r"\s*\(at line.*\)", "", str(exc))
        raise InputError(f"malformed TOML: {reason}", f"{p}:{m.group(1)}" if m else p) from None
    unknown = sorted(set(doc) - {"scenario", "edit", "policy", "stop"})
    if unknown:
        raise InputError(f"unknown table {unknown[0]!r} (want [scenario], [[edit]], [[policy]], [stop])",
                         f"{p}:{_key_line(text, unknown[0])}")
    head = doc.get("scenario")
    if not isinstance(head, dict):
        raise InputError("no [scenario] table", p)
    allowed = {"name", "title", "question", "answer", "base", "extends", "fork", "after_fork", "compare_at",
               "seed", "noise", "countries"}
    for key in head:
        if key not in allowed:
            raise InputError(f"unknown key {key!r} in [scenario]", f"{p}:{_key_line(text, key)}")
    lines = {k: _key_line(text, k) for k in head}
    here = path.resolve().parent
    name = str(head.get("name") or path.stem)

    # the base: another scenario (extends), a log file, or the real log
    parent = None
    if "extends" in head:
        target = (here / str(head["extends"])).resolve()
        where = f"{p}:{lines['extends']}"
        if str(target) in chain or target == path.resolve():
            raise InputError(f"cycle in extends: {' -> '.join(Path(c).name for c in chain + (str(path.resolve()), str(target)))}",
                             where)
        if not target.is_file():
            raise InputError(f"extends {head['extends']!r}: no such file", where)
        try:
            parent = _parse(target, chain + (str(path.resolve()),))
        except InputError as exc:
            if "cycle in extends" in exc.message:
                raise InputError(exc.message, where) from None
            raise
        base_name = f"scenario {parent.name}"
        base_events = parent.run().events
    else:
        base = head.get("base", "real")
        if not isinstance(base, str) or not base.strip():
            raise InputError(f"base must name a log: \"real\", a shipped log's name or a file (got {base!r:.40})",
                             f"{p}:{lines.get('base', 1)}")
        base_path = _base_path(base, here)
        try:
            base_events = load_log(base_path).events
        except InputError as exc:
            if exc.message == "no such file":
                raise InputError(f"base log {base!r}: no such file (want \"real\", a shipped log's name such as "
                                 f"{next(iter(shipped_logs()), '?')!r}, or a log file relative to the scenario)",
                                 f"{p}:{lines.get('base', 1)}") from None
            raise
        base_name = base
    if not base_events:
        raise InputError("the base log has no events", p)
    first, last = base_events[0].date, base_events[-1].date
    ids = {e.id for e in base_events}

    fork = None
    if "fork" in head:
        fork = _date(head["fork"], f"{p}:{lines['fork']}", "fork")
        if not first <= fork <= last:
            raise InputError(f"fork date {fork} is outside the base log ({first} – {last})", f"{p}:{lines['fork']}")
    after_fork = str(head.get("after_fork", "drop" if doc.get("policy") else "keep-possible"))
    if after_fork not in AFTER_FORK:
        raise InputError(f"after_fork must be one of {', '.join(AFTER_FORK)} (got {after_fork!r})",
                         f"{p}:{lines['after_fork']}")
    compare_at = tuple(_date(v, f"{p}:{lines.get('compare_at', 1)}", "compare_at")
                       for v in head.get("compare_at", []))
    seed = head.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise InputError(f"seed must be a non-negative whole number (got {seed!r})", f"{p}:{lines.get('seed', 1)}")

    noise = head.get("noise", 0.0)
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or not 0.0 <= noise <= 1.0:
        raise InputError(f"noise must be a probability between 0 and 1 (got {noise!r})",
                         f"{p}:{lines.get('noise', 1)}")
    pair = head.get("countries")
    if pair is not None:
        from ..core import countries as _countries
        if (not isinstance(pair, list) or len(pair) != 2 or pair[0] == pair[1]
                or not all(isinstance(c, str) and _countries.is_known(c) for c in pair)):
            raise InputError(f"countries must name two different known countries, like [\"USA\", \"RUS\"] "
                             f"(got {pair!r})", f"{p}:{lines['countries']}")
        pair = (pair[0], pair[1])
    edits = _parse_edits(doc.get("edit", []), text, p, name, ids, first)
    policies = _parse_policies(doc.get("policy", []), text, p)
    stop = _parse_stop(doc.get("stop", {}), text, p)
    if policies and after_fork != "drop":
        raise InputError("policies play forward from the fork in place of the base events after it: "
                         "after_fork must be drop", f"{p}:{lines.get('after_fork', 1)}")
    if policies and fork is None and not edits:
        raise InputError("policies need a fork date to start from: add fork = YYYY-MM-DD", p)
    if policies and stop.horizon is None:
        raise InputError("policies need a horizon: [stop] horizon = YYYY-MM-DD", p)
    if len(policies) == 1 and pair is None:
        raise InputError("with one [[policy]], name the pair: countries = [\"USA\", \"RUS\"] in [scenario]", p)
    if len({x.country for x in policies}) != len(policies):
        raise InputError("two [[policy]] tables for the same country", f"{p}:{policies[-1].line}")
    if pair is not None and not {x.country for x in policies} <= set(pair):
        raise InputError("a [[policy]] country is not one of the scenario's countries", f"{p}:{policies[0].line}")
    if policies and stop.horizon is not None and fork is not None and stop.horizon <= fork:
        raise InputError(f"horizon {stop.horizon} is not after the fork {fork}", p)
    return Scenario(p, name, str(head.get("title", name)), str(head.get("question", "")),
                    str(head.get("answer", "")), base_name, tuple(base_events), parent, fork, after_fork,
                    edits, policies, stop, seed, compare_at, float(noise), pair, lines)


def _parse_edits(raw: Any, text: str, p: str, name: str, ids: set[str], first: Date) -> tuple[Edit, ...]:
    if not isinstance(raw, list):
        raise InputError("'edit' must be an array of tables: write [[edit]]", p)
    starts = _lines_of(text, "edit")
    out = []
    for i, item in enumerate(raw):
        start = starts[i] if i < len(starts) else 1
        end = starts[i + 1] if i + 1 < len(starts) else None
        where = f"{p}:{start}"
        extra = sorted(set(item) - {"op", "id", "events", "after", "reason"})
        if extra:
            raise InputError(f"unknown key {extra[0]!r} in [[edit]]", f"{p}:{_key_line(text, extra[0], start, end)}")
        op = item.get("op")
        if op not in OPS:
            raise InputError(f"edit op must be one of {', '.join(OPS)} (got {op!r})",
                             f"{p}:{_key_line(text, 'op', start, end)}")
        target = item.get("id")
        if op in ("remove", "replace"):
            if not isinstance(target, str):
                raise InputError(f"a {op} edit needs the id of the base event it changes", where)
            if target not in ids:
                raise InputError(f"edit addresses unknown event id {target!r}",
                                 f"{p}:{_key_line(text, 'id', start, end)}")
        after = item.get("after")
        if after is not None and after not in ids:
            raise InputError(f"insert after unknown event id {after!r}", f"{p}:{_key_line(text, 'after', start, end)}")
        raw_events = item.get("events", [])
        if op == "remove" and raw_events:
            raise InputError("a remove edit takes no events (use replace)", where)
        if op in ("replace", "insert") and not raw_events:
            raise InputError(f"a {op} edit needs at least one [[edit.events]]", where)
        ev_starts = [n for n in _lines_of(text, "edit.events") if n > start and (end is None or n < end)]
        events = []
        for j, data in enumerate(raw_events):
            ev_line = ev_starts[j] if j < len(ev_starts) else start
            ev_end = ev_starts[j + 1] if j + 1 < len(ev_starts) else end
            ev_where = f"{p}:{ev_line}"
            if isinstance(data, dict) and "generated_by" not in data and "sources" not in data:
                data = dict(data, generated_by=f"scenario {name}")
            try:
                e = event_from_dict(data)
            except InputError as exc:
                key = field_mentioned(exc.message)
                line = _key_line(text, key, ev_line, ev_end) if key else ev_line
                raise InputError(exc.message, f"{p}:{line}") from None
            if e.date < first:
                raise InputError(f"event {e.id} is dated {e.date}, before the base log begins ({first})", ev_where)
            if e.id in ids and not (op == "replace" and e.id == target):
                raise InputError(f"event id {e.id!r} is already used in the base log", ev_where)
            events.append(e)
        out.append(Edit(op, target, tuple(events), after, str(item.get("reason", "")), start))
    return tuple(out)


def _parse_policies(raw: Any, text: str, p: str) -> tuple[Policy, ...]:
    from ..core import countries

    if not isinstance(raw, list):
        raise InputError("'policy' must be an array of tables: write [[policy]]", p)
    starts = _lines_of(text, "policy")
    out = []
    for i, item in enumerate(raw):
        start = starts[i] if i < len(starts) else 1
        end = starts[i + 1] if i + 1 < len(starts) else None
        extra = sorted(set(item) - {"country", "strategy", "params", "lag_days", "round_days"})
        if extra:
            raise InputError(f"unknown key {extra[0]!r} in [[policy]]", f"{p}:{_key_line(text, extra[0], start, end)}")
        country = item.get("country")
        if not isinstance(country, str) or not countries.is_known(country):
            raise InputError(f"unknown country code {country!r} in [[policy]]",
                             f"{p}:{_key_line(text, 'country', start, end)}")
        strategy = item.get("strategy")
        params = item.get("params", {})
        if not isinstance(params, dict):
            raise InputError("params must be a table, e.g. params = { p = 0.1 }",
                             f"{p}:{_key_line(text, 'params', start, end)}")
        try:
            from .strategies import get
            get(str(strategy), **params)
        except InputError as exc:
            key = "params" if params and not exc.message.startswith("unknown strategy") else "strategy"
            raise InputError(exc.message, f"{p}:{_key_line(text, key, start, end)}") from None
        lag = item.get("lag_days", 1)
        if not isinstance(lag, int) or isinstance(lag, bool) or lag < 0:
            raise InputError(f"lag_days must be a whole number of days >= 0 (got {lag!r})",
                             f"{p}:{_key_line(text, 'lag_days', start, end)}")
        rd = item.get("round_days")
        if rd is not None and (not isinstance(rd, int) or isinstance(rd, bool) or rd < 1):
            raise InputError(f"round_days must be a whole number of days >= 1 (got {rd!r})",
                             f"{p}:{_key_line(text, 'round_days', start, end)}")
        out.append(Policy(country, str(strategy), dict(params), lag, rd, start))
    return tuple(out)


def _parse_stop(raw: Any, text: str, p: str) -> Stop:
    if not isinstance(raw, dict):
        raise InputError("[stop] must be a table", p)
    extra = sorted(set(raw) - {"horizon", "floor", "rounds", "embassy_closed"})
    if extra:
        raise InputError(f"unknown key {extra[0]!r} in [stop]", f"{p}:{_key_line(text, extra[0])}")
    horizon = _date(raw["horizon"], f"{p}:{_key_line(text, 'horizon')}", "horizon") if "horizon" in raw else None
    for key in ("floor", "rounds"):
        v = raw.get(key)
        if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < (0 if key == "floor" else 1)):
            raise InputError(f"{key} must be a whole number {'>= 0' if key == 'floor' else '>= 1'} (got {v!r})",
                             f"{p}:{_key_line(text, key)}")
    return Stop(horizon, raw.get("floor"), raw.get("rounds"), bool(raw.get("embassy_closed", False)))


# --- running --------------------------------------------------------------------------------------------------------


def edited_log(sc: Scenario) -> tuple[list[ev.Event], frozenset[str]]:
    """The base events with the scenario's edits applied, in date order, and the ids the edits brought in."""
    removed = {e.id for e in sc.edits if e.op == "remove"}
    replaced = {e.id: e.events for e in sc.edits if e.op == "replace"}
    inserted_after: dict[str, list[ev.Event]] = {}
    inserted_dated: list[ev.Event] = []
    for e in sc.edits:
        if e.op == "insert":
            if e.after:
                inserted_after.setdefault(e.after, []).extend(e.events)
            else:
                inserted_dated.extend(e.events)
    out: list[ev.Event] = []
    for e in sc.base_events:
        if e.id in removed:
            continue
        out.extend(replaced.get(e.id, (e,)))
        out.extend(inserted_after.get(e.id, ()))
    # dated inserts go after the base events of their date; a stable sort keeps everything else in file order
    keyed = [(x.date, 0, i, x) for i, x in enumerate(out)] + [(x.date, 1, i, x) for i, x in enumerate(inserted_dated)]
    keyed.sort(key=lambda t: (t[0], t[1], t[2]))
    brought = frozenset(x.id for edit in sc.edits for x in edit.events)
    return [t[3] for t in keyed], brought


def fork_date(sc: Scenario) -> Date | None:
    if sc.fork is not None:
        return sc.fork
    by_id = {e.id: e for e in sc.base_events}
    dates = []
    for edit in sc.edits:
        if edit.id is not None:
            dates.append(by_id[edit.id].date)
        dates.extend(e.date for e in edit.events)
    return min(dates) if dates else None


def _run(sc: Scenario, seed: int, on_round) -> ScenarioResult:
    events, brought = edited_log(sc)
    fork = fork_date(sc)
    s = State()
    kept: list[ev.Event] = []
    changes: list[Change] = []
    for e in events:
        after = fork is not None and e.date > fork and e.id not in brought
        if after and sc.after_fork == "drop":
            changes.append(Change(e.id, "dropped", "after the fork (after_fork = drop)", e.date))
            continue
        try:
            trial = s.copy() if after else s
            apply_in_place(trial, e)
            s = trial
            kept.append(e)
            continue
        except RuleViolation as exc:
            problem = exc
        if after and sc.after_fork == "keep-possible":
            adapted = _adapt(s, e, problem)
            if adapted is not None:
                apply_in_place(s, adapted)
                kept.append(adapted)
                changes.append(Change(e.id, "adapted", f"kept without resolves: {problem.detail}", e.date))
            else:
                changes.append(Change(e.id, "dropped", f"impossible after the edits: {problem}", e.date))
            continue
        edit = next((x for x in sc.edits if any(y.id == e.id for y in x.events)), None)
        where = f"{sc.path}:{edit.line}" if edit else sc.path
        raise InputError(f"the edited log breaks a rule: {problem}", where)
    generated: frozenset[str] = frozenset()
    stop_reason = None
    rounds: tuple = ()
    if sc.policies:
        played = _play(sc, s, kept, fork, seed, on_round)
        kept.extend(played)
        generated = frozenset(e.id for e in played)
        stop_reason, rounds = played.stopped, tuple(played.rounds)
    return ScenarioResult(sc, tuple(kept), tuple(changes), brought, generated, stop_reason, seed, rounds)


def _play(sc: Scenario, s: State, kept: list[ev.Event], fork: Date | None, seed: int, on_round):
    """Let the scenario's policies answer each other from the day after the fork (they remember the events up to
    and including the fork day) until the horizon or a stop condition; see :mod:`diplosim.play.calendar`."""
    from . import calendar as pl
    from .strategies import get

    start = (fork or kept[-1].date) + datetime.timedelta(days=1)
    policies = [pl.Policy(p.country, get(p.strategy, **p.params), lag_days=p.lag_days, round_days=p.round_days)
                for p in sc.policies]
    stop = pl.Stop(floor=sc.stop.floor, embassy_closed=sc.stop.embassy_closed, rounds=sc.stop.rounds)
    return pl.play(s, policies, start=start, horizon=sc.stop.horizon, seed=seed, stop=stop, noise=sc.noise,
                   history=kept, countries=sc.countries, on_round=on_round)


def _adapt(s: State, e: ev.Event, problem: RuleViolation) -> ev.Event | None:
    """A speech act that resolves a proposal the edits removed can stand without that link."""
    if problem.rule != E.RESOLVES_OPEN:
        return None
    still = tuple(r for r in e.resolves if r in s.open_items)
    candidate = attrs.evolve(e, resolves=still)
    try:
        trial = s.copy()
        apply_in_place(trial, candidate)
    except RuleViolation:
        return None
    return candidate


# --- comparing ------------------------------------------------------------------------------------------------------


def comparable(s: State) -> dict[tuple[str, str, str], Any]:
    """The figures a diff compares: (table, key, field) -> value."""
    out: dict[tuple[str, str, str], Any] = {}
    for m in s.missions.values():
        key = f"{m.sending}→{m.host}"
        out["missions", key, "staff"] = m.staff
        out["missions", key, "pending_departures"] = m.pending_departures
        out["missions", key, "cap"] = m.cap
        for p in m.posts.values():
            out["posts", f"{key} {p.name}", "status"] = p.status
    for p in s.properties.values():
        out["properties", p.id, "status"] = p.status
    # sanctions are compared per imposer and target country (how many targets, which measures): a spiral can
    # designate hundreds of targets, and `state --table sanctions` lists them one by one
    targets: dict[str, int] = {}
    measures: dict[str, set[str]] = {}
    for x in s.sanctions.values():
        key = f"{x.imposer}→{x.target_country or '?'}"
        targets[key] = targets.get(key, 0) + 1
        measures.setdefault(key, set()).update(x.measures)
    for key in targets:
        out["sanctions", key, "targets"] = targets[key]
        out["sanctions", key, "measures"] = ", ".join(sorted(measures[key]))
    for o in s.open_items.values():
        out["open_proposals", o.event_id, "status"] = "open"
    return out


def diff_states(a: State, b: State, date: Date, *, all_rows: bool = False,
                labels: tuple[str, str] = ("scenario", "against")) -> list[dict[str, Any]]:
    """Rows comparing two states at ``date``: only those that differ unless ``all_rows``."""
    ca, cb = comparable(a), comparable(b)
    rows = []
    for key in sorted(set(ca) | set(cb)):
        va, vb = ca.get(key), cb.get(key)
        if va != vb or all_rows:
            rows.append({"date": date.isoformat(), "table": key[0], "key": key[1], "field": key[2],
                         labels[0]: va, labels[1]: vb, "differs": va != vb})
    return rows


def diff_results(a_events: Iterable[ev.Event], b_events: Iterable[ev.Event], dates: Iterable[Date], *,
                 all_rows: bool = False, labels: tuple[str, str] = ("scenario", "against")) -> list[dict[str, Any]]:
    a_events, b_events = list(a_events), list(b_events)
    rows = []
    for d in dates:
        rows.extend(diff_states(fold(a_events, until=d), fold(b_events, until=d), d, all_rows=all_rows,
                                labels=labels))
    return rows


def shipped() -> list[Path]:
    """The scenario files shipped with diplosim, by name."""
    return sorted(data_dir("scenarios").glob("*.toml"))

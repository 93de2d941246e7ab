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
from pathlib import Path
from typing import Any

import attrs
from attrs import field, frozen

from ..core import errors as E
from ..core import events as ev
from ..core.errors import InputError, RuleViolation
from ..core.fold import apply_in_place, fold
from ..core.limits import MAX_SEED, env_hint, limit
from ..core.log import data_dir, default_log_path, load_log, shipped_logs
from ..core.state import State
from .scenario_file import (key_line, parse_after_fork, parse_blocs, parse_countries, parse_edits,  # noqa: F401
                            parse_policies, parse_stop, short, table_line, to_date, whole)
from .scenario_model import AFTER_FORK, OPS, Change, Edit, Policy, Stop  # noqa: F401  (public here too)

Date = datetime.date
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
    countries: tuple[str, ...] | None = None
    lines: dict[str, int] = field(factory=dict, eq=False, repr=False)
    #: bloc name -> members, for multilateral strategies
    blocs: dict[str, tuple[str, ...]] = field(factory=dict, hash=False)
    #: what happens to base events after the fork, per country (``RUS``) or pair (``RUS:USA``), over after_fork
    after_fork_rules: dict[str, str] = field(factory=dict, hash=False)

    def rule_for(self, e: ev.Event) -> str:
        """What happens to the base event ``e`` after the fork: keep, drop or keep-possible.  With policies, the
        default drops the acts of a country that plays (its policy decides them) and keeps the rest if possible."""
        given = self.rule_given(e)
        if given is not None:
            return given
        if self.after_fork == "default":  # a record (a baseline, departures that took place) is no act: kept
            played = e.category != "record" and any(x.country == e.actor for x in self.policies)
            return "drop" if played else "keep-possible"
        return self.after_fork

    def rule_given(self, e: ev.Event) -> str | None:
        """The rule the file's after_fork table gives ``e`` by its pair (actor first) or its actor, if any."""
        rules = self.after_fork_rules
        if e.target is not None and f"{e.actor}:{e.target}" in rules:
            return rules[f"{e.actor}:{e.target}"]
        return rules.get(e.actor)

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
        reason = (self.stop_reason or "").lower()  # "the Embassy in Washington (RUS) was closed"
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


def _resolve(path: Path, where: str) -> Path:
    try:
        return path.resolve()
    except (RuntimeError, OSError):  # a loop of symbolic links
        raise InputError(f"{path.name}: a loop of symbolic links", where) from None


def _base_path(base: str, here: Path) -> Path:
    """``real`` (the shipped record), a file relative to the scenario, or a shipped log by name (a file wins)."""
    local = here / base
    if base == "real" or (not local.exists() and base in shipped_logs()):
        return default_log_path() if base == "real" else shipped_logs()[base]
    return local


def _parse(path: Path, chain: tuple[str, ...]) -> Scenario:
    from ..core.files import loads_toml, read_text

    text = read_text(path, "scenario file")
    p = str(path)
    doc = loads_toml(text, p)
    unknown = sorted(set(doc) - {"scenario", "edit", "policy", "stop", "blocs"})
    if unknown:
        raise InputError(f"unknown table {unknown[0]!r} (want [scenario], [[edit]], [[policy]], [stop], [blocs])",
                         f"{p}:{table_line(text, unknown[0])}")
    head = doc.get("scenario")
    if not isinstance(head, dict):
        raise InputError("no [scenario] table", p)
    allowed = {"name", "title", "question", "answer", "base", "extends", "fork", "after_fork", "compare_at",
               "seed", "noise", "countries"}
    for key in head:
        if key not in allowed:
            raise InputError(f"unknown key {key!r} in [scenario]", f"{p}:{key_line(text, key)}")
    for key in ("name", "title", "question", "answer", "extends"):
        if key in head and not isinstance(head[key], str):
            raise InputError(f"{key} must be a string (got {short(head[key])})", f"{p}:{key_line(text, key)}")
    lines = {k: key_line(text, k, table="scenario") for k in head}
    here = _resolve(path, p).parent
    name = str(head.get("name") or path.stem)

    # the base: another scenario (extends), a log file, or the real log
    parent = None
    if "extends" in head:
        target = _resolve(here / head["extends"], f"{p}:{lines['extends']}")
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
        fork = to_date(head["fork"], f"{p}:{lines['fork']}", "fork")
        if not first <= fork <= last:
            raise InputError(f"fork date {fork} is outside the base log ({first} – {last})", f"{p}:{lines['fork']}")
    after_fork, rules = parse_after_fork(head.get("after_fork"), bool(doc.get("policy")), text, p)
    compare_at = head.get("compare_at", [])
    if not isinstance(compare_at, list):
        raise InputError(f"compare_at must be a list of dates, like [2017-09-02] (got {short(compare_at)})",
                         f"{p}:{lines['compare_at']}")
    compare_at = tuple(to_date(v, f"{p}:{lines.get('compare_at', 1)}", "compare_at") for v in compare_at)
    seed = whole(head.get("seed", 0), "seed", 0, MAX_SEED, f"{p}:{lines.get('seed', 1)}")

    noise = head.get("noise", 0.0)
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or not 0.0 <= noise <= 1.0:
        raise InputError(f"noise must be a probability between 0 and 1 (got {short(noise)})",
                         f"{p}:{lines.get('noise', 1)}")
    pair = parse_countries(head.get("countries"), base_events, f"{p}:{lines.get('countries', 1)}")
    blocs = parse_blocs(doc.get("blocs", {}), text, p)
    edits = parse_edits(doc.get("edit", []), text, p, name, ids, first)
    policies = parse_policies(doc.get("policy", []), text, p)
    stop = parse_stop(doc.get("stop", {}), text, p)
    if policies and fork is None and not edits:
        raise InputError("policies need a fork date to start from: add fork = YYYY-MM-DD", p)
    if policies and stop.horizon is None:
        raise InputError("policies need a horizon: [stop] horizon = YYYY-MM-DD", p)
    if len(policies) == 1 and pair is None:
        raise InputError("with one [[policy]], name the countries in play: countries = [\"USA\", \"RUS\"] (or "
                         "\"all\") in [scenario]", p)
    if len({x.country for x in policies}) != len(policies):
        raise InputError("two [[policy]] tables for the same country", f"{p}:{policies[-1].line}")
    for x in policies:
        if pair is not None and x.country not in pair:
            raise InputError(f"a [[policy]] for {x.country}, which is not one of the scenario's countries",
                             f"{p}:{x.line}")
        for c in x.against or ():
            if c == x.country or (pair is not None and c not in pair) or (pair is None and c not in
                                                                         {y.country for y in policies}):
                raise InputError(f"the [[policy]] of {x.country} answers {c}, which is not a counterpart in play",
                                 f"{p}:{x.line}")
    for key in rules:
        for c in key.split(":"):
            if not any(c == x.country for x in policies) and (pair is None or c not in pair) \
                    and c not in {e.actor for e in base_events}:
                raise InputError(f"after_fork names {c}, which plays no part in the scenario",
                                 f"{p}:{lines.get('after_fork', 1)}")
    if policies and stop.horizon is not None and fork is not None and stop.horizon <= fork:
        raise InputError(f"horizon {stop.horizon} is not after the fork {fork}",
                         f"{p}:{key_line(text, 'horizon')}")
    from .calendar import LATEST_HORIZON
    if policies and stop.horizon is not None and stop.horizon > LATEST_HORIZON:
        raise InputError(f"horizon {stop.horizon}: play ends by {LATEST_HORIZON} at the latest (deadlines are "
                         f"counted past the horizon)", f"{p}:{key_line(text, 'horizon')}")
    if policies and stop.horizon is not None and (stop.horizon - (fork or first)).days > limit("MAX_PLAY_DAYS"):
        raise InputError(f"horizon {stop.horizon}: more than {limit('MAX_PLAY_DAYS'):,} days of play after "
                         f"{fork or first} {env_hint('MAX_PLAY_DAYS')}", f"{p}:{key_line(text, 'horizon')}")
    return Scenario(p, name, str(head.get("title", name)), str(head.get("question", "")),
                    str(head.get("answer", "")), base_name, tuple(base_events), parent, fork, after_fork,
                    edits, policies, stop, seed, compare_at, float(noise), pair, lines, blocs, rules)


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
    world: list[ev.Event] = []  # with policies: base events after the fork that no policy plays
    keep_all: set[str] = set()  # of those, the ones whose rule is keep (impossible = an error)
    for e in events:
        after = fork is not None and e.date > fork and e.id not in brought
        rule = sc.rule_for(e) if after else None
        if rule == "drop":
            changes.append(Change(e.id, "dropped", _dropped_why(sc, e), e.date))
            continue
        if after and sc.policies:
            world.append(e)
            if rule == "keep":
                keep_all.add(e.id)
            continue
        try:
            trial = s.copy() if after else s
            apply_in_place(trial, e)
            s = trial
            kept.append(e)
            continue
        except RuleViolation as exc:
            problem = exc
        if rule == "keep-possible":
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
        played = _play(sc, s, kept, fork, seed, on_round, world)
        for e, why in played.dropped:
            if e.id in keep_all:
                raise InputError(f"a base event kept after the fork (after_fork = keep) breaks a rule in play: "
                                 f"{why}", sc.where("after_fork"))
            changes.append(Change(e.id, "dropped", why, e.date))
        kept.extend(played)
        generated = frozenset(e.id for e in played if e.generated_by)
        stop_reason, rounds = played.stopped, tuple(played.rounds)
        changes.sort(key=lambda c: c.date)
    return ScenarioResult(sc, tuple(kept), tuple(changes), brought, generated, stop_reason, seed, rounds)


def _dropped_why(sc: Scenario, e: ev.Event) -> str:
    # dropped by the default (no rule of the file names it): the act of a country that plays
    if sc.after_fork == "default" and sc.rule_given(e) is None:
        return f"after the fork: the policy of {e.actor} decides its acts"
    return "after the fork (after_fork = drop)"


def _play(sc: Scenario, s: State, kept: list[ev.Event], fork: Date | None, seed: int, on_round,
          world: list[ev.Event]):
    """Let the scenario's policies answer each other from the day after the fork (they remember the events up to
    and including the fork day) until the horizon or a stop condition, while the base events no policy plays
    happen on their dates; see :mod:`diplosim.play.calendar`."""
    from . import calendar as pl
    from .strategies import get

    start = (fork or kept[-1].date) + datetime.timedelta(days=1)
    policies = [pl.Policy(p.country, get(p.strategy, **p.params), lag_days=p.lag_days, round_days=p.round_days,
                          against=p.against)
                for p in sc.policies]
    stop = pl.Stop(floor=sc.stop.floor, embassy_closed=sc.stop.embassy_closed, rounds=sc.stop.rounds,
                   quiet_rounds=sc.stop.quiet_rounds)
    return pl.play(s, policies, start=start, horizon=sc.stop.horizon, seed=seed, stop=stop, noise=sc.noise,
                   history=kept, countries=sc.countries, world_events=world, blocs=sc.blocs, on_round=on_round)


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


# --- comparing: diplosim.play.compare (public here too) -----------------------------------------------------------

from .compare import comparable, diff_results, diff_states  # noqa: E402,F401


def shipped() -> list[Path]:
    """The scenario files shipped with diplosim, by name."""
    return sorted(data_dir("scenarios").glob("*.toml"))

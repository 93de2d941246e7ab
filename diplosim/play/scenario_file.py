"""Reading the tables of a scenario file into its parts, every problem named at its file:line."""
from __future__ import annotations

import datetime
import re
from typing import Any

from ..core.errors import InputError, short
from ..core.limits import MAX_FIGURE, limit
from ..core.log import event_from_dict, field_mentioned
from .scenario_model import AFTER_FORK, OPS, Edit, Policy, Stop

Date = datetime.date


def lines_of(text: str, header: str) -> list[int]:
    pat = re.compile(rf"^\s*\[\[\s*{re.escape(header)}\s*\]\]")
    return [n for n, line in enumerate(text.splitlines(), 1) if pat.match(line)]


def key_line(text: str, key: str, start: int = 1, end: int | None = None, table: str | None = None) -> int:
    """The line of ``key = ...`` between lines ``start`` and ``end`` (or of ``table.key = ...``, a dotted key of the
    table ``table``); ``start`` when it is not found."""
    dotted = rf"(?:{re.escape(table)}\s*\.\s*)?" if table else ""
    pat = re.compile(rf"^\s*{dotted}{re.escape(key)}\s*=")
    lines = text.splitlines()
    for n in range(start, (end or len(lines) + 1)):
        if n - 1 < len(lines) and pat.match(lines[n - 1]):
            return n
    return start


def table_line(text: str, name: str) -> int:
    """The line of the table ``name``: its header (``[name]``, ``[[name]]``, ``[name.part]``), else a key ``name =``."""
    pat = re.compile(rf"^\s*\[\[?\s*{re.escape(name)}\s*[\].]")
    for n, line in enumerate(text.splitlines(), 1):
        if pat.match(line):
            return n
    return key_line(text, name)


def to_date(value: Any, where: str, what: str) -> Date:
    from ..core.limits import MAX_DATE, MIN_DATE

    day = None
    if isinstance(value, Date) and not isinstance(value, datetime.datetime):
        day = value
    elif isinstance(value, str):
        try:
            day = Date.fromisoformat(value)
        except ValueError:
            pass
    if day is None:
        raise InputError(f"{what}: bad date {short(value)}, want YYYY-MM-DD", where)
    if not MIN_DATE <= day <= MAX_DATE:
        raise InputError(f"{what}: {day} is outside the calendar diplosim keeps ({MIN_DATE} to {MAX_DATE})", where)
    return day


def whole(value: Any, key: str, low: int, high: int, where: str, unit: str = "") -> int:
    """A whole number from ``low`` to ``high`` (else InputError at ``where``)."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InputError(f"{key} must be a whole number{unit} from {low:,} to {high:,} (got {short(value)})", where)
    return value


def _tables(raw: Any, text: str, p: str, header: str, allowed: set[str]):
    """Each table of the array ``[[header]]`` with its first line and the first line of the next (None: the last),
    after checking that it is a table of ``allowed`` keys."""
    if not isinstance(raw, list):
        raise InputError(f"'{header}' must be an array of tables: write [[{header}]]", p)
    starts = lines_of(text, header)
    for i, item in enumerate(raw):
        start = starts[i] if i < len(starts) else 1
        end = starts[i + 1] if i + 1 < len(starts) else None
        if not isinstance(item, dict):
            raise InputError(f"each {header} must be a table (write [[{header}]] and its keys), got {short(item)}",
                             f"{p}:{start}")
        extra = sorted(set(item) - allowed)
        if extra:
            raise InputError(f"unknown key {extra[0]!r} in [[{header}]]", f"{p}:{key_line(text, extra[0], start, end)}")
        yield item, start, end


def parse_edits(raw: Any, text: str, p: str, name: str, ids: set[str], first: Date) -> tuple[Edit, ...]:
    out = []
    for item, start, end in _tables(raw, text, p, "edit", {"op", "id", "events", "after", "reason"}):
        where = f"{p}:{start}"
        op = item.get("op")
        if op not in OPS:
            raise InputError(f"edit op must be one of {', '.join(OPS)} (got {short(op)})",
                             f"{p}:{key_line(text, 'op', start, end)}")
        target = item.get("id")
        if op in ("remove", "replace"):
            if not isinstance(target, str):
                raise InputError(f"a {op} edit needs the id of the base event it changes", where)
            if target not in ids:
                raise InputError(f"edit addresses unknown event id {target!r}",
                                 f"{p}:{key_line(text, 'id', start, end)}")
        after = item.get("after")
        if after is not None and (not isinstance(after, str) or after not in ids):
            raise InputError(f"insert after unknown event id {short(after)}",
                             f"{p}:{key_line(text, 'after', start, end)}")
        raw_events = item.get("events", [])
        if not isinstance(raw_events, list):
            raise InputError(f"events of an edit must be an array of tables: write [[edit.events]] (got "
                             f"{short(raw_events)})", f"{p}:{key_line(text, 'events', start, end)}")
        reason = item.get("reason", "")
        if not isinstance(reason, str):
            raise InputError(f"reason must be a string (got {short(reason)})",
                             f"{p}:{key_line(text, 'reason', start, end)}")
        if op == "remove" and raw_events:
            raise InputError("a remove edit takes no events (use replace)", where)
        if op in ("replace", "insert") and not raw_events:
            raise InputError(f"a {op} edit needs at least one [[edit.events]]", where)
        ev_starts = [n for n in lines_of(text, "edit.events") if n > start and (end is None or n < end)]
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
                line = key_line(text, key, ev_line, ev_end) if key else ev_line
                raise InputError(exc.message, f"{p}:{line}") from None
            if e.date < first:
                raise InputError(f"event {e.id} is dated {e.date}, before the base log begins ({first})", ev_where)
            if e.id in ids and not (op == "replace" and e.id == target):
                raise InputError(f"event id {e.id!r} is already used in the base log", ev_where)
            events.append(e)
        out.append(Edit(op, target, tuple(events), after, reason, start))
    return tuple(out)


def parse_policies(raw: Any, text: str, p: str) -> tuple[Policy, ...]:
    from ..core import countries

    out = []
    for item, start, end in _tables(raw, text, p, "policy",
                                    {"country", "strategy", "params", "lag_days", "round_days", "against"}):
        country = item.get("country")
        if not isinstance(country, str) or not countries.is_known(country):
            raise InputError(f"unknown country code {short(country)} in [[policy]]",
                             f"{p}:{key_line(text, 'country', start, end)}")
        strategy = item.get("strategy")
        if not isinstance(strategy, str):
            raise InputError(f"strategy must be a strategy's name, like \"tit-for-tat\" (got {short(strategy)})",
                             f"{p}:{key_line(text, 'strategy', start, end)}")
        params = item.get("params", {})
        if not isinstance(params, dict):
            raise InputError("params must be a table, e.g. params = { p = 0.1 }",
                             f"{p}:{key_line(text, 'params', start, end)}")
        try:
            from .strategies import get
            get(str(strategy), **params)
        except InputError as exc:
            key = "params" if params and not exc.message.startswith("unknown strategy") else "strategy"
            raise InputError(exc.message, f"{p}:{key_line(text, key, start, end)}") from None
        step = limit("MAX_STEP_DAYS")
        lag = whole(item.get("lag_days", 1), "lag_days", 0, step, f"{p}:{key_line(text, 'lag_days', start, end)}",
                    " of days")
        rd = item.get("round_days")
        if rd is not None:
            whole(rd, "round_days", 1, step, f"{p}:{key_line(text, 'round_days', start, end)}", " of days")
        against = item.get("against")
        if against is not None and (not isinstance(against, list) or not against or not all(
                isinstance(c, str) and countries.is_known(c) for c in against) or len(set(against)) != len(against)):
            raise InputError(f"against must list the counterparts this policy answers, known country codes, each "
                             f"once (got {short(against)})", f"{p}:{key_line(text, 'against', start, end)}")
        out.append(Policy(country, str(strategy), dict(params), lag, rd, start,
                          None if against is None else tuple(against)))
    return tuple(out)


def parse_stop(raw: Any, text: str, p: str) -> Stop:
    if not isinstance(raw, dict):
        raise InputError("[stop] must be a table", p)
    extra = sorted(set(raw) - {"horizon", "floor", "rounds", "embassy_closed", "quiet_rounds"})
    if extra:
        raise InputError(f"unknown key {extra[0]!r} in [stop]", f"{p}:{key_line(text, extra[0])}")
    horizon = to_date(raw["horizon"], f"{p}:{key_line(text, 'horizon')}", "horizon") if "horizon" in raw else None
    for key in ("floor", "rounds", "quiet_rounds"):
        v = raw.get(key)
        if v is not None:
            whole(v, key, 0 if key == "floor" else 1, MAX_FIGURE if key == "floor" else limit("MAX_ROUNDS"),
                  f"{p}:{key_line(text, key)}")
    closed = raw.get("embassy_closed", False)
    if not isinstance(closed, bool):
        raise InputError(f"embassy_closed must be true or false (got {short(closed)})",
                         f"{p}:{key_line(text, 'embassy_closed')}")
    return Stop(horizon, raw.get("floor"), raw.get("rounds"), closed, raw.get("quiet_rounds"))


def parse_after_fork(raw: Any, policies: bool, text: str, p: str) -> tuple[str, dict[str, str]]:
    """``after_fork``: one rule for every base event after the fork, or a table of rules per country (``RUS``)
    or pair (``"RUS:USA"``, actor first) with an optional ``default``.  Returns the default and the table; the
    default ``"default"`` means: with policies, drop the acts of the countries that play, keep the rest if
    possible; without, keep-possible."""
    where = f"{p}:{key_line(text, 'after_fork')}"
    if raw is None:
        return ("default" if policies else "keep-possible"), {}
    if isinstance(raw, str):
        if raw not in AFTER_FORK:
            raise InputError(f"after_fork must be one of {', '.join(AFTER_FORK)} (got {raw!r})", where)
        return raw, {}
    if not isinstance(raw, dict):
        raise InputError(f"after_fork must be one of {', '.join(AFTER_FORK)}, or a table of them per country "
                         f"or pair (got {raw!r:.40})", where)
    from ..core import countries

    rules = {}
    default = "default" if policies else "keep-possible"
    for key, value in raw.items():
        if value not in AFTER_FORK:
            raise InputError(f"after_fork.{key} must be one of {', '.join(AFTER_FORK)} (got {value!r:.40})", where)
        if key == "default":
            default = value
            continue
        parts = key.split(":")
        if len(parts) > 2 or not all(countries.is_known(c) for c in parts) or len(set(parts)) != len(parts):
            raise InputError(f"after_fork key {key!r}: want a country code (RUS) or a pair of them (\"RUS:USA\")",
                             where)
        rules[key] = value
    return default, rules


def parse_countries(raw: Any, base_events, where: str) -> tuple[str, ...] | None:
    """``countries``: the countries in play (two or more), or ``"all"``: every country of the base log."""
    from ..core import countries

    if raw is None:
        return None
    if raw == "all":
        seen: dict[str, None] = {}
        for e in base_events:
            for c in (e.actor, e.target):
                if c is not None:
                    seen.setdefault(c, None)
        return tuple(seen)
    if (not isinstance(raw, list) or len(raw) < 2 or len(set(raw)) != len(raw)
            or not all(isinstance(c, str) and countries.is_known(c) for c in raw)):
        raise InputError(f"countries must name two or more different known countries, like [\"USA\", \"RUS\"], "
                         f"or be \"all\" (got {raw!r:.60})", where)
    return tuple(raw)


def parse_blocs(raw: Any, text: str, p: str) -> dict[str, tuple[str, ...]]:
    """``[blocs]``: name = [members].  A bloc needs two members or more, each a known country, none twice, and
    none the bloc itself."""
    from ..core import countries

    if not isinstance(raw, dict):
        raise InputError("[blocs] must be a table: name = [\"USA\", \"GBR\", ...]", p)
    out = {}
    for name, members in raw.items():
        where = f"{p}:{key_line(text, name)}"
        if not isinstance(members, list) or len(members) < 2:
            raise InputError(f"bloc {name!r} must list two or more member countries", where)
        for c in members:
            if not isinstance(c, str) or not countries.is_known(c):
                raise InputError(f"bloc {name!r}: unknown country code {c!r:.20}", where)
        if name in members:
            raise InputError(f"bloc {name!r} names itself as a member", where)
        if len(set(members)) != len(members):
            raise InputError(f"bloc {name!r} names a member twice", where)
        out[name] = tuple(members)
    return out

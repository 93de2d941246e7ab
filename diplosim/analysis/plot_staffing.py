"""The staffing figure: mission staff over time, one panel per mission, figures that are ranges drawn as ranges.

How a mission's size is drawn, from the figures of :func:`diplosim.analysis.over_time.history`:

* known exactly: a solid step line;
* a range (at least *low*, at most *high*): a shaded band between the two;
* at least *low*, no upper bound known: a hatched band from *low* up to the top of the panel;
* not known at all (no figure, no act that implies one): nothing, a gap marked "size not known" — never a zero.

Dotted steps are the departures ordered and not yet due (the least number), a dash-dotted line the cap.  The real
course is drawn first, wide and pale; each scenario on top of it, dashed, so a scenario that follows the real course
shows as dashes along it.  Markers are the acts on the mission, each with its figure written next to it.

With many missions, :func:`choose_pairs` picks those that moved most (see there), so the image stays readable.
"""
from __future__ import annotations

import datetime
import math
from pathlib import Path
from typing import Any, Sequence

from ..core import events as ev
from ..core.errors import InputError
from .plots import PALETTE, Course, _date_axis, _figure, _save, check_out
from .sizes import mission_of, sizes

Date = datetime.date
#: Panels drawn when the missions are not named (``plot staffing`` without ``--pairs``).
DEFAULT_PANELS = 8
#: Panels drawn at most: more would make an image no screen shows whole.
MAX_PANELS = 16
#: Marker and legend label of the acts on a mission, by event type.
MISSION_MARKERS = {
    "DiplomatsExpelled": ("v", "expulsion ordered"),
    "MissionCapped": ("s", "cap imposed"),
    "MissionCapLifted": ("D", "cap lifted"),
    "StaffAssigned": ("^", "staff added"),
    "PostClosed": ("X", "post closed"),
}
#: The people an act moves, for ranking missions: expelled, ordered out by a cap, assigned.
_MOVES = (ev.DiplomatsExpelled, ev.MissionCapped, ev.StaffAssigned)


def choose_pairs(courses: Sequence[Course], *, since: Date | None = None, until: Date | None = None,
                 panels: int = DEFAULT_PANELS) -> tuple[list[tuple[str, str]], int]:
    """The missions to draw when none are named, and how many missions there are.

    The missions whose staff moved most in the period: ranked by the people the acts on them moved (expelled,
    ordered out by a cap — the least number —, or assigned), summed over the courses, then by the number of acts on
    them (posts closed and caps lifted count here), then by name.  Missions without an act in the period come last,
    by name.  At most ``panels``."""
    moved: dict[tuple[str, str], list[int]] = {}
    missions: set[tuple[str, str]] = set()
    for _, events in courses:
        size = sizes(events) if any(isinstance(e, ev.MissionCapped) for e in events) else {}
        for e in events:
            if until is not None and e.date > until:
                break
            if isinstance(e, ev.MissionEstablished):
                missions.add((e.actor, e.target or ""))
                continue
            pair = mission_of(e)
            if pair is None:
                continue
            missions.add(pair)
            if since is not None and e.date < since:
                continue
            score = moved.setdefault(pair, [0, 0])
            score[0] += (size.get(e.id, 0) if isinstance(e, ev.MissionCapped) else e.count) if isinstance(e, _MOVES) \
                else 0
            score[1] += 1
    ranked = sorted(missions, key=lambda p: (-moved.get(p, [0, 0])[0], -moved.get(p, [0, 0])[1], p))
    return ranked[:panels], len(missions)


def parse_pairs(text: str) -> list[tuple[str, str]]:
    """``USA:RUS,RUS:USA`` -> [("USA", "RUS"), ("RUS", "USA")]: missions as SENDING:HOST, country codes checked."""
    from ..core import countries

    pairs = []
    for part in text.split(","):
        bits = part.strip().split(":")
        if len(bits) != 2 or not all(bits):
            raise InputError(f"bad mission {part.strip()!r} in --pairs: want SENDING:HOST, like USA:RUS")
        for code in bits:
            if not countries.is_known(code):
                raise InputError(f"unknown country code {code!r} in --pairs")
        if bits[0] == bits[1]:
            raise InputError(f"a mission needs two different countries, got {part.strip()!r}")
        pairs.append((bits[0], bits[1]))
    pairs = list(dict.fromkeys(pairs))
    if len(pairs) > MAX_PANELS:
        raise InputError(f"--pairs names {len(pairs)} missions: at most {MAX_PANELS} fit in one image")
    return pairs


#: One point of a mission's course: date, staff (None unless exact), pending, cap, low, high.
Figures = tuple[Date, Any, int, Any, int, Any]


def series(points: Sequence[Any], pair: tuple[str, str], since: Date | None, end: Date) -> list[Figures]:
    """The figures of the mission ``pair`` at the history ``points`` within ``since``..``end`` (the figures in force
    on ``since`` start the series there)."""
    out: list[Figures] = []
    for p in points:
        if p.date > end:
            break
        for m in p.missions:
            if (m[0], m[1]) == pair:
                row = (p.date, m[2], m[3], m[4], m[5], m[6])
                if since is not None and p.date <= since:
                    out = [(since,) + row[1:]]
                else:
                    out.append(row)
    return out


def kind(low: int, high: int | None) -> str:
    """How a size is drawn: ``exact``, ``range``, ``open`` (at least low, no bound) or ``unknown``."""
    if high is None:
        return "open" if low > 0 else "unknown"
    return "exact" if low == high else "range"


def staffing(courses: Sequence[Course], out: str | Path, *, pairs: Sequence[tuple[str, str]],
             since: Date | None = None, until: Date | None = None, title: str | None = None) -> Path:
    """Draw the missions ``pairs`` (sending, host), one panel each, for the courses ((label, events), the real one
    first), from ``since`` (default: the first event) to ``until`` (default: a week after the last point)."""
    from .over_time import history

    out = check_out(out)
    if not pairs:
        raise InputError("no mission to plot: the log has none" + (f" by {until}" if until else ""))
    histories = [(label, list(events), history(events, until)) for label, events in courses]
    ends = [h.dates[-1] for _, _, h in histories if h.dates]
    if not ends:
        raise InputError("nothing to plot: the log has no events")
    end = until or (max(ends) + datetime.timedelta(days=7))
    start = since or min(h.dates[0] for _, _, h in histories if h.dates)
    if start >= end:
        raise InputError(f"nothing to plot: --since {start} is not before the end of the axis, {end}")
    data = {pair: [(label, events, series(h.points, pair, since, end)) for label, events, h in histories]
            for pair in pairs}
    missing = [f"{s}:{h}" for (s, h), courses_ in data.items() if not any(x for _, _, x in courses_)]
    if missing:
        raise InputError(f"no such mission in the period: {', '.join(missing)} (SENDING:HOST)")
    columns = 1 if len(pairs) <= 3 else 2 if len(pairs) <= 10 else 3
    rows = math.ceil(len(pairs) / columns)
    fig = _figure(11 if columns == 1 else 7.5 * columns, 1.6 + 2.9 * rows)
    grid = fig.subplots(rows, columns, sharex=True, squeeze=False)
    axes = [ax for row in grid for ax in row]
    for ax in axes[len(pairs):]:
        ax.set_visible(False)
    legend: dict[str, Any] = {}
    for ax, pair in zip(axes, pairs):
        _panel(ax, pair, data[pair], start, end, legend, fig.get_figwidth() / columns * fig.dpi)
    for ax in axes[len(pairs) - columns:len(pairs)]:
        ax.xaxis.set_tick_params(labelbottom=True)
    fig.legend(list(legend.values()), list(legend), loc="outside lower center", ncols=min(4, len(legend)),
               fontsize=8, frameon=False)
    fig.suptitle(title or "Mission staff over time", fontsize=12)
    return _save(fig, out)


def _panel(ax, pair: tuple[str, str], courses: list[tuple[str, list, list[Figures]]], start: Date, end: Date,
           legend: dict[str, Any], width_px: float) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    from ..core.countries import name

    sending, host = pair
    top = max([1] + [v for _, _, xs in courses for f in xs for v in (f[2], f[3], f[4], f[5]) if v is not None])
    ylim = top * 1.45  # headroom above the data for the deadlines' labels
    labels = _Labels(start, end, ylim, width_px)
    deadlines: dict[Date, str] = {}
    unknown: list[tuple[Date, Date]] = []
    for k, (label, events, xs) in enumerate(courses):
        if not xs:
            continue
        colour = PALETTE[k % len(PALETTE)]
        style = dict(color=colour, zorder=2 + k)
        # the first course wide (pale when others are drawn over it), the others dashed on top
        line = (dict(lw=3.2, alpha=0.55 if len(courses) > 1 else 1.0, solid_capstyle="butt") if k == 0
                else dict(lw=1.6, ls=(0, (5, 2))))
        edges = [f[0] for f in xs] + [end]
        # runs of one kind of figure, each from its date to the next point's
        exact = [f[1] if kind(f[4], f[5]) == "exact" else math.nan for f in xs]
        ax.step(edges, exact + exact[-1:], where="post", **style, **line)
        legend.setdefault(f"{label}: staff", Line2D([], [], color=colour, **line))
        for x0, x1, f in zip(edges, edges[1:], xs):
            shape = kind(f[4], f[5])
            if shape == "range":
                ax.fill_between([x0, x1], f[4], f[5], color=colour, alpha=0.25, lw=0, zorder=1 + k)
                legend.setdefault(f"{label}: staff between (range)", Patch(color=colour, alpha=0.25))
            elif shape == "open":
                ax.fill_between([x0, x1], f[4], ylim, facecolor="none", edgecolor=colour, hatch="///", alpha=0.35,
                                lw=0, zorder=1 + k)
                ax.plot([x0, x1], [f[4], f[4]], **style, lw=1.4)
                legend.setdefault(f"{label}: at least (no upper bound known)",
                                  Patch(facecolor="none", edgecolor=colour, hatch="///", alpha=0.5))
            elif shape == "unknown":
                unknown.append((x0, x1))
        for run_x, run_y in pending_runs(edges, [f[2] for f in xs]):
            ax.plot(run_x, run_y, color=colour, lw=1.2, ls=":", zorder=2 + k)
            legend.setdefault(f"{label}: departures pending", Line2D([], [], color=colour, lw=1.2, ls=":"))
        caps = [f[3] if f[3] is not None else math.nan for f in xs]
        if any(c == c for c in caps):
            ax.step(edges, caps + caps[-1:], where="post", color=colour, lw=1, ls="-.", alpha=0.8, zorder=2 + k)
            legend.setdefault("cap", Line2D([], [], color="#555555", lw=1, ls="-."))
        _markers(ax, pair, events, xs, start, end, colour, labels, deadlines, legend, zorder=5 + k)
    for x0, x1 in _merge(unknown):
        ax.axvspan(x0, x1, color="#bbbbbb", alpha=0.18, lw=0)
        labels.note(ax, x0, x1, "size not known")
    for day, text in sorted(deadlines.items()):
        ax.axvline(day, color="#777777", ls="--", lw=1)
        labels.top(ax, day, text)
    if deadlines:
        legend.setdefault("deadline", Line2D([], [], color="#777777", ls="--", lw=1))
    ax.set_title(f"{name(sending)} mission in {name(host)} ({sending} in {host})", fontsize=10, loc="left")
    ax.set_ylabel("people")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # people come whole
    ax.set_ylim(0, ylim)
    ax.set_xlim(start, end)
    ax.grid(axis="y", alpha=0.3)
    _date_axis(ax)


def _markers(ax, pair, events, xs: list[Figures], start: Date, end: Date, colour: str, labels: "_Labels",
             deadlines: dict[Date, str], legend: dict[str, Any], zorder: int) -> None:
    from matplotlib.lines import Line2D

    on = {f[0]: f for f in xs}
    for e in events:
        if e.date > end:
            break
        if e.date < start or e.type not in MISSION_MARKERS or mission_of(e) != pair:
            continue
        marker, what = MISSION_MARKERS[e.type]
        f = on.get(e.date)
        if f is None:
            continue
        y = _level(e, f)
        if y is None:  # size not known: at the foot of the panel, not at a made-up zero
            ax.plot([e.date], [0.03], marker=marker, ms=8, color=colour, mec="white", ls="none", zorder=zorder,
                    transform=ax.get_xaxis_transform(), clip_on=False)
        else:
            ax.plot([e.date], [y], marker=marker, ms=8, color=colour, mec="white", ls="none", zorder=zorder)
        legend.setdefault(what, Line2D([], [], marker=marker, color="#555555", ls="none", ms=8))
        labels.at(ax, e.date, y, figure_text(e), colour)
        deadline = getattr(e, "deadline", None)
        if deadline is not None and start <= deadline <= end:
            deadlines.setdefault(deadline, f"deadline {deadline:%d %b %Y}")


def _level(e: ev.Event, f: Figures) -> float | None:
    """The height of an act's marker: a cap at the cap, any other act at the staff (or the least) of its day."""
    if isinstance(e, ev.MissionCapped) and e.cap is not None:
        return e.cap
    staff, low = f[1], f[4]
    if staff is not None:
        return staff
    return low if low > 0 else None


def figure_text(e: ev.Event) -> str:
    """The figure written next to an act's marker."""
    if isinstance(e, ev.DiplomatsExpelled):
        return f"−{e.count}"
    if isinstance(e, ev.MissionCapped):
        return f"cap {e.cap}" if e.cap is not None else "cap: parity"
    if isinstance(e, ev.StaffAssigned):
        return f"+{e.count}"
    if isinstance(e, ev.PostClosed):
        return e.post if len(e.post) <= 24 else e.post[:23] + "…"
    return "cap lifted"


def pending_runs(edges: Sequence[Date], pending: Sequence[int]) -> list[tuple[list[Date], list[int]]]:
    """The departures pending as outlines, one per run of days with any: up from zero, along, down to zero (no line
    along zero while nobody is ordered out).  ``edges`` has one date more than ``pending``: the end of the last."""
    runs = []
    i = 0
    while i < len(pending):
        if not pending[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(pending) and pending[j + 1]:
            j += 1
        xs, ys = [edges[i]], [0]
        for k in range(i, j + 1):
            xs += [edges[k], edges[k + 1]]
            ys += [pending[k], pending[k]]
        runs.append((xs + [edges[j + 1]], ys + [0]))
        i = j + 1
    return runs


def _merge(spans: list[tuple[Date, Date]]) -> list[tuple[Date, Date]]:
    out: list[tuple[Date, Date]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


class _Labels:
    """Text in a panel, placed where it overlaps no other: an act's figure next to its marker (or a little above or
    below it), a deadline's date at the top, a note in a gap.  A label with no free place is left out; its marker
    or line is still drawn and the legend says what those are."""

    def __init__(self, start: Date, end: Date, ylim: float, width_px: float):
        self.start, self.span, self.ylim = start, (end - start).days or 1, ylim
        self.char = 8 / 72 * 110 * 0.6 / (width_px * 0.85)  # an 8-point character, in axes fractions
        self.line = 0.075  # a line of 8-point text in a panel about 2.2 inches high, in axes fractions
        self.taken: list[tuple[float, float, float, float]] = []

    def _x(self, day: Date) -> float:
        return (day - self.start).days / self.span

    def _free(self, x0: float, x1: float, y0: float, y1: float) -> bool:
        if x0 < 0 or x1 > 1 or y0 < 0 or y1 > 1:
            return False
        return all(x1 <= a or x0 >= b or y1 <= c or y0 >= d for a, b, c, d in self.taken)

    def _put(self, ax, day: Date, yfrac: float, text: str, colour: str, dx: float, rightwards: bool,
             **kw) -> bool:
        w = len(text) * self.char + 0.01
        x = self._x(day) + (dx if rightwards else -dx)
        box = (x, x + w, yfrac, yfrac + self.line) if rightwards else (x - w, x, yfrac, yfrac + self.line)
        if not self._free(*box):
            return False
        self.taken.append(box)
        ax.text(x, yfrac, text, transform=ax.transAxes, ha="left" if rightwards else "right", va="bottom",
                fontsize=8, color=colour, **kw)
        return True

    def at(self, ax, day: Date, y: float | None, text: str, colour: str) -> bool:
        base = 0.06 if y is None else y / self.ylim
        rightwards = self._x(day) < 0.8
        for shift in (0.01, 0.01 + self.line, -0.01 - self.line, 0.01 + 2 * self.line, -0.01 - 2 * self.line):
            if self._put(ax, day, base + shift, text, colour, 0.012, rightwards):
                return True
        return False

    def top(self, ax, day: Date, text: str) -> bool:
        rightwards = self._x(day) < 0.7
        return any(self._put(ax, day, 1 - self.line * (1.2 + k), text, "#555555", 0.006, rightwards)
                   for k in range(2))

    def note(self, ax, x0: Date, x1: Date, text: str) -> bool:
        return self._put(ax, x0, 0.015, text, "#666666", 0.006, True, style="italic")

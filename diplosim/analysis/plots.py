"""Figures for analysts: mission staff over time, the escalation index, a tournament heat map (PNG or SVG).

Needs matplotlib, the optional extra ``diplosim[plot]``; it is imported when a plot is drawn, never at start-up.
Each function takes plain data (events, rows, a matrix), draws one figure and writes it to ``out``; the format
follows the extension (``.png`` or ``.svg``).  Figures are built on :class:`matplotlib.figure.Figure` directly,
so nothing touches pyplot's global state.
"""
from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any, Sequence

from ..core import events as ev
from ..core.errors import InputError

Date = datetime.date
FORMATS = (".png", ".svg")
#: Colours for courses (real first, then scenarios) and for the two directions of a dyad.
PALETTE = ("#222222", "#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#e6ab02")
#: Marker and legend label of the acts that change a mission, by event type.
MISSION_MARKERS = {
    "DiplomatsExpelled": ("v", "expulsion ordered"),
    "MissionCapped": ("s", "cap imposed"),
    "MissionCapLifted": ("D", "cap lifted"),
    "StaffAssigned": ("^", "staff added"),
}
Course = tuple[str, Sequence[ev.Event]]


def check_out(out: str | Path) -> Path:
    """The output path, if its extension is a known format and its folder exists (else InputError)."""
    p = Path(out)
    if p.suffix.lower() not in FORMATS:
        raise InputError(f"cannot tell the image format from {p.name!r}: use a .png or .svg file name")
    if not p.parent.exists():
        raise InputError("no such folder", str(p.parent))
    return p


def _figure(width: float, height: float):
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise InputError("plots need matplotlib: pip install 'diplosim[plot]'") from None
    return Figure(figsize=(width, height), dpi=110, layout="constrained")


def _save(fig, out: Path) -> Path:
    import matplotlib

    # SVG: fixed ids and no timestamp, so the same data gives the same file; text kept as text (editable, searchable)
    with matplotlib.rc_context({"svg.hashsalt": "diplosim", "svg.fonttype": "none"}):
        fig.savefig(out, format=out.suffix.lower()[1:], metadata={"Date": None} if out.suffix == ".svg" else None)
    return out


def _date_axis(ax) -> None:
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _pairs(courses: Sequence[Course]) -> list[tuple[str, str]]:
    keys: set[tuple[str, str]] = set()
    for _, events in courses:
        keys |= {(e.actor, e.target) for e in events if isinstance(e, ev.MissionEstablished)}
    return sorted(keys)


def staffing(courses: Sequence[Course], out: str | Path, *, pairs: Sequence[tuple[str, str]] | None = None,
             until: Date | None = None, title: str | None = None) -> Path:
    """Mission staff over time, one panel per mission (sending in host), one colour per course.

    Solid steps: staff present; dotted steps: departures ordered but not yet due.  Markers: the acts that changed
    the mission (expulsions, caps, staff added), with their figure; dashed vertical lines: their deadlines.
    ``courses`` are (label, events) pairs, the real course first.
    """
    from .over_time import history

    out = check_out(out)
    pairs = list(pairs or _pairs(courses))
    if not pairs:
        raise InputError("no mission to plot: the log establishes none (MissionEstablished)")
    histories = [(label, events, history(events, until)) for label, events in courses]
    starts = [h.dates[0] for _, _, h in histories if h.dates]
    ends = [h.dates[-1] for _, _, h in histories if h.dates]
    if not starts:
        raise InputError("nothing to plot: the log has no events")
    end = (until or max(ends)) + datetime.timedelta(days=7)

    def span_of(day: Date) -> float:
        return (day - min(starts)).days / ((end - min(starts)).days or 1)
    fig = _figure(11, 1.2 + 3.4 * len(pairs))
    axes = fig.subplots(len(pairs), 1, sharex=True, squeeze=False)[:, 0]
    seen_markers: dict[str, Any] = {}
    for ax, (sending, host) in zip(axes, pairs):
        deadlines: dict[Date, str] = {}
        band = _Band(span_of, fig.get_figwidth() * 0.9, fig.dpi)
        for k, (label, events, h) in enumerate(histories):
            colour = PALETTE[k % len(PALETTE)]
            # (date, staff, pending) at each point of the history where the mission exists
            series = [(p.date, m[2], m[3]) for p in h.points for m in p.missions if (m[0], m[1]) == (sending, host)]
            if not series:
                continue
            xs = [d for d, _, _ in series] + [end]
            staff = [x for _, x, _ in series]
            pending = [x for _, _, x in series]
            staff_on = {d: x for d, x, _ in series}
            width = max(1.2, 3.4 - 1.1 * k)  # later courses thinner, so a course hidden under another still shows
            ax.step(xs, staff + staff[-1:], where="post", color=colour, lw=width, label=f"{label}: staff")
            if any(pending):
                ax.step(xs, pending + pending[-1:], where="post", color=colour, lw=1.3, ls=":",
                        label=f"{label}: departures pending")
            figures: dict[Date, list[str]] = {}
            for e in events:
                if until is not None and e.date > until:
                    break
                if e.type not in MISSION_MARKERS or _mission_of(e) != (sending, host):
                    continue
                marker, name = MISSION_MARKERS[e.type]
                y = staff_on[e.date]  # every event date is a point of the history
                handle = ax.plot([e.date], [y], marker=marker, ms=9, color=colour, mec="white", ls="none")[0]
                seen_markers.setdefault(name, handle)
                figures.setdefault(e.date, []).append(_figure_text(e))
                if hasattr(e, "deadline"):
                    deadlines.setdefault(e.deadline, f"deadline {e.deadline:%d %b %Y}")
            # the acts' figures in the band above the data, one row per course, under the deadline labels
            for day, texts in figures.items():
                band.label(ax, day, (0.84 - 0.06 * k,), ", ".join(texts), colour)
        for day, text in sorted(deadlines.items()):
            ax.axvline(day, color="#777777", ls="--", lw=1)
            band.label(ax, day, (0.97, 0.92), text, "#555555")
        from ..core.countries import name
        ax.set_title(f"{name(sending)} mission in {name(host)} ({sending} in {host})", fontsize=10, loc="left")
        ax.set_ylabel("people")
        ax.set_ylim(bottom=0, top=ax.get_ylim()[1] * 1.5)  # a band above the data for the labels
        ax.grid(axis="y", alpha=0.3)
        _date_axis(ax)
    handles, labels = axes[0].get_legend_handles_labels()
    for ax in axes[1:]:
        for hd, lb in zip(*ax.get_legend_handles_labels()):
            if lb not in labels:
                handles.append(hd)
                labels.append(lb)
    from matplotlib.lines import Line2D
    for name_, h_ in seen_markers.items():
        handles.append(Line2D([], [], marker=h_.get_marker(), color="#555555", ls="none", ms=8))
        labels.append(name_)
    handles.append(Line2D([], [], color="#777777", ls="--", lw=1))
    labels.append("deadline")
    fig.legend(handles, labels, loc="outside lower center", ncols=min(4, len(labels)), fontsize=8, frameon=False)
    fig.suptitle(title or "Mission staff over time", fontsize=12)
    return _save(fig, out)


class _Band:
    """Labels in the band above the data, by date: each goes on the first of its rows where it overlaps no other
    label, or is left out (its marker or dashed line is still drawn, and the legend says what those are)."""

    def __init__(self, span_of, width_in: float, dpi: float):
        self.span_of = span_of
        self.width_px = width_in * dpi
        self.char_px = 8 / 72 * dpi * 0.62  # 8-point text: a character is about 0.6 em wide
        self.taken: dict[float, list[tuple[float, float]]] = {}

    def label(self, ax, day: Date, rows: Sequence[float], text: str, colour: str) -> bool:
        x = self.span_of(day)
        right = x > 0.7  # near the right edge: written leftwards
        w = (len(text) * self.char_px + 12) / self.width_px
        lo, hi = (x - w, x) if right else (x, x + w)
        for height in rows:
            used = self.taken.setdefault(height, [])
            if all(hi < a or lo > b for a, b in used):
                used.append((lo, hi))
                ax.annotate(text, (day, height), xycoords=("data", "axes fraction"),
                            xytext=(-4 if right else 4, 0), textcoords="offset points",
                            ha="right" if right else "left", va="top", fontsize=8, color=colour)
                return True
        return False


def _mission_of(e: ev.Event) -> tuple[str, str | None]:
    """The (sending, host) of the mission an act changes."""
    if isinstance(e, ev.StaffAssigned):
        return (e.actor, e.target)
    return (e.target or "", e.actor)


def _figure_text(e: ev.Event) -> str:
    if isinstance(e, ev.DiplomatsExpelled):
        return f"−{e.count}"
    if isinstance(e, ev.MissionCapped):
        return f"cap {e.cap}"
    if isinstance(e, ev.StaffAssigned):
        return f"+{e.count}"
    return "cap lifted"


def escalation(courses: Sequence[Course], dyad: tuple[str, str], out: str | Path, *, half_life: float,
               until: Date | None = None) -> Path:
    """The escalation index of both directions of ``dyad``, day by day; markers on the days with acts.

    One colour per direction; the real course solid, each scenario in its own line style."""
    from . import escalation as esc

    out = check_out(out)
    a, b = dyad
    fig = _figure(11, 5.0)
    ax = fig.subplots()
    styles = ("-", "--", "-.", ":")
    any_acts = False
    for k, (label, events) in enumerate(courses):
        events = list(events)
        dated = [e.date for e in esc.acts(events, a, b, until) + esc.acts(events, b, a, until)]
        if not dated:
            continue
        any_acts = True
        start = min(dated) - datetime.timedelta(days=3)
        stop = until or (max(dated) + datetime.timedelta(days=21))
        for j, (x, y) in enumerate(((a, b), (b, a))):
            curve = esc.daily(events, x, y, half_life=half_life, start=start, end=stop)
            colour = PALETTE[1 + j]
            ax.plot([d for d, _ in curve], [v for _, v in curve], color=colour, ls=styles[k % len(styles)], lw=1.8,
                    label=f"{x}→{y}" + (f" ({label})" if len(courses) > 1 else ""))
            days = sorted({e.date for e in esc.acts(events, x, y, until)})
            values = dict(curve)
            ax.plot(days, [values[d] for d in days], marker="o", ms=4, ls="none", color=colour)
    if not any_acts:
        raise InputError(f"no acts between {a} and {b} to plot")
    ax.axhline(0, color="#999999", lw=0.8)
    ax.set_ylabel(f"escalation index\n(decayed −Goldstein, half-life {half_life:g} days)")
    ax.set_title(f"Escalation index, {a} and {b} (dots: days with acts; up = more hostile)", fontsize=11)
    ax.grid(alpha=0.3)
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=4, fontsize=8, frameon=False)
    _date_axis(ax)
    return _save(fig, out)


def escalation_rounds(rows: Sequence[dict[str, Any]], strategies: Sequence[str], out: str | Path, *,
                      half_life: float) -> Path:
    """The escalation index per round of one match (rows of :func:`diplosim.analysis.escalation.match_rows`)."""
    out = check_out(out)
    fig = _figure(10, 4.2)
    ax = fig.subplots()
    xs = [r["round"] for r in rows]
    for j, (key, move, who) in enumerate((("A→B", "A", strategies[0]), ("B→A", "B", strategies[1]))):
        colour = PALETTE[1 + j]
        ax.plot(xs, [r[key] for r in rows], color=colour, lw=1.8, label=f"{move} ({who}) toward the other")
        hostile = [r["round"] for r in rows if r[move] == "D"]
        ax.plot(hostile, [dict((r["round"], r[key]) for r in rows)[k] for k in hostile], "o", ms=3, color=colour)
    ax.set_xlabel("round")
    ax.set_ylabel(f"escalation index\n(half-life {half_life:g} rounds)")
    ax.set_title(f"Escalation per round: {strategies[0]} (A) against {strategies[1]} (B); dots: hostile moves",
                 fontsize=11)
    ax.grid(alpha=0.3)
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=2, fontsize=8, frameon=False)
    return _save(fig, out)


def heatmap(matrix: Sequence[Sequence[float]], rows: Sequence[str], columns: Sequence[str], out: str | Path, *,
            title: str, value_label: str) -> Path:
    """A heat map of ``matrix`` (rows × columns), each cell written in; for tournament results."""
    out = check_out(out)
    n, m = len(rows), len(columns)
    fig = _figure(max(6.0, 1.1 * m + 3.5), max(4.5, 0.6 * n + 2.5))
    ax = fig.subplots()
    image = ax.imshow(matrix, cmap="viridis", aspect="auto")
    ax.set_xticks(range(m), labels=columns, rotation=35, ha="right", fontsize=9)
    ax.set_yticks(range(n), labels=rows, fontsize=9)
    lo = min(min(r) for r in matrix)
    hi = max(max(r) for r in matrix)
    for i in range(n):
        for j in range(m):
            v = matrix[i][j]
            dark = (v - lo) < 0.6 * (hi - lo) if hi > lo else True
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=8, color="white" if dark else "black")
    ax.set_xlabel("against (column)")
    ax.set_ylabel("strategy (row)")
    fig.colorbar(image, ax=ax, label=value_label)
    ax.set_title(title, fontsize=11)
    return _save(fig, out)


def tournament_matrix(names: Sequence[str], *, rounds: int, repetitions: int, noise: float, seed: int,
                      executor: Any = None) -> tuple[list[str], list[list[float]]]:
    """Labels, and the mean payoff per round of each strategy (row) against each (column).

    The matches are a :func:`diplosim.play.tournament.sweep` over every ordered pair (``repetitions`` seeded matches a
    cell, on any executor), so the figure shows exactly the numbers ``diplosim sweep`` would."""
    from ..play.tournament import Grid, sweep

    result = sweep(Grid(pairs=tuple((a, b) for a in names for b in names), noise=(noise,)), rounds=rounds,
                   repetitions=repetitions, seed=seed, executor=executor)
    labels = list(dict.fromkeys(r["a"] for r in result.rows))
    score = {(r["a"], r["b"]): r["score_a"] for r in result.rows}
    return labels, [[score[a, b] for b in labels] for a in labels]

"""Figures for analysts: the escalation index, heat maps of countries or of a tournament (PNG or SVG); the
staffing figure is in :mod:`diplosim.analysis.plot_staffing`, on the helpers here.

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
Course = tuple[str, Sequence[ev.Event]]


def check_out(out: str | Path) -> Path:
    """The output path, if its extension is a known format and its folder exists (else InputError)."""
    from ..core.files import check_writable

    p = Path(out)
    if p.suffix.lower() not in FORMATS:
        if p.is_dir():
            raise InputError("is a directory: give an image file name (.png or .svg)", str(out))
        raise InputError(f"cannot tell the image format from {p.name!r}: use a .png or .svg file name")
    return check_writable(p)


def _figure(width: float, height: float):
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise InputError("plots need matplotlib: pip install 'diplosim[plot]'") from None
    return Figure(figsize=(width, height), dpi=110, layout="constrained")


def _save(fig, out: Path) -> Path:
    import matplotlib

    # SVG: fixed ids and no timestamp, so the same data gives the same file; text kept as text (editable, searchable)
    from ..core.files import replacing

    # written beside the image and renamed over it at the end: a failed write leaves the old image, not half a new one
    with replacing(out) as tmp, matplotlib.rc_context({"svg.hashsalt": "diplosim", "svg.fonttype": "none"}):
        fig.savefig(tmp, format=out.suffix.lower()[1:], metadata={"Date": None} if out.suffix == ".svg" else None)
    return out


def _date_axis(ax) -> None:
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def escalation(courses: Sequence[Course], dyad: tuple[str, str], out: str | Path, *, half_life: float,
               since: Date | None = None, until: Date | None = None, weight: str = "none") -> Path:
    """The escalation index of both directions of ``dyad``, day by day; markers on the days with acts.

    One colour per direction.  Drawn as steps: the index of a day counts that day's acts in full (acts have a date,
    not an hour), so it jumps on the day of an act and decays day by day after it; a line from one day to the next
    would show a jump as a slope that began the day before.  The first course (the real one) is drawn wide and pale,
    each scenario dashed on top of it, so a scenario equal to the real course shows as dashes along it."""
    from . import escalation as esc

    out = check_out(out)
    a, b = dyad
    fig = _figure(11, 5.0)
    ax = fig.subplots()
    dashes = ((0, (5, 2)), (0, (2, 1.5)), (0, (6, 2, 1, 2)), (0, (1, 1.5)))
    any_acts = False
    for k, (label, events) in enumerate(courses):
        events = list(events)
        score = esc.scorer(events, weight)
        dated = [e.date for e in esc.acts(events, a, b, until) + esc.acts(events, b, a, until)
                 if since is None or e.date >= since]
        if not dated:
            continue
        any_acts = True
        start = since or (min(dated) - datetime.timedelta(days=3))
        stop = until or (max(dated) + datetime.timedelta(days=21))
        for j, (x, y) in enumerate(((a, b), (b, a))):
            mine = esc.acts(events, x, y, stop)
            days = [start + datetime.timedelta(days=n) for n in range((stop - start).days + 1)]
            values = esc.decayed([(e.date.toordinal(), score(e)) for e in mine], half_life,
                                 [d.toordinal() for d in days])
            colour = PALETTE[1 + j]
            look = dict(lw=3.0, alpha=0.5) if k == 0 else dict(lw=1.5, ls=dashes[(k - 1) % len(dashes)])
            # a step's last day ends the day after it: the axis runs one day further
            ax.plot(days + [stop + datetime.timedelta(days=1)], values + values[-1:], drawstyle="steps-post",
                    color=colour, zorder=2 + k, label=f"{x}→{y}" + (f" ({label})" if len(courses) > 1 else ""),
                    **look)
            on = dict(zip(days, values))
            acted = sorted({e.date for e in mine if e.date >= start})
            ax.plot(acted, [on[d] for d in acted], marker="o", ms=4, ls="none", color=colour, zorder=10 + k)
    if not any_acts:
        raise InputError(f"no acts between {a} and {b} to plot")
    ax.axhline(0, color="#999999", lw=0.8)
    weighted = ", acts weighted by size" if weight == "size" else ""
    ax.set_ylabel(f"escalation index\n(decayed −Goldstein, half-life {half_life:g} days{weighted})")
    ax.set_title(f"Escalation index, {a} and {b} (dots: days with acts; up = more hostile)", fontsize=11)
    ax.grid(alpha=0.3)
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=4, fontsize=8, frameon=False)
    _date_axis(ax)
    return _save(fig, out)


def escalation_rounds(rows: Sequence[dict[str, Any]], strategies: Sequence[str], out: str | Path, *,
                      half_life: float) -> Path:
    """The escalation index per round of one match (rows of :func:`diplosim.analysis.escalation.match_rows`),
    as steps: a round's value holds until the next round."""
    out = check_out(out)
    fig = _figure(10, 4.2)
    ax = fig.subplots()
    xs = [r["round"] for r in rows]
    for j, (key, move, who) in enumerate((("A→B", "A", strategies[0]), ("B→A", "B", strategies[1]))):
        colour = PALETTE[1 + j]
        ys = [r[key] for r in rows]
        ax.plot(xs + [xs[-1] + 1], ys + ys[-1:], drawstyle="steps-post", color=colour, lw=1.8,
                label=f"{move} ({who}) toward the other")
        hostile = [r["round"] for r in rows if r[move] == "D"]
        ax.plot(hostile, [dict((r["round"], r[key]) for r in rows)[k] for k in hostile], "o", ms=3, color=colour)
    ax.set_xlabel("round")
    ax.set_ylabel(f"escalation index\n(half-life {half_life:g} rounds)")
    ax.set_title(f"Escalation per round: {strategies[0]} (A) against {strategies[1]} (B); dots: hostile moves",
                 fontsize=11)
    ax.grid(alpha=0.3)
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=2, fontsize=8, frameon=False)
    return _save(fig, out)


def heatmap(matrix: Sequence[Sequence[float | None]], rows: Sequence[str], columns: Sequence[str], out: str | Path,
            *, title: str, value_label: str, row_label: str = "strategy (row)",
            column_label: str = "against (column)", cell: tuple[float, float] | None = None,
            diverging: bool = False, digits: int = 2) -> Path:
    """A heat map of ``matrix`` (rows × columns), each cell written in while cells are big enough to read.

    ``cell``: inches per cell (width, height); by default square cells that shrink as the matrix grows, so 30
    countries make an image of about 1,600 pixels a side.  None cells (nothing to show) stay blank, in grey.
    ``diverging``: a red–blue scale centred on zero (for the escalation index, which can be negative)."""
    import math

    from matplotlib.colors import Normalize

    out = check_out(out)
    n, m = len(rows), len(columns)
    if cell is None:
        side = max(0.36, min(0.9, 10.8 / max(n, m, 1)))
        cell = (side, side)
    fig = _figure(max(6.0, cell[0] * m + 3.5), max(4.5, cell[1] * n + 2.5))
    ax = fig.subplots()
    values = [[math.nan if v is None else float(v) for v in r] for r in matrix]
    known = [v for r in values for v in r if v == v]
    lo, hi = (min(known), max(known)) if known else (0.0, 1.0)
    norm = None
    if diverging:  # white at zero, the same scale both ways
        bound = max(abs(lo), abs(hi)) or 1.0
        norm = Normalize(-bound, bound)
    ax.set_facecolor("#e6e6e6")
    image = ax.imshow(values, cmap="RdBu_r" if diverging else "viridis", norm=norm, aspect="auto",
                      interpolation="nearest")
    small = min(cell) < 0.6
    ax.set_xticks(range(m), labels=columns, rotation=90 if small else 35, ha="center" if small else "right",
                  fontsize=8 if small else 9)
    ax.set_yticks(range(n), labels=rows, fontsize=8 if small else 9)
    if min(cell) >= 0.3:
        size = min(8.0, 20 * min(cell))
        for i in range(n):
            for j in range(m):
                v = values[i][j]
                if v != v:
                    continue
                level = image.norm(v)
                dark = level < 0.6 if not diverging else not 0.25 < level < 0.75
                ax.text(j, i, f"{round(v, digits) or 0.0:.{digits}f}", ha="center", va="center", fontsize=size,
                        color="white" if dark else "black")
    ax.set_xlabel(column_label)
    ax.set_ylabel(row_label)
    fig.colorbar(image, ax=ax, label=value_label, shrink=0.8)
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

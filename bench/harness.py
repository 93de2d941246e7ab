"""Measuring: medians of timed runs, peak memory of fresh processes, result rows, the machine, the table.

Every figure the suite prints is the median of several runs, set beside a baseline measured in the same run, because
the machine is shared and its speed drifts between runs and between days.

    >>> t = timed(lambda x: sum(range(x)), runs=3, setup=lambda: 1000)
    >>> len(t.samples), t.result
    (3, 499500)
"""
from __future__ import annotations

import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

from attrs import define, field, frozen

ROOT = Path(__file__).resolve().parent.parent


@frozen
class Timing:
    """Seconds of each run, their median, and what the last run returned (for the correctness checks)."""
    samples: tuple[float, ...]
    result: Any = field(eq=False, repr=False, default=None)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


def timed(fn: Callable[..., Any], runs: int, setup: Callable[[], Any] | None = None, inner: int = 1,
          collector: bool = True) -> Timing:
    """Time ``fn`` ``runs`` times; ``setup()`` (untimed, before each run) gives its argument.

    ``inner`` > 1 calls ``fn`` that many times per run and records the time per call, for calls too short to time
    alone.  A full garbage collection runs before each run, outside the timing, so one run's garbage is not
    collected on the next one's clock.  ``collector=False`` turns the cyclic garbage collector off during the
    call (to measure what it costs).
    """
    samples, result = [], None
    for _ in range(runs):
        arg = setup() if setup is not None else None
        gc.collect()
        if not collector:
            gc.disable()
        try:
            if setup is None:
                t0 = time.perf_counter()
                for _ in range(inner):
                    result = fn()
                t1 = time.perf_counter()
            else:
                t0 = time.perf_counter()
                for _ in range(inner):
                    result = fn(arg)
                t1 = time.perf_counter()
        finally:
            gc.enable()
        samples.append((t1 - t0) / inner)
        del arg
    return Timing(tuple(samples), result)


def interleaved(fns: dict[str, Callable[[], Any]], runs: int) -> dict[str, Timing]:
    """Time several calls ``runs`` times each, taking turns (a, b, c, a, b, c, ...), so that the machine's drift
    during the run hits every side alike.  Same garbage-collection rule as :func:`timed`.

    >>> t = interleaved({"a": lambda: 1, "b": lambda: 2}, runs=3)
    >>> len(t["a"].samples), t["b"].result
    (3, 2)
    """
    samples: dict[str, list[float]] = {k: [] for k in fns}
    results: dict[str, Any] = {}
    for _ in range(runs):
        for name, fn in fns.items():
            t = timed(fn, 1)
            samples[name].append(t.samples[0])
            results[name] = t.result
            del t
    return {k: Timing(tuple(samples[k]), results[k]) for k in fns}


def wall(argv: list[str], runs: int, env: dict[str, str] | None = None) -> Timing:
    """Wall time of a fresh process running ``argv`` (for start-up costs); it must exit 0."""
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT)
        t1 = time.perf_counter()
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed: {done.stderr.decode(errors='replace')[-500:]}")
        samples.append(t1 - t0)
    return Timing(tuple(samples))


def child(job: str, *args: str, timeout: float = 1800) -> dict[str, Any]:
    """Run ``python -m bench.child JOB ARGS`` in a fresh process and return the JSON it prints.

    The child reads its own peak resident set size (``VmHWM``, see :mod:`bench.child`) when the job is done (and
    once after its imports, as ``rss_start_mb``), so each figure is the peak of one measurement alone, interpreter
    included.
    """
    done = subprocess.run([sys.executable, "-m", "bench.child", job, *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"bench.child {job} failed: {done.stderr[-800:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- rows ---------------------------------------------------------------------------------------------------------


@define
class Row:
    """One line of the results table: diplosim's figure, the baseline's, their ratio and the target on it.

    ``met`` is True/False when both sides were measured, None when a side is missing (then ``note`` says why).
    """
    workload: str
    diplosim: str
    baseline: str
    against: str
    ratio: float | None
    target: str
    met: bool | None
    note: str = ""
    data: dict[str, Any] = field(factory=dict)

    def cells(self) -> dict[str, Any]:
        met = {True: "yes", False: "NO", None: "-"}[self.met]
        return {"workload": self.workload, "diplosim": self.diplosim, "baseline": self.against,
                "baseline figure": self.baseline, "ratio": "-" if self.ratio is None else f"{self.ratio:.3g}",
                "target": self.target, "met": met}


def rate(n: int, seconds: float, unit: str = "events/s") -> str:
    """A throughput as text: ``rate(1_000_000, 2.0)`` -> ``'500,000 events/s'``."""
    return f"{n / seconds:,.0f} {unit}"


def secs(seconds: float) -> str:
    """A duration as text, in ms below a second."""
    return f"{seconds * 1000:.3g} ms" if seconds < 1 else f"{seconds:.3g} s"


def render(rows: list[Row], fmt: str = "simple") -> str:
    from tabulate import tabulate

    table = tabulate([r.cells() for r in rows], headers="keys", tablefmt=fmt, disable_numparse=True)
    notes = [f"  {r.workload}: {r.note}" for r in rows if r.note]
    return table + ("\n\nnotes:\n" + "\n".join(notes) if notes else "")


# --- the machine ------------------------------------------------------------------------------------------------


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict[str, Any]:
    """What the figures were measured on: cores, CPU, memory, Python, and the versions of diplosim and its peers."""
    import sqlite3

    mem = "unknown"
    try:
        kb = int(next(ln for ln in Path("/proc/meminfo").read_text().splitlines()
                      if ln.startswith("MemTotal")).split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory": mem,
        "os": f"{platform.system()} {platform.release()}",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "sqlite": sqlite3.sqlite_version,
        "diplosim": _version("diplosim"),
        "eventsourcing": _version("eventsourcing"),
        "axelrod": _version("axelrod"),
        "torch": _version("torch"),
    }


def render_machine(m: dict[str, Any]) -> str:
    return ("machine: " + f"{m['cores']} cores ({m['cpu']}), {m['memory']}, {m['os']}; {m['python']}; "
            f"SQLite {m['sqlite']}\nversions: diplosim {m['diplosim']}, eventsourcing {m['eventsourcing']}, "
            f"axelrod {m['axelrod']} (torch {m['torch']})")

"""Subcommands of what-if scenarios: scenario list, scenario run, scenario diff."""
from __future__ import annotations

import argparse
import sys

from .common import (OneLineParser, add_format, date_arg, most, print_json, print_rows, progress_bar, seed_arg,
                     subparser, whole_arg)


def register(sub) -> None:
    p = subparser(sub, "scenario", "what-if scenarios: fork the real log, change a decision, compare",
                  "diplosim scenario list\n"
                  "diplosim scenario run scenarios/putin-retaliates-2016.toml\n"
                  "diplosim scenario run scenarios/putin-retaliates-2016.toml --against real --at 2017-09-02\n"
                  "diplosim scenario diff scenarios/a.toml scenarios/b.toml --at 2017-09-02")
    ssub = p.add_subparsers(dest="scenario_command", metavar="SUBCOMMAND", parser_class=OneLineParser)
    p.set_defaults(handler=lambda args: (p.print_help(), 0)[1])

    q = subparser(ssub, "list", "the scenarios shipped with diplosim, one line each",
                  "diplosim scenario list\n"
                  "diplosim scenario list --format json")
    add_format(q)
    q.set_defaults(handler=cmd_list)

    q = subparser(ssub, "run", "run a scenario: its timeline (generated events marked), its state, and a diff "
                  "against the real course",
                  "diplosim scenario run scenarios/putin-retaliates-2016.toml\n"
                  "diplosim scenario run scenarios/putin-retaliates-2016.toml --at 2017-09-02 --format json\n"
                  "diplosim scenario run FILE --against real --at 2017-01-15 --all\n"
                  "diplosim scenario run FILE --emit out.toml        # the scenario's log, replayable\n"
                  "diplosim scenario run FILE --runs 200             # many seeds: how often does it stop?")
    q.add_argument("file", metavar="FILE")
    q.add_argument("--at", type=date_arg, action="append", metavar="DATE",
                   help="date(s) to show the state and diff at (default: the scenario's compare_at, else its end)")
    q.add_argument("--against", default="base", metavar="REF",
                   help="compare with: base (default: the log the scenario forks, or the scenario it extends), "
                        "real (the shipped record), none, or another scenario file")
    q.add_argument("--all", action="store_true", help="show every compared row, not only those that differ")
    q.add_argument("--seed", type=seed_arg, help="seed for strategies with randomness (default: the scenario's)")
    q.add_argument("--runs", type=whole_arg(1, "MAX_SCENARIO_RUNS"), metavar="N",
                   help=f"run N seeds (seed, seed+1, ...) and summarise ({most('MAX_SCENARIO_RUNS')})")
    q.add_argument("--emit", metavar="PATH", help="write the scenario's log (.toml or .jsonl) and stop; an existing "
                   "file is replaced only with --force")
    q.add_argument("--force", action="store_true", help="with --emit: replace the file if it exists")
    q.add_argument("--quiet", "-q", action="store_true", help="no timeline, only state and diff")
    q.add_argument("--diff-only", action="store_true", help="print only the differences from --against")
    add_format(q)
    q.set_defaults(handler=cmd_run)

    q = subparser(ssub, "diff", "two scenarios side by side at chosen dates",
                  "diplosim scenario diff scenarios/putin-retaliates-2016.toml "
                  "scenarios/numeric-tit-for-tat-2017.toml --at 2017-09-02")
    q.add_argument("a", metavar="A")
    q.add_argument("b", metavar="B", help="a scenario file, or 'real'")
    q.add_argument("--at", type=date_arg, action="append", metavar="DATE", required=True)
    q.add_argument("--all", action="store_true", help="show every compared row, not only those that differ")
    add_format(q)
    q.set_defaults(handler=cmd_diff)


def _load(ref: str):
    """A scenario, or None for the real course ('real').  ``ref`` is a file, or the name of a shipped scenario
    (``putin-retaliates-2016``, ``scenarios/putin-retaliates-2016.toml``), found wherever diplosim is installed."""
    from pathlib import Path

    from ..play.scenario import load_scenario, shipped
    if ref == "real":
        return None
    if not Path(ref).exists():
        name = Path(ref).name.removesuffix(".toml")
        for path in shipped():
            if path.stem == name:
                return load_scenario(path)
    return load_scenario(ref)


def _real_events():
    from ..core.log import default_log_path, load_log
    return load_log(default_log_path()).events


def cmd_list(args: argparse.Namespace) -> int:
    from ..play.scenario import load_scenario, shipped

    rows = []
    for path in shipped():
        sc = load_scenario(path)
        rows.append({"file": f"scenarios/{path.name}", "name": sc.name, "title": sc.title,
                     "question": sc.question})
    if args.format in ("json", "csv"):
        print_rows(rows, args.format, ["file", "name", "title", "question"])
        return 0
    from .terminal import fit, width
    columns = ["file", "title", "question"]
    print_rows(fit(rows, columns, args.format, width(), wrap=(("question", 30), ("title", 20))), args.format,
               columns)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from ..core.errors import InputError
    from ..analysis.projections import state_json, timeline_rows
    from ..play.scenario import diff_results

    if args.force and not args.emit:
        raise InputError("--force replaces the file of --emit: give --emit PATH")
    if args.emit:
        from ..core.files import check_writable
        if args.runs is not None:
            raise InputError("--emit writes the log of one run: leave out --runs")
        if not args.emit.endswith((".toml", ".jsonl")):
            raise InputError("want a log file name ending in .toml or .jsonl", f"--emit {args.emit}")
        check_writable(args.emit, force=args.force)  # before the run: a bad path costs nothing
    sc = _load(args.file)
    if args.runs is not None:
        return _many_runs(sc, args)
    result = sc.run(seed=args.seed)
    if args.emit:
        from ..core.log import write_log
        write_log(result.events, args.emit, title=f"scenario {sc.name}: {sc.title}", description=sc.question)
        print(f"wrote {len(result.events)} events to {args.emit}")
        return 0
    dates = args.at or list(sc.compare_at) or [result.events[-1].date]
    against = None
    labels = ("scenario", args.against)
    if args.against == "base":  # the scenario's own base: the log it forks, or the scenario it extends
        against = sc.parent.run().events if sc.parent is not None else sc.base_events
        labels = ("scenario", "base" if sc.parent is None else sc.parent.name)
    elif args.against != "none":
        other = _load(args.against)
        against = _real_events() if other is None else other.run().events
        labels = ("scenario", "real" if other is None else other.name)
    diff = diff_results(result.events, against, dates, all_rows=args.all, labels=labels) if against else []
    final = result.state_at(dates[-1])
    if args.diff_only:
        _print_diff(diff, args.format, labels, dates)
        return 0

    if args.format == "json":
        doc = state_json(final)
        doc["scenario"] = {"name": sc.name, "title": sc.title, "question": sc.question, "seed": result.seed,
                           "file": args.file, "stop_reason": result.stop_reason}
        doc["diff"] = diff
        doc["changes"] = [{"event_id": c.event_id, "action": c.action, "reason": c.reason,
                           "date": c.date.isoformat()} for c in result.changes]
        doc["generated"] = sorted(result.generated)
        print_json(doc)
        return 0
    from ..analysis.projections import state_tables

    head = [f"Scenario: {sc.title} ({sc.name})"] + ([f"Question: {sc.question}"] if sc.question else [])
    sections: list[tuple[str, list[str], list[dict], list[str]]] = []  # title, lines of text, rows, columns
    if not args.quiet:
        shown = [e for e in result.events if e.date <= dates[-1]]
        rows = timeline_rows(shown)
        for r, e in zip(rows, shown):
            r["mark"] = "generated" if e.id in result.generated else "edited" if e.id in result.edited else ""
        sections.append(("Timeline (edited = changed by the scenario, generated = played by a strategy)", [], rows,
                         ["date", "mark", "actor", "target", "type", "id", "what"]))
        if result.changes:
            sections.append(("Base events the edited history made impossible or changed", [],
                             [{"event_id": c.event_id, "date": c.date.isoformat(), "action": c.action,
                               "reason": c.reason} for c in result.changes], ["event_id", "date", "action", "reason"]))
        if result.stop_reason:
            sections.append(("Play stopped", [result.stop_reason], [], []))
    tables = [t for t in state_tables(final) if t.rows or not t.optional]
    sections.append((f"State as of {final.as_of or '(empty)'}", [], [], []))
    sections += [(t.title, t.notes, t.rows, t.columns) for t in tables]
    if against is not None:
        sections.append((f"Differences from {labels[1]}" + (" (all compared rows)" if args.all else ""), [],
                         _diff_rows(diff, labels, dates), ["date", "table", "key", "field", *labels]))
    _print_report(head, sections, args.format, title=f"Scenario {sc.name}")
    return 0


def _print_report(head: list[str], sections: list[tuple[str, list[str], list[dict], list[str]]], fmt: str,
                  title: str) -> None:
    """A report of several tables: text, a CSV table per section (under a ``# title`` line, as ``state --format
    csv`` prints them), or one HTML document."""
    if fmt == "html":
        import html

        from ..analysis.projections import table
        esc = html.escape
        body = "".join(f"<p>{esc(line)}</p>\n" for line in head)
        for name, notes, rows, columns in sections:
            body += f"<h2>{esc(name)}</h2>\n" + (table(rows, "html", columns) + "\n" if columns else "")
            body += "".join(f"<p>{esc(line)}</p>\n" for line in notes)
        sys.stdout.write(f'<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>{esc(title)}'
                         f"</title></head>\n<body>\n<h1>{esc(title)}</h1>\n{body}</body>\n</html>\n")
        return
    if fmt == "csv":
        print("\n".join(f"# {line}" for line in head))
        for name, notes, rows, columns in sections:
            print(f"\n# {name}" + "".join(f"\n# {line}" for line in notes))
            if columns:
                print_rows(rows, "csv", columns)
        return
    print("\n".join(head))
    for name, notes, rows, columns in sections:
        print(f"\n{name}")
        if columns:
            print_rows(rows, fmt, columns)
        for line in notes:
            print(line)


def _diff_rows(rows: list[dict], labels: tuple[str, str], dates: list) -> list[dict]:
    """Diff rows for a table, ranges written as the state tables write them (``≥400``, ``parity (≥9)``); a compared
    date with no difference gets a row that says so."""
    from ..analysis.wording import compared_text

    out = [{**r, labels[0]: compared_text(r[labels[0]]), labels[1]: compared_text(r[labels[1]])} for r in rows]
    seen = {r["date"] for r in rows}
    for day in dates:
        if day.isoformat() not in seen:
            out.append({"date": day.isoformat(), "table": "-", "key": "-", "field": "no difference",
                        labels[0]: "", labels[1]: ""})
    return sorted(out, key=lambda r: r["date"])


def _print_diff(rows: list[dict], fmt: str, labels: tuple[str, str], dates: list) -> None:
    """Diff rows as a table or CSV (see :func:`_diff_rows`), or as JSON with ranges as objects."""
    if fmt != "json":
        rows = _diff_rows(rows, labels, dates)
    print_rows(rows, fmt, ["date", "table", "key", "field", labels[0], labels[1]])


def _many_runs(sc, args: argparse.Namespace) -> int:
    from ..analysis.wording import staff_text
    from ..core.errors import InputError

    if not sc.policies:
        raise InputError("--runs needs a scenario with [[policy]] tables: without strategies every run is the same",
                         sc.path)
    first = sc.seed if args.seed is None else args.seed
    bar = progress_bar(total=args.runs, unit="run")
    rows, reasons = [], {}
    for seed in range(first, first + args.runs):
        r = sc.run(seed=seed)
        s = r.state_at(r.events[-1].date if r.events else None)
        row = {"seed": seed, "outcome": r.outcome, "stop_reason": r.stop_reason or "-",
               "generated_events": len(r.generated), "end": r.events[-1].date.isoformat() if r.events else "-"}
        for m in s.iter_missions():
            row[f"staff {m.sending} in {m.host}"] = m.staff if m.exact else staff_text(m, marks=False)
        rows.append(row)
        reasons[r.outcome] = reasons.get(r.outcome, 0) + 1
        if bar:
            bar.update()
    if bar:
        bar.close()
    summary = [{"outcome": k, "runs": v, "share": round(v / args.runs, 3)} for k, v in
               sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))]
    if args.format == "json":
        print_json({"scenario": sc.name, "runs": rows, "summary": summary})
        return 0
    fmt = args.format if args.format != "csv" else "simple"
    print(f"Scenario: {sc.title} ({sc.name}), {args.runs} runs from seed {first}")
    print_rows(summary, fmt)
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from ..play.scenario import diff_results

    a = _load(args.a)
    b = _load(args.b)
    a_events = _real_events() if a is None else a.run().events
    b_events = _real_events() if b is None else b.run().events
    labels = ("real" if a is None else a.name, "real" if b is None else b.name)
    if labels[0] == labels[1]:
        labels = (labels[0] + " (A)", labels[1] + " (B)")
    rows = diff_results(a_events, b_events, args.at, all_rows=args.all, labels=labels)
    if args.format == "json":
        print_json({"a": labels[0], "b": labels[1], "diff": rows})
        return 0
    _print_diff(rows, args.format, labels, args.at)
    return 0

"""Subcommands of the event store: ``store init/import/export/streams``, ``record`` (the command side), ``verify``."""
from __future__ import annotations

import argparse
import sys

from ..core.limits import MAX_FIGURE
from .common import OneLineParser, add_format, date_arg, print_rows, progress_bar, progress_of, subparser, whole_arg

# events.TARGET_KINDS, written out so that `diplosim --help` need not import the event classes (a test keeps
# the two equal)
TARGET_KINDS = ("agency", "entity", "person", "sector", "country")


def _stream(p: argparse.ArgumentParser, help: str = "the stream (default: main, or the store's only stream)"):
    p.add_argument("--stream", metavar="NAME", help=help)


def register(sub) -> None:
    p = subparser(sub, "store", "the event store (SQLite): create one, import and export logs, list its streams",
                  "diplosim store init my.db\n"
                  "diplosim store import my.db seeds/us-russia-2016-2017.toml\n"
                  "diplosim store export my.db --format jsonl > backup.jsonl\n"
                  "diplosim store streams my.db")
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=OneLineParser, required=True)

    a = subparser(actions, "init", "create an empty store (nothing changes if it is one already)",
                  "diplosim store init my.db\n"
                  "diplosim store init my.db --snapshot-every 5000")
    a.add_argument("db", metavar="DB")
    a.add_argument("--snapshot-every", type=whole_arg(1, MAX_FIGURE), metavar="N",
                   help="keep a snapshot of the state every N events at least (default 1000; at most 1,000,000,000)")
    a.set_defaults(handler=cmd_init)

    a = subparser(actions, "import", "append the events of a log file (TOML or JSON Lines) that the stream does not "
                  "hold yet; importing the same file twice adds nothing",
                  "diplosim store import my.db seeds/us-russia-2016-2017.toml\n"
                  "diplosim store import my.db run.jsonl --stream scenario-a")
    a.add_argument("db", metavar="DB")
    a.add_argument("file", metavar="FILE")
    _stream(a, "the stream to append to (default: main)")
    a.set_defaults(handler=cmd_import)

    a = subparser(actions, "export", "write a stream as a log file (to stdout): JSON Lines or TOML",
                  "diplosim store export my.db --format jsonl > backup.jsonl\n"
                  "diplosim store export my.db --stream scenario-a --format toml > a.toml")
    a.add_argument("db", metavar="DB")
    _stream(a)
    a.add_argument("--format", "-f", choices=("jsonl", "toml"), default="jsonl", help="jsonl (default) or toml")
    a.set_defaults(handler=cmd_export)

    a = subparser(actions, "streams", "list the streams of a store: events, dates, snapshots, head hash",
                  "diplosim store streams my.db\n"
                  "diplosim store streams my.db --format json")
    a.add_argument("db", metavar="DB")
    add_format(a)
    a.set_defaults(handler=cmd_streams)

    p = subparser(sub, "verify", "check a store: SQLite integrity, gapless versions, hash chains, every rule, "
                  "snapshots; names the first bad event; prints the heads of the chains to keep",
                  "diplosim verify my.db\n"
                  "diplosim verify my.db --heads\n"
                  "diplosim verify my.db --expect-head \"$(cat main.head)\"   # the head you kept: a rewrite shows")
    p.add_argument("db", metavar="DB")
    p.add_argument("--heads", action="store_true",
                   help="also print the head of each stream's hash chain (the hash of its last event), to keep "
                        "elsewhere: a rewrite of the whole stream passes verify but changes its head")
    _stream(p, "the stream whose head --heads prints or --expect-head checks (default for --expect-head: main, "
               "or the store's only stream)")
    p.add_argument("--expect-head", type=head_arg, metavar="HASH",
                   help="the head of the stream's hash chain you kept (64 hex digits, as verify printed it): exit 2 "
                        "if the stream's head is another")
    p.set_defaults(handler=cmd_verify)

    _register_record(sub)


# --- store init / import / export / streams -------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..core.errors import InputError
    from ..store.facade import open_store

    if not Path(args.db).exists():
        from ..core.files import check_writable
        check_writable(args.db)
    with open_store(args.db, snapshot_every=args.snapshot_every) as store:
        if not store.created:
            if args.snapshot_every is not None and args.snapshot_every != store.snapshot_every:
                raise InputError(f"a store already, with a snapshot every {store.snapshot_every} events; nothing "
                                 f"changed", args.db)
            n = len(store.stream_names())
            print(f"{args.db} is a diplosim store already ({n} stream{'s' if n != 1 else ''}); nothing changed")
        else:
            print(f"created {args.db} (a snapshot every {store.snapshot_every} events)")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from ..core.errors import InputError, RuleViolation
    from ..core.log import load_log
    from ..store.facade import DEFAULT_STREAM, check_stream_name, open_store

    stream = check_stream_name(args.stream or DEFAULT_STREAM)
    # the file's own syntax and fields are checked here, its rules in the context of the stream it extends
    reading = progress_bar(f"reading {args.file}")
    try:
        log = load_log(args.file, check_rules=False, progress=progress_of(reading))
    finally:
        if reading is not None:
            reading.close()
    with open_store(args.db, must_exist=True) as store:
        try:
            result = _import(store, stream, log)
        except RuleViolation as exc:
            raise InputError(str(exc), log.where(exc.event_id)) from None
        except InputError as exc:
            if exc.where and exc.where.startswith("event "):
                raise InputError(exc.message, log.where(exc.where.removeprefix("event "))) from None
            raise
    print(f"imported {result['added']} event{'s' if result['added'] != 1 else ''} into {stream!r} of {args.db} "
          f"(version {result['version']}; {result['skipped']} already there)")
    return 0


def _import(store, stream: str, log) -> dict[str, int]:
    """``store.import_events`` of the log, in batches under one transaction with a progress bar on a terminal."""
    bar = progress_bar(f"storing in {stream!r}", total=len(log.events))
    if bar is None:
        return store.import_events(stream, log.events, title=log.title, description=log.description)
    done = {"added": 0, "skipped": 0, "version": store.version(stream)}
    try:
        with store.transaction():  # all batches or none
            for chunk in _chunks(log.events, 5000):
                got = store.import_events(stream, chunk, title=log.title, description=log.description)
                done = {"added": done["added"] + got["added"], "skipped": done["skipped"] + got["skipped"],
                        "version": got["version"]}
                bar.update(len(chunk))
    finally:
        bar.close()
    return done


def _chunks(iterable, size: int = 1000):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def cmd_export(args: argparse.Namespace) -> int:
    from ..core.errors import InputError

    try:
        return _export(args)
    except UnicodeEncodeError as exc:  # a lone surrogate, say, read from a JSON escape: no UTF-8 file can hold it
        raise InputError(f"the stream holds text that cannot be written as UTF-8 ({exc.reason}: "
                         f"{exc.object[exc.start:exc.end]!r})", args.db) from None


def _export(args: argparse.Namespace) -> int:
    from ..core.log import dumps_jsonl, dumps_toml
    from ..store.facade import open_store

    out = sys.stdout
    with open_store(args.db, must_exist=True, readonly=True) as store:
        stream = args.stream or store.default_stream()
        title, description = store.title(stream)
        events = store.read(stream)
        if args.format == "jsonl":
            for chunk in _chunks(events):
                out.write(dumps_jsonl(chunk))
            return 0
        # TOML, a chunk at a time: dumps_toml joins its parts with a blank line, so chunks joined the same way
        # give exactly dumps_toml of the whole stream
        first = True
        for chunk in _chunks(events):
            out.write(("" if first else "\n") + dumps_toml(chunk, title if first else "",
                                                          description if first else ""))
            first = False
        if first and (title or description):
            out.write(dumps_toml([], title, description))
    return 0


def cmd_streams(args: argparse.Namespace) -> int:
    from ..store.facade import open_store

    with open_store(args.db, must_exist=True, readonly=True) as store:
        rows = store.streams()
    print_rows(rows, args.format, ["stream", "events", "first", "last", "snapshots", "head", "title"])
    return 0


def head_arg(text: str) -> str:
    """An argparse type: the head of a hash chain, 64 hex digits (lower-cased).

    >>> head_arg("AB" * 32) == "ab" * 32
    True
    """
    if len(text) != 64 or any(c not in "0123456789abcdefABCDEF" for c in text):
        raise argparse.ArgumentTypeError(f"want the 64 hex digits of a stream's head, got {text!r:.80}")
    return text.lower()


def cmd_verify(args: argparse.Namespace) -> int:
    from ..core.errors import InputError
    from ..store.facade import check_stream_name, open_store

    with open_store(args.db, must_exist=True, readonly=True) as store:
        stream = check_stream_name(args.stream) if args.stream else None
        if stream is None and args.expect_head:
            stream = store.default_stream()
        if stream is not None:
            store.head(stream)  # a stream that is not there is named before the whole store is read
        summary = store.verify(heads=True)
    heads = summary["heads"] if stream is None else {stream: summary["heads"][stream]}
    if not (args.heads or args.expect_head):
        heads = {}
    if args.expect_head and heads[stream] != args.expect_head:
        raise InputError(f"stream {stream!r} head is {heads[stream]}, expected {args.expect_head}", args.db)

    def n(k: int, what: str) -> str:
        return f"{k:,} {what}{'' if k == 1 else 's'}"
    print(f"ok: {args.db}: {n(summary['streams'], 'stream')}, {n(summary['events'], 'event')}, "
          f"{n(summary['snapshots'], 'snapshot')}: versions gapless, hash chains intact, every event replays "
          f"under the rules")
    for name, head in heads.items():
        print(f"head of {name!r}: {head}" + (" (as expected)" if args.expect_head else ""))
    return 0


# --- record: the command side -----------------------------------------------------------------------------------------

#: verb -> (command class name, help, {flag: (attribute, type, help)})
_VERBS: dict[str, tuple[str, str, dict[str, tuple[str, object, str]]]] = {
    "expel": ("ExpelDiplomats", "the actor expels COUNT of the target's diplomats, to leave by DEADLINE",
              {"--count": ("count", whole_arg(1, MAX_FIGURE), "how many"),
               "--deadline": ("deadline", date_arg, "YYYY-MM-DD")}),
    "cap": ("CapMission", "the actor caps the target's mission at CAP people by DEADLINE",
            {"--cap": ("cap", whole_arg(0, MAX_FIGURE), "the ceiling"),
             "--deadline": ("deadline", date_arg, "YYYY-MM-DD")}),
    "lift-cap": ("LiftCap", "the actor lifts its cap on the target's mission", {}),
    "assign-staff": ("AssignStaff", "the actor adds COUNT people to its mission in the target",
                     {"--count": ("count", whole_arg(1, MAX_FIGURE), "how many")}),
    "close-post": ("ClosePost", "the actor closes a post of the target's mission",
                   {"--post": ("post", str, "the post's name, as recorded")}),
    "suspend-property": ("SuspendPropertyAccess", "the actor bars the target from a property",
                         {"--property": ("property", str, "the property's id")}),
    "close-property": ("CloseProperty", "the actor closes a property of the target",
                       {"--property": ("property", str, "the property's id")}),
    "seize-property": ("SeizeProperty", "the actor seizes a property of the target",
                       {"--property": ("property", str, "the property's id")}),
    "return-property": ("ReturnProperty", "the actor returns a property to the target",
                        {"--property": ("property", str, "the property's id")}),
    "sanction": ("ImposeSanctions", "the actor imposes measures on named targets of the target country", {}),
    "lift-sanctions": ("LiftSanctions", "the actor lifts its sanctions on named targets", {}),
}


def _provenance(p: argparse.ArgumentParser, *, source_required: bool) -> None:
    p.add_argument("--actor", required=True, metavar="CODE", help="who acts (ISO 3166-1 alpha-3, e.g. USA)")
    p.add_argument("--target", required=True, metavar="CODE", help="whom it is aimed at")
    p.add_argument("--date", required=True, type=date_arg, metavar="DATE", help="when (YYYY-MM-DD)")
    p.add_argument("--source", action="append", required=source_required, metavar="REF", default=None,
                   help="where the fact comes from: a URL or 'public record: ...' (repeatable)")
    p.add_argument("--summary", metavar="TEXT", help="what happened, in a line")
    p.add_argument("--note", metavar="TEXT")
    p.add_argument("--resolves", action="append", metavar="ID", default=None,
                   help="an open proposal or threat this event enacts (repeatable)")
    p.add_argument("--id", metavar="ID", help="the event's id (default: DATE-ACTOR-VERB-TARGET, made unique)")
    _stream(p)
    p.add_argument("--expected-version", type=whole_arg(0), metavar="N",
                   help="fail unless the stream is at version N (default: the version the state was read at)")


def _register_record(sub) -> None:
    p = subparser(sub, "record", "record an act in a store: checked against the stream's current state, then appended",
                  "diplosim record my.db expel --actor USA --target RUS --count 60 --date 2018-03-26 \\\n"
                  "    --deadline 2018-04-02 --source 'https://example.org/expulsions'\n"
                  "diplosim record my.db event --type ThreatIssued --actor RUS --target USA --date 2018-03-27 \\\n"
                  "    --set count=60 --source 'public record: statement'")
    p.add_argument("db", metavar="DB")
    verbs = p.add_subparsers(dest="verb", metavar="VERB", parser_class=OneLineParser, required=True)
    for verb, (command, help, flags) in _VERBS.items():
        v = subparser(verbs, verb, help, f"diplosim record my.db {verb} --actor USA --target RUS "
                      f"--date 2018-03-26 {_example_flags(verb)}--source URL")
        _provenance(v, source_required=True)
        for flag, (_attr, kind, text) in flags.items():
            v.add_argument(flag, type=kind, required=True, help=text)
        if verb in ("sanction", "lift-sanctions"):
            v.add_argument("--on", action="append", required=True, metavar="NAME",
                           help="a designated person, entity or agency (repeatable)")
        if verb == "sanction":
            v.add_argument("--kind", choices=TARGET_KINDS, default="entity", help="what the --on targets are")
            v.add_argument("--measure", action="append", metavar="TEXT",
                           help="a measure (repeatable; default: asset freeze and travel ban)")
            v.add_argument("--legal-basis", metavar="TEXT")
        v.set_defaults(handler=cmd_record, command=command)

    v = subparser(verbs, "event", "record any event type, its fields given with --set KEY=VALUE or --json",
                  "diplosim record my.db event --type ThreatIssued --actor RUS --target USA --date 2018-03-27 \\\n"
                  "    --set count=60 --source 'public record: statement'\n"
                  "diplosim record my.db event --type MeetingHeld --actor USA --target RUS --date 2018-07-16 \\\n"
                  "    --json '{\"place\": \"Helsinki\"}' --source 'public record: summit'")
    v.add_argument("--type", required=True, metavar="TYPE", help="an event type (see `diplosim events`)")
    v.add_argument("--actor", metavar="CODE")
    v.add_argument("--target", metavar="CODE")
    v.add_argument("--date", type=date_arg, metavar="DATE")
    v.add_argument("--source", action="append", metavar="REF", default=None, help="repeatable")
    v.add_argument("--summary", metavar="TEXT")
    v.add_argument("--id", metavar="ID")
    v.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="a field; VALUE is read as JSON when it parses (60, true, [\"a\"]), else as text")
    v.add_argument("--json", metavar="OBJECT", help="fields as one JSON object")
    _stream(v)
    v.add_argument("--expected-version", type=whole_arg(0), metavar="N",
                   help="fail unless the stream is at version N (default: the version the state was read at)")
    v.set_defaults(handler=cmd_record_event)


def _example_flags(verb: str) -> str:
    return {"expel": "--count 60 --deadline 2018-04-02 ", "cap": "--cap 455 --deadline 2018-09-01 ",
            "assign-staff": "--count 10 ", "close-post": "--post 'Consulate in Seattle' ",
            "sanction": "--on 'Example Bank' --measure 'asset freeze' ",
            "lift-sanctions": "--on 'Example Bank' "}.get(verb, "--property rus-seattle-residence "
                                                               if "property" in verb else "")


def _append_one(store, stream: str, build, expected: int | None) -> str:
    """Read the stream's state, let ``build(state)`` make the events, append them at the version read."""
    from ..core.state import State

    version = store.version(stream)
    state = store.state_at(stream) if version else State(seen_ids=None)
    events = build(state)
    new = store.append(stream, events, expected_version=version if expected is None else expected)
    return ", ".join(e.id for e in events) + f" in {stream!r} (version {new})"


def cmd_record(args: argparse.Namespace) -> int:
    from ..play import commands
    from ..core import events as ev
    from ..core.errors import InputError
    from ..store.facade import open_store

    cls = commands.COMMANDS[args.command]
    fields = {"actor": args.actor, "target": args.target, "date": args.date}
    for _flag, (attr, _kind, _help) in _VERBS[args.verb][2].items():
        fields[attr] = getattr(args, attr)
    try:
        if args.verb == "sanction":
            fields["targets"] = tuple(ev.SanctionTarget(name, args.kind) for name in args.on)
            if args.measure:
                fields["measures"] = tuple(args.measure)
        elif args.verb == "lift-sanctions":
            fields["targets"] = tuple(args.on)
        command = cls(**fields)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{args.verb}: {exc}") from None
    provenance = {"sources": tuple(args.source)}
    for key in ("summary", "note"):
        if getattr(args, key):
            provenance[key] = getattr(args, key)
    if args.resolves:
        provenance["resolves"] = tuple(args.resolves)
    if getattr(args, "legal_basis", None):
        provenance["legal_basis"] = args.legal_basis

    with open_store(args.db, must_exist=True) as store:
        stream = args.stream or store.default_stream()

        def build(state):
            event_id = args.id or store.unique_id(stream, commands.new_id(state, command))
            # the store checks every rule on append, against the same state: no second check on a copy here
            return commands.decide(state, command, id=event_id, check=False, **provenance)
        try:
            what = _append_one(store, stream, build, args.expected_version)
        except InputError as exc:
            flag = _option_of(exc.message)
            if flag is None or (exc.where and not exc.where.startswith("event ")):
                raise
            raise InputError(exc.message, flag) from None
    print(f"recorded {what}")
    return 0


#: The option of ``record VERB`` that gives each field, to name it in a message.
_FLAGS = {"id": "--id", "sources": "--source", "summary": "--summary", "note": "--note", "resolves": "--resolves",
          "legal_basis": "--legal-basis", "targets": "--on", "measures": "--measure", "post": "--post",
          "property": "--property", "actor": "--actor", "target": "--target", "date": "--date",
          "deadline": "--deadline", "count": "--count", "cap": "--cap"}


def _option_of(message: str) -> str | None:
    from ..core.log import field_mentioned
    return _FLAGS.get(field_mentioned(message) or "")


def _set_value(key: str, text: str):
    """VALUE of --set KEY=VALUE: JSON when it parses, else text; JSON too deep or a number too long is refused."""
    from ..core.errors import InputError
    from ..core.files import loads_json
    try:
        return loads_json(text)
    except InputError as exc:
        if exc.message.startswith("malformed JSON"):
            return text
        raise InputError(exc.message, f"--set {key}") from None


def cmd_record_event(args: argparse.Namespace) -> int:
    from ..core.errors import InputError
    from ..core.log import event_from_dict
    from ..store.facade import open_store

    data: dict = {}
    if args.json is not None:
        from ..core.files import loads_json
        try:
            data = loads_json(args.json)
        except InputError as exc:
            raise InputError(exc.message, "--json") from None
        if not isinstance(data, dict):
            raise InputError("want a JSON object of fields", "--json")
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"want KEY=VALUE, got {item!r}", "--set")
        data[key.strip()] = _set_value(key.strip(), value)
    if "type" in data:
        raise InputError("the event's type is given by --type, not as a field", "--set/--json type")
    for key in ("actor", "target", "summary", "id", "date"):  # one way to give each field, or which one counts?
        if key in data and getattr(args, key) is not None:
            raise InputError(f"{key} is given twice: as a field and as --{key}", f"--{key}")
    data["type"] = args.type
    for key in ("actor", "target", "summary", "id"):
        if getattr(args, key) is not None:
            data[key] = getattr(args, key)
    if args.date is not None:
        data["date"] = args.date.isoformat()
    if args.source:
        data["sources"] = list(data.get("sources") or []) + list(args.source)
    if "id" in data and not isinstance(data["id"], str):
        raise InputError("the id must be text", "--set")

    with open_store(args.db, must_exist=True) as store:
        stream = args.stream or store.default_stream()

        def build(state):
            if "id" not in data:
                kebab = "".join("-" + c.lower() if c.isupper() else c for c in str(args.type)).lstrip("-")
                base = "-".join(str(x).lower() for x in (data.get("date"), data.get("actor"), kebab,
                                                         data.get("target")) if x)
                data["id"] = store.unique_id(stream, base)
            try:
                return [event_from_dict(data)]
            except InputError as exc:
                raise InputError(exc.message, "record event") from None
        what = _append_one(store, stream, build, args.expected_version)
    print(f"recorded {what}")
    return 0

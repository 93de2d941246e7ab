"""Derive diplosim/data/cameo_plover.tsv from the PLOVER project's CAMEO-to-PLOVER table.

    python scripts/plover_table.py CAMEO2PLOVER-2021.txt > diplosim/data/cameo_plover.tsv

The input is the file ``CAMEO2PLOVER-2021.txt`` of the PLOVER repository (github.com/openeventdata/PLOVER, the
17 September 2021 version, for PLOVER manual draft 0.8), licensed CC BY-SA 4.0: see diplosim/data/README.md.
Its lines read ``CODE: EVENT, MODE, CONTEXT # label``; a line of a root code alone (``03: AGREE``) opens a group.
The output keeps code, event type, mode and context, one row per CAMEO code: a code listed twice with the same
event type (175) is kept once, with the first line's mode and context; a root code listed under two event types
(08: CONCEDE and RETREAT) gets no row of its own.  The labels are left out: diplosim's CAMEO table has them.
"""
from __future__ import annotations

import re
import sys

LINE = re.compile(r"^(\d{2,4}):\s*([A-Z]+)\s*(?:,([^,#]*))?(?:,([^#]*))?(?:#.*)?$")


def rows(text: str) -> list[tuple[str, str, str, str]]:
    seen: dict[str, tuple[str, str, str, str]] = {}
    roots: dict[str, set[str]] = {}
    for raw in text.splitlines():
        m = LINE.match(raw.strip())
        if not m:
            continue
        code, event = m.group(1), m.group(2)
        mode = " ".join((m.group(3) or "").split())
        context = "; ".join(p.strip() for p in (m.group(4) or "").split(";") if p.strip())
        if len(code) == 2:
            roots.setdefault(code, set()).add(event)
            continue
        if code in seen:
            if seen[code][1] != event:
                raise SystemExit(f"{code} is listed under {seen[code][1]} and {event}")
            continue
        seen[code] = (code, event, mode, context)
    for code, events in roots.items():
        if len(events) == 1:
            seen[code] = (code, events.pop(), "", "")
    return sorted(seen.values(), key=lambda r: (r[0][:2], len(r[0]) > 2, r[0]))


def main(argv: list[str]) -> int:
    with open(argv[0], encoding="utf-8") as f:
        table = rows(f.read())
    out = sys.stdout
    out.write("# CAMEO code -> PLOVER event type, mode and context, derived from the PLOVER project's table\n"
              "# CAMEO2PLOVER-2021.txt (github.com/openeventdata/PLOVER, 17 September 2021, PLOVER manual draft 0.8)\n"
              "# by scripts/plover_table.py.  Licence: CC BY-SA 4.0 (see README.md beside this file).\n"
              "# CAMEO roots 01 and 02 have no PLOVER type (PLOVER dropped them): they have no row.\n")
    out.write("cameo_code\tplover_event\tplover_mode\tplover_context\n")
    for r in table:
        out.write("\t".join(r) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

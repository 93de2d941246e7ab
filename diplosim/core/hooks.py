"""Where the rooms above the core plug in what the core itself must not import (it sits below them).

``diplosim/__init__.py`` installs the analysis room's table renderer here, so ``print(state)`` shows the state's
tables while :mod:`diplosim.core.state` imports nothing from analysis.  Imports nothing, so it costs nothing.
"""


def _plain(s, fmt: str) -> str:
    return (f"State as of {s.as_of}: {len(s.missions)} missions, {len(s.properties)} properties, "
            f"{len(s.sanctions)} sanctions, {len(s.open_items)} open items, {s.events_applied} events applied")


#: ``render_state(state, fmt) -> str``: text (``fmt`` "simple") or HTML ("html"); a one-line summary until a room
#: installs a better one.
render_state = _plain

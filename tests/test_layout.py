"""The package's shape: rooms along the data flow, imports that run one way, no import circle, no huge module.

An AST walk over diplosim/ (every import, at the top of a module or inside a function, counts), so the shape holds
as the code grows.  The rooms, bottom to top: core, store, play, analysis, cli; a module may import its own room or
a room below it, never one above.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "diplosim"
ROOMS = ["core", "store", "play", "analysis", "cli"]  # bottom to top
MAX_LINES = 600


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The package modules that ``name`` imports, with relative imports resolved and ``from X import sub`` read as
    an import of the submodule ``X.sub`` where one exists."""
    is_package = path.name == "__init__.py"
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.split(".")[0] == "diplosim")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "diplosim":
                continue
            subs = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in known]
            out.update(subs)
            if len(subs) < len(node.names):
                out.add(target)
    return {m for m in out if m in known and m != name}


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imports_of(name, path, known) for name, path in mods.items()}


def room(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in ROOMS else None


def find_cycle(g: dict[str, set[str]]) -> list[str] | None:
    """One import circle as a list of modules (first = last), or None."""
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(g, white)
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        colour[n] = grey
        stack.append(n)
        for m in sorted(g[n]):
            if colour[m] == grey:
                return stack[stack.index(m):] + [m]
            if colour[m] == white:
                found = visit(m)
                if found:
                    return found
        stack.pop()
        colour[n] = black
        return None

    for n in sorted(g):
        if colour[n] == white:
            found = visit(n)
            if found:
                return found
    return None


def test_the_walk_sees_relative_lazy_and_submodule_imports():
    # the detector itself: a circle through a lazy import inside a function is found
    g = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}
    assert find_cycle(g) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
    g = graph()
    # core.state imports core.hooks (a relative `from . import hooks`)
    assert "diplosim.core.hooks" in g["diplosim.core.state"]
    # cli.analysis imports the explain module only inside a function
    assert "diplosim.analysis.explain" in g["diplosim.cli.analysis"]


def test_no_import_circle_among_the_package_modules():
    cycle = find_cycle(graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle)


def test_rooms_import_only_their_own_room_or_the_rooms_below():
    wrong = []
    for module, targets in graph().items():
        mine = room(module)
        if mine is None:
            continue
        for t in targets:
            theirs = room(t)
            if theirs is None:
                if t.startswith("diplosim.tooling") or t == "diplosim":
                    wrong.append(f"{module} -> {t} (the rooms do not import the package root or tooling)")
                continue
            if ROOMS.index(theirs) > ROOMS.index(mine):
                wrong.append(f"{module} ({mine}) -> {t} ({theirs})")
    assert not wrong, "imports that run up the flow:\n" + "\n".join(sorted(wrong))


def test_the_core_imports_nothing_above_it():
    for module, targets in graph().items():
        if room(module) == "core":
            assert all(room(t) == "core" for t in targets), (module, targets)


@pytest.mark.parametrize("room_name", ROOMS + ["tooling"])
def test_every_room_is_a_package_with_a_docstring(room_name):
    init = PACKAGE / room_name / "__init__.py"
    assert init.is_file()
    assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))


def test_no_module_is_huge():
    big = {name: n for name, path in modules().items()
           if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not big, f"modules over {MAX_LINES} lines: {big}"


def test_no_flat_module_left_beside_the_rooms():
    # what sits at the top of the package is the package's own wiring, not a room's work
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert top == ["__init__.py", "__main__.py", "_moved.py"], top


def test_old_module_paths_still_import(recwarn):
    import importlib
    import warnings

    from diplosim import _moved
    for old, new in _moved.MOVED.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert importlib.import_module(f"diplosim.{old}") is importlib.import_module(f"diplosim.{new}")

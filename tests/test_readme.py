"""README is the user's manual: its examples are run and their output compared, so it cannot drift.

```console blocks: each `$ diplosim ...` line is run from the repository root with the installed console script;
the lines after it (up to the next `$ ` or the block's end) must equal its stdout.  ```pycon blocks are doctests.
"""
from __future__ import annotations

import doctest
import re
import shlex
import subprocess
import sys

import pytest

from conftest import ROOT, diplosim_exe

README = ROOT / "README.md"
BLOCK = re.compile(r"^```(console|pycon)\n(.*?)^```", re.M | re.S)


def _blocks(kind: str):
    text = README.read_text(encoding="utf-8")
    for m in BLOCK.finditer(text):
        if m.group(1) == kind:
            line = text[: m.start()].count("\n") + 2
            yield line, m.group(2)


def _commands():
    for line, body in _blocks("console"):
        current = None
        for n, raw in enumerate(body.splitlines()):
            if raw.startswith("$ "):
                if current:
                    yield current
                current = [line + n, raw[2:], []]
            elif current is not None:
                current[2].append(raw)
        if current:
            yield current


COMMANDS = list(_commands())


def test_readme_is_built_from_its_parts():
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_readme.py"), "--check"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout


def test_readme_opens_with_the_two_commands():
    text = README.read_text(encoding="utf-8")
    head = text[:3000]
    assert "pip install -e '.[dev]'" in head and "diplosim replay" in head
    assert ".venv/bin/python -m pytest" in head
    ci = (ROOT / ".ci" / "run").read_text()
    assert ".venv/bin/python -m pytest" in ci.splitlines()[-1]


def test_readme_has_examples():
    assert len(COMMANDS) >= 5


@pytest.fixture(scope="session")
def readme_stores():
    """The README's `import-data` examples, run once per test process before any example: the examples that read
    the store they fill (`--compare-store`, `export --store`) then pass in any order, on any worker.  The imports
    are idempotent (rows already in the stream are skipped), so running them again in their own test changes
    nothing and prints the same."""
    for _line, command, _expected in COMMANDS:
        argv = shlex.split(command)
        if argv[1:2] == ["import-data"]:
            subprocess.run(diplosim_exe() + argv[1:], capture_output=True, cwd=ROOT, timeout=300, check=True)


@pytest.mark.parametrize("line,command,expected", COMMANDS, ids=[f"README:{c[0]}" for c in COMMANDS])
def test_console_example(line, command, expected, readme_stores):
    argv = shlex.split(command)
    assert argv[0] == "diplosim", f"README:{line}: examples run diplosim, not {argv[0]}"
    out = subprocess.run(diplosim_exe() + argv[1:], capture_output=True, text=True, cwd=ROOT, timeout=300)
    got = [x.rstrip() for x in out.stdout.rstrip("\n").splitlines()]
    want = [x.rstrip() for x in "\n".join(expected).rstrip("\n").splitlines()]
    assert got == want, f"README:{line}: `{command}` printed something else (exit {out.returncode}): {out.stderr}"


PYCON = list(_blocks("pycon"))


@pytest.mark.parametrize("line,body", PYCON, ids=[f"README:{b[0]}" for b in PYCON])
def test_python_example(line, body, monkeypatch):
    monkeypatch.chdir(ROOT)
    test = doctest.DocTestParser().get_doctest(body, {}, f"README:{line}", str(README), line)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"README:{line}: a Python example failed"

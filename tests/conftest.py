"""Shared test set-up: hypothesis profiles (thorough locally, bounded in CI) and helpers for the CLI."""
from __future__ import annotations

import datetime
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=400, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("quick", max_examples=15, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "thorough"))

ROOT = Path(__file__).resolve().parent.parent
REAL_LOG = ROOT / "seeds" / "us-russia-2016-2017.toml"


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def diplosim_exe() -> list[str]:
    """The installed console script (tests of the CLI run the real command)."""
    exe = shutil.which("diplosim", path=str(Path(sys.executable).parent)) or shutil.which("diplosim")
    assert exe, "the diplosim console script is not installed"
    return [exe]


def run_cli(*args: str, cwd: Path | None = None, input: str | None = None, env: dict[str, str] | None = None,
            timeout: float = 300, errors: str = "strict") -> subprocess.CompletedProcess:
    """The installed command, run with ``args`` (``env``: variables added to this process's environment)."""
    return subprocess.run(diplosim_exe() + list(args), capture_output=True, text=True, cwd=cwd or ROOT,
                          input=input, timeout=timeout, env={**os.environ, **env} if env else None, errors=errors)


@pytest.fixture(scope="session")
def real_log():
    from diplosim.core.log import load_log
    return load_log(REAL_LOG)


@pytest.fixture
def cli():
    return run_cli

"""`diplosim sources`: the catalogue of what the shipped logs cite, from the installed script."""
from __future__ import annotations

import json

from diplosim.core.log import load_log
from diplosim.core.sources import catalogue, cited

from conftest import REAL_LOG, run_cli


def test_every_source_of_a_log_is_listed_once_with_the_events_that_cite_it():
    log = load_log(REAL_LOG)
    p = run_cli("sources", "--log", str(REAL_LOG), "--format", "json")
    assert p.returncode == 0, p.stderr
    rows = json.loads(p.stdout)
    expected = {src for e in log.events for src in e.sources}
    assert {r["id"] for r in rows} == expected and len(rows) == len(expected)
    for r in rows:   # the events are those that cite it, in log order, and the catalogue describes each one
        assert r["events"] == [e.id for e in log.events if r["id"] in e.sources]
        assert r["title"] == catalogue()[r["id"]]["title"]


def test_one_source_in_full_and_an_unknown_one():
    src = "002_75852e39d8adb4be.txt"
    p = run_cli("sources", src, "--log", str(REAL_LOG), "--format", "json")
    doc = json.loads(p.stdout)
    assert doc["kind"] == "seed article" and doc["events"] == cited(load_log(REAL_LOG).events)[src]
    p = run_cli("sources", src, "--log", str(REAL_LOG))
    assert p.stdout.splitlines()[0].split() == ["id", src] and "usa-expels-35" in p.stdout
    p = run_cli("sources", "no-such-source")
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and "no source 'no-such-source'" in p.stderr

"""The report of a many-country log in headless Chromium: 2,000 synthetic events among 30 countries (the shape of
the 2017-2018 logs to come).  The reader picks pairs, reads the country-by-country heat map and narrows the
timeline to one country; nothing errs and nothing leaves the page."""
from __future__ import annotations

import datetime

import pytest

from browser import reader  # noqa: F401  (the fixture)
from conftest import run_cli

from diplosim.analysis.cameo import is_act, source_of, target_of
from diplosim.core.log import write_log
from diplosim.tooling.synthetic import generate


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    d = tmp_path_factory.mktemp("report-many")
    events = list(generate(2000, n_countries=30, seed=1))
    log = d / "many.jsonl"
    write_log(events, log)
    page = d / "many.html"
    r = run_cli("report", "--log", str(log), "--title", "Thirty countries, synthetic", "--out", str(page))
    assert r.returncode == 0, r.stderr
    return events, page


def test_a_country_chosen_narrows_the_timeline_to_its_events(reader, many):
    from selenium.webdriver.support.ui import Select

    events, page = many
    reader.open(page)
    assert "2,000 events shown (the first 250 listed)" in reader.find("#tl-count").text
    reader.click("#tl-more")  # the rest is one press away
    assert len(reader.table("tl-table")) == 2000
    for country in ("FRA", "USA"):
        Select(reader.find("#tl-country")).select_by_value(country)
        involved = [e for e in events if country in (e.actor, target_of(e), source_of(e))]
        assert reader.find("#tl-count").text.startswith(f"{len(involved):,} of 2,000 events shown")
        rows = reader.table("tl-table")
        assert len(rows) == min(250, len(involved)) and all(country in (r["Actor"], r["Target"]) for r in rows)
    reader.assert_clean()


def test_the_state_tables_of_one_country(reader, many):
    from selenium.webdriver.support.ui import Select

    from diplosim.analysis.projections import state_json
    from diplosim.core.fold import fold

    events, page = many
    reader.open(page)
    end = reader.date()
    missions = state_json(fold(events, until=datetime.date.fromisoformat(end)))["missions"]
    assert len(reader.table("t-missions")) == 100 < len(missions)  # the first hundred, and a press for all
    assert reader.find("#t-missions").find_element("xpath", "../following-sibling::p").text.startswith(
        f"The first 100 of {len(missions)} rows")
    Select(reader.find("#state-country")).select_by_value("FRA")
    rows = reader.table("t-missions")
    mine = [m for m in missions if "FRA" in (m["sending"], m["host"])]
    assert sorted((r["Sending"], r["Host"]) for r in rows) == sorted((m["sending"], m["host"]) for m in mine)
    shown = {(r["Sending"], r["Host"]): r["Staff"] for r in rows}
    for m in mine:   # an exact size in full; a range as a range, never as a made-up number
        cell = shown[m["sending"], m["host"]]
        if m["staff"] is not None:
            assert cell == f"{m['staff']:,}"
        else:
            assert any(mark in cell for mark in ("≥", "≤", "–", "~", "?")), cell
    reader.assert_clean()
    reader.assert_clean()


def test_the_reader_chooses_the_missions_drawn(reader, many):
    events, page = many
    reader.open(page)
    assert len(reader.find_all("#staffing-charts svg[data-pair]")) == 4  # the four largest, to start with
    reader.click("#pair-chooser summary")
    reader.find("#pair-filter").send_keys("FRA")
    boxes = reader.find_all("#pair-list input")
    keys = {b.get_attribute("id") for b in boxes}
    assert keys and all("FRA" in k for k in keys)
    reader.click("#pairs-none")
    assert reader.find_all("#staffing-charts svg[data-pair]") == []
    first = reader.find_all("#pair-list input")[0]
    pair = first.get_attribute("id").removeprefix("pair-").replace("-", "|")
    reader.click(f'#{first.get_attribute("id")}')
    drawn = reader.find_all("#staffing-charts svg[data-pair]")
    assert [s.get_attribute("data-pair") for s in drawn] == [pair]
    assert reader.find_all(f'#staffing-charts svg[data-pair="{pair}"] path.staff-line')
    reader.assert_clean()


def test_the_heat_map_has_every_country_that_acted_and_draws_the_pair_chosen(reader, many):
    events, page = many
    acted = {c for e in events if is_act(e) and e.type not in ("MissionEstablished", "PropertyRegistered")
             for c in (source_of(e), target_of(e)) if c}
    reader.open(page)
    heads = [th.text for th in reader.find_all("#heat-table thead th")][1:]
    assert sorted(heads) == sorted(acted) and len(heads) == 30
    cell = reader.find_all("#heat-table tbody button")[5]
    a, b = cell.get_attribute("aria-label").split(":")[0].split(" toward ")
    reader.js("arguments[0].scrollIntoView({block: 'center'})", cell)
    cell.click()
    assert reader.find("#esc-dyad").get_attribute("value") == "|".join(sorted((a, b)))
    assert {p.get_attribute("data-dir") for p in reader.find_all("#esc-chart path.esc-line")} == {f"{a}-{b}",
                                                                                                 f"{b}-{a}"}
    # a shorter period can only lower the highest index in it
    before = {btn.get_attribute("aria-label") for btn in reader.find_all("#heat-table tbody button")}
    reader.js("const f = document.getElementById('heat-from'); f.value = '1990-06-01';"
              "f.dispatchEvent(new Event('change', {bubbles: true}))")
    assert "from 1990-06-01" in reader.find("#heat-table caption").text
    after = {btn.get_attribute("aria-label") for btn in reader.find_all("#heat-table tbody button")}
    assert after != before
    reader.screenshot("report-many-countries.png")
    reader.assert_clean()

"""Many countries at play: packages, the multilateral strategies, N-country play with the world not played,
scenarios with blocs and per-pair after_fork rules, fit, and the coalition sweep."""
from __future__ import annotations

import datetime
import json

import attrs
import pytest

from diplosim.core import events as ev
from diplosim.core.errors import InputError
from diplosim.core.fold import fold
from diplosim.play.calendar import Policy, Stop, play
from diplosim.play.fit import fit, move_class
from diplosim.play.scenario import Scenario
from diplosim.play.strategies import C, D, REGISTRY, Measure, Package, View, World, combine, get, parse_package

from conftest import run_cli

d = datetime.date
S = ("https://example.org/test",)
MULTI = ["mirror-each", "solidarity", "lead-and-follow", "proportional-to-bloc", "graduated"]


def world(acts, me="RUS", today=d(2018, 4, 1), blocs=None):
    blocs = blocs or {}
    allies = frozenset(c for m in blocs.values() if me in m for c in m) - {me}
    return World(acts=acts, today=today, me=me, blocs=blocs, allies=allies)


def view(me, other, w=None, **kw):
    return View(me=me, other=other, world=w, **kw)


# --- packages ----------------------------------------------------------------------------------------------------


def test_a_package_sums_kinds_keeps_the_harshest_cap_and_is_hostile_if_any_part_is():
    p = combine([Measure("expel", 48), Measure("close_post", 1), Measure("expel", 12), Measure("cap", 30),
                 Measure("cap", 20)])
    assert [(m.kind, m.size) for m in p] == [("expel", 60), ("close_post", 1), ("cap", 20)]
    assert p and not Package() and move_class(p) == "several" and move_class(Package()) == "restraint"
    assert move_class(Measure("seize_property", 1)) == move_class(combine([Measure("close_property", 2)])) \
        == "property"
    assert parse_package("expel:60+close_post:1") == Package((Measure("expel", 60), Measure("close_post", 1)))
    for bad in ("", " + ", "expel", "expel:x", "teleport:3"):
        with pytest.raises(ValueError):
            parse_package(bad)


# --- the strategies, against scripted worlds ----------------------------------------------------------------------


def test_mirror_each_answers_what_is_owed_to_each_state_in_kind_once():
    acts = [(d(2018, 3, 26), "USA", "RUS", Measure("expel", 60)), (d(2018, 3, 26), "USA", "RUS", Measure("close_post", 1)),
            (d(2018, 3, 26), "FRA", "RUS", Measure("expel", 4)), (d(2018, 3, 27), "GBR", "RUS", Measure("cap", 50))]
    s = get("mirror-each")
    w = world(acts)
    assert s.respond(view("RUS", "USA", w)) == Package((Measure("expel", 60), Measure("close_post", 1)))
    assert s.respond(view("RUS", "FRA", w)) == Package((Measure("expel", 4),))
    assert s.respond(view("RUS", "GBR", w)) == Package((Measure("cap", 0, parity=True),))  # a cap: parity
    assert s.respond(view("RUS", "DEU", w)) is None     # Germany did nothing
    # once answered, nothing is owed: the answer is not repeated
    answered = acts + [(d(2018, 3, 30), "RUS", "USA", Measure("expel", 60)),
                       (d(2018, 3, 30), "RUS", "USA", Measure("close_post", 1))]
    assert s.respond(view("RUS", "USA", world(answered))) is None
    # outside the memory window an act is forgotten
    assert get("mirror-each", memory=3).respond(view("RUS", "USA", w)) is None
    # alone (no world) it mirrors the counterpart's last package
    assert s.respond(view("RUS", "USA", packages=[Package((Measure("expel", 7),))])) == \
        Package((Measure("expel", 7),))


def test_solidarity_joins_only_when_an_ally_was_hit_and_enough_allies_acted():
    blocs = {"B": ("GBR", "FRA", "DEU", "POL")}
    hit = [(d(2018, 3, 17), "RUS", "GBR", Measure("expel", 23))]
    joined = [(d(2018, 3, 14), "GBR", "RUS", Measure("expel", 23)), (d(2018, 3, 26), "FRA", "RUS", Measure("expel", 4))]
    s = get("solidarity", threshold=2)
    # two allies acted (GBR 23, FRA 4) and an ally was hit: Germany joins with the median of the allies' sizes
    assert s.respond(view("DEU", "RUS", world(hit + joined, me="DEU", blocs=blocs))) == \
        Package((Measure("expel", 13),))
    assert get("solidarity", threshold=2, size="3").respond(
        view("DEU", "RUS", world(hit + joined, me="DEU", blocs=blocs))) == Package((Measure("expel", 3),))
    # one ally acted: below the threshold of two
    assert s.respond(view("DEU", "RUS", world(hit + joined[:1], me="DEU", blocs=blocs))) is None
    # no ally hit: no reason to join
    assert s.respond(view("DEU", "RUS", world(joined, me="DEU", blocs=blocs))) is None
    # not in the bloc: no allies
    assert s.respond(view("USA", "RUS", world(hit + joined, me="USA", blocs=blocs))) is None
    # joined already in the window: not again
    mine = [(d(2018, 3, 28), "DEU", "RUS", Measure("expel", 4))]
    assert s.respond(view("DEU", "RUS", world(hit + joined + mine, me="DEU", blocs=blocs))) is None
    with pytest.raises(InputError, match="no bloc named 'NATO'"):
        get("solidarity", bloc="NATO").respond(view("DEU", "RUS", world(hit + joined, me="DEU", blocs=blocs)))
    with pytest.raises(InputError, match="size must be 'median' or a whole number"):
        get("solidarity", size="lots")


def test_lead_and_follow_answers_the_initiator_harder():
    acts = [(d(2018, 3, 14), "GBR", "RUS", Measure("expel", 23)), (d(2018, 3, 26), "FRA", "RUS", Measure("expel", 4))]
    s = get("lead-and-follow", lead=2.0, follow=1.0)
    w = world(acts)
    assert w.initiator(30) == "GBR"
    assert s.respond(view("RUS", "GBR", w)) == Package((Measure("expel", 46),))
    assert s.respond(view("RUS", "FRA", w)) == Package((Measure("expel", 4),))
    with pytest.raises(InputError, match="lead .* must be at least follow"):
        get("lead-and-follow", lead=0.5, follow=1.0)


def test_proportional_to_bloc_gives_every_acting_member_an_equal_share():
    blocs = {"EU": ("FRA", "DEU", "EST")}
    acts = [(d(2018, 3, 26), "FRA", "RUS", Measure("expel", 4)), (d(2018, 3, 26), "DEU", "RUS", Measure("expel", 4)),
            (d(2018, 3, 26), "EST", "RUS", Measure("expel", 1)), (d(2018, 3, 26), "USA", "RUS", Measure("expel", 60))]
    s = get("proportional-to-bloc")
    w = world(acts, blocs=blocs)
    for member in ("FRA", "DEU", "EST"):   # 9 in all, shared by 3: 3 each, Estonia's 1 counts as much as France's 4
        assert s.respond(view("RUS", member, w)) == Package((Measure("expel", 3),))
    assert s.respond(view("RUS", "USA", w)) == Package((Measure("expel", 60),))   # in no bloc: in kind


def test_graduated_goes_one_rung_up_per_hostile_package_and_stays_on_top():
    s = get("graduated", ladder="expel:5>close_post:1>cap:parity")
    hit, calm = [Package((Measure("expel", 1),))], [Package()]
    moves = [s.respond(view("RUS", "USA", packages=p)) for p in (hit, calm, hit, hit, hit)]
    assert moves == [Measure("expel", 5), None, Measure("close_post", 1), Measure("cap", 0, parity=True),
                     Measure("cap", 0, parity=True)]
    s.reset()
    assert s.respond(view("RUS", "USA", packages=hit)) == Measure("expel", 5)
    for bad in ("", ">", "expel", "expel:x", "cap:50>fly:2"):
        with pytest.raises(InputError):
            get("graduated", ladder=bad)


@pytest.mark.parametrize("name", MULTI)
def test_every_multilateral_strategy_plays_tit_for_tat_in_the_binary_view(name):
    s = REGISTRY[name].create()
    assert s.multilateral and s.binary_table() == (C, bytes([C, D, C, D]))
    assert s.metadata()["plays"] and s.metadata()["doc"]


# --- N countries at play -------------------------------------------------------------------------------------------


def wave_history():
    return [
        ev.MissionEstablished(id="m1", date=d(2018, 3, 1), actor="USA", target="RUS", staff=455,
                              posts=(ev.Post("Embassy in Moscow", "embassy"), ev.Post("Consulate in St Petersburg",
                                                                                      "consulate")), sources=S),
        ev.MissionEstablished(id="m2", date=d(2018, 3, 1), actor="RUS", target="USA", staff=455,
                              posts=(ev.Post("Embassy in Washington", "embassy"),
                                     ev.Post("Consulate in Seattle", "consulate")), sources=S),
        ev.DiplomatsExpelled(id="g", date=d(2018, 3, 14), actor="GBR", target="RUS", count=23, sources=S),
        ev.DiplomatsExpelled(id="u", date=d(2018, 3, 26), actor="USA", target="RUS", count=60,
                             deadline=d(2018, 4, 2), sources=S),
        ev.PostClosed(id="us", date=d(2018, 3, 26), actor="USA", target="RUS", post="Consulate in Seattle",
                      effective=d(2018, 4, 2), sources=S),
        ev.DiplomatsExpelled(id="f", date=d(2018, 3, 26), actor="FRA", target="RUS", count=4, sources=S),
    ]


def test_mirror_each_answers_every_state_with_a_package_and_unknown_missions_are_not_clamped():
    hist = wave_history()
    r = play(fold(hist), [Policy("RUS", "mirror-each", lag_days=3)], countries=("RUS", "USA", "GBR", "FRA", "DEU"),
             start=d(2018, 3, 27), horizon=d(2018, 4, 30), seed=1, history=hist)
    done = {(e.target, e.type): e for e in r}
    assert done["USA", "DiplomatsExpelled"].count == 60 and done["USA", "PostClosed"].post == \
        "Consulate in St Petersburg"
    # the GBR and FRA missions in Russia were never declared: the full number, with a note of what it implies
    assert done["GBR", "DiplomatsExpelled"].count == 23 and "implies at least 23" in done["GBR", "DiplomatsExpelled"].note
    assert done["FRA", "DiplomatsExpelled"].count == 4
    assert not any(e.target == "DEU" for e in r)
    m = r.state.missions["GBR", "RUS"]
    assert (m.low, m.high) == (0, None) and m.change == -23    # gone, from a mission of unknown size
    usa = [x for x in r.rounds if x.target == "USA"]
    assert usa[0].outcome == "expel 60 + close post 1" and usa[0].effect_date == d(2018, 3, 30)
    assert all(not x.hostile for x in usa[1:])   # answered once, whole


def test_the_world_not_played_happens_on_its_dates_and_is_seen():
    hist = wave_history()
    state = fold(hist[:3])
    later = hist[3:]   # the US, French expulsions and the Seattle closure happen during play
    r = play(state, [Policy("RUS", "mirror-each", lag_days=1, round_days=7)],
             countries=("RUS", "USA", "GBR", "FRA"), start=d(2018, 3, 15), horizon=d(2018, 4, 30), seed=1,
             history=hist[:3], world_events=later)
    ids = [e.id for e in r]
    assert {"u", "us", "f"} <= set(ids)
    assert ids.index("u") < next(i for i, e in enumerate(r) if e.generated_by and e.target == "USA")
    assert r.state.missions["RUS", "USA"].posts["Consulate in Seattle"].status == "closed"
    impossible = ev.PostClosed(id="x", date=d(2018, 4, 3), actor="USA", target="RUS", post="Consulate in Seattle",
                               sources=S)
    r = play(state, [Policy("RUS", "restraint")], countries=("RUS", "USA"), start=d(2018, 3, 15),
             horizon=d(2018, 4, 30), seed=1, history=hist[:3], world_events=later + [impossible])
    assert [(e.id, "post cannot be closed twice" in why) for e, why in r.dropped] == [("x", True)]


def test_quiet_rounds_stop_play_and_bad_calls_are_refused():
    hist = wave_history()
    r = play(fold(hist), [Policy("RUS", "restraint"), Policy("USA", "restraint")], start=d(2018, 3, 27),
             horizon=d(2018, 12, 31), seed=1, stop=Stop(quiet_rounds=3))
    assert r.stopped == "every front quiet for 3 rounds" and r.as_of == d(2018, 4, 10)
    with pytest.raises(InputError, match="a policy for GBR, which is not among the countries in play"):
        play(fold(hist), [Policy("GBR", "mirror-each")], countries=("RUS", "USA"), start=d(2018, 3, 27),
             horizon=d(2018, 4, 1), seed=1)
    with pytest.raises(InputError, match="answers FRA, which is not a counterpart"):
        play(fold(hist), [Policy("RUS", "mirror-each", against=("FRA",))], countries=("RUS", "USA"),
             start=d(2018, 3, 27), horizon=d(2018, 4, 1), seed=1)
    with pytest.raises(InputError, match="tremble must be between 0 and 1"):
        play(fold(hist), [Policy("RUS", "restraint")], countries=("RUS", "USA"), start=d(2018, 3, 27),
             horizon=d(2018, 4, 1), seed=1, tremble=2.0)


def test_trembles_flip_decisions_seeded():
    hist = wave_history()
    kw = dict(countries=("RUS", "USA"), start=d(2018, 3, 27), horizon=d(2018, 9, 30), history=hist)
    a = play(fold(hist), [Policy("RUS", "restraint")], seed=3, tremble=0.5, **kw)
    b = play(fold(hist), [Policy("RUS", "restraint")], seed=3, tremble=0.5, **kw)
    c = play(fold(hist), [Policy("RUS", "restraint")], seed=3, **kw)
    assert [x.row() for x in a.rounds] == [x.row() for x in b.rounds]
    assert any(x.hostile for x in a.rounds) and not any(x.hostile for x in c.rounds)


# --- scenarios -----------------------------------------------------------------------------------------------------

SCENARIO = """[scenario]
name = "t"
base = "base.toml"
fork = 2018-03-20
countries = {countries}
{after_fork}

[blocs]
{blocs}

[[policy]]
country = "RUS"
strategy = "mirror-each"
lag_days = 3

[stop]
horizon = 2018-04-30
"""


@pytest.fixture
def base(tmp_path):
    from diplosim.core.log import write_log
    write_log(wave_history(), tmp_path / "base.toml")
    return tmp_path


def scenario(base, countries='"all"', after_fork="", blocs='B = ["GBR", "FRA"]'):
    (base / "s.toml").write_text(SCENARIO.format(countries=countries, after_fork=after_fork, blocs=blocs),
                                 encoding="utf-8")
    return Scenario.from_toml(base / "s.toml")


def test_scenario_with_one_country_playing_keeps_everyone_elses_events(base):
    sc = scenario(base)
    assert sc.countries == ("USA", "RUS", "GBR", "FRA") and sc.blocs == {"B": ("GBR", "FRA")}
    r = sc.run()
    ids = [e.id for e in r.events]
    assert {"u", "us", "f"} <= set(ids)          # the US's and France's acts after the fork, as they happened
    generated = [e for e in r.events if e.generated_by]
    assert {(e.target, e.type) for e in generated} >= {("USA", "DiplomatsExpelled"), ("FRA", "DiplomatsExpelled")}


def test_after_fork_per_pair_and_per_country(base):
    r = scenario(base, after_fork='after_fork = { "FRA:RUS" = "drop" }').run()
    assert "f" not in [e.id for e in r.events] and ("f", "dropped") in [(c.event_id, c.action) for c in r.changes]
    assert not any(e.generated_by and e.target == "FRA" for e in r.events)   # nothing to answer
    r = scenario(base, after_fork='after_fork = { USA = "drop" }').run()
    assert not {"u", "us"} & {e.id for e in r.events}


@pytest.mark.parametrize("kw, message", [
    (dict(blocs='B = "GBR"'), "bloc 'B' must list"),
    (dict(blocs='NATO = ["NATO", "GBR", "FRA"]'), "bloc 'NATO' names itself"),
    (dict(blocs='B = ["GBR", "XXX"]'), "unknown country code 'XXX'"),
    (dict(blocs='B = ["GBR"]'), "two or more member countries"),
    (dict(countries='["RUS"]'), "two or more different known countries"),
    (dict(countries='["USA", "FRA"]'), "a [[policy]] for RUS, which is not one of the scenario's countries"),
    (dict(after_fork='after_fork = { "RUS:XXX" = "drop" }'), "want a country code (RUS) or a pair"),
    (dict(after_fork='after_fork = { RUS = "burn" }'), "after_fork.RUS must be one of"),
])
def test_bad_multilateral_scenarios_are_one_line_with_the_line(base, kw, message):
    with pytest.raises(InputError) as err:
        scenario(base, **kw)
    assert message in err.value.message
    assert err.value.where.startswith(str(base / "s.toml"))


# --- fit -----------------------------------------------------------------------------------------------------------


def answered_log():
    """USA strikes Russia four times, a month apart; Russia answers each in kind the next day."""
    out = [ev.MissionEstablished(id="m1", date=d(2018, 1, 1), actor="USA", target="RUS", staff=400, sources=S),
           ev.MissionEstablished(id="m2", date=d(2018, 1, 1), actor="RUS", target="USA", staff=400, sources=S)]
    for k, n in enumerate((5, 10, 3, 8)):
        day = d(2018, 2, 1) + datetime.timedelta(days=30 * k)
        out.append(ev.DiplomatsExpelled(id=f"u{k}", date=day, actor="USA", target="RUS", count=n,
                                        deadline=day + datetime.timedelta(days=7), sources=S))
        out.append(ev.DiplomatsExpelled(id=f"r{k}", date=day + datetime.timedelta(days=1), actor="RUS",
                                        target="USA", count=n, deadline=day + datetime.timedelta(days=9),
                                        sources=S))
    return out


def test_fit_ranks_the_strategy_that_answers_in_kind_above_restraint():
    log = answered_log()
    r = fit(log, "RUS", strategies=["tit-for-tat", "restraint", "always-hostile"], since=d(2018, 1, 29),
            until=d(2018, 6, 30), round_days=1, bootstrap=50, seed=2)
    by = {f.strategy: f for f in r.fits}
    tft = by["tit-for-tat"]
    # Russia answers each strike the next day, in kind and size: daily rounds see the strike at the next decision,
    # so tit-for-tat predicts every one of Russia's acts, at the right time and size, and restraint everywhere else
    assert tft.acted == 4 and tft.missed == 0 and tft.size_errors == [0, 0, 0, 0] and tft.timing_errors == [0] * 4
    assert tft.kind_hits == tft.n and tft.tremble == 0.0
    assert by["restraint"].missed == 4 and by["restraint"].kind_hits == by["restraint"].n - 4
    assert [f.strategy for f in r.ranked()][0] == "tit-for-tat"
    assert abs(sum(f.weight for f in r.fits) - 1.0) < 1e-6
    again = fit(log, "RUS", strategies=["tit-for-tat", "restraint", "always-hostile"], since=d(2018, 1, 29),
                until=d(2018, 6, 30), round_days=1, bootstrap=50, seed=2)
    assert [f.row() for f in again.fits] == [f.row() for f in r.fits]     # seeded


def test_fit_bad_input_from_the_installed_script(tmp_path):
    from diplosim.core.log import write_log
    write_log(answered_log(), tmp_path / "a.toml")
    p = run_cli("fit", "--log", str(tmp_path / "a.toml"), "--country", "USA", "--until", "2018-01-15")
    assert p.returncode == 2 and "USA has no decision points" in p.stderr and len(p.stderr.splitlines()) == 1
    p = run_cli("fit", "--log", str(tmp_path / "a.toml"), "--country", "RUS", "--strategies", "tit-for-tat,nope")
    assert p.returncode == 2 and "unknown strategy 'nope'" in p.stderr
    p = run_cli("fit", "--log", str(tmp_path / "a.toml"), "--country", "RUS", "--bootstrap", "10000000")
    assert p.returncode == 2 and "--bootstrap: want a whole number from 0 to 10,000" in p.stderr
    p = run_cli("fit", "--log", str(tmp_path / "a.toml"), "--country", "RUS", "--strategies",
                "tit-for-tat,restraint", "--bootstrap", "20", "--round-days", "1", "--format", "json")
    doc = json.loads(p.stdout)
    assert doc["country"] == "RUS" and [s["strategy"] for s in doc["strategies"]][0] == "tit-for-tat"


# --- the coalition sweep -------------------------------------------------------------------------------------------


def test_coalition_sweep_is_the_same_on_one_process_and_on_a_pool():
    from diplosim.play.coalition import coalition_sweep
    from diplosim.play.tournament import executor

    kw = dict(runs=4, seed=5, days=120)
    here = coalition_sweep([1, 3], [1, 2], **kw)
    with executor(2) as ex:
        pooled = coalition_sweep([1, 3], [1, 2], executor=ex, **kw)
    assert here == pooled and [r["runs"] for r in here] == [4, 4, 4, 4]
    # a bigger coalition that joins at once ends sooner than the initiator alone, on average
    rows = {(r["size"], r["threshold"]): r for r in coalition_sweep([1, 8], [1], runs=12, seed=1)}
    assert rows[8, 1]["expelled_by_coalition"] > rows[1, 1]["expelled_by_coalition"]
    assert rows[8, 1]["mean_days_to_end"] < (rows[1, 1]["mean_days_to_end"] or 366)


# --- the shipped multilateral scenarios on the 2018 record -----------------------------------------------------------


def _russian_expulsions(events, since):
    out: dict[str, int] = {}
    for e in events:
        if isinstance(e, ev.DiplomatsExpelled) and e.actor == "RUS" and e.date > since:
            out[e.target] = out.get(e.target, 0) + e.count
    return out


def test_russia_mirrors_2018_answers_each_state_in_kind_and_nato_too():
    from diplosim.core.log import data_dir

    sc = Scenario.from_toml(data_dir("scenarios") / "russia-mirrors-2018.toml")
    r = sc.run()
    fork = d(2018, 3, 26)
    against_russia: dict[str, int] = {}
    for e in sc.base_events:   # what each state did to Russia in the month before each decision
        if isinstance(e, ev.DiplomatsExpelled) and e.target == "RUS" and d(2018, 2, 25) <= e.date:
            against_russia[e.actor] = against_russia.get(e.actor, 0) + e.count
    played = _russian_expulsions([e for e in r.events if e.generated_by], fork)
    real = _russian_expulsions(sc.base_events, fork)
    # mirror-each owes each state what it expelled, less what Russia had already answered before the fork (the UK)
    owed = {k: v for k, v in against_russia.items() if k != "GBR"}
    assert played == owed and owed["NATO"] == 7 and "NATO" not in real
    assert sum(real.values()) == 123 and sum(played.values()) == 130   # the figures of the scenario's answer
    us_sanctions = sum(e.count or len(e.targets) for e in sc.base_events
                       if isinstance(e, ev.SanctionsImposed) and e.actor == "USA" and
                       d(2018, 3, 1) <= e.date <= d(2018, 4, 30))
    mirrored = sum(len(e.targets) for e in r.events if e.generated_by and isinstance(e, ev.SanctionsImposed)
                   and e.target == "USA")
    assert us_sanctions == mirrored == 62
    assert r.state_at(d(2018, 4, 30)).missions["USA", "RUS"].posts["Consulate in St Petersburg"].status == "closed"


def test_russia_leads_2018_answers_the_uk_twice_over():
    from diplosim.core.log import data_dir

    leads = Scenario.from_toml(data_dir("scenarios") / "russia-leads-2018.toml").run()
    mirrors = Scenario.from_toml(data_dir("scenarios") / "russia-mirrors-2018.toml").run()
    fork = d(2018, 3, 26)
    a = _russian_expulsions([e for e in leads.events if e.generated_by], fork)
    b = _russian_expulsions([e for e in mirrors.events if e.generated_by], fork)
    # lead 2: 46 owed the UK for its 23, of which Russia had given 23 on 17 March; the followers as mirror-each
    assert a.pop("GBR") == 2 * 23 - 23 and a == b and sum(a.values()) + 23 == 153


def _floor_history():
    """The wave, with a larger Russian mission in the US: the US answer alone does not bring it below 400."""
    hist = wave_history()
    hist[1] = attrs.evolve(hist[1], staff=600)
    return hist


def test_a_package_stops_at_the_measure_that_crosses_the_floor():
    # README: a package stops at the measure that stops play. Russia owes the US 60 expelled and one post closed; the
    # 60 bring the US mission (455) below 400, so the consulate stays open
    hist = _floor_history()
    r = play(fold(hist), [Policy("RUS", "mirror-each", lag_days=3)], countries=("RUS", "USA", "GBR", "FRA"),
             start=d(2018, 3, 27), horizon=d(2018, 4, 30), seed=1, history=hist, stop=Stop(floor=400))
    assert r.stopped == "the USA mission in RUS fell below 400 (395 after departures)"
    assert [(e.type, e.target, e.count) for e in r] == [("DiplomatsExpelled", "USA", 60)]
    assert r.state.missions["USA", "RUS"].posts["Consulate in St Petersburg"].status == "open"
    assert [x.outcome for x in r.rounds if x.target == "USA"] == ["expel 60"]


@pytest.mark.parametrize("countries", [("RUS", "USA", "GBR"), ("GBR", "USA", "RUS"), ("USA", "GBR", "RUS")])
def test_among_three_countries_the_floor_stops_play_for_the_pair_that_acted(countries):
    # the pair is the one that acted, wherever it stands in the list of countries
    hist = [ev.MissionEstablished(id="g", date=d(2018, 1, 1), actor="GBR", target="RUS", staff=30, sources=S),
            ev.MissionEstablished(id="r", date=d(2018, 1, 1), actor="RUS", target="GBR", staff=60, sources=S),
            ev.DiplomatsExpelled(id="x", date=d(2018, 3, 14), actor="GBR", target="RUS", count=23,
                                 deadline=d(2018, 3, 21), sources=S)]
    r = play(fold(hist), [Policy("RUS", "mirror-each", lag_days=3)], countries=countries, start=d(2018, 3, 15),
             horizon=d(2018, 6, 30), seed=1, history=hist, stop=Stop(floor=25))
    assert [(e.type, e.target, e.count) for e in r] == [("DiplomatsExpelled", "GBR", 23)]
    assert r.stopped == "the GBR mission in RUS fell below 25 (7 after departures)"  # 30 - 23


def test_a_floor_crossed_between_countries_not_both_in_play_does_not_stop_play():
    # README: stopping works for every pair of the countries in play. France is not in play: its expulsion of 15 of
    # the 20 British diplomats happens (the world not played), but the British mission in France is not a pair in play
    hist = [ev.MissionEstablished(id="g", date=d(2018, 1, 1), actor="GBR", target="FRA", staff=20, sources=S),
            ev.MissionEstablished(id="u", date=d(2018, 1, 1), actor="USA", target="RUS", staff=455, sources=S)]
    later = [ev.DiplomatsExpelled(id="x", date=d(2018, 3, 20), actor="FRA", target="GBR", count=15,
                                  deadline=d(2018, 3, 27), sources=S)]
    r = play(fold(hist), [Policy("RUS", "tit-for-tat", lag_days=3)], countries=("RUS", "USA", "GBR"),
             start=d(2018, 3, 15), horizon=d(2018, 4, 30), seed=1, history=hist, world_events=later,
             stop=Stop(floor=10))
    assert [e.id for e in r] == ["x"] and r.state.missions["GBR", "FRA"].staff == 5
    assert r.stopped == "horizon 2018-04-30 reached"

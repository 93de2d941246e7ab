"""Public event data (GDELT 1.0/2.0, ICEWS, POLECAT) into a stream of observed events: the formats read from the
hand-written samples in tests/data (invented rows), plain and gzipped; filters; all or nothing; bad input through
the installed command; observed events never move staff; the comparison of the log with the observed stream."""
from __future__ import annotations

import datetime
import gzip
import json
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, diplosim_exe
from diplosim.analysis import eventdata as ed
from diplosim.analysis import escalation as esc
from diplosim.analysis.eventdata_import import Filters, import_file
from diplosim.analysis.exports import export_rows
from diplosim.core import events as ev
from diplosim.core.errors import InputError
from diplosim.core.fold import fold
from diplosim.core.log import load_log
from diplosim.store import open_store

D = datetime.date
DATA = ROOT / "tests" / "data"
SAMPLES = {"gdelt1": "gdelt1-sample.tsv", "gdelt2": "gdelt2-sample.export.tsv", "icews": "icews-sample.tab",
           "polecat": "polecat-sample.jsonl"}


def _gz(src, tmp_path):
    out = tmp_path / (src.name + ".gz")
    out.write_bytes(gzip.compress(src.read_bytes()))
    return out


def _events(db, stream="observed"):
    with open_store(db, must_exist=True, readonly=True) as s:
        return list(s.read(stream))


def _run(*args):
    return subprocess.run(diplosim_exe() + list(map(str, args)), capture_output=True, text=True, cwd=ROOT,
                          timeout=120)


# --- formats ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(SAMPLES))
@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_each_format_is_told_and_read(fmt, gz, tmp_path):
    path = DATA / SAMPLES[fmt]
    if gz:
        path = _gz(path, tmp_path)
    assert ed.detect(str(path)) == fmt
    s = import_file(str(path), str(tmp_path / "e.db"))
    events = _events(tmp_path / "e.db")
    assert s.added == len(events) > 0 and s.format == fmt
    assert all(isinstance(e, ev.EventObserved) and e.dataset == fmt for e in events)
    assert [e.date for e in events] == sorted(e.date for e in events)
    # each keeps where it came from: the file and line, then the row's own URL if it has one
    for e in events:
        assert e.sources[0].startswith(f"import: {path}:")
        if e.source_url and e.source_url.startswith("https://"):
            assert e.sources[1] == e.source_url


def test_gdelt1_daily_row_read_column_by_column():
    """The first sample row, read against the codebook's positions (0-based: 1 SQLDATE, 7/17 actor countries,
    26 EventCode, 29 QuadClass, 30 GoldsteinScale, 31-33 mentions/sources/articles, 57 SOURCEURL)."""
    with ed.opened(str(DATA / "gdelt1-sample.tsv")) as src:
        line, row = next(ed.Reader(src, "gdelt1").rows())
    cells = (DATA / "gdelt1-sample.tsv").read_text().splitlines()[0].split("\t")
    assert len(cells) == 58
    assert row == ed.ObservedRow(1, D(2017, 7, 28), cells[7], cells[17], cells[26], None, float(cells[30]),
                                 int(cells[31]), int(cells[32]), int(cells[33]), int(cells[29]), cells[57], cells[0])
    assert (row.actor, row.target, row.cameo, row.goldstein, row.mentions) == ("RUS", "USA", "172", -5.0, 40)


def test_backfile_of_57_columns_has_no_url(tmp_path):
    import_file(str(DATA / "gdelt1-backfile-sample.tsv"), str(tmp_path / "e.db"))
    events = _events(tmp_path / "e.db")
    assert len(events) == 3 and all(e.source_url is None and len(e.sources) == 1 for e in events)


def test_icews_names_countries_and_its_ids_carry_the_date(tmp_path):
    s = import_file(str(DATA / "icews-sample.tab"), str(tmp_path / "e.db"))
    events = _events(tmp_path / "e.db")
    assert s.skipped == {"actors not countries": 1}  # "Europe" is no country
    assert [(e.actor, e.target, e.cameo, e.goldstein) for e in events] == [
        ("RUS", "USA", "172", -5.0), ("USA", "RUS", "161", -4.0), ("USA", "RUS", "174", -5.0)]
    assert events[0].id == "icews-93000001-2017-07-28"


def test_polecat_keeps_plover_types_and_scores_them_from_the_table(tmp_path):
    from diplosim.analysis import cameo, plover

    import_file(str(DATA / "polecat-sample.jsonl"), str(tmp_path / "e.db"))
    by_id = {e.id: e for e in _events(tmp_path / "e.db")}
    first = by_id["polecat-fixture-pc-0001"]
    assert (first.actor, first.target, first.plover, first.cameo, first.goldstein) == ("RUS", "USA", "SANCTION",
                                                                                      None, None)
    # no score and no CAMEO code: the mean score of the CAMEO codes the PLOVER table gives SANCTION
    codes = [c for c, (t, _m, _x) in plover.table().items() if t == "SANCTION"]
    want = round(sum(cameo.lookup(c).goldstein for c in codes) / len(codes), 2)
    assert cameo.goldstein(first) == want
    assert cameo.goldstein(by_id["polecat-fixture-pc-0003"]) == -5.0  # its own event_scale
    assert cameo.goldstein(by_id["polecat-fixture-pc-0002"]) == cameo.lookup("171").goldstein


# --- filters ----------------------------------------------------------------------------------------------------------


def test_filters_dyad_period_roots(tmp_path):
    f = Filters(dyad=("RUS", "USA"), since=D(2017, 8, 1), until=D(2018, 3, 31), roots=frozenset({"16", "17"}))
    s = import_file(str(DATA / "gdelt1-sample.tsv"), str(tmp_path / "e.db"), filters=f)
    got = [(e.date, e.actor, e.target, e.cameo) for e in _events(tmp_path / "e.db")]
    # by hand from the sample: 161 on 2017-08-31, 1721 on 2017-11-13, 174 on 2018-03-26; the 172 of 2017-07-28 is
    # before the period, the 111s and the 040 are other roots, the 051 is USA-GBR
    assert got == [(D(2017, 8, 31), "USA", "RUS", "161"), (D(2017, 11, 13), "RUS", "USA", "1721"),
                   (D(2018, 3, 26), "USA", "RUS", "174")]
    assert (s.rows, s.filtered, s.skipped) == (9, 5, {"actors not countries": 1})


def test_importing_twice_adds_nothing(tmp_path):
    db = tmp_path / "e.db"
    first = import_file(str(DATA / "gdelt2-sample.export.tsv"), str(db))
    again = import_file(str(DATA / "gdelt2-sample.export.tsv"), str(db))
    assert (first.added, again.added, again.already) == (4, 0, 4)
    assert len(_events(db)) == 4


# --- all or nothing, bad input ----------------------------------------------------------------------------------------


def _bad_gdelt(tmp_path, change):
    lines = (DATA / "gdelt1-sample.tsv").read_text().splitlines()
    last = lines[-1].split("\t")
    change(last)
    path = tmp_path / "bad.tsv"
    path.write_text("\n".join(lines + ["\t".join(last)]) + "\n")
    return path, len(lines) + 1


BAD = {
    "57 columns": (lambda c: c.pop(), "57 columns where the file's first row has 58"),
    "bad date": (lambda c: c.__setitem__(1, "20180230"), "bad SQLDATE '20180230'"),
    "unknown CAMEO": (lambda c: c.__setitem__(26, "999"), "unknown CAMEO code '999'"),
    "Goldstein not a number": (lambda c: c.__setitem__(30, "high"), "bad GoldsteinScale 'high'"),
}


@pytest.mark.parametrize("what", list(BAD))
def test_bad_row_at_the_end_names_file_and_line_and_leaves_the_store_as_it_was(what, tmp_path):
    db = tmp_path / "e.db"
    import_file(str(DATA / "gdelt2-sample.export.tsv"), str(db))  # the store holds something already
    before = db.read_bytes()
    change, message = BAD[what]
    path, line = _bad_gdelt(tmp_path, change)
    out = _run("import-data", path, "--into", db)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    assert out.stderr.startswith(f"diplosim: {path}:{line}: {message}")
    assert db.read_bytes() == before and len(_events(db)) == 4


def test_bad_input_into_a_new_store_creates_no_file(tmp_path):
    path, line = _bad_gdelt(tmp_path, BAD["bad date"][0])
    out = _run("import-data", path, "--into", tmp_path / "new.db")
    assert out.returncode == 2 and f"{path}:{line}:" in out.stderr
    assert not (tmp_path / "new.db").exists()


def test_truncated_gzip(tmp_path):
    db = tmp_path / "e.db"
    import_file(str(DATA / "gdelt2-sample.export.tsv"), str(db))
    before = db.read_bytes()
    whole = gzip.compress((DATA / "gdelt1-sample.tsv").read_bytes() * 50)
    cut = tmp_path / "cut.tsv.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    out = _run("import-data", cut, "--into", db)
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    assert out.stderr.startswith(f"diplosim: {cut}: truncated or damaged gzip (after line ")
    assert db.read_bytes() == before


def test_a_failure_in_the_store_after_some_batches_leaves_the_stream_unchanged(tmp_path, monkeypatch):
    """All or nothing in the second pass too: a row valid in itself but refused by the store (its id repeats an
    earlier row's with other content) in the third batch rolls back the two batches appended before it."""
    from diplosim.analysis import eventdata_import as imp

    db = tmp_path / "e.db"
    import_file(str(DATA / "gdelt1-backfile-sample.tsv"), str(db))
    before = db.read_bytes()
    lines = (DATA / "gdelt1-sample.tsv").read_text().splitlines()
    last = lines[-1].split("\t")
    last[0] = lines[0].split("\t")[0]  # the id of the first row, on the file's latest row
    path = tmp_path / "repeat.tsv"
    path.write_text("\n".join(lines[:-1] + ["\t".join(last)]) + "\n")
    monkeypatch.setattr(imp, "BATCH", 2)
    with pytest.raises(InputError, match=rf"repeat.tsv:{len(lines)}: event id 'gdelt-910000001' is used twice"):
        import_file(str(path), str(db), stream="other")
    assert db.read_bytes() == before
    with open_store(db, readonly=True) as s:
        assert s.stream_names() == ["observed"]


def test_store_transaction_rolls_back_every_batch(tmp_path):
    """The store's multi-append transaction: a failure after two good appends leaves nothing of them."""
    db = tmp_path / "e.db"
    rows = [ev.EventObserved(id=f"o{k}", date=D(2018, 1, k + 1), actor="USA", target="RUS", cameo="111",
                             sources=("import: x.tsv:1",)) for k in range(4)]
    with open_store(db) as s:
        s.append("observed", rows[:1])
        with pytest.raises(RuntimeError):
            with s.transaction():
                s.append("observed", rows[1:2])
                s.append("observed", rows[2:3])
                raise RuntimeError("boom")
        assert s.version("observed") == 1
        with pytest.raises(InputError, match="nothing was written"):
            with s.transaction():
                s.append("observed", rows[1:2])
                try:
                    s.append("observed", rows[0:1])  # a repeated id, caught inside
                except Exception:
                    pass
        assert s.version("observed") == 1
        with s.transaction():
            s.append("observed", rows[1:3])
            s.append("observed", rows[3:])
        assert s.version("observed") == 4


def test_bad_arguments(tmp_path):
    for args, message in [(["--dyad", "USA:USA"], "two different countries"),
                          (["--roots", "21"], "bad --roots '21'"),
                          (["--since", "2018-01-02", "--until", "2018-01-01"], "the period is empty")]:
        out = _run("import-data", DATA / "gdelt1-sample.tsv", "--into", tmp_path / "e.db", *args)
        assert out.returncode == 2 and message in out.stderr and out.stderr.count("\n") == 1
    assert not (tmp_path / "e.db").exists()


# --- observed events never change staff -------------------------------------------------------------------------------


observed = st.builds(
    lambda day, pair, code, g: (day, pair, code, g),
    st.integers(0, 500), st.sampled_from([("USA", "RUS"), ("RUS", "USA"), ("GBR", "RUS")]),
    st.sampled_from(["174", "172", "161", "111", "040", "1711"]), st.none() | st.floats(-10, 10))


@settings(max_examples=40, deadline=None)
@given(st.lists(observed, max_size=30))
def test_observed_events_interleaved_never_change_the_missions(rows):
    log = list(load_log("us-russia-2017-2018").events)  # with the log it continues: December 2016 - February 2018
    start = log[0].date
    obs = [ev.EventObserved(id=f"obs-{k}", date=start + datetime.timedelta(days=day), actor=a, target=b, cameo=code,
                            goldstein=g, sources=("import: x.tsv:1",))
           for k, (day, (a, b), code, g) in enumerate(rows)]
    merged = sorted(log + obs, key=lambda e: e.date)  # stable: the log's order within a day is kept
    end = max(e.date for e in merged)
    with_obs, without = fold(merged, until=end), fold(log, until=end)
    assert with_obs.missions == without.missions
    assert (with_obs.properties, with_obs.sanctions, with_obs.open_items) == (
        without.properties, without.sanctions, without.open_items)


# --- the comparison -------------------------------------------------------------------------------------------------


def test_comparison_figures_by_hand():
    """Two curated acts and two observed rows, half-life 10 days: each figure worked out from the formula."""
    d0 = D(2018, 3, 1)
    curated = [ev.DiplomatsExpelled(id="x", date=d0, actor="USA", target="RUS", count=5, deadline=d0,
                                    sources=("public record: fixture",)),
               ev.CriticismVoiced(id="c", date=d0 + datetime.timedelta(days=10), actor="RUS", target="USA",
                                  sources=("public record: fixture",))]
    observed_rows = [ev.EventObserved(id="o1", date=d0 + datetime.timedelta(days=10), actor="USA", target="RUS",
                                      cameo="174", goldstein=-8.0, sources=("import: x.tsv:1",)),
                     ev.EventObserved(id="o2", date=d0 + datetime.timedelta(days=20), actor="RUS", target="USA",
                                      cameo="040", goldstein=1.0, sources=("import: x.tsv:2",))]
    doc = esc.compare(curated, observed_rows, "USA", "RUS", half_life=10)
    rows = {r["date"]: r for r in doc["rows"]}
    # curated USA→RUS: 174 scores -(-5) = 5 on day 0, halves every 10 days; RUS→USA: 111 scores 2 from day 10
    # observed USA→RUS: its own -8 -> 8 from day 10; RUS→USA: 040 with its own +1 -> -1 on day 20
    assert [r["date"] for r in doc["rows"]] == ["2018-03-01", "2018-03-11", "2018-03-21"]
    assert rows["2018-03-01"] == {"date": "2018-03-01", "USA→RUS curated": 5.0, "RUS→USA curated": 0.0,
                                  "USA→RUS observed": 0.0, "RUS→USA observed": 0.0, "curated acts": 1,
                                  "observed acts": 0}
    assert rows["2018-03-11"]["USA→RUS curated"] == 2.5 and rows["2018-03-11"]["RUS→USA curated"] == 2.0
    assert rows["2018-03-11"]["USA→RUS observed"] == 8.0 and rows["2018-03-11"]["observed acts"] == 1
    assert rows["2018-03-21"]["USA→RUS curated"] == 1.25 and rows["2018-03-21"]["RUS→USA curated"] == 1.0
    assert rows["2018-03-21"]["USA→RUS observed"] == 4.0 and rows["2018-03-21"]["RUS→USA observed"] == -1.0


def test_weighted_by_size_observed_events_weigh_by_mentions():
    d0 = D(2018, 3, 1)
    o = ev.EventObserved(id="o", date=d0, actor="USA", target="RUS", cameo="174", goldstein=-5.0, mentions=8,
                         sources=("import: x.tsv:1",))
    doc = esc.compare([], [o], "USA", "RUS", weight="size")
    assert doc["rows"][0]["USA→RUS observed"] == 5.0 * (1 + 3)  # 1 + log2(8)


def test_compare_from_the_installed_command(tmp_path):
    db = tmp_path / "e.db"
    import_file(str(DATA / "gdelt1-sample.tsv"), str(db))
    out = _run("escalation", "--dyad", "USA-RUS", "--log", "seeds/us-russia-2017-2018.toml", "--compare-store", db,
               "--since", "2018-03-01", "--format", "json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["dyad"] == ["USA", "RUS"]
    # USA→RUS rows of the sample: 111 (-2.0) on 2017-07-31, 161 (-4.0) on 2017-08-31, 174 (-5.0) on 2018-03-26
    day = D(2018, 3, 26)
    want = sum(-g * 2 ** (-(day - d).days / 30) for d, g in ((D(2017, 7, 31), -2.0), (D(2017, 8, 31), -4.0),
                                                             (day, -5.0)))
    assert doc["rows"][0]["date"] == "2018-03-26" and doc["rows"][0]["USA→RUS observed"] == round(want, 2)
    plot = tmp_path / "c.svg"
    out = _run("escalation", "--dyad", "USA-RUS", "--compare-store", db, "--plot", plot)
    assert out.returncode == 0 and plot.exists()
    out = _run("escalation", "--dyad", "USA-RUS", "--compare-store", db, "--compare-stream", "nope")
    assert out.returncode == 2 and "no stream 'nope'" in out.stderr


# --- PLOVER in exports ------------------------------------------------------------------------------------------------


def test_exports_carry_plover_beside_cameo(real_log):
    rows = {r["EventId"]: r for r in export_rows(real_log.events)}
    # from the PLOVER project's table (CAMEO2PLOVER-2021.txt): 174 -> COERCE, 163 -> COERCE, 111 -> ACCUSE
    assert rows["usa-expels-35"]["EventCode"] == "174" and rows["usa-expels-35"]["PLOVER"] == "COERCE"
    assert rows["usa-sanctions-nine"]["PLOVER"] == "COERCE"
    statements = [r for r in rows.values() if r["EventRootCode"] in ("01", "02")]
    assert statements and all(r["PLOVER"] is None for r in statements)  # PLOVER dropped CAMEO 01 and 02
    o = ev.EventObserved(id="o", date=D(2018, 1, 1), actor="USA", target="RUS", cameo="111", plover="ACCUSE",
                         goldstein=-3.5, sources=("import: x.tsv:1",))
    (row,) = export_rows([o])
    assert (row["EventCode"], row["PLOVER"], row["GoldsteinScale"]) == ("111", "ACCUSE", -3.5)


def test_plover_table_is_the_published_one():
    from diplosim.analysis import plover

    t = plover.table()
    # spot checks against CAMEO2PLOVER-2021.txt (17 September 2021)
    assert t["0842"] == ("RETREAT", "return", "legal")
    assert t["1721"] == ("COERCE", "restrict", "rights_freedoms")
    assert t["10"] == ("REQUEST", "", "") and "08" not in t and "010" not in t
    assert "CC BY-SA 4.0" in (ROOT / "diplosim" / "data" / "README.md").read_text()


def test_the_store_receives_batches_never_the_whole_file(tmp_path):
    """The kept rows wait on disk (a temporary table) and reach the store in batches of at most BATCH events."""
    from diplosim.analysis import eventdata_import as imp

    big = tmp_path / "big.tsv"
    lines = (DATA / "gdelt2-sample.export.tsv").read_text().splitlines()
    with open(big, "w") as f:
        for k in range(3000):
            cells = lines[k % len(lines)].split("\t")
            cells[0] = str(10_000_000 + k)
            f.write("\t".join(cells) + "\n")
    seen = []
    real = imp._kept

    def spy(db, fmt, path):
        for batch in real(db, fmt, path):
            seen.append(len(batch))
            yield batch

    imp._kept = spy
    try:
        s = import_file(str(big), str(tmp_path / "e.db"))
    finally:
        imp._kept = real
    assert s.added == 3000 and max(seen) <= imp.BATCH and sum(seen) == 3000


def test_polecat_tab_separated_with_a_header(tmp_path):
    path = tmp_path / "polecat.txt"
    path.write_text("Event ID\tEvent Date\tEvent Type\tEvent Mode\tContext\tActor Country\tRecipient Country\t"
                    "Quad Code\n"
                    "fixture-1\t2018-03-26\tSANCTION\texpel\tdiplomatic\tUnited States\tRussia\t4\n"
                    "fixture-2\t2018-03-27\tsanction\texpel\tdiplomatic\tRussia\tUnited States\t4\n"
                    "fixture-3\t2018-03-28\tSANCTION\texpel\tdiplomatic\tWorld\tRussia\t4\n")
    assert ed.detect(str(path)) == "polecat"
    out = _run("import-data", path, "--into", tmp_path / "e.db", "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert (doc["format"], doc["rows"], doc["added"], doc["skipped"]) == ("polecat", 3, 2,
                                                                         {"actors not countries": 1})
    events = _events(tmp_path / "e.db")
    assert [(e.actor, e.target, e.plover, e.quad_class) for e in events] == [("USA", "RUS", "SANCTION", 4),
                                                                              ("RUS", "USA", "SANCTION", 4)]
    bad = tmp_path / "bad.txt"
    bad.write_text(path.read_text().replace("2018-03-27", "27/03/2018"))
    out = _run("import-data", bad, "--into", tmp_path / "e.db")
    assert out.returncode == 2 and out.stderr.startswith(f"diplosim: {bad}:3: bad date '27/03/2018'")

"""The inbox sensor requests one run for a new file, and none for the same file again, nor for
a file the published snapshot has already loaded."""

import shutil
from pathlib import Path

import duckdb
import polars as pl
from dagster import SkipReason, build_sensor_context

from ingest.contracts import QUARANTINE_SCHEMA
from orchestration.assets.reports import linker_fingerprint, linker_inputs
from orchestration.sensors import inbox_sensor
from warehouse.raw_store import append_rows, file_hash, record_removals

FIXTURES = Path(__file__).parent.parent / "fixtures" / "nbs"


def evaluate(cursor):
    return inbox_sensor(build_sensor_context(cursor=cursor))


def test_a_new_export_requests_exactly_one_run_and_never_again(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVMETRICS_INBOX", str(tmp_path))
    (tmp_path / "statistics").mkdir()
    assert isinstance(evaluate(None), SkipReason)

    shutil.copy(FIXTURES / "province_population_gbk.csv", tmp_path / "statistics")
    first = evaluate(None)
    assert len(first.run_requests) == 1
    assert first.run_requests[0].job_name in (None, "full_refresh")
    assert "province_population_gbk.csv" in first.run_requests[0].tags["govmetrics/inbox"]

    again = evaluate(first.cursor)
    assert isinstance(again, SkipReason)
    # The same file under another name is the same content: still no run.
    shutil.copy(FIXTURES / "province_population_gbk.csv", tmp_path / "statistics" / "copy.csv")
    assert isinstance(evaluate(first.cursor), SkipReason)

    shutil.copy(FIXTURES / "national_utf8_bom.csv", tmp_path / "statistics")
    second = evaluate(first.cursor)
    assert len(second.run_requests) == 1
    assert second.run_requests[0].run_key != first.run_requests[0].run_key


def publish_loads(home: Path, loaded: dict[str, Path], removed: set[str]) -> None:
    """A published snapshot whose raw.load_log records, as a build appends them, the load of
    each file in `loaded` (name -> file) and then the removal of the names in `removed`."""
    snapshot = home / "published" / "govmetrics.duckdb"
    snapshot.parent.mkdir(parents=True)
    no_rejections = pl.DataFrame(schema=QUARANTINE_SCHEMA)
    with duckdb.connect(str(snapshot)) as con:
        for name, path in loaded.items():
            digest = file_hash(path)
            append_rows(con, "nbs_exports", name, digest, pl.DataFrame(), no_rejections, "c")
        record_removals(con, "nbs_exports", removed)


def test_a_file_the_published_snapshot_loaded_requests_no_run(tmp_path, monkeypatch):
    inbox, home = tmp_path / "inbox", tmp_path / "home"
    monkeypatch.setenv("GOVMETRICS_INBOX", str(inbox))
    monkeypatch.setenv("GOVMETRICS_HOME", str(home))
    statistics = inbox / "statistics"
    statistics.mkdir(parents=True)
    loaded = Path(shutil.copy(FIXTURES / "province_population_gbk.csv", statistics))
    returned = Path(shutil.copy(FIXTURES / "national_utf8_bom.csv", statistics))
    # `returned` was loaded, then taken out of the inbox: its latest load is a removal.
    loads = {"inbox/statistics/a.csv": loaded, "inbox/statistics/b.csv": returned}
    publish_loads(home, loads, removed={"inbox/statistics/b.csv"})

    first = evaluate(None)
    assert len(first.run_requests) == 1
    assert first.run_requests[0].tags["govmetrics/inbox"] == "national_utf8_bom.csv"

    returned.unlink()
    skipped = evaluate(None)
    assert isinstance(skipped, SkipReason)
    assert skipped.skip_message == "no new file in the inbox"

    (statistics / "new.csv").write_bytes(loaded.read_bytes() + b"\n")
    new = evaluate(None)
    assert len(new.run_requests) == 1
    assert new.run_requests[0].tags["govmetrics/inbox"] == "new.csv"


def test_without_a_readable_snapshot_the_cursor_alone_decides_and_says_so(tmp_path, monkeypatch):
    inbox, home = tmp_path / "inbox", tmp_path / "home"
    monkeypatch.setenv("GOVMETRICS_INBOX", str(inbox))
    monkeypatch.setenv("GOVMETRICS_HOME", str(home))
    (inbox / "statistics").mkdir(parents=True)
    assert "cursor only: no published snapshot at" in evaluate(None).skip_message

    (home / "published").mkdir(parents=True)
    (home / "published" / "govmetrics.duckdb").write_bytes(b"not a database")
    shutil.copy(FIXTURES / "province_population_gbk.csv", inbox / "statistics")
    first = evaluate(None)
    assert len(first.run_requests) == 1
    again = evaluate(first.cursor)
    assert isinstance(again, SkipReason)
    assert "cursor only: cannot read raw.load_log in" in again.skip_message


def test_a_review_file_the_published_claims_were_made_with_requests_no_run(tmp_path, monkeypatch):
    inbox, home = tmp_path / "inbox", tmp_path / "home"
    monkeypatch.setenv("GOVMETRICS_INBOX", str(inbox))
    monkeypatch.setenv("GOVMETRICS_HOME", str(home))
    reports = inbox / "reports"
    reports.mkdir(parents=True)
    text = reports / "r1.txt"
    text.write_text("截至2024年末，全国60岁及以上老年人口31031万人。", encoding="utf-8")
    review = reports / "r1.review.csv"
    review.write_text("section,paragraph,surface,decision\n", encoding="utf-8")
    snapshot = home / "published" / "govmetrics.duckdb"
    snapshot.parent.mkdir(parents=True)
    contract = linker_fingerprint(linker_inputs(), review)
    with duckdb.connect(str(snapshot)) as con:
        append_rows(
            con,
            "report_automatic_claims",
            "inbox/reports/r1.txt",
            file_hash(text),
            pl.DataFrame(),
            pl.DataFrame(schema=QUARANTINE_SCHEMA),
            contract,
        )
    skipped = evaluate(None)
    assert isinstance(skipped, SkipReason), skipped.run_requests[0].tags

    review.write_text("section,paragraph,surface,decision\n一,1,31031万人,reject\n", "utf-8")
    changed = evaluate(None)
    assert changed.run_requests[0].tags["govmetrics/inbox"] == "r1.review.csv"

"""Data-quality suites: clean data passes with the report's problems as warnings; corrupted
data fails the matching expectations, and publishing is refused while the old snapshot stays."""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import duckdb

from orchestration.cli import main
from tests.integration.published import published_rows

GOVMETRICS = str(Path(sys.executable).parent / "govmetrics")


def latest_results(home):
    return json.loads((home / "dq" / "latest.json").read_text(encoding="utf-8"))


def test_clean_data_passes_every_error_check_and_flags_the_report(built_home):
    results = latest_results(built_home)
    assert not [r for r in results if r["severity"] == "error" and not r["success"]]
    warned = {r["expectation"]: r["offending_keys"] for r in results if not r["success"]}
    assert "cdb2025_b1-090" in warned["claims_not_contradicted"]  # implausible
    assert "parts_sum_to_total" in warned["report_agrees_with_itself"]
    stored = published_rows(
        built_home,
        "select count(*), count(distinct suite) from dq.results where not success"
        " and severity = 'warn'",
    )
    assert stored[0][0] >= 2 and stored[0][1] >= 1  # the page: test_dq_page.py


def _inject(con, rows: list[tuple[str, str, str, str]]) -> None:
    """Write observations (indicator, geo, as_of, value) straight into the current load of a
    transcription file, as if its contract had let them through."""
    template = (
        "insert into raw.official_observations by name select * replace ("
        " ? as indicator_code, ? as geo_code, cast(? as date) as as_of, ? as value_as_written,"
        " ? as value, ? as lower, ? as upper) from raw.official_observations"
        " where source_id = 'nbs_release_2023' limit 1"
    )
    for indicator, geo, as_of, value in rows:
        con.execute(template, [indicator, geo, as_of, f"{value}", value, value, value])


def test_corrupted_data_fails_its_expectations_and_publishing_is_refused(home_copy, capsys):
    published = home_copy / "published" / "govmetrics.duckdb"
    before = hashlib.sha256(published.read_bytes()).hexdigest()
    with duckdb.connect(str(home_copy / "build" / "govmetrics.duckdb")) as con:
        _inject(
            con,
            [
                ("nursing_bed_share", "000000", "2030-12-31", 120.0),  # a share of 120%
                ("communities", "000000", "2030-12-31", -5.0),  # a negative count
                ("registered_volunteers", "000000", "2030-12-31", 1000.0),  # a cumulative fall
                ("pop_total", "000000", "2030-12-31", 1.0),  # loaded twice: a duplicated key
                ("pop_total", "000000", "2030-12-31", 1.0),
            ],
        )
    assert main(["build"]) == 1
    summary = capsys.readouterr().out
    assert "not run warehouse__published_snapshot" in summary

    failed = {
        r["expectation"]
        for r in latest_results(home_copy)
        if r["severity"] == "error" and not r["success"]
    }
    assert failed == {
        "shares_within_0_100",
        "stock_counts_not_negative",
        "cumulative_stocks_never_fall",
        "observation_keys_unique",
    }
    assert hashlib.sha256(published.read_bytes()).hexdigest() == before
    assert published_rows(home_copy, "select count(*) from marts.indicator_series") != [(0,)]

    env_home = {"GOVMETRICS_HOME": str(home_copy)}
    done = subprocess.run(
        [GOVMETRICS, "dq"],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, **env_home},
    )
    assert done.returncode == 1
    assert "ERROR raw_staging.shares_within_0_100" in done.stdout
    assert "nursing_bed_share/000000/2030-12-31" in done.stdout

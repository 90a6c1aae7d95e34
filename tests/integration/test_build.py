"""The whole graph, materialised into a temporary folder, checked through the published file."""

import hashlib

import duckdb
import pytest

from orchestration.build import build_and_publish
from orchestration.cli import main
from warehouse.query import run_query

# year: (pop_total, pop_60_plus, pop_60_plus_share, pop_65_plus_share, urbanisation_rate),
# as in shared/reference/official_figures.md section 1 (None where it has no figure).
EXPECTED = {
    2011: (1_347_350_000, 184_990_000, 13.7, 9.1, 51.27),
    2012: (1_354_040_000, 193_900_000, 14.3, 9.4, 52.6),
    2016: (1_392_320_000, 230_860_000, 16.7, 10.8, 57.35),  # total as revised after the census
    2020: (1_412_120_000, None, None, None, None),
    2023: (1_409_670_000, 296_970_000, 21.1, 15.4, 66.16),
    2024: (1_408_280_000, 310_310_000, 22.0, 15.6, 67.0),
}


def mart(home, columns, where="true"):
    db = home / "published" / "govmetrics.duckdb"
    sql = f"select year, {columns} from marts.aging_timeseries where {where} order by year"
    return {row[0]: row[1:] for row in run_query(sql, db).rows}


def test_every_year_from_2011_to_2024_is_published(built_home):
    assert list(mart(built_home, "1")) == list(range(2011, 2025))


def test_published_values_match_the_reference_file(built_home):
    rows = mart(
        built_home,
        "pop_total, pop_60_plus, pop_60_plus_share, pop_65_plus_share, urbanisation_rate",
    )
    for year, expected in EXPECTED.items():
        assert rows[year] == pytest.approx(expected), year


def test_2023_share_of_people_aged_60_plus_rose_1_3_points(built_home):
    rows = mart(
        built_home,
        "pop_60_plus_share, pop_60_plus_share_change_pp, pop_60_plus_share_recomputed",
        "year = 2023",
    )
    assert rows[2023] == (21.1, 1.3, 21.07)


def test_changes_are_blank_after_a_year_without_a_share(built_home):
    rows = mart(built_home, "pop_60_plus_share_change_pp, pop_65_plus_share_change_pp")
    assert rows[2011] == (None, None)
    assert rows[2021] == (None, None)  # no 2020 year-end share was found
    assert rows[2012] == pytest.approx((0.6, 0.3))


def test_revised_totals_are_preferred_and_shares_use_the_total_they_came_with(built_home):
    rows = mart(built_home, "pop_total_vintage, pop_60_plus_share_recomputed, source_ids")
    vintage, recomputed, sources = rows[2016]
    assert vintage == "revised"
    assert recomputed == 16.7  # 23086 / 138271 (first published); the revised total gives 16.58
    assert "nbs_revised_totals_2016_2019" in sources and "nbs_release_2016" in sources


def test_every_observation_keeps_its_source_grade_vintage_and_locator(built_home):
    db = built_home / "published" / "govmetrics.duckdb"
    ((total, *kept),) = run_query(
        "select count(*), count(source_id), count(grade), count(vintage), count(locator)"
        " from intermediate.int_observations_ranked",
        db,
    ).rows
    assert total > 0
    assert kept == [total] * 4


def file_digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_rebuild_with_unchanged_files_appends_nothing_to_raw(home_copy):
    build_db = home_copy / "build" / "govmetrics.duckdb"
    with duckdb.connect(str(build_db), read_only=True) as con:
        loads_before = con.execute("select count(*) from raw.load_log").fetchone()
    assert build_and_publish()
    with duckdb.connect(str(build_db), read_only=True) as con:
        assert con.execute("select count(*) from raw.load_log").fetchone() == loads_before


def test_a_failing_error_test_blocks_publishing_and_keeps_the_previous_snapshot(home_copy, capsys):
    published = home_copy / "published" / "govmetrics.duckdb"
    before = file_digest(published)
    # A place no seed knows written straight into a file's current load: ingest would have
    # refused it, dbt's relationships test must not let it through either.
    with duckdb.connect(str(home_copy / "build" / "govmetrics.duckdb")) as con:
        con.execute(
            "insert into raw.official_observations by name select * replace ("
            "'990000' as geo_code, date '2030-12-31' as as_of) "
            "from raw.official_observations "
            "where indicator_code = 'pop_60_plus_share' limit 1"
        )
    assert main(["build"]) == 1
    summary = capsys.readouterr().out
    assert "FAILED  govmetrics_dbt_models" in summary
    assert "relationships_stg_official__observations_geo_code" in summary
    assert "not run warehouse__published_snapshot" in summary
    assert file_digest(published) == before
    assert 2030 not in mart(home_copy, "pop_60_plus_share")

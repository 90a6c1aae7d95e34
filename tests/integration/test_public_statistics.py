"""The public-statistics layer after a real build: every reference figure with its source and
grade, conflicts and gaps visible, and NBS exports loaded from the inbox."""

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from orchestration.build import build_and_publish
from tests.integration.published import published_rows as query
from tests.unit.test_shipped_figures import shipped_rows

FIXTURES = Path(__file__).parent.parent / "fixtures" / "nbs"

# (indicator, geo, date, value in base units, source, grade) for a sample across sections 1-6.
SAMPLE = [
    ("pop_60_plus", "000000", "2023-12-31", 296_970_000, "nbs_release_2023", "official_reprint"),
    ("pop_total", "000000", "2011-12-31", 1_347_350_000, "nbs_pressconf_2012_01_17", "official"),
    ("census_pop_total", "000000", "2020-11-01", 1_411_778_724, "census7_bulletin_5", None),
    ("census_pop_65_plus_share", "210000", "2020-11-01", 17.42, None, "official_reprint"),
    ("old_age_dependency_ratio", "000000", "2023-12-31", 22.5, None, "official_reprint"),
    ("eldercare_beds_total", "000000", "2022-12-31", 8_294_000, "ageing_bulletin_2022", None),
    ("eldercare_beds_per_1000_elderly", "000000", "2014-12-31", 27.2, "mca_bulletin_2014", None),
    ("eldercare_institution_beds", "000000", "2024-12-31", 5_077_000, "mca_bulletin_2024", None),
    ("registered_volunteers", "000000", "2020-12-31", 190_000_000, None, "official_reprint"),
    ("registered_volunteers", "370000", "2021-12-31", 16_914_700, None, "official_reprint"),
    ("villagers_committees", "000000", "2014-12-31", 585_000, None, "secondary"),
    ("social_groups", "000000", "2020-12-31", 374_771, None, "secondary"),
    ("community_workers", "000000", "2020-02-10", 4_000_000, None, "official_reprint"),
    ("social_worker_certificate_holders", "000000", "2025-05-31", 1_516_000, None, None),
    ("hotline_12345_requests", "110000", "2023-12-31", 21_430_000, "beijing_12345_cctv", None),
]


def test_every_shipped_figure_is_in_indicator_series_with_source_and_grade(built_home):
    shipped = shipped_rows()
    figures, sources = len(shipped), len({row["source_id"] for row in shipped})
    rows = query(
        built_home,
        "select count(*), count(source_id), count(grade), count(distinct source_id)"
        " from marts.indicator_series where raw_table = 'official_observations'",
    )
    assert rows == [(figures, figures, figures, sources)]


@pytest.mark.parametrize(("indicator", "geo", "date", "value", "source", "grade"), SAMPLE)
def test_sample_values(built_home, indicator, geo, date, value, source, grade):
    rows = query(
        built_home,
        "select value, source_id, grade from marts.indicator_series"
        f" where indicator_code = '{indicator}' and geo_code = '{geo}'"
        f" and coalesce(as_of, period_end) = date '{date}'",
    )
    assert len(rows) >= 1, (indicator, geo, date)
    assert rows[0][0] == pytest.approx(value)
    assert source in (None, rows[0][1])
    assert grade in (None, rows[0][2])


def test_upper_and_lower_bounds_follow_the_qualifier(built_home):
    rows = query(
        built_home,
        "select value_as_written, lower, upper from marts.indicator_series"
        " where indicator_code = 'registered_volunteers' and as_of = date '2017-06-23'",
    )
    assert rows == [("超过4400万人", 44_000_000, None)]
    approx = query(
        built_home,
        "select lower < value and value < upper from marts.indicator_series"
        " where value_as_written = '近400万名' or value_as_written like '约736%'",
    )
    assert len(approx) == 2


def test_the_end_2020_beds_conflict_is_listed_and_both_figures_kept(built_home):
    rows = query(
        built_home,
        "select value_as_written_a, value_as_written_b, conflict_type"
        " from marts.source_conflicts where indicator_code = 'eldercare_beds_total'",
    )
    assert rows == [("821.0万张", "823.8万张", "between_sources")]
    kept = query(
        built_home,
        "select count(*) from marts.indicator_series where indicator_code ="
        " 'eldercare_beds_total' and as_of = date '2020-12-31'",
    )
    assert kept == [(2,)]


@pytest.mark.parametrize(
    ("indicator", "geo", "years", "status"),
    [
        ("pop_total", "000000", [2010, 2025], "missing"),
        ("pop_60_plus", "000000", [2020], "missing"),
        ("registered_volunteers", "000000", [2021, 2022, 2023, 2024, 2025], "missing"),
        ("social_organisations", "000000", [2013, 2014, 2023, 2024], "missing"),
        ("villagers_committees", "000000", [2021, 2022, 2023, 2024], "missing"),
        ("community_workers", "000000", [2021, 2022, 2023, 2024], "missing"),
        ("renovation_starts_communities", "000000", [2021, 2024], "present"),
        ("hotline_12345_requests", "110000", [2022], "missing"),
        ("renovation_completed_communities", "000000", [2024], "missing"),
        ("pop_60_plus", "000000", [2023], "present"),
    ],
)
def test_indicator_coverage_shows_the_listed_gaps(built_home, indicator, geo, years, status):
    rows = query(
        built_home,
        "select year, status from marts.indicator_coverage"
        f" where indicator_code = '{indicator}' and geo_code = '{geo}'"
        f" and year in ({', '.join(map(str, years))}) order by year",
    )
    assert rows == [(year, status) for year in years]


def test_beds_per_1000_are_recomputed_and_agree_with_the_published_figures(built_home):
    rows = query(
        built_home,
        "select year(as_of), eldercare_beds_per_1000_elderly, beds_per_1000_elderly_recomputed"
        " from marts.elderly_care_capacity where eldercare_beds_per_1000_elderly is not null"
        " and pop_60_plus is not null order by as_of",
    )
    assert [r[0] for r in rows] == [2013, 2014, 2015, 2016]
    assert all(abs(published - recomputed) <= 0.1 for _, published, recomputed in rows)


def test_official_parts_sum_to_their_totals(built_home):
    rows = query(
        built_home,
        "select group_id, year(as_of), status from marts.part_total_checks"
        " where status <> 'incomplete' order by 1, 2",
    )
    assert ("eldercare_beds", 2024, "consistent") in rows  # 507.7 + 291.5 = 799.2 vs 799.3
    assert all(status == "consistent" for *_, status in rows)


def test_province_ageing_lists_every_province_with_the_unread_ones_missing(built_home):
    rows = query(
        built_home,
        "select status, count(*) from marts.province_ageing group by status order by status",
    )
    # The nation and 25 provinces were read (7 in table 5-2 of bulletin No. 5, the others in the
    # provinces' own census releases as reported); 江苏, 福建, 贵州, 陕西, 青海 and 新疆 remain.
    assert rows == [("missing", 6), ("present", 26)]


def test_2020_carries_census_figures_in_their_own_columns(built_home):
    rows = query(
        built_home,
        "select year, age_figures_basis, pop_60_plus_share, census_date, census_pop_60_plus,"
        " census_pop_60_plus_share from marts.aging_timeseries where year in (2019, 2020, 2021)"
        " order by year",
    )
    assert [r[:3] for r in rows] == [
        (2019, "year_end", 18.1),
        (2020, "census_only", None),
        (2021, "year_end", 18.9),
    ]
    assert rows[1][3:] == (date(2020, 11, 1), 264_018_766, 18.7)
    assert rows[0][3] is None and rows[2][3] is None


def test_every_mart_column_is_documented(built_home):
    from orchestration.dbt_project import govmetrics_dbt

    manifest = __import__("json").loads(govmetrics_dbt.manifest_path.read_text())
    documented = {
        node["name"]: {c for c, spec in node["columns"].items() if spec.get("description")}
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == "marts"
    }
    actual = {}
    for table, column in query(
        built_home,
        "select table_name, column_name from information_schema.columns"
        " where table_schema = 'marts'",
    ):
        actual.setdefault(table, set()).add(column)
    assert set(actual) == set(documented)
    assert {t: actual[t] - documented[t] for t in actual if actual[t] - documented[t]} == {}


def test_nbs_exports_in_the_inbox_load_and_their_bad_rows_are_quarantined(home_copy):
    inbox = Path(os.environ["GOVMETRICS_INBOX"]) / "statistics"
    inbox.mkdir(parents=True)
    shutil.copy(FIXTURES / "province_population_gbk.csv", inbox)
    shutil.copy(FIXTURES / "province_malformed_gb18030.csv", inbox)
    assert build_and_publish()

    loaded = query(
        home_copy,
        "select geo_code, value, grade, vintage from marts.indicator_series"
        " where raw_table = 'nbs_exports' and as_of = date '2023-12-31'"
        " and source_file like '%province_population_gbk.csv' order by geo_code",
    )
    assert loaded == [
        ("110000", 20_000_000, "official", "database_export"),
        ("120000", 13_000_000, "official", "database_export"),
        ("130000", 74_000_000, "official", "database_export"),
        ("150000", 24_000_000, "official", "database_export"),
    ]
    quarantined = query(
        home_copy,
        "select line, field, reason from staging.stg_raw__quarantine"
        " where source_file like '%province_malformed_gb18030.csv' order by line",
    )
    assert quarantined == [
        (6, "地区", "unknown region name: map it in dbt_project/seeds/nbs_region_names.csv"),
        (7, "2023年", "not a number"),
        (8, "2022年", "not a number"),
    ]
    good_rows_of_bad_file = query(
        home_copy,
        "select count(*) from marts.indicator_series"
        " where source_file like '%province_malformed_gb18030.csv'",
    )
    assert good_rows_of_bad_file == [(4,)]
    latest = query(
        home_copy,
        "select pop_total_latest, latest_year from marts.province_ageing where geo_code = '110000'",
    )
    assert latest == [(20_000_000, 2023)]
    exports = query(
        home_copy, "select count(*) from marts.sources where source_id like 'nbs_export_%'"
    )
    assert exports == [(2,)]

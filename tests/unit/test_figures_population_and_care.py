"""The population, census and elderly-care figures (population_ageing.csv, census.csv,
population_changes_and_ratios.csv, elderly_care.csv) and their sources: every figure loads
as transcribed, every source is registered with a grade, a date where a copy shows one and
one address, and every locator points into the original document (never the reference list).

A sample of at least two figures per source (one only where the source states one figure),
taken from the rows as they were read; the test fails if a figure is changed or lost."""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from pathlib import Path

import polars as pl
import pytest

from ingest.official_observations import load_reference_codes, read_observation_file
from ingest.source_registry import GRADES, read_source_registry

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "ingest" / "data"
FILES = ("population_ageing", "census", "population_changes_and_ratios", "elderly_care")
ADDRESS = re.compile(r"^(https?://)?[\w.-]+\.[a-z]{2,}(:\d+)?(/\S*)?$")
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

# Sources whose copies show no date of publication (each is said so in its note).
UNDATED = {
    "nbs_2012_journal_abstract",
    "nbs_database_export",
    "nbs_revised_totals_2016_2019",
    "ageing_bulletin_2021",
    "census7_heilongjiang_maigoo",
    "census7_shanghai_360docs",
    "census7_guangxi_hbzq",
    "census7_anhui_fuyang_bulletin",
}

# (source, indicator, geo, as_of or period end, value as written)
SAMPLES = [
    ("ageing_bulletin_2020", "eldercare_all_facilities", "000000", "2020-12-31", "32.9万个"),
    ("ageing_bulletin_2020", "eldercare_beds_per_1000_elderly", "000000", "2020-12-31", "31.1张"),
    ("ageing_bulletin_2020_fulltext", "census_pop_60_plus_share", "000000", "2020-11-01", "18.70%"),
    (
        "ageing_bulletin_2020_fulltext",
        "old_age_dependency_ratio_change_pp",
        "000000",
        "2020-11-01",
        "+7.80个百分点",
    ),
    ("ageing_bulletin_2021", "old_age_dependency_ratio", "000000", "2021-12-31", "20.8%"),
    ("ageing_bulletin_2022", "eldercare_all_facilities", "000000", "2022-12-31", "38.7万个"),
    ("ageing_bulletin_2022", "eldercare_beds_total", "000000", "2022-12-31", "829.4万张"),
    ("ageing_bulletin_2023", "old_age_dependency_ratio", "000000", "2023-12-31", "22.5%"),
    ("ageing_bulletin_2023", "nursing_bed_share", "000000", "2023-12-31", "58.9%"),
    ("ageing_bulletin_2024", "old_age_dependency_ratio", "000000", "2024-12-31", "22.8%"),
    ("ageing_bulletin_2024", "nursing_bed_share", "000000", "2024-12-31", "65.7%"),
    ("census6_bulletin_1", "census_pop_total", "000000", "2010-11-01", "1339724852人"),
    ("census6_bulletin_1", "census_urbanisation_rate", "000000", "2010-11-01", "49.68%"),
    ("census7_anhui_fuyang_bulletin", "census_pop_0_14_share", "340000", "2020-11-01", "19.24%"),
    ("census7_anhui_fuyang_bulletin", "census_pop_65_plus_share", "340000", "2020-11-01", "15.01%"),
    ("census7_bulletin_5", "census_pop_total", "000000", "2020-11-01", "1411778724人"),
    ("census7_bulletin_5", "census_pop_65_plus_share", "000000", "2020-11-01", "13.50%"),
    ("census7_bulletin_5_techbow", "census_pop_0_14_share", "000000", "2020-11-01", "17.95%"),
    (
        "census7_bulletin_5_techbow",
        "census_provinces_15_59_share_under_60pct",
        "000000",
        "2020-11-01",
        "3个省份",
    ),
    ("census7_bulletin_7", "census_pop_urban", "000000", "2020-11-01", "901991162人"),
    ("census7_bulletin_7", "census_urbanisation_rate", "000000", "2020-11-01", "63.89%"),
    ("census7_chongqing_chinanews", "census_pop_0_14_share", "500000", "2020-11-01", "15.91%"),
    ("census7_chongqing_chinanews", "census_pop_60_plus_share", "500000", "2020-11-01", "21.87%"),
    ("census7_gansu_lzrb", "census_pop_0_14_share", "620000", "2020-11-01", "19.40%"),
    ("census7_gansu_lzrb", "census_pop_65_plus_share", "620000", "2020-11-01", "12.58%"),
    ("census7_guangdong_bulletin_4", "census_pop_0_14_share", "440000", "2020-11-01", "18.85%"),
    ("census7_guangdong_bulletin_4", "census_pop_65_plus_share", "440000", "2020-11-01", "8.58%"),
    ("census7_guangxi_hbzq", "census_pop_0_14_share", "450000", "2020-11-01", "23.62%"),
    ("census7_guangxi_hbzq", "census_pop_65_plus_share", "450000", "2020-11-01", "12.20%"),
    ("census7_hainan_bulletin_4", "census_pop_0_14_share", "460000", "2020-11-01", "19.97%"),
    ("census7_hainan_bulletin_4", "census_pop_65_plus_share", "460000", "2020-11-01", "10.43%"),
    ("census7_heilongjiang_maigoo", "census_pop_15_59_share", "230000", "2020-11-01", "66.46%"),
    ("census7_heilongjiang_maigoo", "census_pop_65_plus_share", "230000", "2020-11-01", "15.61%"),
    ("census7_henan_pressconf", "census_pop_0_14_share", "410000", "2020-11-01", "23.14%"),
    ("census7_henan_pressconf", "census_pop_65_plus_share", "410000", "2020-11-01", "13.49%"),
    ("census7_hubei_phsb", "census_pop_0_14_share", "420000", "2020-11-01", "16.31%"),
    ("census7_hubei_phsb", "census_pop_65_plus_share", "420000", "2020-11-01", "14.59%"),
    ("census7_hunan_askci", "census_pop_0_14_share", "430000", "2020-11-01", "19.52%"),
    ("census7_hunan_askci", "census_pop_65_plus_share", "430000", "2020-11-01", "14.81%"),
    ("census7_jiangxi_ce", "census_pop_0_14_share", "360000", "2020-11-01", "21.96%"),
    ("census7_jiangxi_ce", "census_pop_65_plus_share", "360000", "2020-11-01", "11.89%"),
    ("census7_ningxia_huaxia", "census_pop_0_14_share", "640000", "2020-11-01", "20.38%"),
    ("census7_ningxia_huaxia", "census_pop_60_plus_share", "640000", "2020-11-01", "13.52%"),
    ("census7_shandong_pressconf", "census_pop_0_14_share", "370000", "2020-11-01", "18.78%"),
    ("census7_shandong_pressconf", "census_pop_65_plus_share", "370000", "2020-11-01", "15.13%"),
    ("census7_shanghai_360docs", "census_pop_0_14_share", "310000", "2020-11-01", "9.8%"),
    ("census7_shanghai_360docs", "census_pop_65_plus_share", "310000", "2020-11-01", "16.28%"),
    ("census7_sichuan_cdsb", "census_pop_0_14_share", "510000", "2020-11-01", "16.1%"),
    ("census7_sichuan_cdsb", "census_pop_60_plus_share", "510000", "2020-11-01", "21.71%"),
    ("census7_tibet_gaokao", "census_pop_0_14_share", "540000", "2020-11-01", "24.53%"),
    ("census7_tibet_gaokao", "census_pop_65_plus_share", "540000", "2020-11-01", "5.67%"),
    ("census7_yunnan_bulletin", "census_pop_0_14_share", "530000", "2020-11-01", "19.57%"),
    ("census7_yunnan_bulletin", "census_pop_60_plus_share", "530000", "2020-11-01", "14.91%"),
    ("census7_zhejiang_chinanews", "census_pop_0_14_share", "330000", "2020-11-01", "13.45%"),
    ("census7_zhejiang_chinanews", "census_pop_65_plus_share", "330000", "2020-11-01", "13.27%"),
    ("mca_bulletin_2013", "eldercare_service_institutions", "000000", "2013-12-31", "42475个"),
    (
        "mca_bulletin_2013",
        "eldercare_beds_per_1000_elderly_change_pct",
        "000000",
        "2013-12-31",
        "+13.9%",
    ),
    ("mca_bulletin_2014", "eldercare_all_facilities", "000000", "2014-12-31", "94110个"),
    (
        "mca_bulletin_2014",
        "eldercare_beds_per_1000_elderly_change_pct",
        "000000",
        "2014-12-31",
        "+11.5%",
    ),
    ("mca_bulletin_2015", "eldercare_all_facilities", "000000", "2015-12-31", "11.6万个"),
    (
        "mca_bulletin_2015",
        "eldercare_beds_per_1000_elderly_change_pct",
        "000000",
        "2015-12-31",
        "+11.4%",
    ),
    ("mca_bulletin_2016", "eldercare_all_facilities", "000000", "2016-12-31", "14.0万个"),
    ("mca_bulletin_2016", "eldercare_beds_per_1000_elderly", "000000", "2016-12-31", "31.6张"),
    ("mca_bulletin_2024", "eldercare_all_facilities", "000000", "2024-12-31", "40.6万个"),
    ("mca_bulletin_2024", "eldercare_beds_total", "000000", "2024-12-31", "799.3万张"),
    ("mca_pressconf_2021_02_23", "eldercare_institutions", "000000", "2020-12-31", "3.8万个"),
    (
        "mca_pressconf_2021_02_23",
        "eldercare_beds_total_change_pct",
        "000000",
        "2020-12-31",
        "+22.5%",
    ),
    ("mca_work_conference_2018", "nursing_bed_share", "000000", "2015-12-31", "低于30%"),
    ("mca_work_conference_2018", "nursing_bed_share", "000000", "2017-11-30", "46.4%"),
    ("mca_xinhua_2018_02_22", "eldercare_service_institutions", "000000", "2012-12-31", "4.43万家"),
    ("mca_xinhua_2022_q1_eldercare", "eldercare_beds_total", "000000", "2012-12-31", "416.5万张"),
    ("mca_xinhua_2022_q1_eldercare", "eldercare_beds_total", "000000", "2022-03-31", "812.6万张"),
    ("nbs_2012_journal_abstract", "pop_60_plus", "000000", "2012-12-31", "19390万人"),
    (
        "nbs_2012_journal_abstract",
        "pop_65_plus_share_change_pp",
        "000000",
        "2012-12-31",
        "+0.27个百分点",
    ),
    ("nbs_2012_kyodo_via_blog", "pop_total", "000000", "2012-12-31", "135404万人"),
    ("nbs_2012_kyodo_via_blog", "urbanisation_rate", "000000", "2012-12-31", "52.6%"),
    ("nbs_database_export", "pop_total", "000000", "2020-12-31", "141212万人"),
    ("nbs_database_export", "pop_total", "000000", "2021-12-31", "141260万人"),
    ("nbs_pressconf_2012_01_17", "pop_total", "000000", "2011-12-31", "134735万人"),
    ("nbs_pressconf_2012_01_17", "pop_total_change", "000000", "2011-12-31", "+644万人"),
    ("nbs_release_2013", "pop_total", "000000", "2013-12-31", "136072万人"),
    ("nbs_release_2013", "pop_total_change", "000000", "2013-12-31", "+668万人"),
    ("nbs_release_2014", "pop_total", "000000", "2014-12-31", "136782万人"),
    ("nbs_release_2014", "pop_total_change", "000000", "2014-12-31", "+710万人"),
    ("nbs_release_2015", "pop_total", "000000", "2015-12-31", "137462万人"),
    ("nbs_release_2015", "pop_total_change", "000000", "2015-12-31", "+680万人"),
    ("nbs_release_2016", "pop_total", "000000", "2016-12-31", "138271万人"),
    ("nbs_release_2016", "pop_total_change", "000000", "2016-12-31", "+809万人"),
    ("nbs_release_2017", "pop_total", "000000", "2017-12-31", "139008万人"),
    ("nbs_release_2017", "pop_total_change", "000000", "2017-12-31", "+737万人"),
    ("nbs_release_2017_urban", "pop_urban", "000000", "2017-12-31", "81347万人"),
    (
        "nbs_release_2017_urban",
        "urbanisation_rate_change_pp",
        "000000",
        "2017-12-31",
        "+1.17个百分点",
    ),
    ("nbs_release_2018", "pop_total", "000000", "2018-12-31", "139538万人"),
    ("nbs_release_2018", "urbanisation_rate_change_pp", "000000", "2018-12-31", "+1.06个百分点"),
    ("nbs_release_2019", "pop_total", "000000", "2019-12-31", "140005万人"),
    ("nbs_release_2019", "urbanisation_rate_change_pp", "000000", "2019-12-31", "+1.02个百分点"),
    ("nbs_release_2021", "pop_total", "000000", "2021-12-31", "141260万人"),
    ("nbs_release_2021", "urbanisation_rate_change_pp", "000000", "2021-12-31", "+0.83个百分点"),
    ("nbs_release_2022", "pop_total", "000000", "2022-12-31", "141175万人"),
    ("nbs_release_2022", "pop_total_change", "000000", "2022-12-31", "−85万人"),
    ("nbs_release_2023", "pop_total", "000000", "2023-12-31", "140967万人"),
    ("nbs_release_2023", "pop_total_change", "000000", "2023-12-31", "−208万人"),
    ("nbs_release_2024", "pop_total", "000000", "2024-12-31", "140828万人"),
    ("nbs_release_2024", "pop_total_change", "000000", "2024-12-31", "−139万人"),
    ("nbs_revised_totals_2016_2019", "pop_total", "000000", "2016-12-31", "139232万人"),
    ("nbs_revised_totals_2016_2019", "pop_total", "000000", "2019-12-31", "141008万人"),
    ("sample_survey_2015_bulletin", "census_pop_total", "000000", "2015-11-01", "137349万人"),
    ("sample_survey_2015_bulletin", "census_urbanisation_rate", "000000", "2015-11-01", "55.88%"),
    ("xinhua_2024_10_21_eldercare", "eldercare_all_facilities", "000000", "2024-06-30", "41万个"),
    (
        "xinhua_2024_10_21_eldercare",
        "eldercare_community_facilities",
        "000000",
        "2024-06-30",
        "36.9万个",
    ),
]


@cache
def registry() -> pl.DataFrame:
    parsed = read_source_registry(DATA / "source_documents.csv")
    assert parsed.quarantine.height == 0, parsed.quarantine.to_dicts()
    return parsed.valid


@cache
def observations() -> pl.DataFrame:
    codes = load_reference_codes(
        ROOT / "dbt_project" / "seeds", frozenset(registry()["source_id"].to_list())
    )
    frames = []
    for name in FILES:
        parsed = read_observation_file(DATA / "observations" / f"{name}.csv", codes)
        assert parsed.quarantine.height == 0, (name, parsed.quarantine.to_dicts())
        frames.append(parsed.valid)
    return pl.concat(frames)


def _row(source, indicator, geo, when):
    day = date.fromisoformat(when)
    return observations().filter(
        (pl.col("source_id") == source)
        & (pl.col("indicator_code") == indicator)
        & (pl.col("geo_code") == geo)
        & (pl.coalesce("as_of", "period_end") == day)
    )


@pytest.mark.parametrize(("source", "indicator", "geo", "when", "written"), SAMPLES)
def test_sample_figure_loads_as_written(source, indicator, geo, when, written):
    rows = _row(source, indicator, geo, when)
    assert rows.height >= 1, (source, indicator, geo, when)
    assert written in rows["value_as_written"].to_list()


def test_every_source_has_a_sample():
    sampled = {sample[0] for sample in SAMPLES}
    used = set(observations()["source_id"].to_list())
    assert used == sampled
    counts = {source: sum(1 for s in SAMPLES if s[0] == source) for source in sampled}
    # Sources that state (or of which was transcribed) a single figure
    assert {s for s, n in counts.items() if n < 2} == {
        "ageing_bulletin_2021",
        "mca_xinhua_2018_02_22",
    }


def test_every_source_is_graded_dated_and_addressed():
    used = set(observations()["source_id"].to_list())
    sources = registry().filter(pl.col("source_id").is_in(list(used)))
    assert sources.height == len(used)
    for row in sources.iter_rows(named=True):
        assert row["grade"] in GRADES, row["source_id"]
        assert ADDRESS.match(row["copy_read_at"]), row["source_id"]
        if row["source_id"] in UNDATED:
            assert row["date_published"] == "unknown", row["source_id"]
        else:
            assert DATE.match(row["date_published"]), row["source_id"]


def test_no_locator_points_into_the_reference_list():
    locators = observations()["locator"].to_list()
    assert all(locator and not locator.lower().startswith("reference") for locator in locators)


@pytest.mark.parametrize(
    ("indicator", "geo", "when", "value"),
    [
        ("pop_60_plus", "000000", "2011-12-31", 184_990_000),
        ("pop_total", "000000", "2012-12-31", 1_354_040_000),
        ("census_pop_60_plus", "000000", "2020-11-01", 264_018_766),
        ("census_pop_urban", "000000", "2020-11-01", 901_991_162),
        ("census_pop_65_plus_share", "650000", "2020-11-01", None),
        ("eldercare_beds_total", "000000", "2012-12-31", 4_165_000),
        ("eldercare_all_facilities", "000000", "2022-03-31", 360_000),
        ("old_age_dependency_ratio", "000000", "2024-12-31", 22.8),
    ],
)
def test_values_in_base_units(indicator, geo, when, value):
    rows = observations().filter(
        (pl.col("indicator_code") == indicator)
        & (pl.col("geo_code") == geo)
        & (pl.coalesce("as_of", "period_end") == date.fromisoformat(when))
    )
    if value is None:  # a gap no stored copy filled stays a gap
        assert rows.height == 0
    else:
        assert rows.height >= 1
        assert rows["value"].to_list() == pytest.approx([value] * rows.height)


def test_census_figures_never_sit_at_year_end():
    census = observations().filter(pl.col("indicator_code").str.starts_with("census_"))
    dates = {d for d in census["as_of"].to_list() if d is not None}
    assert dates == {date(2010, 11, 1), date(2015, 11, 1), date(2020, 11, 1)}
    year_end_2020 = observations().filter(
        pl.col("indicator_code").is_in(["pop_60_plus", "pop_60_plus_share"])
        & (pl.col("as_of") == date(2020, 12, 31))
    )
    assert year_end_2020.height == 0  # no year-end 2020 ageing figure was found


def test_province_census_shares_cover_25_provinces_and_the_nation():
    shares = observations().filter(
        pl.col("indicator_code").is_in(
            [
                "census_pop_0_14_share",
                "census_pop_15_59_share",
                "census_pop_60_plus_share",
                "census_pop_65_plus_share",
            ]
        )
        & (pl.col("as_of") == date(2020, 11, 1))
    )
    geos = set(shares["geo_code"].to_list())
    assert len(geos) == 26 and "000000" in geos
    assert {"320000", "350000", "520000", "610000", "630000", "650000"}.isdisjoint(geos)

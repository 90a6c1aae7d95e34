"""Comparison marts on the B.1 register against the official figures."""

import pytest

from tests.integration.published import published_rows as query


def test_one_row_per_register_claim_each_explained(built_home):
    ((claims,),) = query(built_home, "select count(*) from staging.stg_report__claims")
    rows = query(
        built_home,
        "select count(*), count(distinct claim_id), count(explanation), count(verdict),"
        " count(tolerance_policy) from marts.claim_verification",
    )
    assert rows == [(claims, claims, claims, claims, claims)]


def test_no_claim_with_an_official_counterpart_is_left_unverifiable(built_home):
    left = query(
        built_home,
        "select v.claim_id from marts.claim_verification as v"
        " where v.verdict = 'unverifiable' and v.indicator_code is not null"
        " and v.tolerance_policy <> 'target_not_due'"
        " and exists (select 1 from marts.indicator_series as s where s.is_preferred"
        "   and s.indicator_code = v.indicator_code and s.geo_code = v.geo_code)",
    )
    assert left == []


@pytest.mark.parametrize(
    ("claim_id", "verdict", "official"),
    [
        ("cdb2025_b1-094", "consistent", "21.1%"),  # 60+ share above 20% at end-2023
        ("cdb2025_b1-095", "consistent", "19.8% -> 21.1%"),  # +1.3 points on 2022, recomputed
        ("cdb2025_b1-096", "consistent", None),  # the largest rise since 2013
        ("cdb2025_b1-079", "inconsistent", "94350万人"),  # 7.9亿 urban residents at end-2024
        ("cdb2025_b1-020", "definition_mismatch", "28万个"),  # completed vs started renovations
        ("cdb2025_b1-086", "period_mismatch", ">1.9亿人"),  # volunteers: no figure after 2020
        ("cdb2025_b1-084", "definition_mismatch", "约2400万件"),  # an outturn vs a forecast
    ],
)
def test_verdicts_on_the_b1_report(built_home, claim_id, verdict, official):
    rows = query(
        built_home,
        "select verdict, official_value_as_written from marts.claim_verification"
        f" where claim_id = '{claim_id}'",
    )
    assert rows == [(verdict, official)]


def test_report_consistency_finds_the_parts_that_do_not_add_up(built_home):
    rows = query(
        built_home,
        "select check_type, surfaces, passed from marts.report_consistency order by check_type",
    )
    assert ("parts_sum_to_total", "2095个 + 734个 + 384个 + 640个", False) in rows
    assert ("shares_sum_to_100", "40% + 30% + 30%", True) in rows
    assert ("same_measure_twice", "2.37亿名 (2024-10-31) vs 2.35亿名 (undated)", False) in rows


def test_the_summary_counts_every_claim_once_per_view(built_home):
    ((claims,),) = query(built_home, "select count(*) from marts.claim_verification")
    rows = query(
        built_home,
        "select sum(claims) filter (where section = 'all'),"
        " sum(claims) filter (where section <> 'all') from marts.verification_summary",
    )
    assert rows == [(claims, claims)]

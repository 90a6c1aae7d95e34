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
        ("cdb2025_b1-079", "definition_mismatch", "94350万人"),  # city vs urban residents
        ("cdb2025_b1-001", "consistent", "31031万人"),  # 3亿多 aged 60+, as of the report date
        ("cdb2025_b1-020", "definition_mismatch", "5.8万个"),  # completed vs started renovations
        ("cdb2025_b1-086", "period_mismatch", "超过1.9亿人"),  # volunteers: no figure after 2020
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


@pytest.mark.parametrize(
    ("claim_id", "indicator"),
    [
        ("cdb2025_b1-090", "social_organisations"),  # 265万: about three times the official count
        ("cdb2025_b1-080", "residents_committees"),  # 18.6万 urban communities
    ],
)
def test_figures_far_above_the_official_series_are_flagged(built_home, claim_id, indicator):
    rows = query(
        built_home,
        "select indicator_code, verdict, date_basis, explanation from marts.claim_verification"
        f" where claim_id = '{claim_id}'",
    )
    ((code, verdict, _, explanation),) = rows
    assert code == indicator
    assert verdict in ("inconsistent", "implausible"), explanation


def test_undated_present_tense_claims_are_read_as_of_the_report_date(built_home):
    rows = query(
        built_home,
        "select claim_id, claim_period from marts.claim_verification"
        " where date_basis = 'present' and indicator_code is not null order by claim_id",
    )
    assert [claim_id for claim_id, _ in rows] == [
        "cdb2025_b1-001",
        *(f"cdb2025_b1-{n:03d}" for n in range(89, 94)),
    ]
    assert {period for _, period in rows} == {"2025-01-01"}


def test_national_claims_with_recent_official_figures_are_decided_or_ranged(built_home):
    """A national claim whose measure has official figures within five years of its date gets a
    decision, or a period_mismatch with a trend range, or says that its series has too few points
    (one, or two too close together to give an annual change) for a range."""
    undecided = query(
        built_home,
        "select v.claim_id, v.verdict, v.trend_method from marts.claim_verification as v"
        " where v.scope = 'national' and v.indicator_code is not null"
        " and v.verdict in ('period_mismatch', 'unverifiable')"
        " and coalesce(v.trend_method, '') not in ('interpolated', 'extrapolated',"
        "   'none_single_point', 'none_no_step')"
        " and v.tolerance_policy <> 'target_not_due'"
        " and exists (select 1 from marts.indicator_series as s"
        "   where s.indicator_code = v.indicator_code and s.geo_code = v.geo_code"
        "   and abs(date_diff('day', coalesce(s.as_of, s.period_end),"
        "       cast(left(v.claim_period, 10) as date))) <= 5 * 366)",
    )
    assert undecided == []


def test_report_consistency_finds_the_parts_that_do_not_add_up(built_home):
    rows = query(
        built_home,
        "select check_type, surfaces, passed from marts.report_consistency order by check_type",
    )
    assert ("parts_sum_to_total", "2095个 + 734个 + 384个 + 640个", False) in rows
    assert ("shares_sum_to_100", "40% + 30% + 30%", True) in rows
    assert ("same_measure_twice", "2.37亿名 (2024-10-31) vs 2.35亿名 (undated)", False) in rows


def test_the_summary_counts_every_claim_once_in_document_order(built_home):
    ((claims,),) = query(built_home, "select count(*) from marts.claim_verification")
    assert query(built_home, "select sum(claims) from marts.verification_summary") == [(claims,)]
    sections = query(
        built_home,
        "select section from marts.verification_summary"
        " group by report_id, section_order, section order by report_id, section_order",
    )
    order = [section for (section,) in sections]
    assert order.index("一(二)3") < order.index("二(一)2") < order.index("三(一)1")
    assert query(
        built_home, "select count(*) from marts.verification_summary where section = 'all'"
    ) == [(0,)]

"""The expectations, one suite per layer. Each reads a `dq` view (dbt_project/models/quality/)
that holds only the rows the expectation needs (mostly candidate violations), so the cost stays
bounded on large tables: the database filters, Great Expectations judges and reports."""

from __future__ import annotations

from dataclasses import dataclass, field

ERROR = "error"  # blocks publishing
WARN = "warn"  # reported, never blocks


@dataclass(frozen=True)
class Expectation:
    suite: str
    name: str
    view: str  # dq.<view>
    target: str  # the table the rule is about, for dq.results
    gx_type: str  # class name in great_expectations.expectations
    kwargs: dict = field(default_factory=dict)
    severity: str = ERROR
    key: str = ""  # column naming the offending row, for samples


SUITES: list[Expectation] = [
    # raw and staging: value ranges and keys across files
    Expectation(
        "raw_staging",
        "shares_within_0_100",
        "dq_share_levels",
        "marts.indicator_series",
        "ExpectColumnValuesToBeBetween",
        {"column": "value", "min_value": 0, "max_value": 100},
        key="observation_key",
    ),
    Expectation(
        "raw_staging",
        "stock_counts_not_negative",
        "dq_stock_counts",
        "marts.indicator_series",
        "ExpectColumnValuesToBeBetween",
        {"column": "value", "min_value": 0},
        key="observation_key",
    ),
    Expectation(
        "raw_staging",
        "observation_keys_unique",
        "dq_duplicate_observations",
        "marts.indicator_series",
        "ExpectColumnValuesToBeBetween",
        {"column": "occurrences", "max_value": 1},
        key="observation_key",
    ),
    # marts: series sanity and derived figures
    Expectation(
        "marts",
        "cumulative_stocks_never_fall",
        "dq_cumulative_changes",
        "marts.indicator_series",
        "ExpectColumnValuesToBeBetween",
        {"column": "change", "min_value": 0},
        key="series_key",
    ),
    Expectation(
        "marts",
        "yearly_jumps_within_threshold",
        "dq_yearly_jumps",
        "marts.indicator_series",
        "ExpectTableRowCountToEqual",
        {"value": 0},
        severity=WARN,
        key="series_key",
    ),
    Expectation(
        "marts",
        "shares_and_ratios_match_their_counts",
        "dq_derived_disagreements",
        "marts.aging_timeseries, marts.elderly_care_capacity",
        "ExpectTableRowCountToEqual",
        {"value": 0},
        severity=WARN,
        key="figure_key",
    ),
    Expectation(
        "marts",
        "official_parts_add_up",
        "dq_parts_not_adding_up",
        "marts.part_total_checks",
        "ExpectColumnValuesToBeInSet",
        {"column": "status", "value_set": ["consistent", "incomplete"]},
        severity=WARN,
        key="check_key",
    ),
    Expectation(
        "marts",
        "every_claim_has_a_verdict",
        "dq_claims",
        "marts.claim_verification",
        "ExpectColumnValuesToNotBeNull",
        {"column": "verdict"},
        key="claim_id",
    ),
    # claims: what official data contradict, and what the report contradicts itself on
    Expectation(
        "claims",
        "claims_not_contradicted",
        "dq_claims",
        "marts.claim_verification",
        "ExpectColumnValuesToNotBeInSet",
        {"column": "verdict", "value_set": ["inconsistent", "implausible"]},
        severity=WARN,
        key="claim_id",
    ),
    Expectation(
        "claims",
        "report_agrees_with_itself",
        "dq_report_checks_failed",
        "marts.report_consistency",
        "ExpectTableRowCountToEqual",
        {"value": 0},
        severity=WARN,
        key="check_key",
    ),
]

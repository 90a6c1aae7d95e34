"""The expectations, one suite per layer. Each reads a `dq` view (dbt_project/models/quality/)
that holds only the rows the expectation needs (mostly candidate violations), so the cost stays
bounded on large tables: the database filters, Great Expectations judges and reports."""

from __future__ import annotations

from dataclasses import dataclass, field

ERROR = "error"  # blocks publishing
WARN = "warn"  # reported, never blocks
GRADES = ["official", "official_reprint", "secondary"]


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
    # sources: the registry is complete and grades are valid
    Expectation("sources", "grades_are_valid", "dq_sources", "staging.stg_registry__sources",
                "ExpectColumnValuesToBeInSet", {"column": "grade", "value_set": GRADES},
                key="source_id"),
    *(
        Expectation("sources", f"{column}_is_recorded", "dq_sources",
                    "staging.stg_registry__sources", "ExpectColumnValuesToNotBeNull",
                    {"column": column}, key="source_id")
        for column in ("publisher", "title", "date_published", "copy_read_at", "licence")
    ),
    Expectation("sources", "every_observation_has_a_source", "dq_observations_without_source",
                "intermediate.int_observations_ranked", "ExpectTableRowCountToEqual",
                {"value": 0}, key="observation_key"),
    # raw and staging: types, units, ranges, codes and keys
    Expectation("raw_staging", "shares_within_0_100", "dq_share_levels",
                "marts.indicator_series", "ExpectColumnValuesToBeBetween",
                {"column": "value", "min_value": 0, "max_value": 100}, key="observation_key"),
    Expectation("raw_staging", "stock_counts_not_negative", "dq_stock_counts",
                "marts.indicator_series", "ExpectColumnValuesToBeBetween",
                {"column": "value", "min_value": 0}, key="observation_key"),
    Expectation("raw_staging", "periods_in_range", "dq_observation_ranges",
                "marts.indicator_series", "ExpectColumnValuesToBeBetween",
                {"column": "reference_year", "min_value": 1949, "max_value": 2100},
                key="observation_key"),
    Expectation("raw_staging", "periods_not_reversed", "dq_observation_ranges",
                "marts.indicator_series", "ExpectColumnValuesToBeInSet",
                {"column": "period_reversed", "value_set": [0]}, key="observation_key"),
    Expectation("raw_staging", "codes_known", "dq_observation_ranges", "marts.indicator_series",
                "ExpectColumnValuesToBeInSet", {"column": "unknown_code", "value_set": [0]},
                key="observation_key"),
    Expectation("raw_staging", "observation_keys_unique", "dq_duplicate_observations",
                "marts.indicator_series", "ExpectColumnValuesToBeBetween",
                {"column": "occurrences", "max_value": 1}, key="observation_key"),
    # marts: series sanity and derived figures
    Expectation("marts", "cumulative_stocks_never_fall", "dq_cumulative_changes",
                "marts.indicator_series", "ExpectColumnValuesToBeBetween",
                {"column": "change", "min_value": 0}, key="series_key"),
    Expectation("marts", "yearly_jumps_within_threshold", "dq_yearly_jumps",
                "marts.indicator_series", "ExpectTableRowCountToEqual", {"value": 0},
                severity=WARN, key="series_key"),
    Expectation("marts", "shares_and_ratios_match_their_counts", "dq_derived_disagreements",
                "marts.aging_timeseries, marts.elderly_care_capacity",
                "ExpectTableRowCountToEqual", {"value": 0}, severity=WARN, key="figure_key"),
    Expectation("marts", "official_parts_add_up", "dq_parts_not_adding_up",
                "marts.part_total_checks", "ExpectColumnValuesToBeInSet",
                {"column": "status", "value_set": ["consistent", "incomplete"]}, severity=WARN,
                key="check_key"),
    Expectation("marts", "every_claim_has_a_verdict", "dq_claims", "marts.claim_verification",
                "ExpectColumnValuesToNotBeNull", {"column": "verdict"}, key="claim_id"),
    # claims: what official data contradict, and what the report contradicts itself on
    Expectation("claims", "claims_not_contradicted", "dq_claims", "marts.claim_verification",
                "ExpectColumnValuesToNotBeInSet",
                {"column": "verdict", "value_set": ["inconsistent", "implausible"]}, severity=WARN,
                key="claim_id"),
    Expectation("claims", "report_agrees_with_itself", "dq_report_checks_failed",
                "marts.report_consistency", "ExpectTableRowCountToEqual", {"value": 0},
                severity=WARN, key="check_key"),
]  # fmt: skip

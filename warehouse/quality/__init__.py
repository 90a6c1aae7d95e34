"""Data-quality suites: Great Expectations on frames the database computed (dbt's `dq` views)."""

"""Files and texts in, typed Polars frames out. Knows nothing of Dagster or dbt."""

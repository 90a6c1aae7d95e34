"""Dagster wiring only: assets, checks, jobs, schedules, resources and the one Definitions."""

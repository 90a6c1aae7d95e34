"""The one Definitions object: `dagster dev -m orchestration.definitions` loads it."""

from dagster import Definitions, in_process_executor
from dagster_dbt import DbtCliResource

from orchestration.assets.dbt_models import govmetrics_dbt_models
from orchestration.assets.official import nbs_exports, official_observations, registry_sources
from orchestration.assets.publish import published_snapshot
from orchestration.assets.quality import dq_results
from orchestration.assets.reports import (
    report_automatic_claims,
    report_claims,
    report_quantities,
)
from orchestration.dbt_project import govmetrics_dbt
from orchestration.jobs import full_refresh_job, weekly_full_refresh
from orchestration.resources import WarehouseResource
from orchestration.sensors import inbox_sensor

defs = Definitions(
    assets=[
        registry_sources,
        official_observations,
        nbs_exports,
        report_claims,
        report_quantities,
        report_automatic_claims,
        govmetrics_dbt_models,
        dq_results,
        published_snapshot,
    ],
    jobs=[full_refresh_job],
    schedules=[weekly_full_refresh],
    sensors=[inbox_sensor],
    resources={"warehouse": WarehouseResource(), "dbt": DbtCliResource(project_dir=govmetrics_dbt)},
    # One process runs every step in turn: DuckDB admits one writer per file.
    executor=in_process_executor,
)

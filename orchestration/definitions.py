"""The one Definitions object: `dagster dev -m orchestration.definitions` loads it."""

from dagster import Definitions, in_process_executor
from dagster_dbt import DbtCliResource

from orchestration.assets.dbt_models import dbt_docs, govmetrics_dbt_models
from orchestration.assets.official import official_observations, registry_and_exports
from orchestration.assets.publish import published_snapshot
from orchestration.assets.quality import dq_results
from orchestration.assets.reports import (
    report_automatic_claims,
    report_claims,
    report_quantities,
)
from orchestration.dbt_project import DBT_EXECUTABLE, govmetrics_dbt
from orchestration.jobs import full_refresh_job, weekly_full_refresh
from orchestration.resources import WarehouseResource
from orchestration.sensors import inbox_sensor
from warehouse import paths

defs = Definitions(
    assets=[
        registry_and_exports,
        official_observations,
        report_claims,
        report_quantities,
        report_automatic_claims,
        govmetrics_dbt_models,
        dbt_docs,
        dq_results,
        published_snapshot,
    ],
    jobs=[full_refresh_job],
    schedules=[weekly_full_refresh],
    sensors=[inbox_sensor],
    resources={
        "warehouse": WarehouseResource(),
        # The dbt target is the engine: GOVMETRICS_ENGINE, or the resource's `target` setting.
        "dbt": DbtCliResource(
            project_dir=govmetrics_dbt, dbt_executable=str(DBT_EXECUTABLE), target=paths.engine()
        ),
    },
    # One process runs every step in turn: DuckDB admits one writer per file.
    executor=in_process_executor,
)

"""Jobs and schedules."""

from dagster import AssetSelection, ScheduleDefinition, define_asset_job

full_refresh_job = define_asset_job(
    "full_refresh",
    selection=AssetSelection.all(),
    description="Load every source, build every dbt model and test, publish a snapshot.",
)

weekly_full_refresh = ScheduleDefinition(
    name="weekly_full_refresh",
    job=full_refresh_job,
    cron_schedule="0 3 * * 1",
    execution_timezone="Asia/Shanghai",
)

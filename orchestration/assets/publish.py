"""Publishing: a read-only snapshot of the build database, only after everything upstream passed."""

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from orchestration.assets.dbt_models import govmetrics_dbt_models
from orchestration.assets.quality import DQ_KEY
from orchestration.resources import WarehouseResource
from warehouse import paths
from warehouse.publish import publish_snapshot


@asset(
    key=AssetKey(["warehouse", "published_snapshot"]),
    deps=[*govmetrics_dbt_models.keys, DQ_KEY],
    group_name="publish",
    kinds={"duckdb"},
    description=(
        "The DuckDB file researchers query, swapped in atomically. A failed dbt model, dbt "
        "test or error-severity quality check stops the run before this step, so the "
        "previous snapshot stays."
    ),
)
def published_snapshot(
    context: AssetExecutionContext, warehouse: WarehouseResource
) -> MaterializeResult:
    # `warehouse` is asked for only so that publishing, too, runs under the writer lock.
    target = publish_snapshot(paths.build_db(), paths.published_db())
    context.log.info(f"published {target}")
    return MaterializeResult(metadata={"path": str(target), "bytes": target.stat().st_size})

"""Publishing: a read-only snapshot of the build database, only after everything upstream passed."""

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from orchestration.assets.dbt_models import dbt_docs, govmetrics_dbt_models
from orchestration.assets.quality import DQ_KEY
from orchestration.resources import WarehouseResource
from warehouse import paths
from warehouse.publish import publish_snapshot


@asset(
    key=AssetKey(["warehouse", "published_snapshot"]),
    deps=[*govmetrics_dbt_models.keys, *dbt_docs.keys, DQ_KEY],
    group_name="publish",
    kinds={"duckdb"},
    description=(
        "The DuckDB file researchers query, swapped in atomically, and a release of download "
        "files when their content differs from the latest release. A failed dbt model, dbt "
        "test or error-severity quality check stops the run before this step, so the "
        "previous snapshot stays."
    ),
)
def published_snapshot(
    context: AssetExecutionContext, warehouse: WarehouseResource
) -> MaterializeResult:
    # `warehouse` is asked for only so that publishing, too, runs under the writer lock.
    release = publish_snapshot(paths.build_db(), paths.published_db(), paths.releases_dir())
    if release["new_release"]:
        context.log.info(f"published {paths.published_db()} as release {release['version']}")
    else:
        context.log.info(
            f"published {paths.published_db()}; no new release: the content is the same as "
            f"release {release['version']}"
        )
    return MaterializeResult(
        metadata={
            "path": str(paths.published_db()),
            "release": release["version"],
            "new_release": release["new_release"],
            "content_hash": release["content_hash"],
            "release_folder": str(paths.releases_dir() / release["version"]),
            "rows": sum(release["rows"].values()),
        }
    )

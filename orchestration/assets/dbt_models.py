"""The dbt project's models, seeds and tests as Dagster assets and asset checks."""

from collections.abc import Mapping
from typing import Any

from dagster import AssetExecutionContext, AssetKey
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.dbt_project import govmetrics_dbt
from orchestration.resources import WarehouseResource
from warehouse.table_docs import record_table_docs
from warehouse.verification import record_verification_chain


class GovmetricsTranslator(DagsterDbtTranslator):
    """Asset keys are `<schema>/<name>` (marts/aging_timeseries); sources keep `raw/<table>`, the
    keys of the ingest assets that write them, so the UI shows one lineage graph."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        return AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props["schema"]


@dbt_assets(
    manifest=govmetrics_dbt.manifest_path,
    project=govmetrics_dbt,
    dagster_dbt_translator=GovmetricsTranslator(),
)
def govmetrics_dbt_models(
    context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
):
    # `warehouse` is asked for so that this step, too, runs under the writer lock.
    invocation = dbt.cli(["build"], context=context)
    yield from invocation.stream()
    # `govmetrics verify` re-runs the verdict models exactly as compiled for this build.
    manifest = invocation.get_artifact("manifest.json")
    with warehouse.connect() as con:
        models = record_verification_chain(con, manifest)
        documented = record_table_docs(con, manifest)
    context.log.info(f"recorded {models} verdict models in meta.verification_chain")
    context.log.info(f"recorded the docs of {documented} tables in meta.table_docs/column_docs")

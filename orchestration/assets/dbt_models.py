"""The dbt project's models, seeds and tests as Dagster assets and asset checks, and the meta
tables recorded from the manifest of their build."""

import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dagster import (
    AssetDep,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    MaterializeResult,
    multi_asset,
)
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration.assets.official import official_observations, registry_and_exports
from orchestration.assets.reports import report_automatic_claims, report_claims, report_quantities
from orchestration.dbt_project import govmetrics_dbt
from orchestration.resources import WarehouseResource
from warehouse import paths
from warehouse.spark_handoff import (
    built_relations,
    load_spark_tables,
    prepare_spark_build,
    write_raw_parquet,
)
from warehouse.table_docs import record_table_docs
from warehouse.verification import record_verification_chain

INGEST_ASSETS = (
    registry_and_exports,
    official_observations,
    report_claims,
    report_quantities,
    report_automatic_claims,
)
# Written by every ingest asset (warehouse.raw_store: one load_log row per load, the rejected
# rows of each load), so no asset can own them: a model that reads them depends on the writers.
LEDGER_TABLES = ("load_log", "quarantine")
_LEDGER_KEYS = {AssetKey(["raw", table]) for table in LEDGER_TABLES}


class GovmetricsTranslator(DagsterDbtTranslator):
    """Asset keys are `<schema>/<name>` (marts/aging_timeseries); a raw source takes the key of
    the asset that writes it from its `meta.dagster.asset_key` (_raw__sources.yml), so the UI
    shows one lineage graph and a source without a writer fails to load."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            name = dbt_resource_props["name"]
            config = dbt_resource_props.get("config", {})
            meta = config.get("meta") or dbt_resource_props.get("meta") or {}
            if "asset_key" not in meta.get("dagster", {}) and name not in LEDGER_TABLES:
                raise ValueError(
                    f"{dbt_resource_props['original_file_path']}: source table {name} has no "
                    "meta.dagster.asset_key; give it the key of the asset that writes it"
                )
            return super().get_asset_key(dbt_resource_props)
        return AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None
    ) -> AssetSpec:
        """A model that reads the ledger only for the latest loads of the raw tables it reads
        depends on their writers already; one that reads the ledger alone
        (stg_raw__quarantine) depends on every ingest asset."""
        spec = super().get_asset_spec(manifest, unique_id, project)
        if not _LEDGER_KEYS & {dep.asset_key for dep in spec.deps}:
            return spec
        deps = [dep for dep in spec.deps if dep.asset_key not in _LEDGER_KEYS]
        if not any(dep.asset_key.path[0] == "raw" for dep in deps):
            deps += [AssetDep(key) for assets in INGEST_ASSETS for key in assets.keys]
        return spec.replace_attributes(deps=deps)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props["schema"]


def _build_target(run_id: str) -> Path:
    """Where the dbt build of a run leaves its artifacts, for the meta tables to read."""
    return Path("target") / f"build-{run_id}"


# In a Spark build, where the verdict models compiled for DuckDB go (inside the build's folder).
DUCKDB_COMPILE = "duckdb"
BUILD_TARGETS_KEPT = 10  # a build's folder is about 15 MB


def _prune_build_targets(keep: Path) -> None:
    """Delete all but the newest BUILD_TARGETS_KEPT build folders (never `keep`); a build
    still running elsewhere has one of the newest."""

    def modified(folder: Path) -> float:
        try:
            return folder.stat().st_mtime
        except OSError:  # pruned by another build meanwhile
            return 0.0

    folders = sorted(
        (govmetrics_dbt.project_dir / "target").glob("build-*"), key=modified, reverse=True
    )
    for folder in folders[BUILD_TARGETS_KEPT:]:
        if folder != keep:
            shutil.rmtree(folder, ignore_errors=True)


@dbt_assets(
    manifest=govmetrics_dbt.manifest_path,
    project=govmetrics_dbt,
    dagster_dbt_translator=GovmetricsTranslator(),
)
def govmetrics_dbt_models(
    context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
):
    # `warehouse` is asked for so that this step, too, runs under the writer lock.
    target = _build_target(context.run.run_id)
    # dbt unit tests check the SQL, not the data: `make test` runs them
    # (tests/integration/test_dbt_unit_tests.py), so that a build does not pay for them.
    args = ["build", "--exclude-resource-type", "unit_test"]
    engine = dbt_engine(dbt)
    if engine == "duckdb":
        yield from dbt.cli(args, context=context, target_path=target).stream()
        return
    with warehouse.connect() as con:
        written = write_raw_parquet(con, paths.spark_dir() / "raw")
    context.log.info(f"wrote {len(written)} raw tables as Parquet for Spark")
    prepare_spark_build(paths.spark_dir())
    invocation = dbt.cli(args, context=context, target_path=target)
    yield from invocation.stream()
    relations = built_relations(
        invocation.get_artifact("manifest.json"), invocation.get_artifact("run_results.json")
    )
    with warehouse.connect() as con:
        loaded = load_spark_tables(con, paths.spark_dir() / "warehouse", relations)
    context.log.info(f"the build database took the {loaded} tables Spark built")
    # `govmetrics verify` re-runs the verdict models on DuckDB: compile them for DuckDB too.
    duckdb_dbt = DbtCliResource(
        project_dir=govmetrics_dbt, dbt_executable=dbt.dbt_executable, target="duckdb"
    )
    duckdb_dbt.cli(
        ["compile", "--select", "+claim_verification"],
        manifest=govmetrics_dbt.manifest_path,
        target_path=target / DUCKDB_COMPILE,
    ).wait()


def dbt_engine(dbt: DbtCliResource) -> str:
    """The engine of the dbt resource's target (a profile output, dbt_project/profiles.yml):
    `duckdb`, or `spark` for `spark` and `spark_thrift`."""
    target = dbt.target or "duckdb"
    if target == "duckdb":
        return "duckdb"
    if target in ("spark", "spark_thrift"):
        return "spark"
    raise ValueError(
        f"dbt resource target {target!r}: give duckdb, spark or spark_thrift "
        "(GOVMETRICS_ENGINE=duckdb|spark, or the resource's `target` setting)"
    )


def _build_manifest(context: AssetExecutionContext) -> Path:
    """The manifest of this run's dbt build (or, in a re-execution of a failed run that skips
    the dbt step, of the run it re-executes)."""
    runs = [run for run in (context.run.run_id, context.run.parent_run_id) if run]
    targets = [govmetrics_dbt.project_dir / _build_target(run) for run in runs]
    for target in targets:
        if (target / "manifest.json").is_file():
            return target / "manifest.json"
    raise FileNotFoundError(
        f"{targets[0]}: no dbt build in this run; materialize the meta tables together with the "
        "dbt models (`govmetrics build`)"
    )


VERIFICATION_CHAIN_KEY = AssetKey(["meta", "verification_chain"])
DOCS_KEYS = (AssetKey(["meta", "table_docs"]), AssetKey(["meta", "column_docs"]))


@multi_asset(
    name="meta__dbt_docs",
    specs=[
        AssetSpec(
            VERIFICATION_CHAIN_KEY,
            deps=[AssetKey(["marts", "claim_verification"])],
            group_name="meta",
            kinds={"python", "duckdb"},
            description=(
                "The compiled SQL of the verdict models of this build, in build order: what "
                "`govmetrics verify` re-runs on one document."
            ),
        ),
        *(
            AssetSpec(
                key,
                deps=list(govmetrics_dbt_models.keys),
                group_name="meta",
                kinds={"python", "duckdb"},
                description=(
                    "Titles (Chinese and English) and descriptions of every table and column, "
                    "from the dbt docs: what `govmetrics tables` and `describe` show."
                ),
            )
            for key in DOCS_KEYS
        ),
    ],
)
def dbt_docs(context: AssetExecutionContext, warehouse: WarehouseResource):
    # `govmetrics verify` re-runs the verdict models exactly as compiled for this build.
    manifest_file = _build_manifest(context)
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    # After a Spark build, the verdict models as compiled for DuckDB (what `verify` runs on).
    duckdb_compile = manifest_file.parent / DUCKDB_COMPILE / "manifest.json"
    chain_manifest = (
        json.loads(duckdb_compile.read_text(encoding="utf-8"))
        if duckdb_compile.is_file()
        else manifest
    )
    _prune_build_targets(keep=manifest_file.parent)
    with warehouse.connect() as con:
        models = record_verification_chain(con, chain_manifest)
        documented = record_table_docs(con, manifest)
    context.log.info(f"recorded {models} verdict models in meta.verification_chain")
    context.log.info(f"recorded the docs of {documented} tables in meta.table_docs/column_docs")
    yield MaterializeResult(asset_key=VERIFICATION_CHAIN_KEY, metadata={"models": models})
    for key in DOCS_KEYS:
        yield MaterializeResult(asset_key=key, metadata={"tables": documented})

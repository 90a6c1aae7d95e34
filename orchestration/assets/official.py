"""Ingest assets for the public-statistics layer: the source registry, transcribed official
observations and NBS data-portal exports."""

import polars as pl
from dagster import (
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    MaterializeResult,
    asset,
)

from ingest.contracts import QUARANTINE_SCHEMA
from ingest.nbs_export import load_nbs_labels, read_nbs_export
from ingest.official_observations import (
    OBSERVATION_SCHEMA,
    ReferenceCodes,
    load_reference_codes,
    read_observation_file,
)
from ingest.source_registry import CONTRACT_FINGERPRINT, read_source_registry
from orchestration.assets.loading import load_summary, log_rejections, quarantine_check
from orchestration.resources import WarehouseResource
from warehouse import paths
from warehouse.raw_store import append_load, ensure_raw_table

REGISTRY_FILE = paths.INGEST_DATA_DIR / "source_documents.csv"
OBSERVATIONS_DIR = paths.INGEST_DATA_DIR / "observations"
REGISTRY_KEY = AssetKey(["raw", "registry_sources"])
OBSERVATIONS_KEY = AssetKey(["raw", "official_observations"])
NBS_EXPORTS_KEY = AssetKey(["raw", "nbs_exports"])
EXPORT_SUFFIXES = {".csv", ".xlsx"}


def _reference_codes() -> ReferenceCodes:
    registry = read_source_registry(REGISTRY_FILE)
    return load_reference_codes(
        paths.DBT_SEEDS_DIR, frozenset(registry.valid.get_column("source_id"))
    )


@asset(
    key=REGISTRY_KEY,
    group_name="raw",
    kinds={"python", "duckdb"},
    description="The source registry: one record per source document, every field mandatory.",
    check_specs=[AssetCheckSpec("no_rows_quarantined", asset=REGISTRY_KEY)],
)
def registry_sources(context: AssetExecutionContext, warehouse: WarehouseResource):
    parsed = read_source_registry(REGISTRY_FILE, paths.display_path(REGISTRY_FILE))
    log_rejections(context, parsed)
    with warehouse.connect() as con:
        outcome = append_load(
            con,
            "registry_sources",
            REGISTRY_FILE,
            paths.display_path(REGISTRY_FILE),
            parsed.valid,
            parsed.quarantine,
            CONTRACT_FINGERPRINT,
        )
    yield MaterializeResult(metadata=load_summary([outcome]))
    yield quarantine_check(warehouse, "registry_sources", REGISTRY_KEY)


@asset(
    key=OBSERVATIONS_KEY,
    deps=[REGISTRY_KEY],
    group_name="raw",
    kinds={"python", "duckdb"},
    description="Official figures transcribed from source documents, one row per written figure.",
    check_specs=[AssetCheckSpec("no_rows_quarantined", asset=OBSERVATIONS_KEY)],
)
def official_observations(context: AssetExecutionContext, warehouse: WarehouseResource):
    codes = _reference_codes()
    outcomes = []
    with warehouse.connect() as con:
        for path in sorted(OBSERVATIONS_DIR.glob("*.csv")):
            name = paths.display_path(path)
            parsed = read_observation_file(path, codes, name)
            log_rejections(context, parsed)
            outcomes.append(
                append_load(
                    con,
                    "official_observations",
                    path,
                    name,
                    parsed.valid,
                    parsed.quarantine,
                    codes.fingerprint(),
                )
            )
    yield MaterializeResult(metadata=load_summary(outcomes))
    yield quarantine_check(warehouse, "official_observations", OBSERVATIONS_KEY)


@asset(
    key=NBS_EXPORTS_KEY,
    deps=[REGISTRY_KEY],
    group_name="raw",
    kinds={"python", "duckdb"},
    description=(
        "Exports of the NBS data portal dropped into inbox/statistics/ (CSV or XLSX, GBK or "
        "UTF-8), as long observations. Each export is registered as its own source document."
    ),
    check_specs=[AssetCheckSpec("no_rows_quarantined", asset=NBS_EXPORTS_KEY)],
)
def nbs_exports(context: AssetExecutionContext, warehouse: WarehouseResource):
    codes = _reference_codes()
    labels = load_nbs_labels(paths.DBT_SEEDS_DIR)
    folder = paths.inbox() / "statistics"
    files = sorted(p for p in folder.glob("*") if p.suffix.lower() in EXPORT_SUFFIXES)
    outcomes = []
    no_rejections = pl.DataFrame(schema=QUARANTINE_SCHEMA)
    with warehouse.connect() as con:
        ensure_raw_table(con, "nbs_exports", pl.DataFrame(schema=OBSERVATION_SCHEMA))
        for path in files:
            name = paths.display_path(path)
            export = read_nbs_export(path, codes, labels, name)
            log_rejections(context, export.parsed)
            fingerprint = codes.fingerprint()
            append_load(
                con, "registry_sources", path, name, export.source, no_rejections, fingerprint
            )
            outcomes.append(
                append_load(
                    con,
                    "nbs_exports",
                    path,
                    name,
                    export.parsed.valid,
                    export.parsed.quarantine,
                    fingerprint,
                )
            )
    yield MaterializeResult(metadata=load_summary(outcomes))
    yield quarantine_check(warehouse, "nbs_exports", NBS_EXPORTS_KEY)

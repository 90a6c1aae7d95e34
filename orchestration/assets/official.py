"""Ingest assets for the public-statistics layer: the source registry, transcribed official
observations and NBS data-portal exports."""

from pathlib import Path

import duckdb
import polars as pl
from dagster import (
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    MaterializeResult,
    asset,
    multi_asset,
)

from ingest.contracts import QUARANTINE_SCHEMA
from ingest.inbox_files import InboxFileRefused, inbox_entries, read_inbox_file
from ingest.nbs_export import NbsLabels, load_nbs_labels, read_nbs_export
from ingest.official_observations import (
    OBSERVATION_SCHEMA,
    ReferenceCodes,
    load_reference_codes,
    read_observation_file,
)
from ingest.source_registry import CONTRACT_FINGERPRINT, read_source_registry
from orchestration.assets.loading import (
    load_summary,
    log_rejections,
    quarantine_check,
    record_refused_file,
    retire_removed_files,
)
from orchestration.resources import WarehouseResource
from warehouse import paths
from warehouse.raw_store import (
    LoadOutcome,
    already_loaded,
    append_load,
    append_rows,
    ensure_raw_schema,
    ensure_raw_table,
    file_hash,
    present_files,
    record_removals,
)

REGISTRY_FILE = paths.INGEST_DATA_DIR / "source_documents.csv"
OBSERVATIONS_DIR = paths.INGEST_DATA_DIR / "observations"
REGISTRY_KEY = AssetKey(["raw", "registry_sources"])
OBSERVATIONS_KEY = AssetKey(["raw", "official_observations"])
NBS_EXPORTS_KEY = AssetKey(["raw", "nbs_exports"])
EXPORT_SUFFIXES = (".csv", ".xlsx")


def _reference_codes() -> ReferenceCodes:
    registry = read_source_registry(REGISTRY_FILE)
    return load_reference_codes(
        paths.DBT_SEEDS_DIR, frozenset(registry.valid.get_column("source_id"))
    )


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
    fingerprint = codes.fingerprint()
    outcomes = []
    with warehouse.connect() as con:
        ensure_raw_schema(con)
        for path in sorted(OBSERVATIONS_DIR.glob("*.csv")):
            name = paths.display_path(path)
            digest = file_hash(path)
            # A file loaded before under the same codes is not parsed again.
            if already_loaded(con, "official_observations", name, digest, fingerprint):
                outcomes.append(LoadOutcome(name, skipped=True, rows_loaded=0, rows_quarantined=0))
                continue
            parsed = read_observation_file(path, codes, name)
            log_rejections(context, parsed)
            outcomes.append(
                append_rows(
                    con,
                    "official_observations",
                    name,
                    digest,
                    parsed.valid,
                    parsed.quarantine,
                    fingerprint,
                )
            )
        # A transcription file deleted from the repository leaves staging too.
        present = {outcome.source_file for outcome in outcomes}
        retire_removed_files(context, con, ("official_observations",), present)
    yield MaterializeResult(metadata=load_summary(outcomes))
    yield quarantine_check(warehouse, "official_observations", OBSERVATIONS_KEY)


@multi_asset(
    name="raw__registry_and_exports",
    specs=[
        AssetSpec(
            REGISTRY_KEY,
            group_name="raw",
            kinds={"python", "duckdb"},
            description=(
                "The source documents: one record per document of the source registry, every "
                "field mandatory, and one per NBS export loaded from inbox/statistics/."
            ),
        ),
        AssetSpec(
            NBS_EXPORTS_KEY,
            deps=[REGISTRY_KEY],
            group_name="raw",
            kinds={"python", "duckdb"},
            description=(
                "Exports of the NBS data portal dropped into inbox/statistics/ (CSV or XLSX, GBK "
                "or UTF-8), as long observations. Each export is registered as its own source "
                "document. Each file is read on its own: one that cannot be read is quarantined "
                "by name, the same content under a second name loads once, and a file removed "
                "from the inbox leaves staging at the next build."
            ),
        ),
    ],
    check_specs=[
        AssetCheckSpec("no_rows_quarantined", asset=REGISTRY_KEY),
        AssetCheckSpec("no_rows_quarantined", asset=NBS_EXPORTS_KEY),
    ],
)
def registry_and_exports(context: AssetExecutionContext, warehouse: WarehouseResource):
    """One step, because both write raw.registry_sources: the registry file's documents, then
    one document per export."""
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
    yield MaterializeResult(asset_key=REGISTRY_KEY, metadata=load_summary([outcome]))
    yield quarantine_check(warehouse, "registry_sources", REGISTRY_KEY)
    outcomes = _load_exports(context, warehouse)
    yield MaterializeResult(asset_key=NBS_EXPORTS_KEY, metadata=load_summary(outcomes))
    yield quarantine_check(warehouse, "nbs_exports", NBS_EXPORTS_KEY)


def _load_exports(
    context: AssetExecutionContext, warehouse: WarehouseResource
) -> list[LoadOutcome]:
    """Load every export of inbox/statistics/ and its registry row; retire those that left."""
    codes = _reference_codes()
    labels = load_nbs_labels(paths.DBT_SEEDS_DIR)
    fingerprint = codes.fingerprint()
    outcomes = []
    loaded_under: dict[str, str] = {}  # content hash -> the name it loaded under
    present: set[str] = set()
    with warehouse.connect() as con:
        ensure_raw_table(con, "nbs_exports", pl.DataFrame(schema=OBSERVATION_SCHEMA))
        for path in inbox_entries(paths.inbox() / "statistics", EXPORT_SUFFIXES):
            name = paths.inbox_name(path)
            present.add(name)
            outcomes.append(
                _load_export(context, con, path, name, codes, labels, fingerprint, loaded_under)
            )
        retire_removed_files(context, con, ("nbs_exports", "registry_sources"), present)
    return outcomes


def _drop_registry_row(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """An export that gives no figures now gives no source document either."""
    record_removals(con, "registry_sources", {name} & present_files(con, "registry_sources"))


def _load_export(
    context: AssetExecutionContext,
    con: duckdb.DuckDBPyConnection,
    path: Path,
    name: str,
    codes: ReferenceCodes,
    labels: NbsLabels,
    fingerprint: str,
    loaded_under: dict[str, str],
) -> LoadOutcome:
    """Load one export, or record why it was not loaded; nothing it holds stops the others."""
    try:
        file = read_inbox_file(path, paths.inbox())
    except InboxFileRefused as err:
        _drop_registry_row(con, name)
        return record_refused_file(context, con, "nbs_exports", name, str(err), fingerprint)
    first = loaded_under.setdefault(file.sha256, name)
    if first != name:
        _drop_registry_row(con, name)
        reason = f"the same content as {first}, which is loaded: a copy loads once"
        return record_refused_file(
            context, con, "nbs_exports", name, reason, f"{fingerprint}:copy of {first}"
        )
    try:
        export = read_nbs_export(file.data, path.suffix, codes, labels, name)
    except Exception as err:  # one file's surprise must not stop the others; it is named
        _drop_registry_row(con, name)
        reason = f"could not be read ({type(err).__name__}: {' '.join(str(err).split())[:300]})"
        return record_refused_file(context, con, "nbs_exports", name, reason, fingerprint)
    log_rejections(context, export.parsed)
    no_rejections = pl.DataFrame(schema=QUARANTINE_SCHEMA)
    append_rows(
        con, "registry_sources", name, file.sha256, export.source, no_rejections, fingerprint
    )
    return append_rows(
        con,
        "nbs_exports",
        name,
        file.sha256,
        export.parsed.valid,
        export.parsed.quarantine,
        fingerprint,
    )

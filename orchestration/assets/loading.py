"""What every ingest asset reports: a summary of its loads, its rejections, its quarantine check;
and how an inbox file that cannot be read, or that left the inbox, is recorded."""

import hashlib

import duckdb
import polars as pl
from dagster import AssetCheckResult, AssetCheckSeverity, AssetExecutionContext, AssetKey

from ingest.contracts import ParsedFile, Rejection, quarantine_frame, rejection_message
from orchestration.resources import WarehouseResource
from warehouse.raw_store import (
    LoadOutcome,
    append_rows,
    current_quarantine,
    present_files,
    record_removals,
)


def quarantine_check(warehouse: WarehouseResource, table: str, asset_key: AssetKey):
    """Warn (never block) when the current loads of `table` left rows in quarantine."""
    with warehouse.connect() as con:
        rows = current_quarantine(con, table)
    return AssetCheckResult(
        asset_key=asset_key,
        check_name="no_rows_quarantined",
        passed=not rows,
        severity=AssetCheckSeverity.WARN,
        metadata={
            "quarantined_rows": len(rows),
            "first_rejections": "\n".join(rows[:20]) or "none",
        },
    )


def load_summary(outcomes: list[LoadOutcome]) -> dict:
    return {
        "files": len(outcomes),
        "files_skipped_unchanged": sum(o.skipped for o in outcomes),
        "rows_loaded": sum(o.rows_loaded for o in outcomes),
        "rows_quarantined": sum(o.rows_quarantined for o in outcomes),
    }


def log_rejections(context: AssetExecutionContext, parsed: ParsedFile) -> None:
    """One line per file, however many rows it lost: the rows are in raw.quarantine."""
    rejected = parsed.quarantine
    if rejected.is_empty():
        return
    first = rejected.row(0, named=True)
    message = rejection_message(*(first[k] for k in ("source_file", "line", "field", "reason")))
    if rejected.height == 1:
        context.log.warning(message)
        return
    context.log.warning(
        f"{first['source_file']}: {rejected.height} rows quarantined (first: {message}); "
        "all in staging.stg_raw__quarantine"
    )


def record_refused_file(
    context: AssetExecutionContext,
    con: duckdb.DuckDBPyConnection,
    table: str,
    name: str,
    reason: str,
    contract_hash: str,
) -> LoadOutcome:
    """An inbox file that cannot be read becomes one quarantine row naming it and the reason;
    the other files still load."""
    context.log.warning(rejection_message(name, None, "file", reason))
    rejection = quarantine_frame([Rejection(name, None, "file", None, reason)])
    digest = hashlib.sha256(f"refused\0{reason}".encode()).hexdigest()
    return append_rows(con, table, name, digest, pl.DataFrame(), rejection, contract_hash)


def retire_removed_files(
    context: AssetExecutionContext,
    con: duckdb.DuckDBPyConnection,
    tables: tuple[str, ...],
    present: set[str],
) -> None:
    """Files loaded into `tables[0]` that are no longer in the inbox leave every one of `tables`
    (the inbox is the truth; `raw` keeps their history)."""
    gone = present_files(con, tables[0]) - present
    for table in tables:
        record_removals(con, table, gone)
    for name in sorted(gone):
        context.log.info(f"{name}: no longer in the inbox; its rows leave staging and the marts")

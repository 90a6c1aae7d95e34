"""What every ingest asset reports: a summary of its loads, its rejections, its quarantine check."""

from dagster import AssetCheckResult, AssetCheckSeverity, AssetExecutionContext, AssetKey

from ingest.contracts import ParsedFile, rejection_message
from orchestration.resources import WarehouseResource
from warehouse.raw_store import LoadOutcome, current_quarantine


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
    for row in parsed.quarantine.iter_rows(named=True):
        context.log.warning(
            rejection_message(row["source_file"], row["line"], row["field"], row["reason"])
        )

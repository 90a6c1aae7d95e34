"""Data-quality suites as asset checks: an error-severity failure blocks publishing."""

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    MaterializeResult,
    asset,
)

from orchestration.assets.dbt_models import govmetrics_dbt_models
from orchestration.resources import WarehouseResource
from warehouse import paths
from warehouse.quality.suites import ERROR, SUITES

DQ_KEY = AssetKey(["dq", "results"])
SUITE_NAMES = list(dict.fromkeys(e.suite for e in SUITES))


@asset(
    key=DQ_KEY,
    deps=list(govmetrics_dbt_models.keys),
    group_name="quality",
    kinds={"python", "duckdb"},
    description=(
        "Great Expectations suites per layer (raw_staging, marts, claims) on the dq "
        "views; results appended to dq.results, Data Docs in <warehouse>/dq/docs/."
    ),
    check_specs=[
        AssetCheckSpec(f"{suite}_suite", asset=DQ_KEY, blocking=True) for suite in SUITE_NAMES
    ],
)
def dq_results(context: AssetExecutionContext, warehouse: WarehouseResource):
    from warehouse.quality.runner import record_results, run_suites

    with warehouse.connect() as con:
        results = run_suites(con, context.run.run_id, paths.dq_dir() / "docs")
        record_results(con, results, paths.dq_dir() / "latest.json")
    failed = results.filter(~results["success"])
    yield MaterializeResult(
        metadata={
            "expectations": results.height,
            "failed": failed.height,
            "data_docs": str(paths.dq_dir() / "docs" / "results.html"),
        }
    )
    for suite in SUITE_NAMES:
        suite_failed = failed.filter(failed["suite"] == suite)
        errors = suite_failed.filter(suite_failed["severity"] == ERROR)
        blocking = [_blocking_message(error) for error in errors.iter_rows(named=True)]
        for message in blocking:
            context.log.error(message)
        yield AssetCheckResult(
            asset_key=DQ_KEY,
            check_name=f"{suite}_suite",
            passed=suite_failed.is_empty(),
            severity=AssetCheckSeverity.ERROR if errors.height else AssetCheckSeverity.WARN,
            metadata={
                "failed_expectations": ", ".join(suite_failed["expectation"]) or "none",
                "offending_keys": "; ".join(k for k in suite_failed["offending_keys"] if k)
                or "none",
                "blocking": "\n".join(blocking) or "none",
            },
        )


def _blocking_message(error: dict) -> str:
    """What blocks publishing and how to unblock it: the offending keys name their files."""
    return (
        f"publishing blocked by {error['suite']}.{error['expectation']}: "
        f"{error['offending_keys']}. Fix or remove the file named (a file in the inbox: move it "
        "out of the inbox), then run `govmetrics build` again; `govmetrics dq` shows the details"
    )

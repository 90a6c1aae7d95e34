"""Run the suites with Great Expectations on pandas frames read from DuckDB.

GX's SQL datasource through duckdb-engine fails every expectation (GX issues 10738, 11579), so
the database computes each `dq` view and GX validates the frame. GX is imported here only, when
checks run, with its analytics turned off. Results go to `dq.results` (one row per expectation
per run), to `<home>/dq/latest.json` (read by `govmetrics dq`) and to Data Docs (HTML).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from pathlib import Path

import duckdb
import polars as pl

from warehouse.quality.suites import ERROR, SUITES, Expectation
from warehouse.templates import render

SAMPLE_KEYS = 10
ROW_LIMIT = 10_000  # a view holds candidate violations; more than this is not worth moving
RESULT_SCHEMA: dict[str, type[pl.DataType]] = {
    "run_id": pl.String,
    "run_at": pl.Datetime("us"),
    "suite": pl.String,
    "expectation": pl.String,
    "target_table": pl.String,
    "severity": pl.String,
    "success": pl.Boolean,
    "observed_value": pl.String,
    "unexpected_count": pl.Int64,
    "offending_keys": pl.String,
}


def _context(project_dir: Path):
    os.environ["GX_ANALYTICS_ENABLED"] = "False"
    import great_expectations as gx

    context = gx.get_context(mode="file", project_root_dir=str(project_dir))
    context.variables.progress_bars = {"globally": False}
    return gx, context


def _validate(gx, context, view: str, frame, expectations: list[Expectation]) -> list[dict]:
    """Run one view's expectations; one record per expectation."""
    asset = context.data_sources.add_or_update_pandas(f"dq_{view}").add_dataframe_asset(view)
    batch = asset.add_batch_definition_whole_dataframe("all")
    suite = context.suites.add(gx.ExpectationSuite(name=view))
    for expectation in expectations:
        suite.add_expectation(
            getattr(gx.expectations, expectation.gx_type)(
                **expectation.kwargs, meta={"name": expectation.name}
            )
        )
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=view, data=batch, suite=suite)
    )
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name=view,
            validation_definitions=[definition],
            actions=[],  # Data Docs are built once, after every view (run_suites)
            result_format={"result_format": "COMPLETE"},
        )
    )
    outcome = checkpoint.run(batch_parameters={"dataframe": frame})
    by_name = {e.name: e for e in expectations}
    records = []
    for validation in outcome.run_results.values():
        for result in validation.results:
            expectation = by_name[result.expectation_config.meta["name"]]
            details = result.result or {}
            unexpected = details.get("unexpected_count")
            if unexpected is None and not result.success:
                unexpected = len(frame)  # a table-level failure: every row of the view counts
            if "unexpected_list" in details and expectation.key:
                rows = frame[frame[expectation.kwargs["column"]].isin(details["unexpected_list"])]
                keys = rows[expectation.key].astype(str).tolist()
            elif expectation.key and not result.success:
                keys = frame[expectation.key].astype(str).tolist()
            else:
                keys = []
            records.append(
                {
                    "suite": expectation.suite,
                    "expectation": expectation.name,
                    "target_table": expectation.target,
                    "severity": expectation.severity,
                    "success": bool(result.success),
                    "observed_value": json.dumps(details.get("observed_value"), default=str),
                    "unexpected_count": unexpected or 0,
                    "offending_keys": ", ".join(keys[:SAMPLE_KEYS]),
                }
            )
    return records


def run_suites(con: duckdb.DuckDBPyConnection, run_id: str, docs_dir: Path) -> pl.DataFrame:
    """Validate every `dq` view; returns one row per expectation (see RESULT_SCHEMA)."""
    run_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    views: dict[str, list[Expectation]] = {}
    for expectation in SUITES:
        views.setdefault(expectation.view, []).append(expectation)
    with tempfile.TemporaryDirectory(prefix="govmetrics-gx-") as project:
        gx, context = _context(Path(project))
        records = []
        for view, expectations in views.items():
            frame = con.execute(f"select * from dq.{view} limit {ROW_LIMIT}").df()
            records += _validate(gx, context, view, frame, expectations)
        context.build_data_docs()
        site = Path(project) / "gx" / "uncommitted" / "data_docs" / "local_site"
        shutil.rmtree(docs_dir, ignore_errors=True)
        shutil.copytree(site, docs_dir)
    results = pl.DataFrame(
        [{"run_id": run_id, "run_at": run_at, **record} for record in records],
        schema=RESULT_SCHEMA,
    )
    _write_results_page(results, docs_dir)
    return results


GX_PAGE = "Great Expectations' own page (needs an internet connection for its styling)"


def _status(success: bool, severity: str) -> str:
    return "passed" if success else ("FAILED" if severity == ERROR else "warned")


def _entry(row: dict, expectation: Expectation, gx_page: str) -> dict:
    """One expectation's result as the page shows it: `observed` is GX's observed value as
    JSON ("" when it reported none), `gx_page` the path of GX's own page ("" without one)."""
    parameters = ", ".join(
        f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in expectation.kwargs.items()
    )
    return {
        "suite": row["suite"],
        "name": row["expectation"],
        "anchor": f"{row['suite']}-{row['expectation']}",
        "status": _status(row["success"], row["severity"]),
        "target_table": row["target_table"],
        "severity": row["severity"],
        "blocking": row["severity"] == ERROR,
        "view": expectation.view,
        "gx_type": expectation.gx_type,
        "kwargs": expectation.kwargs,
        "parameters": parameters,
        "observed": "" if row["observed_value"] == "null" else row["observed_value"],
        "unexpected_count": row["unexpected_count"],
        "key": expectation.key,
        "offending_keys": row["offending_keys"],
        "gx_page": gx_page,
    }


def _write_results_page(results: pl.DataFrame, docs_dir: Path) -> None:
    """`results.html` (templates/dq_results.html.j2): every expectation of the run, with what
    it requires, what was observed and its offending keys; inline CSS, no script, nothing
    fetched from the network. GX's own pages (kept beside it, linked) load their styles and
    scripts from CDNs."""
    pages = {
        path.relative_to(docs_dir).parts[1]: path.relative_to(docs_dir).as_posix()
        for path in docs_dir.glob("validations/*/*/*/*.html")
    }
    by_name = {(e.suite, e.name): e for e in SUITES}
    entries = []
    for row in results.iter_rows(named=True):
        expectation = by_name[(row["suite"], row["expectation"])]
        entries.append(_entry(row, expectation, pages.get(expectation.view, "")))
    suites: dict[str, list[dict]] = {}
    for entry in entries:
        suites.setdefault(entry["suite"], []).append(entry)
    statuses = [entry["status"] for entry in entries]
    run = results.row(0, named=True) if entries else {"run_id": "", "run_at": ""}
    page = render(
        "dq_results.html.j2",
        run_id=str(run["run_id"]),
        run_at=str(run["run_at"])[:19],
        counts=[(statuses.count(s), s) for s in ("passed", "warned", "FAILED")],
        expectations=entries,
        suites=[{"name": name, "expectations": rows} for name, rows in suites.items()],
        sample_keys=SAMPLE_KEYS,
        gx_page_text=GX_PAGE,
    )
    (docs_dir / "results.html").write_text(page, encoding="utf-8")


def record_results(con: duckdb.DuckDBPyConnection, results: pl.DataFrame, latest: Path) -> None:
    """Append to `dq.results` and write the run's results for `govmetrics dq`."""
    con.execute("create schema if not exists dq")
    con.register("dq_run", results)
    try:
        con.execute("create table if not exists dq.results as select * from dq_run limit 0")
        con.execute("insert into dq.results by name select * from dq_run")
    finally:
        con.unregister("dq_run")
    latest.parent.mkdir(parents=True, exist_ok=True)
    latest.write_text(
        json.dumps(results.to_dicts(), ensure_ascii=False, indent=1, default=str), "utf-8"
    )

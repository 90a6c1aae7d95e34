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
from html import escape
from pathlib import Path

import duckdb
import polars as pl

from warehouse.quality.suites import ERROR, SUITES, Expectation

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
            actions=[gx.checkpoint.UpdateDataDocsAction(name="data_docs")],
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
                    "unexpected_count": len(frame) if unexpected is None and not result.success
                    else (unexpected or 0),
                    "offending_keys": ", ".join(keys[:SAMPLE_KEYS]),
                }
            )  # fmt: skip
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
        site = Path(project) / "gx" / "uncommitted" / "data_docs" / "local_site"
        shutil.rmtree(docs_dir, ignore_errors=True)
        shutil.copytree(site, docs_dir)
    results = pl.DataFrame(
        [{"run_id": run_id, "run_at": run_at, **record} for record in records],
        schema=RESULT_SCHEMA,
    )
    _write_results_page(results, docs_dir)
    return results


def _write_results_page(results: pl.DataFrame, docs_dir: Path) -> None:
    """`results.html`: every expectation with a link to its GX validation page. GX's own
    index.html fills its lists with scripts from CDNs; this page needs none."""
    pages = {view: path.relative_to(docs_dir).as_posix()
             for view, path in ((p.relative_to(docs_dir).parts[1], p)
                                for p in docs_dir.glob("validations/*/*/*/*.html"))}  # fmt: skip
    views = {e.name: e.view for e in SUITES}
    rows = []
    for r in results.iter_rows(named=True):
        status = "passed" if r["success"] else ("FAILED" if r["severity"] == ERROR else "warned")
        link = pages.get(views[r["expectation"]], "")
        rows.append(
            f"<tr class='{status.lower()}'><td>{escape(r['suite'])}</td>"
            f"<td><a href='{escape(link)}'>{escape(r['expectation'])}</a></td>"
            f"<td>{escape(r['target_table'])}</td><td>{r['severity']}</td><td>{status}</td>"
            f"<td>{r['unexpected_count']}</td><td>{escape(r['offending_keys'])}</td></tr>"
        )
    run = results.row(0, named=True) if results.height else {"run_id": "", "run_at": ""}
    (docs_dir / "results.html").write_text(
        "<!doctype html><html lang='en'><meta charset='utf-8'><title>govmetrics data quality"
        "</title><style>body{font-family:sans-serif;margin:2em}td,th{padding:.3em .6em;"
        "border-bottom:1px solid #ddd;text-align:left}.failed{background:#fdd}"
        ".warned{background:#ffd}</style>"
        f"<h1>Data-quality run {escape(str(run['run_id']))}</h1><p>{run['run_at']} UTC. "
        "Errors block publishing; warnings flag inconsistencies. Each expectation links to "
        "its Great Expectations validation page (<a href='index.html'>GX index</a>).</p>"
        "<table><tr><th>suite</th><th>expectation</th><th>target</th><th>severity</th>"
        "<th>status</th><th>unexpected</th><th>offending keys</th></tr>"
        + "".join(rows)
        + "</table></html>",
        encoding="utf-8",
    )


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

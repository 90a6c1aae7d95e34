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


GX_PAGE = "Great Expectations' own page (needs an internet connection for its styling)"
_STYLE = (
    "body{font-family:sans-serif;margin:2em;max-width:70em;line-height:1.4}"
    "td,th{padding:.3em .6em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}"
    "dl{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}"
    "dt{font-weight:bold}dd{margin:0}"
    "code{background:#f4f4f4;padding:0 .2em;overflow-wrap:anywhere}"
    "section.expectation{border-left:.4em solid #9c9;padding:.1em 1em;margin:1em 0}"
    ".failed{background:#fdd}.warned{background:#ffd}"
    "section.failed{border-color:#c33}section.warned{border-color:#cb3}"
)


def _status(success: bool, severity: str) -> str:
    return "passed" if success else ("FAILED" if severity == ERROR else "warned")


def _anchor(suite: str, name: str) -> str:
    return f"{suite}-{name}"


def _requirement(expectation: Expectation) -> str:
    """What the expectation requires of its `dq` view, in words (HTML)."""
    kwargs = expectation.kwargs
    column = f"<code>{escape(str(kwargs.get('column')))}</code>"
    values = ", ".join(f"<code>{escape(str(v))}</code>" for v in kwargs.get("value_set", []))
    view = f"<code>dq.{escape(expectation.view)}</code>"
    match expectation.gx_type:
        case "ExpectColumnValuesToBeInSet":
            return f"every {column} of {view} is one of {values}"
        case "ExpectColumnValuesToNotBeInSet":
            return f"no {column} of {view} is one of {values}"
        case "ExpectColumnValuesToNotBeNull":
            return f"every row of {view} has a {column}"
        case "ExpectColumnValuesToBeBetween":
            bounds = [f"at least {kwargs['min_value']}"] if "min_value" in kwargs else []
            bounds += [f"at most {kwargs['max_value']}"] if "max_value" in kwargs else []
            return f"every {column} of {view} is {' and '.join(bounds)}"
        case "ExpectTableRowCountToEqual":
            return f"{view} (the candidate violations) has exactly {kwargs['value']} rows"
    return f"see the parameters of {escape(expectation.gx_type)}"


def _observed(row: dict, expectation: Expectation) -> str:
    """The result GX observed: the rows of the view (for a row count), else how many rows break
    the expectation, with the observed value when GX reports one."""
    observed = "" if row["observed_value"] == "null" else escape(row["observed_value"])
    if expectation.gx_type == "ExpectTableRowCountToEqual" and observed:
        return f"{observed} rows"
    count = row["unexpected_count"]
    text = {0: "no row breaks it", 1: "1 row breaks it"}.get(count, f"{count} rows break it")
    return f"{text}; observed value {observed}" if observed else text


def _expectation_section(row: dict, expectation: Expectation, gx_page: str) -> str:
    status = _status(row["success"], row["severity"])
    parameters = ", ".join(
        f"{escape(k)}={escape(json.dumps(v, ensure_ascii=False))}"
        for k, v in expectation.kwargs.items()
    )
    keys = escape(row["offending_keys"]) if row["offending_keys"] else "none"
    consequence = "a failure blocks publishing" if row["severity"] == ERROR else "never blocks"
    gx_link = f"<a href='{escape(gx_page)}'>{GX_PAGE}</a>" if gx_page else "none"
    return (
        f"<section class='expectation {status.lower()}' "
        f"id='{escape(_anchor(row['suite'], row['expectation']))}'>"
        f"<h3>{escape(row['expectation'])}: <span class='status'>{status}</span></h3><dl>"
        f"<dt>suite</dt><dd>{escape(row['suite'])}</dd>"
        f"<dt>checks</dt><dd><code>{escape(row['target_table'])}</code>, through the view "
        f"<code>dq.{escape(expectation.view)}</code></dd>"
        f"<dt>severity</dt><dd>{escape(row['severity'])} ({consequence})</dd>"
        f"<dt>status</dt><dd class='status'>{status}</dd>"
        f"<dt>requires</dt><dd>{_requirement(expectation)}</dd>"
        f"<dt>parameters</dt><dd class='parameters'><code>{escape(expectation.gx_type)}"
        f"({parameters})</code></dd>"
        f"<dt>observed</dt><dd class='observed'>{_observed(row, expectation)}</dd>"
        f"<dt>offending keys (<code>{escape(expectation.key or '-')}</code>, at most "
        f"{SAMPLE_KEYS})</dt><dd class='offending-keys'>{keys}</dd>"
        f"<dt>Great Expectations</dt><dd>{gx_link}</dd></dl></section>"
    )


def _write_results_page(results: pl.DataFrame, docs_dir: Path) -> None:
    """`results.html`: every expectation of the run, with what it requires, what was observed
    and its offending keys; inline CSS, no script, nothing fetched from the network. GX's own
    pages (kept beside it, linked) load their styles and scripts from CDNs."""
    pages = {
        path.relative_to(docs_dir).parts[1]: path.relative_to(docs_dir).as_posix()
        for path in docs_dir.glob("validations/*/*/*/*.html")
    }
    expectations = {(e.suite, e.name): e for e in SUITES}
    rows = list(results.iter_rows(named=True))
    statuses = [_status(r["success"], r["severity"]) for r in rows]
    summary = []
    sections: dict[str, list[str]] = {}
    for row, status in zip(rows, statuses, strict=True):
        expectation = expectations[(row["suite"], row["expectation"])]
        anchor = escape(_anchor(row["suite"], row["expectation"]))
        summary.append(
            f"<tr class='{status.lower()}'><td>{escape(row['suite'])}</td>"
            f"<td><a href='#{anchor}'>{escape(row['expectation'])}</a></td>"
            f"<td>{escape(row['target_table'])}</td><td>{escape(row['severity'])}</td>"
            f"<td>{status}</td><td>{row['unexpected_count']}</td></tr>"
        )
        sections.setdefault(row["suite"], []).append(
            _expectation_section(row, expectation, pages.get(expectation.view, ""))
        )
    run = rows[0] if rows else {"run_id": "", "run_at": ""}
    counts = ", ".join(f"{statuses.count(s)} {s}" for s in ("passed", "warned", "FAILED"))
    body = "".join(
        f"<section class='suite' id='suite-{escape(suite)}'><h2>Suite {escape(suite)}</h2>"
        + "".join(parts)
        + "</section>"
        for suite, parts in sections.items()
    )
    (docs_dir / "results.html").write_text(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>govmetrics data quality, run {escape(str(run['run_id']))}</title>"
        f"<style>{_STYLE}</style></head><body>"
        f"<h1>Data-quality run {escape(str(run['run_id']))}</h1>"
        f"<p>{escape(str(run['run_at'])[:19])} UTC: {len(rows)} expectations, {counts}. A failed "
        "error check blocks publishing; a warning flags an inconsistency and never blocks. "
        "Each expectation below says what it requires, what was observed and which rows "
        f"break it. <a href='index.html'>{GX_PAGE}</a>.</p>"
        "<table><tr><th>suite</th><th>expectation</th><th>checks</th><th>severity</th>"
        "<th>status</th><th>rows breaking it</th></tr>"
        + "".join(summary)
        + "</table>"
        + body
        + "</body></html>",
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

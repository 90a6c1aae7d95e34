"""Each figure of the benchmark, measured in a workspace (bench/workspace.py)."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from bench.floor import latest_manifest, run_floor
from bench.workspace import GOVMETRICS, Workspace

# Five questions a researcher asks of the published warehouse.
QUERIES = {
    "series": (
        "select period_end, as_of, value, source_id, vintage from marts.indicator_series"
        " where indicator_code = 'pop_60_plus_share' and geo_code = '110000'"
        " order by coalesce(as_of, period_end), source_id"
    ),
    "latest_by_province": (
        "select geo_code, max(reference_year) as latest_year, arg_max(value, reference_year)"
        " as value from marts.indicator_series where indicator_code = 'communities'"
        " and is_preferred group by geo_code order by geo_code"
    ),
    "claims_contradicted": (
        "select claim_id, surface, official_value_as_written, verdict"
        " from marts.claim_verification where verdict in ('inconsistent', 'implausible')"
        " order by claim_id"
    ),
    "coverage_by_year": (
        "select indicator_code, reference_year, count(*) as figures, avg(value) as mean"
        " from marts.indicator_series group by all order by all"
    ),
    "conflicts": "select * from marts.source_conflicts order by all limit 100",
}
QUERY_RUNS = 5


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (share 0.5: the median, 0.95: p95)."""
    ranked = sorted(values)
    return ranked[max(0, min(len(ranked) - 1, round(share * len(ranked) + 0.5) - 1))]


def pipeline(workspace: Workspace) -> dict:
    """A full build from nothing: ingest, dbt, checks, publish, export."""
    timed = workspace.govmetrics("build")
    return {"seconds": timed.seconds, "peak_mb": timed.peak_bytes / 1e6}


def rebuild(workspace: Workspace) -> dict:
    """A second build with nothing changed: time, and whether it made a new release."""
    releases = workspace.home / "releases"
    before = {p.name for p in releases.iterdir()}
    timed = workspace.govmetrics("build")
    after = {p.name for p in releases.iterdir()}
    return {
        "seconds": timed.seconds,
        "peak_mb": timed.peak_bytes / 1e6,
        "new_release": bool(after - before),
        "skipped": "nothing changed since the published build" in timed.output,
    }


def floor(workspace: Workspace) -> dict:
    db = workspace.home / "build" / "govmetrics.duckdb"
    manifest = latest_manifest(workspace.root / "dbt_project")
    seconds = run_floor(db, manifest, workspace.observations, workspace.root / "floor")
    return {"seconds": seconds["total"], "parts": seconds}


def quality(workspace: Workspace) -> dict:
    """The quality suites alone (as the build runs them), against one scan of the largest
    table of the build (every column read)."""
    db = workspace.home / "build" / "govmetrics.duckdb"
    timed = workspace.python("-m", "bench.suites_alone", str(db))
    suites = float(timed.output.strip().splitlines()[-1])
    with duckdb.connect(str(db), read_only=True) as con:
        schema, table = con.execute(
            "select schema_name, table_name from duckdb_tables() order by estimated_size desc"
            " limit 1"
        ).fetchone()
        started = time.perf_counter()
        con.execute(f'select count(*), max(columns(*)) from "{schema}"."{table}"').fetchall()
        scan = time.perf_counter() - started
    return {"suites_seconds": suites, "scan_seconds": scan, "largest_table": f"{schema}.{table}"}


def _first_row_seconds(workspace: Workspace, query: str) -> float:
    """From process start to the first result row on standard output."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [str(GOVMETRICS), "sql", query, "--format", "csv"],
        env=workspace.env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    child.stdout.readline()  # the header
    child.stdout.readline()
    seconds = time.perf_counter() - started
    child.communicate()
    if child.returncode:
        raise RuntimeError(f"govmetrics sql failed ({child.returncode}): {query}")
    return seconds


def queries(workspace: Workspace, runs: int = QUERY_RUNS) -> dict:
    """Each query through `govmetrics sql` (a new process each time) and in one DuckDB
    process: p50 and p95 over `runs` runs; time to the first row, process start included."""
    published = workspace.home / "published" / "govmetrics.duckdb"
    results = {}
    with duckdb.connect(str(published), read_only=True) as con:
        for name, query in QUERIES.items():
            cli, direct = [], []
            for _ in range(runs):
                cli.append(workspace.govmetrics("sql", query, "--format", "csv").seconds)
                started = time.perf_counter()
                con.execute(query).fetchall()
                direct.append(time.perf_counter() - started)
            results[name] = {
                "cli_p50": percentile(cli, 0.5),
                "cli_p95": percentile(cli, 0.95),
                "duckdb_p50": percentile(direct, 0.5),
                "duckdb_p95": percentile(direct, 0.95),
            }
    first = [_first_row_seconds(workspace, QUERIES["series"]) for _ in range(runs)]
    return {"queries": results, "first_row_p50": percentile(first, 0.5)}


def verify(workspace: Workspace, report: Path) -> dict:
    """`govmetrics verify` on the report, by its register and linked automatically (median of
    three runs each, process start included)."""
    figures = {}
    for label, extra in (("register", []), ("automatic", ["--automatic"])):
        runs = [
            workspace.govmetrics("verify", str(report), *extra, "--format", "json").seconds
            for _ in range(3)
        ]
        figures[f"{label}_seconds"] = statistics.median(runs)
    return figures


def extraction(text: str, runs: int = 5) -> dict:
    """Throughput of quantity extraction in MB (UTF-8) per CPU second, median of `runs`."""
    from ingest.quantity_extraction import extract_quantities

    timings = []
    for _ in range(runs):
        started = time.process_time()
        found = len(extract_quantities(text))
        timings.append(time.process_time() - started)
    megabytes = len(text.encode("utf-8")) / 1e6
    median = statistics.median(timings)
    return {
        "megabytes": megabytes,
        "quantities": found,
        "mb_per_second": megabytes / median if median else float("inf"),
    }


def machine() -> dict:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(memory / 2**30, 1),
        "python": sys.version.split()[0],
        "duckdb": duckdb.__version__,
        "platform": platform.platform(),
    }

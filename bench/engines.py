"""The same dbt project built on DuckDB and on Apache Spark from one workspace, timed, and every
table of every layer compared (`make test-spark`; `python -m bench.engines` for the figures).

Both builds are whole `govmetrics build` runs of the workspace's copy of the project: ingest,
dbt, the quality suites and publishing. The Spark build has its own GOVMETRICS_HOME, so that
nothing of the DuckDB build is reused.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bench import figures
from bench.__main__ import _label, parse_size
from bench.workspace import GOVMETRICS, Timed, Workspace, create, run_timed
from warehouse.engine_comparison import compare_mart_results
from warehouse.spark_handoff import built_relations

# Every layer dbt builds; the marts are what users read, the others show where a difference
# starts. Spark materialises staging and dq as tables where DuckDB has views.
SCHEMAS = ("reference", "staging", "intermediate", "marts", "dq")
RESULTS = Path(__file__).resolve().parent / "results" / "engines.json"


def spark_home(workspace: Workspace) -> Path:
    return workspace.root / "home_spark"


def build_on(workspace: Workspace, engine: str) -> Timed:
    """`govmetrics build` of the workspace on `engine`, into its own home."""
    env = {**workspace.env(), "GOVMETRICS_ENGINE": engine}
    if engine == "spark":
        env["GOVMETRICS_HOME"] = str(spark_home(workspace))
    return run_timed([str(GOVMETRICS), "build"], env, workspace.root)


# Each build loads the same files itself, under load ids of its own.
LOAD_COLUMNS = ("load_id", "loaded_at")


def table_differences(workspace: Workspace) -> dict[str, list[str]]:
    """`schema.table` -> problems (empty when Spark's table matches DuckDB's), for every model
    and seed of the workspace's dbt project (not the tables Python writes, such as dq.results)."""
    duckdb_file = workspace.home / "build" / "govmetrics.duckdb"
    spark_warehouse = spark_home(workspace) / "build" / "spark" / "warehouse"
    manifest = workspace.root / "dbt_project" / "target" / "manifest.json"
    relations = built_relations(json.loads(manifest.read_text(encoding="utf-8")))
    differences: dict[str, list[str]] = {}
    for schema in SCHEMAS:
        tables = [name for table_schema, name in relations if table_schema == schema]
        for result in compare_mart_results(
            duckdb_file, spark_warehouse, schema, tables=tables, ignored_columns=LOAD_COLUMNS
        ):
            differences[f"{schema}.{result.name}"] = result.problems
    return differences


def compare_engines(root: Path, size: int) -> dict:
    """Build a fresh workspace (size 0: the default data only) on both engines; returns the
    times, peak memory and the differences of every table."""
    workspace, written = create(root, size)
    duck = build_on(workspace, "duckdb")
    spark = build_on(workspace, "spark")
    return {
        "observations": written,
        "duckdb": {"seconds": round(duck.seconds, 1), "peak_mb": round(duck.peak_bytes / 2**20)},
        "spark": {"seconds": round(spark.seconds, 1), "peak_mb": round(spark.peak_bytes / 2**20)},
        "differences": table_differences(workspace),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.engines", description=__doc__)
    parser.add_argument(
        "--sizes",
        type=lambda s: [parse_size(x) for x in s.split(",")],
        default=[0, 1_000_000],
        help="panel sizes, 0 for the default data only (default: 0,1M)",
    )
    parser.add_argument("--work", type=Path, required=True, help="where the workspaces go")
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"default {RESULTS}")
    args = parser.parse_args(argv)
    results: dict = {"machine": figures.machine(), "sizes": {}}
    differing = 0
    for size in args.sizes:
        label = _label(size) if size else "default"
        figure = compare_engines(args.work / label, size)
        problems = [p for found in figure["differences"].values() for p in found]
        differing += len(problems)
        duck, spark = figure["duckdb"]["seconds"], figure["spark"]["seconds"]
        print(
            f"{label}: DuckDB {duck} s, Spark {spark} s, {len(figure['differences'])} tables "
            f"compared, {len(problems)} problems",
            flush=True,
        )
        for problem in problems:
            print(f"  {problem}")
        results["sizes"][label] = figure
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())

"""What passes between the build database and Apache Spark when Spark builds the models.

Ingest always writes the raw tables into the build database (warehouse/raw_store.py). For a
Spark build, each raw table is copied out as Parquet, one folder per table, where dbt's `spark`
target reads it (the on-run-start macro `register_raw_sources`). Spark writes every model and
seed as a Parquet table under its warehouse folder; the build database then takes those tables
in one transaction, so that the quality suites, the docs and publishing read what Spark built.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

import duckdb


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def raw_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = 'raw' "
        "and table_type = 'BASE TABLE' order by table_name"
    ).fetchall()
    return [name for (name,) in rows]


def write_raw_parquet(con: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, int]:
    """Every raw table as `<folder>/<table>/data.parquet`, replacing what was there; returns
    the rows written per table."""
    staging = folder.with_name(folder.name + ".writing")
    shutil.rmtree(staging, ignore_errors=True)
    written: dict[str, int] = {}
    for table in raw_tables(con):
        (staging / table).mkdir(parents=True)
        target = staging / table / "data.parquet"
        copy = f"copy raw.{table} to {sql_literal(str(target))} (format parquet)"
        written[table] = con.execute(copy).fetchone()[0]  # COPY returns the rows it wrote
    shutil.rmtree(folder, ignore_errors=True)
    staging.rename(folder)
    return written


def prepare_spark_build(spark_dir: Path) -> None:
    """Before a Spark build: take away every table's `_SUCCESS` marker (Spark writes it last),
    so that afterwards only the tables this build wrote have one; and start afresh when the
    folder moved, since Spark's catalog keeps absolute paths and would write where it was."""
    spark_dir.mkdir(parents=True, exist_ok=True)
    location = spark_dir / "location"
    here = str(spark_dir.resolve())
    if not location.is_file() or location.read_text(encoding="utf-8") != here:
        for name in ("metastore_db", "warehouse"):
            shutil.rmtree(spark_dir / name, ignore_errors=True)
        location.write_text(here, encoding="utf-8")
    for marker in (spark_dir / "warehouse").glob("*.db/*/_SUCCESS"):
        marker.unlink()


def built_relations(manifest: dict, run_results: dict | None = None) -> list[tuple[str, str]]:
    """The (schema, name) of every model and seed of a dbt manifest, sorted; with the run's
    `run_results`, only those it built (a run of selected assets builds only some)."""
    built = (
        None
        if run_results is None
        else {
            result["unique_id"]
            for result in run_results["results"]
            if result["status"] == "success"
        }
    )
    return sorted(
        (node["schema"], node.get("alias") or node["name"])
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] in ("model", "seed")
        and node["config"].get("enabled", True)
        and (built is None or unique_id in built)
    )


def spark_table_files(spark_warehouse: Path, schema: str, name: str) -> list[Path]:
    """The Parquet files of a table Spark wrote in this build (an empty table has one file,
    with no rows); a table without `_SUCCESS` was not (prepare_spark_build)."""
    folder = spark_warehouse / f"{schema}.db" / name
    files = sorted(folder.glob("*.parquet"))
    if not (folder / "_SUCCESS").is_file() or not files:
        raise FileNotFoundError(
            f"{folder}: Spark did not write {schema}.{name} in this build; if the cluster "
            "writes elsewhere, see the README's Spark section; else build again"
        )
    return files


def load_spark_tables(
    con: duckdb.DuckDBPyConnection, spark_warehouse: Path, relations: Iterable[tuple[str, str]]
) -> int:
    """Replace each relation of the build database by the table Spark wrote, all or none."""
    relations = list(relations)
    files = {relation: spark_table_files(spark_warehouse, *relation) for relation in relations}
    con.execute("begin transaction")
    try:
        for (schema, name), paths in files.items():
            listed = ", ".join(sql_literal(str(path)) for path in paths)
            con.execute(f"create schema if not exists {schema}")
            # A DuckDB build leaves views where Spark's are tables (staging, dq).
            kind = con.execute(
                "select table_type from information_schema.tables "
                "where table_schema = ? and table_name = ?",
                [schema, name],
            ).fetchone()
            if kind is not None:
                con.execute(f"drop {'view' if kind[0] == 'VIEW' else 'table'} {schema}.{name}")
            con.execute(f"create table {schema}.{name} as select * from read_parquet([{listed}])")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return len(relations)

"""The floor: the pipeline's transformations as plain DuckDB SQL in one process.

It loads the panel's CSV files with DuckDB's own reader, typed and checked in SQL the way the
contract checks a plain row (known codes, plausible value, first of repeated keys); the few
hundred real transcriptions and every other small raw table are copied from the pipeline's
build. It then runs the compiled SQL of every dbt model of the pipeline's own run in dependency
order, and writes each mart to CSV and Parquet sorted by all its columns.

Left out, and so not in the floor: orchestration, dbt's tests, the quality suites, the release's
changes.csv, checksums, data package, workbook and page, and the snapshot copy."""

from __future__ import annotations

import json
import time
from graphlib import TopologicalSorter
from pathlib import Path

import duckdb

PANEL_GLOB = "bench_panel_*.csv"
# value_as_written of a panel row is plain: digits, then 万/亿 and a unit, or %. Like the
# contract, a plain figure stands for the interval its last digit rounds (1.2万: 1.15万-1.25万),
# computed in decimals and rounded to double once.
_NUMBER = "regexp_extract(value_as_written, '^[+-]?[0-9.]+')"
_MULTIPLIER = (
    "case when value_as_written like '%万亿%' then 1000000000000"
    " when value_as_written like '%亿%' then 100000000"
    " when value_as_written like '%万%' then 10000 else 1 end"
)
_EXACT = f"cast({_NUMBER} as decimal(38, 10)) * {_MULTIPLIER}"
_HALF_STEP = (
    f"cast('0.' || repeat('0', length(split_part({_NUMBER}, '.', 2))) || '5' as decimal(38, 12))"
    f" * {_MULTIPLIER}"
)


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def latest_manifest(dbt_project: Path) -> Path:
    """The manifest of the newest dbt build (it holds the compiled SQL of every model)."""
    builds = sorted(
        (dbt_project / "target").glob("build-*/manifest.json"), key=lambda p: p.stat().st_mtime
    )
    if not builds:
        raise FileNotFoundError(f"{dbt_project / 'target'}: no dbt build to take the SQL from")
    return builds[-1]


def _models_in_order(manifest: Path) -> list[dict]:
    nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"]
    models = {key: node for key, node in nodes.items() if node["resource_type"] == "model"}
    graph = {
        key: [dep for dep in node["depends_on"]["nodes"] if dep in models]
        for key, node in models.items()
    }
    return [models[key] for key in TopologicalSorter(graph).static_order()]


def _copy_inputs(con: duckdb.DuckDBPyConnection) -> None:
    """Every raw and reference table of the build, but the panel's rows."""
    tables = con.execute(
        "select schema_name, table_name from duckdb_tables()"
        " where database_name = 'built' and schema_name in ('raw', 'reference')"
    ).fetchall()
    for schema, table in tables:
        con.execute(f"create schema if not exists {schema}")
        keep = (
            f" where _source_file not like '%{PANEL_GLOB.replace('*', '%')}'"
            if (schema, table) == ("raw", "official_observations")
            else ""
        )
        con.execute(f"create table {schema}.{table} as select * from built.{schema}.{table}{keep}")


def _load_panel(con: duckdb.DuckDBPyConnection, observations: Path) -> None:
    """Read the panel's files and type them, stamped with the pipeline's load of each file;
    rows with an unknown code or an implausible value are left out, and so are repeated keys
    after their first line. Line numbers follow the order DuckDB reads each file in."""
    dialect = "header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"'"
    con.execute(
        f"""
        insert into raw.official_observations by name
        with typed as (
            select
                indicator_code, geo_code,
                cast(nullif(as_of, '') as date) as as_of,
                cast(nullif(period_start, '') as date) as period_start,
                cast(nullif(period_end, '') as date) as period_end,
                value_as_written,
                cast({_EXACT} as double) as value,
                cast({_EXACT} - {_HALF_STEP} as double) as lower,
                cast({_EXACT} + {_HALF_STEP} as double) as upper,
                source_id, locator, vintage, coalesce(note, '') as note,
                log.source_file as _source_file,
                row_number() over (partition by filename) + 1 as _source_line,
                log.load_id as _load_id, log.file_hash as _file_hash, log.loaded_at as _loaded_at
            from read_csv({_quoted(observations / PANEL_GLOB)}, {dialect}, filename = true)
                as panel
            join raw.load_log as log
                on log.table_name = 'official_observations'
                and log.source_file = 'ingest/data/observations/' || parse_filename(panel.filename)
        )
        select typed.*
        from typed
        join reference.plausible_ranges as ranges using (indicator_code)
        where typed.geo_code in (select geo_code from reference.geographies)
            and typed.source_id in (select source_id from raw.registry_sources)
            and typed.vintage in (select vintage from reference.vintages)
            and typed.value between ranges.min_value and ranges.max_value
        qualify row_number() over (
            partition by indicator_code, geo_code, as_of, period_start, period_end, source_id,
                vintage
            order by _source_line
        ) = 1
        """
    )


def run_floor(build_db: Path, manifest: Path, observations: Path, out_dir: Path) -> dict:
    """Seconds of each part of the floor, and in all (inputs copied from the build: untimed)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    floor_db = out_dir / "govmetrics.duckdb"  # the name the compiled SQL uses as catalog
    floor_db.unlink(missing_ok=True)
    data = out_dir / "data"
    data.mkdir(exist_ok=True)
    con = duckdb.connect(str(floor_db))
    con.execute("set enable_progress_bar = false")
    con.execute(f"attach {_quoted(build_db)} as built (read_only)")
    _copy_inputs(con)
    con.execute("detach built")
    seconds = {}
    started = time.perf_counter()
    if any(observations.glob(PANEL_GLOB)):
        _load_panel(con, observations)
    seconds["load"] = time.perf_counter() - started
    started = time.perf_counter()
    marts = []
    for model in _models_in_order(manifest):
        kind = "view" if model["config"]["materialized"] == "view" else "table"
        con.execute(f'create schema if not exists "{model["schema"]}"')
        con.execute(
            f"create or replace {kind} {model['relation_name']} as ({model['compiled_code']})"
        )
        if model["schema"] == "marts":
            marts.append(model["relation_name"])
    seconds["models"] = time.perf_counter() - started
    started = time.perf_counter()
    for relation in marts:
        name = relation.rsplit(".", 1)[1].strip('"')
        select = f"select * from {relation} order by all"
        con.execute(f"copy ({select}) to {_quoted(data / f'{name}.csv')} (header)")
        con.execute(f"copy ({select}) to {_quoted(data / f'{name}.parquet')} (format parquet)")
    seconds["export"] = time.perf_counter() - started
    con.close()
    seconds["total"] = seconds["load"] + seconds["models"] + seconds["export"]
    return seconds

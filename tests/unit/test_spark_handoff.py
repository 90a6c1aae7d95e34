"""The raw tables handed to Spark as Parquet, and Spark's tables taken back by the build database,
all or none. Spark itself runs in `make test-spark`; here its output is written by DuckDB."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.assets.dbt_models import dbt_engine
from warehouse import paths
from warehouse.spark_handoff import (
    built_relations,
    load_spark_tables,
    prepare_spark_build,
    write_raw_parquet,
)


@pytest.fixture
def con(tmp_path: Path):
    with duckdb.connect(str(tmp_path / "build.duckdb")) as connection:
        yield connection


def _spark_table(warehouse: Path, schema: str, name: str, query: str) -> None:
    """A table as Spark writes it: part files and _SUCCESS in `<schema>.db/<name>/`."""
    folder = warehouse / f"{schema}.db" / name
    folder.mkdir(parents=True)
    duckdb.sql(query).write_parquet(str(folder / "part-00000-x.snappy.parquet"))
    (folder / "_SUCCESS").touch()


def test_every_raw_table_is_written_as_parquet_and_old_folders_go(con, tmp_path: Path) -> None:
    con.execute("create schema raw")
    con.execute("create table raw.load_log as select 1 as load_id, 'a''b' as source_file")
    con.execute("create table raw.quarantine (reason varchar)")  # empty: Spark still needs it
    con.execute("create view raw.not_a_table as select 1 as x")
    folder = tmp_path / "spark" / "raw"
    (folder / "removed_table").mkdir(parents=True)
    assert write_raw_parquet(con, folder) == {"load_log": 1, "quarantine": 0}
    assert sorted(p.name for p in folder.iterdir()) == ["load_log", "quarantine"]
    rows = duckdb.sql(f"select * from '{folder}/load_log/data.parquet'").fetchall()
    assert rows == [(1, "a'b")]
    empty = duckdb.sql(f"select * from '{folder}/quarantine/data.parquet'")
    assert empty.columns == ["reason"] and empty.fetchall() == []


def test_spark_tables_replace_the_views_and_tables_of_a_duckdb_build(con, tmp_path) -> None:
    con.execute("create schema dq")
    con.execute("create schema marts")
    con.execute("create view dq.dq_claims as select 'old' as claim_id")
    con.execute("create table marts.sources as select 'old' as source_id")
    warehouse = tmp_path / "warehouse"
    _spark_table(warehouse, "dq", "dq_claims", "select 'c1' as claim_id")
    _spark_table(warehouse, "marts", "sources", "select 's1' as source_id, 2.5 as x")
    _spark_table(warehouse, "reference", "grades", "select 'A' as grade")
    relations = [("dq", "dq_claims"), ("marts", "sources"), ("reference", "grades")]
    assert load_spark_tables(con, warehouse, relations) == 3
    assert con.execute("select * from dq.dq_claims").fetchall() == [("c1",)]
    assert con.execute("select source_id from marts.sources").fetchall() == [("s1",)]
    assert con.execute("select * from reference.grades").fetchall() == [("A",)]
    kinds = con.execute(
        "select table_type from information_schema.tables where table_name = 'dq_claims'"
    ).fetchall()
    assert kinds == [("BASE TABLE",)]


def test_a_table_spark_did_not_write_changes_nothing(con, tmp_path: Path) -> None:
    con.execute("create schema marts")
    con.execute("create table marts.sources as select 'old' as source_id")
    warehouse = tmp_path / "warehouse"
    _spark_table(warehouse, "marts", "sources", "select 'new' as source_id")
    (warehouse / "marts.db" / "claims").mkdir()  # a folder with no Parquet file
    with pytest.raises(FileNotFoundError, match=r"marts\.claims"):
        load_spark_tables(con, warehouse, [("marts", "sources"), ("marts", "claims")])
    assert con.execute("select * from marts.sources").fetchall() == [("old",)]


def test_a_table_an_earlier_build_wrote_is_not_taken(con, tmp_path: Path) -> None:
    spark_dir = tmp_path / "spark"
    warehouse = spark_dir / "warehouse"
    prepare_spark_build(spark_dir)  # an earlier build...
    _spark_table(warehouse, "marts", "sources", "select 'stale' as source_id")
    prepare_spark_build(spark_dir)  # this build starts...
    _spark_table(warehouse, "marts", "claims", "select 'new' as claim_id")  # ...writes one table
    assert load_spark_tables(con, warehouse, [("marts", "claims")]) == 1
    with pytest.raises(FileNotFoundError, match=r"did not write marts\.sources in this build"):
        load_spark_tables(con, warehouse, [("marts", "sources")])


def test_a_moved_spark_folder_starts_afresh(tmp_path: Path) -> None:
    spark_dir = tmp_path / "spark"
    (spark_dir / "metastore_db").mkdir(parents=True)
    _spark_table(spark_dir / "warehouse", "marts", "sources", "select 1 as x")
    prepare_spark_build(spark_dir)
    assert not (spark_dir / "metastore_db").exists()  # a catalog of unknown origin goes
    (spark_dir / "metastore_db").mkdir()
    prepare_spark_build(spark_dir)
    assert (spark_dir / "metastore_db").exists()  # the same folder keeps its catalog
    moved = tmp_path / "moved"
    spark_dir.rename(moved)
    prepare_spark_build(moved)
    assert not (moved / "metastore_db").exists()


def test_a_failed_load_rolls_back_the_tables_already_replaced(con, tmp_path: Path) -> None:
    con.execute("create schema marts")
    con.execute("create table marts.sources as select 'old' as source_id")
    warehouse = tmp_path / "warehouse"
    _spark_table(warehouse, "marts", "sources", "select 'new' as source_id")
    broken = warehouse / "marts.db" / "claims"
    broken.mkdir(parents=True)
    (broken / "part-00000.parquet").write_text("not parquet", encoding="utf-8")
    (broken / "_SUCCESS").touch()
    with pytest.raises(duckdb.Error):
        load_spark_tables(con, warehouse, [("marts", "sources"), ("marts", "claims")])
    assert con.execute("select * from marts.sources").fetchall() == [("old",)]


def test_built_relations_are_the_models_and_seeds_of_the_manifest() -> None:
    manifest = {
        "nodes": {
            "model.a": {"resource_type": "model", "schema": "marts", "name": "m", "config": {}},
            "seed.b": {
                "resource_type": "seed",
                "schema": "reference",
                "name": "s",
                "alias": "s_alias",
                "config": {},
            },
            "test.c": {"resource_type": "test", "schema": "marts", "name": "t", "config": {}},
            "model.d": {
                "resource_type": "model",
                "schema": "marts",
                "name": "off",
                "config": {"enabled": False},
            },
        }
    }
    assert built_relations(manifest) == [("marts", "m"), ("reference", "s_alias")]
    run_results = {
        "results": [
            {"unique_id": "model.a", "status": "error"},
            {"unique_id": "seed.b", "status": "success"},
        ]
    }
    assert built_relations(manifest, run_results) == [("reference", "s_alias")]


def test_the_engine_is_duckdb_or_spark(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOVMETRICS_ENGINE", raising=False)
    assert paths.engine() == "duckdb"
    monkeypatch.setenv("GOVMETRICS_ENGINE", " Spark ")
    assert paths.engine() == "spark"
    monkeypatch.setenv("GOVMETRICS_ENGINE", "postgres")
    with pytest.raises(ValueError, match=r"GOVMETRICS_ENGINE='postgres'.*duckdb, spark"):
        paths.engine()


def test_the_dbt_target_names_the_engine() -> None:
    from dagster_dbt import DbtCliResource

    from orchestration.dbt_project import DBT_EXECUTABLE

    def engine_of(target: str | None) -> str:
        resource = DbtCliResource(
            project_dir=str(paths.DBT_PROJECT_DIR),
            dbt_executable=str(DBT_EXECUTABLE),
            target=target,
        )
        return dbt_engine(resource)

    assert [engine_of(t) for t in (None, "duckdb", "spark", "spark_thrift")] == [
        "duckdb",
        "duckdb",
        "spark",
        "spark",
    ]
    with pytest.raises(ValueError, match="'postgres'"):
        engine_of("postgres")

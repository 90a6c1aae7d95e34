"""The DuckDB-vs-Spark mart comparison, on a small DuckDB file and Parquet folders laid out as
Spark writes them (`<warehouse>/marts.db/<table>/part-*.parquet` and `_SUCCESS`), made here with
DuckDB's COPY: no Spark needed."""

from collections.abc import Callable
from pathlib import Path

import duckdb
import polars as pl
import pytest

from warehouse.engine_comparison import compare_frames, compare_marts, main

ROWS = (
    "select * from (values (2020, '000000', 18.7::double, 'a'), (2021, '110000', 19.1, 'b'), "
    "(2022, '310000', 19.8, 'c')) as t(year, geo_code, share, note)"
)

Engines = Callable[[dict[str, tuple[str | None, str | None]]], tuple[Path, Path]]


@pytest.fixture
def engines(tmp_path: Path) -> Engines:
    """Build marts from SQL: name -> (DuckDB query, query whose rows Spark "wrote"); None for a
    side that lacks the mart."""

    def make(marts: dict[str, tuple[str | None, str | None]]) -> tuple[Path, Path]:
        duckdb_file = tmp_path / "build.duckdb"
        spark_warehouse = tmp_path / "spark-warehouse"
        (spark_warehouse / "marts.db").mkdir(parents=True)
        with duckdb.connect(str(duckdb_file)) as con:
            con.execute("create schema marts")
            for name, (duckdb_sql, spark_sql) in marts.items():
                if duckdb_sql is not None:
                    con.execute(f"create table marts.{name} as {duckdb_sql}")
                if spark_sql is not None:
                    folder = spark_warehouse / "marts.db" / name
                    folder.mkdir()
                    con.execute(f"copy ({spark_sql}) to '{folder / 'part-00000.parquet'}'")
                    (folder / "_SUCCESS").touch()
        return duckdb_file, spark_warehouse

    return make


def problems_of(engines: Engines, duckdb_sql: str, spark_sql: str) -> list[str]:
    return compare_marts(*engines({"m": (duckdb_sql, spark_sql)}))["m"]


def test_same_rows_in_another_order_match(engines: Engines) -> None:
    duckdb_sql = f"select * from ({ROWS}) order by year % 2, year"
    assert problems_of(engines, duckdb_sql, f"select * from ({ROWS}) order by year desc") == []


def test_a_float_within_the_relative_tolerance_matches(engines: Engines) -> None:
    spark = f"select year, geo_code, share * (1 + 1e-12) as share, note from ({ROWS})"
    assert problems_of(engines, ROWS, spark) == []


def test_a_float_beyond_the_tolerance_is_named_with_its_row(engines: Engines) -> None:
    spark = (
        "select year, geo_code, case when year = 2021 then share * (1 + 1e-6) else share end "
        f"as share, note from ({ROWS})"
    )
    problems = problems_of(engines, ROWS, spark)
    assert problems[0].startswith("m: column share differs in 1 of 3 rows")
    assert problems[1].startswith("m: column share at row 2 (year=2021): ")
    assert "DuckDB 19.1, Spark 19.1000191" in problems[1]
    assert len(problems) == 2


def test_a_changed_string_is_named(engines: Engines) -> None:
    spark = f"select year, geo_code, share, replace(note, 'c', 'C') as note from ({ROWS})"
    assert problems_of(engines, ROWS, spark) == [
        "m: column note differs in 1 of 3 rows (rows sorted by all columns; first 1 below); "
        "compare the model's SQL on both engines",
        "m: column note at row 3 (year=2022): DuckDB 'c', Spark 'C'",
    ]


def test_a_missing_row_is_counted_and_named(engines: Engines) -> None:
    spark = f"select * from ({ROWS}) where year <> 2021"
    assert problems_of(engines, ROWS, spark) == [
        "m: 3 rows in DuckDB but 2 in Spark; compare the model's SQL on both engines",
        "m: row (year=2021) is in DuckDB but not in Spark",
    ]


def test_rows_are_named_by_the_leading_columns_that_tell_them_apart(engines: Engines) -> None:
    duckdb_sql = f"select 2020 as year, geo_code, share, note from ({ROWS})"
    spark_sql = f"select 2020 as year, geo_code, share, upper(note) as note from ({ROWS})"
    problems = problems_of(engines, duckdb_sql, spark_sql)
    assert (
        problems[1]
        == "m: column note at row 1 (year=2020, geo_code='000000'): DuckDB 'a', Spark 'A'"
    )


def test_a_differing_key_column_is_shown_without_a_key() -> None:
    problems = compare_frames("m", pl.DataFrame({"k": [1]}), pl.DataFrame({"k": [2]}))
    assert problems[1] == "m: column k at row 1: DuckDB 1, Spark 2"


def test_an_extra_column_is_named(engines: Engines) -> None:
    problems = problems_of(engines, ROWS, f"select *, 1 as extra from ({ROWS})")
    assert problems == [
        "m: columns only in Spark: extra; make the model select the same columns on both engines"
    ]


def test_a_missing_column_is_named(engines: Engines) -> None:
    problems = problems_of(engines, ROWS, f"select year, geo_code, share from ({ROWS})")
    assert problems == [
        "m: columns missing in Spark: note; make the model select them on both engines"
    ]


def test_another_column_order_is_shown(engines: Engines) -> None:
    spark = f"select geo_code, year, share, note from ({ROWS})"
    assert problems_of(engines, ROWS, spark) == [
        "m: columns in a different order: DuckDB (year, geo_code, share, note), "
        "Spark (geo_code, year, share, note); select them in the same order"
    ]


def test_integer_widths_do_not_matter(engines: Engines) -> None:
    duckdb_sql = f"select year::bigint as year, geo_code, share, note from ({ROWS})"
    spark_sql = f"select year::integer as year, geo_code, share, note from ({ROWS})"
    assert problems_of(engines, duckdb_sql, spark_sql) == []


def test_decimals_are_compared_as_numbers(engines: Engines) -> None:
    duckdb_sql = f"select year, geo_code, share::decimal(9, 1) as share, note from ({ROWS})"
    spark_sql = f"select year, geo_code, share::decimal(38, 10) as share, note from ({ROWS})"
    assert problems_of(engines, duckdb_sql, spark_sql) == []


def test_a_string_where_an_integer_was_is_a_type_problem(engines: Engines) -> None:
    spark = f"select year::varchar as year, geo_code, share, note from ({ROWS})"
    assert problems_of(engines, ROWS, spark) == [
        "m: column year has type Int32 in DuckDB but String in Spark; "
        "cast it to the same type on both engines"
    ]


def test_a_null_where_a_value_was_differs(engines: Engines) -> None:
    spark = (
        "select year, geo_code, share, case when year = 2020 then null else note end as note "
        f"from ({ROWS})"
    )
    problems = problems_of(engines, ROWS, spark)
    assert problems[0].startswith("m: column note differs in 1 of 3 rows")
    assert problems[1].endswith("DuckDB 'a', Spark null")


def test_a_null_float_where_a_value_was_differs(engines: Engines) -> None:
    spark = f"select year, geo_code, nullif(share, 19.8) as share, note from ({ROWS})"
    problems = problems_of(engines, ROWS, spark)
    assert problems[-1].endswith("DuckDB 19.8, Spark null")


def test_nan_equals_nan_and_null_equals_null(engines: Engines) -> None:
    duckdb_sql = (
        "select * from (values (1, 'nan'::double, null::double, null::varchar)) t(k, a, b, c)"
    )
    assert problems_of(engines, duckdb_sql, duckdb_sql) == []


def test_nan_and_infinities_are_not_numbers_close_to_others(engines: Engines) -> None:
    duckdb_sql = "select * from (values (1, 'nan'::double), (2, 'inf'::double)) t(k, x)"
    spark_sql = "select * from (values (1, 1.0::double), (2, '-inf'::double)) t(k, x)"
    problems = problems_of(engines, duckdb_sql, spark_sql)
    assert problems[0].startswith("m: column x differs in 2 of 2 rows")


def test_at_most_five_rows_are_shown_per_column() -> None:
    expected = pl.DataFrame({"k": range(100), "v": [1.0] * 100})
    problems = compare_frames("m", expected, expected.with_columns(pl.col("v") + 1))
    assert problems[0].startswith("m: column v differs in 100 of 100 rows")
    assert [p.split(":")[1] for p in problems[1:]] == [" column v at row 1 (k=0)"] + [
        f" column v at row {i} (k={i - 1})" for i in range(2, 6)
    ]


def test_a_timestamp_with_a_time_zone_is_compared_as_a_utc_instant() -> None:
    naive = pl.select(k=pl.lit(1), at=pl.datetime(2024, 1, 1, 8, time_unit="us"))
    aware = pl.select(
        k=pl.lit(1), at=pl.datetime(2024, 1, 1, 16, time_unit="ns", time_zone="Asia/Shanghai")
    )
    assert compare_frames("m", naive, aware) == []
    assert compare_frames("m", naive, aware.with_columns(pl.col("at").dt.offset_by("1h"))) != []


def test_a_mart_spark_did_not_build_is_reported(engines: Engines) -> None:
    duckdb_file, spark_warehouse = engines({"m": (ROWS, ROWS), "n": (ROWS, None)})
    assert compare_marts(duckdb_file, spark_warehouse) == {
        "m": [],
        "n": [
            f"n: not built by Spark: no folder {spark_warehouse / 'marts.db' / 'n'}; "
            "build the marts on Spark first (make test-spark)"
        ],
    }


def test_a_spark_folder_without_a_duckdb_table_is_reported(engines: Engines) -> None:
    duckdb_file, spark_warehouse = engines({"m": (None, ROWS)})
    [problem] = compare_marts(duckdb_file, spark_warehouse)["m"]
    assert problem.startswith(f"m: Spark built {spark_warehouse / 'marts.db' / 'm'} but ")
    assert "has no table marts.m" in problem


def test_an_unfinished_spark_write_is_reported(engines: Engines) -> None:
    duckdb_file, spark_warehouse = engines({"m": (ROWS, ROWS)})
    (spark_warehouse / "marts.db" / "m" / "_SUCCESS").unlink()
    [problem] = compare_marts(duckdb_file, spark_warehouse)["m"]
    assert problem.startswith("m: Spark's write did not finish: no _SUCCESS file in ")


def test_a_spark_folder_without_parquet_files_is_reported(engines: Engines) -> None:
    duckdb_file, spark_warehouse = engines({"m": (ROWS, ROWS)})
    folder = spark_warehouse / "marts.db" / "m"
    (folder / "part-00000.parquet").rename(folder / "part-00000.parquet.tmp")
    assert compare_marts(duckdb_file, spark_warehouse)["m"] == [
        f"m: no Parquet files in {folder}; build the marts on Spark again"
    ]


def test_an_unreadable_parquet_file_is_reported(engines: Engines) -> None:
    duckdb_file, spark_warehouse = engines({"m": (ROWS, ROWS)})
    folder = spark_warehouse / "marts.db" / "m"
    (folder / "part-00000.parquet").write_bytes(b"not parquet")
    [problem] = compare_marts(duckdb_file, spark_warehouse)["m"]
    assert problem.startswith(f"m: cannot read the Parquet files in {folder} (")
    assert problem.endswith("); build the marts on Spark again")


def test_empty_marts_with_the_same_columns_match(engines: Engines) -> None:
    empty = f"select * from ({ROWS}) where false"
    assert problems_of(engines, empty, empty) == []


def test_every_part_file_is_read(engines: Engines) -> None:
    duckdb_file, spark_warehouse = engines(
        {"m": (ROWS, f"select * from ({ROWS}) where year < 2022")}
    )
    folder = spark_warehouse / "marts.db" / "m"
    with duckdb.connect() as con:
        con.execute(f"copy ({ROWS} where year = 2022) to '{folder / 'part-00001.parquet'}'")
    assert compare_marts(duckdb_file, spark_warehouse) == {"m": []}


def test_the_command_exits_1_when_a_mart_differs(
    engines: Engines, capsys: pytest.CaptureFixture[str]
) -> None:
    differing = f"select year, geo_code, share, upper(note) as note from ({ROWS})"
    duckdb_file, spark_warehouse = engines({"a": (ROWS, ROWS), "b": (ROWS, differing)})
    assert main([str(duckdb_file), str(spark_warehouse)]) == 1
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert lines[0] == "ok a 3 rows"
    assert lines[1].startswith("b: column note differs in 3 of 3 rows")
    assert out.err == "1 of 2 marts differ between DuckDB and Spark\n"


def test_the_command_exits_0_when_every_mart_matches(
    engines: Engines, capsys: pytest.CaptureFixture[str]
) -> None:
    duckdb_file, spark_warehouse = engines({"a": (ROWS, ROWS), "b": (ROWS, ROWS)})
    assert main([str(duckdb_file), str(spark_warehouse), "--schema", "marts"]) == 0
    assert capsys.readouterr().out == "ok a 3 rows\nok b 3 rows\n"


def test_the_command_exits_2_without_a_duckdb_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(tmp_path / "none.duckdb"), str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("no DuckDB file ")


def test_the_command_exits_2_when_the_duckdb_file_is_not_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (not_a_database := tmp_path / "build.duckdb").write_text("not a database")
    assert main([str(not_a_database), str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"cannot read {not_a_database}: ")
    assert err.count("\n") == 1


def test_long_texts_are_shown_where_they_first_differ() -> None:
    head = "an explanation long enough to be cut " * 4
    expected = pl.DataFrame({"claim_id": ["c1"], "explanation": [head + "from 0.0% to 3.2%"]})
    actual = pl.DataFrame({"claim_id": ["c1"], "explanation": [head + "from 0E-1% to 3.2%"]})
    problems = compare_frames("claims", expected, actual)
    shown = [p for p in problems if "at row 1" in p]
    assert len(shown) == 1 and "0.0%" in shown[0] and "0E-1%" in shown[0]

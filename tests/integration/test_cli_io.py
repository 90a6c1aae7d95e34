"""`govmetrics sql` reading queries from files and standard input and writing CSV, Parquet and
XLSX files; `govmetrics tables` and `describe`. The real console script against a real build."""

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pytest

GOVMETRICS = str(Path(sys.executable).parent / "govmetrics")
AGING = "select year, pop_60_plus, pop_60_plus_share from marts.aging_timeseries order by year"
# Integers, doubles, a date, text a spreadsheet would run as a formula, and Chinese text.
TYPED = (
    "select year, pop_60_plus, pop_60_plus_share, census_date, '=1+1' as formula, '全国' as geo"
    " from marts.aging_timeseries order by year"
)


def govmetrics(home, *args, stdin: str | bytes | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "GOVMETRICS_HOME": str(home)}
    data = stdin.encode() if isinstance(stdin, str) else stdin
    done = subprocess.run([GOVMETRICS, *args], capture_output=True, input=data, env=env)
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode(), done.stderr.decode()
    )


def one_line(done: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def warehouse_rows(home: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(home / "published" / "govmetrics.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


# --- where the query comes from -----------------------------------------------------------------


def test_sql_reads_the_query_from_a_file(built_home, tmp_path):
    query = tmp_path / "ageing.sql"
    # As an editor on Windows may save it: a BOM, CRLF line ends, a closing `;` and a comment.
    query.write_bytes(("\ufeff" + AGING.replace(" from", "\r\n from") + ";\r\n-- end\r\n").encode())
    from_file = govmetrics(built_home, "sql", "-f", str(query), "--format", "csv")
    assert from_file.returncode == 0, from_file.stderr
    from_argument = govmetrics(built_home, "sql", AGING, "--format", "csv")
    assert from_file.stdout == from_argument.stdout
    assert from_file.stdout.splitlines()[1] == "2011,184990000,13.7"


@pytest.mark.parametrize("args", [["-f", "-"], ["-"]], ids=["-f -", "-"])
def test_sql_reads_the_query_from_standard_input(built_home, args):
    done = govmetrics(built_home, "sql", *args, "--format", "json", stdin=AGING + "\n")
    assert done.returncode == 0, done.stderr
    records = json.loads(done.stdout)
    assert [r["year"] for r in records] == list(range(2011, 2025))


@pytest.mark.parametrize(
    "args, content, expected",
    [
        ([], None, "no query: give it as an argument, with -f FILE, or as - "),
        (
            ["select 1", "-f", "{file}"],
            None,
            "give the query either as an argument or with -f FILE, not both",
        ),
        (["-f", "{missing}"], None, "cannot read {missing}: No such file or directory"),
        (["-f", "{file}"], "select 1; select 2", "{file} holds 2 SQL statements; put exactly one"),
        (["-f", "{file}"], "-- nothing yet\n", "{file} holds no SQL statement"),
        (["-f", "{file}"], b"select '\xff'", "{file}: not UTF-8 text (byte 0xff at byte 9)"),
        (["-f", "{file}"], "delete from marts.aging_timeseries", "{file}: refused: only read"),
        (["-"], "select 1; select 2", "standard input holds 2 SQL statements"),
    ],
)
def test_a_bad_query_source_is_one_line_naming_it(built_home, tmp_path, args, content, expected):
    """`content` is the query file's, or standard input's when the file is not named."""
    file, missing = tmp_path / "query.sql", tmp_path / "missing.sql"
    file.write_bytes(content.encode() if isinstance(content, str) else content or b"select 1")
    names = {"file": file, "missing": missing}
    stdin = content if "{file}" not in args else None
    done = govmetrics(built_home, "sql", *[a.format(**names) for a in args], stdin=stdin)
    assert done.returncode == 2
    assert done.stdout == ""
    assert one_line(done).startswith("govmetrics sql: " + expected.format(**names))


def test_an_error_in_a_query_file_names_the_file(built_home, tmp_path):
    query = tmp_path / "broken.sql"
    query.write_text("select * from marts.no_such_mart", encoding="utf-8")
    done = govmetrics(built_home, "sql", "-f", str(query))
    assert done.returncode == 1
    assert one_line(done).startswith(f"govmetrics sql: {query}: CatalogException")


# --- --output -----------------------------------------------------------------------------------


def test_output_csv_has_a_bom_and_formula_cells_quoted(built_home, tmp_path):
    target = tmp_path / "ageing.csv"
    done = govmetrics(built_home, "sql", TYPED, "--output", str(target))
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert one_line(done) == f"wrote 14 rows to {target}"
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfyear,")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["year", "pop_60_plus", "pop_60_plus_share", "census_date", "formula", "geo"]
    assert rows[1] == ["2011", "184990000", "13.7", "", "'=1+1", "全国"]
    assert len(rows) == 15


def test_output_parquet_keeps_duckdbs_types(built_home, tmp_path):
    target = tmp_path / "ageing.parquet"
    done = govmetrics(built_home, "sql", TYPED, "-o", str(target))
    assert done.returncode == 0, done.stderr
    assert one_line(done) == f"wrote 14 rows to {target}"
    with duckdb.connect() as con:
        types = con.execute(f"describe select * from '{target}'").fetchall()
        assert [(name, kind) for name, kind, *_ in types] == [
            ("year", "INTEGER"),
            ("pop_60_plus", "BIGINT"),
            ("pop_60_plus_share", "DOUBLE"),
            ("census_date", "DATE"),
            ("formula", "VARCHAR"),
            ("geo", "VARCHAR"),
        ]
        read_back = con.execute(f"select * from '{target}'").fetchall()
    assert read_back == warehouse_rows(built_home, TYPED)  # the text as it is, not quoted
    assert dt.date(2020, 11, 1) in {row[3] for row in read_back}


def test_output_xlsx_has_typed_cells_and_formula_text_stays_text(built_home, tmp_path):
    target = tmp_path / "ageing.xlsx"
    done = govmetrics(built_home, "sql", TYPED, "-o", str(target))
    assert done.returncode == 0, done.stderr
    assert one_line(done) == f"wrote 14 rows to {target}"
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["result"]
    sheet = book["result"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("year", "pop_60_plus", "pop_60_plus_share", "census_date", "formula", "geo")
    expected = [
        tuple(dt.datetime.combine(v, dt.time()) if isinstance(v, dt.date) else v for v in row)
        for row in warehouse_rows(built_home, TYPED)
    ]
    assert rows[1:] == expected
    assert rows[1][:3] == (2011, 184_990_000, 13.7)
    assert all(cell.data_type == "s" for cell in sheet["E"][1:])  # "=1+1" is text, not a formula
    assert any(cell.is_date for cell in sheet["D"][1:])


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_a_failed_query_leaves_no_output_file(built_home, tmp_path, suffix):
    target = tmp_path / f"out{suffix}"
    done = govmetrics(built_home, "sql", "select * from marts.no_such_mart", "-o", str(target))
    assert done.returncode == 1
    assert "no_such_mart" in one_line(done)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_query_keeps_the_previous_file(built_home, tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("the previous result\n", encoding="utf-8")
    done = govmetrics(built_home, "sql", "select error('stop')", "-o", str(target))
    assert done.returncode == 1
    assert target.read_text(encoding="utf-8") == "the previous result\n"
    assert list(tmp_path.iterdir()) == [target]


def test_an_unknown_suffix_is_refused_before_the_query_runs(built_home, tmp_path):
    done = govmetrics(built_home, "sql", AGING, "-o", str(tmp_path / "out.txt"))
    assert done.returncode == 2
    assert one_line(done).endswith(
        "unknown file type '.txt'; end the name in .csv, .parquet, .xlsx"
    )
    assert list(tmp_path.iterdir()) == []


# --- tables and describe ------------------------------------------------------------------------


def test_tables_lists_every_table_and_view_with_row_counts(built_home):
    done = govmetrics(built_home, "tables", "--format", "json")
    assert done.returncode == 0, done.stderr
    tables = {(t["schema"], t["table"]): t for t in json.loads(done.stdout)}
    expected = warehouse_rows(
        built_home,
        "select table_schema, table_name, table_type from information_schema.tables"
        " where table_catalog = current_database()",
    )
    assert set(tables) == {(schema, name) for schema, name, _ in expected}
    aging = tables["marts", "aging_timeseries"]
    assert aging["kind"] == "table" and aging["rows"] == 14
    assert aging["description"]
    views = [tables[s, n] for s, n, kind in expected if kind == "VIEW"]
    assert views and all(v["kind"] == "view" and v["rows"] is None for v in views)


def test_tables_prints_an_aligned_table(built_home):
    done = govmetrics(built_home, "tables")
    assert done.returncode == 0, done.stderr
    line = next(line for line in done.stdout.splitlines() if " aging_timeseries " in line)
    assert [cell.strip() for cell in line.split(" | ")][:4] == [
        "marts",
        "aging_timeseries",
        "table",
        "14",
    ]


@pytest.mark.parametrize("name", ["marts.aging_timeseries", "aging_timeseries"])
def test_describe_lists_every_column_with_its_type(built_home, name):
    done = govmetrics(built_home, "describe", name, "--format", "json")
    assert done.returncode == 0, done.stderr
    columns = json.loads(done.stdout)
    expected = warehouse_rows(built_home, "describe marts.aging_timeseries")
    assert [(c["column"], c["type"]) for c in columns] == [(n, t) for n, t, *_ in expected]
    year = columns[0]
    assert year["column"] == "year" and year["type"] == "INTEGER"
    assert set(year) == {"column", "type", "title_zh", "title_en", "description"}
    assert year["description"]


def test_describe_an_unknown_table_suggests_the_closest_names(built_home):
    done = govmetrics(built_home, "describe", "marts.aging_timeserie")
    assert done.returncode == 2
    assert done.stdout == ""
    message = one_line(done)
    assert message.startswith("govmetrics describe: no table or view 'marts.aging_timeserie'")
    assert "did you mean marts.aging_timeseries" in message

"""Compare the marts two engines built: DuckDB (the build database) and Spark (Parquet folders).

`make test-spark` compares every table dbt builds this way (bench/engines.py), and
`python -m warehouse.engine_comparison DUCKDB_FILE SPARK_WAREHOUSE` the marts of two builds: every
mart must have the same columns in the same order, compatible types, the same rows and the same
values, floating point within a relative tolerance. Row order is not meaningful, so both sides
are sorted by all their columns (the key columns come first in every mart) and then compared
row by row, column by column, with Polars expressions: marts reach several million rows.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl

EXPECTED_LABEL = "DuckDB"
ACTUAL_LABEL = "Spark"
# Differing rows reported per column, and at most this many leading (key) columns shown to
# find each row.
ROWS_SHOWN = 5
KEY_COLUMNS_SHOWN = 3
VALUE_CHARS_SHOWN = 80
ROW_COLUMN = "\x00row"


@dataclass
class MartResult:
    """One mart's comparison: its row count on the expected side and what differs."""

    name: str
    rows: int | None
    problems: list[str] = field(default_factory=list)


def type_class(dtype: pl.DataType) -> str:
    """The family a column type belongs to; two engines agree when the families are equal.

    Integer widths and float widths do not matter, nor decimal precision and scale, nor a
    timestamp's unit or time zone (compared as UTC instants); nested types must be equal.
    """
    if dtype.is_integer():
        return "integer"
    if dtype.is_float():
        return "float"
    if dtype.is_decimal():
        return "decimal"
    if dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum):
        return "string"
    if dtype == pl.Date:
        return "date"
    if isinstance(dtype, pl.Datetime):
        return "datetime"
    if dtype == pl.Boolean:
        return "boolean"
    return repr(dtype)


def _normalised(column: str, dtype: pl.DataType, other: pl.DataType) -> pl.Expr:
    """`column` cast so that it compares and sorts like the other engine's column of its family."""
    expr = pl.col(column)
    family = type_class(dtype)
    if family in ("float", "decimal"):
        return expr.cast(pl.Float64)
    if dtype == other:
        return expr
    if family == "integer":
        return expr.cast(pl.Int128)
    if family == "string":
        return expr.cast(pl.String)
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is not None:
            expr = expr.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        return expr.dt.cast_time_unit("us")
    return expr


def _floats_differ(expected: pl.Expr, actual: pl.Expr, rel_tol: float) -> pl.Expr:
    """True where two float values differ: both null, both NaN, equal or close count as equal.

    Polars' `==` holds for NaN against NaN, and infinities are equal only to themselves.
    """
    close = (
        expected.is_finite()
        & actual.is_finite()
        & ((expected - actual).abs() <= rel_tol * pl.max_horizontal(expected.abs(), actual.abs()))
    )
    equal = (
        pl.when(expected.is_null() | actual.is_null())
        .then(expected.is_null() & actual.is_null())
        .otherwise((expected == actual) | close)
    )
    return ~equal


def _shown(value: object) -> str:
    """A value as a message shows it: strings quoted, dates in ISO form, long text cut."""
    if value is None:
        return "null"
    if isinstance(value, date | datetime):
        return value.isoformat()
    text = repr(value)
    if len(text) > VALUE_CHARS_SHOWN:
        return text[: VALUE_CHARS_SHOWN - 1] + "…"
    return text


def _shown_pair(expected: object, actual: object) -> tuple[str, str]:
    """Two values as a message shows them; two long texts from a little before where they
    first differ, so that the difference is in sight."""
    if isinstance(expected, str) and isinstance(actual, str):
        start = next(
            (i for i, (a, b) in enumerate(zip(expected, actual, strict=False)) if a != b),
            min(len(expected), len(actual)),
        )
        if start > VALUE_CHARS_SHOWN // 2:
            cut = start - 20
            return _shown("…" + expected[cut:]), _shown("…" + actual[cut:])
    return _shown(expected), _shown(actual)


def _key_columns(frame: pl.DataFrame, columns: list[str]) -> list[str]:
    """The shortest run of leading columns that tells the rows apart (at most
    KEY_COLUMNS_SHOWN): a mart's key columns come first."""
    for width in range(1, min(KEY_COLUMNS_SHOWN, len(columns))):
        if frame.select(columns[:width]).n_unique() == frame.height:
            return columns[:width]
    return columns[:KEY_COLUMNS_SHOWN]


def _row_key(row: dict[str, object], key_columns: Sequence[str]) -> str:
    return ", ".join(f"{column}={_shown(row[column])}" for column in key_columns)


def _column_problems(
    name: str, expected: pl.DataFrame, actual: pl.DataFrame, expected_label: str, actual_label: str
) -> tuple[list[str], list[str]]:
    """Problems with the columns' names, order and types, and the columns fit to compare."""
    problems: list[str] = []
    missing = [c for c in expected.columns if c not in actual.columns]
    extra = [c for c in actual.columns if c not in expected.columns]
    if missing:
        problems.append(
            f"{name}: columns missing in {actual_label}: {', '.join(missing)}; "
            f"make the model select them on both engines"
        )
    if extra:
        problems.append(
            f"{name}: columns only in {actual_label}: {', '.join(extra)}; "
            f"make the model select the same columns on both engines"
        )
    common = [c for c in expected.columns if c in actual.columns]
    actual_order = [c for c in actual.columns if c in expected.columns]
    if common != actual_order:
        problems.append(
            f"{name}: columns in a different order: {expected_label} ({', '.join(common)}), "
            f"{actual_label} ({', '.join(actual_order)}); select them in the same order"
        )
    comparable: list[str] = []
    for column in common:
        expected_type, actual_type = expected.schema[column], actual.schema[column]
        if type_class(expected_type) == type_class(actual_type):
            comparable.append(column)
        else:
            problems.append(
                f"{name}: column {column} has type {expected_type} in {expected_label} but "
                f"{actual_type} in {actual_label}; cast it to the same type on both engines"
            )
    return problems, comparable


def _rows_only_in_one(
    name: str,
    expected: pl.DataFrame,
    actual: pl.DataFrame,
    key_columns: Sequence[str],
    exact_columns: list[str],
    expected_label: str,
    actual_label: str,
) -> list[str]:
    """Rows of one side with no row of equal non-float values on the other (floats left out)."""
    problems: list[str] = []
    for side, this, other, other_label in (
        (expected_label, expected, actual, actual_label),
        (actual_label, actual, expected, expected_label),
    ):
        only = this.join(other, on=exact_columns, how="anti", nulls_equal=True)
        if only.height == 0:
            continue
        for row in only.head(ROWS_SHOWN).iter_rows(named=True):
            problems.append(
                f"{name}: row ({_row_key(row, key_columns)}) is in {side} but not in {other_label}"
            )
        if only.height > ROWS_SHOWN:
            problems.append(
                f"{name}: {only.height} rows are in {side} but not in {other_label} "
                f"({ROWS_SHOWN} shown)"
            )
    return problems


def compare_frames(
    name: str,
    expected: pl.DataFrame,
    actual: pl.DataFrame,
    rel_tol: float = 1e-9,
    *,
    expected_label: str = EXPECTED_LABEL,
    actual_label: str = ACTUAL_LABEL,
) -> list[str]:
    """One-line messages for every way `actual` differs from `expected`; empty when they match.

    Rows are compared in sorted order (all columns, nulls first); float and decimal values are
    equal when both null, both NaN, or within `rel_tol` of the larger magnitude.
    """
    problems, comparable = _column_problems(name, expected, actual, expected_label, actual_label)
    if not comparable:
        return problems
    floats = {c for c in comparable if type_class(expected.schema[c]) in ("float", "decimal")}
    expected_n = expected.select(
        _normalised(c, expected.schema[c], actual.schema[c]) for c in comparable
    )
    actual_n = actual.select(
        _normalised(c, actual.schema[c], expected.schema[c]) for c in comparable
    )

    key_columns = _key_columns(expected_n, comparable)
    if expected.height != actual.height:
        problems.append(
            f"{name}: {expected.height} rows in {expected_label} but {actual.height} in "
            f"{actual_label}; compare the model's SQL on both engines"
        )
        exact = [c for c in comparable if c not in floats]
        if exact:
            problems += _rows_only_in_one(
                name, expected_n, actual_n, key_columns, exact, expected_label, actual_label
            )
        return problems

    expected_n = expected_n.sort(comparable, nulls_last=False)
    actual_n = actual_n.sort(comparable, nulls_last=False)
    actual_names = {c: f"{c}\x00{actual_label}" for c in comparable}
    paired = pl.concat(
        [expected_n, actual_n.rename(actual_names)], how="horizontal"
    ).with_row_index(ROW_COLUMN)
    differ = {
        c: _floats_differ(pl.col(c), pl.col(actual_names[c]), rel_tol)
        if c in floats
        else ~pl.col(c).eq_missing(pl.col(actual_names[c]))
        for c in comparable
    }
    counts = paired.select(mask.sum().alias(c) for c, mask in differ.items()).row(0, named=True)
    for column, count in counts.items():
        if not count:
            continue
        problems.append(
            f"{name}: column {column} differs in {count} of {expected.height} rows "
            f"(rows sorted by all columns; first {min(count, ROWS_SHOWN)} below); "
            f"compare the model's SQL on both engines"
        )
        others = [c for c in key_columns if c != column]
        shown = paired.filter(differ[column]).head(ROWS_SHOWN)
        for row in shown.iter_rows(named=True):
            where = f" ({_row_key(row, others)})" if others else ""
            shown_expected, shown_actual = _shown_pair(row[column], row[actual_names[column]])
            problems.append(
                f"{name}: column {column} at row {row[ROW_COLUMN] + 1}{where}: "
                f"{expected_label} {shown_expected}, {actual_label} {shown_actual}"
            )
    return problems


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def compare_mart_results(
    duckdb_file: Path,
    spark_warehouse: Path,
    schema: str = "marts",
    *,
    tables: Collection[str] | None = None,
    ignored_columns: Collection[str] = (),
) -> list[MartResult]:
    """Every table of `schema` in the DuckDB file (or only `tables`) against its Spark folder,
    sorted by name. `ignored_columns` are left out on both sides: what two builds differ in by
    nature, such as the id of the load that wrote a row."""
    spark_root = spark_warehouse / f"{schema}.db"
    spark_tables = (
        {p.name for p in spark_root.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))}
        if spark_root.is_dir()
        else set()
    )
    results: list[MartResult] = []
    with duckdb.connect(str(duckdb_file), read_only=True) as con, duckdb.connect() as reader:
        present = {
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = ? and table_catalog = current_database()",
                [schema],
            ).fetchall()
        }
        names = present | spark_tables if tables is None else set(tables)
        for name in sorted(names):
            if name not in present | spark_tables:
                results.append(
                    MartResult(name, None, [f"{name}: neither engine built {schema}.{name}"])
                )
                continue
            folder = spark_root / name
            if name not in present:
                results.append(
                    MartResult(
                        name,
                        None,
                        [
                            f"{name}: Spark built {folder} but {duckdb_file} has no table "
                            f"{schema}.{name}; build both engines from the same dbt project"
                        ],
                    )
                )
                continue
            expected = con.sql(f"select * from {_quoted(schema)}.{_quoted(name)}").pl()
            result = MartResult(name, expected.height)
            files = sorted(str(f) for f in folder.glob("*.parquet")) if folder.is_dir() else []
            if not folder.is_dir():
                result.problems.append(
                    f"{name}: not built by Spark: no folder {folder}; "
                    f"build the marts on Spark first (make test-spark)"
                )
            elif not (folder / "_SUCCESS").is_file():
                result.problems.append(
                    f"{name}: Spark's write did not finish: no _SUCCESS file in {folder}; "
                    f"build the marts on Spark again"
                )
            elif not files:
                result.problems.append(
                    f"{name}: no Parquet files in {folder}; build the marts on Spark again"
                )
            else:
                try:
                    actual = reader.sql(
                        "select * from read_parquet($files)", params={"files": files}
                    ).pl()
                except duckdb.Error as error:
                    result.problems.append(
                        f"{name}: cannot read the Parquet files in {folder} "
                        f"({' '.join(str(error).split())}); build the marts on Spark again"
                    )
                else:
                    kept = [c for c in expected.columns if c not in ignored_columns]
                    also = [c for c in actual.columns if c not in ignored_columns]
                    result.problems += compare_frames(
                        name, expected.select(kept), actual.select(also)
                    )
            results.append(result)
    return results


def compare_marts(
    duckdb_file: Path, spark_warehouse: Path, schema: str = "marts"
) -> dict[str, list[str]]:
    """Mart -> problems (an empty list when Spark's mart matches DuckDB's), sorted by mart."""
    return {
        result.name: result.problems
        for result in compare_mart_results(duckdb_file, spark_warehouse, schema)
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m warehouse.engine_comparison",
        description="Compare every mart the DuckDB build made with the one Spark wrote as Parquet.",
    )
    parser.add_argument("duckdb_file", type=Path, help="the DuckDB build database")
    parser.add_argument(
        "spark_warehouse", type=Path, help="Spark's warehouse folder (holds <schema>.db/<table>/)"
    )
    parser.add_argument("--schema", default="marts", help="the schema to compare (default marts)")
    args = parser.parse_args(argv)
    if not args.duckdb_file.is_file():
        print(
            f"no DuckDB file {args.duckdb_file}; build the marts on DuckDB first", file=sys.stderr
        )
        return 2
    try:
        results = compare_mart_results(args.duckdb_file, args.spark_warehouse, args.schema)
    except duckdb.Error as error:
        message = " ".join(str(error).split())
        print(f"cannot read {args.duckdb_file}: {message}", file=sys.stderr)
        return 2
    if not results:
        print(
            f"no tables in schema {args.schema} of {args.duckdb_file} and no Spark folders in "
            f"{args.spark_warehouse / (args.schema + '.db')}; build the marts first",
            file=sys.stderr,
        )
        return 1
    for result in results:
        if result.problems:
            print("\n".join(result.problems))
        else:
            print(f"ok {result.name} {result.rows} rows")
    differing = sum(1 for result in results if result.problems)
    if differing:
        print(
            f"{differing} of {len(results)} marts differ between DuckDB and Spark", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Row-level contracts for CSV inputs: every rejected row is named by file, line and field."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ingest.seeds import year_bounds

QUARANTINE_SCHEMA: dict[str, type[pl.DataType]] = {
    "source_file": pl.String,
    "line": pl.Int64,
    "field": pl.String,
    "value": pl.String,
    "reason": pl.String,
}


class RowRejected(ValueError):
    """A row broke its contract; `field` names the offending column."""

    def __init__(self, field: str, value: str | None, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.value = value
        self.reason = reason


def rejection_message(source_file: str, line: int | None, field: str | None, reason: str) -> str:
    """The one wording of a rejected row, used in logs, checks and errors."""
    return f"{source_file}:{line}: field {field!r}: {reason}"


@dataclass(frozen=True)
class Rejection:
    source_file: str
    line: int
    field: str
    value: str | None
    reason: str


@dataclass(frozen=True)
class ParsedFile:
    """What one input file gave: typed valid rows and the rows sent to quarantine."""

    valid: pl.DataFrame
    quarantine: pl.DataFrame


def quarantine_frame(rejections: list[Rejection]) -> pl.DataFrame:
    return pl.DataFrame(
        [(r.source_file, r.line, r.field, r.value, r.reason) for r in rejections],
        schema=QUARANTINE_SCHEMA,
        orient="row",
    )


def _checked_header(
    path: Path, reader: csv.DictReader, required_columns: tuple[str, ...]
) -> list[str]:
    fieldnames = list(reader.fieldnames or [])
    missing = [c for c in required_columns if c not in fieldnames]
    if missing:
        raise ValueError(f"{path}: line 1: missing column(s) {', '.join(missing)}")
    return fieldnames


def read_csv_header(path: Path, required_columns: tuple[str, ...]) -> tuple[list[str], int]:
    """The header of a UTF-8 CSV and the physical line it ends on, checked as `read_csv_rows`
    checks it."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return _checked_header(path, reader, required_columns), reader.line_num


def read_csv_rows(path: Path, required_columns: tuple[str, ...]) -> Iterator[tuple[int, dict]]:
    """Yield (line number, row) for a UTF-8 CSV; a missing header column is a file-level error."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        _checked_header(path, reader, required_columns)
        for row in reader:
            yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}


def required(row: dict, field: str) -> str:
    value = row.get(field, "")
    if not value:
        raise RowRejected(field, value, "required field is empty")
    return value


def optional_date(row: dict, field: str) -> dt.date | None:
    value = row.get(field, "")
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise RowRejected(field, value, "not an ISO date (YYYY-MM-DD)") from None


PARTIAL_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


EARLIEST_YEAR, _ = year_bounds()  # dbt_project/seeds/year_bounds.csv


def partial_date(row: dict, field: str) -> str:
    """A date known to the year, month or day (YYYY, YYYY-MM, YYYY-MM-DD), or 'unknown': a real
    calendar date, not before the first year of seeds/year_bounds.csv and not in the future."""
    value = required(row, field)
    if value == "unknown":
        return value
    if not PARTIAL_DATE.match(value):
        raise RowRejected(field, value, "must be YYYY, YYYY-MM, YYYY-MM-DD or 'unknown'")
    if len(value) == 10:
        optional_date(row, field)
    if int(value[:4]) < EARLIEST_YEAR:
        raise RowRejected(field, value, f"before {EARLIEST_YEAR}: check the year")
    if value > dt.date.today().isoformat()[: len(value)]:
        raise RowRejected(field, value, "in the future: check the date")
    return value


def one_of(row: dict, field: str, allowed: set[str] | frozenset[str]) -> str:
    value = required(row, field)
    if value not in allowed:
        raise RowRejected(field, value, f"must be one of {', '.join(sorted(allowed))}")
    return value

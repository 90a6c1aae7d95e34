"""The source registry: one record per source document, every field mandatory."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import polars as pl

from ingest.contracts import (
    ParsedFile,
    Rejection,
    RowRejected,
    one_of,
    partial_date,
    quarantine_frame,
    read_csv_rows,
    required,
)
from ingest.seeds import grades, rules_fingerprint

GRADES = grades()  # dbt_project/seeds/grades.csv
REGISTRY_COLUMNS = (
    "source_id",
    "publisher",
    "title",
    "date_published",
    "copy_read_at",
    "publisher_url",
    "grade",
    "licence",
    "note",
)
REGISTRY_SCHEMA: dict[str, type[pl.DataType]] = {
    **dict.fromkeys(REGISTRY_COLUMNS, pl.String),
    "_source_file": pl.String,
    "_source_line": pl.Int64,
}
# Changes whenever the contract does, so that the registry is validated again.
CONTRACT_FINGERPRINT = hashlib.sha256(
    repr((REGISTRY_COLUMNS, rules_fingerprint())).encode()
).hexdigest()
_SOURCE_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def _validate(row: dict, seen_ids: set[str]) -> tuple:
    source_id = required(row, "source_id")
    if not _SOURCE_ID.match(source_id):
        raise RowRejected("source_id", source_id, "must be lower_snake_case ASCII")
    if source_id in seen_ids:
        raise RowRejected("source_id", source_id, "duplicate source_id")
    date_published = partial_date(row, "date_published")
    return (
        source_id,
        required(row, "publisher"),
        required(row, "title"),
        date_published,
        required(row, "copy_read_at"),
        row.get("publisher_url", ""),
        one_of(row, "grade", GRADES),
        required(row, "licence"),
        row.get("note", ""),
    )


def read_source_registry(path: Path, name: str | None = None) -> ParsedFile:
    """Read the registry CSV; rows breaking the schema go to quarantine, the rest load.

    `name` is how the file is named in messages and in the loaded rows (default: the path).
    """
    name = name or str(path)
    rows: list[tuple] = []
    rejections: list[Rejection] = []
    seen_ids: set[str] = set()
    for line, row in read_csv_rows(path, REGISTRY_COLUMNS):
        try:
            record = _validate(row, seen_ids)
        except RowRejected as err:
            rejections.append(Rejection(name, line, err.field, err.value, err.reason))
            continue
        seen_ids.add(record[0])
        rows.append((*record, name, line))
    valid = pl.DataFrame(rows, schema=REGISTRY_SCHEMA, orient="row")
    return ParsedFile(valid=valid, quarantine=quarantine_frame(rejections))

"""The append-only `raw` schema: every load is logged with its id, file hash and time."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from ingest.contracts import QUARANTINE_SCHEMA, rejection_message

_LOAD_LOG_DDL = """
create table if not exists raw.load_log (
    load_id varchar primary key,
    table_name varchar not null,
    source_file varchar not null,
    file_hash varchar not null,
    contract_hash varchar not null,
    loaded_at timestamp not null,
    rows_loaded bigint not null,
    rows_quarantined bigint not null
)"""
_QUARANTINE_DDL = """
create table if not exists raw.quarantine (
    _load_id varchar not null,
    table_name varchar not null,
    source_file varchar not null,
    line bigint,
    field varchar,
    value varchar,
    reason varchar not null,
    _loaded_at timestamp not null
)"""


@dataclass(frozen=True)
class LoadOutcome:
    source_file: str
    skipped: bool
    rows_loaded: int
    rows_quarantined: int


def file_hash(path: Path) -> str:
    """The SHA-256 of a file, read in chunks: a file of gigabytes is never held in memory."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists raw")
    con.execute(_LOAD_LOG_DDL)
    con.execute(_QUARANTINE_DDL)


def already_loaded(
    con: duckdb.DuckDBPyConnection,
    table: str,
    source_file: str,
    source_hash: str,
    contract_hash: str,
) -> bool:
    """True when the latest load of this file into `table` had the same content and contract."""
    latest = con.execute(
        "select file_hash, contract_hash from raw.load_log"
        " where table_name = ? and source_file = ? order by loaded_at desc, load_id desc limit 1",
        [table, source_file],
    ).fetchone()
    return latest == (source_hash, contract_hash)


def _stamped(
    frame: pl.DataFrame, load_id: str, source_hash: str, loaded_at: dt.datetime
) -> pl.DataFrame:
    return frame.with_columns(
        pl.lit(load_id).alias("_load_id"),
        pl.lit(source_hash).alias("_file_hash"),
        pl.lit(loaded_at, dtype=pl.Datetime("us")).alias("_loaded_at"),
    )


def ensure_raw_table(con: duckdb.DuckDBPyConnection, table: str, schema: pl.DataFrame) -> None:
    """Create `raw.<table>` with the columns of `schema` (plus load columns) if it is missing, so
    that models read an empty table, not a missing one, before the first file arrives."""
    ensure_raw_schema(con)
    empty = _stamped(schema.clear(), "", "", dt.datetime(1970, 1, 1))
    con.register("empty_frame", empty)
    try:
        con.execute(f"create table if not exists raw.{table} as select * from empty_frame limit 0")
    finally:
        con.unregister("empty_frame")


def _add_new_columns(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """A contract that gained a column widens its raw table; older loads read null there."""
    existing = {
        row[0]
        for row in con.execute(
            "select column_name from information_schema.columns"
            " where table_schema = 'raw' and table_name = ?",
            [table],
        ).fetchall()
    }
    incoming = con.sql("select * from incoming limit 0")
    for name, duck_type in zip(incoming.columns, incoming.types, strict=True):
        if name not in existing:
            con.execute(f'alter table raw.{table} add column "{name}" {duck_type}')


def append_load(
    con: duckdb.DuckDBPyConnection,
    table: str,
    source_file: Path,
    source_name: str,
    valid: pl.DataFrame,
    quarantine: pl.DataFrame,
    contract_hash: str,
) -> LoadOutcome:
    """Append one file's valid rows to `raw.<table>` and its rejected rows to `raw.quarantine`.

    `source_name` is the file's stable name (relative to the repository) used to find its loads.

    A file whose content and contract were loaded before is skipped, so reruns add nothing.
    """
    return append_rows(
        con, table, source_name, file_hash(source_file), valid, quarantine, contract_hash
    )


def append_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    source_name: str,
    source_hash: str,
    valid: pl.DataFrame,
    quarantine: pl.DataFrame,
    contract_hash: str,
) -> LoadOutcome:
    """`append_load` with the content's hash given: for standard input, or a file hashed
    before it was parsed (so that a file loaded before is not parsed again)."""
    ensure_raw_schema(con)
    if already_loaded(con, table, source_name, source_hash, contract_hash):
        return LoadOutcome(source_name, skipped=True, rows_loaded=0, rows_quarantined=0)

    loaded_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    load_id = f"{loaded_at:%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}"
    stamped = _stamped(valid, load_id, source_hash, loaded_at)
    rejected = quarantine.select(
        pl.lit(load_id).alias("_load_id"),
        pl.lit(table).alias("table_name"),
        "source_file",
        "line",
        "field",
        "value",
        "reason",
        pl.lit(loaded_at).alias("_loaded_at"),
    )
    con.execute("begin")
    try:
        con.register("incoming", stamped)
        con.execute(f"create table if not exists raw.{table} as select * from incoming limit 0")
        _add_new_columns(con, table)
        con.execute(f"insert into raw.{table} by name select * from incoming")
        con.register("incoming_rejected", rejected)
        con.execute("insert into raw.quarantine by name select * from incoming_rejected")
        con.execute(
            "insert into raw.load_log values (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                load_id,
                table,
                source_name,
                source_hash,
                contract_hash,
                loaded_at,
                valid.height,
                quarantine.height,
            ],
        )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.unregister("incoming")
        con.unregister("incoming_rejected")
    return LoadOutcome(source_name, False, valid.height, quarantine.height)


REMOVED = "removed"  # the file hash of a load that records a file's removal from the inbox


def latest_loads(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, str]]:
    """(table, file, file hash, contract hash) of the latest load of every file that is
    content, not a removal, sorted; reads only, so a read-only snapshot will do."""
    return con.execute(
        "select table_name, source_file, file_hash, contract_hash from raw.load_log"
        " qualify row_number() over (partition by table_name, source_file"
        " order by loaded_at desc, load_id desc) = 1 and file_hash <> ?"
        " order by table_name, source_file",
        [REMOVED],
    ).fetchall()


def present_files(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    """Files whose latest load into `table` is content, not a removal."""
    ensure_raw_schema(con)
    return {name for loaded, name, _, _ in latest_loads(con) if loaded == table}


def record_removals(con: duckdb.DuckDBPyConnection, table: str, names: set[str]) -> None:
    """Log a load with no rows for each file that left the inbox: staging reads the latest load
    of each file, so the file's rows leave staging and the marts; `raw` keeps its history."""
    empty = pl.DataFrame(schema=QUARANTINE_SCHEMA)
    for name in sorted(names):
        append_rows(con, table, name, REMOVED, pl.DataFrame(), empty, REMOVED)


def current_quarantine(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Messages for the rows rejected by the latest load of each file into `table`."""
    ensure_raw_schema(con)
    rows = con.execute(
        """
        with latest as (
            select load_id, row_number() over (
                partition by source_file order by loaded_at desc, load_id desc
            ) as recency
            from raw.load_log where table_name = ?
        )
        select source_file, line, field, reason from raw.quarantine
        where _load_id in (select load_id from latest where recency = 1)
        order by source_file, line
        """,
        [table],
    ).fetchall()
    return [rejection_message(*row) for row in rows]

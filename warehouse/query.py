"""Read-only SQL against the published snapshot, with DuckDB's external access disabled."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

# Statement types a researcher may run; anything else (writes, ATTACH, SET, COPY ...) is refused.
READ_ONLY_STATEMENTS = frozenset({duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN})


class QueryRefused(ValueError):
    """The query is not a read-only statement."""


class NoPublishedWarehouse(FileNotFoundError):
    """Nothing has been published yet."""


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple]


def connect_read_only(db_path: Path) -> duckdb.DuckDBPyConnection:
    """Open a snapshot read-only; the query cannot read or write files or load extensions."""
    if not db_path.exists():
        raise NoPublishedWarehouse(
            f"no published warehouse at {db_path}: run `make run` or `govmetrics build` first"
        )
    return duckdb.connect(
        str(db_path),
        read_only=True,
        config={
            "enable_external_access": False,
            "autoload_known_extensions": False,
            "autoinstall_known_extensions": False,
            "lock_configuration": True,
        },
    )


def check_read_only(sql: str) -> None:
    statements = duckdb.extract_statements(sql)
    if not statements:
        raise QueryRefused("refused: the query is empty")
    for statement in statements:
        if statement.type not in READ_ONLY_STATEMENTS:
            kind = statement.type.name
            raise QueryRefused(f"refused: only read-only SELECT queries are allowed, got {kind}")


def run_query(sql: str, db_path: Path) -> QueryResult:
    """Run one or more read-only statements; the result of the last one is returned."""
    check_read_only(sql)
    with connect_read_only(db_path) as con:
        relation = con.execute(sql)
        columns = [d[0] for d in relation.description or []]
        return QueryResult(columns=columns, rows=relation.fetchall())

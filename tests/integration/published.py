"""Reading the published snapshot of a test warehouse."""

from pathlib import Path

from warehouse.query import run_query


def published_rows(home: Path, sql: str) -> list[tuple]:
    return run_query(sql, home / "published" / "govmetrics.duckdb").rows

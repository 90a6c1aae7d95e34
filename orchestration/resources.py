"""The warehouse as a Dagster resource: one writer process at a time, by a lock held per run."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
from dagster import ConfigurableResource, InitResourceContext
from pydantic import PrivateAttr

from warehouse import paths, writer_lock


class WarehouseResource(ConfigurableResource):
    """The build database. Every run that writes holds its writer lock from start to end.

    DuckDB admits one writer process per file; the lock makes runs wait for each other instead
    of failing on DuckDB's own lock. Readers use the published snapshot and never take it.
    `govmetrics build` takes the lock before the run starts; taking it here again is then free
    (the lock is re-entrant within a process), and runs from `make dev` take it here.
    """

    _holds_lock: bool = PrivateAttr(default=False)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        run = context.run
        writer_lock.acquire(command=f"Dagster run {run.run_id[:8]}" if run else None)
        self._holds_lock = True

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        if self._holds_lock:
            writer_lock.release()
            self._holds_lock = False

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        db_path = paths.build_db()
        db_path.parent.mkdir(parents=True, exist_ok=True)
        with duckdb.connect(
            str(db_path), config={"memory_limit": paths.duckdb_memory_limit()}
        ) as con:
            yield con

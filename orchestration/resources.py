"""The warehouse as a Dagster resource: one writer process at a time, by a lock held per run."""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

import duckdb
from dagster import ConfigurableResource, InitResourceContext
from pydantic import PrivateAttr

from warehouse import paths

LOCK_WAIT_SECONDS = 600.0


class WriterLockTimeout(RuntimeError):
    """Another run held the warehouse's writer lock for too long."""


class WarehouseResource(ConfigurableResource):
    """The build database. Every run that writes holds its writer lock from start to end.

    DuckDB admits one writer process per file; the lock makes runs wait for each other instead
    of failing on DuckDB's own lock. Readers use the published snapshot and never take it.
    """

    _lock_file: IO[str] | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        lock_path = paths.build_db().with_name(".writer.lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = lock_path.open("w")
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    handle.close()
                    raise WriterLockTimeout(
                        f"another build has held {lock_path} for {LOCK_WAIT_SECONDS:.0f} s"
                    ) from None
                time.sleep(0.5)
        self._lock_file = handle

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        db_path = paths.build_db()
        db_path.parent.mkdir(parents=True, exist_ok=True)
        with duckdb.connect(str(db_path)) as con:
            yield con

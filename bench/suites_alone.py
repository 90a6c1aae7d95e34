"""Run the quality suites alone on a build database, as the build's `dq__results` step runs them
(without recording results), and print their wall time in seconds on the last line.

Run in a workspace's environment: `python -m bench.suites_alone <build database>`."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import duckdb

from warehouse.quality.runner import run_suites


def main(argv: list[str]) -> int:
    database = Path(argv[0])
    with (
        duckdb.connect(str(database), read_only=True) as con,
        tempfile.TemporaryDirectory() as docs,
    ):
        started = time.perf_counter()
        run_suites(con, "bench", Path(docs) / "docs")
        print(time.perf_counter() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

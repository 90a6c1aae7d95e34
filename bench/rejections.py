"""An NBS export of nothing but bad rows (unknown labels) at 5 MB and 50 MB, loaded through the
real ingest asset into a scratch warehouse: every row quarantined, one log line per file. The
time should grow linearly with the size (seconds per MB at 50 MB at most 1.5 times those at
5 MB)."""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path

SIZES_MB = (5, 50)


def _bad_export(megabytes: int) -> str:
    lines, size, number = ["数据库：年度数据\n指标,2023年,2022年\n"], 0, 0
    while size < megabytes * 1_000_000:
        line = f"未知指标{number}(万人),{number},{number + 1}\n"
        lines.append(line)
        size += len(line.encode("utf-8"))
        number += 1
    return "".join(lines)


def _load_seconds(megabytes: int) -> tuple[float, int]:
    """Seconds to load one export of bad rows through the real asset, and rows quarantined."""
    import duckdb
    from dagster import DagsterInstance, materialize

    from orchestration.assets.official import registry_and_exports
    from orchestration.resources import WarehouseResource

    with tempfile.TemporaryDirectory() as scratch:
        inbox = Path(scratch) / "inbox" / "statistics"
        inbox.mkdir(parents=True)
        (inbox / "bad.csv").write_text(_bad_export(megabytes), encoding="utf-8")
        saved = {key: os.environ.get(key) for key in ("GOVMETRICS_HOME", "GOVMETRICS_INBOX")}
        os.environ.update(GOVMETRICS_HOME=scratch, GOVMETRICS_INBOX=str(inbox.parent))
        try:
            started = time.perf_counter()
            with open(os.devnull, "w") as quiet, contextlib.redirect_stderr(quiet):
                materialize(
                    [registry_and_exports],
                    resources={"warehouse": WarehouseResource()},
                    instance=DagsterInstance.ephemeral(),
                )
            seconds = time.perf_counter() - started
            with duckdb.connect(str(Path(scratch) / "build" / "govmetrics.duckdb")) as con:
                rows = con.execute("select count(*) from raw.quarantine").fetchone()[0]
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    return seconds, rows


def rejections() -> dict:
    figures = {}
    for megabytes in SIZES_MB:
        seconds, rows = _load_seconds(megabytes)
        figures[f"{megabytes}mb"] = {"seconds": seconds, "rows_quarantined": rows}
    small, large = (figures[f"{mb}mb"]["seconds"] / mb for mb in SIZES_MB)
    figures["linearity"] = large / small
    return figures

"""The inbox sensor: a new NBS export or report text in inbox/ requests a full refresh.

A file is new when its SHA-256 is neither in the cursor (every file the sensor has already
requested a run for) nor the latest load of a file in the published snapshot's `raw.load_log`
(what `make run` already loaded; a review file counts as loaded when the latest automatic
claims of a text were made with it: their contract hash says so), so a file (under any name) is
processed once, and `make dev` does not rebuild what `make run` built. The run key is the hash
of the new files, so Dagster never launches the same request twice either."""

import hashlib
import json
from dataclasses import dataclass

import duckdb
from dagster import (
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from ingest.inbox_files import InboxFileRefused, inbox_entries, read_inbox_file
from orchestration.assets.reports import linker_fingerprint, linker_inputs
from orchestration.jobs import full_refresh_job
from warehouse import paths
from warehouse.raw_store import latest_loads

INBOX_FILES = (("statistics", (".csv", ".xlsx")), ("reports", (".txt", ".review.csv")))
REVIEW_SUFFIX = ".review.csv"


def _inbox_files(contracts: set[str]) -> dict[str, str]:
    """SHA-256 -> file name of everything in the inbox that a build would load, leaving out
    review files already applied by a load with one of these contract hashes. An entry that is
    not a readable regular file (a FIFO, a link out of the inbox) is left to the build, which
    quarantines it by name; the sensor never blocks on it."""
    files = {}
    inputs = None
    for folder, suffixes in INBOX_FILES:
        for path in inbox_entries(paths.inbox() / folder, suffixes):
            try:
                file = read_inbox_file(path, paths.inbox())
            except InboxFileRefused:
                continue
            if path.name.endswith(REVIEW_SUFFIX):
                inputs = linker_inputs() if inputs is None else inputs
                if linker_fingerprint(inputs, path) in contracts:
                    continue
            files.setdefault(file.sha256, path.name)
    return files


@dataclass(frozen=True)
class PublishedLoads:
    """The latest load of every file the published snapshot records, and when it cannot be
    read, why (the sensor then relies on its cursor alone)."""

    files: set[str]  # SHA-256 of the files
    contracts: set[str]  # the contract hashes they were loaded with
    unread: str = ""


def _published_loads() -> PublishedLoads:
    """A `removed` load marks a file that left the inbox: it is not counted."""
    snapshot = paths.published_db()
    if not snapshot.is_file():
        return PublishedLoads(set(), set(), f"no published snapshot at {snapshot} yet")
    try:
        with duckdb.connect(str(snapshot), read_only=True) as con:
            rows = [(digest, contract) for _, _, digest, contract in latest_loads(con)]
    except duckdb.Error as error:
        first_line = str(error).strip().splitlines()[0]
        return PublishedLoads(
            set(),
            set(),
            f"cannot read raw.load_log in {snapshot} ({first_line}); `govmetrics build` "
            "publishes a new one",
        )
    return PublishedLoads({file for file, _ in rows}, {contract for _, contract in rows})


@sensor(
    job=full_refresh_job,
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.RUNNING,
    description=(
        "A full refresh when a new file appears in inbox/statistics or inbox/reports (one the "
        "published snapshot has not loaded)."
    ),
)
def inbox_sensor(context: SensorEvaluationContext):
    seen = set(json.loads(context.cursor)) if context.cursor else set()
    loaded = _published_loads()
    unread = loaded.unread
    fallback = f"; compared with the sensor's cursor only: {unread}" if unread else ""
    new = {
        digest: name
        for digest, name in _inbox_files(loaded.contracts).items()
        if digest not in seen and digest not in loaded.files
    }
    if not new:
        return SkipReason(f"no new file in the inbox{fallback}")
    if unread:
        context.log.warning(f"inbox files compared with the sensor's cursor only: {unread}")
    run_key = hashlib.sha256("".join(sorted(new)).encode()).hexdigest()
    return SensorResult(
        run_requests=[
            RunRequest(run_key=run_key, tags={"govmetrics/inbox": ", ".join(sorted(new.values()))})
        ],
        cursor=json.dumps(sorted(seen | set(new))),
    )

"""The inbox sensor: a new NBS export or report text in inbox/ requests a full refresh.

The cursor holds the SHA-256 of every file already seen, so a file (under any name) is
processed once; the run key is the hash of the new files, so Dagster never launches the same
request twice either."""

import hashlib
import json

from dagster import (
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from ingest.inbox_files import InboxFileRefused, inbox_entries, read_inbox_file
from orchestration.jobs import full_refresh_job
from warehouse import paths

INBOX_FILES = (("statistics", (".csv", ".xlsx")), ("reports", (".txt", ".review.csv")))


def _inbox_files() -> dict[str, str]:
    """SHA-256 -> file name of everything in the inbox that a build would load. An entry that
    is not a readable regular file (a FIFO, a link out of the inbox) is left to the build,
    which quarantines it by name; the sensor never blocks on it."""
    files = {}
    for folder, suffixes in INBOX_FILES:
        for path in inbox_entries(paths.inbox() / folder, suffixes):
            try:
                file = read_inbox_file(path, paths.inbox())
            except InboxFileRefused:
                continue
            files.setdefault(file.sha256, path.name)
    return files


@sensor(
    job=full_refresh_job,
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.RUNNING,
    description="A full refresh when a new file appears in inbox/statistics or inbox/reports.",
)
def inbox_sensor(context: SensorEvaluationContext):
    seen = set(json.loads(context.cursor)) if context.cursor else set()
    new = {digest: name for digest, name in _inbox_files().items() if digest not in seen}
    if not new:
        return SkipReason("no new file in the inbox")
    run_key = hashlib.sha256("".join(sorted(new)).encode()).hexdigest()
    return SensorResult(
        run_requests=[
            RunRequest(run_key=run_key, tags={"govmetrics/inbox": ", ".join(sorted(new.values()))})
        ],
        cursor=json.dumps(sorted(seen | set(new))),
    )

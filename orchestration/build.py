"""`govmetrics build`: materialise every asset in-process, run the checks, publish on success.

Nothing here prints: the build returns what happened and the CLI shows it."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import socket
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from warehouse import paths, writer_lock
from warehouse.release_content import build_fingerprint, build_record_path
from warehouse.snapshot_check import SnapshotTampered, check_snapshot, read_sidecar

if TYPE_CHECKING:
    from dagster import LoggerDefinition

PID_TAG = "govmetrics/pid"
HOST_TAG = "govmetrics/host"
DQ_ASSET = "dq/results"
PUBLISH_STEP = "warehouse__published_snapshot"
VERDICTS = (
    "consistent",
    "within_tolerance",
    "inconsistent",
    "implausible",
    "period_mismatch",
    "definition_mismatch",
    "unverifiable",
)


def _summary(job, result) -> list[str]:
    """One line per step and per failed check, then one per step not run."""
    lines = []
    started = {event.step_key for event in result.all_events if event.is_step_start}
    for event in result.all_events:
        if event.is_step_success:
            lines.append(f"ok      {event.step_key}")
        elif event.is_step_failure:
            error = event.event_specific_data.error
            lines.append(f"FAILED  {event.step_key}: {error.message.strip().splitlines()[0]}")
        elif event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if not evaluation.passed:
                severity = evaluation.severity.value.lower()
                key = evaluation.asset_key.to_user_string()
                lines.append(f"check {severity}: {key} {evaluation.check_name} did not pass")
                if severity == "warn" and key == DQ_ASSET:
                    results_page = paths.dq_dir() / "docs" / "results.html"
                    lines.append(f"  see `govmetrics dq` (or {results_page})")
                blocking = evaluation.metadata.get("blocking")
                if severity == "error" and blocking is not None and blocking.value != "none":
                    lines += blocking.value.splitlines()
    lines += [
        f"not run {node.name} (an upstream step failed)"
        for node in job.nodes_in_topological_order
        if node.name not in started
    ]
    return lines


def _release_line(result) -> str:
    """What the publish step did: a new release, or none because the content is unchanged."""
    for event in result.all_events:
        if event.step_key == PUBLISH_STEP and event.event_type_value == "ASSET_MATERIALIZATION":
            metadata = event.event_specific_data.materialization.metadata
            version = metadata["release"].value
            new_release = metadata.get("new_release")
            if new_release is not None and not new_release.value:
                return f"no new release: same content as release {version}"
            return f"release {version} published"
    return "no release recorded by the publish step"


def _count_phrase(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def _report_lines(snapshot: Path) -> list[str]:
    """One line per report in the published snapshot: quantities found in its text, claims
    verified by origin, and their verdicts."""
    with duckdb.connect(str(snapshot), read_only=True) as con:
        reports = con.execute(
            "select report_id from staging.stg_report__reports union"
            " select report_id from staging.stg_report__quantities union"
            " select report_id from marts.claim_verification order by report_id"
        ).fetchall()
        quantities = dict(
            con.execute(
                "select report_id, count(*) from staging.stg_report__quantities group by all"
            ).fetchall()
        )
        claims = con.execute(
            "select report_id, origin, verdict, count(*) from marts.claim_verification"
            " group by all order by all"
        ).fetchall()
    lines = []
    for (report_id,) in reports:
        found = quantities.get(report_id)
        text = (
            f"{_count_phrase(found, 'quantity', 'quantities')} found in its text"
            if found
            else "no text of it in inbox/reports/"
        )
        origins: Counter[str] = Counter()
        verdicts: Counter[str] = Counter()
        for _, origin, verdict, count in (row for row in claims if row[0] == report_id):
            origins[origin] += count
            verdicts[verdict] += count
        checked = "no claim verified"
        if origins:
            by_origin = ", ".join(f"{count} {origin}" for origin, count in sorted(origins.items()))
            order = [*VERDICTS, *sorted(set(verdicts) - set(VERDICTS))]
            counts = ", ".join(f"{verdicts[v]} {v}" for v in order if v in verdicts)
            claims_phrase = _count_phrase(origins.total(), "claim", "claims")
            checked = f"{claims_phrase} verified ({by_origin}): {counts}"
        lines.append(f"report {report_id}: {text}; {checked}")
    return lines


def _fail_runs_of_killed_builds(instance) -> list[str]:
    """Mark failed the runs that builds on this host left unfinished; one line per run.

    Called under the writer lock, which every build holds while its run lasts: no other build
    on this host can be running, so an unfinished run tagged by one was cut short (kill -9, a
    crash, a power cut), whether or not its pid has since been reused.
    """
    from dagster import DagsterRunStatus, RunsFilter

    unfinished = RunsFilter(
        statuses=[
            DagsterRunStatus.NOT_STARTED,
            DagsterRunStatus.QUEUED,
            DagsterRunStatus.STARTING,
            DagsterRunStatus.STARTED,
            DagsterRunStatus.CANCELING,
        ],
        tags={HOST_TAG: socket.gethostname()},
    )
    lines = []
    for run in instance.get_runs(filters=unfinished):
        pid = run.tags.get(PID_TAG, "?")
        instance.report_run_failed(
            run,
            f"the `govmetrics build` that ran this (pid {pid}) ended without finishing; "
            "marked failed by the next build",
        )
        lines.append(f"marked run {run.run_id} of an interrupted build (pid {pid}) as failed")
    return lines


@dataclass(frozen=True)
class BuildResult:
    """What a build did, as lines for the terminal; true when it succeeded."""

    success: bool
    tidied: tuple[str, ...]  # runs of killed builds marked failed, interrupted publishes tidied
    summary: tuple[str, ...]  # one line per step and per failed check, then one per step not run
    log_path: Path  # the run's full log
    release: str = ""  # what the publish step did (empty when the build failed)
    reports: tuple[str, ...] = ()  # one line per report in the published snapshot

    def __bool__(self) -> bool:
        return self.success


def _progress_logger(on_step_start: Callable[[str], None]) -> LoggerDefinition:
    """A Dagster logger that calls `on_step_start(step_key)` on each STEP_START event.

    Dagster hands every logger its events as log records whose `dagster_meta` holds the
    structured DagsterEvent, so progress never depends on how the log text is worded.
    """
    from dagster import LoggerDefinition

    class StepStarts(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            event = getattr(record, "dagster_meta", {}).get("dagster_event")
            if event is not None and event.is_step_start:
                on_step_start(event.step_key)

    def init(_context: object) -> logging.Logger:
        progress = logging.Logger("govmetrics.build.progress", logging.DEBUG)
        progress.addHandler(StepStarts())
        return progress

    return LoggerDefinition(init, description="announces each step as it starts")


@dataclass(frozen=True)
class NothingChanged:
    """A build skipped: everything it reads is as when the published snapshot was built."""

    release: str  # the release of the published snapshot

    def line(self) -> str:
        return (
            f"nothing changed since the published build (release {self.release}): "
            "nothing to do (use --force to rebuild)"
        )


def unchanged_release(fingerprint: str) -> str | None:
    """The release of the published snapshot when it was built from exactly `fingerprint`
    (its build record says so) and is intact: the snapshot passes the readers' check and its
    release folder is there. None when anything differs or cannot be read."""
    published = paths.published_db()
    try:
        record = json.loads(build_record_path(published).read_text(encoding="utf-8"))
        accepted = read_sidecar(published)
        if record["fingerprint"] != fingerprint or accepted is None or len(accepted) != 1:
            return None
        (served,) = accepted
        if (served.sha256, served.version) != (record["snapshot_sha256"], record["version"]):
            return None
        if record["build_db"] != _build_db_state():
            return None
        if check_snapshot(published) is not None:
            return None
    except (OSError, ValueError, KeyError, TypeError, SnapshotTampered):
        return None
    release = paths.releases_dir() / served.version
    if not all((release / name).is_file() for name in ("SHA256SUMS", "datapackage.json")):
        return None
    return served.version


def _build_db_state() -> list[int]:
    """Size and mtime of the build database: when it changed after the build (by hand, by
    `make dev`), the next build runs."""
    status = paths.build_db().stat()
    return [status.st_size, status.st_mtime_ns]


def record_build(fingerprint: str) -> None:
    """Record, beside the snapshot just published, the fingerprint of what it was built from
    (temp file + rename)."""
    published = paths.published_db()
    accepted = read_sidecar(published)
    if accepted is None or len(accepted) != 1:
        return  # no one snapshot to tie the record to: the next build runs
    (served,) = accepted
    record = {
        "fingerprint": fingerprint,
        "snapshot_sha256": served.sha256,
        "version": served.version,
        "build_db": _build_db_state(),
    }
    target = build_record_path(published)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(record, indent=2), encoding="utf-8")
    os.replace(temporary, target)


def build_and_publish(
    lock_timeout: float | None = None,
    on_step_start: Callable[[str], None] | None = None,
    *,
    skip_unchanged: bool = False,
) -> BuildResult | NothingChanged:
    """Run the full-refresh job; publish the snapshot when every step succeeded.

    The writer lock is taken first, so that a wait for another build is announced on the
    terminal; raises writer_lock.WriterLockTimeout when it is not free within `lock_timeout`
    seconds (default: GOVMETRICS_LOCK_TIMEOUT, else 600). `on_step_start` is called with each
    step's key as the step starts. The run's own output goes to `<home>/logs/build-*.log`.
    With `skip_unchanged`, nothing is run when the published snapshot was built from the same
    code, inputs and settings (`unchanged_release`). A successful build records its fingerprint
    beside the snapshot; the record is removed before anything runs, so a build that fails or
    is killed leaves none.
    """
    with writer_lock.writer_lock(lock_timeout, command="govmetrics build"):
        fingerprint = build_fingerprint()
        if skip_unchanged and (release := unchanged_release(fingerprint)) is not None:
            return NothingChanged(release)
        build_record_path(paths.published_db()).unlink(missing_ok=True)
        result = _build_and_publish(on_step_start)
        # An input edited while the build ran may or may not be in the snapshot: no record then.
        if result.success and build_fingerprint() == fingerprint:
            record_build(fingerprint)
        return result


def _build_and_publish(on_step_start: Callable[[str], None] | None) -> BuildResult:
    from orchestration.dbt_project import prepare_manifest
    from orchestration.instance import dagster_instance
    from warehouse.publish import tidy_interrupted_publishes

    # The manifest is prepared here, at build time, before anything loads it.
    prepare_manifest()

    from orchestration.definitions import defs

    log_dir = paths.home() / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"build-{dt.datetime.now():%Y%m%dT%H%M%S}.log"
    with dagster_instance() as instance:
        tidied = (
            *_fail_runs_of_killed_builds(instance),
            *tidy_interrupted_publishes(paths.published_db(), paths.releases_dir()),
        )
        with (
            log_path.open("w") as log,
            contextlib.redirect_stdout(log),
            contextlib.redirect_stderr(log),
        ):
            job = defs.resolve_job_def("full_refresh")
            # A run uses the loggers its config names. Dagster's console logger writes the log,
            # every event as by default (DEBUG: the level of STEP_START).
            loggers: dict[str, dict] = {"console": {"config": {"log_level": "DEBUG"}}}
            if on_step_start is not None:
                progress = _progress_logger(on_step_start)
                job = job.with_logger_defs({**job.loggers, "progress": progress})
                loggers["progress"] = {}
            result = job.execute_in_process(
                run_config={"loggers": loggers},
                instance=instance,
                raise_on_error=False,
                tags={PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()},
            )
    summary = tuple(_summary(job, result))
    if not result.success:
        return BuildResult(False, tidied, summary, log_path)
    try:
        reports = tuple(_report_lines(paths.published_db()))
    except duckdb.Error as error:  # published all the same: say why, do not fail the build
        first_line = str(error).strip().splitlines()[0]
        reports = (f"cannot summarise the reports from {paths.published_db()}: {first_line}",)
    return BuildResult(True, tidied, summary, log_path, _release_line(result), reports)

"""`govmetrics build`: materialise every asset in-process, run the checks, publish on success."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import shutil
import sys
from pathlib import Path
from typing import TextIO

from warehouse import paths


def _dagster_instance():
    """A persistent instance under GOVMETRICS_HOME, so `make dev` shows the CLI's runs too."""
    from dagster import DagsterInstance

    home = paths.dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(paths.DAGSTER_YAML_TEMPLATE, home / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(home)
    return DagsterInstance.get()


def _summary(job, result, log_path: Path) -> list[str]:
    """One line per step and per failed check, then where the full log is."""
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
    lines += [
        f"not run {node.name} (an upstream step failed)"
        for node in job.nodes_in_topological_order
        if node.name not in started
    ]
    lines.append(f"full log: {log_path}")
    return lines


class _BuildLog(io.TextIOBase):
    """The run's output goes to the log file; on a terminal, each step is announced as it starts."""

    def __init__(self, log: TextIO, terminal: TextIO | None) -> None:
        self.log = log
        self.terminal = terminal

    def write(self, text: str) -> int:
        self.log.write(text)
        if self.terminal is not None:
            for step in _STEP_START.findall(text):
                self.terminal.write(f"running {step} ...\n")
                self.terminal.flush()
        return len(text)

    def flush(self) -> None:
        self.log.flush()


_STEP_START = re.compile(r" - (\S+) - STEP_START - ")


def build_and_publish() -> bool:
    """Run the full-refresh job; True when every step succeeded and the snapshot was published."""
    from orchestration.dbt_project import govmetrics_dbt

    # The manifest is prepared here, at build time, before anything loads it.
    govmetrics_dbt.preparer.prepare(govmetrics_dbt)

    from orchestration.definitions import defs

    log_dir = paths.home() / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"build-{dt.datetime.now():%Y%m%dT%H%M%S}.log"
    terminal = sys.stdout if sys.stdout.isatty() else None
    with (
        _dagster_instance() as instance,
        log_path.open("w") as log_file,
        contextlib.redirect_stdout(log := _BuildLog(log_file, terminal)),
        contextlib.redirect_stderr(log),
    ):
        job = defs.resolve_job_def("full_refresh")
        result = job.execute_in_process(instance=instance, raise_on_error=False)
    print("\n".join(_summary(job, result, log_path)))
    if result.success:
        print(f"published {paths.published_db()}")
    else:
        print("build failed; the published warehouse (if any) is unchanged")
    return result.success

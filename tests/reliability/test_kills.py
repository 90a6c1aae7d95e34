"""kill -9 at seeded points of ingest, dbt, the GX suites and publishing, then readers during a
full build.

The trials are chained to keep CI short: each trial's build runs after the previous kill, in the
same warehouse, and so also proves that a build after a kill tidies up. After every kill the
published snapshot must open read-only with the same marts as before, and `releases.json` must
name only folders that exist. The last build runs to the end while four readers query the
published warehouse with `govmetrics sql`: every query succeeds with the old or the new release's
answer. Its marts must equal the clean build's, nothing temporary may be left, and no run of a
killed build may stay unfinished in Dagster's history.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

SEED = 18
GOVMETRICS = Path(sys.executable).with_name("govmetrics")
PID_TAG = "govmetrics/pid"
UNFINISHED = {
    DagsterRunStatus.NOT_STARTED,
    DagsterRunStatus.QUEUED,
    DagsterRunStatus.STARTING,
    DagsterRunStatus.STARTED,
    DagsterRunStatus.CANCELING,
}
# Limits of the test itself, not of the build: a build that never reaches its step is a failure.
BUILD_LIMIT_SECONDS = 300.0
READER_QUERY = (
    "select (select max_by(run_id, run_at) from dq.results) as dq_run,"
    " (select count(*) from marts.indicator_series) as observations,"
    " (select count(*) from marts.claim_verification) as claims"
)
READER = """
import json, subprocess, sys, time
from pathlib import Path

govmetrics, query, out, stop = sys.argv[1:]
with open(out, "a") as log:
    while True:
        stopping = Path(stop).exists()
        done = subprocess.run([govmetrics, "sql", query, "--format", "csv"],
                              capture_output=True, text=True)
        log.write(json.dumps([done.returncode, done.stdout, done.stderr]) + "\\n")
        log.flush()
        if stopping:
            break
        time.sleep(1.5)
"""


def marts_digest(db: Path) -> dict[str, tuple[int, str]]:
    """Rows and an md5 of every mart, its rows in a fixed order; opened read-only.

    Floating-point columns are compared by value: a sum in another order can give -0.0 where a
    clean build gave 0.0 (marts.part_total_checks.difference), equal but printed differently.
    """
    with duckdb.connect(str(db), read_only=True) as con:
        columns: dict[str, list[str]] = {}
        for mart, column, data_type in con.execute(
            "select table_name, column_name, data_type from information_schema.columns"
            " where table_schema = 'marts' order by table_name, ordinal_position"
        ).fetchall():
            value = f'"{column}" + 0' if data_type in ("DOUBLE", "FLOAT") else f'"{column}"'
            columns.setdefault(mart, []).append(value)
        return {
            mart: con.execute(
                f"with rows as (select ({', '.join(values)})::varchar as row from marts.{mart})"
                " select count(*), md5(coalesce(string_agg(row, chr(10) order by row), ''))"
                " from rows"
            ).fetchone()
            for mart, values in columns.items()
        }


def listed_releases(home: Path) -> set[str]:
    manifest = home / "releases" / "releases.json"
    return {r["version"] for r in json.loads(manifest.read_text())} if manifest.exists() else set()


def release_folders(home: Path) -> set[str]:
    releases = home / "releases"
    return {p.name for p in releases.iterdir() if p.is_dir() and not p.name.startswith(".")}


def leftovers(home: Path) -> list[str]:
    """Temporary files and folders of publishing (their names start with a dot)."""
    return sorted(
        str(p.relative_to(home))
        for folder in (home / "published", home / "releases")
        for p in folder.iterdir()
        if p.name.startswith(".") or p.name.endswith(".tmp")
    )


def runs_of(home: Path, pid: int) -> list:
    with DagsterInstance.from_config(str(home / "dagster")) as instance:
        return list(instance.get_runs(filters=RunsFilter(tags={PID_TAG: str(pid)})))


def unfinished_runs(home: Path) -> list:
    with DagsterInstance.from_config(str(home / "dagster")) as instance:
        return [run for run in instance.get_runs() if run.status in UNFINISHED]


PHASE_OF_STEP = {
    "raw": "ingest",
    "govmetrics_dbt_models": "dbt",
    "meta": "dbt",
    "dq": "gx",
    "warehouse": "publish",
}


@dataclass
class Trial:
    phase: str
    trigger: str
    delay: float
    reached: Callable[[Path, set[Path]], bool]


def _build_logs(home: Path) -> set[Path]:
    return set((home / "logs").glob("build-*.log"))


def _log_text(home: Path, earlier: set[Path]) -> str:
    """The log of the running build: the one that was not there before it started."""
    return "".join(p.read_text(errors="replace") for p in _build_logs(home) - earlier)


def _step_started(step: str, nth: int = 0) -> Callable[[Path, set[Path]], bool]:
    """The build log shows the STEP_START of `step` (of the nth step whose name starts so)."""

    def reached(home: Path, earlier: set[Path]) -> bool:
        started = [
            line
            for line in _log_text(home, earlier).splitlines()
            if " - STEP_START - " in line and f" - {step}" in line
        ]
        return len(started) > nth

    return reached


def _new_entry_in(folder: str) -> Callable[[Path, set[Path]], bool]:
    """Something new (the snapshot's or the release's temporary copy) appears in the folder."""
    seen: dict[Path, set[str]] = {}

    def reached(home: Path, earlier: set[Path]) -> bool:
        names = {p.name for p in (home / folder).iterdir()}
        return bool(names - seen.setdefault(home, names))

    return reached


def plan(rng: random.Random) -> list[Trial]:
    """4 kills in ingest, 3 in dbt, 1 in the GX suites, 2 in publishing, in a seeded order.

    The later the phase, the longer its trial's build runs first; this mix keeps the file within
    its CI budget. Publishing gets two: one while the snapshot is copied, one while the release
    is written.
    """
    trials = [
        Trial(
            "ingest",
            f"ingest step #{n + 1} started",
            rng.uniform(0, 0.3),
            _step_started("raw__", n),
        )
        for n in (rng.randrange(5) for _ in range(4))
    ]
    dbt_started = _step_started("govmetrics_dbt_models")
    trials += [Trial("dbt", "dbt started", rng.uniform(0.5, 6.0), dbt_started) for _ in range(3)]
    trials.append(
        Trial("gx", "dq suites started", rng.uniform(0.2, 4.0), _step_started("dq__results"))
    )
    trials.append(
        Trial(
            "publish",
            "temporary snapshot in published/",
            rng.uniform(0, 0.1),
            _new_entry_in("published"),
        )
    )
    trials.append(
        Trial(
            "publish",
            "temporary release in releases/",
            rng.uniform(0, 0.2),
            _new_entry_in("releases"),
        )
    )
    rng.shuffle(trials)
    return trials


def start_build(log: Path) -> subprocess.Popen:
    """`govmetrics build` in its own process group (so that dbt's processes die with it)."""
    with log.open("w") as out:
        return subprocess.Popen(
            [GOVMETRICS, "build"], stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def phase_in_flight(home: Path, earlier: set[Path]) -> str:
    """The phase of the step the build log last started."""
    started = [line for line in _log_text(home, earlier).splitlines() if " - STEP_START - " in line]
    step = started[-1].split(" - STEP_START - ")[0].rsplit(" - ", 1)[1]
    return PHASE_OF_STEP[step.split("__")[0]]


def kill_when(trial: Trial, home: Path, log: Path) -> int:
    earlier = _build_logs(home)
    build = start_build(log)
    deadline = time.monotonic() + BUILD_LIMIT_SECONDS
    while not trial.reached(home, earlier):
        assert build.poll() is None, f"the build ended before {trial.trigger}: {log.read_text()}"
        assert time.monotonic() < deadline, f"no {trial.trigger} in {BUILD_LIMIT_SECONDS} s"
        time.sleep(0.05)
    time.sleep(trial.delay)
    assert build.poll() is None, f"the build ended {trial.delay:.2f} s after {trial.trigger}"
    os.killpg(build.pid, signal.SIGKILL)
    assert build.wait() == -signal.SIGKILL
    assert phase_in_flight(home, earlier) == trial.phase, "killed in another phase than planned"
    return build.pid


def start_readers(home: Path, tmp_path: Path, count: int) -> tuple[list, list[Path], Path]:
    stop = tmp_path / "stop-readers"
    outputs = [tmp_path / f"reader-{n}.jsonl" for n in range(count)]
    readers = [
        subprocess.Popen([sys.executable, "-c", READER, GOVMETRICS, READER_QUERY, out, stop])
        for out in outputs
    ]
    return readers, outputs, stop


def answers(output: Path) -> list[list]:
    """The reader's complete lines so far."""
    text = output.read_text() if output.exists() else ""
    return [json.loads(line) for line in text[: text.rfind("\n") + 1].splitlines()]


def reader_answer() -> str:
    done = subprocess.run(
        [GOVMETRICS, "sql", READER_QUERY, "--format", "csv"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_kill_9_at_seeded_points_then_a_full_build_with_readers(built_home, home_copy, tmp_path):
    clean = marts_digest(built_home / "published" / "govmetrics.duckdb")
    published = home_copy / "published" / "govmetrics.duckdb"
    rng = random.Random(SEED)
    killed: list[tuple[Trial, int]] = []
    for number, trial in enumerate(plan(rng), start=1):
        where = f"trial {number} ({trial.phase}: {trial.trigger} + {trial.delay:.2f} s)"
        pid = kill_when(trial, home_copy, tmp_path / f"build-{number}.out")
        print(f"{where}: killed pid {pid}; left {leftovers(home_copy)}")
        assert marts_digest(published) == clean, where
        assert listed_releases(home_copy) <= release_folders(home_copy), where
        (run,) = runs_of(home_copy, pid)
        assert run.status in UNFINISHED, f"{where}: the run had finished before the kill"
        if killed:
            # The build of this trial marked the run of the previous kill failed.
            (previous,) = runs_of(home_copy, killed[-1][1])
            assert previous.status == DagsterRunStatus.FAILURE, where
        killed.append((trial, pid))
    assert {t.phase for t, _ in killed} == {"ingest", "dbt", "gx", "publish"}

    old = reader_answer()
    readers, outputs, stop = start_readers(home_copy, tmp_path, 4)
    while not all(answers(output) for output in outputs):
        time.sleep(0.1)
    final = subprocess.run([GOVMETRICS, "build"], capture_output=True, text=True)
    assert final.returncode == 0, final.stdout + final.stderr
    stop.touch()
    for reader in readers:
        assert reader.wait(timeout=60) == 0
    new = reader_answer()
    assert new != old  # a new release, with its own data-quality run

    for n, output in enumerate(outputs):
        seen = answers(output)
        for returncode, stdout, stderr in seen:
            assert (returncode, stderr) == (0, ""), f"reader {n}: {stderr}"
            assert stdout in (old, new), f"reader {n} read neither release: {stdout}"
        replies = [stdout for _, stdout, _ in seen]
        assert new in replies, f"reader {n} never read the new release"
        switch = replies.index(new)
        assert replies[0] == old and set(replies[switch:]) == {new}, f"reader {n}: {replies}"

    assert marts_digest(published) == clean
    assert leftovers(home_copy) == []
    assert listed_releases(home_copy) == release_folders(home_copy)
    for trial, pid in killed:
        (run,) = runs_of(home_copy, pid)
        assert run.status == DagsterRunStatus.FAILURE, (trial, pid)
    assert unfinished_runs(home_copy) == []

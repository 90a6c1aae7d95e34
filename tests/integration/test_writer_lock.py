"""Writers are serialised: a second writer waits for the first's lock, says for whom, then gives
up clearly; the lock is re-entrant within a process and dies with its holder."""

import hashlib
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from dagster import build_init_resource_context

from orchestration import cli
from orchestration.resources import WarehouseResource
from warehouse import writer_lock
from warehouse.writer_lock import WriterLockTimeout

GOVMETRICS = Path(sys.executable).with_name("govmetrics")
HOLDER = """
import time
from warehouse import writer_lock
writer_lock.acquire(timeout=0, command="govmetrics build")
print("held", flush=True)
time.sleep(600)
"""


WAITING = (
    r"waiting for the writer lock held by pid {pid} \(govmetrics build, started \d\d:\d\d:\d\d\); "
    r"--lock-timeout N to give up sooner"
)


@pytest.fixture
def holder(request, tmp_path, monkeypatch):
    """Another process holding the writer lock, as a running build does: of `home_copy` when
    the test uses it, else of a new folder."""
    if "home_copy" in request.fixturenames:
        request.getfixturevalue("home_copy")  # sets GOVMETRICS_HOME
    else:
        monkeypatch.setenv("GOVMETRICS_HOME", str(tmp_path / "warehouse"))
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    assert process.stdout.readline() == "held\n"
    yield process
    process.kill()
    process.wait()


def test_a_second_process_waits_names_the_holder_then_times_out(holder, capsys):
    with pytest.raises(WriterLockTimeout) as raised:
        writer_lock.acquire(timeout=1)
    message = str(raised.value)
    assert f"writer lock {writer_lock.lock_path()} held by pid {holder.pid}" in message
    assert "--lock-timeout" in message and "\n" not in message
    (waiting,) = capsys.readouterr().err.splitlines()
    assert re.fullmatch(WAITING.format(pid=holder.pid), waiting)


def test_the_resource_of_another_process_times_out_too(holder, monkeypatch):
    monkeypatch.setenv("GOVMETRICS_LOCK_TIMEOUT", "0.5")
    with pytest.raises(WriterLockTimeout, match=rf"writer\.lock held by pid {holder.pid}"):
        WarehouseResource().setup_for_execution(build_init_resource_context())


def test_the_lock_is_re_entrant_within_a_process(tmp_path, monkeypatch):
    """`govmetrics build` holds the lock while the run's resource takes it again."""
    monkeypatch.setenv("GOVMETRICS_HOME", str(tmp_path))
    resource = WarehouseResource()
    with writer_lock.writer_lock(timeout=0):
        resource.setup_for_execution(build_init_resource_context())
        with writer_lock.writer_lock(timeout=0):
            pass
        resource.teardown_after_execution(build_init_resource_context())
        # Still held by the outer block: another process cannot take it.
        other = subprocess.run([sys.executable, "-c", HOLDER], capture_output=True, text=True)
        assert other.returncode != 0 and "WriterLockTimeout" in other.stderr
    # Released: another process takes it at once.
    other = subprocess.Popen([sys.executable, "-c", HOLDER], stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout.readline() == "held\n"
    finally:
        other.kill()
        other.wait()


def test_a_lock_held_by_a_killed_process_is_free(holder):
    with pytest.raises(WriterLockTimeout):
        writer_lock.acquire(timeout=0)
    os.killpg(holder.pid, signal.SIGKILL)
    holder.wait()
    with writer_lock.writer_lock(timeout=0):
        pass


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_second_build_says_who_holds_the_lock_and_gives_up(home_copy, holder):
    published = home_copy / "published" / "govmetrics.duckdb"
    before = _digest(published), sorted((home_copy / "releases").iterdir())
    logs = sorted((home_copy / "logs").glob("*")) if (home_copy / "logs").exists() else []
    second = subprocess.run(
        [GOVMETRICS, "build", "--lock-timeout", "1"], capture_output=True, text=True
    )
    assert second.returncode == 3, second.stderr
    waiting, error = second.stderr.splitlines()
    assert re.fullmatch(WAITING.format(pid=holder.pid), waiting)
    assert error.startswith("govmetrics build: gave up after 1 s waiting for the writer lock ")
    assert f"held by pid {holder.pid}" in error
    assert (_digest(published), sorted((home_copy / "releases").iterdir())) == before
    # Dagster never started: no build log, no run.
    assert (sorted((home_copy / "logs").glob("*")) if (home_copy / "logs").exists() else []) == logs


def test_a_lock_timeout_that_is_not_a_number_is_refused_in_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GOVMETRICS_HOME", str(tmp_path))
    monkeypatch.setenv("GOVMETRICS_LOCK_TIMEOUT", "ten")
    assert cli.main(["build"]) == 2
    error = capsys.readouterr().err
    assert error == (
        "govmetrics build: GOVMETRICS_LOCK_TIMEOUT='ten' is not a number of seconds: "
        "set it to e.g. 60\n"
    )

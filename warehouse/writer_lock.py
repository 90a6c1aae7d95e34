"""The warehouse's writer lock: one writing process at a time, and a waiting one says for whom.

An flock on `build/.writer.lock`. The kernel releases it when its holder exits, however it
exits (kill -9 included), so a lock is never stale. The holder writes its pid, host, command and
start time into the lock file, which a waiting process reads to name it. The lock is re-entrant
within a process: `govmetrics build` takes it before Dagster starts, and the Dagster resource
takes it again inside the run (a second open() and flock in the same process would block on the
first). Nothing here imports Dagster.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from warehouse import paths

TIMEOUT_VARIABLE = "GOVMETRICS_LOCK_TIMEOUT"
DEFAULT_TIMEOUT_SECONDS = 600.0
_POLL_SECONDS = 0.2
# How long a waiting process waits for a new holder to write its name before announcing
# the wait without it.
_NAME_GRACE_SECONDS = 1.0


class WriterLockTimeout(RuntimeError):
    """Another process held the writer lock longer than this one would wait."""


@dataclass(frozen=True)
class Holder:
    """Who holds the lock, as the holder wrote it into the lock file."""

    pid: int
    host: str
    command: str
    started: dt.datetime

    def describe(self) -> str:
        """E.g. `pid 1234 (govmetrics build, started 19:02:11)`."""
        shown = "%H:%M:%S" if self.started.date() == dt.date.today() else "%Y-%m-%d %H:%M:%S"
        where = "" if self.host == socket.gethostname() else f" on {self.host}"
        return f"pid {self.pid}{where} ({self.command}, started {self.started:{shown}})"


def lock_path() -> Path:
    return paths.build_db().with_name(".writer.lock")


def lock_timeout(seconds: float | None = None) -> float:
    """`seconds` if given, else GOVMETRICS_LOCK_TIMEOUT, else 600."""
    if seconds is not None:
        return seconds
    value = os.environ.get(TIMEOUT_VARIABLE)
    if value is None:
        return DEFAULT_TIMEOUT_SECONDS
    try:
        return float(value)
    except ValueError:
        raise ValueError(
            f"{TIMEOUT_VARIABLE}={value!r} is not a number of seconds: set it to e.g. 60"
        ) from None


class _State:
    """The one lock of this process: its open file and how many times it was taken."""

    def __init__(self) -> None:
        self.guard = threading.Lock()
        self.fd: int | None = None
        self.depth = 0
        self.pid = 0


_state = _State()


def _read_holder(fd: int) -> Holder | None:
    try:
        record = json.loads(os.pread(fd, 4096, 0).decode("utf-8"))
        return Holder(
            pid=int(record["pid"]),
            host=str(record["host"]),
            command=str(record["command"]),
            started=dt.datetime.fromisoformat(record["started"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no holder yet, or one still writing its name


def _write_holder(fd: int, command: str) -> None:
    record = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "command": command,
        "started": dt.datetime.now().isoformat(timespec="seconds"),
    }
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(record).encode("utf-8"), 0)


def _default_command() -> str:
    words = [Path(sys.argv[0]).name, *sys.argv[1:]] if sys.argv and sys.argv[0] else ["python"]
    command = " ".join(words)
    return command if len(command) <= 60 else command[:57] + "..."


def _wait_for_flock(fd: int, path: Path, timeout: float, announce: TextIO | None) -> None:
    started = time.monotonic()
    announced = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        holder = _read_holder(fd)
        waited = time.monotonic() - started
        who = holder.describe() if holder else "another process"
        if not announced and announce is not None and (holder or waited >= _NAME_GRACE_SECONDS):
            print(
                f"waiting for the writer lock held by {who}; --lock-timeout N to give up sooner",
                file=announce,
                flush=True,
            )
            announced = True
        if waited >= timeout:
            raise WriterLockTimeout(
                f"gave up after {timeout:g} s waiting for the writer lock {path} held by {who}: "
                f"try again when it has finished, or wait longer with --lock-timeout or "
                f"{TIMEOUT_VARIABLE}"
            )
        time.sleep(min(_POLL_SECONDS, max(timeout - waited, 0.0)))


def acquire(
    timeout: float | None = None, command: str | None = None, announce: TextIO | None = None
) -> None:
    """Take the writer lock (again, if this process holds it already).

    Waits up to `timeout` seconds (see `lock_timeout`), announcing the wait once on `announce`
    (stderr by default), then raises WriterLockTimeout. `command` names the holder for others.
    """
    with _state.guard:
        if _state.fd is not None and _state.pid == os.getpid():
            _state.depth += 1
            return
        path = lock_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        # Opened without truncating: the holder's name stays readable to those who wait.
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            _wait_for_flock(fd, path, lock_timeout(timeout), announce or sys.stderr)
            _write_holder(fd, command or _default_command())
        except BaseException:
            os.close(fd)
            raise
        _state.fd, _state.depth, _state.pid = fd, 1, os.getpid()


def release() -> None:
    """Undo one `acquire`; the last one frees the lock for other processes."""
    with _state.guard:
        if _state.fd is None or _state.pid != os.getpid():
            return
        _state.depth -= 1
        if _state.depth > 0:
            return
        fd, _state.fd = _state.fd, None
        os.ftruncate(fd, 0)
        os.close(fd)


@contextmanager
def writer_lock(
    timeout: float | None = None, command: str | None = None, announce: TextIO | None = None
) -> Iterator[None]:
    """Hold the writer lock for the block (see `acquire`)."""
    acquire(timeout, command, announce)
    try:
        yield
    finally:
        release()

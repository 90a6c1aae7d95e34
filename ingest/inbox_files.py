"""Reading files users drop into the inbox, one at a time and within limits.

Only regular files inside the inbox are read: a symbolic link that leads out of it, a FIFO, a
device or a folder is refused without being opened for reading (a FIFO would block the build,
`/dev/zero` would be read until memory runs out). A file larger than the cap is refused before
it is read. The file is opened without following links and without blocking, and checked again
on the open descriptor, so a file swapped between the listing and the read cannot slip through.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MAX_MB = 200
_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
}


class InboxFileRefused(ValueError):
    """The inbox entry is not a file the build reads; the message says why."""


@dataclass(frozen=True)
class InboxFile:
    """One inbox file's bytes and their SHA-256."""

    path: Path
    data: bytes
    sha256: str


def max_bytes() -> int:
    """The size cap: `GOVMETRICS_INBOX_MAX_MB` megabytes (default 200)."""
    return int(float(os.environ.get("GOVMETRICS_INBOX_MAX_MB", DEFAULT_MAX_MB)) * 1024 * 1024)


def _kind(mode: int) -> str:
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def _target(path: Path, inbox: Path) -> Path:
    """The file to open: the path itself, or where a link inside the inbox leads."""
    if not path.is_symlink():
        return path
    target = path.resolve()
    if not target.is_relative_to(inbox.resolve()):
        raise InboxFileRefused(
            f"a symbolic link to {target}, outside the inbox: copy the file into the inbox"
        )
    return target


def read_inbox_file(path: Path, inbox: Path, limit: int | None = None) -> InboxFile:
    """The bytes of one inbox file, or InboxFileRefused naming what it is instead."""
    limit = max_bytes() if limit is None else limit
    target = _target(path, inbox)
    try:
        mode = target.lstat().st_mode
    except OSError as err:
        raise InboxFileRefused(f"cannot be read: {err.strerror}") from None
    if not stat.S_ISREG(mode):
        raise InboxFileRefused(f"{_kind(mode)}, not a regular file")
    try:
        fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except OSError as err:
        raise InboxFileRefused(f"cannot be read: {err.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise InboxFileRefused(f"{_kind(status.st_mode)}, not a regular file")
        if status.st_size > limit:
            raise InboxFileRefused(_too_large(status.st_size, limit))
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise InboxFileRefused(_too_large(len(data), limit))
    return InboxFile(path, data, hashlib.sha256(data).hexdigest())


def _too_large(size: int, limit: int) -> str:
    return (
        f"{size / 1048576:.1f} MB, larger than the inbox limit of {limit / 1048576:.0f} MB "
        "(set GOVMETRICS_INBOX_MAX_MB to raise it)"
    )


def inbox_entries(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """Every entry of `folder` whose name ends with one of `suffixes` (case-insensitive), of
    whatever kind, sorted: refusing is the reader's job, so that nothing is skipped silently."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.name.lower().endswith(suffixes))

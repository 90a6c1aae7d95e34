"""Snapshot integrity: publishing records the snapshot's SHA-256, size and mtime in a sidecar
(`<snapshot>.sha256.json`); readers check the file against it before they open it, by size and
mtime first and by the full SHA-256 only when those differ, so that a large file stays fast.
While a publish swaps the file the sidecar accepts both the old and the new fingerprint."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

SIDECAR_SUFFIX = ".sha256.json"


class SnapshotTampered(RuntimeError):
    """The snapshot's checksum no longer matches the one recorded when it was published."""


@dataclass(frozen=True)
class Fingerprint:
    """What publishing recorded of a snapshot: checksum, and size and mtime for a cheap check."""

    sha256: str
    size: int
    mtime_ns: int
    version: str


def sidecar_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + SIDECAR_SUFFIX)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fingerprint(db_path: Path, version: str) -> Fingerprint:
    stat = db_path.stat()
    return Fingerprint(file_sha256(db_path), stat.st_size, stat.st_mtime_ns, version)


def read_sidecar(db_path: Path) -> list[Fingerprint] | None:
    """The fingerprints the sidecar accepts (two while a publish swaps), None without one."""
    sidecar = sidecar_path(db_path)
    try:
        recorded = json.loads(sidecar.read_text(encoding="utf-8"))
        return [Fingerprint(**entry) for entry in recorded["accepted"]]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError) as err:
        raise SnapshotTampered(
            f"{sidecar} cannot be read ({err}): rebuild with `govmetrics build`"
        ) from err


def write_sidecar(db_path: Path, accepted: list[Fingerprint]) -> None:
    """Replace the sidecar atomically (temp file + rename)."""
    sidecar = sidecar_path(db_path)
    temporary = sidecar.with_name(f".{sidecar.name}.{os.getpid()}.tmp")
    text = json.dumps({"accepted": [asdict(f) for f in accepted]}, indent=2)
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, sidecar)


def matching_fingerprint(db_path: Path, accepted: list[Fingerprint]) -> Fingerprint | None:
    """The accepted fingerprint the file matches: by size and mtime, else by full SHA-256."""
    stat = db_path.stat()
    for entry in accepted:
        if (entry.size, entry.mtime_ns) == (stat.st_size, stat.st_mtime_ns):
            return entry
    if all(entry.size != stat.st_size for entry in accepted):
        return None
    digest = file_sha256(db_path)
    return next((entry for entry in accepted if entry.sha256 == digest), None)


def check_snapshot(db_path: Path) -> str | None:
    """Refuse a snapshot changed since it was published; return a warning when it cannot be
    checked (published by code that wrote no sidecar), else None."""
    for _ in range(3):  # a publish may swap the file and its sidecar between the two reads
        accepted = read_sidecar(db_path)
        if accepted is None:
            return (
                f"warning: {db_path} has no recorded checksum (published by an older version), "
                "so it cannot be checked; the next `govmetrics build` records one"
            )
        if matching_fingerprint(db_path, accepted) is not None:
            return None
        if read_sidecar(db_path) == accepted:
            break
    raise SnapshotTampered(
        f"{db_path} was changed after it was published (its SHA-256 differs from "
        f"{sidecar_path(db_path).name}): run `govmetrics build`, which publishes the build "
        "database again (the release files are not touched)"
    )

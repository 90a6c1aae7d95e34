"""What a release's content is, as one hash: the code that made it, the input files it was
built from and the data files it holds. A publish whose hash equals the latest release's makes
no new release, so a rebuild of unchanged data changes nothing a researcher cites. Before that,
`build_fingerprint` hashes everything a build reads, so that `govmetrics build` can skip a build
whose inputs are those of the published snapshot."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import duckdb

from ingest.inbox_files import max_bytes
from warehouse import paths
from warehouse.raw_store import latest_loads
from warehouse.snapshot_check import file_sha256

# The code whose change can change a release: the packages' source files (Python, templates,
# SQL, YAML), the dbt project, the pinned versions. Inputs are hashed apart (`input_files`).
PACKAGES = ("ingest", "orchestration", "warehouse")
CODE_SUFFIXES = frozenset({".py", ".j2", ".css", ".sql", ".yml", ".yaml"})
DBT_FOLDERS = ("models", "macros", "seeds", "tests")
PROJECT_FILES = ("pyproject.toml", "requirements.lock", "dbt_project/dbt_project.yml")
# What builds write under GOVMETRICS_HOME, which is the `warehouse` package by default.
HOME_OUTPUTS = ("build", "published", "releases", "dq", "logs", "dagster")
# What else a build reads besides the code: dbt's connection profile (threads), and the settings
# that change what a build loads, keeps or builds on (the query settings change no build).
BUILD_FILES = ("dbt_project/profiles.yml",)
BUILD_SETTINGS = ("GOVMETRICS_INBOX_MAX_MB", "GOVMETRICS_RELEASES_KEPT", "GOVMETRICS_ENGINE")
BUILD_RECORD_SUFFIX = ".build.json"


def _code_files() -> list[Path]:
    outputs = [paths.home() / folder for folder in HOME_OUTPUTS]
    files = [paths.REPO_ROOT / name for name in PROJECT_FILES]
    for package in PACKAGES:
        files += [
            path
            for path in (paths.REPO_ROOT / package).rglob("*")
            if path.suffix in CODE_SUFFIXES
            and "__pycache__" not in path.parts
            and not any(path.is_relative_to(folder) for folder in outputs)
        ]
    for folder in DBT_FOLDERS:
        files += [p for p in (paths.DBT_PROJECT_DIR / folder).rglob("*") if p.is_file()]
    return sorted(f for f in files if f.is_file())


def code_version() -> str:
    """SHA-256 over the path and content of every code file (no git needed)."""
    digest = hashlib.sha256()
    for file in _code_files():
        digest.update(f"{file.relative_to(paths.REPO_ROOT).as_posix()}\0".encode())
        digest.update(file_sha256(file).encode() + b"\n")
    return digest.hexdigest()


def input_files(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    """(raw table, file, SHA-256) of the latest load of every file the build read."""
    return [(table, name, digest) for table, name, digest, _ in latest_loads(con)]


def content_hash(code: str, inputs: list[tuple[str, str, str]], outputs: dict[str, str]) -> str:
    """One SHA-256 over the code version, the inputs and the outputs' checksums."""
    payload = {"code": code, "inputs": inputs, "outputs": dict(sorted(outputs.items()))}
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


def _size_cap() -> int | None:
    """Files over the inbox cap are refused by their size alone, so only their size counts
    (None when the setting cannot be read: the build will say why, and everything is hashed)."""
    try:
        return max_bytes()
    except ValueError:
        return None


def _inbox_entries(inbox: Path) -> list[str]:
    """Every entry under the inbox, as the build may see it: a regular file by its size and
    SHA-256 (by its size alone over the cap), a link by where it leads and what it leads to
    (links to folders are followed, each real folder once), anything else (a FIFO) by its kind.
    Nothing but a regular file is opened, so a FIFO cannot block."""
    cap = _size_cap()
    entries = []
    seen: set[Path] = set()
    for folder, folders, files in os.walk(inbox, followlinks=True):
        real = Path(folder).resolve()
        if real in seen:  # a link back to a folder already walked
            folders.clear()
            continue
        seen.add(real)
        for name in sorted([*folders, *files]):
            path = Path(folder) / name
            relative = path.relative_to(inbox).as_posix()
            try:
                status = path.stat()
                link = f" link {os.readlink(path)} {path.resolve()}" if path.is_symlink() else ""
                if stat.S_ISREG(status.st_mode):
                    digest = "" if cap is not None and status.st_size > cap else file_sha256(path)
                    entries.append(f"{relative}{link} {status.st_size} {digest}")
                else:
                    entries.append(f"{relative}{link} mode {stat.S_IFMT(status.st_mode)}")
            except OSError as err:  # unreadable or a broken link: the build refuses it by name
                entries.append(f"{relative} error {err.errno}")
    return entries


def build_fingerprint() -> str:
    """SHA-256 over everything a build reads: the code (`code_version`), dbt's profile, the
    files under ingest/data/, every entry under the inbox (where it is, and each file's content)
    and the settings that change what a build does. Equal fingerprints, equal builds."""
    inbox = paths.inbox()
    lines = [f"code {code_version()}", f"inbox {inbox}"]
    lines += [f"setting {name}={os.environ.get(name)!r}" for name in BUILD_SETTINGS]
    data_files = sorted(p for p in paths.INGEST_DATA_DIR.rglob("*") if p.is_file())
    for file in [*(paths.REPO_ROOT / name for name in BUILD_FILES), *data_files]:
        lines.append(f"{file.relative_to(paths.REPO_ROOT).as_posix()} {file_sha256(file)}")
    if inbox.is_dir():
        lines += [f"inbox/{entry}" for entry in _inbox_entries(inbox)]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def build_record_path(published_db: Path) -> Path:
    """Beside the snapshot: the fingerprint of the build that published it."""
    return published_db.with_name(published_db.name + BUILD_RECORD_SUFFIX)

"""What a release's content is, as one hash: the code that made it, the input files it was
built from and the data files it holds. A publish whose hash equals the latest release's makes
no new release, so a rebuild of unchanged data changes nothing a researcher cites."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb

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

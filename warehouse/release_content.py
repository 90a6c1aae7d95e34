"""What a release's content is, as one hash: the code that made it, the input files it was
built from and the data files it holds. A publish whose hash equals the latest release's makes
no new release, so a rebuild of unchanged data changes nothing a researcher cites."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb

from warehouse import paths
from warehouse.raw_store import REMOVED
from warehouse.snapshot_check import file_sha256

# The code whose change can change a release: Python packages, the dbt project, the pins.
PYTHON_PACKAGES = ("ingest", "orchestration", "warehouse")
DBT_FOLDERS = ("models", "macros", "seeds", "tests")
PROJECT_FILES = ("pyproject.toml", "requirements.lock", "dbt_project/dbt_project.yml")


def _code_files() -> list[Path]:
    files = [paths.REPO_ROOT / name for name in PROJECT_FILES]
    for package in PYTHON_PACKAGES:
        files += [
            path
            for path in (paths.REPO_ROOT / package).rglob("*.py")
            if "__pycache__" not in path.parts and not path.is_relative_to(paths.home())
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
    rows = con.execute(
        "select table_name, source_file, max_by(file_hash, load_id) from raw.load_log"
        " group by table_name, source_file order by table_name, source_file"
    ).fetchall()
    return [row for row in rows if row[2] != REMOVED]


def content_hash(code: str, inputs: list[tuple[str, str, str]], outputs: dict[str, str]) -> str:
    """One SHA-256 over the code version, the inputs and the outputs' checksums."""
    payload = {"code": code, "inputs": inputs, "outputs": dict(sorted(outputs.items()))}
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()

"""The dbt project as Dagster sees it. Kept apart from the dbt assets so that the manifest can be
prepared (`dbt parse`) before anything loads it."""

import hashlib
import json
import sys
from importlib.metadata import version
from pathlib import Path

from dagster._utils import run_with_concurrent_update_guard
from dagster_dbt import DbtCliResource, DbtProject

from warehouse import paths
from warehouse.snapshot_check import file_sha256

# This environment's dbt, beside its Python: no activated virtualenv (PATH) is needed.
DBT_EXECUTABLE = Path(sys.executable).with_name("dbt")

govmetrics_dbt = DbtProject(project_dir=paths.DBT_PROJECT_DIR, profiles_dir=paths.DBT_PROJECT_DIR)

# What `dbt parse` reads: the project's folders and files, and the dbt it runs.
DBT_SOURCE_FOLDERS = ("models", "macros", "seeds", "tests", "snapshots", "analyses")
DBT_SOURCE_FILES = ("dbt_project.yml", "profiles.yml", "packages.yml", "dependencies.yml")
DBT_PACKAGES = ("dbt-core", "dbt-duckdb", "dbt-spark", "dagster-dbt")
# Beside manifest.json: the hash of the sources it was parsed from, and its own SHA-256.
SOURCES_STAMP = govmetrics_dbt.manifest_path.with_name("manifest.sources.json")


def _parse() -> None:
    DbtCliResource(project_dir=govmetrics_dbt, dbt_executable=str(DBT_EXECUTABLE)).cli(
        ["parse", "--quiet"], target_path=govmetrics_dbt.target_path
    ).wait()


def dbt_sources_hash() -> str:
    """SHA-256 over the path and content of every file `dbt parse` reads, and dbt's versions."""
    project = paths.DBT_PROJECT_DIR
    files = [project / name for name in DBT_SOURCE_FILES]
    for folder in DBT_SOURCE_FOLDERS:
        files += (project / folder).rglob("*")
    digest = hashlib.sha256(" ".join(f"{p}={version(p)}" for p in DBT_PACKAGES).encode())
    for file in sorted(f for f in files if f.is_file()):
        digest.update(f"\n{file.relative_to(project).as_posix()}\0{file_sha256(file)}".encode())
    return digest.hexdigest()


def _stamp(sources: str) -> dict[str, str]:
    return {"sources": sources, "manifest": file_sha256(govmetrics_dbt.manifest_path)}


def _parse_unless_current() -> None:
    """Parse unless manifest.json is the one parsed from the sources as they are now."""
    sources = dbt_sources_hash()  # before parsing: an edit made meanwhile parses next time
    try:
        if json.loads(SOURCES_STAMP.read_text(encoding="utf-8")) == _stamp(sources):
            return
    except (OSError, ValueError):
        pass  # no stamp or no manifest yet
    SOURCES_STAMP.unlink(missing_ok=True)
    _parse()
    SOURCES_STAMP.write_text(json.dumps(_stamp(sources)), encoding="utf-8")


def prepare_manifest() -> None:
    """`dbt parse` with DBT_EXECUTABLE (dagster-dbt's own preparer runs the `dbt` on PATH),
    behind the lock file that preparer uses, so that builds of several warehouses from this
    checkout do not write the manifest at once; skipped when the manifest was parsed from the
    sources as they are now (SOURCES_STAMP)."""
    run_with_concurrent_update_guard(govmetrics_dbt.manifest_path, _parse_unless_current)


# Under `dagster dev` the manifest is re-parsed on load so model edits show up at once.
if govmetrics_dbt.preparer.using_dagster_dev():
    prepare_manifest()

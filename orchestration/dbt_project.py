"""The dbt project as Dagster sees it. Kept apart from the dbt assets so that the manifest can be
prepared (`dbt parse`) before anything loads it."""

import sys
from pathlib import Path

from dagster._utils import run_with_concurrent_update_guard
from dagster_dbt import DbtCliResource, DbtProject

from warehouse import paths

# This environment's dbt, beside its Python: no activated virtualenv (PATH) is needed.
DBT_EXECUTABLE = Path(sys.executable).with_name("dbt")

govmetrics_dbt = DbtProject(project_dir=paths.DBT_PROJECT_DIR, profiles_dir=paths.DBT_PROJECT_DIR)


def _parse() -> None:
    DbtCliResource(project_dir=govmetrics_dbt, dbt_executable=str(DBT_EXECUTABLE)).cli(
        ["parse", "--quiet"], target_path=govmetrics_dbt.target_path
    ).wait()


def prepare_manifest() -> None:
    """`dbt parse` with DBT_EXECUTABLE (dagster-dbt's own preparer runs the `dbt` on PATH),
    behind the lock file that preparer uses, so that builds of several warehouses from this
    checkout do not write the manifest at once."""
    run_with_concurrent_update_guard(govmetrics_dbt.manifest_path, _parse)


# Under `dagster dev` the manifest is re-parsed on load so model edits show up at once.
if govmetrics_dbt.preparer.using_dagster_dev():
    prepare_manifest()

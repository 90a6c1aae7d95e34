"""The dbt project as Dagster sees it. Kept apart from the dbt assets so that the manifest can be
prepared (`dbt parse`) before anything loads it."""

import os
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from warehouse import paths

# dagster-dbt runs `dbt` from PATH; make it this environment's dbt even when the virtualenv is
# not activated (`.venv/bin/govmetrics build`).
_BIN_DIR = str(Path(sys.executable).parent)
if _BIN_DIR not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _BIN_DIR + os.pathsep + os.environ.get("PATH", "")

govmetrics_dbt = DbtProject(project_dir=paths.DBT_PROJECT_DIR, profiles_dir=paths.DBT_PROJECT_DIR)

# Under `dagster dev` the manifest is re-parsed on load so model edits show up at once.
govmetrics_dbt.prepare_if_dev()

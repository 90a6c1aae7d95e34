"""The Dagster instance of a warehouse: its folder under GOVMETRICS_HOME and its settings."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from warehouse import paths

if TYPE_CHECKING:
    from dagster import DagsterInstance

# Copied into dagster_home() by every build, so `make dev` and `govmetrics build` share settings.
DAGSTER_YAML_TEMPLATE = Path(__file__).resolve().parent / "dagster.yaml"


def dagster_home() -> Path:
    """Dagster's run history and event log (DAGSTER_HOME) for the warehouse."""
    return paths.home() / "dagster"


def dagster_instance() -> DagsterInstance:
    """A persistent instance under GOVMETRICS_HOME, so `make dev` shows the CLI's runs too."""
    from dagster import DagsterInstance

    home = dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(DAGSTER_YAML_TEMPLATE, home / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(home)
    return DagsterInstance.get()

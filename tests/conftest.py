"""Shared fixtures: one real build (Dagster + dbt + DuckDB) into a temporary warehouse."""

import os
import shutil

import pytest


@pytest.fixture(scope="session")
def built_home(tmp_path_factory):
    """GOVMETRICS_HOME after a successful `govmetrics build`."""
    home = tmp_path_factory.mktemp("warehouse")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GOVMETRICS_HOME", str(home))
        patch.setenv("GOVMETRICS_INBOX", str(tmp_path_factory.mktemp("empty_inbox")))
        patch.setenv("DAGSTER_HOME", os.environ.get("DAGSTER_HOME", ""))
        from orchestration.build import build_and_publish

        assert build_and_publish(), f"build failed; see the log under {home / 'logs'}"
    return home


@pytest.fixture
def home_copy(built_home, tmp_path, monkeypatch):
    """A private copy of the built warehouse, for tests that build again or break things."""
    home = tmp_path / "warehouse"
    shutil.copytree(built_home, home, ignore=shutil.ignore_patterns("*.lock", "logs"))
    monkeypatch.setenv("GOVMETRICS_HOME", str(home))
    monkeypatch.setenv("DAGSTER_HOME", str(home / "dagster"))
    monkeypatch.setenv("GOVMETRICS_INBOX", str(tmp_path / "inbox"))
    return home

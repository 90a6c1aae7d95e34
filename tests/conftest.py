"""Shared fixtures: one real build (Dagster + dbt + DuckDB) into a temporary warehouse."""

import contextlib
import io
import os
import shutil
import sys

import pytest

BUILD_OUTPUT = pytest.StashKey[str]()


class _Terminal(io.StringIO):
    """Captured output that says it is a terminal, as in `make run` from a shell."""

    def isatty(self) -> bool:
        return True


@pytest.fixture(scope="session")
def built_home(tmp_path_factory, request):
    """GOVMETRICS_HOME after a successful `govmetrics build` (what it printed on a terminal:
    `build_output`)."""
    home = tmp_path_factory.mktemp("warehouse")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GOVMETRICS_HOME", str(home))
        patch.setenv("GOVMETRICS_INBOX", str(tmp_path_factory.mktemp("empty_inbox")))
        patch.setenv("DAGSTER_HOME", os.environ.get("DAGSTER_HOME", ""))
        from orchestration.cli import main

        with contextlib.redirect_stdout(output := _Terminal()):
            exit_code = main(["build"])
        request.config.stash[BUILD_OUTPUT] = output.getvalue()
        sys.stdout.write(output.getvalue())
        assert exit_code == 0, f"build failed; see the log under {home / 'logs'}"
    return home


@pytest.fixture(scope="session")
def build_output(built_home, request) -> str:
    """What `govmetrics build` printed while making `built_home`."""
    return request.config.stash[BUILD_OUTPUT]


@pytest.fixture
def home_copy(built_home, tmp_path, monkeypatch):
    """A private copy of the built warehouse, for tests that build again or break things."""
    home = tmp_path / "warehouse"
    shutil.copytree(built_home, home, ignore=shutil.ignore_patterns("*.lock", "logs"))
    monkeypatch.setenv("GOVMETRICS_HOME", str(home))
    monkeypatch.setenv("DAGSTER_HOME", str(home / "dagster"))
    monkeypatch.setenv("GOVMETRICS_INBOX", str(tmp_path / "inbox"))
    return home


BUILD_FIXTURES = frozenset({"built_home", "build_output", "home_copy"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `integration` every test that uses the shared build, so `make test-unit` skips it.

    Tests that run a build of their own carry the mark explicitly.
    """
    for item in items:
        if BUILD_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)

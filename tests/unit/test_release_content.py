"""The code version a release's content hash covers: every source file of the packages and the
dbt project, never what builds write (GOVMETRICS_HOME is the `warehouse` package by default)."""

from pathlib import Path

import pytest

from warehouse import paths, release_content


@pytest.fixture
def repo(tmp_path: Path, monkeypatch) -> Path:
    """A small repository: one file per kind of code, and a default home inside `warehouse/`."""
    files = {
        "pyproject.toml": "[project]",
        "requirements.lock": "duckdb==2",
        "dbt_project/dbt_project.yml": "name: x",
        "dbt_project/models/a.sql": "select 1",
        "dbt_project/seeds/s.csv": "a\n1\n",
        "ingest/reader.py": "X = 1",
        "orchestration/build.py": "Y = 1",
        "warehouse/exports.py": "Z = 1",
        "warehouse/templates/page.html.j2": "<p>{{ x }}</p>",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.setattr(paths, "REPO_ROOT", tmp_path)
    monkeypatch.setattr(paths, "DBT_PROJECT_DIR", tmp_path / "dbt_project")
    monkeypatch.setenv("GOVMETRICS_HOME", str(tmp_path / "warehouse"))
    return tmp_path


@pytest.mark.parametrize(
    "changed",
    [
        "warehouse/exports.py",
        "warehouse/templates/page.html.j2",
        "ingest/reader.py",
        "dbt_project/models/a.sql",
        "dbt_project/seeds/s.csv",
        "requirements.lock",
    ],
)
def test_a_change_to_any_code_file_changes_the_version(repo, changed):
    before = release_content.code_version()
    (repo / changed).write_text((repo / changed).read_text() + "\n")
    assert release_content.code_version() != before


def test_what_builds_write_under_the_default_home_is_not_code(repo):
    before = release_content.code_version()
    for name in (
        "releases/v1/index.html",
        "releases/v1/x.py",
        "dq/docs/page.css",
        "logs/b.log",
        "dagster/dagster.yaml",
        "build/x.sql",
    ):
        (repo / "warehouse" / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / "warehouse" / name).write_text("written by a build")
    assert release_content.code_version() == before

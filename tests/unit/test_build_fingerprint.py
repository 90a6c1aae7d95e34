"""The no-change fast path of `govmetrics build`: the fingerprint of everything a build reads,
and the decision to skip, checked on a small repository and a published warehouse made by hand
(no Dagster run); the decision against a real build is in tests/integration/test_nochange_build.py.
"""

import os
from pathlib import Path

import duckdb
import pytest

from orchestration import build
from orchestration.cli import main
from orchestration.dbt_project import (
    SOURCES_STAMP,
    dbt_sources_hash,
    govmetrics_dbt,
    prepare_manifest,
)
from warehouse import paths, release_content
from warehouse.publish import publish_snapshot
from warehouse.snapshot_check import fingerprint, write_sidecar

VERSION = "20260101T000000000000Z"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch) -> Path:
    """A small repository (one file per kind of code and input) and an inbox with a file in each
    folder a build reads."""
    files = {
        "pyproject.toml": "[project]",
        "requirements.lock": "duckdb==2",
        "dbt_project/dbt_project.yml": "name: x",
        "dbt_project/profiles.yml": "threads: 1",
        "dbt_project/models/a.sql": "select 1",
        "ingest/reader.py": "X = 1",
        "ingest/data/observations/a.csv": "a\n1\n",
        "orchestration/build.py": "Y = 1",
        "warehouse/exports.py": "Z = 1",
        "inbox/statistics/export.csv": "指标,2023年\n",
        "inbox/reports/cdb.txt": "全国注册志愿者超过2.37亿名",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.setattr(paths, "REPO_ROOT", tmp_path)
    monkeypatch.setattr(paths, "DBT_PROJECT_DIR", tmp_path / "dbt_project")
    monkeypatch.setattr(paths, "INGEST_DATA_DIR", tmp_path / "ingest" / "data")
    monkeypatch.setenv("GOVMETRICS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GOVMETRICS_INBOX", str(tmp_path / "inbox"))
    for name in (*release_content.BUILD_SETTINGS, "GOVMETRICS_SQL_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def published(repo: Path) -> Path:
    """A warehouse as a successful build leaves it: build database, snapshot with its sidecar,
    the release folder, and the build record of the repository as it is."""
    home = repo / "home"
    for folder in ("build", "published", f"releases/{VERSION}"):
        (home / folder).mkdir(parents=True)
    duckdb.connect(str(paths.build_db())).close()
    snapshot = paths.published_db()
    snapshot.write_bytes(b"snapshot")
    write_sidecar(snapshot, [fingerprint(snapshot, VERSION)])
    for name in ("SHA256SUMS", "datapackage.json"):
        (home / "releases" / VERSION / name).write_text("{}")
    build.record_build(release_content.build_fingerprint())
    return home


def skipped() -> bool:
    """Whether `govmetrics build` would do nothing now."""
    return build.unchanged_release(release_content.build_fingerprint()) is not None


def test_nothing_changed_skips_and_says_so_in_one_line(published, capsys):
    assert build.unchanged_release(release_content.build_fingerprint()) == VERSION
    assert main(["build"]) == 0
    assert capsys.readouterr().out == (
        f"nothing changed since the published build (release {VERSION}): nothing to do "
        "(use --force to rebuild)\n"
    )
    assert not (published / "logs").exists()  # no run was started


@pytest.mark.parametrize(
    "change",
    [
        "inbox/statistics/export.csv",  # same size, other bytes
        "inbox/reports/cdb.review.csv",  # a new file: a review file
        "ingest/data/observations/a.csv",
        "ingest/reader.py",
        "dbt_project/models/a.sql",
        "dbt_project/profiles.yml",
    ],
)
def test_a_changed_input_code_or_profile_file_builds(repo, published, change):
    file = repo / change
    if file.exists():  # the same size, one bit changed
        data = file.read_bytes()
        file.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    else:
        file.write_text("claim_id\n")
    assert not skipped()


def test_a_file_taken_out_of_the_inbox_builds(repo, published):
    (repo / "inbox" / "reports" / "cdb.txt").unlink()
    assert not skipped()


def test_a_moved_inbox_builds(repo, published, monkeypatch):
    os.rename(repo / "inbox", repo / "moved")
    monkeypatch.setenv("GOVMETRICS_INBOX", str(repo / "moved"))
    assert not skipped()


def test_a_setting_of_the_build_builds_and_a_query_setting_does_not(published, monkeypatch):
    monkeypatch.setenv("GOVMETRICS_SQL_TIMEOUT", "5")
    assert skipped()
    monkeypatch.setenv("GOVMETRICS_INBOX_MAX_MB", "1")
    assert not skipped()


def test_a_fifo_in_the_inbox_is_fingerprinted_without_being_opened(repo, published):
    os.mkfifo(repo / "inbox" / "statistics" / "pipe.csv")
    assert not skipped()  # would block forever if the FIFO were read


def test_a_file_changed_behind_a_linked_folder_builds(repo, published, tmp_path):
    # The build follows links within the inbox; so does the fingerprint.
    elsewhere = repo / "kept"
    (repo / "inbox" / "statistics").rename(elsewhere)
    (repo / "inbox" / "statistics").symlink_to(elsewhere, target_is_directory=True)
    build.record_build(release_content.build_fingerprint())
    assert skipped()
    (elsewhere / "export.csv").write_text("指标,2022年\n")
    assert not skipped()


def test_a_file_over_the_size_cap_counts_by_its_size_alone(repo, published, monkeypatch):
    # It is refused by its size, never read: a large file does not slow the decision down.
    monkeypatch.setenv("GOVMETRICS_INBOX_MAX_MB", "0.000001")
    build.record_build(release_content.build_fingerprint())
    export = repo / "inbox" / "statistics" / "export.csv"
    export.write_text(export.read_text().replace("2023", "2024"))  # same size
    assert skipped()
    export.write_text(export.read_text() + "x")
    assert not skipped()


@pytest.mark.parametrize(
    "damage",
    [
        "tampered snapshot",
        "removed snapshot",
        "removed sidecar",
        "removed release",
        "changed build database",
        "removed record",
    ],
)
def test_a_damaged_or_changed_warehouse_builds(published, damage):
    snapshot = paths.published_db()
    if damage == "tampered snapshot":
        os.chmod(snapshot, 0o644)
        snapshot.write_bytes(b"snapshot, changed")
    elif damage == "removed snapshot":
        snapshot.unlink()
    elif damage == "removed sidecar":
        snapshot.with_name(snapshot.name + ".sha256.json").unlink()
    elif damage == "removed release":
        for file in (published / "releases" / VERSION).iterdir():
            file.unlink()
    elif damage == "changed build database":
        with duckdb.connect(str(paths.build_db())) as con:
            con.execute("create table x as select 1 as y")
    else:
        release_content.build_record_path(snapshot).unlink()
    assert not skipped()


def test_a_publish_that_does_not_complete_leaves_no_record(published):
    """The toy build database has no marts, so publishing fails after it has started."""
    record = release_content.build_record_path(paths.published_db())
    assert record.exists()
    with pytest.raises(duckdb.Error):
        publish_snapshot(paths.build_db(), paths.published_db(), paths.releases_dir())
    assert not record.exists()
    assert not skipped()


@pytest.mark.parametrize("change", ["dbt_project/models/a.sql", "dbt_project/profiles.yml"])
def test_the_dbt_sources_hash_follows_every_file_dbt_parse_reads(repo, change):
    before = dbt_sources_hash()
    (repo / change).write_text((repo / change).read_text() + "\n")
    assert dbt_sources_hash() != before


@pytest.mark.slow  # runs `dbt parse` (about 9 s) when the manifest is not current
def test_a_current_manifest_is_not_parsed_again():
    prepare_manifest()  # parses unless the manifest is current
    parsed = govmetrics_dbt.manifest_path.stat().st_mtime_ns
    assert SOURCES_STAMP.exists()
    prepare_manifest()
    assert govmetrics_dbt.manifest_path.stat().st_mtime_ns == parsed

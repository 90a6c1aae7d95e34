"""What a killed publish leaves is cleared by the next one: temporary files and folders, a release
folder the manifest does not list, manifest entries without a folder, a sidecar naming two
snapshots. Each kill is a real SIGKILL of a publishing process at a chosen rename."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.build_edits import revise_a_figure
from warehouse.exports import write_checksums
from warehouse.publish import list_releases, publish_snapshot, tidy_interrupted_publishes
from warehouse.snapshot_check import fingerprint, read_sidecar, sidecar_path, write_sidecar

GOVMETRICS = Path(sys.executable).parent / "govmetrics"

# Runs publish_snapshot and kills itself (SIGKILL) just before the rename named by argv[2].
KILLED_PUBLISH = """
import os, re, signal, sys
from pathlib import Path
from warehouse.publish import publish_snapshot

home, point = Path(sys.argv[1]), sys.argv[2]
renames = {"release": 0, "sidecar": 0, "swap": 0, "manifest": 0}

def kind(destination):
    name = Path(destination).name
    if re.fullmatch(r"\\d{8}T\\d{12}Z", name):
        return "release"
    return {"govmetrics.duckdb.sha256.json": "sidecar", "govmetrics.duckdb": "swap",
            "releases.json": "manifest"}.get(name)

def hook(event, args):
    if event == "os.rename" and (found := kind(args[1])):
        renames[found] += 1
        if f"{found}{renames[found]}" == point:
            os.kill(os.getpid(), signal.SIGKILL)

sys.addaudithook(hook)
publish_snapshot(home / "build" / "govmetrics.duckdb", home / "published" / "govmetrics.duckdb",
                 home / "releases")
"""


def published(home: Path) -> Path:
    return home / "published" / "govmetrics.duckdb"


def tidy(home: Path) -> list[str]:
    return tidy_interrupted_publishes(published(home), home / "releases")


def leftovers(home: Path) -> list[str]:
    return sorted(
        p.name
        for folder in (home / "published", home / "releases")
        for p in folder.iterdir()
        if p.name.startswith(".") or p.name.endswith(".tmp")
    )


def release_folders(home: Path) -> list[str]:
    return sorted(p.name for p in (home / "releases").iterdir() if p.is_dir())


def sql_works() -> None:
    result = subprocess.run(
        [GOVMETRICS, "sql", "select count(*) from marts.sources"],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ,
    )
    assert (result.returncode, result.stderr) == (0, "")


def test_nothing_interrupted_means_nothing_done(home_copy):
    assert tidy(home_copy) == []
    assert leftovers(home_copy) == []


@pytest.mark.parametrize(
    ("point", "expected", "released"),
    [
        # Killed before the swap: the new release was never served, so it goes.
        ("release1", ["removed", "removed"], False),
        ("sidecar1", ["removed", "removed", "removed"], False),
        ("swap1", ["removed", "kept", "removed"], False),
        # Killed after the swap: the release is served, so it is added to the manifest.
        ("sidecar2", ["removed", "kept", "added"], True),
        ("manifest1", ["removed", "added"], True),
    ],
)
def test_a_publish_killed_at_each_rename_is_tidied(home_copy, point, expected, released):
    before = list_releases(home_copy / "releases")
    revise_a_figure(home_copy / "build" / "govmetrics.duckdb")  # so that it makes a release
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_PUBLISH, str(home_copy), point],
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ,
    )
    assert killed.returncode == -9, killed.stderr
    # Whatever the moment of the kill, the published snapshot is served without complaint.
    sql_works()
    done = tidy(home_copy)
    assert [line.split()[0] for line in done] == expected, done
    assert leftovers(home_copy) == []
    assert len(read_sidecar(published(home_copy))) == 1
    releases = list_releases(home_copy / "releases")
    assert [r["version"] for r in releases] == release_folders(home_copy)
    assert len(releases) == len(before) + released
    assert tidy(home_copy) == []
    sql_works()


def test_each_kind_of_leftover_is_removed(home_copy):
    releases = home_copy / "releases"
    version = list_releases(releases)[-1]["version"]
    temp_snapshot = home_copy / "published" / f".govmetrics.duckdb.{'ab' * 16}.tmp"
    temp_snapshot.write_bytes(b"partial copy")
    temp_sidecar = home_copy / "published" / ".govmetrics.duckdb.sha256.json.4242.tmp"
    temp_sidecar.write_text("{", encoding="utf-8")
    half_release = releases / ".20990101T000000000000Z.tmp"
    shutil.copytree(releases / version, half_release)
    (releases / "releases.json.tmp").write_text("[", encoding="utf-8")
    done = tidy(home_copy)
    assert len(done) == 4, done
    assert all(line.startswith("removed ") for line in done)
    assert leftovers(home_copy) == []
    assert release_folders(home_copy) == [version]


def test_a_complete_release_missing_from_the_manifest_is_added(home_copy):
    """A publish killed after the swap (the snapshot is named after its release) but before
    the manifest was written."""
    releases = home_copy / "releases"
    (listed,) = list_releases(releases)
    shutil.copytree(releases / listed["version"], releases / "20990102T030405000006Z")
    snapshot = published(home_copy)
    write_sidecar(snapshot, [fingerprint(snapshot, "20990102T030405000006Z")])
    (line,) = tidy(home_copy)
    assert line.startswith("added release 20990102T030405000006Z")
    added = list_releases(releases)[-1]
    assert added["version"] == "20990102T030405000006Z"
    assert added["created"] == "2099-01-02T03:04:05Z"
    assert (added["rows"], added["checks"]) == (listed["rows"], listed["checks"])
    assert added["content_hash"] == listed["content_hash"]


@pytest.mark.parametrize("damage", ["changed file", "missing file", "no SHA256SUMS"])
def test_an_incomplete_release_missing_from_the_manifest_is_removed(home_copy, damage):
    releases = home_copy / "releases"
    (listed,) = list_releases(releases)
    folder = releases / "20990102T030405000006Z"
    shutil.copytree(releases / listed["version"], folder)
    target = {
        "changed file": folder / "data" / "sources.csv",
        "missing file": folder / "data" / "sources.parquet",
        "no SHA256SUMS": folder / "SHA256SUMS",
    }[damage]
    os.chmod(target, 0o644)
    if damage == "changed file":
        with target.open("a", encoding="utf-8") as handle:
            handle.write("x\n")
    else:
        target.unlink()
    (line,) = tidy(home_copy)
    assert line.startswith(f"removed {folder}: not in releases.json and incomplete")
    assert release_folders(home_copy) == [listed["version"]]
    assert list_releases(releases) == [listed]


def test_a_manifest_entry_without_its_folder_is_dropped(home_copy):
    releases = home_copy / "releases"
    (listed,) = list_releases(releases)
    ghost = listed | {"version": "20000101T000000000000Z"}
    (releases / "releases.json").write_text(json.dumps([ghost, listed]), encoding="utf-8")
    (line,) = tidy(home_copy)
    assert line == "dropped release 20000101T000000000000Z from releases.json: its folder is gone"
    assert list_releases(releases) == [listed]


def test_publishing_tidies_first(home_copy):
    temp_snapshot = home_copy / "published" / f".govmetrics.duckdb.{'cd' * 16}.tmp"
    temp_snapshot.write_bytes(b"partial copy")
    summary = publish_snapshot(
        home_copy / "build" / "govmetrics.duckdb", published(home_copy), home_copy / "releases"
    )
    assert leftovers(home_copy) == []
    assert read_sidecar(published(home_copy))[0].version == summary["version"]
    assert sidecar_path(published(home_copy)).exists()
    sql_works()


def test_a_complete_release_that_was_never_served_is_removed(home_copy):
    """A publish killed after writing its release folder but before the swap: the folder is
    complete, but the snapshot in place is still named after the release before it."""
    releases = home_copy / "releases"
    (listed,) = list_releases(releases)
    folder = releases / "20990102T030405000006Z"
    shutil.copytree(releases / listed["version"], folder)
    (line,) = tidy(home_copy)
    assert line == f"removed {folder}: its publish was interrupted before the swap"
    assert release_folders(home_copy) == [listed["version"]]
    assert list_releases(releases) == [listed]


def test_a_served_release_written_by_older_code_is_added_and_the_next_publish_releases(
    home_copy,
):
    """A release folder from before content hashes (no x_content_hash, x_checks, x_changes)
    is recovered without them, and the next publish makes a release rather than crashing."""
    releases = home_copy / "releases"
    (listed,) = list_releases(releases)
    folder = releases / "20990102T030405000006Z"
    shutil.copytree(releases / listed["version"], folder)
    package_file = folder / "datapackage.json"
    package = json.loads(package_file.read_text(encoding="utf-8"))
    for key in ("x_content_hash", "x_checks", "x_changes"):
        del package[key]
    os.chmod(package_file, 0o644)
    package_file.write_text(json.dumps(package), encoding="utf-8")
    os.chmod(folder / "SHA256SUMS", 0o644)
    write_checksums(folder, {})
    snapshot = published(home_copy)
    write_sidecar(snapshot, [fingerprint(snapshot, folder.name)])
    (line,) = tidy(home_copy)
    assert line.startswith(f"added release {folder.name}")
    assert list_releases(releases)[-1]["content_hash"] == ""
    summary = publish_snapshot(home_copy / "build" / "govmetrics.duckdb", snapshot, releases)
    assert summary["new_release"] and summary["content_hash"] == listed["content_hash"]

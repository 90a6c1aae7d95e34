"""Publishing: a read-only snapshot of the build database, released with its download files.

Order matters: the build database is checkpointed and copied; the release folder is written
beside the others under a temporary name and renamed into place; only then does the snapshot
replace the published file (an atomic rename). A release is made only when its content (code,
inputs and data files, one hash) differs from the latest release's; otherwise only the snapshot
is published again and the release list stays as it is. A failure at any step leaves the published
warehouse and the releases as they were. Readers that opened the previous snapshot keep reading
it (the old file lives on until they close it); nothing writes to a published file in place.

The snapshot's SHA-256, size and mtime are recorded in a sidecar (`govmetrics.duckdb.sha256.json`)
that readers check. Around the swap the sidecar accepts both the new and the old snapshot, so a
publish killed between writing the sidecar and renaming the snapshot (or after) leaves a
snapshot its sidecar accepts. `tidy_interrupted_publishes` clears what a killed publish left.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import uuid
from pathlib import Path

import duckdb

from warehouse import paths
from warehouse.exports import (
    content_id,
    export_data,
    write_changes,
    write_checksums,
    write_datapackage,
)
from warehouse.release_content import build_record_path
from warehouse.snapshot_check import (
    Fingerprint,
    SnapshotTampered,
    file_sha256,
    fingerprint,
    matching_fingerprint,
    read_sidecar,
    sidecar_path,
    write_sidecar,
)

RELEASES_KEPT = int(os.environ.get("GOVMETRICS_RELEASES_KEPT", "5"))
MANIFEST = "releases.json"
# Names publishing gives its files: a release version, and the temporary names of a publish.
VERSION = re.compile(r"\d{8}T\d{12}Z")
RELEASE_TEMP = re.compile(r"\.(\d{8}T\d{12}Z)\.tmp")


def _release_summary(folder: Path) -> dict:
    """Version, time, content hash, rows per dataset, data-quality status and changes of a
    release, read from its datapackage.json (the time from its folder's name)."""
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    created = dt.datetime.strptime(folder.name, "%Y%m%dT%H%M%S%fZ")
    return {
        "version": folder.name,
        "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        # Releases written before content hashes have none: the next publish makes a release.
        "content_hash": package.get("x_content_hash", ""),
        "rows": {
            r["x_dataset"]: r.get("x_rows", 0)
            for r in package.get("resources", [])
            if r.get("format") == "parquet"
        },
        "checks": package.get("x_checks", dict.fromkeys(["passed", "warned", "failed"], 0)),
        "changes": package.get("x_changes", {}),
    }


def _previous_data(releases_dir: Path, latest: dict | None) -> Path | None:
    """The latest release's data folder, when it holds what changes.csv compares."""
    if latest is None:
        return None
    data = releases_dir / latest["version"] / "data"
    needed = ("indicator_series.parquet", "claim_verification.parquet")
    return data if all((data / name).is_file() for name in needed) else None


def _write_release(snapshot: Path, releases_dir: Path, version: str) -> tuple[dict, bool]:
    """Write the release of a snapshot; returns its summary and True, or the latest release's
    summary and False when the content is the same as that release's (nothing is written)."""
    from warehouse.catalog_page import write_catalog_page

    latest = _latest_release(releases_dir)
    staging = releases_dir / f".{version}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        limit = {"memory_limit": paths.duckdb_memory_limit()}
        with duckdb.connect(str(snapshot), read_only=True, config=limit) as con:
            data = export_data(con, staging)
            if latest is not None and latest.get("content_hash") == data.content_hash:
                return latest, False
            previous_data = _previous_data(releases_dir, latest)
            changes = write_changes(con, previous_data, staging)
            previous = None  # changes.csv is against nothing when the latest has no data files
            if previous_data is not None:
                previous = (
                    content_id(latest["content_hash"])
                    if latest.get("content_hash")
                    else latest["version"]
                )
            write_datapackage(con, staging, data, previous, changes)
        write_catalog_page(staging, snapshot)
        write_checksums(staging, data.outputs)
        for file in staging.rglob("*"):
            if file.is_file():
                os.chmod(file, 0o444)
        final = releases_dir / version
        os.rename(staging, final)
        return _release_summary(final), True
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _latest_release(releases_dir: Path) -> dict | None:
    """The newest release in the manifest whose folder is there."""
    present = [r for r in list_releases(releases_dir) if (releases_dir / r["version"]).is_dir()]
    return present[-1] if present else None


def list_releases(releases_dir: Path) -> list[dict]:
    manifest = releases_dir / MANIFEST
    return json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else []


def _remove_release(folder: Path) -> None:
    for file in folder.rglob("*"):
        os.chmod(file, 0o644 if file.is_file() else 0o755)
    shutil.rmtree(folder, ignore_errors=True)


def _write_manifest(releases_dir: Path, releases: list[dict]) -> None:
    """Write the manifest atomically, keeping (and leaving on disk) the last RELEASES_KEPT."""
    kept, dropped = releases[-RELEASES_KEPT:], releases[:-RELEASES_KEPT]
    for old in dropped:
        _remove_release(releases_dir / old["version"])
    manifest = releases_dir / MANIFEST
    temporary = manifest.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(kept, indent=2), encoding="utf-8")
    os.replace(temporary, manifest)


def _record(releases_dir: Path, summary: dict) -> None:
    """Add the release to the manifest and delete all but the last RELEASES_KEPT."""
    _write_manifest(releases_dir, [*list_releases(releases_dir), summary])


def _release_is_complete(folder: Path) -> bool:
    """Every file its SHA256SUMS lists is there with that checksum, datapackage.json among them."""
    sums = folder / "SHA256SUMS"
    if not sums.is_file():
        return False
    listed = {}
    for line in sums.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    return "datapackage.json" in listed and all(
        (folder / name).is_file() and file_sha256(folder / name) == digest
        for name, digest in listed.items()
    )


def _tidy_published(published_db: Path) -> list[str]:
    done = []
    temporary = re.compile(
        rf"\.{re.escape(published_db.name)}\.[0-9a-f]{{32}}\.tmp"
        rf"|\.{re.escape(sidecar_path(published_db).name)}\.\d+\.tmp"
        rf"|\.{re.escape(build_record_path(published_db).name)}\.\d+\.tmp"
    )
    if published_db.parent.is_dir():
        for leftover in sorted(published_db.parent.iterdir()):
            if temporary.fullmatch(leftover.name) and leftover.is_file():
                leftover.unlink()
                done.append(f"removed {leftover}, left by an interrupted publish")
    try:
        accepted = read_sidecar(published_db)
    except SnapshotTampered:
        return done  # readers refuse it and say what to do; a publish rewrites it
    if accepted and len(accepted) > 1 and published_db.exists():
        # Killed during the swap: keep only the snapshot that is in place.
        current = matching_fingerprint(published_db, accepted)
        if current is not None:
            write_sidecar(published_db, [current])
            done.append(
                f"kept only the checksum of release {current.version} in "
                f"{sidecar_path(published_db)} (a publish was interrupted during the swap)"
            )
    return done


def _served_snapshot(published_db: Path) -> Fingerprint | None:
    """The recorded fingerprint of the snapshot in place (None when none can be told)."""
    try:
        accepted = read_sidecar(published_db)
    except SnapshotTampered:
        return None
    if not accepted or not published_db.exists():
        return None
    return matching_fingerprint(published_db, accepted)


def _never_served(folder: Path, served: Fingerprint | None) -> bool:
    """A release written after the snapshot in place: its publish was killed before the swap
    (which names the snapshot after its release), so it was never the published warehouse."""
    return served is not None and folder.name > served.version


def _tidy_releases(releases_dir: Path, served: Fingerprint | None) -> list[str]:
    done = []
    if not releases_dir.is_dir():
        return done
    temporary = releases_dir / f"{MANIFEST}.tmp"
    if temporary.is_file():
        temporary.unlink()
        done.append(f"removed {temporary}, left by an interrupted publish")
    releases = list_releases(releases_dir)
    listed = {release["version"] for release in releases}
    changed = False
    for folder in sorted(releases_dir.iterdir()):
        if not folder.is_dir():
            continue
        if RELEASE_TEMP.fullmatch(folder.name):
            _remove_release(folder)
            done.append(f"removed {folder}, a release an interrupted publish left half-written")
        elif VERSION.fullmatch(folder.name) and folder.name not in listed:
            if not _release_is_complete(folder):
                _remove_release(folder)
                done.append(f"removed {folder}: not in {MANIFEST} and incomplete (SHA256SUMS)")
                continue
            if _never_served(folder, served):
                _remove_release(folder)
                done.append(f"removed {folder}: its publish was interrupted before the swap")
                continue
            releases.append(_release_summary(folder))
            changed = True
            done.append(f"added release {folder.name} to {MANIFEST} (its checksums verified)")
    present = [r for r in releases if (releases_dir / r["version"]).is_dir()]
    for gone in (r for r in releases if r not in present):
        changed = True
        done.append(f"dropped release {gone['version']} from {MANIFEST}: its folder is gone")
    if changed:
        _write_manifest(releases_dir, sorted(present, key=lambda r: r["version"]))
    return done


def tidy_interrupted_publishes(published_db: Path, releases_dir: Path) -> list[str]:
    """Clear what killed publishes left: temporary files and folders, a sidecar that still
    accepts two snapshots, a release folder missing from the manifest (added when its checksums
    hold and it was served, else removed), manifest entries whose folder is gone. Returns one
    line per change. Call it only under the writer lock, so that no publish is running."""
    done = _tidy_published(published_db)
    return [*done, *_tidy_releases(releases_dir, _served_snapshot(published_db))]


def publish_snapshot(build_db: Path, published_db: Path, releases_dir: Path) -> dict:
    """Publish the build database as the snapshot researchers query, with a new release when
    its content differs from the latest; returns the release's summary (version, created,
    content hash, rows per dataset, check status, changes) with `new_release`."""
    if not build_db.exists():
        raise FileNotFoundError(f"no build database at {build_db}: run `govmetrics build`")
    # The build record describes the snapshot in place; whatever happens now, it no longer will.
    build_record_path(published_db).unlink(missing_ok=True)
    tidy_interrupted_publishes(published_db, releases_dir)
    with duckdb.connect(str(build_db), config={"memory_limit": paths.duckdb_memory_limit()}) as con:
        con.execute("checkpoint")
    published_db.parent.mkdir(parents=True, exist_ok=True)
    releases_dir.mkdir(parents=True, exist_ok=True)
    staging = published_db.with_name(f".{published_db.name}.{uuid.uuid4().hex}.tmp")
    version = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    try:
        shutil.copyfile(build_db, staging)
        release, new = _write_release(staging, releases_dir, version)
        os.chmod(staging, 0o444)
        new_snapshot = fingerprint(staging, release["version"])
        write_sidecar(published_db, [new_snapshot, *_previous_fingerprints(published_db)])
        os.replace(staging, published_db)
        write_sidecar(published_db, [new_snapshot])
    finally:
        staging.unlink(missing_ok=True)
    if new:
        _record(releases_dir, release)
    return release | {"new_release": new}


def _previous_fingerprints(published_db: Path) -> list[Fingerprint]:
    """What the sidecar accepts of the snapshot about to be replaced (hashed when published
    by code that wrote no sidecar), so that it stays accepted if the swap never happens."""
    if not published_db.exists():
        return []
    try:
        accepted = read_sidecar(published_db)
    except SnapshotTampered:
        return []
    return accepted if accepted is not None else [fingerprint(published_db, "unrecorded")]

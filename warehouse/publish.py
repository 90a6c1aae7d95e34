"""Publishing: a read-only snapshot of the build database, released with its download files.

Order matters: the build database is checkpointed and copied; the release folder is written
beside the others under a temporary name and renamed into place; only then does the snapshot
replace the published file (an atomic rename). A failure at any step leaves the published
warehouse and the releases as they were. Readers that opened the previous snapshot keep reading
it (the old file lives on until they close it); nothing writes to a published file in place.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
from pathlib import Path

import duckdb

from warehouse.exports import export_release, write_checksums

RELEASES_KEPT = int(os.environ.get("GOVMETRICS_RELEASES_KEPT", "5"))
MANIFEST = "releases.json"


def _release_summary(snapshot: Path, version: str) -> dict:
    """Version, time, rows per mart and the data-quality status recorded in the snapshot."""
    with duckdb.connect(str(snapshot), read_only=True) as con:
        marts = [t for (t,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
            " order by table_name").fetchall()]  # fmt: skip
        rows = {m: con.execute(f"select count(*) from marts.{m}").fetchone()[0] for m in marts}
        has_dq = con.execute(
            "select count(*) from information_schema.tables"
            " where table_schema = 'dq' and table_name = 'results'"
        ).fetchone()[0]
        checks = dict.fromkeys(["passed", "warned", "failed"], 0)
        if has_dq:
            for success, severity, count in con.execute(
                "select success, severity, count(*) from dq.results where run_id ="
                " (select max_by(run_id, run_at) from dq.results) group by all"
            ).fetchall():
                key = "passed" if success else ("warned" if severity == "warn" else "failed")
                checks[key] += count
    created = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"version": version, "created": created, "rows": rows, "checks": checks}


def _write_release(snapshot: Path, releases_dir: Path, version: str) -> Path:
    from warehouse.catalog_page import write_catalog_page

    staging = releases_dir / f".{version}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        shutil.copyfile(snapshot, staging / "govmetrics.duckdb")
        export_release(snapshot, staging, version)
        write_catalog_page(staging, snapshot)
        write_checksums(staging)
        for file in staging.rglob("*"):
            if file.is_file():
                os.chmod(file, 0o444)
        final = releases_dir / version
        os.rename(staging, final)
        return final
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def list_releases(releases_dir: Path) -> list[dict]:
    manifest = releases_dir / MANIFEST
    return json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else []


def _record(releases_dir: Path, summary: dict) -> None:
    """Add the release to the manifest and delete all but the last RELEASES_KEPT."""
    releases = [*list_releases(releases_dir), summary]
    kept, dropped = releases[-RELEASES_KEPT:], releases[:-RELEASES_KEPT]
    for old in dropped:
        folder = releases_dir / old["version"]
        for file in folder.rglob("*"):
            os.chmod(file, 0o644 if file.is_file() else 0o755)
        shutil.rmtree(folder, ignore_errors=True)
    manifest = releases_dir / MANIFEST
    temporary = manifest.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(kept, indent=2), encoding="utf-8")
    os.replace(temporary, manifest)


def publish_snapshot(build_db: Path, published_db: Path, releases_dir: Path) -> dict:
    """Release the build database and swap it in as the published snapshot; returns the
    release summary (version, created, rows per mart, check status)."""
    if not build_db.exists():
        raise FileNotFoundError(f"no build database at {build_db}: run `govmetrics build`")
    with duckdb.connect(str(build_db)) as con:
        con.execute("checkpoint")
    published_db.parent.mkdir(parents=True, exist_ok=True)
    releases_dir.mkdir(parents=True, exist_ok=True)
    staging = published_db.with_name(f".{published_db.name}.{uuid.uuid4().hex}.tmp")
    version = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    try:
        shutil.copyfile(build_db, staging)
        summary = _release_summary(staging, version)
        _write_release(staging, releases_dir, version)
        os.chmod(staging, 0o444)
        os.replace(staging, published_db)
    finally:
        staging.unlink(missing_ok=True)
    _record(releases_dir, summary)
    return summary

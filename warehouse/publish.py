"""Publishing: the build database is copied to a snapshot that replaces the published one.

Readers that opened the previous snapshot keep reading it (the old file lives on until they close
it); new readers see the new one. Nothing ever writes to the published file in place.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import duckdb


def publish_snapshot(build_db: Path, published_db: Path) -> Path:
    """Checkpoint the build database, copy it beside the published file, rename it into place."""
    if not build_db.exists():
        raise FileNotFoundError(f"no build database at {build_db}: run `govmetrics build`")
    with duckdb.connect(str(build_db)) as con:
        con.execute("checkpoint")
    published_db.parent.mkdir(parents=True, exist_ok=True)
    staging = published_db.with_name(f".{published_db.name}.{uuid.uuid4().hex}.tmp")
    try:
        shutil.copyfile(build_db, staging)
        os.chmod(staging, 0o444)
        os.replace(staging, published_db)
    finally:
        staging.unlink(missing_ok=True)
    return published_db

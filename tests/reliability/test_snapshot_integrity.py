"""The published snapshot cannot be changed unnoticed: publishing records its SHA-256, size and
mtime in a sidecar, and `govmetrics sql` refuses a snapshot that no longer matches it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from warehouse.publish import list_releases
from warehouse.query import run_query
from warehouse.snapshot_check import (
    SnapshotTampered,
    check_snapshot,
    file_sha256,
    fingerprint,
    read_sidecar,
    sidecar_path,
    write_sidecar,
)

GOVMETRICS = Path(sys.executable).parent / "govmetrics"
QUERY = "select count(*) from marts.sources"


def snapshot(home: Path) -> Path:
    return home / "published" / "govmetrics.duckdb"


def sql(query: str = QUERY) -> subprocess.CompletedProcess:
    return subprocess.run(
        [GOVMETRICS, "sql", query], capture_output=True, text=True, timeout=120, env=os.environ
    )


def refused_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 1, result
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()
    return line


def tamper(db: Path, statement: str) -> None:
    """What root can do to a 0444 file: make it writable, change a row, make it 0444 again."""
    os.chmod(db, 0o644)
    with duckdb.connect(str(db)) as con:
        con.execute(statement)
    os.chmod(db, 0o444)


def test_publishing_records_the_snapshots_checksum(home_copy):
    db = snapshot(home_copy)
    (recorded,) = read_sidecar(db)
    stat = db.stat()
    assert (recorded.size, recorded.mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    assert recorded.sha256 == file_sha256(db)
    # The snapshot is named after the release it was published with.
    assert recorded.version == list_releases(home_copy / "releases")[-1]["version"]


def test_a_changed_row_is_refused_with_what_to_do(home_copy):
    db = snapshot(home_copy)
    assert sql().returncode == 0
    tamper(db, "update marts.sources set title = 'changed by hand'")
    line = refused_line(sql())
    assert line.startswith(f"govmetrics sql: {db} was changed after it was published")
    assert "run `govmetrics build`, which publishes the build database again" in line
    with pytest.raises(SnapshotTampered):
        run_query(QUERY, db)
    verify = subprocess.run(
        [GOVMETRICS, "verify", "-"],
        input="截至2024年末，全国60岁及以上老年人口31031万人。",
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ,
    )
    assert verify.returncode == 1 and verify.stdout == ""
    assert "was changed after it was published" in verify.stderr


def test_a_file_of_another_size_is_refused(home_copy):
    db = snapshot(home_copy)
    os.chmod(db, 0o644)
    with db.open("ab") as handle:
        handle.write(b"\0" * 4096)
    os.chmod(db, 0o444)
    assert "was changed after it was published" in refused_line(sql())


def test_a_touched_but_unchanged_file_is_accepted_after_the_full_hash(home_copy):
    db = snapshot(home_copy)
    stat = db.stat()
    os.utime(db, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    result = sql()
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_reading_the_snapshot_does_not_change_its_mtime(home_copy):
    """Else the cheap check (size and mtime) would fail on every query after the first."""
    db = snapshot(home_copy)
    before = db.stat()
    run_query(QUERY, db)
    with duckdb.connect(str(db), read_only=True) as con:
        con.execute("select * from marts.indicator_series").fetchall()
    after = db.stat()
    assert (after.st_mtime_ns, after.st_size) == (before.st_mtime_ns, before.st_size)
    assert not list(db.parent.glob("*.wal"))


def test_a_snapshot_without_a_sidecar_is_accepted_with_one_warning(home_copy):
    db = snapshot(home_copy)
    sidecar_path(db).unlink()
    result = sql()
    assert result.returncode == 0
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"govmetrics: warning: {db} has no recorded checksum")


def test_an_unreadable_sidecar_is_refused_naming_it(home_copy):
    db = snapshot(home_copy)
    sidecar_path(db).write_text("{not json", encoding="utf-8")
    line = refused_line(sql())
    assert str(sidecar_path(db)) in line
    assert "`govmetrics build`" in line


def test_both_sides_of_the_swap_are_accepted_while_the_sidecar_names_two(home_copy, tmp_path):
    """The states a publish killed around the swap leaves: the sidecar accepts the new and the
    old snapshot, and either may be in place."""
    db = snapshot(home_copy)
    (old,) = read_sidecar(db)
    new_file = tmp_path / "new.duckdb"
    new_file.write_bytes(db.read_bytes())
    tamper(new_file, "update marts.sources set title = 'next release'")
    new = fingerprint(new_file, "20990101T000000000000Z")
    write_sidecar(db, [new, old])
    assert check_snapshot(db) is None  # old in place
    os.replace(new_file, db)
    assert check_snapshot(db) is None  # new in place
    assert sql().returncode == 0
    write_sidecar(db, [old])
    with pytest.raises(SnapshotTampered):
        check_snapshot(db)


def test_the_sidecar_is_plain_json_beside_the_snapshot(home_copy):
    recorded = json.loads(sidecar_path(snapshot(home_copy)).read_text(encoding="utf-8"))
    assert set(recorded["accepted"][0]) == {"sha256", "size", "mtime_ns", "version"}
    assert not [p for p in snapshot(home_copy).parent.iterdir() if p.name.endswith(".tmp")]

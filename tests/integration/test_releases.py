"""Publishing and release files: readers never blocked, a valid data package, verified
checksums, CSVs that keep their Chinese text, and the list of kept releases."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import polars as pl

from orchestration.build import build_and_publish
from warehouse.publish import list_releases

GOVMETRICS = Path(sys.executable).parent


def latest_release(home: Path) -> Path:
    return home / "releases" / list_releases(home / "releases")[-1]["version"]


def test_a_reader_keeps_answering_during_a_build_and_then_sees_the_new_release(home_copy, tmp_path):
    published = home_copy / "published" / "govmetrics.duckdb"
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import duckdb, json, pathlib, time
            held = duckdb.connect({str(published)!r}, read_only=True)
            first = held.execute("select count(*) from dq.results").fetchone()[0]
            answers, errors, held_counts = 0, [], set()
            while not pathlib.Path({str(stop)!r}).exists():
                try:
                    held_counts.add(held.execute("select count(*) from dq.results").fetchone()[0])
                    with duckdb.connect({str(published)!r}, read_only=True) as fresh:
                        fresh.execute("select count(*) from marts.indicator_series").fetchone()
                    answers += 1
                except Exception as err:
                    errors.append(str(err))
                time.sleep(0.05)
            print(json.dumps({{"first": first, "answers": answers, "errors": errors,
                               "held_counts": sorted(held_counts)}}))
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert build_and_publish()
    finally:
        stop.touch()
    report = json.loads(reader.communicate(timeout=60)[0])
    assert report["errors"] == []
    assert report["answers"] > 10
    assert report["held_counts"] == [report["first"]]  # the held snapshot never changed
    with duckdb.connect(str(published), read_only=True) as after:
        assert after.execute("select count(*) from dq.results").fetchone()[0] > report["first"]


def test_the_data_package_is_valid_and_the_checksums_verify(built_home):
    release = latest_release(built_home)
    validated = subprocess.run(
        [str(GOVMETRICS / "frictionless"), "validate", "datapackage.json"],
        cwd=release, capture_output=True, text=True,
    )  # fmt: skip
    assert validated.returncode == 0, validated.stdout[-3000:]
    checked = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=release, capture_output=True,
                             text=True)  # fmt: skip
    assert checked.returncode == 0, checked.stdout
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    datasets = {r["x_dataset"] for r in package["resources"]}
    assert {"indicator_series", "claim_verification", "sources"} <= datasets
    assert {r["format"] for r in package["resources"]} == {"csv", "parquet"}
    assert len(package["sources"]) > 50 and package["licenses"]
    listed = set(checked.stdout.split())
    assert "index.html:" in listed and "govmetrics.duckdb:" in listed


def test_csv_files_open_with_their_chinese_text_intact(built_home):
    release = latest_release(built_home)
    raw = (release / "data" / "indicator_series.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs
    csv = pl.read_csv(release / "data" / "indicator_series.csv", infer_schema=False)
    parquet = pl.read_parquet(release / "data" / "indicator_series.parquet")
    assert csv.height == parquet.height > 300
    assert "年末总人口" in set(csv.get_column("indicator_name_zh"))
    assert "29697万人" in set(csv.get_column("value_as_written"))


def test_releases_are_listed_newest_first_and_old_ones_pruned(home_copy, monkeypatch):
    import warehouse.publish as publish

    monkeypatch.setattr(publish, "RELEASES_KEPT", 2)
    for _ in range(2):
        assert build_and_publish()
    versions = [r["version"] for r in list_releases(home_copy / "releases")]
    assert len(versions) == 2
    assert sorted(p.name for p in (home_copy / "releases").iterdir() if p.is_dir()) == versions
    listed = subprocess.run(
        [str(GOVMETRICS / "govmetrics"), "releases"], capture_output=True, text=True,
        env={"GOVMETRICS_HOME": str(home_copy), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    lines = listed.stdout.splitlines()
    assert lines[1].startswith(versions[-1]) and lines[2].startswith(versions[0])

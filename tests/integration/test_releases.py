"""Publishing and release files: readers never blocked, a release only for new content, the
same bytes from a rebuild of the same data, changes against the previous release, a valid data
package with titles, a workbook, verified checksums, CSVs that keep their Chinese text, and the
list of kept releases."""

import csv
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest

from orchestration.build import build_and_publish
from orchestration.cli import main
from tests.build_edits import change_a_verdict, revise_a_figure
from warehouse.exports import export_data
from warehouse.publish import list_releases, publish_snapshot

GOVMETRICS = Path(sys.executable).parent


def latest_release(home: Path) -> Path:
    return home / "releases" / list_releases(home / "releases")[-1]["version"]


def release_files(folder: Path) -> dict[str, bytes]:
    return {
        file.relative_to(folder).as_posix(): file.read_bytes()
        for file in sorted(folder.rglob("*"))
        if file.is_file()
    }


def publish(home: Path) -> dict:
    return publish_snapshot(
        home / "build" / "govmetrics.duckdb",
        home / "published" / "govmetrics.duckdb",
        home / "releases",
    )


def test_a_rebuild_of_the_same_data_makes_no_new_release_and_a_reader_keeps_answering(
    home_copy, tmp_path, capsys
):
    """`make run` twice: the second build publishes its snapshot (readers see its new
    data-quality run) but makes no new release."""
    releases_before = list_releases(home_copy / "releases")
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
        assert main(["build"]) == 0
    finally:
        stop.touch()
    assert "no new release: same content as release" in capsys.readouterr().out
    assert list_releases(home_copy / "releases") == releases_before
    report = json.loads(reader.communicate(timeout=60)[0])
    assert report["errors"] == []
    assert report["answers"] > 10
    assert report["held_counts"] == [report["first"]]  # the held snapshot never changed
    with duckdb.connect(str(published), read_only=True) as after:
        assert after.execute("select count(*) from dq.results").fetchone()[0] > report["first"]


def test_a_build_from_nothing_gives_the_same_bytes_and_a_lost_snapshot_no_new_release(
    built_home, tmp_path, monkeypatch
):
    """The same data built again in an empty warehouse gives byte-identical release files; with
    its published snapshot deleted, a rebuild publishes the snapshot again and makes no release."""
    home = tmp_path / "again"
    monkeypatch.setenv("GOVMETRICS_HOME", str(home))
    monkeypatch.setenv("DAGSTER_HOME", str(home / "dagster"))
    monkeypatch.setenv("GOVMETRICS_INBOX", str(tmp_path / "inbox"))
    assert build_and_publish()
    first = latest_release(built_home)
    again = latest_release(home)
    assert (again / "SHA256SUMS").read_text() == (first / "SHA256SUMS").read_text()
    assert release_files(again) == release_files(first)

    (home / "published" / "govmetrics.duckdb").unlink()
    releases = list_releases(home / "releases")
    assert build_and_publish()
    assert list_releases(home / "releases") == releases
    assert release_files(latest_release(home)) == release_files(first)
    # The rebuilt snapshot's own export is the release's, byte for byte.
    exported = tmp_path / "exported"
    with duckdb.connect(str(home / "published" / "govmetrics.duckdb"), read_only=True) as con:
        data = export_data(con, exported)
    assert data.content_hash == releases[-1]["content_hash"]
    written = release_files(exported)
    released = release_files(first)
    assert set(written) == {"govmetrics.xlsx"} | {name for name in released if name[:5] == "data/"}
    assert all(written[name] == released[name] for name in written)


def test_changes_list_a_revised_figure_and_a_changed_verdict(home_copy):
    first = list_releases(home_copy / "releases")[-1]
    build = home_copy / "build" / "govmetrics.duckdb"
    figure = revise_a_figure(build)
    claim_id, old_verdict = change_a_verdict(build)
    summary = publish(home_copy)
    assert summary["new_release"] and summary["version"] != first["version"]
    assert summary["changes"] == {"figure_revised": 1, "verdict_changed": 1}
    folder = latest_release(home_copy)
    with (folder / "changes.csv").open(encoding="utf-8-sig", newline="") as rows:
        changes = list(csv.DictReader(rows))
    revised, verdict = changes
    assert {k: revised[k] for k in ("change", "indicator_code", "geo_code", "period")} == {
        "change": "figure_revised",
        "indicator_code": figure["indicator_code"],
        "geo_code": figure["geo_code"],
        "period": figure["period"],
    }
    assert float(revised["old_value"]) == figure["old_value"]
    assert float(revised["new_value"]) == figure["new_value"]
    assert (revised["old_source_id"], revised["new_source_id"]) == (
        figure["old_source_id"],
        "edited_by_test",
    )
    assert revised["changed_fields"] == "value; source"
    assert (verdict["change"], verdict["claim_id"]) == ("verdict_changed", claim_id)
    assert (verdict["old_verdict"], verdict["new_verdict"]) == (old_verdict, "inconsistent")
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert package["x_previous_release"] == first["content_hash"][:12]
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "figure_revised 1, verdict_changed 1" in page and claim_id in page
    # Publishing the same build again changes nothing.
    assert publish(home_copy)["new_release"] is False
    assert list_releases(home_copy / "releases")[-1]["version"] == summary["version"]


def test_the_data_package_is_valid_with_titles_and_the_checksums_verify(built_home):
    release = latest_release(built_home)
    validated = subprocess.run(
        [str(GOVMETRICS / "frictionless"), "validate", "datapackage.json"],
        cwd=release,
        capture_output=True,
        text=True,
    )
    assert validated.returncode == 0, validated.stdout[-3000:]
    checked = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=release, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    datasets = {r["x_dataset"] for r in package["resources"]}
    assert {"indicator_series", "claim_verification", "sources", "changes"} <= datasets
    assert {r["format"] for r in package["resources"]} == {"csv", "parquet"}
    assert len(package["sources"]) > 50
    assert all(source["x_terms"] for source in package["sources"])
    assert [licence["name"] for licence in package["licenses"]] == ["CC-BY-4.0"]
    assert "created" not in package  # nothing that differs between rebuilds
    for resource in package["resources"]:
        for field in resource["schema"]["fields"]:
            where = f"{resource['name']}.{field['name']}"
            assert field["title"] == f"{field['x_title_zh']} / {field['x_title_en']}", where
            assert field["description"], where
    listed = set(checked.stdout.split())
    assert {"index.html:", "govmetrics.xlsx:", "changes.csv:"} <= listed


def test_the_workbook_holds_a_dictionary_and_every_mart(built_home):
    release = latest_release(built_home)
    book = openpyxl.load_workbook(release / "govmetrics.xlsx", read_only=True)
    with duckdb.connect(str(built_home / "published" / "govmetrics.duckdb"), read_only=True) as con:
        names = con.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts' order by 1"
        ).fetchall()
        marts = {
            name: con.execute(f"select count(*) from marts.{name}").fetchone()[0]
            for (name,) in names
        }
        series = con.execute("select * from marts.indicator_series order by all limit 1").fetchone()
    assert book.sheetnames == ["dictionary", *marts]
    dictionary = list(book["dictionary"].iter_rows(values_only=True))
    assert dictionary[0][:4] == ("dataset", "column", "title_zh", "title_en")
    assert {row[0] for row in dictionary[1:]} == set(marts)
    for mart, rows in marts.items():
        assert sum(1 for _ in book[mart].iter_rows()) == rows + 1, mart
    first = next(book["indicator_series"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert first[0] == series[0] and first[10] == pytest.approx(series[10])


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
    import warehouse.publish as publish_module

    monkeypatch.setattr(publish_module, "RELEASES_KEPT", 2)
    build = home_copy / "build" / "govmetrics.duckdb"
    for _ in range(2):
        revise_a_figure(build)
        assert publish(home_copy)["new_release"]
    versions = [r["version"] for r in list_releases(home_copy / "releases")]
    assert len(versions) == 2
    assert sorted(p.name for p in (home_copy / "releases").iterdir() if p.is_dir()) == versions
    listed = subprocess.run(
        [str(GOVMETRICS / "govmetrics"), "releases"],
        capture_output=True,
        text=True,
        env={"GOVMETRICS_HOME": str(home_copy), "PATH": "/usr/bin:/bin"},
    )
    lines = listed.stdout.splitlines()
    assert lines[1].startswith(versions[-1]) and lines[2].startswith(versions[0])

"""Full builds with bad and disagreeing files in the inbox: the release is never blocked by them,
an export never silently replaces a figure read in a document, and a file taken out of the inbox
leaves the marts at the next build."""

import os
import subprocess
import sys
from pathlib import Path

import duckdb

NATIONAL = "数据库：年度数据\n指标,2023年,2022年\n"
# The transcribed end-2022 total population is 141175万 (nbs_release_2022); this export says
# otherwise, so the two cannot both be right.
DISAGREEING = NATIONAL + "年末总人口(万人),140967,145000\n"


def _build(home: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "govmetrics"), "build"],
        capture_output=True,
        text=True,
        env={**os.environ, "GOVMETRICS_HOME": str(home)},
        timeout=900,
    )


def _published(home: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(home / "published" / "govmetrics.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_bad_files_never_block_a_release_and_the_inbox_is_the_truth(home_copy):
    statistics = Path(os.environ["GOVMETRICS_INBOX"]) / "statistics"
    statistics.mkdir(parents=True)
    (statistics / "disagrees.csv").write_text(DISAGREEING, encoding="utf-8")
    (statistics / "negative.csv").write_text(NATIONAL + "年末总人口(万人),-1,-2\n")
    (statistics / "negative_copy.csv").write_text(NATIONAL + "年末总人口(万人),-1,-2\n")
    (statistics / "city.csv").write_text(
        "数据库：分省年度数据\n指标：年末常住人口(万人)\n地区,2023年\n河北省石家庄市,1123\n"
    )
    os.mkfifo(statistics / "pipe.csv")

    first = _build(home_copy)
    assert first.returncode == 0, first.stdout + first.stderr
    conflicts = _published(
        home_copy,
        "select conflict_type, value_as_written_a, value_as_written_b, a_is_preferred,"
        " b_is_preferred, vintage_a from marts.source_conflicts"
        " where indicator_code = 'pop_total' and geo_code = '000000' and year(as_of) = 2022",
    )
    assert len(conflicts) == 1
    kind, written_a, written_b, a_preferred, b_preferred, vintage_a = conflicts[0]
    assert kind == "export_vs_document"
    document_preferred = b_preferred if vintage_a == "database_export" else a_preferred
    assert document_preferred  # the figure read in a document stays the preferred one
    assert {written_a, written_b} == {"141175万人", "145000万人"}
    quarantined = {
        Path(name).name
        for (name,) in _published(home_copy, "select source_file from staging.stg_raw__quarantine")
    }
    assert {"negative.csv", "negative_copy.csv", "city.csv", "pipe.csv"} <= quarantined
    assert not _published(
        home_copy, "select * from marts.indicator_series where geo_code like '13%' and value > 1e9"
    )

    (statistics / "disagrees.csv").unlink()
    second = _build(home_copy)
    assert second.returncode == 0, second.stdout + second.stderr
    assert not _published(
        home_copy, "select * from marts.indicator_series where source_file like '%disagrees.csv'"
    )
    assert not _published(
        home_copy, "select * from marts.source_conflicts where conflict_type = 'export_vs_document'"
    )


def test_a_blocking_check_names_the_file_and_how_to_unblock_it(home_copy):
    """A wrong figure that got into `raw` (here written straight into the latest load of a
    transcription file) blocks publishing; the build says which file and what to do."""
    published = home_copy / "published" / "govmetrics.duckdb"
    before = published.stat().st_mtime_ns
    with duckdb.connect(str(home_copy / "build" / "govmetrics.duckdb")) as con:
        con.execute(
            """
            insert into raw.official_observations
            select * replace (date '2001-12-31' as as_of, -5.0 as value, -5.0 as lower,
                              -5.0 as upper, 9999 as _source_line)
            from raw.official_observations
            where indicator_code = 'eldercare_beds_total' and as_of is not null
            qualify row_number() over (order by _loaded_at desc, as_of) = 1
            """
        )
        (source_file,) = con.execute(
            "select _source_file from raw.official_observations where _source_line = 9999"
        ).fetchone()

    build = _build(home_copy)

    assert build.returncode != 0
    blocking = [line for line in build.stdout.splitlines() if "publishing blocked by" in line]
    assert blocking, build.stdout
    assert "stock_counts_not_negative" in blocking[0]
    assert f"{source_file}:9999" in blocking[0] and "govmetrics build" in blocking[0]
    assert published.stat().st_mtime_ns == before  # the published warehouse is unchanged

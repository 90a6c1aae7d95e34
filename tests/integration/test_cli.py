"""`govmetrics sql` as a researcher runs it: a separate process against the published file."""

import os
import subprocess
import sys
from pathlib import Path

GOVMETRICS = str(Path(sys.executable).parent / "govmetrics")


def govmetrics(home, *args):
    env = {**os.environ, "GOVMETRICS_HOME": str(home)}
    return subprocess.run([GOVMETRICS, *args], capture_output=True, text=True, env=env)


def test_sql_prints_the_mart_as_csv(built_home):
    done = govmetrics(
        built_home, "sql", "select * from marts.aging_timeseries order by year", "--format", "csv"
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("year,pop_total,pop_total_vintage,pop_60_plus,pop_60_plus_share,")
    assert [line.split(",")[0] for line in lines[1:]] == [str(y) for y in range(2011, 2025)]
    assert lines[1 + 2012 - 2011].startswith("2012,1354040000,")
    assert ",193900000,14.3," in lines[1 + 2012 - 2011]


def test_a_query_error_is_one_line_and_exits_non_zero(built_home):
    done = govmetrics(built_home, "sql", "select * from marts.no_such_mart")
    assert done.returncode == 1
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert "CatalogException" in done.stderr and "no_such_mart" in done.stderr


def test_a_write_is_refused(built_home):
    done = govmetrics(built_home, "sql", "delete from marts.aging_timeseries")
    assert done.returncode == 2
    assert "refused" in done.stderr
    again = govmetrics(built_home, "sql", "select count(*) from marts.aging_timeseries")
    assert again.stdout.strip().endswith("(1 row)") and "14" in again.stdout


def test_sql_without_a_published_warehouse_says_what_to_run(tmp_path):
    done = govmetrics(tmp_path, "sql", "select 1")
    assert done.returncode == 2
    assert "govmetrics build" in done.stderr

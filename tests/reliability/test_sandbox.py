"""The `govmetrics sql` sandbox: statement timeout, memory and thread limits that a query cannot
raise, and one-line errors (never a traceback) for every bad input."""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from warehouse.query import (
    QueryOutOfMemory,
    QueryRefused,
    QueryTimedOut,
    SandboxLimits,
    SandboxSettingError,
    connect_read_only,
    run_query,
)
from warehouse.snapshot_check import fingerprint, write_sidecar

GOVMETRICS = Path(sys.executable).parent / "govmetrics"
CROSS_JOIN = "select count(*) from range(100000) a, range(100000) b, range(100000) c"
# The first rows come at once (execute returns), the rest only after scanning 10^10 numbers:
# the time goes into fetching.
SLOW_FETCH = "select range from range(10000000000) where range < 3000 or range % 1000000007 = 1"
BIG_LIST = "select list(range) from range(200000000)"
TIMEOUT_MESSAGE = (
    "govmetrics sql: the query ran longer than 1 s and was stopped "
    "(set --timeout or GOVMETRICS_SQL_TIMEOUT)"
)


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A warehouse folder with a small published snapshot and its checksum sidecar."""
    home = tmp_path / "warehouse"
    published = home / "published" / "govmetrics.duckdb"
    published.parent.mkdir(parents=True)
    build = tmp_path / "build.duckdb"
    with duckdb.connect(str(build)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.t as select 2023 as year, '全国' as geo, 21.1 as share")
    shutil.copyfile(build, published)
    os.chmod(published, 0o444)
    write_sidecar(published, [fingerprint(published, "20260101T000000000000Z")])
    monkeypatch.setenv("GOVMETRICS_HOME", str(home))
    for variable in (
        "GOVMETRICS_SQL_TIMEOUT",
        "GOVMETRICS_SQL_MEMORY_LIMIT",
        "GOVMETRICS_SQL_THREADS",
    ):
        monkeypatch.delenv(variable, raising=False)
    return home


def published(home: Path) -> Path:
    return home / "published" / "govmetrics.duckdb"


def sql(*args: str | bytes, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The real CLI in a subprocess; the 120 s limit only keeps a broken sandbox from hanging."""
    return subprocess.run(
        [GOVMETRICS, "sql", *args],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def one_line(result: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# --- statement timeout ------------------------------------------------------------------------


@pytest.mark.slow
def test_a_cross_join_is_stopped_at_the_timeout(home):
    with pytest.raises(QueryTimedOut, match="ran longer than 1 s and was stopped"):
        run_query(CROSS_JOIN, published(home), SandboxLimits(timeout_s=1))


@pytest.mark.slow
def test_the_timeout_covers_fetching_too(home):
    with pytest.raises(QueryTimedOut):
        run_query(SLOW_FETCH, published(home), SandboxLimits(timeout_s=1))


def test_a_query_within_the_timeout_is_answered(home):
    result = run_query("select geo from marts.t", published(home), SandboxLimits(timeout_s=5))
    assert result.rows == [("全国",)]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "env"),
    [((CROSS_JOIN, "--timeout", "1"), {}), ((CROSS_JOIN,), {"GOVMETRICS_SQL_TIMEOUT": "1"})],
    ids=["option", "environment"],
)
def test_the_cli_stops_a_cross_join_with_one_line(home, args, env):
    result = sql(*args, env=env)
    assert result.returncode == 1
    assert one_line(result) == TIMEOUT_MESSAGE
    assert result.stdout == ""


@pytest.mark.slow
def test_ctrl_c_stops_a_running_query_with_one_line(home):
    # A test run started in the background (`cmd &` in a script) ignores SIGINT, and a child
    # inherits that: give the child Ctrl-C back, as a terminal would.
    process = subprocess.Popen(
        [GOVMETRICS, "sql", CROSS_JOIN, "--timeout", "600"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        # DuckDB's worker threads exist once the query runs (main + watchdog + workers).
        deadline = time.monotonic() + 60
        while len(os.listdir(f"/proc/{process.pid}/task")) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
        process.wait()
    assert (process.returncode, stderr.splitlines()) == (130, ["govmetrics sql: interrupted"])


# --- memory and threads -----------------------------------------------------------------------


def test_memory_and_threads_have_defaults_the_query_can_see(home):
    result = run_query(
        "select current_setting('memory_limit'), current_setting('threads'),"
        " current_setting('temp_directory')",
        published(home),
        SandboxLimits.from_env(),
    )
    assert result.rows == [("2.0 GiB", 2, "")]


def test_memory_and_threads_come_from_the_environment(home, monkeypatch):
    monkeypatch.setenv("GOVMETRICS_SQL_MEMORY_LIMIT", "500MiB")
    monkeypatch.setenv("GOVMETRICS_SQL_THREADS", "1")
    result = run_query(
        "select current_setting('memory_limit'), current_setting('threads')",
        published(home),
        SandboxLimits.from_env(),
    )
    assert result.rows == [("500.0 MiB", 1)]


@pytest.mark.parametrize(
    "statement",
    [
        "set memory_limit = '100GB'",
        "set threads = 64",
        "reset memory_limit",
        "set temp_directory = '/tmp'",
        "pragma memory_limit = '100GB'",
    ],
)
def test_the_limits_cannot_be_raised_from_the_connection(home, statement):
    # run_query refuses SET by its type; below that, the locked configuration refuses it too.
    with pytest.raises(QueryRefused):
        run_query(statement, published(home))
    with connect_read_only(published(home), SandboxLimits()) as con:
        with pytest.raises(duckdb.InvalidInputException, match="locked"):
            con.execute(statement)
        assert con.execute("select current_setting('memory_limit')").fetchone() == ("2.0 GiB",)


@pytest.mark.slow
def test_a_query_over_the_memory_limit_fails_with_one_line(home):
    with pytest.raises(QueryOutOfMemory, match="more memory than the limit of 200MB"):
        run_query(BIG_LIST, published(home), SandboxLimits(memory_limit="200MB"))
    result = sql(BIG_LIST, env={"GOVMETRICS_SQL_MEMORY_LIMIT": "200MB"})
    assert result.returncode == 1
    line = one_line(result)
    assert line.startswith("govmetrics sql: the query needed more memory than the limit of 200MB")
    assert "GOVMETRICS_SQL_MEMORY_LIMIT" in line


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (b"select \xff", "not valid UTF-8 text (byte 0xff at character 8)"),
        (b"select '\xe4\xb8' as x", "not valid UTF-8 text (byte 0xe4 at character 9)"),
        ("", "the query is empty"),
        ("   \n ", "the query is empty"),
        ("-- only a comment", "the query is empty"),
        (";", "the query is empty"),
    ],
    ids=["byte-ff", "truncated-utf8", "empty", "blank", "comment", "semicolon"],
)
def test_bad_query_text_is_refused_with_one_line(home, query, expected):
    result = sql(query)
    assert result.returncode == 2
    assert expected in one_line(result)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("select '\ud800' as x", "not valid UTF-8 text (U+D800 at character 9)"),
        ("select 1\x00", "NUL character at character 9"),
        ("select 1; \x00select 2", "NUL character at character 11"),
    ],
    ids=["lone-surrogate", "nul", "nul-between"],
)
def test_text_argv_cannot_carry_is_refused_too(home, query, expected):
    with pytest.raises(QueryRefused, match=re.escape(expected)):
        run_query(query, published(home))


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (("--timeout", "0"), {}, "--timeout 0.0: give a number of seconds above 0"),
        (("--timeout", "inf"), {}, "--timeout inf: give a number of seconds above 0"),
        ((), {"GOVMETRICS_SQL_TIMEOUT": "soon"}, "GOVMETRICS_SQL_TIMEOUT='soon'"),
        ((), {"GOVMETRICS_SQL_TIMEOUT": "-5"}, "GOVMETRICS_SQL_TIMEOUT='-5'"),
        ((), {"GOVMETRICS_SQL_MEMORY_LIMIT": "lots"}, "GOVMETRICS_SQL_MEMORY_LIMIT='lots'"),
        ((), {"GOVMETRICS_SQL_THREADS": "0"}, "GOVMETRICS_SQL_THREADS='0'"),
        ((), {"GOVMETRICS_SQL_THREADS": "1.5"}, "GOVMETRICS_SQL_THREADS='1.5'"),
    ],
)
def test_a_bad_limit_setting_is_refused_with_one_line(home, args, env, expected):
    result = sql("select 1", *args, env=env)
    assert result.returncode == 2
    assert expected in one_line(result)


def test_bad_settings_raise_a_setting_error(monkeypatch):
    monkeypatch.setenv("GOVMETRICS_SQL_MEMORY_LIMIT", "2GB; drop")
    with pytest.raises(SandboxSettingError):
        SandboxLimits.from_env()


def test_a_good_query_through_the_cli_prints_its_rows_and_nothing_on_stderr(home):
    result = sql("select year, geo from marts.t", "--format", "csv")
    assert result.returncode == 0
    assert result.stdout == "year,geo\n2023,全国\n"
    assert result.stderr == ""

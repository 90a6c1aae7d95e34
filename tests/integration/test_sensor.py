"""The inbox sensor requests one run for a new file, and none for the same file again."""

import shutil
from pathlib import Path

from dagster import SkipReason, build_sensor_context

from orchestration.sensors import inbox_sensor

FIXTURES = Path(__file__).parent.parent / "fixtures" / "nbs"


def evaluate(cursor):
    return inbox_sensor(build_sensor_context(cursor=cursor))


def test_a_new_export_requests_exactly_one_run_and_never_again(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVMETRICS_INBOX", str(tmp_path))
    (tmp_path / "statistics").mkdir()
    assert isinstance(evaluate(None), SkipReason)

    shutil.copy(FIXTURES / "province_population_gbk.csv", tmp_path / "statistics")
    first = evaluate(None)
    assert len(first.run_requests) == 1
    assert first.run_requests[0].job_name in (None, "full_refresh")
    assert "province_population_gbk.csv" in first.run_requests[0].tags["govmetrics/inbox"]

    again = evaluate(first.cursor)
    assert isinstance(again, SkipReason)
    # The same file under another name is the same content: still no run.
    shutil.copy(FIXTURES / "province_population_gbk.csv", tmp_path / "statistics" / "copy.csv")
    assert isinstance(evaluate(first.cursor), SkipReason)

    shutil.copy(FIXTURES / "national_utf8_bom.csv", tmp_path / "statistics")
    second = evaluate(first.cursor)
    assert len(second.run_requests) == 1
    assert second.run_requests[0].run_key != first.run_requests[0].run_key

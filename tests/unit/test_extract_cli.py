"""`govmetrics extract`: JSON lines on standard output, and no heavy imports on its path."""

import json
import subprocess
import sys
from pathlib import Path

GOVMETRICS = str(Path(sys.executable).parent / "govmetrics")
FIELDS = [
    "text",
    "start",
    "end",
    "value",
    "unit",
    "kind",
    "base",
    "lower",
    "upper",
    "qualifier",
    "as_of",
    "period",
    "baseline",
    "subject",
]


def test_extract_reads_standard_input_and_prints_one_object_per_quantity():
    text = "截至2024年10月，全国注册志愿者超过2.37亿名，较2023年增长1.3个百分点。"
    done = subprocess.run(
        [GOVMETRICS, "extract", "-"], input=text, capture_output=True, text=True, check=True
    )
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [list(r) for r in records] == [FIELDS, FIELDS]
    first, second = records
    assert text[first["start"] : first["end"]] == first["text"] == "超过2.37亿名"
    assert (first["value"], first["lower"], first["upper"]) == (237_000_000, 237_000_000, None)
    assert (first["as_of"], first["subject"]) == ("2024-10-31", "注册志愿者")
    assert (second["kind"], second["baseline"]) == ("percentage_point", "2023")


def test_extract_reads_a_file_and_names_a_missing_one(tmp_path):
    path = tmp_path / "short.txt"
    path.write_text("养老床位近700万张。", encoding="utf-8")
    done = subprocess.run([GOVMETRICS, "extract", str(path)], capture_output=True, text=True)
    assert json.loads(done.stdout)["upper"] == 7_000_000
    missing = subprocess.run(
        [GOVMETRICS, "extract", str(tmp_path / "nope.txt")], capture_output=True, text=True
    )
    assert missing.returncode == 2
    assert "nope.txt" in missing.stderr


def test_extract_does_not_import_dagster_dbt_or_great_expectations():
    probe = (
        "import sys, io; from orchestration.cli import main; sys.stdin = io.StringIO('3200余人');"
        "main(['extract', '-']);"
        "heavy = [m for m in ('dagster', 'dbt', 'great_expectations', 'polars')"
        " if m in sys.modules];"
        "print('HEAVY', heavy)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert "HEAVY []" in done.stdout, done.stdout + done.stderr

"""What `govmetrics build` prints after the steps: the release, each report checked (quantities
found in its text, claims verified, verdicts), and where to read a data-quality warning."""

import re
import shutil
from collections import Counter

import duckdb
import polars as pl

from ingest.claim_register import CLAIM_SCHEMA, reconcile
from ingest.contracts import QUARANTINE_SCHEMA
from orchestration.build import _report_lines
from tests.integration.published import published_rows
from warehouse.raw_store import append_rows

REPORT_LINE = re.compile(
    r"^report (?P<report>\S+): (?P<text>[^;]+); (?P<claims>\d+) claims? verified "
    r"\((?P<origins>[^)]+)\): (?P<verdicts>.+)$"
)


def counts(listed: str) -> dict[str, int]:
    """'4 consistent, 1 inconsistent' -> {'consistent': 4, 'inconsistent': 1}."""
    return {name: int(count) for count, name in (part.split(" ") for part in listed.split(", "))}


def test_each_step_is_announced_on_a_terminal_as_it_starts(build_output):
    """`built_home` was built with stdout on a terminal: every step that ran was announced
    before the summary, in the order the steps ran."""
    lines = build_output.splitlines()
    announced = [m[1] for m in map(re.compile(r"^running (\S+) \.\.\.$").match, lines) if m]
    finished = [line.split()[1] for line in lines if line.startswith("ok      ")]
    assert "govmetrics_dbt_models" in announced
    assert announced == finished
    assert lines.index(f"running {announced[-1]} ...") < lines.index(f"ok      {finished[0]}")


def test_the_release_published_is_named(built_home, build_output):
    (version,) = re.findall(r"^release (\S+) published$", build_output, re.MULTILINE)
    assert (built_home / "releases" / version).is_dir()


def test_each_report_gets_a_line_with_its_claims_and_verdicts(built_home, build_output):
    lines = {m["report"]: m for m in map(REPORT_LINE.match, build_output.splitlines()) if m}
    verdicts = published_rows(
        built_home,
        "select report_id, origin, verdict, count(*) from marts.claim_verification group by all",
    )
    assert set(lines) == {report for report, *_ in verdicts}
    b1 = lines["cdb2025_b1"]
    assert b1["text"] == "no text of it in inbox/reports/"  # the test inbox is empty
    by_origin, by_verdict = Counter(), Counter()
    for report, origin, verdict, count in verdicts:
        if report == "cdb2025_b1":
            by_origin[origin] += count
            by_verdict[verdict] += count
    assert int(b1["claims"]) == by_origin.total() == 110
    assert counts(b1["origins"]) == by_origin == {"register": 110}
    assert counts(b1["verdicts"]) == by_verdict


def test_a_data_quality_warning_says_where_to_look(built_home, build_output):
    lines = build_output.splitlines()
    warnings = [i for i, line in enumerate(lines) if line.startswith("check warn: dq/results")]
    assert warnings, "B.1's contradicted claims should warn"
    page = built_home / "dq" / "docs" / "results.html"
    for i in warnings:
        assert lines[i + 1] == f"  see `govmetrics dq` (or {page})"


def test_quantities_found_in_a_report_text_are_counted(built_home, tmp_path):
    """A text's quantities, loaded as the build loads them, are counted from staging."""
    snapshot = tmp_path / "govmetrics.duckdb"
    shutil.copyfile(built_home / "published" / "govmetrics.duckdb", snapshot)
    text = "截至2024年末，全国60岁及以上老年人口31031万人，占全国人口的22.0%。"
    quantities = reconcile("news_2025", text, pl.DataFrame(schema=CLAIM_SCHEMA), []).quantities
    assert quantities.height == 2
    no_rejections = pl.DataFrame(schema=QUARANTINE_SCHEMA)
    with duckdb.connect(str(snapshot)) as con:
        name = "inbox/reports/news_2025.txt"
        append_rows(con, "report_quantities", name, "a" * 64, quantities, no_rejections, "none")
    lines = _report_lines(snapshot)
    assert "report news_2025: 2 quantities found in its text; no claim verified" in lines

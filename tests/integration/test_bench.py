"""`make bench` on a tiny panel (10k observations): it runs end to end, and its floor computes
the same marts as the pipeline. Nothing here is timed: figures are only checked to exist."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from bench.__main__ import measure_size
from bench.figures import QUERIES

pytestmark = pytest.mark.integration
TINY = 10_000


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("bench")
    return root, measure_size(root, TINY, keep=True, query_runs=1)


def test_the_tiny_panel_goes_through_the_whole_pipeline(tiny: tuple[Path, dict]) -> None:
    root, figure = tiny
    assert figure["observations"] == TINY
    build = root / "10k" / "home" / "build" / "govmetrics.duckdb"
    with duckdb.connect(str(build), read_only=True) as con:
        loaded = con.execute(
            "select count(*) from staging.stg_official__observations"
            " where source_file like '%bench_panel_%'"
        ).fetchone()[0]
        quarantined = con.execute("select count(*) from raw.quarantine").fetchone()[0]
    assert (loaded, quarantined) == (TINY, 0)
    assert figure["pipeline"]["seconds"] > 0 and figure["pipeline"]["peak_mb"] > 0
    assert figure["rebuild"]["skipped"] and figure["rebuild"]["new_release"] is False
    assert figure["quality"]["largest_table"].startswith(("raw.", "intermediate.", "marts."))
    assert set(figure["queries"]) == set(QUERIES)
    assert figure["first_row_p50"] > 0


def test_the_floor_builds_the_same_marts_as_the_pipeline(tiny: tuple[Path, dict]) -> None:
    root, _ = tiny
    workspace = root / "10k"
    with duckdb.connect(str(workspace / "floor" / "govmetrics.duckdb"), read_only=True) as con:
        con.execute(f"attach '{workspace / 'home' / 'build' / 'govmetrics.duckdb'}' as built")
        marts = [
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables()"
                " where database_name = 'built' and schema_name = 'marts' order by 1"
            ).fetchall()
        ]
        assert len(marts) >= 10
        for mart in marts:
            pipeline = f"select * from built.marts.{mart}"
            floor = f"select * from govmetrics.marts.{mart}"
            differing = con.execute(
                f"select count(*) from (({pipeline} except all {floor})"
                f" union all ({floor} except all {pipeline}))"
            ).fetchone()[0]
            assert differing == 0, f"marts.{mart}: {differing} rows differ"

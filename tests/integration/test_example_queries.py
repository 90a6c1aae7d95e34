"""Every example query in warehouse/queries/ runs on the published snapshot and returns rows."""

from pathlib import Path

import pytest

from tests.integration.published import published_rows

QUERIES = sorted((Path(__file__).parents[2] / "warehouse" / "queries").glob("*.sql"))


def test_there_are_example_queries():
    assert len(QUERIES) >= 5


@pytest.mark.parametrize("query", QUERIES, ids=lambda p: p.stem)
def test_an_example_query_runs_and_returns_rows(built_home, query):
    rows = published_rows(built_home, query.read_text(encoding="utf-8"))
    assert rows, f"{query.name} returned no rows"

"""GOVMETRICS_DUCKDB_MEMORY_LIMIT: a size DuckDB understands, or a message naming the setting."""

import pytest

from warehouse import paths


@pytest.mark.parametrize("value", ["2GB", "1500MB", "3 GiB", "0.5TB"])
def test_a_size_is_passed_on(monkeypatch, value):
    monkeypatch.setenv("GOVMETRICS_DUCKDB_MEMORY_LIMIT", value)
    assert paths.duckdb_memory_limit() == value


def test_the_default_is_two_gigabytes(monkeypatch):
    monkeypatch.delenv("GOVMETRICS_DUCKDB_MEMORY_LIMIT", raising=False)
    assert paths.duckdb_memory_limit() == "2GB"


@pytest.mark.parametrize("value", ["lots", "2", "GB", "-1GB"])
def test_anything_else_is_refused_by_name(monkeypatch, value):
    monkeypatch.setenv("GOVMETRICS_DUCKDB_MEMORY_LIMIT", value)
    with pytest.raises(ValueError, match=r"GOVMETRICS_DUCKDB_MEMORY_LIMIT=.*give a size"):
        paths.duckdb_memory_limit()

import duckdb
import polars as pl
import pytest

from ingest.contracts import QUARANTINE_SCHEMA
from warehouse.raw_store import append_load, current_quarantine


@pytest.fixture
def con(tmp_path):
    with duckdb.connect(str(tmp_path / "build.duckdb")) as connection:
        yield connection


def frames(values, rejected_lines=()):
    valid = pl.DataFrame({"value": values, "_source_file": "f.csv"})
    quarantine = pl.DataFrame(
        [("f.csv", line, "value", "x", "not a number") for line in rejected_lines],
        schema=QUARANTINE_SCHEMA,
        orient="row",
    )
    return valid, quarantine


def test_a_load_appends_rows_with_load_id_hash_and_time(con, tmp_path):
    source = tmp_path / "f.csv"
    source.write_text("v1")
    outcome = append_load(con, "things", source, "f.csv", *frames([1.0, 2.0], [4]), "c1")
    assert (outcome.skipped, outcome.rows_loaded, outcome.rows_quarantined) == (False, 2, 1)
    rows = con.execute("select value, _load_id, _file_hash, _loaded_at from raw.things").fetchall()
    assert len(rows) == 2
    assert all(r[1] and len(r[2]) == 64 and r[3] for r in rows)
    assert current_quarantine(con, "things") == ["f.csv:4: field 'value': not a number"]


def test_an_unchanged_file_is_skipped_and_a_changed_one_appended(con, tmp_path):
    source = tmp_path / "f.csv"
    source.write_text("v1")
    append_load(con, "things", source, "f.csv", *frames([1.0], [3]), "c1")
    again = append_load(con, "things", source, "f.csv", *frames([1.0], [3]), "c1")
    assert again.skipped
    source.write_text("v2")
    changed = append_load(con, "things", source, "f.csv", *frames([5.0]), "c1")
    assert not changed.skipped
    # Append-only: the first load is still there; quarantine reflects only the latest load.
    assert con.execute("select count(*) from raw.things").fetchone() == (2,)
    assert con.execute("select count(*) from raw.load_log").fetchone() == (2,)
    assert current_quarantine(con, "things") == []


def test_a_new_contract_reloads_an_unchanged_file(con, tmp_path):
    source = tmp_path / "f.csv"
    source.write_text("v1")
    append_load(con, "things", source, "f.csv", *frames([1.0]), "c1")
    assert not append_load(con, "things", source, "f.csv", *frames([1.0]), "c2").skipped


def test_reverting_a_file_loads_it_again(con, tmp_path):
    source = tmp_path / "f.csv"
    for content in ("v1", "v2", "v1"):
        source.write_text(content)
        assert not append_load(con, "things", source, "f.csv", *frames([1.0]), "c1").skipped


def test_a_failed_load_leaves_nothing_behind(con, tmp_path):
    source = tmp_path / "f.csv"
    source.write_text("v1")
    append_load(con, "things", source, "f.csv", *frames([1.0]), "c1")
    source.write_text("v2")
    wrong_type = pl.DataFrame({"value": ["not a float"], "_source_file": "f.csv"})
    with pytest.raises(duckdb.Error):
        append_load(con, "things", source, "f.csv", wrong_type, frames([])[1], "c1")
    assert con.execute("select count(*) from raw.things").fetchone() == (1,)
    assert con.execute("select count(*) from raw.load_log").fetchone() == (1,)

import os
import shutil

import duckdb
import pytest

from warehouse.query import NoPublishedWarehouse, QueryRefused, run_query


@pytest.fixture
def published(tmp_path):
    build = tmp_path / "build" / "govmetrics.duckdb"
    build.parent.mkdir()
    with duckdb.connect(str(build)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.t as select 2023 as year, '全国' as geo, 21.1 as share")
    published = tmp_path / "govmetrics.duckdb"
    shutil.copyfile(build, published)
    os.chmod(published, 0o444)
    return published


def test_a_select_returns_columns_and_rows(published):
    result = run_query("select year, geo, share from marts.t", published)
    assert result.columns == ["year", "geo", "share"]
    assert [tuple(map(str, r)) for r in result.rows] == [("2023", "全国", "21.1")]


@pytest.mark.parametrize(
    "sql",
    [
        "insert into marts.t values (2024, 'x', 1)",
        "delete from marts.t",
        "drop table marts.t",
        "create table x as select 1",
        "attach 'other.duckdb' as other",
        "copy marts.t to 'out.csv'",
        "set enable_external_access = true",
        "install httpfs",
        "select 1; delete from marts.t",
    ],
)
def test_anything_but_a_read_is_refused(published, sql):
    with pytest.raises(QueryRefused, match="refused"):
        run_query(sql, published)
    assert run_query("select count(*) from marts.t", published).rows == [(1,)]


def test_files_cannot_be_read_from_a_query(published, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("a\n1\n")
    with pytest.raises(duckdb.Error, match="disabled"):
        run_query(f"select * from read_csv('{secret}')", published)


def test_a_bad_query_raises_duckdbs_error(published):
    with pytest.raises(duckdb.CatalogException, match="no_such_table"):
        run_query("select * from marts.no_such_table", published)


def test_the_snapshot_is_read_only_on_disk(published):
    assert not published.stat().st_mode & 0o222


def test_no_published_warehouse_says_what_to_run(tmp_path):
    with pytest.raises(NoPublishedWarehouse, match="govmetrics build"):
        run_query("select 1", tmp_path / "missing.duckdb")

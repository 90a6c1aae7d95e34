"""What each table and column means, kept in the warehouse itself: `meta.table_docs` and
`meta.column_docs`, written by every build from its dbt manifest (model, seed and source
descriptions; Chinese and English titles from `config.meta`, and a table's other `config.meta`
keys as JSON, such as the release page's chart specifications). The CLI's `tables` and
`describe`, the release's data package, its workbook and its page read them from the snapshot,
so they always describe the data they sit beside."""

from __future__ import annotations

import json
from dataclasses import dataclass

import duckdb
import polars as pl

DOC_RESOURCES = ("model", "seed", "snapshot")
TABLE_DOCS_SCHEMA = {
    "schema_name": pl.String,
    "table_name": pl.String,
    "title_zh": pl.String,
    "title_en": pl.String,
    "description": pl.String,
    "meta": pl.String,
}
# `config.meta` keys that have their own column; the others go to the `meta` JSON column.
TITLES = ("title_zh", "title_en")
COLUMN_DOCS_SCHEMA = {
    "schema_name": pl.String,
    "table_name": pl.String,
    "column_name": pl.String,
    "title_zh": pl.String,
    "title_en": pl.String,
    "description": pl.String,
}


@dataclass(frozen=True)
class Doc:
    """Titles and description of a table or a column (None where undocumented)."""

    title_zh: str | None
    title_en: str | None
    description: str | None


def _meta(entry: dict) -> dict:
    """`meta` under `config` (dbt 1.10+) or at the entry's top level."""
    return {**(entry.get("meta") or {}), **((entry.get("config") or {}).get("meta") or {})}


def _text(value: object) -> str | None:
    """Whitespace folded (YAML `>` blocks end in a newline); empty is None."""
    folded = " ".join(str(value).split()) if value else ""
    return folded or None


def _documented(manifest: dict) -> list[dict]:
    nodes = [n for n in manifest["nodes"].values() if n["resource_type"] in DOC_RESOURCES]
    return nodes + list(manifest.get("sources", {}).values())


def record_table_docs(con: duckdb.DuckDBPyConnection, manifest: dict) -> int:
    """Replace `meta.table_docs` and `meta.column_docs` with the manifest's documentation;
    returns the number of tables documented."""
    tables, columns = [], []
    for node in _documented(manifest):
        name = node.get("alias") or node.get("identifier") or node["name"]
        meta = _meta(node)
        description = _text(node.get("description"))
        zh, en = meta.get("title_zh"), meta.get("title_en")
        other = {key: value for key, value in meta.items() if key not in TITLES}
        other_json = json.dumps(other, ensure_ascii=False, sort_keys=True) if other else None
        tables.append((node["schema"], name, zh, en, description, other_json))
        for column in node.get("columns", {}).values():
            titles = _meta(column)
            zh, en = titles.get("title_zh"), titles.get("title_en")
            description = _text(column.get("description"))
            columns.append((node["schema"], name, column["name"], zh, en, description))
    frames = {
        "table_docs": pl.DataFrame(tables, schema=TABLE_DOCS_SCHEMA, orient="row"),
        "column_docs": pl.DataFrame(columns, schema=COLUMN_DOCS_SCHEMA, orient="row"),
    }
    con.execute("create schema if not exists meta")
    for table, frame in frames.items():
        con.register("docs_rows", frame)
        try:
            con.execute(
                f"create or replace table meta.{table} as select * from docs_rows order by all"
            )
        finally:
            con.unregister("docs_rows")
    return len(tables)


def column_docs(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> dict[str, Doc]:
    """Column name -> its titles and description (empty when the snapshot has no docs)."""
    if not _has_docs(con):
        return {}
    rows = con.execute(
        "select column_name, title_zh, title_en, description from meta.column_docs"
        " where schema_name = ? and table_name = ?",
        [schema, table],
    ).fetchall()
    return {name: Doc(zh, en, description) for name, zh, en, description in rows}


def table_doc(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> Doc:
    """A table's titles and description (all None when undocumented)."""
    row = None
    if _has_docs(con):
        row = con.execute(
            "select title_zh, title_en, description from meta.table_docs"
            " where schema_name = ? and table_name = ?",
            [schema, table],
        ).fetchone()
    return Doc(*row) if row else Doc(None, None, None)


def table_meta(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> dict:
    """A table's `config.meta` apart from its titles (empty when the snapshot has none)."""
    row = None
    if _has_docs(con):
        row = con.execute(
            "select meta from meta.table_docs where schema_name = ? and table_name = ?",
            [schema, table],
        ).fetchone()
    return json.loads(row[0]) if row and row[0] else {}


def _has_docs(con: duckdb.DuckDBPyConnection) -> bool:
    (count,) = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'meta'"
        " and table_name in ('table_docs', 'column_docs')"
    ).fetchone()
    return count == 2

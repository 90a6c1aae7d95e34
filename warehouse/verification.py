"""The verdict models, run again on one document's claims against the published warehouse.

`govmetrics verify` must judge a text with exactly the logic the build used. A build records, in
`meta.verification_chain`, the compiled SQL of every dbt model between the report sources and
`marts.claim_verification` (and the relations they read besides). Verifying then means: an
in-memory database under the build's catalog name, with the published file attached read-only;
views onto its reference tables and official figures; the document's rows in fresh raw tables;
and the recorded models executed in order. The published file is never written.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

CHAIN_END = "model.govmetrics.claim_verification"
# The raw tables a document's check fills (with its own raw.load_log); every other input is
# read from the snapshot.
DOCUMENT_SOURCES = ("reports", "report_claims", "report_automatic_claims", "report_quantities")
CATALOG = "govmetrics"


class NoVerificationChain(RuntimeError):
    """The published warehouse has no recorded verdict models (built before `verify` existed)."""


def _chain_nodes(manifest: dict) -> list[str]:
    """Models upstream of claim_verification that read a document source, in build order."""
    nodes = manifest["nodes"]
    parents = {key: node.get("depends_on", {}).get("nodes", []) for key, node in nodes.items()}
    sources = {
        key
        for key, node in manifest["sources"].items()
        if node["source_name"] == "raw" and node["name"] in DOCUMENT_SOURCES
    }
    reads_document: dict[str, bool] = {}

    def reads(key: str) -> bool:
        if key in sources:
            return True
        if key not in nodes:
            return False
        if key not in reads_document:
            reads_document[key] = any(reads(parent) for parent in parents[key])
        return reads_document[key]

    ordered: list[str] = []

    def visit(key: str) -> None:
        if key in ordered or key not in nodes or nodes[key]["resource_type"] != "model":
            return
        for parent in parents[key]:
            visit(parent)
        if reads(key):
            ordered.append(key)

    visit(CHAIN_END)
    return ordered


def record_verification_chain(con: duckdb.DuckDBPyConnection, manifest: dict) -> int:
    """Write the compiled verdict models and their other inputs to `meta.verification_chain`."""
    nodes = manifest["nodes"]
    chain = _chain_nodes(manifest)
    rows = []
    inputs: dict[str, tuple[str, str]] = {}
    for key in chain:
        for parent in nodes[key]["depends_on"].get("nodes", []):
            node = nodes.get(parent)
            if parent not in chain and node is not None:
                inputs[parent] = (node["schema"], node.get("alias") or node["name"])
    for schema, name in sorted(inputs.values()):
        rows.append(("input", schema, name, None, None))
    for key in chain:
        node = nodes[key]
        compiled = node.get("compiled_code")
        if not compiled:
            raise ValueError(f"{key} has no compiled SQL in the build's manifest")
        rows.append(
            (
                "model",
                node["schema"],
                node.get("alias") or node["name"],
                node["config"]["materialized"],
                compiled,
            )
        )
    frame = pl.DataFrame(
        [(i, *row) for i, row in enumerate(rows)],
        schema={
            "position": pl.Int64,
            "role": pl.String,
            "schema_name": pl.String,
            "relation": pl.String,
            "materialized": pl.String,
            "compiled_sql": pl.String,
        },
        orient="row",
    )
    con.execute("create schema if not exists meta")
    con.register("chain_rows", frame)
    try:
        con.execute("create or replace table meta.verification_chain as select * from chain_rows")
    finally:
        con.unregister("chain_rows")
    return len(chain)


def open_document_session(published: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory database named like the build's, reading the snapshot read-only."""
    con = duckdb.connect()
    quoted = str(published).replace("'", "''")
    con.execute(f"attach '{quoted}' as published (read_only)")
    has_chain = con.execute(
        "select count(*) from duckdb_tables() where database_name = 'published'"
        " and schema_name = 'meta' and table_name = 'verification_chain'"
    ).fetchone()[0]
    if not has_chain:
        con.close()
        raise NoVerificationChain(
            f"{published} records no verdict models (built before `govmetrics verify` existed):"
            " run `govmetrics build`"
        )
    con.execute(f"attach ':memory:' as {CATALOG}")
    con.execute(f"use {CATALOG}")
    # The recorded SQL runs as read from the snapshot: it may read what is attached, nothing
    # else (no files, no other databases), and cannot change that.
    con.execute("set enable_external_access = false")
    con.execute("set lock_configuration = true")
    for (schema,) in con.execute(
        "select distinct schema_name from published.meta.verification_chain"
    ).fetchall():
        con.execute(f'create schema if not exists "{schema}"')
    for schema, relation in con.execute(
        "select schema_name, relation from published.meta.verification_chain"
        " where role = 'input' order by position"
    ).fetchall():
        con.execute(
            f'create view "{schema}"."{relation}" as '
            f'select * from published."{schema}"."{relation}"'
        )
    return con


def run_verification_chain(con: duckdb.DuckDBPyConnection) -> None:
    """Build the recorded models, in order, from the raw tables already in the session."""
    for schema, relation, materialized, sql in con.execute(
        "select schema_name, relation, materialized, compiled_sql"
        " from published.meta.verification_chain where role = 'model' order by position"
    ).fetchall():
        kind = "view" if materialized == "view" else "table"
        con.execute(f'create or replace {kind} "{schema}"."{relation}" as {sql}')

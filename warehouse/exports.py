"""Release files: every mart as Parquet and as CSV (UTF-8 with BOM, so Excel shows Chinese),
one XLSX workbook (a data dictionary, then a sheet per mart), `changes.csv` against the previous
release, and a Frictionless Data Package description with Table Schemas, titles in Chinese and
English, units, sources and licence.

Every file is written sorted by all its columns, left to right (a mart's key columns come
first), and carries no time stamp, so a rebuild of the same data gives the same bytes.

CSV cells are made safe for spreadsheets (OWASP's CSV injection guidance): a text cell that
starts with `=`, `+`, `@`, a tab or a carriage return, or with `-` when the cell is not a plain
number, is written with a single quote `'` in front, so Excel, LibreOffice and Google Sheets
show it as text instead of evaluating it as a formula (`=HYPERLINK(...)`, `-2+3+cmd|...`).
Numeric columns, and text such as `-1.5`, are written as they are. Parquet files, the workbook
(its text cells are typed as text) and the DuckDB snapshot keep the raw value.
"""

from __future__ import annotations

import codecs
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.release_changes import CHANGE_COLUMNS, changes_query
from warehouse.release_content import code_version, content_hash, input_files
from warehouse.snapshot_check import file_sha256
from warehouse.spreadsheet_safety import identifier, spreadsheet_safe_sql
from warehouse.table_docs import Doc, column_docs, table_doc
from warehouse.workbook import Sheet, write_workbook

WORKBOOK = "govmetrics.xlsx"
CHANGES = "changes.csv"
# The compilation (selection, structure, checks and verdicts) is CC-BY-4.0; every figure keeps
# its source's own terms, listed per source.
LICENCE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International (the compilation)",
}
SOURCE_TERMS = (
    "the publisher's own terms apply to this document and the figures read from it; "
    "the licence of this package covers the compilation only"
)
_TABLE_SCHEMA_TYPES = {
    "VARCHAR": "string",
    "BIGINT": "integer",
    "INTEGER": "integer",
    "HUGEINT": "integer",
    "DOUBLE": "number",
    "FLOAT": "number",
    "DATE": "date",
    "TIMESTAMP": "datetime",
    "BOOLEAN": "boolean",
}
_FETCH_ROWS = 10_000
# A mart with more rows than this has no sheet in the workbook (its dictionary row says where it
# is): the workbook is for a look in a spreadsheet, and openpyxl writes about 2,000 rows a
# second (a million-row sheet took over eight minutes).
WORKBOOK_MAX_ROWS = 10_000


@dataclass(frozen=True)
class Dataset:
    """A released mart: its columns (name, DuckDB type), row count and documentation."""

    name: str
    columns: list[tuple[str, str]]
    rows: int
    doc: Doc
    column_docs: dict[str, Doc]

    def sorted_select(self, columns: str = "*") -> str:
        """`select <columns> from the mart`, ordered by every column left to right."""
        order = ", ".join(f"t.{identifier(name)}" for name, _ in self.columns)
        return f"select {columns} from marts.{identifier(self.name)} as t order by {order}"


def _datasets(con: duckdb.DuckDBPyConnection) -> list[Dataset]:
    marts = [
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
            " order by table_name"
        ).fetchall()
    ]
    datasets = []
    for mart in marts:
        columns = con.execute(
            "select column_name, data_type from information_schema.columns"
            " where table_schema = 'marts' and table_name = ? order by ordinal_position",
            [mart],
        ).fetchall()
        (rows,) = con.execute(f"select count(*) from marts.{identifier(mart)}").fetchone()
        datasets.append(
            Dataset(
                mart, columns, rows, table_doc(con, "marts", mart), column_docs(con, "marts", mart)
            )
        )
    return datasets


def _copy_csv(con: duckdb.DuckDBPyConnection, query: str, target: Path) -> None:
    """Write a query's rows as CSV with a byte-order mark; DuckDB streams the rows (COPY), the
    mark goes in front by a file copy."""
    body = target.with_name(f".{target.name}.body")
    quoted = str(body).replace("'", "''")
    con.execute(f"copy ({query}) to '{quoted}' (format csv, header)")
    with target.open("wb") as out, body.open("rb") as rows:
        out.write(codecs.BOM_UTF8)
        shutil.copyfileobj(rows, out)
    body.unlink()


def _safe_columns(columns: list[tuple[str, str]]) -> str:
    """The CSV's columns: text made spreadsheet-safe, the rest in the mart's own type."""
    return ", ".join(
        spreadsheet_safe_sql(name)
        if kind == "VARCHAR"
        else f"cast(t.{identifier(name)} as {kind}) as {identifier(name)}"
        for name, kind in columns
    )


def _export_data(con: duckdb.DuckDBPyConnection, data_dir: Path, dataset: Dataset) -> None:
    """data/<mart>.parquet sorted by every column, then data/<mart>.csv (text cells
    spreadsheet-safe) read back from it in its order: the mart is sorted once, not twice."""
    parquet = str(data_dir / f"{dataset.name}.parquet").replace("'", "''")
    con.execute(f"copy ({dataset.sorted_select()}) to '{parquet}' (format parquet)")
    columns = _safe_columns(dataset.columns)
    _copy_csv(
        con,
        f"select {columns} from read_parquet('{parquet}') as t",
        data_dir / f"{dataset.name}.csv",
    )


def _rows(con: duckdb.DuckDBPyConnection, query: str) -> Iterator[tuple]:
    """A query's rows, fetched in batches (a cursor of its own, so reads can interleave)."""
    cursor = con.cursor()
    cursor.execute(query)
    while batch := cursor.fetchmany(_FETCH_ROWS):
        yield from batch
    cursor.close()


DICTIONARY_SHEET = "dictionary"
SHEET_NAME_LENGTH = 31  # Excel's limit


def _sheet_names(datasets: list[Dataset]) -> dict[str, str]:
    """A sheet name per dataset: its own, or cut to Excel's 31 characters and numbered when it
    is longer or already taken (names are compared ignoring case, as Excel does)."""
    taken = {DICTIONARY_SHEET}
    names = {}
    for number, dataset in enumerate(datasets, start=1):
        name = dataset.name[:SHEET_NAME_LENGTH]
        if name.lower() in taken or len(dataset.name) > SHEET_NAME_LENGTH:
            name = f"{dataset.name[: SHEET_NAME_LENGTH - 4]}~{number:03d}"
        taken.add(name.lower())
        names[dataset.name] = name
    return names


def _dictionary_rows(
    datasets: list[Dataset], units: dict[str, str], sheets: dict[str, str]
) -> Iterator[tuple]:
    for dataset in datasets:
        fits = dataset.rows <= WORKBOOK_MAX_ROWS
        rows = (
            dataset.rows
            if fits
            else f"{dataset.rows} (over {WORKBOOK_MAX_ROWS:,} rows, so no sheet: use "
            f"data/{dataset.name}.csv or .parquet)"
        )
        sheet = sheets[dataset.name] if fits else None
        doc = dataset.doc
        yield (
            dataset.name,
            None,
            doc.title_zh,
            doc.title_en,
            "table",
            None,
            rows,
            doc.description,
            sheet,
        )
        for name, kind in dataset.columns:
            doc = dataset.column_docs.get(name, Doc(None, None, None))
            yield (
                dataset.name,
                name,
                doc.title_zh,
                doc.title_en,
                kind,
                units.get(name),
                None,
                doc.description,
                sheet,
            )


def write_workbook_release(
    con: duckdb.DuckDBPyConnection,
    release_dir: Path,
    datasets: list[Dataset],
    units: dict[str, str],
) -> Path:
    """govmetrics.xlsx: a data dictionary, then one sheet per mart (sorted like the files)."""
    sheets = _sheet_names(datasets)
    columns = ["dataset", "column", "title_zh", "title_en", "type", "unit", "rows", "description"]
    dictionary = Sheet(
        DICTIONARY_SHEET, [*columns, "sheet"], _dictionary_rows(datasets, units, sheets)
    )
    data_sheets = [
        Sheet(sheets[d.name], [name for name, _ in d.columns], _rows(con, d.sorted_select()))
        for d in datasets
        if d.rows <= WORKBOOK_MAX_ROWS
    ]
    target = release_dir / WORKBOOK
    write_workbook(target, [dictionary, *data_sheets])
    return target


def write_changes(con: duckdb.DuckDBPyConnection, previous: Path | None, release_dir: Path) -> dict:
    """changes.csv against the previous release's data folder; returns the count per kind."""
    query = changes_query(previous, release_dir / "data")
    safe = [
        (name, "DOUBLE" if name.endswith("_value") else "VARCHAR") for name, *_ in CHANGE_COLUMNS
    ]
    _copy_csv(con, f"select {_safe_columns(safe)} from ({query}) as t", release_dir / CHANGES)
    return dict(
        con.execute(
            f"select change, count(*) from ({query}) group by change order by change"
        ).fetchall()
    )


def _title(doc: Doc, fallback: str) -> str:
    return " / ".join(t for t in (doc.title_zh, doc.title_en) if t) or fallback


def _field(name: str, duckdb_type: str, doc: Doc, units: dict[str, str]) -> dict:
    field = {
        "name": name,
        "type": _TABLE_SCHEMA_TYPES.get(duckdb_type.split("(")[0], "string"),
        "title": _title(doc, name),
        "description": doc.description or "",
    }
    if doc.title_zh:
        field["x_title_zh"] = doc.title_zh
    if doc.title_en:
        field["x_title_en"] = doc.title_en
    if name in units:
        field["unit"] = units[name]
    return field


def _resource(dataset: Dataset, file: Path, release_dir: Path, units: dict[str, str]) -> dict:
    schema = {
        "fields": [
            _field(n, k, dataset.column_docs.get(n, Doc(None, None, None)), units)
            for n, k in dataset.columns
        ]
    }
    fmt = file.suffix.lstrip(".")
    resource = {
        "name": f"{dataset.name}_{fmt}",
        "x_dataset": dataset.name,
        "path": file.relative_to(release_dir).as_posix(),
        "format": fmt,
        "mediatype": "text/csv" if fmt == "csv" else "application/vnd.apache.parquet",
        "title": _title(dataset.doc, dataset.name),
        "description": dataset.doc.description or "",
        "x_rows": dataset.rows,
        "schema": schema,
    }
    if fmt == "csv":
        resource |= {
            "encoding": "utf-8-sig",
            "bytes": file.stat().st_size,
            "hash": f"sha256:{file_sha256(file)}",
        }
    else:
        # Frictionless reads Parquet through pandas, which turns a missing integer into NaN, and
        # cannot count its bytes: SHA256SUMS holds the checksum of every file instead.
        resource["schema"] = schema | {"missingValues": ["", "nan", "NaN"]}
    return resource


def _changes_resource(release_dir: Path, rows: int) -> dict:
    file = release_dir / CHANGES
    fields = [
        {
            "name": name,
            "type": "number" if name.endswith("_value") else "string",
            "title": f"{zh} / {en}",
            "description": description,
            "x_title_zh": zh,
            "x_title_en": en,
        }
        for name, zh, en, description in CHANGE_COLUMNS
    ]
    return {
        "name": "changes_csv",
        "x_dataset": "changes",
        "path": CHANGES,
        "format": "csv",
        "mediatype": "text/csv",
        "title": "与上一版本相比的变化 / Changes since the previous release",
        "description": "Figures added, revised and removed, and verdicts changed.",
        "encoding": "utf-8-sig",
        "bytes": file.stat().st_size,
        "hash": f"sha256:{file_sha256(file)}",
        "x_rows": rows,
        "schema": {"fields": fields},
    }


@dataclass(frozen=True)
class ReleaseData:
    """The data files of a release as written, and the hash of its whole content."""

    datasets: list[Dataset]
    units: dict[str, str]
    content_hash: str
    code_version: str
    outputs: dict[str, str]  # SHA-256 of each file written, by its path in the release


def export_data(con: duckdb.DuckDBPyConnection, release_dir: Path) -> ReleaseData:
    """Write data/<mart>.csv and .parquet and the workbook; hash code, inputs and outputs."""
    data_dir = release_dir / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    datasets = _datasets(con)
    units = dict(con.execute("select indicator_code, unit from reference.indicators").fetchall())
    for dataset in datasets:
        _export_data(con, data_dir, dataset)
    write_workbook_release(con, release_dir, datasets, units)
    outputs = {
        file.relative_to(release_dir).as_posix(): file_sha256(file)
        for file in sorted(release_dir.rglob("*"))
        if file.is_file()
    }
    code = code_version()
    return ReleaseData(
        datasets, units, content_hash(code, input_files(con), outputs), code, outputs
    )


def _checks(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Passed, warned and failed expectations of the snapshot's latest data-quality run."""
    checks = dict.fromkeys(["passed", "warned", "failed"], 0)
    (has_dq,) = con.execute(
        "select count(*) from information_schema.tables"
        " where table_schema = 'dq' and table_name = 'results'"
    ).fetchone()
    if has_dq:
        for success, severity, count in con.execute(
            "select success, severity, count(*) from dq.results where run_id ="
            " (select max_by(run_id, run_at) from dq.results) group by all"
        ).fetchall():
            key = "passed" if success else ("warned" if severity == "warn" else "failed")
            checks[key] += count
    return checks


def content_id(content: str) -> str:
    """The short form of a content hash that names a release's content."""
    return content[:12]


def write_datapackage(
    con: duckdb.DuckDBPyConnection,
    release_dir: Path,
    data: ReleaseData,
    previous: str | None,
    changes: dict[str, int],
) -> dict:
    """datapackage.json: every file with its Table Schema, the sources and their terms."""
    resources = []
    for dataset in data.datasets:
        for fmt in ("csv", "parquet"):
            file = release_dir / "data" / f"{dataset.name}.{fmt}"
            resources.append(_resource(dataset, file, release_dir, data.units))
    resources.append(_changes_resource(release_dir, sum(changes.values())))
    sources = con.execute(
        "select source_id, publisher, title, copy_read_at, publisher_url from marts.sources"
        " order by source_id"
    ).fetchall()
    package = {
        "profile": "data-package",
        "name": "govmetrics",
        "title": "govmetrics: China's community-governance and elderly-care statistics",
        "description": (
            "Official figures with their sources, grades and vintages, and report claims checked "
            "against them. One resource per file; CSV files are UTF-8 with a byte-order mark. "
            f"Also in this release: {WORKBOOK} (a data dictionary, then one sheet per dataset)."
        ),
        "version": content_id(data.content_hash),
        "x_content_hash": data.content_hash,
        "x_code_version": data.code_version,
        "x_previous_release": previous,
        "x_checks": _checks(con),
        "x_changes": changes,
        "licenses": [LICENCE],
        "sources": [
            {
                "title": f"{publisher}: {title}",
                "path": copy_read_at,
                "x_source_id": source_id,
                "x_publisher_url": publisher_url,
                "x_terms": SOURCE_TERMS,
            }
            for source_id, publisher, title, copy_read_at, publisher_url in sources
        ],
        "resources": resources,
    }
    (release_dir / "datapackage.json").write_text(
        json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return package


def write_checksums(release_dir: Path, known: dict[str, str]) -> Path:
    """SHA256SUMS for every file of the release, in `sha256sum -c` format; `known` holds the
    checksums of files already hashed (by path in the release), which are not read again."""
    target = release_dir / "SHA256SUMS"
    files = sorted(p for p in release_dir.rglob("*") if p.is_file() and p != target)
    lines = []
    for file in files:
        name = file.relative_to(release_dir).as_posix()
        lines.append(f"{known.get(name) or file_sha256(file)}  {name}\n")
    target.write_text("".join(lines), encoding="utf-8")
    return target

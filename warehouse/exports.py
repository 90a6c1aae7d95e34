"""Release files: every mart as Parquet and as CSV (UTF-8 with BOM, so Excel shows Chinese), a
Frictionless Data Package description with Table Schemas, units, sources and licence.

CSV cells are made safe for spreadsheets (OWASP's CSV injection guidance): a text cell that
starts with `=`, `+`, `@`, a tab or a carriage return, or with `-` when the cell is not a plain
number, is written with a single quote `'` in front, so Excel, LibreOffice and Google Sheets
show it as text instead of evaluating it as a formula (`=HYPERLINK(...)`, `-2+3+cmd|...`).
Numeric columns, and text such as `-1.5`, are written as they are. Parquet files and the DuckDB
snapshot keep the raw value.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
import shutil
from pathlib import Path

import duckdb

from warehouse import paths
from warehouse.snapshot_check import file_sha256

# Chinese and English titles of the released marts.
MART_TITLES = {
    "indicator_series": ("指标序列", "Indicator series"),
    "sources": ("来源文件", "Source documents"),
    "indicator_coverage": ("指标覆盖情况", "Indicator coverage"),
    "source_conflicts": ("来源冲突", "Conflicting sources"),
    "aging_timeseries": ("人口老龄化年度序列", "Population ageing by year"),
    "elderly_care_capacity": ("养老服务供给", "Elderly-care capacity"),
    "volunteering": ("志愿服务", "Volunteering"),
    "grassroots_governance": (
        "基层治理与社会组织",
        "Grassroots governance and social organisations",
    ),
    "province_ageing": ("分省人口年龄结构", "Age structure by province"),
    "part_total_checks": ("分项与总量核对", "Parts against totals"),
    "claim_verification": ("报告数据核查", "Report claims verified"),
    "report_consistency": ("报告内部一致性", "Report consistency checks"),
    "verification_summary": ("核查结果汇总", "Verification summary"),
}
LICENCE = {
    "name": "govmetrics-figures",
    "title": (
        "Figures as published by the sources listed (official statistics and reports), "
        "transcribed with their source; cite the source document of each figure"
    ),
}
_TABLE_SCHEMA_TYPES = {
    "VARCHAR": "string", "BIGINT": "integer", "INTEGER": "integer", "HUGEINT": "integer",
    "DOUBLE": "number", "FLOAT": "number", "DATE": "date", "TIMESTAMP": "datetime",
    "BOOLEAN": "boolean",
}  # fmt: skip


# A cell starting with one of these is read as a formula; `-` too, unless the cell is a number.
FORMULA_START = r"^[=+@\t\r]"
PLAIN_NEGATIVE_NUMBER = r"^-(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"
_FORMULA_START = re.compile(FORMULA_START)
_PLAIN_NEGATIVE_NUMBER = re.compile(PLAIN_NEGATIVE_NUMBER)


def spreadsheet_safe(value: str) -> str:
    """A text cell as written to CSV: quoted with `'` when a spreadsheet would evaluate it."""
    if _FORMULA_START.match(value) or (
        value.startswith("-") and not _PLAIN_NEGATIVE_NUMBER.match(value)
    ):
        return "'" + value
    return value


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def spreadsheet_safe_sql(column: str) -> str:
    """The same rule as a DuckDB expression over a text column (the name is quoted here)."""
    name = _identifier(column)
    dangerous = (
        f"regexp_matches({name}, '{FORMULA_START}') or (starts_with({name}, '-')"
        f" and not regexp_matches({name}, '{PLAIN_NEGATIVE_NUMBER}'))"
    )
    return f"case when {dangerous} then chr(39) || {name} else {name} end as {name}"


def _dbt_docs() -> dict[str, dict]:
    """Model and column descriptions of the marts, from the dbt manifest."""
    manifest = json.loads((paths.DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    return {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == "marts"
    }


def _field(name: str, duckdb_type: str, doc: dict, units: dict[str, str]) -> dict:
    field = {
        "name": name,
        "type": _TABLE_SCHEMA_TYPES.get(duckdb_type.split("(")[0], "string"),
        "description": doc.get("columns", {}).get(name, {}).get("description", ""),
    }
    if name in units:
        field["unit"] = units[name]
    return field


def _resource(dataset: str, file: Path, release_dir: Path, schema: dict, doc: dict, rows: int):
    zh, en = MART_TITLES.get(dataset, (dataset, dataset))
    fmt = file.suffix.lstrip(".")
    resource = {
        "name": f"{dataset}_{fmt}",
        "x_dataset": dataset,
        "path": file.relative_to(release_dir).as_posix(),
        "format": fmt,
        "mediatype": "text/csv" if fmt == "csv" else "application/vnd.apache.parquet",
        "title": f"{zh} / {en}",
        "description": " ".join(doc.get("description", "").split()),
        "x_rows": rows,
        "schema": schema,
    }
    if fmt == "csv":
        resource |= {"encoding": "utf-8-sig", "bytes": file.stat().st_size,
                     "hash": f"sha256:{file_sha256(file)}"}  # fmt: skip
    else:
        # Frictionless reads Parquet through pandas, which turns a missing integer into NaN, and
        # cannot count its bytes: SHA256SUMS holds the checksum of every file instead.
        resource["schema"] = schema | {"missingValues": ["", "nan", "NaN"]}
    return resource


def _write_safe_csv(
    con: duckdb.DuckDBPyConnection, mart: str, columns: list[tuple[str, str]], target: Path
) -> None:
    """Write a mart as CSV with a byte-order mark, text cells made spreadsheet-safe; DuckDB
    streams the rows (COPY), the mark goes in front by a file copy."""
    select = ", ".join(
        spreadsheet_safe_sql(name) if kind == "VARCHAR" else _identifier(name)
        for name, kind in columns
    )
    body = target.with_name(f".{target.name}.body")
    quoted = str(body).replace("'", "''")
    con.execute(f"copy (select {select} from marts.{mart}) to '{quoted}' (format csv, header)")
    with target.open("wb") as out, body.open("rb") as rows:
        out.write(codecs.BOM_UTF8)
        shutil.copyfileobj(rows, out)
    body.unlink()


def export_release(snapshot: Path, release_dir: Path, version: str) -> dict:
    """Write data/<mart>.parquet and data/<mart>.csv for every mart, and datapackage.json."""
    data_dir = release_dir / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    docs = _dbt_docs()
    resources = []
    with duckdb.connect(str(snapshot), read_only=True) as con:
        marts = [row[0] for row in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
            " order by table_name"
        ).fetchall()]  # fmt: skip
        units = dict(
            con.execute("select indicator_code, unit from reference.indicators").fetchall()
        )
        sources = con.execute(
            "select publisher, title, copy_read_at from marts.sources order by source_id"
        ).fetchall()
        for mart in marts:
            columns = con.execute(
                "select column_name, data_type from information_schema.columns"
                " where table_schema = 'marts' and table_name = ? order by ordinal_position",
                [mart],
            ).fetchall()
            frame = con.sql(f"select * from marts.{mart}").pl()
            doc = docs.get(mart, {})
            schema = {"fields": [_field(name, kind, doc, units) for name, kind in columns]}
            csv_file, parquet_file = data_dir / f"{mart}.csv", data_dir / f"{mart}.parquet"
            _write_safe_csv(con, mart, columns, csv_file)
            frame.write_parquet(parquet_file)
            for file in (csv_file, parquet_file):
                resources.append(_resource(mart, file, release_dir, schema, doc, frame.height))
    package = {
        "profile": "data-package",
        "name": "govmetrics",
        "title": "govmetrics: China's community-governance and elderly-care statistics",
        "description": (
            "Official figures with their sources, grades and vintages, and report claims checked "
            "against them. One resource per file; CSV files are UTF-8 with a byte-order mark."
        ),
        "version": version,
        "created": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "licenses": [LICENCE],
        "sources": [
            {"title": f"{publisher}: {title}", "path": copy_read_at}
            for publisher, title, copy_read_at in sources
        ],
        "resources": resources,
    }
    (release_dir / "datapackage.json").write_text(
        json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return package


def write_checksums(release_dir: Path) -> Path:
    """SHA256SUMS for every file of the release, in `sha256sum -c` format."""
    target = release_dir / "SHA256SUMS"
    files = sorted(p for p in release_dir.rglob("*") if p.is_file() and p != target)
    target.write_text(
        "".join(f"{file_sha256(p)}  {p.relative_to(release_dir).as_posix()}\n" for p in files),
        encoding="utf-8",
    )
    return target

"""Release files: every mart as Parquet and as CSV (UTF-8 with BOM, so Excel shows Chinese), a
Frictionless Data Package description with Table Schemas, units, sources and licence."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import duckdb

from warehouse import paths

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


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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
                     "hash": f"sha256:{sha256(file)}"}  # fmt: skip
    else:
        # Frictionless reads Parquet through pandas, which turns a missing integer into NaN, and
        # cannot count its bytes: SHA256SUMS holds the checksum of every file instead.
        resource["schema"] = schema | {"missingValues": ["", "nan", "NaN"]}
    return resource


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
            frame = con.sql(f"select * from marts.{mart}").pl()
            columns = con.execute(
                "select column_name, data_type from information_schema.columns"
                " where table_schema = 'marts' and table_name = ? order by ordinal_position",
                [mart],
            ).fetchall()
            doc = docs.get(mart, {})
            schema = {"fields": [_field(name, kind, doc, units) for name, kind in columns]}
            csv_file, parquet_file = data_dir / f"{mart}.csv", data_dir / f"{mart}.parquet"
            frame.write_csv(csv_file, include_bom=True)
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
        "".join(f"{sha256(p)}  {p.relative_to(release_dir).as_posix()}\n" for p in files),
        encoding="utf-8",
    )
    return target

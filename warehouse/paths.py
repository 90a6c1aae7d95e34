"""Where everything lives. `GOVMETRICS_HOME` moves the warehouse folder (default: `warehouse/`)."""

from __future__ import annotations

import os
import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
DBT_SEEDS_DIR = DBT_PROJECT_DIR / "seeds"
INGEST_DATA_DIR = REPO_ROOT / "ingest" / "data"
# The report list (reports.csv) and the hand-made claim registers (<report_id>_claims.csv).
REGISTERS_DIR = INGEST_DATA_DIR / "reports"


def register_file(report_id: str) -> Path:
    """A report's claim register (it has one when the file exists)."""
    return REGISTERS_DIR / f"{report_id}_claims.csv"


def exclusions_file(report_id: str) -> Path:
    """The figures of a report's text its register leaves out, with the reason."""
    return REGISTERS_DIR / f"{report_id}_exclusions.csv"


def home() -> Path:
    return Path(os.environ.get("GOVMETRICS_HOME", REPO_ROOT / "warehouse")).resolve()


def inbox() -> Path:
    """Where users drop files: `statistics/` (NBS exports), `reports/` (report texts)."""
    return Path(os.environ.get("GOVMETRICS_INBOX", REPO_ROOT / "inbox")).resolve()


def build_db() -> Path:
    """The one database builds write to; only the build process ever opens it."""
    return home() / "build" / "govmetrics.duckdb"


def published_db() -> Path:
    """The read-only snapshot researchers query, replaced atomically by each publish."""
    return home() / "published" / "govmetrics.duckdb"


def releases_dir() -> Path:
    """One folder per release: download files, the snapshot, a catalog page (index.html)."""
    return home() / "releases"


def dq_dir() -> Path:
    """Data-quality output: `latest.json` (the last run) and `docs/` (GX Data Docs)."""
    return home() / "dq"


def display_path(path: Path) -> str:
    """A path as shown in messages and stored in `raw`: relative to the repository if inside."""
    resolved = path.resolve()
    return str(resolved.relative_to(REPO_ROOT)) if resolved.is_relative_to(REPO_ROOT) else str(path)


def inbox_name(path: Path) -> str:
    """An inbox entry as named in messages and in `raw`: its own path (relative to the
    repository if inside), never where a link leads, so that two entries never share a name."""
    absolute = Path(os.path.abspath(path))
    return str(absolute.relative_to(REPO_ROOT)) if absolute.is_relative_to(REPO_ROOT) else str(path)


DEFAULT_DUCKDB_MEMORY_LIMIT = "2GB"


def duckdb_memory_limit() -> str:
    """How much memory DuckDB may use in a build (GOVMETRICS_DUCKDB_MEMORY_LIMIT, default 2GB);
    beyond it DuckDB spills to a temporary folder beside the build database. dbt's connection
    reads the same variable (dbt_project/profiles.yml)."""
    limit = os.environ.get("GOVMETRICS_DUCKDB_MEMORY_LIMIT", DEFAULT_DUCKDB_MEMORY_LIMIT).strip()
    if not re.fullmatch(r"\d+(\.\d+)?\s*(B|[KMGT]i?B)", limit, flags=re.IGNORECASE):
        raise ValueError(
            f"GOVMETRICS_DUCKDB_MEMORY_LIMIT={limit!r}: give a size such as 2GB or 1500MB"
        )
    return limit


ENGINES = ("duckdb", "spark")


def engine() -> str:
    """The engine dbt builds the models on (GOVMETRICS_ENGINE, default duckdb): `duckdb` builds
    in the build database; `spark` builds with Apache Spark (dbt-spark, the profile's `spark`
    target) and the build database then takes Spark's tables (warehouse/spark_handoff.py)."""
    name = os.environ.get("GOVMETRICS_ENGINE", "duckdb").strip().lower() or "duckdb"
    if name not in ENGINES:
        raise ValueError(f"GOVMETRICS_ENGINE={name!r}: give one of {', '.join(ENGINES)}")
    return name


def spark_dir() -> Path:
    """Spark's side of a build: `raw/` (the raw tables as Parquet, one folder each, what Spark
    reads), `warehouse/` (the tables Spark builds, as Parquet) and `metastore_db/` (its catalog).
    dbt's `spark` target (dbt_project/profiles.yml) names the same folders."""
    return home() / "build" / "spark"

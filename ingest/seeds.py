"""The word and code lists that Python shares with SQL, read from the dbt seeds.

Each list lives once, as a CSV in dbt_project/seeds/: SQL reads it with `ref()`, ingest reads
the same file here. Edit the CSV, never a copy of it in code.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds"


@cache
def _read(folder: Path, name: str) -> tuple[dict[str, str], ...]:
    path = folder / f"{name}.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return tuple(
            {k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)
        )


def seed_rows(name: str) -> tuple[dict[str, str], ...]:
    """The rows of seeds/<name>.csv (read once per folder), as dicts of stripped strings."""
    return _read(SEEDS_DIR, name)


RULE_SEEDS = ("grades", "qualifiers", "year_bounds")


def rules_fingerprint() -> str:
    """A hash of the rule seeds a row is checked against: a file checked under other rules
    (a new year bound, a qualifier word) is loaded and checked again."""
    rows = {name: [sorted(row.items()) for row in seed_rows(name)] for name in RULE_SEEDS}
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class QualifierWords:
    """Qualifier words by where they stand and what they do to a written figure's interval."""

    lower_before: tuple[str, ...]  # 超过4400万: the figure is a lower bound
    upper_before: tuple[str, ...]  # 近700万: the figure is an upper bound
    approx_before: tuple[str, ...]  # 约
    lower_after: tuple[str, ...]  # 以上
    upper_after: tuple[str, ...]  # 以下
    approx_after: tuple[str, ...]  # 左右
    surplus: tuple[str, ...]  # 余/多 inside the figure: 60多万


def qualifier_words() -> QualifierWords:
    """seeds/qualifiers.csv, grouped as the figure parsers need it."""
    rows = seed_rows("qualifiers")

    def words(position: str, qualifier_class: str, bound: str = "") -> tuple[str, ...]:
        return tuple(
            row["word"]
            for row in rows
            if row["position"] == position
            and row["qualifier_class"] == qualifier_class
            and row["bound"] == bound
        )

    return QualifierWords(
        lower_before=words("before", "bound", "lower"),
        upper_before=words("before", "bound", "upper"),
        approx_before=words("before", "approx"),
        lower_after=words("after", "bound", "lower"),
        upper_after=words("after", "bound", "upper"),
        approx_after=words("after", "approx"),
        surplus=words("in_figure", "surplus"),
    )


def grades() -> frozenset[str]:
    """The source reliability grades (seeds/grades.csv)."""
    return frozenset(row["grade"] for row in seed_rows("grades"))


def year_bounds() -> tuple[int, int]:
    """The first and last year an observation may describe (seeds/year_bounds.csv)."""
    (row,) = seed_rows("year_bounds")
    return int(row["first_year"]), int(row["last_year"])

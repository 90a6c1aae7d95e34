"""Word and code lists live once, in dbt_project/seeds/: Python reads the same CSV that SQL
reads with ref(), and no rule literal is copied into code."""

import csv
import re
import shutil
from pathlib import Path

import pytest

from ingest import contracts, official_observations, seeds, source_registry
from ingest.written_quantity import parse_written_quantity

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "dbt_project" / "seeds"
# Where rules are implemented (not described): Python and SQL of every layer.
CODE_DIRS = (
    "ingest",
    "warehouse",
    "orchestration",
    "dbt_project/models",
    "dbt_project/macros",
    "dbt_project/tests",
)


def _rows(name: str) -> list[dict[str, str]]:
    with (SEEDS / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _code_files() -> list[Path]:
    return sorted(
        path
        for folder in CODE_DIRS
        for path in (ROOT / folder).rglob("*")
        if path.suffix in {".py", ".sql"} and "__pycache__" not in path.parts
    )


@pytest.mark.parametrize("row", _rows("qualifiers"), ids=lambda row: row["word"])
def test_the_figure_parser_treats_every_seed_qualifier_as_its_class_says(row):
    written = {
        "before": f"{row['word']}120万",
        "after": f"120万{row['word']}",
        "in_figure": f"120{row['word']}万",
    }[row["position"]]
    quantity = parse_written_quantity(written)
    assert quantity.qualifier == row["word"], written
    value, lower, upper = quantity.value, quantity.lower, quantity.upper
    if row["qualifier_class"] == "bound" and row["bound"] == "lower":
        expected = lower == value and upper is None
    elif row["qualifier_class"] == "bound":
        expected = lower is None and upper == value
    elif row["qualifier_class"] == "approx":
        expected = lower < value - 1e4 and upper > value + 1e4  # a band, not the rounding
    else:
        expected = lower == value and upper > value
    assert expected, (written, lower, value, upper)


def test_ingest_reads_grades_and_year_bounds_from_the_seeds():
    assert {row["grade"] for row in _rows("grades")} == source_registry.GRADES
    (bounds,) = _rows("year_bounds")
    first, last = int(bounds["first_year"]), int(bounds["last_year"])
    assert (first, last) == official_observations.YEAR_BOUNDS
    assert first == contracts.EARLIEST_YEAR


@pytest.fixture
def seed_copy(tmp_path, monkeypatch) -> Path:
    """A private copy of the seed folder that the loader reads instead of the real one."""
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    monkeypatch.setattr(seeds, "SEEDS_DIR", folder)
    return folder


def _append(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def test_a_word_or_grade_added_to_a_seed_is_what_python_reads(seed_copy):
    _append(seed_copy / "qualifiers.csv", "不止,before,bound,lower")
    _append(seed_copy / "grades.csv", "hearsay,0,A figure nobody can trace")
    (seed_copy / "year_bounds.csv").write_text("first_year,last_year\n1950,2099\n")
    assert seeds.qualifier_words().lower_before[-1] == "不止"
    assert "hearsay" in seeds.grades()
    assert seeds.year_bounds() == (1950, 2099)


def _quoted(words: set[str]) -> re.Pattern:
    alternation = "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
    return re.compile(rf"""(['"])({alternation})\1""")


def test_no_rule_list_is_copied_into_code():
    grades = {row["grade"] for row in _rows("grades")} - {"official"}  # 'official' is a word too
    qualifiers = {row["word"] for row in _rows("qualifiers") if len(row["word"]) > 1}
    # The first year only: the last (2100) also ends the range of four-digit numbers that read
    # as years in quantity_extraction, a different rule.
    (bounds,) = _rows("year_bounds")
    first_year = re.compile(rf"\b{bounds['first_year']}\b")
    grade_literal, qualifier_literal = _quoted(grades), _quoted(qualifiers)
    copies = []
    for path in _code_files():
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(ROOT)
        if found := {m[2] for m in grade_literal.finditer(text)}:
            copies.append(f"{where}: grades {sorted(found)}: read seeds/grades.csv instead")
        # A copy of the list quotes many; a grammar rule may name two or three (近, 将近).
        if len(found := {m[2] for m in qualifier_literal.finditer(text)}) >= 4:
            copies.append(f"{where}: qualifiers {sorted(found)}: read seeds/qualifiers.csv instead")
        if first_year.search(text):
            copies.append(
                f"{where}: year {bounds['first_year']}: read seeds/year_bounds.csv instead"
            )
    assert not copies, "\n".join(copies)


@pytest.mark.parametrize(
    ("seed", "text"),
    [
        ("year_bounds.csv", "first_year,last_year\n1949,2020\n"),
        ("qualifiers.csv", None),
        ("grades.csv", None),
    ],
)
def test_a_changed_rule_seed_changes_the_fingerprint_files_are_loaded_under(
    seed_copy, monkeypatch, seed, text
):
    """Files already loaded are checked again when a rule they were checked under changes."""
    with monkeypatch.context() as real:
        real.setattr(seeds, "SEEDS_DIR", SEEDS)
        before = seeds.rules_fingerprint()
    if text is None:
        _append(seed_copy / seed, {"qualifiers.csv": "不止,before,bound,lower"}.get(seed, "x,9,y"))
    else:
        (seed_copy / seed).write_text(text)
    assert seeds.rules_fingerprint() != before

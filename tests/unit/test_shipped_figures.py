"""The transcribed figures: every one from the reference file, none from memory."""

import re

import pytest

from ingest.official_observations import load_reference_codes, read_observation_file
from ingest.source_registry import read_source_registry
from warehouse import paths

REFERENCE = paths.REPO_ROOT.parent / "shared" / "reference" / "official_figures.md"
OBSERVATION_FILES = sorted((paths.INGEST_DATA_DIR / "observations").glob("*.csv"))
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def shipped_observations():
    registry = read_source_registry(paths.INGEST_DATA_DIR / "source_documents.csv")
    codes = load_reference_codes(
        paths.DBT_SEEDS_DIR, frozenset(registry.valid.get_column("source_id"))
    )
    return [read_observation_file(path, codes) for path in OBSERVATION_FILES]


def test_every_shipped_observation_is_valid():
    parsed = shipped_observations()
    assert all(p.quarantine.is_empty() for p in parsed), [p.quarantine.to_dicts() for p in parsed]
    assert sum(p.valid.height for p in parsed) == 327


@pytest.mark.skipif(not REFERENCE.exists(), reason=f"{REFERENCE} is not beside the repository")
def test_every_number_written_appears_in_the_reference_file():
    text = REFERENCE.read_text(encoding="utf-8")
    numbers_in_reference = set(NUMBER.findall(text))
    missing = []
    for parsed in shipped_observations():
        for row in parsed.valid.iter_rows(named=True):
            (number,) = NUMBER.findall(row["value_as_written"])
            if number not in numbers_in_reference:
                missing.append((row["_source_file"], row["_source_line"], number))
    assert missing == []

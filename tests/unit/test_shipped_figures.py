"""The transcribed figures: each read in a recorded copy of its source, none from the report."""

import csv
import re

from ingest.official_observations import load_reference_codes, read_observation_file
from ingest.source_registry import read_source_registry
from warehouse import paths

OBSERVATION_FILES = sorted((paths.INGEST_DATA_DIR / "observations").glob("*.csv"))
REPORT_REGISTERS = sorted((paths.INGEST_DATA_DIR / "reports").glob("*_claims.csv"))
# The first wave shipped 327 figures; figures are added or revised, never silently dropped.
FIRST_WAVE_FIGURES = 327
ADDRESS = re.compile(r"^(https?://)?[\w.-]+\.[a-z]{2,}(:\d+)?(/\S*)?$|^\d+(\.\d+){3}(/\S*)?$")


def registry():
    return read_source_registry(paths.INGEST_DATA_DIR / "source_documents.csv").valid


def shipped_observations():
    codes = load_reference_codes(paths.DBT_SEEDS_DIR, frozenset(registry().get_column("source_id")))
    return [read_observation_file(path, codes) for path in OBSERVATION_FILES]


def shipped_rows():
    return [row for parsed in shipped_observations() for row in parsed.valid.iter_rows(named=True)]


def test_every_shipped_observation_is_valid_and_none_is_lost():
    parsed = shipped_observations()
    assert all(p.quarantine.is_empty() for p in parsed), [p.quarantine.to_dicts() for p in parsed]
    assert sum(p.valid.height for p in parsed) >= FIRST_WAVE_FIGURES


def test_every_locator_points_into_the_original_document():
    bad = [
        (row["_source_file"], row["_source_line"], row["locator"])
        for row in shipped_rows()
        if row["locator"].lower().startswith("reference")
    ]
    assert bad == []


def test_most_sources_are_dated_and_every_used_source_names_its_copy():
    sources = registry()
    dated = sources.filter(sources["date_published"] != "unknown").height
    assert dated / sources.height >= 0.9, f"{dated} of {sources.height} sources dated"
    used = {row["source_id"] for row in shipped_rows()}
    unaddressed = [
        (row["source_id"], row["copy_read_at"])
        for row in sources.iter_rows(named=True)
        if row["source_id"] in used and not ADDRESS.match(row["copy_read_at"])
    ]
    assert unaddressed == []


def test_no_figure_of_a_report_enters_the_official_series():
    """A report's figure, as the report writes it, never reappears as an official figure of the
    same measure and place (an official 400万名 may stand beside a report's 400多万名)."""
    claims = {
        (row["indicator_code"], row["geo_code"], re.sub(r"\s+", "", row["surface"]))
        for path in REPORT_REGISTERS
        for row in csv.DictReader(path.open(encoding="utf-8"))
        if row["indicator_code"]
    }
    echoed = [
        (row["_source_file"], row["_source_line"], row["value_as_written"])
        for row in shipped_rows()
        if (row["indicator_code"], row["geo_code"], re.sub(r"\s+", "", row["value_as_written"]))
        in claims
    ]
    assert echoed == []

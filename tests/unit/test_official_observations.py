import pytest

from ingest.official_observations import (
    OBSERVATION_COLUMNS,
    ReferenceCodes,
    read_observation_file,
)

CODES = ReferenceCodes(
    indicator_kinds={
        "pop_total": "count",
        "pop_60_plus_share": "percent",
        "pop_60_plus_share_change_pp": "percentage_point",
    },
    flow_indicators=frozenset({"pop_60_plus_share_change_pp"}),
    geo_codes=frozenset({"000000"}),
    source_ids=frozenset({"src_a"}),
    vintages=frozenset({"first_published"}),
    plausible_ranges={
        "pop_total": (0, 1.5e9),
        "pop_60_plus_share": (0, 100),
        "pop_60_plus_share_change_pp": (-100, 100),
    },
)
HEADER = ",".join(OBSERVATION_COLUMNS)


def write(tmp_path, *lines):
    path = tmp_path / "observations.csv"
    path.write_text("\n".join((HEADER, *lines)) + "\n", encoding="utf-8")
    return path


DEFAULT_ROW = {
    "indicator_code": "pop_total",
    "geo_code": "000000",
    "as_of": "2023-12-31",
    "period_start": "",
    "period_end": "",
    "value_as_written": "29697万人",
    "source_id": "src_a",
    "locator": "table 1",
    "vintage": "first_published",
    "note": "",
}


def row(**fields: str) -> str:
    return ",".join({**DEFAULT_ROW, **fields}[column] for column in OBSERVATION_COLUMNS)


def test_a_valid_row_is_typed_with_its_interval(tmp_path):
    parsed = read_observation_file(write(tmp_path, row()), CODES)
    assert parsed.quarantine.is_empty()
    loaded = parsed.valid.row(0, named=True)
    assert loaded["value"] == 296_970_000
    assert (loaded["lower"], loaded["upper"]) == (296_965_000, 296_975_000)
    assert str(loaded["as_of"]) == "2023-12-31"
    assert loaded["_source_line"] == 2


@pytest.mark.parametrize(
    ("bad_row", "field", "reason"),
    [
        (row(indicator_code="pop_unknown"), "indicator_code", "must be one of"),
        (row(geo_code="11"), "geo_code", "six-digit"),
        (row(geo_code="110000"), "geo_code", "unknown geography"),
        (row(as_of="2023/12/31"), "as_of", "ISO date"),
        (row(as_of=""), "as_of", "as-of date or both"),
        (
            row(as_of="", period_start="2023-12-01", period_end="2023-01-01"),
            "period_end",
            "ends before",
        ),
        (row(as_of="1948-12-31"), "as_of", "outside the years 1949-2100"),
        (row(as_of="2101-12-31"), "as_of", "outside the years 1949-2100"),
        (row(value_as_written="lots"), "value_as_written", "not a written quantity"),
        (
            row(indicator_code="pop_60_plus_share", value_as_written="21.1"),
            "value_as_written",
            "write it with %",
        ),
        (row(value_as_written="21.1%"), "value_as_written", "not a percentage"),
        (
            row(
                indicator_code="pop_60_plus_share_change_pp",
                value_as_written="1.3%",
                as_of="",
                period_start="2023-01-01",
                period_end="2023-12-31",
            ),
            "value_as_written",
            "个百分点",
        ),
        (row(source_id="src_unknown"), "source_id", "must be one of"),
        (row(locator=""), "locator", "empty"),
        (row(vintage="guessed"), "vintage", "must be one of"),
    ],
)
def test_a_bad_row_is_quarantined_and_the_good_rows_still_load(tmp_path, bad_row, field, reason):
    rows = (row(), bad_row, row(as_of="2022-12-31"))
    parsed = read_observation_file(write(tmp_path, *rows), CODES, name="obs.csv")
    assert parsed.valid.height == 2
    assert parsed.valid.get_column("_source_line").to_list() == [2, 4]
    rejected = parsed.quarantine.row(0, named=True)
    assert (rejected["source_file"], rejected["line"], rejected["field"]) == ("obs.csv", 3, field)
    assert reason in rejected["reason"]


def test_a_change_in_points_is_written_with_ge_bai_fen_dian(tmp_path):
    change = row(
        indicator_code="pop_60_plus_share_change_pp",
        value_as_written="+1.3个百分点",
        as_of="",
        period_start="2023-01-01",
        period_end="2023-12-31",
    )
    parsed = read_observation_file(write(tmp_path, change), CODES)
    assert parsed.quarantine.is_empty()
    assert parsed.valid.get_column("value").to_list() == [1.3]


def test_a_file_without_a_required_column_names_file_and_column(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text("indicator_code,geo_code\npop_total,000000\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken.csv: line 1: missing column\(s\) as_of"):
        read_observation_file(path, CODES)


def test_the_fingerprint_changes_with_the_codes():
    other = ReferenceCodes(**{**vars(CODES), "source_ids": frozenset({"src_b"})})
    assert CODES.fingerprint() != other.fingerprint()
    assert CODES.fingerprint() == ReferenceCodes(**vars(CODES)).fingerprint()

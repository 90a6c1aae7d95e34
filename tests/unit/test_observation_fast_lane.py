"""The column-wise lane of read_observation_file gives exactly what the row contract gives."""

import csv
import hashlib
import io
import random
import re
import struct
from pathlib import Path

import polars as pl
import pytest
from dagster import build_asset_context

from ingest.observation_frames import (
    MAX_PLAIN_DIGITS,
    csv_text_frame,
    suffix_quantity,
    with_figure_parts,
    with_plain_figures,
)
from ingest.official_observations import (
    OBSERVATION_COLUMNS,
    _plain_rows,
    load_reference_codes,
    read_observation_file,
    read_observation_file_rowwise,
)
from ingest.source_registry import read_source_registry
from ingest.written_quantity import parse_written_quantity
from orchestration.assets import official
from orchestration.resources import WarehouseResource
from warehouse import paths
from warehouse.raw_store import file_hash

OBSERVATION_FILES = sorted((paths.INGEST_DATA_DIR / "observations").glob("*.csv"))
SUFFIXES = (
    "",
    "人",
    "万人",
    "亿元",
    "万亿元",
    "%",
    "个百分点",
    "百分点",
    "万个",
    "元",
    "千人",
    "亿",
)


@pytest.fixture(scope="module")
def codes():
    registry = read_source_registry(paths.INGEST_DATA_DIR / "source_documents.csv")
    return load_reference_codes(
        paths.DBT_SEEDS_DIR, frozenset(registry.valid.get_column("source_id"))
    )


def bits(value: float | None) -> bytes | None:
    """A double as its bytes: 0.0 and -0.0 differ, as do two doubles one bit apart."""
    return None if value is None else struct.pack("<d", value)


def assert_same(path: Path, codes, name: str = "obs.csv") -> None:
    fast = read_observation_file(path, codes, name)
    rowwise = read_observation_file_rowwise(path, codes, name)
    assert fast.valid.schema == rowwise.valid.schema
    assert fast.quarantine.schema == rowwise.quarantine.schema
    for column in ("value", "lower", "upper"):
        fast_bits = [bits(v) for v in fast.valid.get_column(column)]
        assert fast_bits == [bits(v) for v in rowwise.valid.get_column(column)], column
    assert fast.valid.rows() == rowwise.valid.rows()
    assert fast.quarantine.rows() == rowwise.quarantine.rows()


@pytest.mark.parametrize("path", OBSERVATION_FILES, ids=lambda path: path.name)
def test_the_shipped_files_read_the_same_in_both_lanes(path, codes):
    assert_same(path, codes)


def written_numbers(rng: random.Random) -> list[str]:
    """Plain figures of every length the lane takes and a little beyond, with and without
    decimals, signs and zeros, on every suffix."""
    numbers = ["0", "0.0", "00012", "1", "0.5", "9" * MAX_PLAIN_DIGITS, "0." + "0" * 13 + "1"]
    for length in range(1, MAX_PLAIN_DIGITS + 4):
        for places in range(0, length + 1):
            digits = "".join(rng.choice("0123456789") for _ in range(length))
            whole, decimals = digits[: length - places] or "0", digits[length - places :]
            numbers.append(f"{whole}.{decimals}" if decimals else whole)
    numbers += [f"{rng.uniform(0, 100):.{rng.randint(1, 6)}f}" for _ in range(300)]
    return [
        f"{sign}{number}{suffix}"
        for number in numbers
        for sign in ("", "+", "-")
        for suffix in SUFFIXES
    ]


def test_plain_figures_are_bit_identical_to_the_row_contract():
    rng = random.Random(15)
    written = written_numbers(rng)
    frame = with_figure_parts(pl.DataFrame({"written": written}), "written")
    suffixes = frame.get_column("_suffix").unique().drop_nulls().to_list()
    exponents = {suffix: shape[0] for suffix in suffixes if (shape := suffix_quantity(suffix))}
    frame = frame.with_columns(
        pl.col("_suffix")
        .replace_strict(exponents, default=None, return_dtype=pl.Int64)
        .alias("exponent")
    )
    computed = with_plain_figures(frame, "exponent").drop_nulls("value")
    assert computed.height > len(written) * 0.8  # the lane takes most of them
    naive_differs = 0
    for text, exponent, value, lower, upper in computed.select(
        "written", "exponent", "value", "lower", "upper"
    ).iter_rows():
        quantity = parse_written_quantity(text)
        assert quantity.qualifier is None
        expected = (bits(quantity.value), bits(quantity.lower), bits(quantity.upper))
        assert (bits(value), bits(lower), bits(upper)) == expected, text
        naive = float(text.lstrip("+-").rstrip("%人万亿元个百分点千")) * 10.0**exponent
        naive_differs += bits(-naive if text.startswith("-") else naive) != bits(quantity.value)
    assert naive_differs > 0  # the data tells a float multiplication from the exact value


def test_suffixes_with_a_qualifier_or_an_odd_form_are_left_to_the_row_contract():
    for suffix in ("多万人", "余人", "万人以上", "万人左右", "萬人", "万人内", ".5万", "万多人"):
        assert suffix_quantity(suffix) is None, suffix
    assert suffix_quantity("万亿元")[0] == 12
    assert suffix_quantity("%")[1].is_percent


STOCK = "pop_total"  # count, stock
SHARE = "pop_60_plus_share"  # percent, stock
POINTS = "pop_60_plus_share_change_pp"  # percentage points, flow
CHANGE = "pop_total_change"  # count, flow


def plain_row(rng: random.Random, geos: list[str]) -> dict[str, str]:
    indicator = rng.choice((STOCK, SHARE, POINTS, CHANGE))
    year = rng.randint(1949, 2100)
    flow = indicator in (POINTS, CHANGE)
    value = {
        STOCK: f"{rng.randint(0, 14000)}.{rng.randint(0, 99)}万人",
        SHARE: f"{rng.uniform(0, 100):.{rng.randint(0, 4)}f}%",
        POINTS: f"{rng.choice('+-')}{rng.uniform(0, 9):.2f}个百分点",
        CHANGE: f"{rng.choice(['', '-', '+'])}{rng.randint(0, 99999)}人",
    }[indicator]
    return {
        "indicator_code": indicator,
        "geo_code": rng.choice(geos),
        "as_of": "" if flow else f"{year}-12-31",
        "period_start": f"{year}-01-01" if flow else "",
        "period_end": f"{year}-12-31" if flow else "",
        "value_as_written": value,
        "source_id": "nbs_pressconf_2012_01_17",
        "locator": f"表{rng.randint(1, 9)}",
        "vintage": rng.choice(("first_published", "revised")),
        "note": "",
    }


# Each change makes a row the lane cannot prove valid: a bad row, or a form only the row contract
# reads (qualifiers, commas, Chinese numerals, full-width or traditional characters, many digits).
TWISTS = [
    {"indicator_code": "pop_unknown"},
    {"indicator_code": ""},
    {"geo_code": "11"},
    {"geo_code": "999999"},
    {"geo_code": "１１００００"},
    {"as_of": "2023/12/31"},
    {"as_of": "2023-02-30"},
    {"as_of": "20231231"},
    {"as_of": "1948-12-31"},
    {"as_of": "2101-01-01"},
    {"as_of": "", "period_start": "", "period_end": ""},
    {"period_start": "2023-01-01"},
    {"as_of": "2023-12-31", "period_start": "2023-01-01", "period_end": "2023-12-31"},
    {"as_of": "", "period_start": "2023-12-31", "period_end": "2023-01-01"},
    {"value_as_written": ""},
    {"value_as_written": "lots"},
    {"value_as_written": "约12万人"},
    {"value_as_written": "近700万人"},
    {"value_as_written": "60多万人"},
    {"value_as_written": "3800余万"},
    {"value_as_written": "12万人以上"},
    {"value_as_written": "12万人左右"},
    {"value_as_written": "1-2万人"},
    {"value_as_written": "三万人"},
    {"value_as_written": "1,234人"},
    {"value_as_written": "１２３人"},
    {"value_as_written": "12萬人"},
    {"value_as_written": "−3.2%"},
    {"value_as_written": "12.万人"},
    {"value_as_written": "123456789012345.5人"},
    {"value_as_written": "0.1234567890123456789012345678901%"},
    {"value_as_written": "9" * 40 + "人"},
    {"value_as_written": "2e3人"},
    {"value_as_written": "12.5"},
    {"value_as_written": "12.5%"},
    {"value_as_written": "1.3个百分点"},
    {"value_as_written": "-1人"},
    {"value_as_written": "15亿人"},
    {"value_as_written": "100.01%"},
    {"value_as_written": "999.99%"},
    {"source_id": "src_unknown"},
    {"source_id": ""},
    {"locator": ""},
    {"vintage": "guessed"},
]


def twisted_row(rng: random.Random, geos: list[str]) -> dict[str, str]:
    row = plain_row(rng, geos)
    twist = rng.choice(TWISTS)
    if row["indicator_code"] in (POINTS, CHANGE) and "as_of" in twist:
        row["indicator_code"] = STOCK
    return {**row, **twist}


def padded(value: str, rng: random.Random) -> str:
    """Whitespace str.strip() removes (ASCII, ideographic, separators) around a value."""
    if rng.random() < 0.9:
        return value
    return rng.choice(" \t\u3000\x1c\xa0") + value + rng.choice(["", " ", "\u2003"])


def write_rows(path: Path, rows: list[list[str]], header=OBSERVATION_COLUMNS, **options) -> Path:
    """Rows as the csv module writes them (quoting only what needs it), then `options` applied:
    bom, crlf, blank lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n" if options.get("crlf") else "\n")
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue()
    if options.get("blank_lines"):
        text = text.replace("\n", "\n\n", 3)
    path.write_text(("\ufeff" if options.get("bom") else "") + text, encoding="utf-8", newline="")
    return path


def mixed_rows(rng: random.Random, codes, count: int) -> list[list[str]]:
    """Plain rows, bad rows, row-contract forms and repeats of either, in random order."""
    geos = sorted(codes.geo_codes)[:3]
    rows: list[dict[str, str]] = []
    for _ in range(count):
        draw = rng.random()
        if draw < 0.55:
            row = plain_row(rng, geos)
        elif draw < 0.85:
            row = twisted_row(rng, geos)
        else:  # a repeat of an earlier row, plain or not, maybe written differently
            row = dict(rng.choice(rows)) if rows else plain_row(rng, geos)
            if rng.random() < 0.5:
                row["value_as_written"] = rng.choice(["约1万人", "1.0%", "+0.10个百分点", "7人"])
        if rng.random() < 0.1:
            row["note"] = rng.choice(["见附注", "a, b", 'say "x"', "  spaced  "])
        if rng.random() < 0.05:
            row["locator"] = "表1, 第2行"
        rows.append(row)
    return [[padded(row[c], rng) for c in OBSERVATION_COLUMNS] for row in rows]


@pytest.mark.parametrize("seed", range(6))
def test_a_mixed_file_reads_the_same_in_both_lanes(tmp_path, codes, seed):
    rng = random.Random(seed)
    options = {"bom": seed % 2 == 0, "crlf": seed % 3 == 1, "blank_lines": seed % 3 == 2}
    path = write_rows(tmp_path / "mixed.csv", mixed_rows(rng, codes, 1500), **options)
    assert csv_text_frame(path, OBSERVATION_COLUMNS) is not None  # the lane reads it
    assert_same(path, codes)


def test_both_lanes_are_used_and_a_repeat_names_the_first_line_in_either(tmp_path, codes):
    geos = sorted(codes.geo_codes)[:1]
    plain = plain_row(random.Random(1), geos)
    python_form = {**plain, "value_as_written": "约1万人", "indicator_code": STOCK}
    rows = [python_form, plain, {**python_form, "value_as_written": "2万人"}, dict(plain)]
    rows[1]["indicator_code"], rows[3]["indicator_code"] = SHARE, SHARE
    rows[1]["value_as_written"], rows[3]["value_as_written"] = "12.5%", "约12.5%"
    for row in rows:
        row.update(as_of="2020-12-31", period_start="", period_end="")
    path = write_rows(tmp_path / "repeats.csv", [[r[c] for c in OBSERVATION_COLUMNS] for r in rows])
    text = csv_text_frame(path, OBSERVATION_COLUMNS)
    lanes = _plain_rows(text, codes).get_column("_plain").to_list()
    assert lanes == [False, True, True, False]
    parsed = read_observation_file(path, codes, "repeats.csv")
    assert parsed.valid.get_column("_source_line").to_list() == [2, 3]
    assert parsed.quarantine.select("line", "reason").rows() == [
        (4, "repeats the observation of line 2 (same key)"),
        (5, "repeats the observation of line 3 (same key)"),
    ]
    assert_same(path, codes)


def test_a_note_over_two_lines_sends_the_file_to_the_row_contract(tmp_path, codes):
    rows = mixed_rows(random.Random(7), codes, 200)
    rows[50][-1] = "first line\nsecond line"
    path = write_rows(tmp_path / "newline.csv", rows)
    assert csv_text_frame(path, OBSERVATION_COLUMNS) is None
    assert_same(path, codes)


@pytest.mark.parametrize(
    "tail",
    [
        "a\rb",  # a lone carriage return ends a line for the csv module
        '"open quote, never closed',  # swallows the lines after it
        "a\x00b",  # the csv module refuses a NUL
    ],
)
def test_what_only_the_csv_module_can_read_goes_to_the_row_contract(tmp_path, codes, tail):
    rows = mixed_rows(random.Random(3), codes, 100)
    rows[10][-1] = "x"
    path = write_rows(tmp_path / "odd.csv", rows)
    text = path.read_text(encoding="utf-8").replace(",x\n", "," + tail + "\n", 1)
    path.write_text(text, encoding="utf-8", newline="")
    assert csv_text_frame(path, OBSERVATION_COLUMNS) is None
    try:
        read_observation_file_rowwise(path, codes)
    except csv.Error as err:
        with pytest.raises(csv.Error, match=re.escape(str(err))):
            read_observation_file(path, codes)
    else:
        assert_same(path, codes)


def test_columns_in_another_order_extra_and_short_rows_read_the_same(tmp_path, codes):
    rng = random.Random(11)
    header = ("extra", *reversed(OBSERVATION_COLUMNS), "")
    rows = [["?", *reversed(row), "!"] for row in mixed_rows(rng, codes, 400)]
    rows[5] = rows[5][:4]  # a short row: the missing fields are empty
    rows[6] = [*rows[6], "more", "fields"]
    path = write_rows(tmp_path / "reordered.csv", rows, header=header)
    assert csv_text_frame(path, OBSERVATION_COLUMNS) is not None
    assert_same(path, codes)


def test_a_header_only_file_and_a_missing_column_read_as_before(tmp_path, codes):
    assert_same(write_rows(tmp_path / "empty.csv", []), codes)
    broken = tmp_path / "broken.csv"
    broken.write_text("indicator_code,geo_code\npop_total,000000\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken.csv: line 1: missing column\(s\) as_of"):
        read_observation_file(broken, codes)


def test_bytes_that_are_not_utf8_fail_as_before(tmp_path, codes):
    path = write_rows(tmp_path / "latin.csv", mixed_rows(random.Random(5), codes, 50))
    path.write_bytes(path.read_bytes() + "pop_total,é\n".encode("latin-1"))
    with pytest.raises(UnicodeDecodeError):
        read_observation_file_rowwise(path, codes)
    with pytest.raises(UnicodeDecodeError):
        read_observation_file(path, codes)


def test_a_file_is_hashed_in_chunks_to_the_same_digest(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(random.Random(2).randbytes(3 * 2**20 + 17))
    assert file_hash(path) == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_file_loaded_before_is_not_parsed_again(home_copy, tmp_path, monkeypatch):
    """The asset looks up (hash, contract) before it parses: an unchanged file costs a hash."""
    parsed: list[str] = []

    def recording_reader(path: Path, codes, name: str):
        parsed.append(path.name)
        return read_observation_file(path, codes, name)

    monkeypatch.setattr(official, "read_observation_file", recording_reader)

    def materialize() -> dict:
        results = list(official.official_observations(build_asset_context(), WarehouseResource()))
        return results[0].metadata

    assert materialize()["files_skipped_unchanged"] == len(OBSERVATION_FILES)
    assert parsed == []

    folder = tmp_path / "observations"
    folder.mkdir()
    census = folder / "census.csv"
    census.write_bytes((paths.INGEST_DATA_DIR / "observations" / "census.csv").read_bytes())
    monkeypatch.setattr(official, "OBSERVATIONS_DIR", folder)
    materialize()
    materialize()
    assert parsed == ["census.csv"]
    census.write_text(census.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    summary = materialize()
    assert parsed == ["census.csv", "census.csv"]
    assert (summary["files_skipped_unchanged"], summary["rows_loaded"]) == (0, 135)

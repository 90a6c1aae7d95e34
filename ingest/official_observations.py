"""Official observations transcribed from source documents: one CSV row per written figure."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ingest.contracts import (
    ParsedFile,
    Rejection,
    RowRejected,
    one_of,
    optional_date,
    quarantine_frame,
    read_csv_rows,
    required,
)
from ingest.observation_frames import (
    LINE,
    csv_text_frame,
    suffix_quantity,
    with_figure_parts,
    with_plain_figures,
)
from ingest.seeds import rules_fingerprint, year_bounds
from ingest.written_quantity import WrittenQuantity, WrittenQuantityError, parse_written_quantity

OBSERVATION_COLUMNS = (
    "indicator_code",
    "geo_code",
    "as_of",
    "period_start",
    "period_end",
    "value_as_written",
    "source_id",
    "locator",
    "vintage",
    "note",
)
OBSERVATION_SCHEMA: dict[str, type[pl.DataType]] = {
    "indicator_code": pl.String,
    "geo_code": pl.String,
    "as_of": pl.Date,
    "period_start": pl.Date,
    "period_end": pl.Date,
    "value_as_written": pl.String,
    "value": pl.Float64,
    "lower": pl.Float64,
    "upper": pl.Float64,
    "qualifier": pl.String,
    "source_id": pl.String,
    "locator": pl.String,
    "vintage": pl.String,
    "note": pl.String,
    "_source_file": pl.String,
    "_source_line": pl.Int64,
}
# The years an observation may describe (dbt_project/seeds/year_bounds.csv).
YEAR_BOUNDS = year_bounds()
_GEO_CODE = re.compile(r"^\d{6}$")
PERCENTAGE_POINT_WORDS = ("个百分点", "百分点")


@dataclass(frozen=True)
class ReferenceCodes:
    """The codes an observation may use: indicator -> kind, known geographies, sources, vintages."""

    indicator_kinds: dict[str, str]
    flow_indicators: frozenset[str]
    geo_codes: frozenset[str]
    source_ids: frozenset[str]
    vintages: frozenset[str]
    # indicator -> (lowest, highest) plausible value in base units (seeds/plausible_ranges.csv)
    plausible_ranges: dict[str, tuple[float, float]]

    def fingerprint(self) -> str:
        """A hash of every code: a file validated against other codes must be validated again."""
        canonical = json.dumps(
            [
                sorted(self.indicator_kinds.items()),
                sorted(self.flow_indicators),
                sorted(self.geo_codes),
                sorted(self.source_ids),
                sorted(self.vintages),
                sorted(self.plausible_ranges.items()),
                rules_fingerprint(),
            ]
        )
        return hashlib.sha256(canonical.encode()).hexdigest()


def _check_kind(indicator: str, kind: str, written: str, quantity: WrittenQuantity) -> None:
    """A percent is written with %, a change in percentage points with 个百分点, nothing else
    with either."""
    is_points = quantity.unit_word in PERCENTAGE_POINT_WORDS
    if kind == "percent" and not quantity.is_percent:
        raise RowRejected("value_as_written", written, f"{indicator} is a percent: write it with %")
    if kind == "percentage_point" and not is_points:
        raise RowRejected(
            "value_as_written", written, f"{indicator} is in percentage points: write 个百分点"
        )
    if kind not in {"percent", "percentage_point"} and (quantity.is_percent or is_points):
        raise RowRejected("value_as_written", written, f"{indicator} is a {kind}, not a percentage")


def _check_plausible(
    indicator: str, written: str, quantity: WrittenQuantity, bounds: tuple[float, float]
) -> None:
    """A figure no document could state for this indicator (10^45 persons, -3 beds) is refused
    at the door rather than published."""
    lowest, highest = bounds
    for value in (quantity.value, quantity.lower, quantity.upper):
        if value is not None and not lowest <= value <= highest:
            raise RowRejected(
                "value_as_written",
                written,
                f"{value:g} is outside the plausible range of {indicator}, {lowest:g} to "
                f"{highest:g} (dbt_project/seeds/plausible_ranges.csv)",
            )


def validate_observation(row: dict, codes: ReferenceCodes) -> tuple:
    """The observation contract: a typed tuple in OBSERVATION_SCHEMA order (without the file
    columns), or RowRejected naming the field at fault."""
    indicator = one_of(row, "indicator_code", frozenset(codes.indicator_kinds))
    geo_code = required(row, "geo_code")
    if not _GEO_CODE.match(geo_code):
        raise RowRejected("geo_code", geo_code, "must be a six-digit GB/T 2260 code")
    if geo_code not in codes.geo_codes:
        raise RowRejected("geo_code", geo_code, "unknown geography code")

    as_of = optional_date(row, "as_of")
    start = optional_date(row, "period_start")
    end = optional_date(row, "period_end")
    if as_of is None and (start is None or end is None):
        raise RowRejected("as_of", "", "give an as-of date or both period_start and period_end")
    if as_of is not None and (start or end):
        raise RowRejected("as_of", str(as_of), "give an as-of date or a period, not both")
    if start and end and start > end:
        raise RowRejected("period_end", str(end), f"ends before period_start {start}")
    for field, date in (("as_of", as_of), ("period_start", start), ("period_end", end)):
        if date is not None and not YEAR_BOUNDS[0] <= date.year <= YEAR_BOUNDS[1]:
            bounds = "{}-{}".format(*YEAR_BOUNDS)
            raise RowRejected(field, str(date), f"outside the years {bounds} this warehouse holds")
    if indicator in codes.flow_indicators and as_of is not None:
        raise RowRejected("as_of", str(as_of), f"{indicator} is a flow: give a period, not a date")
    if indicator not in codes.flow_indicators and as_of is None:
        raise RowRejected("period_start", str(start), f"{indicator} is a stock: give an as-of date")

    written = required(row, "value_as_written")
    try:
        quantity = parse_written_quantity(written)
    except WrittenQuantityError as err:
        raise RowRejected("value_as_written", written, str(err)) from None
    _check_kind(indicator, codes.indicator_kinds[indicator], written, quantity)
    _check_plausible(indicator, written, quantity, codes.plausible_ranges[indicator])

    return (
        indicator,
        geo_code,
        as_of,
        start,
        end,
        written,
        quantity.value,
        quantity.lower,
        quantity.upper,
        quantity.qualifier,
        one_of(row, "source_id", codes.source_ids),
        required(row, "locator"),
        one_of(row, "vintage", codes.vintages),
        row.get("note", ""),
    )


def read_observation_file(path: Path, codes: ReferenceCodes, name: str | None = None) -> ParsedFile:
    """Read one observations CSV; each bad row goes to quarantine, good rows still load.

    `name` is how the file is named in messages and in the loaded rows (default: the path).
    Rows that are plainly valid are checked column-wise; every other row goes through
    `validate_observation`, which words every rejection. The result is the one
    `read_observation_file_rowwise` gives.
    """
    name = name or str(path)
    text = csv_text_frame(path, OBSERVATION_COLUMNS)
    if text is None:
        return read_observation_file_rowwise(path, codes, name)
    typed = _plain_rows(text, codes)
    plain = typed.get_column("_plain")
    rows: list[tuple] = []
    rejections: list[Rejection] = []
    python_lane = text.select(*OBSERVATION_COLUMNS, LINE).filter(~plain)
    del text
    for *fields, line in python_lane.iter_rows():
        row = dict(zip(OBSERVATION_COLUMNS, fields, strict=True))
        try:
            rows.append((*validate_observation(row, codes), line))
        except RowRejected as err:
            rejections.append(Rejection(name, line, err.field, err.value, err.reason))
    checked = pl.DataFrame(rows, schema={**_RECORD_SCHEMA, LINE: pl.Int64}, orient="row")
    candidates = pl.concat([typed.filter(plain).select(checked.columns), checked]).sort(LINE)
    del typed
    first = pl.col(LINE).min().over(_KEY).alias("_first")
    candidates = candidates.with_columns(first)
    repeated = pl.col(LINE) != pl.col("_first")
    repeats = candidates.filter(repeated).select(
        pl.lit(name).alias("source_file"),
        pl.col(LINE).alias("line"),
        pl.lit("indicator_code").alias("field"),
        pl.col("indicator_code").alias("value"),
        pl.format("repeats the observation of line {} (same key)", "_first").alias("reason"),
    )
    valid = candidates.filter(~repeated).select(
        *_RECORD_SCHEMA,
        pl.lit(name).alias("_source_file"),
        pl.col(LINE).alias("_source_line"),
    )
    quarantine = pl.concat([quarantine_frame(rejections), repeats]).sort(
        "line", maintain_order=True
    )
    return ParsedFile(valid=valid.cast(OBSERVATION_SCHEMA), quarantine=quarantine)


# The columns validate_observation gives, and the observation's key: indicator, place, date or
# period, source and vintage.
_RECORD_SCHEMA = {c: t for c, t in OBSERVATION_SCHEMA.items() if not c.startswith("_")}
_KEY = ("indicator_code", "geo_code", "as_of", "period_start", "period_end", "source_id", "vintage")
_ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def _plain_rows(text: pl.DataFrame, codes: ReferenceCodes) -> pl.DataFrame:
    """Every row typed in OBSERVATION_SCHEMA order with `_plain`: true where the row is valid on
    every rule of `validate_observation` in its plainest form (the typed columns hold there)."""
    indicator = pl.col("indicator_code")
    ranges = codes.plausible_ranges

    def lookup(mapping: dict, dtype: type[pl.DataType]) -> pl.Expr:
        return indicator.replace_strict(mapping, default=None, return_dtype=dtype)

    text = with_figure_parts(text, "value_as_written").with_columns(
        lookup(codes.indicator_kinds, pl.String).alias("_kind")
    )
    kind_and_suffix = pl.concat_str("_kind", pl.lit(" "), "_suffix")
    exponents = _plain_suffixes(text.select("_kind", "_suffix").unique().drop_nulls().iter_rows())
    typed = text.with_columns(
        kind_and_suffix.replace_strict(exponents, default=None, return_dtype=pl.Int64).alias(
            "_exponent"
        ),
        lookup({c: c in codes.flow_indicators for c in ranges}, pl.Boolean).alias("_flow"),
        lookup({c: float(low) for c, (low, _) in ranges.items()}, pl.Float64).alias("_lowest"),
        lookup({c: float(high) for c, (_, high) in ranges.items()}, pl.Float64).alias("_highest"),
        *(
            pl.when(pl.col(c).str.contains(_ISO_DATE))
            .then(pl.col(c).str.to_date("%Y-%m-%d", strict=False))
            .alias(f"_{c}")
            for c in ("as_of", "period_start", "period_end")
        ),
    )
    del text
    typed = with_plain_figures(typed, "_exponent")
    first_year, last_year = YEAR_BOUNDS
    geo_codes = [code for code in codes.geo_codes if _GEO_CODE.match(code)]

    def within_years(column: str) -> pl.Expr:
        return pl.col(column).dt.year().is_between(first_year, last_year)

    stock = (
        ~pl.col("_flow")
        & within_years("_as_of")
        & (pl.col("period_start") == "")
        & (pl.col("period_end") == "")
    )
    flow = (
        pl.col("_flow")
        & (pl.col("as_of") == "")
        & within_years("_period_start")
        & within_years("_period_end")
        & (pl.col("_period_start") <= pl.col("_period_end"))
    )
    plausible = pl.all_horizontal(
        pl.col(c).is_between(pl.col("_lowest"), pl.col("_highest"))
        for c in ("value", "lower", "upper")
    )
    plain = (
        pl.col("geo_code").is_in(geo_codes)
        & (stock | flow)
        & plausible
        & pl.col("source_id").is_in(list(codes.source_ids))
        & (pl.col("locator") != "")
        & pl.col("vintage").is_in(list(codes.vintages))
    ).fill_null(False)
    return typed.select(
        "indicator_code",
        "geo_code",
        pl.col("_as_of").alias("as_of"),
        pl.col("_period_start").alias("period_start"),
        pl.col("_period_end").alias("period_end"),
        "value_as_written",
        "value",
        "lower",
        "upper",
        pl.lit(None, dtype=pl.String).alias("qualifier"),
        "source_id",
        "locator",
        "vintage",
        "note",
        LINE,
        plain.alias("_plain"),
    )


def _plain_suffixes(pairs: Iterable[tuple[str, str]]) -> dict[str, int]:
    """`kind suffix` -> the power of ten of the multiplier, for the suffixes whose plain figures
    pass the kind check: `_check_kind` itself decides, on the figure 1 + suffix."""
    exponents = {}
    for kind, suffix in pairs:
        if (shape := suffix_quantity(suffix)) is None:
            continue
        exponent, quantity = shape
        try:
            _check_kind(kind, kind, "", quantity)
        except RowRejected:
            continue
        exponents[f"{kind} {suffix}"] = exponent
    return exponents


def read_observation_file_rowwise(
    path: Path, codes: ReferenceCodes, name: str | None = None
) -> ParsedFile:
    """`read_observation_file` row by row through `validate_observation`, for the files the
    column-wise reader cannot read exactly as the csv module does (a note over two lines)."""
    name = name or str(path)
    rows: list[tuple] = []
    rejections: list[Rejection] = []
    first_line: dict[tuple, int] = {}
    for line, row in read_csv_rows(path, OBSERVATION_COLUMNS):
        try:
            record = validate_observation(row, codes)
        except RowRejected as err:
            rejections.append(Rejection(name, line, err.field, err.value, err.reason))
            continue
        # indicator, place, date or period, source and vintage: the observation's key
        key = (*record[:5], record[10], record[12])
        if key in first_line:
            reason = f"repeats the observation of line {first_line[key]} (same key)"
            rejections.append(Rejection(name, line, "indicator_code", record[0], reason))
            continue
        first_line[key] = line
        rows.append((*record, name, line))
    valid = pl.DataFrame(rows, schema=OBSERVATION_SCHEMA, orient="row")
    return ParsedFile(valid=valid, quarantine=quarantine_frame(rejections))


def _column(path: Path, column: str) -> list[str]:
    return [row[column] for _, row in read_csv_rows(path, (column,))]


def load_reference_codes(seeds_dir: Path, source_ids: frozenset[str]) -> ReferenceCodes:
    """Codes from the dbt seeds (indicators, geographies, vintages) and the source registry."""
    indicators = seeds_dir / "indicators.csv"
    codes = _column(indicators, "indicator_code")
    ranges = {
        row["indicator_code"]: (float(row["min_value"]), float(row["max_value"]))
        for _, row in read_csv_rows(
            seeds_dir / "plausible_ranges.csv", ("indicator_code", "min_value", "max_value")
        )
    }
    if missing := sorted(set(codes) - set(ranges)):
        raise ValueError(
            f"{seeds_dir / 'plausible_ranges.csv'}: no plausible range for {', '.join(missing)}"
        )
    kinds = dict(zip(codes, _column(indicators, "kind"), strict=True))
    flows = dict(zip(codes, _column(indicators, "stock_or_flow"), strict=True))
    return ReferenceCodes(
        indicator_kinds=kinds,
        flow_indicators=frozenset(code for code, nature in flows.items() if nature == "flow"),
        geo_codes=frozenset(_column(seeds_dir / "geographies.csv", "geo_code")),
        source_ids=source_ids,
        vintages=frozenset(_column(seeds_dir / "vintages.csv", "vintage")),
        plausible_ranges=ranges,
    )

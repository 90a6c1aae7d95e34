"""Column-wise reading of large CSV files and plain written figures, for the fast lane of the
observation contract. Nothing here rejects a row: what it cannot prove goes to the row contract.

`csv_text_frame` gives exactly the strings and line numbers `contracts.read_csv_rows` would give,
or None when only that reader can say (a record over several lines, a lone carriage return, a
NUL byte, bytes that are not UTF-8, a field longer than the csv module allows).
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import polars as pl

from ingest.contracts import read_csv_header
from ingest.written_quantity import (
    WrittenQuantity,
    WrittenQuantityError,
    normalise,
    parse_written_quantity,
)

LINE = "_line"
# What str.strip() removes, so that a column-wise strip gives the same strings.
PYTHON_WHITESPACE = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
_UTF8_BOM = b"\xef\xbb\xbf"

# A plain figure: ASCII sign, digits and decimals, then a suffix of %, 万/亿 and a unit word.
PLAIN_FIGURE = r"^([+-]?)([0-9]+)(?:\.([0-9]+))?([%\u4e00-\u9fff]*)$"
# Up to 14 digits: 10 * digits + 5 stays below 2^53, so the digits and the power of ten are exact
# doubles and one correctly rounded multiplication or division gives the correctly rounded value
# of the exact decimal, which is what float(Decimal(digits) * multiplier) gives (every Decimal
# step of the row contract is exact at these sizes: its context keeps 28 digits).
MAX_PLAIN_DIGITS = 14
_POWERS_OF_TEN = {power: float(10 ** abs(power)) for power in range(-MAX_PLAIN_DIGITS - 1, 13)}
_MULTIPLIER_EXPONENTS = {1.0: 0, 1e4: 4, 1e8: 8, 1e12: 12}


def csv_text_frame(path: Path, columns: tuple[str, ...]) -> pl.DataFrame | None:
    """`columns` of every record as stripped strings, plus `_line` (csv.DictReader.line_num).

    A missing header column raises the same ValueError as `contracts.read_csv_rows`.
    """
    fieldnames, header_lines = read_csv_header(path, columns)
    if header_lines != 1:
        return None
    data = path.read_bytes()
    binary = pl.Series("raw", [data.removeprefix(_UTF8_BOM)], dtype=pl.Binary)
    del data
    try:
        text = binary.cast(pl.String)
    except pl.exceptions.ComputeError:  # not UTF-8: the row reader raises as it always has
        return None
    del binary
    lines = text.str.split("\n").explode().to_frame().with_row_index(LINE, offset=1)
    del text
    raw = pl.col("raw")
    # csv.field_size_limit() counts characters; a line within it in bytes is within it.
    unsafe = raw.str.contains("\x00", literal=True) | (raw.str.len_bytes() > csv.field_size_limit())
    carriage_return = raw.str.contains("\r", literal=True).any()
    if lines.select(carriage_return).item():
        lines = lines.with_columns(raw.str.strip_suffix("\r"))  # a CRLF file
        unsafe |= raw.str.contains("\r", literal=True)
    if lines.select(unsafe.any()).item():
        return None
    # The header is line 1; csv.DictReader skips blank lines but counts them.
    lines = (
        lines.slice(1)
        .filter(raw != "")
        .with_columns(raw.str.contains('"', literal=True).alias("_quoted"))
    )
    index = {name: position for position, name in enumerate(fieldnames)}  # the last one wins
    fields = raw.str.split_exact(",", max(index[c] for c in columns))
    records = lines.filter(~pl.col("_quoted")).select(
        pl.col(LINE).cast(pl.Int64), *(fields.struct[index[c]].alias(c) for c in columns)
    )
    quoted = lines.filter(pl.col("_quoted"))
    del lines  # memory: the lines are not needed once split
    if not quoted.is_empty():
        with_quotes = _csv_records(quoted, columns, index)
        if with_quotes is None:
            return None
        records = pl.concat([records, with_quotes]).sort(LINE)
    return records.with_columns(pl.col(columns).fill_null("").str.strip_chars(PYTHON_WHITESPACE))


def _csv_records(
    lines: pl.DataFrame, columns: tuple[str, ...], index: dict[str, int]
) -> pl.DataFrame | None:
    """Lines with a quote, read by the csv module; None when a record does not end on its line."""
    texts = lines.get_column("raw").to_list()
    reader = csv.reader([*texts, ""])  # the empty line is swallowed by a quote left open
    records = list(reader)
    if len(records) != len(texts) + 1 or reader.line_num != len(texts) + 1:
        return None
    records.pop()
    return pl.DataFrame(
        {
            LINE: lines.get_column(LINE),
            **{c: [r[index[c]] if index[c] < len(r) else "" for r in records] for c in columns},
        },
        schema={LINE: pl.Int64, **dict.fromkeys(columns, pl.String)},
    )


def suffix_quantity(suffix: str) -> tuple[int, WrittenQuantity] | None:
    """The power of ten and the parse of a plain figure ending in `suffix` (`万人`, `%`), or None
    when the suffix needs the row contract: a qualifier (余, 以上), a form `normalise` changes.

    After ASCII digits only %, 万亿/万/亿 and a unit word can follow, so the parse of `1` +
    suffix tells the multiplier, percent and unit word of every number with that suffix.
    """
    text = "1" + suffix
    if not re.fullmatch(PLAIN_FIGURE, text) or normalise(text) != text:
        return None
    try:
        quantity = parse_written_quantity(text)
    except WrittenQuantityError:
        return None
    exponent = _MULTIPLIER_EXPONENTS.get(quantity.value)
    if quantity.qualifier is not None or exponent is None:
        return None
    return exponent, quantity


def with_figure_parts(frame: pl.DataFrame, written: str) -> pl.DataFrame:
    """`frame` with the parts of the plain figure in `written` (null where it is not one):
    `_sign`, `_whole`, `_decimals` and `_suffix` (`万人` of `12.5万人`)."""
    parts = pl.col(written).str.extract_groups(PLAIN_FIGURE).alias("_parts")
    return (
        frame.with_columns(parts)
        .with_columns(
            pl.col("_parts").struct["1"].alias("_sign"),
            pl.col("_parts").struct["2"].alias("_whole"),
            pl.col("_parts").struct["3"].fill_null("").alias("_decimals"),
            pl.col("_parts").struct["4"].alias("_suffix"),
        )
        .drop("_parts")
    )


def with_plain_figures(frame: pl.DataFrame, exponent: str) -> pl.DataFrame:
    """`frame` (with the columns of `with_figure_parts`) with value, lower, upper of the plain
    figure (null where it is not one, or has too many digits) as the row contract computes them:
    the written digits times 10^`exponent` and the interval of half a unit of the last digit,
    mirrored for a negative figure. Built in steps, so that each part is computed once."""
    decimals = pl.col("_decimals")
    digits = pl.col("_whole") + decimals
    number, places = pl.col("_number"), pl.col("_places")

    def scaled(coefficient: pl.Expr, power: pl.Expr) -> pl.Expr:
        """coefficient * 10^power, one rounding: a multiplication or a division by exact doubles."""
        factor = power.replace_strict(_POWERS_OF_TEN, default=None, return_dtype=pl.Float64)
        exact = coefficient.cast(pl.Float64)
        return pl.when(power >= 0).then(exact * factor).otherwise(exact / factor)

    negative = pl.col("_sign") == "-"
    value, below, above = pl.col("_value"), pl.col("_below"), pl.col("_above")
    return (
        frame.with_columns(
            pl.when(digits.str.len_chars() <= MAX_PLAIN_DIGITS)
            .then(digits.cast(pl.Int64))
            .alias("_number"),
            (pl.col(exponent) - decimals.str.len_chars().cast(pl.Int64)).alias("_places"),
        )
        .with_columns(
            scaled(number, places).alias("_value"),
            scaled(number * 10 - 5, places - 1).alias("_below"),
            scaled(number * 10 + 5, places - 1).alias("_above"),
        )
        .with_columns(
            # Decimal negates a zero to +0, so -0 is 0.0, not -0.0
            pl.when(negative & (value != 0)).then(-value).otherwise(value).alias("value"),
            pl.when(negative).then(-above).otherwise(below).alias("lower"),
            pl.when(negative).then(-below).otherwise(above).alias("upper"),
        )
        .drop("_sign", "_whole", "_decimals", "_number", "_places", "_value", "_below", "_above")
    )

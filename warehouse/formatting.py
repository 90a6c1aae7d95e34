"""Render a query result as an aligned text table, CSV or JSON."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import unicodedata

from warehouse.query import QueryResult

FORMATS = ("table", "csv", "json")


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def display_width(text: str) -> int:
    """Display width: Chinese characters take two terminal columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def shorten(text: str | None, width: int) -> str | None:
    """At most `width` display columns, cut with `…`."""
    if text is None or display_width(text) <= width:
        return text
    kept = ""
    for char in text:
        if display_width(kept + char) > width - 1:
            break
        kept += char
    return kept + "…"


def _pad(text: str, width: int, right_align: bool) -> str:
    fill = " " * (width - display_width(text))
    return fill + text if right_align else text + fill


def to_table(result: QueryResult) -> str:
    cells = [[_cell(v) for v in row] for row in result.rows]
    widths = [
        max([display_width(name)] + [display_width(row[i]) for row in cells])
        for i, name in enumerate(result.columns)
    ]
    numeric = [
        all(
            isinstance(row[i], int | float | decimal.Decimal) or row[i] is None
            for row in result.rows
        )
        for i in range(len(result.columns))
    ]
    lines = [
        " | ".join(_pad(n, w, False) for n, w in zip(result.columns, widths, strict=True)),
        "-+-".join("-" * w for w in widths),
    ]
    lines += [
        " | ".join(_pad(c, w, r) for c, w, r in zip(row, widths, numeric, strict=True))
        for row in cells
    ]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines)


def to_csv(result: QueryResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows([[_cell(v) for v in row] for row in result.rows])
    return buffer.getvalue().rstrip("\n")


def _json_value(value: object) -> object:
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def to_json(result: QueryResult) -> str:
    records = [
        {name: _json_value(v) for name, v in zip(result.columns, row, strict=True)}
        for row in result.rows
    ]
    return json.dumps(records, ensure_ascii=False, indent=2, default=str)


def render(result: QueryResult, fmt: str) -> str:
    return {"table": to_table, "csv": to_csv, "json": to_json}[fmt](result)

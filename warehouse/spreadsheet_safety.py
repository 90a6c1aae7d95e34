"""Cells a spreadsheet would run as formulas (=, +, @, a tab or carriage return, or a `-` that
is not a plain negative number) are written with a leading `'`: one rule, in Python and as
DuckDB SQL, for the release CSV files and `govmetrics sql` output. Kept apart from the exports
so that `govmetrics sql` loads nothing it does not need."""

from __future__ import annotations

import re


def identifier(name: str) -> str:
    """A name quoted for DuckDB SQL."""
    return '"' + name.replace('"', '""') + '"'


# A cell starting with one of these is read as a formula; `-` too, unless the cell is a number.
FORMULA_START = r"^[=+@\t\r]"
PLAIN_NEGATIVE_NUMBER = r"^-(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"
_FORMULA_START = re.compile(FORMULA_START)
_PLAIN_NEGATIVE_NUMBER = re.compile(PLAIN_NEGATIVE_NUMBER)


def spreadsheet_safe(value: str) -> str:
    """A text cell as written to CSV: quoted with `'` when a spreadsheet would evaluate it."""
    if _FORMULA_START.match(value) or (
        value.startswith("-") and not _PLAIN_NEGATIVE_NUMBER.match(value)
    ):
        return "'" + value
    return value


def spreadsheet_safe_sql(column: str) -> str:
    """The same rule as a DuckDB expression over a text column (the name is quoted here)."""
    name = identifier(column)
    dangerous = (
        f"regexp_matches({name}, '{FORMULA_START}') or (starts_with({name}, '-')"
        f" and not regexp_matches({name}, '{PLAIN_NEGATIVE_NUMBER}'))"
    )
    return f"case when {dangerous} then chr(39) || {name} else {name} end as {name}"

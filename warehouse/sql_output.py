"""`govmetrics sql --output FILE`: the result written to a file by this process (the sandbox
refuses COPY), in the format the suffix names, replaced atomically so a failed query or write
leaves no partial file."""

from __future__ import annotations

from pathlib import Path

from warehouse.formatting import to_csv
from warehouse.query import QueryResult, Sandbox
from warehouse.spreadsheet_safety import spreadsheet_safe

OUTPUT_SUFFIXES = (".csv", ".parquet", ".xlsx")


class BadOutput(ValueError):
    """The output file cannot be written: unknown suffix or no such folder."""


def check_output(target: Path) -> str:
    """The format `target` asks for, checked before the query runs."""
    suffix = target.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise BadOutput(
            f"--output {target}: unknown file type {suffix or '(none)'!r}; "
            f"end the name in {', '.join(OUTPUT_SUFFIXES)}"
        )
    if not target.parent.is_dir():
        raise BadOutput(f"--output {target}: folder {target.parent} does not exist; create it")
    if target.is_dir():
        raise BadOutput(f"--output {target}: is a folder; give a file name")
    return suffix


def safe_for_spreadsheets(result: QueryResult) -> QueryResult:
    """Text cells a spreadsheet would run as formulas, quoted with a leading `'`."""
    rows = [
        tuple(spreadsheet_safe(v) if isinstance(v, str) else v for v in row) for row in result.rows
    ]
    return QueryResult(columns=result.columns, rows=rows)


def write_result(box: Sandbox, sql: str, target: Path) -> int:
    """Run `sql` in the sandbox and write its result to `target`; returns the rows written."""
    # openpyxl alone takes longer to import than a query takes: loaded only to write a file.
    from warehouse.workbook import Sheet, atomic_target, write_workbook

    suffix = check_output(target)
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        table = box.arrow(sql)
        with atomic_target(target) as temporary:
            pq.write_table(table, temporary)
        return table.num_rows
    result = box.query(sql)
    if suffix == ".xlsx":
        return write_workbook(target, [Sheet("result", result.columns, result.rows)])
    text = to_csv(safe_for_spreadsheets(result))
    with atomic_target(target) as temporary:
        # The BOM tells Excel the file is UTF-8; without it Chinese text opens garbled.
        temporary.write_text(text + "\n", encoding="utf-8-sig")
    return len(result.rows)

"""XLSX workbooks for Excel users: typed cells, a bold frozen header, and the same bytes for the
same sheets (openpyxl stamps the current time into docProps/core.xml and every zip entry; both
are replaced by a constant here), so a release's workbook can be checksummed and compared."""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import itertools
import math
import os
import re
import secrets
import zipfile
from collections.abc import Iterable, Iterator, Sequence, Sized
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.packaging.core import DocumentProperties
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.xml.functions import tostring

from warehouse.formatting import display_width

MAX_ROWS = 1_048_576  # Excel's limit per sheet, the header row included
MAX_COLUMNS = 16_384
# Every stamp a workbook carries: the zip entries' dates (the zip format starts in 1980) and the
# document properties' created/modified.
FIXED_TIME = dt.datetime(1980, 1, 1)
_CORE_PROPERTIES = "docProps/core.xml"
_BAD_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
# Column widths are measured on the header and the first rows only: rows are streamed.
_WIDTH_SAMPLE = 200
_MIN_WIDTH, _MAX_WIDTH = 8, 60


@dataclass(frozen=True)
class Sheet:
    name: str  # <= 31 chars, unique in the workbook
    columns: Sequence[str]
    rows: Iterable[Sequence[object]]  # streamed; None is an empty cell


@contextlib.contextmanager
def atomic_target(target: Path) -> Iterator[Path]:
    """A temporary path beside `target`, renamed onto it when the block ends without an error
    and removed otherwise, so `target` is either the complete new file or untouched."""
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        yield temporary
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _is_date_or_time(value: object) -> bool:
    return isinstance(value, dt.date | dt.time) and getattr(value, "tzinfo", None) is None


def _cell(sheet: object, value: object) -> WriteOnlyCell | None:
    """A typed cell: numbers as numbers (NaN and infinities empty), dates as dates, anything
    else as text, which Excel never evaluates (`=1+1` stays the text `=1+1`)."""
    if value is None:
        return None
    if isinstance(value, bool | int):
        return WriteOnlyCell(sheet, value=value)
    if isinstance(value, float | decimal.Decimal):
        finite = value.is_finite() if isinstance(value, decimal.Decimal) else math.isfinite(value)
        return WriteOnlyCell(sheet, value=value) if finite else None
    if _is_date_or_time(value):
        cell = WriteOnlyCell(sheet, value=value)
        if type(value) is dt.date:
            cell.number_format = "yyyy-mm-dd"
        return cell
    # Text, and what Excel has no type for: time-zone-aware times, lists, structs, UUIDs.
    text = value.isoformat() if isinstance(value, dt.date | dt.time) else str(value)
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("\ufffd", text))
    cell.data_type = "s"  # openpyxl would make "=..." a formula and "#N/A" an error
    return cell


def _width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 19
    if isinstance(value, dt.date):
        return 10
    return display_width(str(value))


def _too_many_rows(sheet: Sheet) -> ValueError:
    return ValueError(
        f"sheet {sheet.name!r} has more than {MAX_ROWS - 1:,} rows, Excel's limit below its "
        "header: split it or export it as CSV or Parquet"
    )


def _check_sheets(sheets: list[Sheet]) -> None:
    """Names, and the size of what can be measured, checked before anything is written."""
    seen: set[str] = set()
    for sheet in sheets:
        name = sheet.name
        if not name or len(name) > 31 or _BAD_SHEET_NAME.search(name):
            raise ValueError(
                f"sheet name {name!r}: give 1 to 31 characters without any of []:*?/\\"
            )
        if name.lower() in seen:  # Excel compares sheet names case-insensitively
            raise ValueError(f"sheet name {name!r} is used twice: give each sheet its own name")
        seen.add(name.lower())
        if len(sheet.columns) > MAX_COLUMNS:
            raise ValueError(
                f"sheet {name!r} has {len(sheet.columns)} columns, over Excel's {MAX_COLUMNS}"
            )
        if isinstance(sheet.rows, Sized) and len(sheet.rows) >= MAX_ROWS:
            raise _too_many_rows(sheet)


def _write_sheet(workbook: Workbook, sheet: Sheet) -> int:
    worksheet = workbook.create_sheet(sheet.name)
    rows = iter(sheet.rows)
    sample = list(itertools.islice(rows, _WIDTH_SAMPLE))
    for index, name in enumerate(sheet.columns):
        widest = max([display_width(name)] + [_width(row[index]) for row in sample])
        letter = get_column_letter(index + 1)
        worksheet.column_dimensions[letter].width = min(max(widest + 2, _MIN_WIDTH), _MAX_WIDTH)
    worksheet.freeze_panes = "A2"
    header = []
    for name in sheet.columns:
        cell = WriteOnlyCell(worksheet, value=name)
        cell.data_type = "s"
        cell.font = Font(bold=True)
        header.append(cell)
    worksheet.append(header)
    written = 0
    for row in itertools.chain(sample, rows):
        written += 1
        if written >= MAX_ROWS:
            raise _too_many_rows(sheet)
        worksheet.append([_cell(worksheet, value) for value in row])
    return written


def _core_properties() -> bytes:
    properties = DocumentProperties(creator="govmetrics", created=FIXED_TIME, modified=FIXED_TIME)
    return b"<?xml version='1.0' encoding='UTF-8'?>\n" + tostring(properties.to_tree())


def _restamp(source: Path, target: Path) -> None:
    """Copy the zip with every entry dated FIXED_TIME, in openpyxl's own (fixed) order, and
    constant document properties."""
    with (
        zipfile.ZipFile(source) as packed,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for entry in packed.infolist():
            data = packed.read(entry)
            if entry.filename == _CORE_PROPERTIES:
                data = _core_properties()
            info = zipfile.ZipInfo(entry.filename, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            out.writestr(info, data)


def write_workbook(target: Path, sheets: Iterable[Sheet]) -> int:
    """Write the sheets to `target` (replaced atomically); returns the number of rows written,
    headers not counted. Raises ValueError for a bad or repeated sheet name, or a sheet over
    Excel's row limit; `target` is then left as it was."""
    sheets = list(sheets)
    if not sheets:
        raise ValueError(f"{target}: a workbook needs at least one sheet")
    _check_sheets(sheets)
    workbook = Workbook(write_only=True)
    try:
        written = sum(_write_sheet(workbook, sheet) for sheet in sheets)
    except BaseException:
        # Finish the sheets' XML streams: left open, openpyxl complains when they are collected.
        for worksheet in workbook.worksheets:
            with contextlib.suppress(Exception):
                worksheet.close()
        raise
    with atomic_target(target) as temporary:
        unstamped = temporary.with_name(temporary.name + ".unstamped")
        try:
            workbook.save(unstamped)
            _restamp(unstamped, temporary)
        finally:
            unstamped.unlink(missing_ok=True)
    return written

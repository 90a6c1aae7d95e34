"""Read exports of the NBS data portal (国家数据) into long observations.

The portal exports CSV (GB18030/GBK, or UTF-8 with or without BOM) or XLSX laid out as:

    数据库：年度数据                      <- header lines `key：value`
    时间：最近10年
    指标,2023年,2022年,...                <- a wide table: indicator rows by year columns,
    年末总人口(万人),140967,141175,...
    注：...                               <- footnotes after the table
    数据来源：国家统计局

or, for regional data, `指标：年末常住人口(万人)` among the header lines and a table of region
rows (`地区,2023年,...` / `北京市,2185,...`). The unit comes from the label's parentheses.
Every export becomes its own source document, graded `official` (downloaded from the publisher).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ingest.contracts import (
    ParsedFile,
    Rejection,
    RowRejected,
    quarantine_frame,
    read_csv_rows,
    rejection_message,
)
from ingest.official_observations import (
    OBSERVATION_SCHEMA,
    ReferenceCodes,
    validate_observation,
)
from ingest.report_text import UnreadableText, decode_report
from ingest.source_registry import REGISTRY_SCHEMA
from ingest.written_quantity import normalise

_LABEL = re.compile(r"^(?P<name>.+?)\((?P<unit>[^()]+)\)$")
_YEAR = re.compile(r"^(?P<year>\d{4})年?$")
_HEADER_LINE = re.compile(r"^(?P<key>[^:,]{1,8}):(?P<value>.*)$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_FOOTNOTE_PREFIXES = ("注", "数据来源", "来源")
EXPORT_VINTAGE = "database_export"


class ExportFormatError(ValueError):
    """The file is not an NBS export this reader understands."""

    def __init__(self, source_file: str, line: int | None, reason: str) -> None:
        super().__init__(rejection_message(source_file, line, None, reason))
        self.source_file = source_file
        self.line = line
        self.reason = reason

    def as_quarantine(self) -> pl.DataFrame:
        return quarantine_frame([Rejection(self.source_file, self.line, None, None, self.reason)])


@dataclass(frozen=True)
class NbsLabels:
    """What the reader maps: NBS indicator labels (without unit) and region names to codes."""

    indicator_by_label: dict[str, str]
    geo_by_name: dict[str, str]

    def geo_code(self, region: str) -> str:
        """The code of a region name exactly as `seeds/nbs_region_names.csv` spells it (北京市,
        北京, 内蒙古自治区); a city or district (河北省石家庄市) is never read as its province."""
        code = self.geo_by_name.get(region.replace(" ", "").replace("\u3000", ""))
        if code is not None:
            return code
        within = [name for name in self.geo_by_name if region.startswith(name)]
        if within:
            province = max(within, key=len)
            raise RowRejected(
                "地区",
                region,
                f"a region inside {province}, not a province: only national and provincial "
                "rows are loaded from NBS exports",
            )
        raise RowRejected(
            "地区", region, "unknown region name: map it in dbt_project/seeds/nbs_region_names.csv"
        )


@dataclass(frozen=True)
class NbsExport:
    """One export: its source record, its observations and its rejected cells."""

    source: pl.DataFrame
    parsed: ParsedFile


def load_nbs_labels(seeds_dir: Path) -> NbsLabels:
    labels = {
        row["nbs_label"]: row["indicator_code"]
        for _, row in read_csv_rows(
            seeds_dir / "nbs_indicator_labels.csv", ("nbs_label", "indicator_code")
        )
    }
    # NBS exports are national and provincial: regions are matched by the names the portal
    # writes, exactly (seeds/nbs_region_names.csv), never by a prefix.
    geos = {
        row["nbs_name"]: row["geo_code"]
        for _, row in read_csv_rows(seeds_dir / "nbs_region_names.csv", ("nbs_name", "geo_code"))
    }
    return NbsLabels(indicator_by_label=labels, geo_by_name=geos)


def _xlsx_rows(data: bytes, name: str) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        return [
            (number, ["" if cell is None else str(cell) for cell in row])
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    except Exception as err:  # openpyxl raises many kinds on a damaged workbook
        reason = " ".join(str(err).split())[:200] or type(err).__name__
        raise ExportFormatError(name, None, f"not a readable XLSX workbook: {reason}") from None


def read_export_lines(data: bytes, suffix: str, name: str) -> list[tuple[int, list[str]]]:
    """(line or row number, normalised cells) for every non-empty line of a CSV or XLSX export.

    CSV may be UTF-8 (with or without BOM), UTF-16 with a BOM, or GB18030/GBK."""
    if suffix.lower() == ".xlsx":
        rows = _xlsx_rows(data, name)
    else:
        try:
            text, _ = decode_report(data)
        except UnreadableText as err:
            raise ExportFormatError(name, None, str(err)) from None
        try:
            rows = list(enumerate(csv.reader(io.StringIO(text)), start=1))
        except csv.Error as err:
            raise ExportFormatError(name, None, f"not a readable CSV file: {err}") from None
    cleaned = []
    for number, cells in rows:
        values = [normalise(cell) for cell in cells]
        while values and not values[-1]:
            values.pop()
        if values:
            cleaned.append((number, values))
    return cleaned


def _split(lines: list[tuple[int, list[str]]], name: str):
    """Header key-values, the table's header row and its data rows (footnotes dropped)."""
    header: dict[str, str] = {}
    for index, (number, cells) in enumerate(lines):
        years = [_YEAR.match(cell) for cell in cells[1:]]
        if len(cells) > 1 and years and all(years):
            body = []
            for row in lines[index + 1 :]:
                if row[1][0].startswith(_FOOTNOTE_PREFIXES):
                    break
                body.append(row)
            return header, (number, cells), body
        joined = ",".join(cells)
        match = _HEADER_LINE.match(joined)
        if match is None:
            raise ExportFormatError(
                name,
                number,
                "expected a header line `key：value` or the table header "
                f"(`指标` or `地区` followed by year columns such as `2023年`), got {joined!r}",
            )
        header[match["key"].strip()] = match["value"].strip(" ,")
    raise ExportFormatError(name, None, "no table header with year columns (e.g. `指标,2023年`)")


def read_nbs_export(
    data: bytes, suffix: str, codes: ReferenceCodes, labels: NbsLabels, name: str
) -> NbsExport:
    """Parse one export's bytes (`suffix` `.csv` or `.xlsx`). Unknown labels and regions,
    non-numeric and implausible cells, and a figure the file already gave (a repeated row or
    column) go to quarantine, naming the line and the column; every other cell becomes an
    observation. A file that is not an export at all is quarantined whole, with the reason."""
    try:
        return _read(data, suffix, codes, labels, name)
    except ExportFormatError as err:
        return NbsExport(
            source=pl.DataFrame(schema=REGISTRY_SCHEMA),
            parsed=ParsedFile(pl.DataFrame(schema=OBSERVATION_SCHEMA), err.as_quarantine()),
        )


def _read(
    data: bytes, suffix: str, codes: ReferenceCodes, labels: NbsLabels, name: str
) -> NbsExport:
    header, (header_line, header_cells), body = _split(read_export_lines(data, suffix, name), name)
    source_id = "nbs_export_" + hashlib.sha256(data).hexdigest()[:12]
    database = header.get("数据库", "unknown database")
    by_region = header_cells[0] in {"地区", "地 区"}
    if by_region and "指标" not in header:
        raise ExportFormatError(name, None, "a table of regions needs a header line `指标：...`")

    source = pl.DataFrame(
        [
            (
                source_id,
                "国家统计局 (National Bureau of Statistics)",
                f"NBS data portal export: {database}; {header.get('指标', 'indicators by year')}",
                "unknown",
                name,
                "",
                "official",
                "not stated in the export",
                "; ".join(f"{k}：{v}" for k, v in header.items()),
                name,
                header_line,
            )
        ],
        schema=REGISTRY_SCHEMA,
        orient="row",
    )
    codes = ReferenceCodes(**{**vars(codes), "source_ids": codes.source_ids | {source_id}})

    rows: list[tuple] = []
    rejections: list[Rejection] = []
    # Where each figure (indicator, region, year) was first read: a second one is a repeat.
    first_read: dict[tuple[str, str, str], tuple[int, str]] = {}
    for line, cells in body:
        label = cells[0]
        indicator_label = header["指标"] if by_region else label
        try:
            match = _LABEL.match(indicator_label.replace(" ", ""))
            if match is None:
                raise RowRejected("指标", indicator_label, "label has no unit in parentheses")
            indicator = labels.indicator_by_label.get(match["name"])
            if indicator is None:
                raise RowRejected(
                    "指标",
                    match["name"],
                    "unknown NBS indicator label: map it in dbt_project/seeds/"
                    "nbs_indicator_labels.csv",
                )
            geo_code = labels.geo_code(label) if by_region else "000000"
        except RowRejected as err:
            rejections.append(Rejection(name, line, err.field, err.value, err.reason))
            continue
        for column, cell in zip(header_cells[1:], cells[1:], strict=False):
            if not cell:
                continue
            if not _NUMBER.match(cell):
                rejections.append(Rejection(name, line, column, cell, "not a number"))
                continue
            year = _YEAR.match(column)["year"]
            key = (indicator, geo_code, year)
            if key in first_read:
                where = "line {}, column {}".format(*first_read[key])
                reason = f"repeats the figure for {indicator} {geo_code} {year} read at {where}"
                rejections.append(Rejection(name, line, column, cell, reason))
                continue
            first_read[key] = (line, column)
            flow = indicator in codes.flow_indicators
            row = {
                "indicator_code": indicator,
                "geo_code": geo_code,
                "as_of": "" if flow else f"{year}-12-31",
                "period_start": f"{year}-01-01" if flow else "",
                "period_end": f"{year}-12-31" if flow else "",
                "value_as_written": cell + match["unit"],
                "source_id": source_id,
                "locator": f"{label} / {column}",
                "vintage": EXPORT_VINTAGE,
                "note": "",
            }
            try:
                rows.append((*validate_observation(row, codes), name, line))
            except RowRejected as err:
                field = column if err.field == "value_as_written" else err.field
                rejections.append(Rejection(name, line, field, cell, err.reason))
    valid = pl.DataFrame(rows, schema=OBSERVATION_SCHEMA, orient="row")
    return NbsExport(source=source, parsed=ParsedFile(valid, quarantine_frame(rejections)))

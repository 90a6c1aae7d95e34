"""Claim registers: reviewed facts about what a report states, and their check against its text.

A register (`ingest/data/reports/<report_id>_claims.csv`) holds one row per quantitative
statement: locator, the figure as written, value, kind, interval, claim type, indicator, place and
time. It holds no sentence of the report. When the report's text is available, `reconcile` finds
each entry at its locator and accounts for every quantity the extractor finds there.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ingest.contracts import (
    ParsedFile,
    Rejection,
    RowRejected,
    one_of,
    optional_date,
    partial_date,
    quarantine_frame,
    read_csv_rows,
    required,
)
from ingest.quantity_extraction import extract_quantities
from ingest.report_structure import locate, paragraphs

KINDS = frozenset(
    ["count", "amount", "percent", "percentage_point", "ratio", "score", "duration", "multiple"]
)
CLAIM_TYPES = frozenset(
    [
        "level",
        "change_pp",
        "change_pct",
        "from_to",
        "share",
        "parts_of_total",
        "superlative",
        "target",
    ]
)
GROUPED_CLAIM_TYPES = frozenset(["from_to", "parts_of_total"])
# The level of the place a claim speaks of: the nation, a province (or province-level city), a
# prefecture-level city, a local case (a district, street or community: no official series),
# or other (outside the mainland, or a place that cannot be told).
SCOPES = frozenset(["national", "province", "city", "local_case", "other"])
# How a claim's time is known: the text (or its context) states it; the claim is an undated
# statement in the present tense, read as of the report's reference date; or it cannot be told.
DATE_BASES = frozenset(["stated", "present", "none"])
REPORT_COLUMNS = (
    "report_id",
    "title",
    "authors",
    "publisher",
    "date_published",
    "data_as_of",
    "text_sha256",
    "note",
)
REPORT_SCHEMA: dict[str, type[pl.DataType]] = {
    **dict.fromkeys(REPORT_COLUMNS, pl.String),
    "data_as_of": pl.Date,
    "_source_file": pl.String,
    "_source_line": pl.Int64,
}
CLAIM_COLUMNS = (
    "claim_id",
    "section",
    "paragraph",
    "surface",
    "value",
    "unit",
    "kind",
    "lower",
    "upper",
    "qualifier",
    "claim_type",
    "group_id",
    "indicator_code",
    "scope",
    "geo_code",
    "geo_name",
    "as_of",
    "period_start",
    "period_end",
    "date_basis",
    "baseline_period",
    "subject_en",
    "note",
)
EXCLUSION_COLUMNS = ("section", "paragraph", "surface", "reason")
CLAIM_SCHEMA: dict[str, type[pl.DataType]] = {
    "report_id": pl.String,
    "claim_id": pl.String,
    "section": pl.String,
    "paragraph": pl.Int64,
    "surface": pl.String,
    "value": pl.Float64,
    "unit": pl.String,
    "kind": pl.String,
    "lower": pl.Float64,
    "upper": pl.Float64,
    "qualifier": pl.String,
    "claim_type": pl.String,
    "group_id": pl.String,
    "indicator_code": pl.String,
    "scope": pl.String,
    "geo_code": pl.String,
    "geo_name": pl.String,
    "as_of": pl.Date,
    "period_start": pl.Date,
    "period_end": pl.Date,
    "date_basis": pl.String,
    "baseline_period": pl.String,
    "subject_en": pl.String,
    "note": pl.String,
    "_source_file": pl.String,
    "_source_line": pl.Int64,
}
QUANTITY_SCHEMA: dict[str, type[pl.DataType]] = {
    "report_id": pl.String,
    "section": pl.String,
    "paragraph": pl.Int64,
    "paragraph_kind": pl.String,
    "text": pl.String,
    "start": pl.Int64,
    "end": pl.Int64,
    "value": pl.Float64,
    "unit": pl.String,
    "kind": pl.String,
    "lower": pl.Float64,
    "upper": pl.Float64,
    "qualifier": pl.String,
    "as_of": pl.String,
    "period": pl.String,
    "baseline": pl.String,
    "subject": pl.String,
    "status": pl.String,
    "claim_id": pl.String,
    "exclusion_reason": pl.String,
}
CHECK_SCHEMA: dict[str, type[pl.DataType]] = {
    "report_id": pl.String,
    "claim_id": pl.String,
    "section": pl.String,
    "paragraph": pl.Int64,
    "surface": pl.String,
    "registered_value": pl.Float64,
    "extracted_value": pl.Float64,
    "status": pl.String,
}
_GEO_CODE = re.compile(r"^\d{6}$")


def _optional_float(row: dict, field: str) -> float | None:
    value = row.get(field, "")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise RowRejected(field, value, "not a number") from None


def _validate_claim(row: dict, indicators: frozenset[str], seen: set[str]) -> tuple:
    claim_id = required(row, "claim_id")
    if claim_id in seen:
        raise RowRejected("claim_id", claim_id, "duplicate claim_id")
    paragraph = required(row, "paragraph")
    if not paragraph.isdigit():
        raise RowRejected("paragraph", paragraph, "not a paragraph number")
    value = _optional_float(row, "value")
    if value is None:
        raise RowRejected("value", "", "required field is empty")
    lower, upper = _optional_float(row, "lower"), _optional_float(row, "upper")
    if (lower is not None and lower > value) or (upper is not None and upper < value):
        raise RowRejected("lower", row.get("lower"), "the interval does not hold the value")
    claim_type = one_of(row, "claim_type", CLAIM_TYPES)
    group_id = row.get("group_id", "")
    if claim_type in GROUPED_CLAIM_TYPES and not group_id:
        raise RowRejected("group_id", "", f"a {claim_type} claim needs a group_id")
    indicator = row.get("indicator_code", "")
    if indicator and indicator not in indicators:
        raise RowRejected("indicator_code", indicator, "unknown indicator")
    geo_code = row.get("geo_code", "")
    if geo_code and not _GEO_CODE.match(geo_code):
        raise RowRejected("geo_code", geo_code, "must be a six-digit GB/T 2260 code")
    dates = [optional_date(row, f) for f in ("as_of", "period_start", "period_end")]
    date_basis = one_of(row, "date_basis", DATE_BASES)
    if date_basis == "stated" and not any(dates):
        raise RowRejected("date_basis", date_basis, "a stated date needs as_of or a period")
    if date_basis != "stated" and any(dates):
        reason = f"a '{date_basis}' claim has no date of its own: leave as_of and the period empty"
        raise RowRejected("date_basis", date_basis, reason)
    return (
        claim_id,
        required(row, "section"),
        int(paragraph),
        required(row, "surface"),
        value,
        row.get("unit", ""),
        one_of(row, "kind", KINDS),
        lower,
        upper,
        row.get("qualifier") or None,
        claim_type,
        group_id or None,
        indicator or None,
        one_of(row, "scope", SCOPES),
        geo_code or None,
        row.get("geo_name") or None,
        *dates,
        date_basis,
        row.get("baseline_period") or None,
        required(row, "subject_en"),
        row.get("note") or None,
    )


def read_claims(
    path: Path, report_id: str, indicators: frozenset[str], name: str | None = None
) -> ParsedFile:
    """Read one register; rows breaking the contract go to quarantine, the rest load."""
    name = name or str(path)
    rows, rejections, seen = [], [], set()
    for line, row in read_csv_rows(path, CLAIM_COLUMNS):
        try:
            record = _validate_claim(row, indicators, seen)
        except RowRejected as err:
            rejections.append(Rejection(name, line, err.field, err.value, err.reason))
            continue
        seen.add(record[0])
        rows.append((report_id, *record, name, line))
    valid = pl.DataFrame(rows, schema=CLAIM_SCHEMA, orient="row")
    return ParsedFile(valid=valid, quarantine=quarantine_frame(rejections))


def read_exclusions(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [row for _, row in read_csv_rows(path, EXCLUSION_COLUMNS)]


def _validate_report(row: dict, seen: set[str]) -> tuple:
    report_id = required(row, "report_id")
    if report_id in seen:
        raise RowRejected("report_id", report_id, "duplicate report_id")
    return (
        report_id,
        required(row, "title"),
        row.get("authors", ""),
        required(row, "publisher"),
        partial_date(row, "date_published"),
        optional_date(row, "data_as_of"),
        row.get("text_sha256", ""),
        row.get("note", ""),
    )


def read_reports(path: Path, name: str | None = None) -> ParsedFile:
    """Read the report list; a report's publication date (and the date its data are as of, when
    the text states one) dates the claims it makes in the present tense."""
    name = name or str(path)
    rows: list[tuple] = []
    rejections: list[Rejection] = []
    seen: set[str] = set()
    for line, row in read_csv_rows(path, REPORT_COLUMNS):
        try:
            record = _validate_report(row, seen)
        except RowRejected as err:
            rejections.append(Rejection(name, line, err.field, err.value, err.reason))
            continue
        seen.add(record[0])
        rows.append((*record, name, line))
    valid = pl.DataFrame(rows, schema=REPORT_SCHEMA, orient="row")
    return ParsedFile(valid=valid, quarantine=quarantine_frame(rejections))


def report_id_of(text_sha256: str, name: str, reports: list[dict]) -> str:
    """A report text's id: its file name when the report list has that id, else the report whose
    register was made against this text (the same SHA-256), else its file name."""
    if any(row["report_id"] == name for row in reports):
        return name
    by_hash = {row["text_sha256"]: row["report_id"] for row in reports}
    return by_hash.get(text_sha256, name)


def _key(section: str, paragraph: int, surface: str) -> tuple[str, int, str]:
    return section, paragraph, re.sub(r"\s+", "", surface)


def _stated_in(text: str, located: list, claim: dict) -> bool:
    surface = re.sub(r"\s+", "", claim["surface"])
    return any(
        p.section == claim["section"]
        and p.index == claim["paragraph"]
        and p.kind == "body"
        and surface in re.sub(r"\s+", "", text[p.start : p.end])
        for p in located
    )


@dataclass(frozen=True)
class Reconciliation:
    """Every extracted quantity with what accounts for it, and every entry's check."""

    quantities: pl.DataFrame
    register_check: pl.DataFrame

    @property
    def accounted_share(self) -> float:
        total = self.quantities.height
        unaccounted = self.quantities.filter(pl.col("status") == "unaccounted").height
        return 1.0 if total == 0 else (total - unaccounted) / total

    def entries_not_found(self) -> pl.DataFrame:
        return self.register_check.filter(pl.col("status") != "found")


def reconcile(
    report_id: str, text: str, claims: pl.DataFrame, exclusions: list[dict]
) -> Reconciliation:
    """Match register entries and exclusions to the quantities extracted at their locators.

    Quantities in footnotes (citations, page numbers) are accounted for as such.
    """
    located = paragraphs(text)
    pending: dict[tuple, list[dict]] = {}
    for claim in claims.iter_rows(named=True):
        key = _key(claim["section"], claim["paragraph"], claim["surface"])
        pending.setdefault(key, []).append(claim)
    excluded = {
        _key(e["section"], int(e["paragraph"]), e["surface"]): e["reason"] for e in exclusions
    }

    quantity_rows, checks = [], {}
    for quantity in extract_quantities(text):
        paragraph = locate(located, quantity.start)
        section, index, kind = paragraph.section, paragraph.index, paragraph.kind
        key = _key(section, index, quantity.text)
        status, claim_id, reason = "unaccounted", None, None
        if pending.get(key):
            claim = pending[key].pop(0)
            claim_id, status = claim["claim_id"], "registered"
            same = math.isclose(claim["value"], quantity.value, rel_tol=1e-9, abs_tol=1e-9)
            checks[claim_id] = (quantity.value, "found" if same else "value_mismatch")
        elif key in excluded:
            status, reason = "excluded", excluded[key]
        elif kind == "footnote":
            status, reason = "excluded", "in a footnote"
        quantity_rows.append(
            (
                report_id,
                section,
                index,
                kind,
                quantity.text,
                quantity.start,
                quantity.end,
                quantity.value,
                quantity.unit,
                quantity.kind,
                quantity.lower,
                quantity.upper,
                quantity.qualifier,
                quantity.as_of,
                quantity.period,
                quantity.baseline,
                quantity.subject,
                status,
                claim_id,
                reason,
            )
        )
    check_rows = []
    for claim in claims.iter_rows(named=True):
        extracted, status = checks.get(claim["claim_id"], (None, "not_found"))
        if status == "not_found" and claim["claim_type"] == "superlative":
            # A ranking (增幅最快) has no figure of its own: its words must stand there.
            status = "found" if _stated_in(text, located, claim) else "not_found"
        check_rows.append(
            (
                report_id,
                claim["claim_id"],
                claim["section"],
                claim["paragraph"],
                claim["surface"],
                claim["value"],
                extracted,
                status,
            )
        )
    return Reconciliation(
        quantities=pl.DataFrame(quantity_rows, schema=QUANTITY_SCHEMA, orient="row"),
        register_check=pl.DataFrame(check_rows, schema=CHECK_SCHEMA, orient="row"),
    )

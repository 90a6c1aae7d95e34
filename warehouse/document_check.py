"""`govmetrics verify`: one report text checked against the published warehouse.

The text's claims are its register's when it is a registered report (found by its SHA-256 or
its report id), else automatic claims (`ingest.automatic_claims`), with the review file applied.
They are judged by the build's own verdict models (`warehouse.verification`) in memory; the
published file is opened read-only and never changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ingest.automatic_claims import build_automatic_claims, reference_of_listed
from ingest.claim_linking import AUTO_CLAIM_SCHEMA, REVIEW_BELOW, Lexicon
from ingest.claim_register import (
    CLAIM_SCHEMA,
    QUANTITY_SCHEMA,
    read_claims,
    read_exclusions,
    read_reports,
    reconcile,
    report_id_of,
)
from ingest.contracts import QUARANTINE_SCHEMA
from warehouse import paths
from warehouse.raw_store import append_rows, ensure_raw_table
from warehouse.verification import open_document_session, run_verification_chain

_NO_REJECTIONS = pl.DataFrame(schema=QUARANTINE_SCHEMA)


@dataclass(frozen=True)
class DocumentCheck:
    report_id: str
    origin: str  # register or automatic
    text: str
    reference_date: dt.date | None
    reference_basis: str
    verdicts: pl.DataFrame  # marts.claim_verification rows of the text, in text order
    review_queue: pl.DataFrame  # automatic claims whose link is uncertain
    quarantine: pl.DataFrame  # review rows that could not be applied


def _review_queue(claims: pl.DataFrame) -> pl.DataFrame:
    return claims.filter(
        pl.col("candidate_indicator_code").is_not_null()
        & pl.col("review_decision").is_null()
        & (pl.col("confidence") < REVIEW_BELOW)
        & (pl.col("scope") != "local_case")
    ).select(
        "section",
        "paragraph",
        "surface",
        "candidate_indicator_code",
        "confidence",
        "link_evidence",
    )


def verify_document(
    data: bytes,
    text: str,
    name: str,
    published: Path,
    *,
    report_id: str | None = None,
    reference: dt.date | None = None,
    review_file: Path | None = None,
    automatic: bool = False,
) -> DocumentCheck:
    """Claims of `text` (read from `data`, shown as `name`) with their verdicts."""
    reports_file = paths.REGISTERS_DIR / "reports.csv"
    reports = read_reports(reports_file).valid
    listed = reports.to_dicts()
    text_hash = hashlib.sha256(data).hexdigest()
    report_id = report_id_of(text_hash, report_id or Path(name).stem, listed)
    registered = not automatic and paths.register_file(report_id).exists()
    con = open_document_session(published)
    try:
        for table, schema in (
            ("report_claims", CLAIM_SCHEMA),
            ("report_quantities", QUANTITY_SCHEMA),
            ("report_automatic_claims", AUTO_CLAIM_SCHEMA),
        ):
            ensure_raw_table(con, table, pl.DataFrame(schema=schema))
        append_rows(con, "reports", "reports.csv", "", reports, _NO_REJECTIONS, "")
        queue = pl.DataFrame()
        quarantine = _NO_REJECTIONS
        if registered:
            indicators = frozenset(Lexicon.from_seeds(paths.DBT_SEEDS_DIR).indicators)
            register = paths.register_file(report_id)
            claims = read_claims(register, report_id, indicators).valid
            exclusions = read_exclusions(paths.exclusions_file(report_id))
            reconciled = reconcile(report_id, text, claims, exclusions)
            append_rows(con, "report_claims", register.name, "", claims, _NO_REJECTIONS, "")
            append_rows(
                con, "report_quantities", name, text_hash, reconciled.quantities, _NO_REJECTIONS, ""
            )
            row = next(r for r in listed if r["report_id"] == report_id)
            reference_date = reference_of_listed(row["date_published"], row["data_as_of"])
            basis = "the report list's date (reports.csv)"
            origin = "register"
        else:
            row = next((r for r in listed if r["report_id"] == report_id), None)
            basis = "given on the command line" if reference else ""
            if reference is None and row is not None:
                reference = reference_of_listed(row["date_published"], row["data_as_of"])
                basis = "the report list's date (reports.csv)"
            result = build_automatic_claims(
                text,
                report_id,
                Lexicon.from_seeds(paths.DBT_SEEDS_DIR),
                name,
                reference,
                basis,
                review_file,
            )
            append_rows(
                con,
                "report_automatic_claims",
                name,
                text_hash,
                result.claims,
                result.quarantine,
                "",
            )
            reference_date, basis = result.reference_date, result.reference_basis
            queue, quarantine = _review_queue(result.claims), result.quarantine
            origin = "automatic"
        run_verification_chain(con)
        verdicts = con.sql(
            "select * from marts.claim_verification where report_id = $report_id"
            " order by start_offset nulls last, claim_id",
            params={"report_id": report_id},
        ).pl()
    finally:
        con.close()
    return DocumentCheck(
        report_id, origin, text, reference_date, basis, verdicts, queue, quarantine
    )

"""A report text checked without a register: its quantities linked, reviewed and ready to load.

The one path from text to automatic claims, used by the pipeline (inbox/reports/) and by
`govmetrics verify`: read the text, date it (the report list's date, else a date given, else
the day after the latest date its figures are for), link every quantity, apply the review file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ingest.claim_linking import Lexicon, claims_frame, infer_reference_date, link_claims
from ingest.claim_review import apply_review
from ingest.contracts import quarantine_frame


@dataclass(frozen=True)
class AutomaticClaims:
    claims: pl.DataFrame
    quarantine: pl.DataFrame
    reference_date: dt.date | None
    reference_basis: str


def reference_of_listed(date_published: str | None, data_as_of: dt.date | None) -> dt.date | None:
    """A listed report's reference date: the date its data are as of, else the first day of its
    publication date (the rule of stg_report__reports, for the linker's relative dates)."""
    if data_as_of is not None:
        return data_as_of
    if not date_published or date_published == "unknown":
        return None
    parts = [int(part) for part in date_published.split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


def build_automatic_claims(
    text: str,
    report_id: str,
    lexicon: Lexicon,
    source_name: str,
    reference: dt.date | None = None,
    reference_basis: str = "",
    review_file: Path | None = None,
) -> AutomaticClaims:
    """Every quantity of `text` as an automatic claim, with the review file's decisions."""
    if reference is None:
        reference = infer_reference_date(link_claims(text, lexicon, None))
        reference_basis = (
            "inferred: the day after the latest date the text states a figure for"
            if reference is not None
            else "unknown: the text states no date"
        )
    claims = link_claims(text, lexicon, reference)
    rejections = []
    if review_file is not None:
        claims, rejections = apply_review(claims, review_file, lexicon)
    frame = claims_frame(report_id, claims, source_name, reference, reference_basis)
    return AutomaticClaims(frame, quarantine_frame(rejections), reference, reference_basis)

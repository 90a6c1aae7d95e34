"""Review decisions on automatic claims, kept in a small file per report that every run applies.

`inbox/reports/<report_id>.review.csv` has one row per decision:

    section,paragraph,surface,occurrence,decision,indicator_code,geo_code,as_of,period_start,period_end,note

A row names a claim by its locator and figure as written (`occurrence` counts repeats of the same
figure in one paragraph, 1 by default). `confirm` keeps the link; `correct` replaces the fields
it fills (indicator, place, date); `reject` says the figure speaks of no indicator. A reviewed
claim has confidence 1. A row that names no claim, or breaks the contract, is quarantined.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from ingest.claim_linking import AutoClaim, Lexicon
from ingest.contracts import Rejection, RowRejected, one_of, optional_date, read_csv_rows, required
from ingest.time_expressions import Dating

REVIEW_COLUMNS = (
    "section",
    "paragraph",
    "surface",
    "occurrence",
    "decision",
    "indicator_code",
    "geo_code",
    "as_of",
    "period_start",
    "period_end",
    "note",
)
REQUIRED_COLUMNS = ("section", "paragraph", "surface", "decision")
DECISIONS = frozenset(["confirm", "correct", "reject"])


def review_path(directory: Path, report_id: str) -> Path:
    return directory / f"{report_id}.review.csv"


def _key(claim: AutoClaim, occurrence: int) -> tuple[str, int, str, int]:
    return claim.section, claim.paragraph, claim.quantity.text.replace(" ", ""), occurrence


def _decided(claim: AutoClaim, row: dict, dates: list[dt.date | None]) -> AutoClaim:
    decision = row["decision"]
    note = f"reviewed: {decision}" + (f" ({row['note']})" if row.get("note") else "")
    if decision == "reject":
        return replace(
            claim,
            indicator_code=None,
            confidence=1.0,
            review_decision="reject",
            evidence=f"{note}; {claim.evidence}",
        )
    indicator = row.get("indicator_code") or claim.indicator_code or claim.candidate_indicator_code
    dating = claim.dating
    if any(dates):
        as_of, start, end = dates
        dating = Dating(as_of, start, end, "stated", "set in review")
    geo_code = row.get("geo_code") or claim.geo_code
    scope = "national" if row.get("geo_code") else claim.scope
    return replace(
        claim,
        indicator_code=indicator,
        candidate_indicator_code=indicator,
        geo_code=geo_code,
        geo_name=claim.geo_name if not row.get("geo_code") else None,
        scope=scope,
        dating=dating,
        confidence=1.0,
        review_decision=decision,
        evidence=f"{note}; {claim.evidence}",
    )


def apply_review(
    claims: list[AutoClaim], path: Path, lexicon: Lexicon, name: str | None = None
) -> tuple[list[AutoClaim], list[Rejection]]:
    """The claims with the file's decisions applied, and the rows that could not be applied."""
    if not path.exists():
        return claims, []
    name = name or str(path)
    seen: dict[tuple[str, int, str], int] = {}
    index: dict[tuple[str, int, str, int], int] = {}
    for position, claim in enumerate(claims):
        base = _key(claim, 0)[:3]
        seen[base] = seen.get(base, 0) + 1
        index[(*base, seen[base])] = position
    reviewed = list(claims)
    rejections: list[Rejection] = []
    for line, row in read_csv_rows(path, REQUIRED_COLUMNS):
        try:
            one_of(row, "decision", DECISIONS)
            paragraph, occurrence = required(row, "paragraph"), row.get("occurrence") or "1"
            if not paragraph.isdigit() or not occurrence.isdigit():
                raise RowRejected("paragraph", paragraph, "paragraph and occurrence are numbers")
            indicator = row.get("indicator_code", "")
            if indicator and indicator not in lexicon.indicators:
                raise RowRejected("indicator_code", indicator, "unknown indicator")
            if row["decision"] == "correct" and not any(
                row.get(f) for f in ("indicator_code", "geo_code", "as_of", "period_start")
            ):
                raise RowRejected("decision", "correct", "a correction names what it corrects")
            dates = [optional_date(row, f) for f in ("as_of", "period_start", "period_end")]
            key = (
                required(row, "section"),
                int(paragraph),
                required(row, "surface").replace(" ", ""),
                int(occurrence),
            )
            if key not in index:
                raise RowRejected("surface", row["surface"], "no automatic claim at that locator")
        except RowRejected as err:
            rejections.append(Rejection(name, line, err.field, err.value, err.reason))
            continue
        reviewed[index[key]] = _decided(reviewed[index[key]], row, dates)
    return reviewed, rejections

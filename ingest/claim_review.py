"""Review decisions on automatic claims, kept in a small file per report that every run applies.

`inbox/reports/<report_id>.review.csv` has one row per decision:

    section,paragraph,surface,occurrence,decision,indicator_code,geo_code,as_of,period_start,period_end,note

A row names a claim by its locator and figure as written (`occurrence` counts repeats of the same
figure in one paragraph, 1 by default). `confirm` keeps the link; `correct` replaces the fields
it fills (indicator, place, date); `reject` says the figure speaks of no indicator. A reviewed
claim has confidence 1. A row that names no claim, or breaks the contract, is quarantined.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import replace
from pathlib import Path

from ingest.claim_linking import AutoClaim, Lexicon
from ingest.contracts import Rejection, RowRejected, one_of, optional_date, required
from ingest.report_text import UnreadableText, decode_report
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


def _scope_of_code(code: str) -> str:
    """GB/T 2260: 000000 the nation, 71/81/82 outside the mainland, NN0000 a province, NNNN00 a
    prefecture-level city."""
    if code == "000000":
        return "national"
    if code[:2] in ("71", "81", "82"):
        return "other"
    return "province" if code.endswith("0000") else "city"


def _decided(
    claim: AutoClaim, row: dict, dates: list[dt.date | None], lexicon: Lexicon
) -> AutoClaim:
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
    geo_code, geo_name, scope = claim.geo_code, claim.geo_name, claim.scope
    if code := row.get("geo_code"):
        geo_code, geo_name, scope = code, lexicon.gazetteer.name_of(code), _scope_of_code(code)
    return replace(
        claim,
        indicator_code=indicator,
        candidate_indicator_code=indicator,
        geo_code=geo_code,
        geo_name=geo_name,
        scope=scope,
        dating=dating,
        confidence=1.0,
        review_decision=decision,
        evidence=f"{note}; {claim.evidence}",
    )


def _rows(path: Path, name: str) -> tuple[list[tuple[int, dict]], list[Rejection]]:
    """The file's rows, or one rejection naming why the whole file cannot be read."""
    try:
        text, _ = decode_report(path.read_bytes())
    except (OSError, UnreadableText) as err:
        return [], [Rejection(name, 1, "file", None, str(err))]
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        reason = f"missing columns: {', '.join(missing)}"
        return [], [Rejection(name, 1, missing[0], None, reason)]
    return [(line, row) for line, row in enumerate(reader, start=2)], []


def _dates(row: dict) -> list[dt.date | None]:
    as_of, start, end = (optional_date(row, f) for f in ("as_of", "period_start", "period_end"))
    if (start is None) != (end is None):
        raise RowRejected("period_start", row.get("period_start"), "a period needs both ends")
    if start is not None and (start > end or as_of is not None):
        reason = "a period runs forward, and a claim has a period or an as_of date, not both"
        raise RowRejected("period_start", row.get("period_start"), reason)
    return [as_of, start, end]


def _number(row: dict, field: str, default: str | None = None) -> int:
    value = row.get(field) or default or ""
    if not value.isdecimal() or not value.isascii():
        raise RowRejected(field, value, "must be a whole number")
    return int(value)


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
        base = (claim.section, claim.paragraph, compact_surface(claim.quantity.text))
        seen[base] = seen.get(base, 0) + 1
        index[(*base, seen[base])] = position
    reviewed = list(claims)
    rows, rejections = _rows(path, name)
    for line, row in rows:
        try:
            one_of(row, "decision", DECISIONS)
            key = (
                required(row, "section"),
                _number(row, "paragraph"),
                compact_surface(required(row, "surface")),
                _number(row, "occurrence", "1"),
            )
            indicator = row.get("indicator_code", "")
            if indicator and indicator not in lexicon.indicators:
                raise RowRejected("indicator_code", indicator, "unknown indicator")
            if row["decision"] == "correct" and not any(
                row.get(f) for f in ("indicator_code", "geo_code", "as_of", "period_start")
            ):
                raise RowRejected("decision", "correct", "a correction names what it corrects")
            geo_code = row.get("geo_code", "")
            if geo_code and geo_code not in lexicon.gazetteer.codes:
                raise RowRejected("geo_code", geo_code, "not a place of seeds/geographies.csv")
            dates = _dates(row)
            if key not in index:
                raise RowRejected("surface", row["surface"], "no automatic claim at that locator")
        except RowRejected as err:
            rejections.append(Rejection(name, line, err.field, err.value, err.reason))
            continue
        reviewed[index[key]] = _decided(reviewed[index[key]], row, dates, lexicon)
    return reviewed, rejections


def compact_surface(surface: str) -> str:
    """A figure as written with no white space (a PDF copy breaks 29\n697个 across lines)."""
    return "".join(surface.split())

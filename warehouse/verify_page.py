"""The HTML page of `govmetrics verify --html`: the text with each claim marked by its verdict."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from warehouse.document_check import DocumentCheck
from warehouse.templates import render


def _pieces(text: str, claims: list[dict]) -> list[dict]:
    """The text cut at every claim's figure; overlapping or unplaced claims are left unmarked."""
    pieces, position = [], 0
    for claim in sorted(
        (c for c in claims if c["start_offset"] is not None), key=lambda c: c["start_offset"]
    ):
        start, end = claim["start_offset"], claim["end_offset"]
        if start < position:
            continue
        pieces.append({"text": text[position:start], "claim": None})
        pieces.append({"text": text[start:end], "claim": claim})
        position = end
    pieces.append({"text": text[position:], "claim": None})
    return pieces


def write_verify_page(check: DocumentCheck, published: Path, out: Path) -> None:
    claims = check.verdicts.to_dicts()
    page = render(
        "verify.html.j2",
        report_id=check.report_id,
        origin=check.origin,
        reference_date=check.reference_date,
        reference_basis=check.reference_basis,
        published=published,
        claims=claims,
        counts=sorted(Counter(c["verdict"] for c in claims).items()),
        pieces=_pieces(check.text, claims),
    )
    out.write_text(page, encoding="utf-8")

"""Edits a test makes to a build database, so that its next publish has new content."""

from pathlib import Path

import duckdb

FIRST_PREFERRED = (
    "select rowid from marts.indicator_series where is_preferred and value is not null"
    " order by indicator_code, geo_code, as_of, period_start limit 1"
)


def revise_a_figure(build_db: Path) -> dict:
    """Double the first preferred official figure and give it another source; returns the
    figure's key with its old and new value and source."""
    with duckdb.connect(str(build_db)) as con:
        (rowid,) = con.execute(FIRST_PREFERRED).fetchone()
        figure = con.execute(
            "select indicator_code, geo_code, coalesce(cast(as_of as varchar),"
            " cast(period_start as varchar) || '..' || cast(period_end as varchar)) as period,"
            " value, source_id from marts.indicator_series where rowid = ?",
            [rowid],
        ).fetchone()
        con.execute(
            "update marts.indicator_series set value = value * 2, source_id = 'edited_by_test'"
            " where rowid = ?",
            [rowid],
        )
    code, geo, period, value, source = figure
    return {
        "indicator_code": code,
        "geo_code": geo,
        "period": period,
        "old_value": value,
        "new_value": value * 2,
        "old_source_id": source,
        "new_source_id": "edited_by_test",
    }


def change_a_verdict(build_db: Path) -> tuple[str, str]:
    """Mark the first claim that is not `inconsistent` as inconsistent; returns its id and its
    old verdict."""
    with duckdb.connect(str(build_db)) as con:
        claim_id, verdict = con.execute(
            "select claim_id, verdict from marts.claim_verification"
            " where verdict <> 'inconsistent' order by claim_id limit 1"
        ).fetchone()
        con.execute(
            "update marts.claim_verification set verdict = 'inconsistent' where claim_id = ?",
            [claim_id],
        )
    return claim_id, verdict

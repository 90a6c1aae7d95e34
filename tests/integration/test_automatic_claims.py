"""A report text without a register, dropped in the inbox: its automatic claims are judged and
published, and a saved review decision changes the next run's result."""

import os
from pathlib import Path

from orchestration.build import build_and_publish
from tests.integration.published import published_rows as query
from tests.integration.test_verify_cli import MIXED

REVIEW = (
    "section,paragraph,surface,occurrence,decision,indicator_code,geo_code,as_of,"
    "period_start,period_end,note\n"
    "front,3,67.00%,1,reject,,,,,,the text's rate is not the official one\n"
    "front,2,22.0%,1,confirm,,,,,,\n"
)
CLAIMS = (
    "select surface, origin, indicator_code, verdict, confidence, review_decision"
    " from marts.claim_verification where report_id = 'gov_review_2024' order by start_offset"
)


def test_an_unregistered_report_is_verified_and_its_review_applied(home_copy):
    inbox = Path(os.environ["GOVMETRICS_INBOX"]) / "reports"
    inbox.mkdir(parents=True)
    (inbox / "gov_review_2024.txt").write_text(MIXED, encoding="utf-8")
    assert build_and_publish()
    first = {row[0]: row[1:] for row in query(home_copy, CLAIMS)}
    assert len(first) == 7
    assert {origin for origin, *_ in first.values()} == {"automatic"}
    assert first["67.00%"][1:3] == ("urbanisation_rate", "consistent")
    assert first["22.0%"][1] == "pop_60_plus_share" and first["22.0%"][3] < 1
    assert first["约900万张"][2] == "inconsistent"
    ((reference, basis),) = query(
        home_copy,
        "select reference_date, reference_date_basis from staging.stg_report__reports"
        " where report_id = 'gov_review_2024'",
    )
    assert str(reference) == "2025-01-01" and basis.startswith("inferred")

    (inbox / "gov_review_2024.review.csv").write_text(REVIEW, encoding="utf-8")
    assert build_and_publish()
    second = {row[0]: row[1:] for row in query(home_copy, CLAIMS)}
    assert second["67.00%"] == ("automatic", None, "unverifiable", 1.0, "reject")
    assert second["22.0%"][1:] == ("pop_60_plus_share", "consistent", 1.0, "confirm")
    assert {k: v for k, v in second.items() if k not in ("67.00%", "22.0%")} == {
        k: v for k, v in first.items() if k not in ("67.00%", "22.0%")
    }


def test_an_unreadable_report_is_quarantined_and_the_build_goes_on(home_copy):
    inbox = Path(os.environ["GOVMETRICS_INBOX"]) / "reports"
    inbox.mkdir(parents=True)
    (inbox / "broken.txt").write_bytes(b"\x00\x01\x02 not text")
    (inbox / "good.txt").write_text(MIXED.encode("utf-8").decode("utf-8"), encoding="gbk")
    assert build_and_publish()
    assert query(
        home_copy,
        "select source_file, field, reason from raw.quarantine"
        " where table_name = 'report_automatic_claims'",
    ) == [
        (
            str(inbox / "broken.txt"),
            "file",
            "binary data, not a text file (expected UTF-8, "
            "UTF-16 with a byte-order mark, or GB18030/GBK)",
        )
    ]
    assert query(
        home_copy,
        "select count(*) from marts.claim_verification where report_id = 'good'",
    ) == [(7,)]

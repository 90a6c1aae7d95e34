"""The B.1 report checked end to end: its text dropped into the inbox, its register found."""

import os
import shutil
from pathlib import Path

import pytest

from orchestration.build import build_and_publish
from tests.integration.published import published_rows as query
from warehouse import paths

SEED = paths.REPO_ROOT.parent / "shared" / "seeds" / "000_855edd2ded03d635.txt"


def test_the_register_is_loaded_without_rejections(built_home):
    rows = query(
        built_home,
        "select count(*), count(distinct claim_id) from staging.stg_report__claims"
        " where report_id = 'cdb2025_b1'",
    )
    assert rows[0][0] == rows[0][1] > 100
    assert query(
        built_home,
        "select count(*) from staging.stg_raw__quarantine where table_name like 'report%'",
    ) == [(0,)]


@pytest.mark.skipif(not SEED.exists(), reason=f"the report text {SEED} is not beside the repo")
def test_with_the_text_in_the_inbox_every_entry_is_found_and_quantities_accounted_for(
    home_copy, capsys
):
    inbox = Path(os.environ["GOVMETRICS_INBOX"]) / "reports"
    inbox.mkdir(parents=True)
    shutil.copy(SEED, inbox / SEED.name)  # recognised by its SHA-256, whatever its name
    assert build_and_publish()
    summary = capsys.readouterr().out
    assert "register_entries_found_in_text did not pass" not in summary
    assert "extracted_quantities_accounted_for did not pass" not in summary

    statuses = dict(
        query(
            home_copy,
            "select status, count(*) from raw.report_register_checks group by status",
        )
    )
    assert set(statuses) == {"found"}
    assert statuses["found"] > 100
    ((total, accounted),) = query(
        home_copy,
        "select count(*), count(*) filter (where status <> 'unaccounted')"
        " from staging.stg_report__quantities where report_id = 'cdb2025_b1'",
    )
    assert total > 100
    assert accounted / total >= 0.95

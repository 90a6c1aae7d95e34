"""The release page's summary of changes.csv, read by DuckDB so that millions of rows stay fast."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

from warehouse.catalog_page import CHANGES_SHOWN, _changes
from warehouse.release_changes import CHANGE_COLUMNS

NAMES = [column[0] for column in CHANGE_COLUMNS]


def _write_changes(release_dir: Path, rows: list[dict]) -> None:
    text = io.StringIO()
    writer = csv.DictWriter(text, NAMES, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (release_dir / "changes.csv").write_bytes(codecs.BOM_UTF8 + text.getvalue().encode())


def _added(number: int, written: str) -> dict:
    return {
        "change": "figure_added",
        "indicator_code": "pop_total",
        "geo_code": "110000",
        "period": f"{2000 + number % 20}-12-31",
        "new_as_written": written,
        "new_source_id": f"source_{number}",
    }


def test_counts_every_row_and_shows_the_first_in_file_order(tmp_path: Path) -> None:
    rows = [_added(n, f"{n}万人") for n in range(CHANGES_SHOWN + 50)]
    rows.append({"change": "verdict_changed", "claim_id": "b1_007", "old_verdict": "consistent"})
    _write_changes(tmp_path, rows)
    summary = _changes(tmp_path, None)
    assert summary is not None
    text = str(summary)
    assert "source_0'" in text and f"source_{CHANGES_SHOWN - 1}'" in text
    assert f"source_{CHANGES_SHOWN}'" not in text
    assert "figure_added" in text and "verdict_changed" in text
    assert str(CHANGES_SHOWN + 50) in text
    assert summary["total"] == CHANGES_SHOWN + 51


def test_cells_made_spreadsheet_safe_do_not_confuse_the_reader(tmp_path: Path) -> None:
    # Cells that start with ' (made spreadsheet-safe), quotes and commas, among plain rows.
    rows = [
        _added(0, "'+2.93个百分点"),
        _added(1, 'a "quoted", comma'),
        *(_added(n, f"{n}万人") for n in range(2, 30_000)),
    ]
    _write_changes(tmp_path, rows)
    summary = _changes(tmp_path, None)
    assert summary is not None and summary["total"] == 30_000
    assert "'+2.93个百分点" in str(summary) and 'a "quoted", comma' in str(summary)


def test_an_empty_file_lists_no_change(tmp_path: Path) -> None:
    (tmp_path / "changes.csv").touch()
    summary = _changes(tmp_path, "20260101T000000000000Z")
    assert summary is not None and summary["total"] == 0
    assert summary["against"] == "release 20260101T000000000000Z"

"""The dbt unit tests (SQL logic on fixed inputs), which builds leave out, run here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from warehouse import paths

DBT = Path(sys.executable).with_name("dbt")


def test_every_dbt_unit_test_passes(home_copy: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            str(DBT),
            "test",
            "--select",
            "test_type:unit",
            "--project-dir",
            str(paths.DBT_PROJECT_DIR),
            "--profiles-dir",
            str(paths.DBT_PROJECT_DIR),
            "--target-path",
            str(tmp_path / "target"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    unit_tests = {
        r["unique_id"]: r["status"] for r in results if r["unique_id"].startswith("unit_test.")
    }
    assert manifest["unit_tests"] and set(unit_tests) == set(manifest["unit_tests"])
    assert set(unit_tests.values()) == {"pass"}

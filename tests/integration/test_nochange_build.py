"""`govmetrics build` with nothing changed does nothing, against a real build: what a successful
build records lets the next one skip; `--force` builds; a failed build records nothing, so the
build after it runs. One full build (the forced one); the failed build stops in its first step."""

import hashlib
from pathlib import Path

from orchestration.build import record_build, unchanged_release
from orchestration.cli import main
from warehouse import paths
from warehouse.publish import list_releases
from warehouse.release_content import build_fingerprint, build_record_path

SKIPPED = "nothing changed since the published build (release {}): nothing to do (use --force"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _logs(home: Path) -> list[Path]:
    return sorted((home / "logs").glob("build-*.log")) if (home / "logs").exists() else []


def test_a_build_with_nothing_changed_skips_force_builds_and_a_failure_records_nothing(
    home_copy, capsys, monkeypatch
):
    published = home_copy / "published" / "govmetrics.duckdb"
    releases = list_releases(home_copy / "releases")
    version = releases[-1]["version"]
    # home_copy reads another inbox than the shared build did: record it as built from this one.
    record_build(build_fingerprint())

    assert main(["build"]) == 0
    assert capsys.readouterr().out.startswith(SKIPPED.format(version))
    assert _logs(home_copy) == []

    assert main(["build", "--force"]) == 0
    output = capsys.readouterr().out
    assert f"no new release: same content as release {version}" in output
    assert len(_logs(home_copy)) == 1
    assert list_releases(home_copy / "releases") == releases

    # What the forced build recorded lets the next build skip.
    before = _digest(published)
    assert main(["build"]) == 0
    assert capsys.readouterr().out.startswith(SKIPPED.format(version))
    assert len(_logs(home_copy)) == 1

    # A build that fails (an unreadable setting stops its first step) records nothing: with the
    # setting and the inbox as before, the next build runs again.
    statistics = paths.inbox() / "statistics"
    statistics.mkdir(parents=True)
    (statistics / "export.csv").write_text("数据库：年度数据\n", encoding="utf-8")
    monkeypatch.setenv("GOVMETRICS_INBOX_MAX_MB", "many")
    assert main(["build"]) == 1
    assert "build failed" in capsys.readouterr().out
    assert _digest(published) == before
    monkeypatch.delenv("GOVMETRICS_INBOX_MAX_MB")
    (statistics / "export.csv").unlink()
    statistics.rmdir()
    assert not build_record_path(published).exists()
    assert unchanged_release(build_fingerprint()) is None

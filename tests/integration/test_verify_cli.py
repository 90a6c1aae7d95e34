"""`govmetrics verify` on B.1 and on short reports: tables, JSON, the HTML page, bad input, and
a published warehouse left as it was."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.cli import main
from tests.integration.published import published_rows
from warehouse import paths

SEED = paths.REPO_ROOT.parent / "shared" / "seeds" / "000_855edd2ded03d635.txt"
MIXED = (
    "2024年基层民生工作综述\n"
    "截至2024年底，全国60岁及以上人口达31031万人，占全国人口的22.0%。\n"
    "全国常住人口城镇化率为67.00%，比上年末提高0.84个百分点。\n"
    "在杭州市拱墅区某街道，今年新建社区食堂12家，服务老人3000余人次。\n"
    "全国养老床位目前约900万张。\n"
)
TRADITIONAL = (
    "截至2024年末，全國60歲及以上老年人口31031萬人，佔總人口的22.0%；"
    "全國註冊登記的養老機構4.0萬個。\n"
)
JSON_KEYS = {
    "surface",
    "start",
    "end",
    "indicator_code",
    "geo_code",
    "claim_date",
    "confidence",
    "verdict",
    "official_value_as_written",
    "official_source_id",
    "explanation",
}


@pytest.fixture
def home(built_home, monkeypatch, tmp_path):
    monkeypatch.setenv("GOVMETRICS_HOME", str(built_home))
    monkeypatch.setenv("GOVMETRICS_INBOX", str(tmp_path / "inbox"))
    return built_home


def _json_lines(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_a_mixed_report_national_figures_judged_local_ones_recognised(home, tmp_path, capsys):
    report = tmp_path / "mixed.txt"
    report.write_text(MIXED, encoding="utf-8")
    assert main(["verify", str(report), "--format", "json"]) == 0
    claims = {c["surface"]: c for c in _json_lines(capsys)}
    assert all(set(c) >= JSON_KEYS for c in claims.values())
    for surface in ("31031万人", "22.0%", "67.00%", "0.84个百分点"):
        assert claims[surface]["verdict"] == "consistent", claims[surface]["explanation"]
        assert claims[surface]["geo_code"] == "000000"
    assert claims["0.84个百分点"]["indicator_code"] == "urbanisation_rate_change_pp"
    assert claims["约900万张"]["verdict"] == "inconsistent"
    assert claims["约900万张"]["official_source_id"]
    local = claims["12家"]
    assert (local["indicator_code"], local["verdict"], local["scope"]) == (
        None,
        "unverifiable",
        "local_case",
    )
    assert MIXED[claims["31031万人"]["start"] : claims["31031万人"]["end"]] == "31031万人"


def test_traditional_script_table_and_page(home, tmp_path, capsys):
    report = tmp_path / "trad.txt"
    report.write_text(TRADITIONAL, encoding="utf-8")
    page = tmp_path / "trad.html"
    assert main(["verify", str(report), "--html", str(page)]) == 0
    out = capsys.readouterr().out
    assert "eldercare_institutions" in out and "pop_60_plus" in out
    assert "3 automatic claims" in out and "consistent 3" in out
    html = page.read_text(encoding="utf-8")
    assert html.count('class="consistent"') >= 3
    assert "31031萬人</mark>" in html and "mca_bulletin_2024" in html


def test_standard_input_and_the_review_queue(home, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "verify", "-"],
        input=MIXED.encode("gbk"),
        capture_output=True,
        env={**os.environ, "GOVMETRICS_HOME": str(home)},
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    assert "consistent 4" in out
    assert "review queue:" in out and "urbanisation_rate_change_pp" in out


@pytest.mark.skipif(not SEED.exists(), reason=f"the report text {SEED} is not beside the repo")
def test_b1_by_its_register_gives_the_published_verdicts(home, capsys):
    before = hashlib.sha256(paths.published_db().read_bytes()).hexdigest()
    assert main(["verify", str(SEED), "--format", "json"]) == 0
    verdicts = {c["claim_id"]: c["verdict"] for c in _json_lines(capsys)}
    published = dict(published_rows(home, "select claim_id, verdict from marts.claim_verification"))
    assert verdicts == published and len(verdicts) == 110
    assert main(["verify", str(SEED), "--automatic", "--format", "json"]) == 0
    automatic = _json_lines(capsys)
    assert {c["origin"] for c in automatic} == {"automatic"}
    assert sum(c["indicator_code"] is not None for c in automatic) >= 15
    assert hashlib.sha256(paths.published_db().read_bytes()).hexdigest() == before


def test_a_report_of_several_megabytes_works(home, tmp_path, capsys):
    report = tmp_path / "big.txt"
    report.write_text(MIXED * 25_000, encoding="utf-8")
    assert report.stat().st_size > 4_000_000
    assert main(["verify", str(report), "--format", "json"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 7 * 25_000


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data, not a text file"),
        (b"\x81\x30\xff\xfe\x80" * 50, "not a text in UTF-8"),
    ],
)
def test_bad_input_one_line_and_a_non_zero_exit(home, tmp_path, capsys, content, message):
    report = tmp_path / "bad.txt"
    report.write_bytes(content)
    assert main(["verify", str(report)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith(f"govmetrics verify: {report}:") and message in err


def test_a_missing_file_and_a_bad_date(home, tmp_path, capsys):
    assert main(["verify", str(tmp_path / "none.txt")]) == 2
    assert "No such file" in capsys.readouterr().err
    report = tmp_path / "ok.txt"
    report.write_text(MIXED, encoding="utf-8")
    assert main(["verify", str(report), "--date", "2024-13-40"]) == 2
    assert "month must be in 1..12" in capsys.readouterr().err
    assert Path(report).exists()


def test_a_warehouse_path_with_a_quote_and_recorded_sql_that_reaches_for_files(
    built_home, tmp_path, monkeypatch, capsys
):
    """The snapshot's path is quoted for DuckDB, and the recorded SQL may read nothing but the
    attached databases."""
    import duckdb

    from warehouse.verification import open_document_session

    home = tmp_path / "o'home"
    (home / "published").mkdir(parents=True)
    published = home / "published" / "govmetrics.duckdb"
    published.write_bytes((built_home / "published" / "govmetrics.duckdb").read_bytes())
    monkeypatch.setenv("GOVMETRICS_HOME", str(home))
    report = tmp_path / "mixed.txt"
    report.write_text(MIXED, encoding="utf-8")
    assert main(["verify", str(report), "--format", "json"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 7
    con = open_document_session(published)
    try:
        with pytest.raises(duckdb.Error):
            con.execute(f"copy (select 1) to '{tmp_path / 'leak.csv'}'")
        with pytest.raises(duckdb.Error):
            con.execute("set enable_external_access = true")
    finally:
        con.close()
    assert not (tmp_path / "leak.csv").exists()


def test_without_a_published_warehouse_verify_says_what_to_do(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GOVMETRICS_HOME", str(tmp_path / "nothing_built"))
    report = tmp_path / "mixed.txt"
    report.write_text(MIXED, encoding="utf-8")
    assert main(["verify", str(report)]) == 2
    err = capsys.readouterr().err
    assert "no published warehouse" in err and "govmetrics build" in err

"""Bad inbox files: each is read on its own, refused or quarantined by name with the reason, and
never stops the other files. The ingest assets run for real (Dagster, DuckDB), without dbt."""

import hashlib
import os
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterInstance, materialize
from openpyxl import Workbook

from ingest.official_observations import (
    OBSERVATION_COLUMNS,
    load_reference_codes,
    read_observation_file,
)
from ingest.source_registry import read_source_registry
from orchestration.assets.official import registry_and_exports
from orchestration.assets.reports import (
    _report_texts,
    report_automatic_claims,
    report_claims,
    report_quantities,
)
from orchestration.resources import WarehouseResource
from warehouse import paths

FIXTURES = Path(__file__).parent.parent / "fixtures" / "nbs"
GOOD_EXPORT = FIXTURES / "province_population_gbk.csv"  # 11 figures
NATIONAL = "数据库：年度数据\n指标,2023年,2022年\n"
REGIONAL = "数据库：分省年度数据\n指标：年末常住人口(万人)\n地区,2023年,2022年\n"
CRLF_WITH_BOM = (
    ("\ufeff" + NATIONAL + "年末总人口(万人),140967,141175\n").replace("\n", "\r\n").encode()
)
REPORT = "截至2024年末，全国60岁及以上老年人口31031万人，占全国人口的22.0%。\n"


def text(content: str, encoding: str = "utf-8") -> Callable[[Path], None]:
    return lambda path: path.write_bytes(content.encode(encoding))


def raw(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def fifo(path: Path) -> None:
    os.mkfifo(path)


def link_to(target: str) -> Callable[[Path], None]:
    return lambda path: path.symlink_to(target)


def folder(path: Path) -> None:
    path.mkdir()


def truncated_xlsx(path: Path) -> None:
    workbook = Workbook()
    workbook.active.append(["数据库：年度数据"])
    workbook.save(path)
    path.write_bytes(path.read_bytes()[:300])


def zip_without_workbook(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")


def xlsx(rows: list[list]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        workbook = Workbook()
        for row in rows:
            workbook.active.append(row)
        workbook.save(path)

    return write


# (file name, how it is made, words of the reason it is refused or quarantined with)
BAD_EXPORTS = [
    ("random.csv", raw(bytes(range(256)) * 40), "binary data"),
    ("empty.csv", raw(b""), "empty"),
    ("spaces.csv", raw(b"   \n\n  "), "empty"),
    ("nul_inside.csv", raw(NATIONAL.encode() + b"x" * 5000 + b"\x00\x01\x02" * 50), "not"),
    ("pdf.csv", raw(b"%PDF-1.7\n\x00\x00binary\xff\xfe" * 100), "binary data"),
    ("truncated.xlsx", truncated_xlsx, "not a readable XLSX workbook"),
    ("random.xlsx", raw(os.urandom(4096)), "not a readable XLSX workbook"),
    ("zip_not_workbook.xlsx", zip_without_workbook, "not a readable XLSX workbook"),
    ("fifo.csv", fifo, "FIFO"),
    ("zero.csv", link_to("/dev/zero"), "outside the inbox"),
    ("outside.csv", link_to("/etc/hostname"), "outside the inbox"),
    ("a_folder.csv", folder, "folder"),
    ("registry_link.csv", link_to(str(paths.INGEST_DATA_DIR / "source_documents.csv")), "outside"),
    ("negative.csv", text(NATIONAL + "年末总人口(万人),-5,141175\n"), "plausible range"),
    (
        "astronomical.csv",
        text(NATIONAL + "年末总人口(万人),1" + "0" * 45 + ",141175\n"),
        "plausible",
    ),
    ("share_over_100.csv", text(NATIONAL + "老年人口抚养比(%),140.5,21.8\n"), "plausible range"),
    ("repeated_row.csv", text(NATIONAL + "年末总人口(万人),140967,141175\n" * 2), "repeats"),
    (
        "repeated_column.csv",
        text("数据库：年度数据\n指标,2023年,2023年\n年末总人口(万人),1,2\n"),
        "repeats",
    ),
    ("city_row.csv", text(REGIONAL + "河北省石家庄市,1123,1122\n"), "not a province"),
    ("district_row.csv", text(REGIONAL + "北京市海淀区,313,312\n"), "not a province"),
    ("unknown_region.csv", text(REGIONAL + "火星,1,2\n"), "unknown region name"),
    ("unknown_label.csv", text(NATIONAL + "出生率(‰),6.39,6.77\n"), "nbs_indicator_labels"),
    ("label_without_unit.csv", text(NATIONAL + "年末总人口,140967,141175\n"), "no unit"),
    ("not_a_number.csv", text(NATIONAL + "年末总人口(万人),一千,141175\n"), "not a number"),
    ("header_only.csv", text("数据库：年度数据\n时间：最近10年\n"), "no table header"),
    ("no_indicator_line.csv", text("数据库：分省年度数据\n地区,2023年\n北京市,1\n"), "指标"),
    (
        "year_1800.csv",
        text("数据库：年度数据\n指标,1800年\n年末总人口(万人),40000\n"),
        "outside the years",
    ),
    ("prose.csv", text("这不是一个导出文件，只是一段说明文字。\n"), "header line"),
    ("formula_label.xlsx", xlsx([["数据库：年度数据"], ["指标", "2023年"], ["=1+2", 5]]), "unit"),
    ("huge_line.csv", text(NATIONAL + "年末总人口(万人)," + "9" * 1_000_000 + "\n"), "field limit"),
]
# Good exports that must load whatever their encoding or line endings.
GOOD_EXPORTS = [
    ("utf16.csv", text(NATIONAL + "年末总人口(万人),140967,141175\n", "utf-16")),
    ("crlf_bom.csv", raw(CRLF_WITH_BOM)),
    ("gbk.csv", raw(GOOD_EXPORT.read_bytes())),
]
BAD_TEXTS = [
    ("pipe.txt", fifo, "FIFO"),
    ("random.txt", raw(os.urandom(2048) + b"\x00"), "binary data"),
    ("empty.txt", raw(b""), "empty"),
    ("outside.txt", link_to("/etc/hostname"), "outside the inbox"),
    (
        "latin1.txt",
        raw("Ceci n'est pas un rapport: déjà vu, façade.".encode("latin-1")),
        "not a text",
    ),
]


def _materialize(home: Path) -> None:
    result = materialize(
        [registry_and_exports, report_claims, report_quantities, report_automatic_claims],
        resources={"warehouse": WarehouseResource()},
        instance=DagsterInstance.ephemeral(),
    )
    assert result.success


def _quarantine(home: Path) -> dict[str, list[tuple]]:
    """Current quarantine rows by file name: (line, field, reason)."""
    with duckdb.connect(str(home / "build" / "govmetrics.duckdb"), read_only=True) as con:
        rows = con.execute(
            """
            with latest as (
                select load_id from raw.load_log
                qualify row_number() over (partition by table_name, source_file
                    order by loaded_at desc, load_id desc) = 1
            )
            select source_file, line, field, reason from raw.quarantine
            where _load_id in (select load_id from latest)
            """
        ).fetchall()
    found: dict[str, list[tuple]] = {}
    for source_file, line, field, reason in rows:
        found.setdefault(Path(source_file).name, []).append((line, field, reason))
    return found


def _current_rows(home: Path, table: str) -> dict[str, int]:
    """Rows of the current load of each file of `table` that has any (load_log)."""
    with duckdb.connect(str(home / "build" / "govmetrics.duckdb"), read_only=True) as con:
        rows = con.execute(
            """
            select source_file, rows_loaded from raw.load_log where table_name = ?
            qualify row_number() over (partition by source_file
                order by loaded_at desc, load_id desc) = 1
            """,
            [table],
        ).fetchall()
    return {Path(name).name: count for name, count in rows if count > 0}


@pytest.fixture
def inbox(tmp_path, monkeypatch):
    home, inbox = tmp_path / "home", tmp_path / "inbox"
    (inbox / "statistics").mkdir(parents=True)
    (inbox / "reports").mkdir()
    monkeypatch.setenv("GOVMETRICS_HOME", str(home))
    monkeypatch.setenv("GOVMETRICS_INBOX", str(inbox))
    return inbox


def test_every_bad_file_is_named_with_its_reason_and_every_good_file_loads(inbox):
    for name, make, _ in BAD_EXPORTS:
        make(inbox / "statistics" / name)
    for name, make in GOOD_EXPORTS:
        make(inbox / "statistics" / name)
    for name, make, _ in BAD_TEXTS:
        make(inbox / "reports" / name)
    (inbox / "reports" / "good.txt").write_text(REPORT, encoding="gb18030")
    os.mkfifo(inbox / "reports" / "good.review.csv")
    home = Path(os.environ["GOVMETRICS_HOME"])

    _materialize(home)  # a FIFO or /dev/zero would hang here, a bad file raise

    quarantined = _quarantine(home)
    for name, _, reason in BAD_EXPORTS + BAD_TEXTS:
        reasons = " | ".join(r for _, _, r in quarantined.get(name, []))
        assert reason in reasons, f"{name}: expected {reason!r} in {reasons!r}"
    assert "good.review.csv" in quarantined  # the review file refused, the text still linked
    for _, _, reason in quarantined["outside.csv"] + quarantined["outside.txt"]:
        assert Path("/etc/hostname").read_text().strip() not in reason  # nothing read outside
    loaded = _current_rows(home, "nbs_exports")
    assert loaded["gbk.csv"] == 11
    assert loaded["utf16.csv"] == loaded["crlf_bom.csv"] == 2
    assert loaded["repeated_row.csv"] == 2  # the first of each repeated figure stays
    assert loaded["repeated_column.csv"] == 1
    assert loaded["negative.csv"] == 1  # the row's other cell is valid
    assert _current_rows(home, "report_automatic_claims")["good.txt"] > 0
    # A link is named by itself, never by its target: the registry it points to stays loaded.
    assert _current_rows(home, "registry_sources")["source_documents.csv"] > 100


def test_a_file_removed_from_the_inbox_leaves_the_current_loads(inbox):
    home = Path(os.environ["GOVMETRICS_HOME"])
    shutil.copy(GOOD_EXPORT, inbox / "statistics" / "kept.csv")
    shutil.copy(GOOD_EXPORT, inbox / "statistics" / "copy.csv")  # the same content twice
    (inbox / "statistics" / "gone.csv").write_text(NATIONAL + "年末总人口(万人),140967,141175\n")
    (inbox / "reports" / "gone.txt").write_text(REPORT)
    (inbox / "reports" / "turned.txt").write_text(REPORT + "另据统计，全国共有城乡社区60万个。")
    (inbox / "reports" / "link_to_gone.txt").symlink_to(inbox / "reports" / "gone.txt")
    _materialize(home)
    assert "link_to_gone.txt" in _quarantine(home)  # a link inside the inbox: a copy, read once
    assert _current_rows(home, "nbs_exports") == {"copy.csv": 11, "gone.csv": 2}
    assert "kept.csv" in _quarantine(home)  # sorted first: copy.csv loads, kept.csv is a copy
    assert _current_rows(home, "report_automatic_claims")["gone.txt"] > 0

    (inbox / "statistics" / "gone.csv").unlink()
    (inbox / "statistics" / "copy.csv").unlink()
    (inbox / "reports" / "gone.txt").unlink()
    (inbox / "reports" / "link_to_gone.txt").unlink()
    (inbox / "reports" / "turned.txt").write_bytes(b"\x00\x01\x02 no longer a text")
    _materialize(home)
    for table in ("report_quantities", "report_automatic_claims"):
        assert not {"gone.txt", "turned.txt"} & set(_current_rows(home, table)), table
    assert "binary data" in _quarantine(home)["turned.txt"][0][2]

    assert _current_rows(home, "nbs_exports") == {"kept.csv": 11}  # no longer a copy: it loads
    assert "gone.txt" not in _current_rows(home, "report_automatic_claims")
    registry = _current_rows(home, "registry_sources")
    assert "gone.csv" not in registry and "copy.csv" not in registry
    assert registry["kept.csv"] == 1
    with duckdb.connect(str(home / "build" / "govmetrics.duckdb"), read_only=True) as con:
        history = con.execute(
            "select count(*) from raw.nbs_exports where _source_file like '%gone.csv'"
        ).fetchone()[0]
    assert history == 2  # raw keeps the history


def test_a_million_rejected_rows_are_logged_as_one_line(inbox):
    rows = "".join(f"未知指标{i}(万人),{i}\n" for i in range(20_000))
    (inbox / "statistics" / "bulk.csv").write_text("数据库：年度数据\n指标,2023年\n" + rows)
    instance = DagsterInstance.ephemeral()
    result = materialize(
        [registry_and_exports],
        resources={"warehouse": WarehouseResource()},
        instance=instance,
    )
    assert result.success
    warnings = [
        record.user_message
        for record in instance.all_logs(result.run_id)
        if "bulk.csv" in record.user_message and record.level >= 30
    ]
    assert len(warnings) == 1 and "20000 rows quarantined" in warnings[0]
    assert len(_quarantine(Path(os.environ["GOVMETRICS_HOME"]))["bulk.csv"]) == 20_000


def test_the_size_cap_refuses_a_file_before_reading_it(inbox, monkeypatch):
    monkeypatch.setenv("GOVMETRICS_INBOX_MAX_MB", "0.01")
    (inbox / "statistics" / "big.csv").write_text(NATIONAL + "年末总人口(万人),1,2\n" * 2000)
    _materialize(Path(os.environ["GOVMETRICS_HOME"]))
    ((_, field, reason),) = _quarantine(Path(os.environ["GOVMETRICS_HOME"]))["big.csv"]
    assert field == "file" and "GOVMETRICS_INBOX_MAX_MB" in reason


REGISTRY_HEADER = (
    "source_id,publisher,title,date_published,copy_read_at,publisher_url,grade,licence,note"
)


@pytest.mark.parametrize(
    ("date_published", "reason"),
    [
        ("2012-13-45", "must be YYYY"),
        ("2012-02-30", "not an ISO date"),
        ("2999-01-01", "in the future"),
        ("2999", "in the future"),
        ("1066", "before 1949"),
    ],
)
def test_a_source_date_that_is_no_date_is_quarantined(tmp_path, date_published, reason):
    path = tmp_path / "sources.csv"
    good = "good,NBS,A bulletin,2024-02-29,https://example.org/a,,official,open,"
    bad = f"bad,NBS,A bulletin,{date_published},https://example.org/b,,official,open,"
    path.write_text("\n".join((REGISTRY_HEADER, good, bad)) + "\n", encoding="utf-8")
    parsed = read_source_registry(path, "sources.csv")
    assert parsed.valid.get_column("source_id").to_list() == ["good"]
    rejected = parsed.quarantine.row(0, named=True)
    assert (rejected["line"], rejected["field"]) == (3, "date_published")
    assert reason in rejected["reason"]


@pytest.mark.parametrize(
    ("written", "as_of", "reason"),
    [
        ("1" + "0" * 45 + "人", "2023-12-31", "plausible range"),
        ("-3人", "2023-12-31", "plausible range"),
        ("29697万人", "1850-12-31", "outside the years"),
    ],
)
def test_a_transcribed_figure_no_document_could_state_is_quarantined(
    tmp_path, written, as_of, reason
):
    codes = load_reference_codes(paths.DBT_SEEDS_DIR, frozenset({"src"}))
    header = ",".join(OBSERVATION_COLUMNS)
    good = "registered_volunteers,000000,2022-12-31,,,2.2亿人,src,p. 3,first_published,"
    bad = f"registered_volunteers,000000,{as_of},,,{written},src,p. 4,first_published,"
    path = tmp_path / "observations.csv"
    path.write_text("\n".join((header, good, bad, good)) + "\n", encoding="utf-8")
    parsed = read_observation_file(path, codes, "observations.csv")
    assert parsed.valid.height == 1  # the repeated good row is quarantined too
    reasons = parsed.quarantine.get_column("reason").to_list()
    assert reason in reasons[0] and "repeats the observation of line 2" in reasons[1]


def test_a_second_text_of_the_same_report_is_refused_by_name(inbox):
    """`r.txt` is report r by its name; another file is report r by the SHA-256 its register
    was made against: only one is read, the other is named with the reason."""
    (inbox / "reports" / "r.txt").write_text(REPORT, encoding="utf-8")
    other = "截至2023年末，全国60岁及以上老年人口29697万人。\n"
    (inbox / "reports" / "registered.txt").write_text(other, encoding="utf-8")
    listed = [{"report_id": "r", "text_sha256": hashlib.sha256(other.encode()).hexdigest()}]
    texts = _report_texts(listed)
    assert list(texts.texts) == ["r"]
    ((name, reason),) = texts.refused.items()
    assert Path(name).name == "registered.txt" and "a second text of report r" in reason

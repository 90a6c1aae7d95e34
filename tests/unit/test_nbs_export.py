import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook

from ingest.nbs_export import load_nbs_labels, read_export_lines, read_nbs_export
from ingest.official_observations import load_reference_codes
from warehouse import paths

FIXTURES = Path(__file__).parent.parent / "fixtures" / "nbs"


@pytest.fixture(scope="module")
def codes():
    return load_reference_codes(paths.DBT_SEEDS_DIR, frozenset())


@pytest.fixture(scope="module")
def labels():
    return load_nbs_labels(paths.DBT_SEEDS_DIR)


def read(path: Path, codes, labels, name: str | None = None):
    return read_nbs_export(path.read_bytes(), path.suffix, codes, labels, name or str(path))


def values(export):
    frame = export.parsed.valid
    return {
        (r["indicator_code"], r["geo_code"], str(r["as_of"])): r["value"]
        for r in frame.iter_rows(named=True)
    }


def test_a_gbk_province_by_year_table_becomes_long_observations(codes, labels):
    path = FIXTURES / "province_population_gbk.csv"
    with pytest.raises(UnicodeDecodeError):
        path.read_text(encoding="utf-8")  # the fixture really is GBK
    export = read(path, codes, labels, "province.csv")
    assert export.parsed.quarantine.is_empty()
    got = values(export)
    assert len(got) == 11  # 4 regions x 3 years, one blank cell
    assert got[("pop_total", "110000", "2023-12-31")] == 20_000_000
    assert got[("pop_total", "150000", "2021-12-31")] == 24_200_000  # 内蒙古自治区
    assert ("pop_total", "120000", "2021-12-31") not in got  # blank stays a gap
    source = export.source.row(0, named=True)
    assert source["grade"] == "official"
    assert "年末常住人口(万人)" in source["title"]
    assert export.parsed.valid.get_column("source_id").unique().to_list() == [source["source_id"]]
    assert export.parsed.valid.get_column("vintage").unique().to_list() == ["database_export"]


def test_an_indicator_by_year_table_in_utf8_with_bom_parses_units_from_labels(codes, labels):
    export = read(FIXTURES / "national_utf8_bom.csv", codes, labels)
    got = values(export)
    assert got[("pop_total", "000000", "2023-12-31")] == 1_000_000_000
    assert got[("pop_urban", "000000", "2021-12-31")] == 580_000_000
    assert got[("old_age_dependency_ratio", "000000", "2022-12-31")] == 19.5
    assert len(got) == 8  # footnote lines are not data


def test_bad_cells_go_to_quarantine_with_line_and_column_and_good_cells_load(codes, labels):
    export = read(FIXTURES / "province_malformed_gb18030.csv", codes, labels, "bad.csv")
    rejected = [
        (line, field, value, reason.split(":")[0])
        for line, field, value, reason in export.parsed.quarantine.select(
            "line", "field", "value", "reason"
        ).rows()
    ]
    assert rejected == [
        (6, "地区", "火星", "unknown region name"),
        (7, "2023年", "一千三", "not a number"),
        (8, "2022年", "-", "not a number"),
    ]
    assert sorted(values(export)) == [
        ("pop_total", "110000", "2022-12-31"),
        ("pop_total", "110000", "2023-12-31"),
        ("pop_total", "120000", "2022-12-31"),
        ("pop_total", "130000", "2023-12-31"),
    ]


def test_an_unknown_indicator_label_names_the_seed_to_extend(tmp_path, codes, labels):
    path = tmp_path / "unknown.csv"
    path.write_text("数据库：年度数据\n指标,2023年\n出生率(‰),6.39\n", encoding="utf-8")
    export = read(path, codes, labels)
    reason = export.parsed.quarantine.row(0, named=True)["reason"]
    assert "nbs_indicator_labels.csv" in reason
    assert export.parsed.valid.is_empty()


def test_a_file_that_is_not_an_export_is_quarantined_whole(tmp_path, codes, labels):
    path = tmp_path / "notes.csv"
    path.write_text("just,some,text\n", encoding="utf-8")
    export = read(path, codes, labels, "notes.csv")
    assert export.parsed.valid.is_empty()
    assert export.source.is_empty()
    rejected = export.parsed.quarantine.row(0, named=True)
    assert (rejected["source_file"], rejected["line"]) == ("notes.csv", 1)
    assert "header" in rejected["reason"]


def test_xlsx_exports_read_like_csv(tmp_path, codes, labels):
    workbook = Workbook()
    sheet = workbook.active
    for row in [
        ["数据库：分省年度数据"],
        ["指标：年末常住人口(万人)"],
        ["地区", "2023年", "2022年"],
        ["北京市", 2000, 1990],
        ["数据来源：测试"],
    ]:
        sheet.append(row)
    path = tmp_path / "export.xlsx"
    workbook.save(path)
    assert read_export_lines(path.read_bytes(), ".xlsx", "export.xlsx")[2] == (
        3,
        ["地区", "2023年", "2022年"],
    )
    got = values(read(path, codes, labels))
    assert got == {
        ("pop_total", "110000", "2023-12-31"): 20_000_000,
        ("pop_total", "110000", "2022-12-31"): 19_900_000,
    }


def test_the_source_id_follows_the_file_content(tmp_path, codes, labels):
    copy = tmp_path / "renamed.csv"
    shutil.copy(FIXTURES / "province_population_gbk.csv", copy)
    original = read(FIXTURES / "province_population_gbk.csv", codes, labels)
    renamed = read(copy, codes, labels)
    assert original.source["source_id"].item() == renamed.source["source_id"].item()

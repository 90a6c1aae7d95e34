import datetime as dt

import polars as pl
import pytest

from ingest.claim_register import (
    CLAIM_COLUMNS,
    CLAIM_SCHEMA,
    REPORT_COLUMNS,
    read_claims,
    read_reports,
    reconcile,
)
from ingest.report_structure import paragraphs

# A short text written for the tests, laid out like a report extracted from PDF.
TEXT = """总 报 告
截至2024年底，全国注册志愿者超过2亿名。
一 发展成就
（一）主要进展
1. 服务持续拓展
截至2024年6月，全国建成社区养老服务设施36万个，较2023年增长5%。
^① 参见某研究报告，2023年第5期，第12页，共30页。
2. 队伍不断壮大
社区工作者达400多万名，其中持证社工120万名。
"""


def test_locators_follow_the_headings():
    located = [(p.section, p.index, p.kind) for p in paragraphs(TEXT)]
    assert located == [
        ("front", 1, "body"),
        ("front", 2, "body"),
        ("一", 0, "heading"),
        ("一(一)", 0, "heading"),
        ("一(一)1", 0, "heading"),
        ("一(一)1", 1, "body"),
        ("一(一)1", 0, "footnote"),
        ("一(一)2", 0, "heading"),
        ("一(一)2", 1, "body"),
    ]


def claims(*rows: tuple) -> pl.DataFrame:
    base = dict.fromkeys(CLAIM_SCHEMA)
    records = []
    for n, (section, paragraph, surface, value) in enumerate(rows, 1):
        claim = {
            "report_id": "t",
            "claim_id": f"t-{n:03d}",
            "section": section,
            "paragraph": paragraph,
            "surface": surface,
            "value": value,
        }
        records.append(base | claim)
    return pl.DataFrame(records, schema=CLAIM_SCHEMA)


def test_every_entry_is_found_at_its_locator_and_every_quantity_accounted_for():
    register = claims(
        ("front", 2, "超过2亿名", 2e8),
        ("一(一)1", 1, "36万个", 360_000),
        ("一(一)1", 1, "5%", 5),
        ("一(一)2", 1, "400多万名", 4_000_000),
    )
    exclusions = [
        {
            "section": "一(一)2",
            "paragraph": "1",
            "surface": "120万名",
            "reason": "a part of the figure before",
        }
    ]
    result = reconcile("t", TEXT, register, exclusions)
    assert result.entries_not_found().is_empty()
    statuses = dict(result.quantities.select("text", "status").iter_rows())
    assert statuses == {
        "超过2亿名": "registered",
        "36万个": "registered",
        "5%": "registered",
        "30页": "excluded",  # in a footnote
        "400多万名": "registered",
        "120万名": "excluded",
    }
    assert result.accounted_share == 1.0


def test_a_wrong_value_or_locator_is_reported_and_coverage_drops():
    register = claims(("一(一)1", 1, "36万个", 36_000), ("一(一)1", 2, "5%", 5))
    result = reconcile("t", TEXT, register, [])
    assert dict(result.register_check.select("claim_id", "status").iter_rows()) == {
        "t-001": "value_mismatch",
        "t-002": "not_found",
    }
    unaccounted = result.quantities.filter(pl.col("status") == "unaccounted")
    assert set(unaccounted.get_column("text")) == {"超过2亿名", "5%", "400多万名", "120万名"}
    assert result.accounted_share == pytest.approx(2 / 6)


def test_register_rows_break_their_contract_into_quarantine(tmp_path):
    header = ",".join(CLAIM_COLUMNS)
    good = (
        "t-001,front,2,超过2亿名,200000000,名,count,200000000,,超过,level,,"
        "registered_volunteers,national,000000,全国,2024-12-31,,,stated,,registered volunteers,"
    )
    no_group = (
        "t-002,一(一)1,1,36万个,360000,个,count,,,,parts_of_total,,,national,000000,全国,"
        ",,,none,,facilities,"
    )
    bad_interval = (
        "t-003,一(一)1,1,5%,5,%,percent,6,,,change_pct,,,national,000000,全国,,,,none,2023,growth,"
    )
    unknown = (
        "t-004,一(一)2,1,400多万名,4000000,名,count,,,,level,,no_such_indicator,national,"
        ",,,,,present,,workers,"
    )
    present_with_date = (
        "t-005,front,2,2亿名,200000000,名,count,,,,level,,registered_volunteers,national,"
        "000000,全国,2024-12-31,,,present,,registered volunteers,"
    )
    stated_without_date = (
        "t-006,front,2,2亿名,200000000,名,count,,,,level,,registered_volunteers,national,"
        "000000,全国,,,,stated,,registered volunteers,"
    )
    path = tmp_path / "t_claims.csv"
    rows = [header, good, no_group, bad_interval, unknown, present_with_date, stated_without_date]
    path.write_text("\n".join(rows) + "\n", "utf-8")
    parsed = read_claims(path, "t", frozenset({"registered_volunteers"}), "t_claims.csv")
    assert parsed.valid.get_column("claim_id").to_list() == ["t-001"]
    assert parsed.quarantine.select("line", "field").rows() == [
        (3, "group_id"),
        (4, "lower"),
        (5, "indicator_code"),
        (6, "date_basis"),
        (7, "date_basis"),
    ]


def test_reports_need_a_publication_date_and_a_valid_data_date(tmp_path):
    header = ",".join(REPORT_COLUMNS)
    rows = [
        "r1,A title,An author,A press,2025-03,2024-12-31,,",
        "r2,A title,An author,A press,March 2025,,,",
        "r3,A title,An author,A press,2025,2024-13-01,,",
        "r1,A title,An author,A press,2025,,,",
    ]
    path = tmp_path / "reports.csv"
    path.write_text("\n".join([header, *rows]) + "\n", "utf-8")
    parsed = read_reports(path, "reports.csv")
    assert parsed.valid.select("report_id", "date_published").rows() == [("r1", "2025-03")]
    assert parsed.valid.get_column("data_as_of").to_list() == [dt.date(2024, 12, 31)]
    assert parsed.quarantine.select("line", "field").rows() == [
        (3, "date_published"),
        (4, "data_as_of"),
        (5, "report_id"),
    ]

"""The XLSX writer: typed cells, text never a formula, and the same bytes for the same sheets."""

import datetime as dt
import itertools
import time
from decimal import Decimal

import duckdb
import pytest
from openpyxl import load_workbook

from warehouse import exports, workbook
from warehouse.table_docs import Doc
from warehouse.workbook import MAX_ROWS, Sheet, write_workbook


def sheets() -> list[Sheet]:
    return [
        Sheet(
            "aging_timeseries",
            ["year", "pop_60_plus", "share", "as_of", "label", "note"],
            (
                row
                for row in [
                    (2023, 296_970_000, 21.1, dt.date(2023, 12, 31), "全国", "=1+1"),
                    (2024, None, float("nan"), dt.date(2024, 12, 31), "六十岁及以上人口", None),
                ]
            ),
        ),
        Sheet("dictionary", ["column", "title_zh"], [("year", "年份"), ("share", "占比")]),
    ]


def test_the_same_sheets_give_the_same_bytes(tmp_path):
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert write_workbook(first, sheets()) == 4
    write_workbook(second, sheets())
    assert first.read_bytes() == second.read_bytes()


def test_writes_a_second_apart_give_the_same_bytes(tmp_path):
    # openpyxl stamps the current time (whole seconds) in docProps/core.xml and every zip entry.
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_workbook(first, sheets())
    time.sleep(1.1)
    write_workbook(second, sheets())
    assert first.read_bytes() == second.read_bytes()


def test_cells_keep_their_types_and_text_is_never_a_formula(tmp_path):
    target = tmp_path / "out.xlsx"
    write_workbook(target, sheets())
    book = load_workbook(target)
    assert book.sheetnames == ["aging_timeseries", "dictionary"]
    sheet = book["aging_timeseries"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("year", "pop_60_plus", "share", "as_of", "label", "note")
    assert rows[1] == (2023, 296_970_000, 21.1, dt.datetime(2023, 12, 31), "全国", "=1+1")
    assert sheet["F2"].data_type == "s"
    assert sheet["D2"].is_date and sheet["D2"].number_format == "yyyy-mm-dd"
    assert rows[2] == (2024, None, None, dt.datetime(2024, 12, 31), "六十岁及以上人口", None)
    # Chinese text takes two columns a character: the column is wide enough for it.
    assert sheet.column_dimensions["E"].width >= 2 * len("六十岁及以上人口")


def test_other_values_are_written_as_numbers_or_text(tmp_path):
    target = tmp_path / "out.xlsx"
    aware = dt.datetime(2024, 1, 2, 3, 4, tzinfo=dt.UTC)
    rows = [(Decimal("1.50"), Decimal("NaN"), float("inf"), aware, [1, 2], "#N/A")]
    write_workbook(target, [Sheet("result", list("abcdef"), rows)])
    values = next(load_workbook(target)["result"].iter_rows(min_row=2, values_only=True))
    assert values == (1.5, None, None, "2024-01-02T03:04:00+00:00", "[1, 2]", "#N/A")


@pytest.mark.parametrize(
    "names, expected",
    [
        (["a" * 32], "1 to 31 characters"),
        (["a/b"], "1 to 31 characters"),
        (["result", "Result"], "used twice"),
    ],
)
def test_bad_sheet_names_are_refused(tmp_path, names, expected):
    with pytest.raises(ValueError, match=expected):
        write_workbook(tmp_path / "out.xlsx", [Sheet(name, ["x"], []) for name in names])
    assert not (tmp_path / "out.xlsx").exists()


def test_a_list_over_excels_row_limit_is_refused_before_writing(tmp_path):
    target = tmp_path / "out.xlsx"
    with pytest.raises(ValueError, match="sheet 'big' has more than 1,048,575 rows"):
        write_workbook(target, [Sheet("ok", ["x"], [(1,)]), Sheet("big", ["x"], [(1,)] * MAX_ROWS)])
    assert list(tmp_path.iterdir()) == []


def test_a_stream_over_excels_row_limit_raises_and_leaves_the_file_as_it_was(tmp_path, monkeypatch):
    # Excel's limit lowered to 4 rows below the header: the same check, not a million rows.
    monkeypatch.setattr(workbook, "MAX_ROWS", 5)
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"the previous workbook")
    write_workbook(tmp_path / "fits.xlsx", [Sheet("big", [], itertools.repeat((), 4))])
    (tmp_path / "fits.xlsx").unlink()
    rows = itertools.repeat((), 5)  # one row more than fits below the header
    with pytest.raises(ValueError, match="sheet 'big' has more than 4 rows"):
        write_workbook(target, [Sheet("big", [], rows)])
    assert target.read_bytes() == b"the previous workbook"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_a_mart_over_the_workbook_limit_has_no_sheet_and_the_dictionary_says_where_it_is(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(exports, "WORKBOOK_MAX_ROWS", 3)
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute("create table marts.small as select range as n from range(3)")
    con.execute("create table marts.large as select range as n from range(4)")
    datasets = [
        exports.Dataset(name, [("n", "BIGINT")], rows, Doc(None, None, None), {})
        for name, rows in (("large", 4), ("small", 3))
    ]
    target = exports.write_workbook_release(con, tmp_path, datasets, {})
    book = load_workbook(target)
    assert book.sheetnames == ["dictionary", "small"]
    dictionary = list(book["dictionary"].iter_rows(values_only=True))
    large = next(row for row in dictionary if row[0] == "large" and row[1] is None)
    assert "no sheet" in large[6] and "data/large.csv" in large[6] and large[8] is None

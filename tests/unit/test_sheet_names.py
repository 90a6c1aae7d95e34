"""Every mart gets a sheet of the release workbook, whatever its name."""

from warehouse.exports import DICTIONARY_SHEET, Dataset, _sheet_names
from warehouse.table_docs import Doc


def dataset(name: str) -> Dataset:
    return Dataset(name, [("a", "INTEGER")], 1, Doc(None, None, None), {})


def test_long_taken_and_reserved_names_become_distinct_excel_sheet_names():
    long = "a_mart_whose_name_is_much_longer_than_excel_allows"
    names = _sheet_names(
        [dataset("aging_timeseries"), dataset(DICTIONARY_SHEET), dataset(long), dataset(long + "2")]
    )
    assert names["aging_timeseries"] == "aging_timeseries"
    sheets = list(names.values())
    assert all(len(sheet) <= 31 for sheet in sheets)
    assert len({sheet.lower() for sheet in [*sheets, DICTIONARY_SHEET]}) == len(sheets) + 1

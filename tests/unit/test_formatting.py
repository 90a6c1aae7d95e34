import datetime as dt
import json

from warehouse.formatting import render
from warehouse.query import QueryResult

RESULT = QueryResult(
    columns=["year", "geo", "share", "as_of"],
    rows=[(2023, "全国", 21.1, dt.date(2023, 12, 31)), (2024, "北京", None, None)],
)


def test_table_aligns_chinese_text_by_display_width():
    lines = render(RESULT, "table").splitlines()
    assert lines[0].startswith("year | geo  | share")
    assert lines[2].startswith("2023 | 全国 |  21.1")
    assert lines[3].startswith("2024 | 北京 |      ")
    assert lines[-1] == "(2 rows)"


def test_csv_leaves_missing_values_blank():
    assert render(RESULT, "csv").splitlines() == [
        "year,geo,share,as_of",
        "2023,全国,21.1,2023-12-31",
        "2024,北京,,",
    ]


def test_json_is_a_list_of_records_with_iso_dates():
    records = json.loads(render(RESULT, "json"))
    assert records[0] == {"year": 2023, "geo": "全国", "share": 21.1, "as_of": "2023-12-31"}
    assert records[1]["share"] is None

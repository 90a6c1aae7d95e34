"""Time expressions resolved against a report's reference date."""

import datetime as dt

import pytest

from ingest.time_expressions import datings, implied_by_baseline

READ_AT = dt.date(2025, 3, 5)
D = dt.date


@pytest.mark.parametrize(
    ("text", "as_of", "start", "end"),
    [
        ("截至2024年10月，全国共有", D(2024, 10, 31), None, None),
        ("截至2024年11月20日，", D(2024, 11, 20), None, None),
        ("2023年末全国", D(2023, 12, 31), None, None),
        ("2024 年底，", D(2024, 12, 31), None, None),
        ("2024年11月底，", D(2024, 11, 30), None, None),
        ("2024年全年", None, D(2024, 1, 1), D(2024, 12, 31)),
        ("2024年上半年", None, D(2024, 1, 1), D(2024, 6, 30)),
        ("2024年第三季度", None, D(2024, 7, 1), D(2024, 9, 30)),
        ("2024年1-9月", None, D(2024, 1, 1), D(2024, 9, 30)),
        ("2021-2024年", None, D(2021, 1, 1), D(2024, 12, 31)),
        ("去年", None, D(2024, 1, 1), D(2024, 12, 31)),
        ("去年底", D(2024, 12, 31), None, None),
        ("今年上半年", None, D(2025, 1, 1), D(2025, 6, 30)),
        ("近五年", None, D(2020, 1, 1), D(2024, 12, 31)),
        ("近3年", None, D(2022, 1, 1), D(2024, 12, 31)),
        ("“十四五”以来", None, D(2021, 1, 1), D(2024, 12, 31)),
        ("“十四五”期间", None, D(2021, 1, 1), D(2025, 12, 31)),
        ("十三五时期", None, D(2016, 1, 1), D(2020, 12, 31)),
    ],
)
def test_each_form_resolves_to_its_date(text, as_of, start, end):
    (found,) = datings(text, READ_AT)
    assert (found.as_of, found.period_start, found.period_end) == (as_of, start, end)
    assert found.basis == "stated"


@pytest.mark.parametrize("text", ["目前", "当前全国", "现有", "已达"])
def test_present_tense_words_date_at_the_reference(text):
    assert [d.basis for d in datings(text, READ_AT)] == ["present"]


@pytest.mark.parametrize(
    "text", ["较2022年增长", "比上年增加", "与2020年相比", "从2020年的68%提高到"]
)
def test_the_base_of_a_comparison_is_not_the_figures_date(text):
    assert [d for d in datings(text, READ_AT) if d.basis == "stated"] == []


def test_relative_words_need_a_reference_date():
    assert datings("去年全国", None) == []
    assert [d.basis for d in datings("2023年末", None)] == ["stated"]


def test_a_target_year_is_marked_as_one_while_it_lies_ahead():
    (found,) = datings("到2027年，力争", READ_AT)
    assert found.target and found.period_end == D(2027, 12, 31)
    (past,) = datings("到2024年底，全国共有", READ_AT)
    assert not past.target and past.as_of == D(2024, 12, 31)
    (present,) = datings("至今，全国共有", READ_AT)
    assert (present.basis, present.target) == ("present", False)


def test_the_year_after_a_comparisons_base():
    implied = implied_by_baseline("全国60岁及以上人口比重较2022年提高1.3个百分点", READ_AT)
    assert (implied.period_start, implied.period_end) == (D(2023, 1, 1), D(2023, 12, 31))
    implied = implied_by_baseline("比上年末增加", READ_AT)
    assert implied.as_of == D(2024, 12, 31)
    assert implied_by_baseline("全国共有", READ_AT) is None

"""As-of date, period, baseline and subject read from a figure's sentence."""

import pytest

from ingest.quantity_extraction import extract_quantities


def context(text: str, surface: str) -> tuple:
    (quantity,) = [q for q in extract_quantities(text) if q.text == surface]
    return quantity.as_of, quantity.period, quantity.baseline, quantity.subject


@pytest.mark.parametrize(
    ("text", "surface", "expected"),
    [
        (
            "截至2024年10月，全国注册志愿者超过2.37亿名。",
            "超过2.37亿名",
            ("2024-10-31", None, None, "注册志愿者"),
        ),
        ("截至2023年末，全国养老床位823万张。", "823万张", ("2023-12-31", None, None, "养老床位")),
        (
            "截至2024年6月底，建成社区食堂3.6万个。",
            "3.6万个",
            ("2024-06-30", None, None, "社区食堂"),
        ),
        ("截至2024年10月15日，累计服务1.2万人次。", "1.2万人次", ("2024-10-15", None, None, None)),
        (
            "2023年上半年，全市受理诉求1120余万件。",
            "1120余万件",
            (None, "2023-H1", None, "受理诉求"),
        ),
        ("2024年1—10月，新开工改造5.3万个。", "5.3万个", (None, "2024-01/2024-10", None, None)),
        ("2019—2023年累计改造22万个小区。", "22万个", (None, "2019/2023", None, None)),
        (
            "2023年，60岁及以上人口占比较2022年提高1.3个百分点。",
            "1.3个百分点",
            (None, "2023", "2022", None),
        ),
        ("全年养老床位比上年末增长5.9%。", "5.9%", (None, None, "上年末", None)),
        ("收缴率从2020年的68%提升至94%，纠纷同比下降76%。", "94%", (None, None, None, None)),
    ],
)
def test_context_of_a_figure(text, surface, expected):
    got = context(text, surface)
    assert got[:3] == expected[:3]
    if expected[3] is not None:
        assert got[3] == expected[3]

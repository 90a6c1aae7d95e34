"""Place words: the nation, provinces and cities of the seed, and local places."""

import pytest

from ingest.place_words import Gazetteer, home_place, places_in
from warehouse import paths

GAZETTEER = Gazetteer.from_seed(paths.DBT_SEEDS_DIR)


def _places(text, home=None):
    return [(p.name, p.geo_code, p.level) for p in places_in(text, GAZETTEER, home)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("全国共有", [("全国", "000000", "nation")]),
        ("我国老年人口", [("全国", "000000", "nation")]),
        ("广东省常住人口", [("广东省", "440000", "province")]),
        ("广西壮族自治区", [("广西壮族自治区", "450000", "province")]),
        ("北京市12345热线", [("北京市", "110000", "province")]),
        ("深圳市养老驿站", [("深圳市", "440300", "prefecture")]),
        ("北京市朝阳区打造", [("北京市朝阳区", None, "local")]),
        ("武汉市百步亭社区率先", [("武汉市百步亭社区", None, "local")]),
        ("，陆家嘴街道建成", [("陆家嘴街道", None, "local")]),
    ],
)
def test_places_and_their_level(text, expected):
    assert _places(text) == expected


@pytest.mark.parametrize(
    "text",
    ["推进城乡社区治理", "辐射683个城市", "全国31个省区市", "老旧小区改造", "持续推进居家社区养老"],
)
def test_words_that_end_like_a_place_name_none(text):
    assert [p for p in _places(text) if p[2] == "local"] == []


def test_own_place_words_take_the_place_named_before():
    places = _places("北京市去年新增养老床位。全市共有")
    assert places[-1] == ("北京市", "110000", "province")
    places = _places("杭州市拱墅区运河街道。该街道现有")
    assert places[-1][2] == "local"


def test_the_reports_own_province_from_its_title():
    home = home_place("浙江省2025年政府工作报告", GAZETTEER)
    assert (home.name, home.geo_code) == ("浙江省", "330000")
    assert _places("全省城镇化率", home) == [("浙江省", "330000", "province")]

"""Places named in a report: the nation, provinces and prefecture-level cities of the
`geographies` seed, and local places (a district, county, street, township, village or community)
that official statistics do not publish figures for.

A local place is recognised by its form: a city, district or county name followed by what it
names (北京市朝阳区, 百步亭社区 after 武汉市, 陆家嘴街道), or a city that is not in the seed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

# 内地 is how Hong Kong and Macao texts name the mainland.
NATIONAL_WORDS = ("全国", "我国", "中国", "全国范围", "国家层面", "内地")
# Province-level names carry one of these endings in full (广西壮族自治区, 北京市, 河北省).
_PROVINCE_ENDINGS = ("壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "特别行政区", "省", "市")
_MUNICIPALITIES = frozenset(["北京", "天津", "上海", "重庆"])
# Words ending like a place name that are not one.
_GENERIC = frozenset(
    (  # noqa: SIM905 (a word list is easier to read as text)
        "城市 都市 超市 上市 门市 夜市 股市 楼市 集市 街市 菜市 城区 社区 小区 "
        "地区 园区 辖区 片区 街区 景区 市区 郊区 山区 牧区 灾区 老区 新区 城乡 "
        "示范区 试验区 先行区 开发区 经济区 功能区 核心区 自贸区 实验区 保护区 "
        "全区 本区 我区 各区 该区 全县 本县 我县 各县 该县 全市 本市 我市 各市 "
        "该市 全镇 各镇 乡镇 城镇 村镇 各村 全村 本村 农村 乡村 山村 各社区 "
        "全社区 本社区 该社区 街道办"
    ).split()
)
_LOCAL_TAIL = r"(?:新区|区|县|旗|街道|镇|乡|社区|村)"
_NAME = r"[\u4e00-\u9fff]"
_LOCAL_AFTER_CITY = re.compile(rf"(?P<name>{_NAME}{{1,6}}?{_LOCAL_TAIL})")
_CITY = re.compile(rf"(?P<name>{_NAME}{{2,4}}?)市(?![场民政级辖内外区委场值长])")
# A street standing alone (陆家嘴街道); a community only after its city or district, since
# 社区 ends too many common words (推进居家社区, 城乡社区).
_NAMED_LOCAL = re.compile(rf"(?<=[，,。；;：:、“”（(\s在于对])(?P<name>{_NAME}{{2,4}}街道)")
_NOT_IN_NAME = re.compile(r"[城都超上门个省区县的和与及在等各全本我该了是为有年月日计今去将至到]")
_OWN_PLACE = re.compile(
    r"(?P<word>全市|本市|我市|全区|本区|我区|全县|本县|我县|全省|本省|我省|该社区|该街道|该区|该县|该市"
    r"|(?<=[。！？\n])社区(?=现有|共有|有|目前|常住|居民|内))"
)


@dataclass(frozen=True)
class Place:
    """A place mention: its name as written, the seed's code (None for a local place) and level:
    nation, province, prefecture, outside_mainland (Hong Kong, Macao, Taiwan), or local."""

    name: str
    geo_code: str | None
    level: str
    start: int
    end: int


@dataclass(frozen=True)
class Gazetteer:
    """Names of the seed's places, longest first, with their code and level."""

    names: tuple[tuple[str, str, str], ...]  # (name as written, geo_code, level)

    @classmethod
    def from_seed(cls, seeds_dir: Path) -> Gazetteer:
        rows = pl.read_csv(seeds_dir / "geographies.csv", infer_schema_length=0).to_dicts()
        names: dict[str, tuple[str, str]] = {}
        for row in rows:
            base, code, level = row["name_zh"], row["geo_code"], row["level"]
            if level == "nation":
                continue
            forms = [base]
            if level == "province":
                forms += [base + ending for ending in _PROVINCE_ENDINGS]
            elif level == "prefecture":
                forms.append(base + "市")
            elif level == "outside_mainland":
                forms += [base + "特别行政区", base + "特区", base + "地区", base + "省"]
            for form in forms:
                names.setdefault(form, (code, level))
        ordered = sorted(names.items(), key=lambda item: -len(item[0]))
        return cls(tuple((name, code, level) for name, (code, level) in ordered))

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(code for _, code, _ in self.names) | {"000000"}

    def name_of(self, code: str) -> str:
        """The shortest name of a code (北京 for 110000), 全国 for the nation."""
        names = [name for name, known, _ in self.names if known == code]
        return min(names, key=len) if names else "全国"


class _Taken:
    """Character positions already named by a place, so a shorter name inside is not counted."""

    def __init__(self) -> None:
        self.positions: set[int] = set()

    def overlaps(self, start: int, end: int) -> bool:
        return any(i in self.positions for i in range(start, end))

    def append(self, span: tuple[int, int]) -> None:
        self.positions.update(range(*span))


def places_in(text: str, gazetteer: Gazetteer, home: Place | None = None) -> list[Place]:
    """Every place mention in `text`, in order. A district or community right after a city or
    province becomes one local place with it (北京市朝阳区). `home` is the report's own place,
    for 全市/我省."""
    found: list[Place] = []
    spans = _Taken()
    for word in NATIONAL_WORDS:
        for match in re.finditer(word, text):
            if not spans.overlaps(*match.span()):
                found.append(Place("全国", "000000", "nation", *match.span()))
                spans.append(match.span())
    for name, code, level in gazetteer.names:
        for match in re.finditer(re.escape(name), text):
            if spans.overlaps(*match.span()):
                continue
            end = match.end()
            # 北京市朝阳区, 武汉市百步亭社区: the place is the smaller one inside.
            tail = _LOCAL_AFTER_CITY.match(text, end)
            if tail and tail["name"] not in _GENERIC and not _is_generic_tail(tail["name"]):
                found.append(
                    Place(
                        text[match.start() : tail.end()], None, "local", match.start(), tail.end()
                    )
                )
                spans.append((match.start(), tail.end()))
                continue
            found.append(Place(name, code, level, match.start(), end))
            spans.append(match.span())
    for match in _OWN_PLACE.finditer(text):
        if not spans.overlaps(*match.span()):
            found.append(Place(match["word"], None, "own", *match.span()))
            spans.append(match.span())
    for match in _CITY.finditer(text):
        name = match["name"]
        if spans.overlaps(*match.span()) or name + "市" in _GENERIC or _NOT_IN_NAME.search(name):
            continue
        found.append(Place(name + "市", None, "local", *match.span()))
        spans.append(match.span())
    for match in _NAMED_LOCAL.finditer(text):
        if spans.overlaps(*match.span()) or _is_generic_tail(match["name"]):
            continue
        found.append(Place(match["name"], None, "local", *match.span()))
        spans.append(match.span())
    ordered = sorted(found, key=lambda place: place.start)
    return [
        _own_place(place, ordered[:i], home) if place.level == "own" else place
        for i, place in enumerate(ordered)
    ]


def _is_generic_tail(name: str) -> bool:
    """社区 alone, 城乡社区, 老旧小区, 各街道: a word ending like a place that names none."""
    return any(name.endswith(word) and len(name) - len(word) < 2 for word in _GENERIC) or bool(
        re.search(r"(各|全|本|该|每|个|等|和|与|及|的|在|到|了|城乡|基层|农村|城市)", name)
    )


def _is_city(place: Place) -> bool:
    if place.level == "province":
        return place.name[:2] in _MUNICIPALITIES
    return place.level == "prefecture" or (place.level == "local" and place.name.endswith("市"))


def _own_place(word: Place, before: list[Place], home: Place | None) -> Place:
    """全市, 我省, 本区: the last place of that kind named before, else the report's own."""
    if word.name.endswith("省"):
        fits = [p for p in before if p.level == "province" and p.name[:2] not in _MUNICIPALITIES]
    elif word.name.endswith("市"):
        fits = [p for p in before if _is_city(p)]
    elif word.name.endswith("社区"):
        fits = [p for p in before if p.level == "local"]
    else:
        fits = [p for p in before if p.level == "local" and p.name.endswith(word.name[-1])]
    if not fits and home is not None:
        fits = [home]
    if fits:
        return replace(fits[-1], start=word.start, end=word.end)
    level = "province_unknown" if word.name.endswith("省") else "local"
    return replace(word, level=level)


def home_place(title: str, gazetteer: Gazetteer) -> Place | None:
    """The place a report speaks for, from its title or first line (浙江省政府工作报告)."""
    places = [p for p in places_in(title, gazetteer) if p.level != "nation"]
    return places[0] if places else None

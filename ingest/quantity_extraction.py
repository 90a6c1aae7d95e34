"""Find every quantity in Chinese policy text: value, unit, kind, interval and context.

A rule-based grammar, deterministic and explainable. It reads Arabic figures (full-width digits,
thousands separators written as commas or spaces, 万/亿/千/百, compound magnitudes such as
12亿4581万, 余/多, qualifiers, ranges, signs), Chinese numerals (一千三百四十人, 七十二万八千一百人,
百分之九十七点五, 三分之一, 千分之六点二), tenths (四成, 三成五), multiples (1.5倍, 两倍) and
per-mille rates (6.2‰). It leaves out numbers that are not quantities: years and dates, days of
the month, decades, names with digits (12345热线, 5G), list numbering, footnote markers, codes and
page ranges, age bands and thresholds that define a group (0-14岁, 60岁及以上), time windows
(近3年), index bases (以女性为100) and the denominator of a rate (每千人, 每4人).

Text copied from PDF is read through a compact view: white space between the parts of a figure
(3 218万人, 427 913 人, a line break before the unit) is dropped, and offsets still index the input.

Intervals follow `ingest.written_quantity.figure_interval`, the one implementation of the rules.
"""

from __future__ import annotations

import bisect
import calendar
import re
from dataclasses import asdict, dataclass
from decimal import Decimal

from ingest.chinese_numerals import chinese_digits
from ingest.script_forms import to_simplified
from ingest.written_quantity import (
    APPROX_AFTER,
    APPROX_BEFORE_WORDS,
    CHANGE_VERBS,
    DEFAULT_APPROX_BAND,
    LOWER_BOUND_AFTER,
    LOWER_BOUND_WORDS,
    UPPER_BOUND_AFTER,
    UPPER_BOUND_WORDS,
    figure_interval,
    magnitude,
    qualified_interval,
)

# One character for one character, so that offsets in the normalised text are offsets in the
# input: full-width forms to ASCII, odd spaces to a space, 圓 (the currency, as Hong Kong and
# Taiwan write it) to 元; traditional characters go to simplified by `to_simplified` after it.
_ONE_TO_ONE = {chr(0xFF10 + i): str(i) for i in range(10)} | {
    "．": ".",
    "％": "%",
    "﹪": "%",
    "＋": "+",
    "－": "-",
    "−": "-",
    "～": "~",
    "〜": "~",
    "＞": ">",
    "＜": "<",
    "（": "(",
    "）": ")",
    "［": "[",
    "］": "]",
    "：": ":",
    "＝": "=",
    "\u3000": " ",
    "\u00a0": " ",
    "\u2007": " ",
    "\u2009": " ",
    "\u200a": " ",
    "\u202f": " ",
    "○": "〇",
    "圓": "元",
}
_TRANSLATION = str.maketrans(_ONE_TO_ONE)
_FULL_WIDTH_GROUP = re.compile("(?<=[０-９])，(?=[０-９])")

# Longest first: 个百分点 before 个, 分钟 before 分, 人次 before 人.
_UNITS = [
    *("个百分点", "百分点", "个千分点", "千分点", "%", "‰", "倍", "分钟", "小时", "个月", "周岁"),
    *("岁", "平方公里", "平方米", "公里", "千米", "人次", "户次", "元", "年", "天", "日"),
    *("周", "月", "人", "名", "个", "家", "所", "户", "张", "项", "次", "件", "支", "处"),
    *("座", "套", "间", "栋"),
    *("辆", "台", "条", "批", "场", "期", "篇", "部门", "部", "本", "册", "份", "米", "吨", "亩"),
    *("位", "只", "块", "类", "页", "种", "组", "队", "团", "站", "分", "床", "门", "笔", "级"),
    *("秒", "起", "例", "宗"),
]
# 成 is a tenth (八成, 超8成) unless it starts a word (成为, 成员, 成年).
_TENTH = r"成(?!员|为|立|功|本|果|就|长|熟|年|绩|交|效|都|品|型|分|败|像|形|色|批|套|群|语|新|不变)"
_UNIT_PATTERN = "|".join(map(re.escape, _UNITS)) + "|" + _TENTH
TIME_UNITS = frozenset(["秒", "分钟", "小时", "个月", "年", "天", "日", "周", "月"])
_UNIT_KIND = {
    "个百分点": "percentage_point",
    "百分点": "percentage_point",
    "%": "percent",
    "成": "percent",
    "‰": "ratio",
    "个千分点": "ratio",
    "千分点": "ratio",
    "倍": "ratio",
    "分": "score",
    "元": "amount",
    **dict.fromkeys([*TIME_UNITS, "周岁", "岁"], "duration"),
}
# The base of a ratio: 6.2‰ is 6.2 per 1,000; 1.5倍 is 1.5 times the base figure.
_UNIT_BASE = {
    "‰": Decimal(1000),
    "个千分点": Decimal(1000),
    "千分点": Decimal(1000),
    "倍": Decimal(1),
}
_UNIT_SCALE = {"成": Decimal(10)}  # 八成 is 80 percent

_BEFORE = sorted(LOWER_BOUND_WORDS + UPPER_BOUND_WORDS + APPROX_BEFORE_WORDS, key=len, reverse=True)
# 内 bounds only a duration (1小时内); after a count (3个社区内) it means "inside".
_AFTER = sorted(
    (w for w in LOWER_BOUND_AFTER + UPPER_BOUND_AFTER + APPROX_AFTER if w != "内"),
    key=len,
    reverse=True,
)
_DECREASE = re.compile(r"(下降|减少|降低|回落|缩短|缩减|缩小|下滑|下跌|压缩)了?$")
_CHANGE = re.compile(rf"({CHANGE_VERBS})了?$")
_WINDOW = re.compile(r"(近|过去|最近|未来|今后|此后|前|后)$")

_HEAD = re.compile(
    r"(?<![0-9A-Za-z.,^\[=])(?P<sign>[+-])?"
    r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<s1>余|多)?"
    r"(?P<mult>万亿|千亿|百亿|千万|百万|亿|万|千(?![米克瓦分])|百(?!分))?"
)
# 12亿4581万, 9万8,785人, 3万5千: a lower order after 亿 or 万.
_AFTER_YI = re.compile(r"(?P<rest>\d{1,4})(?P<rest_mult>千万|百万|万)(?![\d.])")
_AFTER_WAN = re.compile(r"(?P<rest>\d,\d{3}|\d{1,4})(?P<rest_mult>千|百)?(?![\d.,])")
_TAIL = re.compile(r"(?P<s2>余|多)?(?P<unit>" + _UNIT_PATTERN + r")?(?P<s3>余|多)?")
_AFTER_WORD = re.compile(r"(?P<after>及以上|及以下|还多|" + "|".join(_AFTER) + ")")
_WITHIN = re.compile(r"(?P<after>内)")  # 1小时内, 30日内: within, an upper bound
_RANGE_JOIN = re.compile(r"(?P<join>至|到|~|-|—|–)")
_LIST_JOIN = re.compile(r"以及|[、及和与或]")
_BEFORE_WORD = re.compile(r"(?P<before>" + "|".join(map(re.escape, _BEFORE)) + r")$")
# 是2019年的四倍, 接近全国平均水平的1.5倍: a qualifier before the base of a multiple.
_DISTANT_BEFORE = re.compile(
    r"(?P<before>超过|接近|将近|不足|不到|大约|约|近(?![年期来日]))[^，,。；;]{1,16}的$"
)

_CN = "零〇一二两三四五六七八九十百千万亿廿卅"
_CN_DIGITS = "零〇一二两三四五六七八九"
# 十九．四二 (Taiwanese papers): a full-width point between Chinese digits is 点.
_CN_NUMERAL = rf"[{_CN}](?:[{_CN}点]|\.(?=[{_CN_DIGITS}]))*"
_NUMERAL = rf"\d+(?:\.\d+)?|{_CN_NUMERAL}"
_PER_FORM = re.compile(rf"(?<![{_CN}])(?P<per>百|千|万)分之(?P<num>{_NUMERAL})")
_FRACTION = re.compile(rf"(?P<den>\d+|[{_CN}]+)分之(?P<num>{_NUMERAL})")
_BARE_FRACTION = re.compile(  # 三分一 (Hong Kong)
    rf"(?<![{_CN}\d])(?P<den>[二三四五六七八九])分(?P<num>[一二三四五六七八])(?![之钟秒{_CN}])"
)
_DIGIT_FRACTION = re.compile(
    r"(?<![0-9A-Za-z/.:])(?P<num>\d{1,2})/(?P<den>\d{1,3})(?![0-9A-Za-z/.])"
)
_TENTHS = re.compile(
    rf"(?<![{_CN}\d])(?P<n>[一二两三四五六七八九十])(?P<unit>{_TENTH})(?P<d>[一二三四五六七八九]|半)?"
)
_FRACTION_SURPLUS = re.compile(r"还多|多|余")
_SURPLUS = re.compile(r"余|多")
_CN_RUN = re.compile(_CN_NUMERAL)
_CN_UNITS = [
    *("个百分点", "百分点", "个千分点", "千分点", "%", "倍", "周岁", "岁", "平方公里", "平方米"),
    *("公里", "人次", "户次", "元", "小时", "人", "名", "个", "家", "所", "户", "张", "项"),
    *("次", "件"),
    *("处", "座", "套", "间", "栋", "辆", "台", "条", "批", "场", "篇", "部", "本", "册", "份"),
    *("米", "吨", "亩", "位", "只", "块", "类", "种", "组", "队", "团", "站", "床", "笔", "例"),
    "宗",
]
_CN_TAIL = re.compile(
    r"(?P<s1>余|多)?(?P<mult>万亿|亿|万)?(?P<s2>余|多)?"
    r"(?P<unit>" + "|".join(map(re.escape, _CN_UNITS)) + r")(?P<s3>余|多)?"
)
# Units a small Chinese numeral (两家, 三个百分点) may count; 一个, 三项 are words, not figures.
_SMALL_CN_UNITS = frozenset(
    [
        "人",
        "名",
        "户",
        "家",
        "所",
        "张",
        "床",
        "倍",
        "%",
        "个百分点",
        "百分点",
        "个千分点",
        "千分点",
        "周岁",
        "岁",
    ]
)
_ONE_CN_UNITS = frozenset(["倍", "%", "个百分点", "百分点", "个千分点", "千分点"])
_NOT_BEFORE_CN = frozenset("第每数几上周初礼拜星")
# 每千名老年人, 每10万人, 每4.4名, 每七人: the denominator of a rate.
_PER = re.compile(
    rf"每(?P<den>\d+(?:\.\d+)?(?:万|千|百)?|{_CN_NUMERAL})(?![年月日天周次季届期小分秒]|个月)"
)
# 百万级: an order of magnitude, [10^6, 10^7).
_MAGNITUDES = {"十万": 100_000, "百万": 1_000_000, "千万": 10_000_000, "亿": 100_000_000}
_MAGNITUDE = re.compile(r"(?<![一二三四五六七八九十百千万亿\d])(?P<mag>十万|百万|千万|亿)级")
_NOT_AFTER = re.compile(r"(热线|服务热线|市民热线|号线|版|时代|标准|号|届)")
_URL = re.compile(r"(https?://|www\.)[^\s\u4e00-\u9fff]+")
_GAP = re.compile(r"[ \t\r\n]+")
_SENTENCE_END = "。！？；!?;\n"
_CLAUSE_END = _SENTENCE_END + "，,：:"
_CJK = re.compile(r"[\u4e00-\u9fff]")
_AGE_GROUP_AFTER = re.compile(
    r"或以上|或以下|及|至|到|-|—|~|的|老|人口|者|长者|群体|人群|组|段|时|起|前|后"
)
_MEAN_AGE = re.compile(r"平均年龄|平均寿命|预期寿命|平均预期|中位数|寿命")
_ROC_YEAR_AFTER = re.compile(r"年(底|末|初|度|中|起|以来|上半年|下半年|第|\d{1,2}月|前)")


@dataclass(frozen=True)
class Quantity:
    """One quantity as the CLI prints it (offsets index the input text).

    `base` is what a ratio is per: 1000 for 6.2‰ and 每千人, 1 for a multiple (1.5倍), 5 for
    每5人要养4人; None for every other kind.
    """

    text: str
    start: int
    end: int
    value: float
    unit: str | None
    kind: str
    base: float | None
    lower: float | None
    upper: float | None
    qualifier: str | None
    as_of: str | None
    period: str | None
    baseline: str | None
    subject: str | None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class _Written:
    """A figure as written, before its qualifier: where it is, its digits and its unit."""

    start: int
    end: int
    number: str  # digits for the rounding step; the exact value when `exact`
    multiplier: Decimal
    unit: str | None
    kind: str
    base: Decimal | None = None
    surplus: str | None = None
    negative: bool = False
    exact: bool = False  # 三分之一: no rounding


@dataclass(frozen=True)
class _Figure:
    """One figure before context: where it is and what it is worth."""

    start: int
    end: int
    value: Decimal
    lower: Decimal | None
    upper: Decimal | None
    unit: str | None
    kind: str
    base: Decimal | None
    qualifier: str | None


def normalise_keeping_offsets(text: str) -> str:
    """Normalise character by character; a full-width comma counts as a thousands separator only
    between full-width digits (１，２３４)."""
    return to_simplified(_FULL_WIDTH_GROUP.sub(",", text).translate(_TRANSLATION))


def _keeps_gap(text: str, gap: re.Match) -> bool:
    """Whether white space stays in the compact view: only between two digits that are not one
    number (1 2 3 in a table), not a thousands group (427 913) nor a line wrapped inside a
    figure (29\\n697万)."""
    start, end = gap.span()
    if not (start and end < len(text) and text[start - 1].isdigit() and text[end].isdigit()):
        return False
    run = 0
    while run < 4 and start - run > 0 and text[start - run - 1].isdigit():
        run += 1
    if run <= 3 and re.match(r"\d{3}(?!\d)", text[end:]):
        return False  # a thousands group
    line_start = text.rfind("\n", 0, start) + 1
    wrapped = "\n" in gap.group() and start - line_start >= 10
    return not wrapped or re.match(r"\d+(\.(?!\d)|、|\))", text[end:]) is not None


def _compact(text: str) -> tuple[str, list[int]]:
    """The text without the white space inside and around figures, with the offset in `text` of
    each of its characters."""
    pieces, positions, last = [], [], 0
    for gap in _GAP.finditer(text):
        if _keeps_gap(text, gap):
            continue
        pieces.append(text[last : gap.start()])
        positions.extend(range(last, gap.start()))
        last = gap.end()
    pieces.append(text[last:])
    positions.extend(range(last, len(text)))
    return "".join(pieces), positions


def _is_year(number: str) -> bool:
    return len(number) == 4 and number.isdigit() and 1900 <= int(number) <= 2100


def _line_start(text: str, start: int) -> bool:
    line_begin = text.rfind("\n", 0, start) + 1
    return not text[line_begin:start].strip(" #-*>·•\t")


def _start_of(text: str, position: int, ends: str, reach: int = 400) -> int:
    """Where the clause or sentence holding `position` starts (looking back at most `reach`
    characters, so that a long text without punctuation stays linear)."""
    low = max(0, position - reach)
    found = max(text.rfind(end, low, position) for end in ends)
    return found + 1 if found >= 0 else low


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) meets one of `spans`, which are sorted and do not overlap."""
    index = bisect.bisect_left(spans, (end,)) - 1
    return index >= 0 and spans[index][1] > start


class _Scanner:
    """Scans the compact text; each reader finds one form of figure."""

    def __init__(self, text: str, lines: str, positions: list[int]) -> None:
        self.text = text
        self.lines = lines  # the normalised text, line breaks kept, for list numbering
        self.positions = positions
        self.urls = [m.span() for m in _URL.finditer(text)]
        self.previous: tuple[int, bool] = (-1, False)  # end and sign of the last digit figure

    def figures(self) -> list[_Figure]:
        found = self._chinese_forms()
        taken = sorted((f.start, f.end) for f in found)
        found += self._digit_figures(taken)
        taken = sorted((f.start, f.end) for f in found)
        found += self._chinese_numerals(taken)
        return sorted(found, key=lambda f: f.start)

    # Chinese and fraction forms -------------------------------------------------------------

    def _chinese_forms(self) -> list[_Figure]:
        """百分之/千分之/万分之, fractions, 1/4, tenths (四成) and 百万级."""
        written: list[_Written] = []
        for match in _PER_FORM.finditer(self.text):
            number = self._numeral(match["num"])
            if number is None:
                continue
            if match["per"] == "百":
                written.append(
                    _Written(match.start(), match.end(), number, Decimal(1), "%", "percent")
                )
            else:
                base = Decimal(1000) if match["per"] == "千" else Decimal(10_000)
                written.append(
                    _Written(
                        match.start(),
                        match.end(),
                        number,
                        Decimal(1),
                        match["per"] + "分之",
                        "ratio",
                        base,
                    )
                )
        for pattern in (_FRACTION, _BARE_FRACTION, _DIGIT_FRACTION):
            for match in pattern.finditer(self.text):
                fraction = self._fraction(match)
                if fraction is not None:
                    written.append(fraction)
        for match in _TENTHS.finditer(self.text):
            tenths = "10" if match["n"] == "十" else chinese_digits(match["n"])
            if match["d"]:
                tenths += ".5" if match["d"] == "半" else "." + chinese_digits(match["d"])
            surplus = _SURPLUS.match(self.text, match.end())
            end = surplus.end() if surplus else match.end()
            written.append(
                _Written(
                    match.start(),
                    end,
                    tenths,
                    Decimal(10),
                    "成",
                    "percent",
                    surplus=surplus and surplus.group(),
                )
            )
        figures, taken = [], []
        for form in sorted(written, key=lambda w: (w.start, -w.end)):
            if _overlaps(taken, form.start, form.end):
                continue
            figure = self._finish(form)
            if figure is not None:
                figures.append(figure)
                bisect.insort(taken, (form.start, form.end))
        for match in _MAGNITUDE.finditer(self.text):
            if _overlaps(taken, *match.span()):
                continue
            value = Decimal(_MAGNITUDES[match["mag"]])
            figures.append(
                _Figure(
                    match.start(), match.end(), value, value, value * 10, None, "count", None, "级"
                )
            )
        return figures

    def _numeral(self, written: str) -> str | None:
        if written[0].isdigit():
            return written
        try:
            return chinese_digits(written.replace(".", "点"))
        except ValueError:
            return None

    def _fraction(self, match: re.Match) -> _Written | None:
        """三分之一, 3分之1, 三分一, 1/4: an exact share, in percent."""
        if match["den"] in {"百", "千", "万"}:
            return None
        den, num = self._numeral(match["den"]), self._numeral(match["num"])
        if den is None or num is None or Decimal(den) == 0:
            return None
        if match.re is _DIGIT_FRACTION:
            before = self.text[max(0, match.start() - 1) : match.start()]
            if Decimal(num) >= Decimal(den) or not (before == "" or _CJK.match(before)):
                return None  # 12/18, 2024/10: dates and paths
        surplus = _FRACTION_SURPLUS.match(self.text, match.end())
        end = surplus.end() if surplus else match.end()
        value = Decimal(num) / Decimal(den) * 100
        return _Written(
            match.start(),
            end,
            str(value),
            Decimal(1),
            "%",
            "percent",
            surplus=surplus and surplus.group(),
            exact=True,
        )

    # Arabic figures ---------------------------------------------------------------------------

    def _digit_figures(self, taken: list[tuple[int, int]]) -> list[_Figure]:
        found, position = [], 0
        starts = [s for s, _ in taken]
        while True:
            match = _HEAD.search(self.text, position)
            if match is None:
                break
            inside = bisect.bisect_right(starts, match.start()) - 1
            if inside >= 0 and match.start() < taken[inside][1]:
                position = taken[inside][1]
                continue
            figure, position = self._read(match)
            if figure is not None:
                found.append(figure)
        return found

    def _written(self, head: re.Match) -> tuple[_Written, re.Match]:
        """The figure that starts with `head`: compound magnitude, unit and 余/多."""
        number, multiplier, end = head["number"], magnitude(head["mult"]), head.end()
        rest = None
        if head["mult"] in {"亿", "万亿"} and "." not in number and not head["s1"]:
            rest = _AFTER_YI.match(self.text, end)
        elif head["mult"] == "万" and "." not in number and not head["s1"]:
            rest = _AFTER_WAN.match(self.text, end)
            if rest and re.match(r"年", self.text[rest.end() :]):
                rest = None  # 1万2023年 is not 12023
        if rest:
            step = magnitude(rest["rest_mult"])
            total = Decimal(number.replace(",", "")) * multiplier
            total += Decimal(rest["rest"].replace(",", "")) * step
            number, multiplier, end = str(int(total / step)), step, rest.end()
        tail = _TAIL.match(self.text, end)
        unit = tail["unit"]
        multiplier *= _UNIT_SCALE.get(unit or "", Decimal(1))
        surplus = head["s1"] or tail["s2"] or tail["s3"]
        written = _Written(
            head.start(),
            tail.end() if (unit or surplus) else end,
            number,
            multiplier,
            unit,
            _UNIT_KIND.get(unit or "", "count"),
            _UNIT_BASE.get(unit or ""),
            surplus,
            head["sign"] == "-",
        )
        return written, tail

    def _read(self, head: re.Match) -> tuple[_Figure | None, int]:
        """The figure at `head` (or None when it is not a quantity) and where to go on."""
        written, _ = self._written(head)
        end = written.end
        join = _RANGE_JOIN.match(self.text, end)
        if join and not written.surplus:
            second = _HEAD.match(self.text, join.end())
            if second is not None and not second["sign"]:
                other, _ = self._written(second)
                verdict = self._range(written, other, head)
                if verdict == "skip":
                    return None, other.end
                if verdict == "range":
                    return self._finish_range(written, other, join["join"]), other.end
        bare = written.unit is None and head["mult"] is None
        if bare and not written.surplus:
            written = self._inherit_unit(written)
            bare = written.unit is None and written.multiplier == 1
        if self._not_a_quantity(head, written, bare):
            return None, max(end, head.end("number"))
        figure = self._finish(written, listed=True)
        return figure, (figure.end if figure else end)

    def _inherit_unit(self, written: _Written) -> _Written:
        """分别下降1.4及0.3个百分点, 1.2、1.5万人: a bare figure takes the unit of the list."""
        if _line_start(self.lines, self.positions[written.start]):
            return written  # 1、 2、: numbering
        position = written.end
        for _ in range(6):
            join = _LIST_JOIN.match(self.text, position)
            following = join and _HEAD.match(self.text, join.end())
            if not following:
                return written
            other, _ = self._written(following)
            if other.unit in TIME_UNITS | {"岁", "周岁"}:
                return written
            if other.unit or following["mult"]:
                multiplier = magnitude(following["mult"]) * _UNIT_SCALE.get(other.unit or "", 1)
                return _Written(
                    written.start,
                    written.end,
                    written.number,
                    multiplier,
                    other.unit,
                    other.kind,
                    other.base,
                    None,
                    written.negative,
                )
            position = other.end
        return written

    def _range(self, first: _Written, second: _Written, head: re.Match) -> str:
        """`range` (10%至15%, 3~5万), `skip` (2019—2023年, 15-64岁, a code, a page range) or
        `single` (下降0.8个百分点至71.2%: a change and a level)."""
        text = self.text
        if re.search(r"(第|每|图|表)$", text[max(0, first.start - 1) : first.start]):
            return "skip"  # 第12-18页, 图1-2
        low_digits, high_digits = first.number.replace(",", ""), second.number.replace(",", "")
        if _is_year(low_digits) and (_is_year(high_digits) or second.unit == "年"):
            return "skip"  # 2019—2023年: a span of years
        if first.unit and second.unit and first.unit != second.unit:
            return "single"
        if _is_year(high_digits) and second.unit in {None, "年"}:
            return "single"  # 增加80万至2040年的215万
        unit = second.unit or first.unit
        changed = _CHANGE.search(text, max(0, head.start() - 4), head.start())
        if changed and second.kind != "percent":
            return "single"  # 增加1.2亿至4.2亿, 提高1.2岁至82.5岁: a change and a level
        if unit in {"岁", "周岁", "月", "日"}:
            return "skip"  # age groups (0—14岁) and dates (1—10月)
        if low_digits.startswith("0") and not low_digits.startswith("0."):
            return "skip"  # 023-6551: a phone number
        if unit is None and first.multiplier == second.multiplier == 1:
            return "skip"  # 1002-4875, 12-18: codes and page ranges
        if self._from_to(head.start()) and not text.startswith("不等", second.end):
            return "single"  # 从68%到94%: two levels
        before = _BEFORE_WORD.search(text, max(0, head.start() - 4), head.start())
        if before and before["before"] not in APPROX_BEFORE_WORDS:
            return "single"  # 增加超过80万至...
        multiplier = second.multiplier if first.multiplier == 1 else first.multiplier
        low = Decimal(low_digits) * (first.multiplier if first.multiplier != 1 else multiplier)
        high = Decimal(high_digits) * second.multiplier
        return "range" if low < high else "single"

    def _finish_range(self, first: _Written, second: _Written, join: str) -> _Figure:
        """`10%至15%`, `3—5年`, `1000-2000元`: value is the midpoint, bounds are the two ends."""
        multiplier = second.multiplier if first.multiplier == 1 else first.multiplier
        low = Decimal(first.number.replace(",", "")) * multiplier
        high = Decimal(second.number.replace(",", "")) * second.multiplier
        unit = second.unit or first.unit
        kind, base = self._kind(second, first.start)
        return _Figure(first.start, second.end, (low + high) / 2, low, high, unit, kind, base, join)

    def _from_to(self, start: int) -> bool:
        """`从68%到94%` names two levels, not a range."""
        return re.search(r"(从|由)$", self._clause_before(start)) is not None

    def _not_a_quantity(self, head: re.Match, written: _Written, bare: bool) -> bool:
        """Years, dates, names, numbering, footnotes, codes, age groups and time windows."""
        text, start, number = self.text, head.start(), head["number"]
        unit, surplus, end = written.unit, written.surplus, written.end
        previous = text[start - 1] if start else ""
        following = text[head.end("number") : head.end("number") + 1]
        clause = self._clause_before(start)
        if following.isascii() and following.isalpha():
            return True  # 5G, 3D
        if (
            previous == "-"
            and start > 1
            and text[start - 2].isascii()
            and text[start - 2].isalpha()
        ):
            return True  # COVID-19, ISSN-style codes
        if len(number) > 1 and number[0] == "0" and number[1] != ".":
            return True  # 023, 0571: area codes and other codes
        if bare and not surplus and re.search(r"\d[\s:-]$", text[max(0, start - 2) : start]):
            return True  # the second group of a phone number or a code: 6551-2345, 2019:12
        if bare and not surplus and _CJK.match(text, head.end("number")):
            return True  # 110报警, 120急救: a number naming something
        if previous in {"“", "「"} and _CJK.match(text, end):
            return True  # “15分钟社区生活圈”: a name that holds a figure
        if previous in {"+", "/", "_", "每"} or following in {"+", "/", "_"}:
            return True  # 1+1+N, paths, the denominator of 每10万人
        if bare and re.match(r":\d", text[head.end("number") : head.end("number") + 2]):
            return True  # 1:1.2: the parts of a ratio
        if any(begin <= start < finish for begin, finish in self.urls):
            return True
        if bare and previous in {"“", '"', "「"} and following in {"”", '"', "」"}:
            return True  # “433”: a name
        if _is_year(number) and (bare or unit == "年"):
            return True  # 2024年, 2024 年底, (2022)
        if unit == "年" and (text.startswith("代", end) or self._roc_year(number, start, end)):
            return True  # 90年代, 民国108年, 113年底
        date = unit == "月" or (unit in {"日", "号"} and not _AFTER_WORD.match(text, end))
        if date and not _WITHIN.match(text, end):
            return True  # 3月, 10月15日, 国家统计局12日发布
        if (
            bare
            and following in {".", "、", ")"}
            and _line_start(self.lines, self.positions[start])
        ):
            return True  # 1. 2、 list numbering
        if previous in {"第", "〔", "["} or (previous == "(" and bare):
            return True  # 第3届, (1), 〔2024〕, [1]
        if previous == "前" and unit in {"位", "名"}:
            return True  # 前10位: a rank
        if re.search(r"(第|图|表|附件|附表)$", text[max(0, start - 3) : start]):
            return True
        if bare and (
            re.search(r"以(?![上下来内及前后])[^，,。；;]{1,8}为$", clause) or previous == "="
        ):
            return True  # 以女性为100, 2015=100: a base, not a figure
        if _NOT_AFTER.match(text, end if not bare else head.end("number")):
            return True  # 12345热线, 2.0版, 12号
        if bare and len(number.replace(",", "").split(".")[0]) >= 5 and "," not in number:
            return True  # phone numbers, codes and 12345 standing alone
        if unit in {"岁", "周岁"} and self._age_group(number, start, end):
            return True  # 60岁及以上, 65歲或以上, 65岁的老人: a group, not a figure
        before = _BEFORE_WORD.search(text, max(0, start - 4), start)
        if unit in TIME_UNITS and (
            (before and before["before"] in {"近", "将近", "接近"})
            or _WINDOW.search(text, max(0, start - 3), start)
        ):
            return True  # 近3年, 未来五年: a time window
        return previous == "^"  # footnote markers

    def _roc_year(self, number: str, start: int, end: int) -> bool:
        """民国108年, 113年底: a year of the Republic of China calendar."""
        if not number.isdigit() or not 30 <= int(number) <= 150:
            return False
        return self.text.endswith("民国", 0, start) or bool(
            _ROC_YEAR_AFTER.match(self.text, end - 1)
        )

    def _age_group(self, number: str, start: int, end: int) -> bool:
        if _MEAN_AGE.search(self._clause_before(start)) or "." in number:
            return False
        text = self.text
        return bool(
            _AFTER_WORD.match(text, end)
            or _AGE_GROUP_AFTER.match(text, end)
            or re.search(r"(年满|未满|不满|满)$", text[max(0, start - 2) : start])
        )

    # Chinese numerals -------------------------------------------------------------------------

    def _chinese_numerals(self, taken: list[tuple[int, int]]) -> list[_Figure]:
        """一千三百四十人, 七十二万八千一百人, 两倍, 三个百分点, 四五〇万人, 十九点四二%."""
        figures = []
        for run in _CN_RUN.finditer(self.text):
            start = run.start()
            if _overlaps(taken, start, run.end()):
                continue
            previous = self.text[start - 1] if start else ""
            if previous and (
                previous in _NOT_BEFORE_CN or previous.isdigit() or previous in "成分之"
            ):
                continue
            numeral, mult = run.group().replace(".", "点"), ""
            for section in ("万亿", "亿", "万"):
                if numeral.endswith(section) and len(numeral) > len(section):
                    numeral, mult = numeral[: -len(section)], section
                    break
            tail = _CN_TAIL.match(self.text, run.end())
            if tail is None or (mult and tail["mult"]) or not self._plain_numeral(numeral):
                continue
            try:
                number = chinese_digits(numeral)
            except ValueError:
                continue
            unit = tail["unit"]
            multiplier = magnitude(mult or tail["mult"])
            value = Decimal(number) * multiplier
            per = self._per_base(start)
            if value < 10 and multiplier == 1 and per is None:
                small_units = _ONE_CN_UNITS if value < 2 else _SMALL_CN_UNITS
                if unit not in small_units:
                    continue  # 一个, 三项, 两个: words, not figures
            if unit in {"岁", "周岁"} and self._age_group(number, start, tail.end()):
                continue
            if unit in {"位", "名"} and previous == "前":
                continue  # 位列前三位: a rank
            surplus = tail["s1"] or tail["s2"] or tail["s3"]
            written = _Written(
                start,
                tail.end(),
                number,
                multiplier,
                unit,
                _UNIT_KIND.get(unit, "count"),
                _UNIT_BASE.get(unit),
                surplus,
            )
            figure = self._finish(written)
            if figure is not None:
                figures.append(figure)
        return figures

    def _plain_numeral(self, numeral: str) -> bool:
        """Place-value numerals, or digit by digit where it is no word: 四五〇, 一三五点六七."""
        if numeral in {"十", "百", "千", "万", "亿"}:
            return False  # 千家万户, 百人: words
        if any(char in "十百千万亿廿卅" for char in numeral):
            return True
        digits = numeral.split("点")[0]
        return len(digits) != 2 or any(char in "零〇" for char in digits)  # 三四, 一两: about

    # Qualifier, sign, kind ---------------------------------------------------------------------

    def _finish(self, written: _Written, listed: bool = False) -> _Figure | None:
        """Apply the qualifier before or after the figure, a decrease verb, and the kind."""
        text, start, end = self.text, written.start, written.end
        after = _AFTER_WORD.match(text, end)
        if after is None and written.unit in TIME_UNITS:
            after = _WITHIN.match(text, end)
        before = _BEFORE_WORD.search(text, max(0, start - 4), start)
        if before is None and written.unit == "倍":
            clause_start = _start_of(text, start, _CLAUSE_END)
            before = _DISTANT_BEFORE.search(text, clause_start, start)
        qualifier = (before and before["before"]) or (after and after["after"]) or written.surplus
        if before and before.re is _BEFORE_WORD:
            start = before.start()
        if after:
            end = after.end()
        negative = written.negative or self._decrease_before(start)
        if listed:
            previous_end, previous_negative = self.previous
            if _LIST_JOIN.fullmatch(text, previous_end, start):
                negative = negative or previous_negative
            self.previous = (end, negative)
        if written.exact:
            value = Decimal(written.number)
            lower, upper = (value, None) if written.surplus else (value, value)
            value, lower, upper = qualified_interval(value, lower, upper, negative, qualifier)
        else:
            value, lower, upper = figure_interval(
                written.number, written.multiplier, negative, qualifier, DEFAULT_APPROX_BAND
            )
        kind, base = self._kind(written, start)
        return _Figure(start, end, value, lower, upper, written.unit, kind, base, qualifier)

    def _decrease_before(self, start: int) -> bool:
        return _DECREASE.search(self.text, max(0, start - 6), start) is not None

    def _kind(self, written: _Written, start: int) -> tuple[str, Decimal | None]:
        """The kind and base; a count after 每千人 or 每4人 is a ratio, and so is a sex ratio."""
        if written.kind != "count":
            return written.kind, written.base
        per = self._per_base(start)
        if per is not None:
            return "ratio", per
        if written.unit is None and written.multiplier == 1:
            sentence_start = _start_of(self.text, start, _SENTENCE_END)
            if re.search(r"性别比|性比例", self.text[sentence_start:start]):
                return "ratio", Decimal(100)  # 104.49: men per 100 women
        return "count", None

    def _per_base(self, start: int) -> Decimal | None:
        """The denominator of `每<n>` before a count in its clause (每4人要养3人), or ending the
        clause before (每3人之中，就有1人)."""
        clause_start = _start_of(self.text, start, _CLAUSE_END)
        matches = list(_PER.finditer(self.text, clause_start, start))
        if not matches and clause_start > 0 and self.text[clause_start - 1] in "，,":
            previous_start = _start_of(self.text, clause_start - 1, _CLAUSE_END)
            matches = [
                m
                for m in _PER.finditer(self.text, previous_start, clause_start - 1)
                if not re.search(r"[\d%]", self.text[m.end() : start])
            ]
        if not matches:
            return None
        den = matches[-1]["den"]
        if den[0].isdigit():
            mult = den[-1] if den[-1] in "万千百" else ""
            return Decimal(den[: len(den) - len(mult)]) * magnitude(mult)
        number = self._numeral("一" + den if den[0] in "万亿" else den)
        return None if number is None else Decimal(number)

    def _clause_before(self, start: int) -> str:
        clause_start = _start_of(self.text, start, _CLAUSE_END)
        return self.text[clause_start:start]


def _context(text: str, start: int, end: int) -> dict[str, str | None]:
    sentence_start = _start_of(text, start, _SENTENCE_END)
    reach = min(len(text), end + 400)  # a clause is short; never scan the rest of the text
    clause_end = min(
        (i for i in (text.find(c, end, reach) for c in _CLAUSE_END) if i >= 0), default=reach
    )
    before = text[sentence_start:start]
    return {
        "as_of": _as_of(before),
        "period": _period(before),
        # 较2022年增长1.3个百分点 and 1.3个百分点，较上年: the baseline may follow in the clause.
        "baseline": _baseline(text[sentence_start:clause_end]),
        "subject": _subject(text, start),
    }


def _month_end(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


_AS_OF_DAY = re.compile(r"截至\s?(\d{4})\s?年\s?(\d{1,2})\s?月\s?(\d{1,2})\s?日")
_AS_OF_MONTH = re.compile(r"截至\s?(\d{4})\s?年\s?(\d{1,2})\s?月")
_AS_OF_YEAR_END = re.compile(r"(\d{4})\s?年\s?(底|末)|截至\s?(\d{4})\s?年(?!\s?\d)")


def _as_of(before: str) -> str | None:
    candidates = []
    for match in _AS_OF_DAY.finditer(before):
        year, month, day = map(int, match.groups())
        candidates.append((match.start(), f"{year:04d}-{month:02d}-{day:02d}"))
    for match in _AS_OF_MONTH.finditer(before):
        if not _AS_OF_DAY.match(before, match.start()):
            candidates.append((match.start(), _month_end(int(match[1]), int(match[2]))))
    for match in _AS_OF_YEAR_END.finditer(before):
        candidates.append((match.start(), f"{match[1] or match[3]}-12-31"))
    return max(candidates)[1] if candidates else None


_PERIOD = re.compile(
    r"(?P<y1>\d{4})\s?(?:年\s?)?[-—–~至到]\s?(?P<y2>\d{4})\s?年"
    r"|(?P<year>\d{4})\s?年\s?(?:(?P<half>上半年|下半年)|第?(?P<q>[一二三四1-4])\s?季度"
    r"|(?P<m1>\d{1,2})\s?[-—–~至到]\s?(?P<m2>\d{1,2})\s?月|(?P<m>\d{1,2})\s?月(?!\s?底|\s?末|\s?\d))?"
    r"(?!\s?底|\s?末)"
)
_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4}


def _period(before: str) -> str | None:
    matches = [
        m
        for m in _PERIOD.finditer(before)
        if not re.search(r"(截至|较|比|与)\s?$", before[: m.start()])
        # 从2020年的68%提升至94%: a year tied to an earlier figure by 的 is that figure's.
        and not re.match(r"\s?的[^，,；;]*\d", before[m.end() :])
    ]
    if not matches:
        return None
    m = matches[-1]
    if m["y1"]:
        return f"{m['y1']}/{m['y2']}"
    year = m["year"]
    if m["half"]:
        return f"{year}-H1" if m["half"] == "上半年" else f"{year}-H2"
    if m["q"]:
        return f"{year}-Q{_QUARTERS.get(m['q'], m['q'])}"
    if m["m1"]:
        return f"{year}-{int(m['m1']):02d}/{year}-{int(m['m2']):02d}"
    if m["m"]:
        return f"{year}-{int(m['m']):02d}"
    return year


_BASELINE = re.compile(
    r"(?:较|比|与)\s?(?:(?P<year>\d{4})\s?年\s?(?P<end>末|底)?|(?P<rel>上年|去年|上一年)(?P<rel_end>末|底|同期)?)"
    r"|(?P<yoy>同比|环比)"
)


def _baseline(window: str) -> str | None:
    matches = list(_BASELINE.finditer(window))
    if not matches:
        return None
    m = matches[-1]
    if m["year"]:
        return f"{m['year']}-12-31" if m["end"] else m["year"]
    if m["rel"]:
        return "上年" + {"底": "末"}.get(m["rel_end"] or "", m["rel_end"] or "")
    return m["yoy"]


_LEADING_CONTEXT = re.compile(
    r"^(?:\d+\.\s?|(?:截至|较|比|与)?\s?\d{4}\s?年(?:\s?\d{1,2}\s?月)?(?:底|末|上半年|下半年)?"
    r"|全国|全省|全市|全区|全县|全年|其中|目前|累计|共|已|建成|新建|新增|共有)+"
)
_SUBJECT_VERBS = re.compile(
    r"(拥有|达到|达|为|有|是|共有|共|累计|超过|突破|增长|增加|提高|提升|下降|减少|降低|约|近|逾|超|"
    r"占|比重|服务|覆盖|建成|新增|培育|吸引|惠及|注册|开展|实现|从|由|至|到|跃升至|提高到)\s?$"
)


def _subject(text: str, start: int) -> str | None:
    """What the figure counts, read off the clause before it (best effort, not evaluated)."""
    clause_start = _start_of(text, start, _CLAUSE_END)
    clause = text[clause_start:start].strip()
    clause = _LEADING_CONTEXT.sub("", clause)
    while True:
        stripped = _SUBJECT_VERBS.sub("", clause)
        if stripped == clause:
            break
        clause = stripped
    clause = re.split(r"拥有|达到|服务|覆盖|惠及|吸引", clause)[-1].strip(" 的")
    return clause[-16:] or None


def extract_quantities(text: str) -> list[Quantity]:
    """Every quantity in `text`, in order, with offsets into `text` as given."""
    normalised = normalise_keeping_offsets(text)
    compact, positions = _compact(normalised)
    quantities = []
    for figure in _Scanner(compact, normalised, positions).figures():
        start, end = positions[figure.start], positions[figure.end - 1] + 1
        quantities.append(
            Quantity(
                text=text[start:end],
                start=start,
                end=end,
                value=float(figure.value),
                unit=figure.unit,
                kind=figure.kind,
                base=None if figure.base is None else float(figure.base),
                lower=None if figure.lower is None else float(figure.lower),
                upper=None if figure.upper is None else float(figure.upper),
                qualifier=figure.qualifier,
                **_context(normalised, start, end),
            )
        )
    return quantities

"""Find every quantity in Chinese policy text: value, unit, kind, interval and context.

A rule-based grammar, deterministic and explainable. It reads Arabic figures (with full-width
digits, thousands separators, 万/亿, 余/多, qualifiers, ranges, signs) and the Chinese-numeral
forms policy text uses for shares (百分之九十七点五, 三分之一). It leaves out numbers that are not
quantities: years and dates, names with digits (12345热线, 5G), list numbering, footnote markers,
age thresholds that define a group (60岁及以上), and time windows (近3年).

Intervals follow `ingest.written_quantity.figure_interval`, the one implementation of the rules.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import asdict, dataclass
from decimal import Decimal

from ingest.chinese_numerals import parse_chinese_number
from ingest.written_quantity import (
    APPROX_AFTER,
    APPROX_BEFORE_WORDS,
    DEFAULT_APPROX_BAND,
    LOWER_BOUND_AFTER,
    LOWER_BOUND_WORDS,
    MULTIPLIERS,
    UPPER_BOUND_AFTER,
    UPPER_BOUND_WORDS,
    figure_interval,
)

# One character for one character, so that offsets in the normalised text are offsets in the
# input: full-width forms to ASCII, traditional characters to simplified (those the grammar reads).
_ONE_TO_ONE = {chr(0xFF10 + i): str(i) for i in range(10)} | {
    "．": ".", "％": "%", "＋": "+", "－": "-", "−": "-", "～": "~", "\u3000": " ", "＞": ">",
    "＜": "<", "（": "(", "）": ")", "［": "[", "］": "]",
    "萬": "万", "億": "亿", "個": "个", "佔": "占", "達": "达", "歲": "岁", "為": "为", "較": "较",
    "約": "约", "餘": "余", "過": "过", "於": "于", "將": "将", "點": "点", "兩": "两", "戶": "户",
    "張": "张", "項": "项", "處": "处", "場": "场", "臺": "台", "條": "条", "間": "间", "輛": "辆",
    "組": "组", "團": "团", "時": "时", "鐘": "钟", "週": "周", "內": "内", "後": "后", "來": "来",
    "減": "减", "長": "长", "熱": "热", "線": "线", "與": "与", "區": "区", "務": "务", "養": "养",
    "數": "数", "總": "总", "種": "种", "筆": "笔", "隊": "队", "員": "员", "圓": "元", "級": "级",
    "屆": "届", "號": "号", "從": "从", "躍": "跃", "顯": "显", "擁": "拥", "門": "门", "診": "诊",
    "滿": "满", "縮": "缩", "離": "离", "歷": "历", "幾": "几", "當": "当", "蓋": "盖", "並": "并",
    "劃": "划", "計": "计", "實": "实", "現": "现", "據": "据", "統": "统",
}  # fmt: skip
_TRANSLATION = str.maketrans(_ONE_TO_ONE)
_FULL_WIDTH_DIGIT = re.compile("[０-９]{2}").fullmatch

# Longest first: 个百分点 before 个, 分钟 before 分, 人次 before 人.
_UNITS = [
    *("个百分点", "百分点", "%", "倍", "分钟", "小时", "个月", "周岁", "岁", "平方公里", "平方米"),
    *("公里", "千米", "人次", "户次", "元", "年", "天", "日", "周", "月", "人", "名", "个", "家"),
    *("所", "户", "张", "项", "次", "件", "支", "处", "座", "套", "间", "栋", "辆", "台", "条"),
    *("批", "场", "期", "篇", "部门", "部", "本", "册", "份", "米", "吨", "亩", "位", "只", "块"),
    *("类", "页"),
    *("种", "组", "队", "团", "站", "分", "床", "门", "笔", "级", "秒", "起", "例", "宗"),
]
TIME_UNITS = frozenset(["秒", "分钟", "小时", "个月", "年", "天", "日", "周", "月"])
_UNIT_KIND = {
    "个百分点": "percentage_point", "百分点": "percentage_point", "%": "percent",
    "倍": "multiple", "分": "score", "元": "amount",
    **dict.fromkeys([*TIME_UNITS, "周岁", "岁"], "duration"),
}  # fmt: skip
_BEFORE = sorted(LOWER_BOUND_WORDS + UPPER_BOUND_WORDS + APPROX_BEFORE_WORDS, key=len, reverse=True)
# 内 bounds only a duration (1小时内); after a count (3个社区内) it means "inside".
_AFTER = sorted(
    (w for w in LOWER_BOUND_AFTER + UPPER_BOUND_AFTER + APPROX_AFTER if w != "内"),
    key=len,
    reverse=True,
)
_DECREASE = re.compile(r"(下降|减少|降低|回落|缩短|缩减|下滑|压缩)了?\s?$")
_WINDOW = re.compile(r"(近|过去|最近|未来|今后|此后|前|后)\s?$")

_NUMBER = r"(?P<sign>[+-])?(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_SUFFIX = (
    r"(?P<sp>\s?)(?P<s1>余|多)?(?P<mult>万亿|亿|万)?(?P<s2>余|多)?\s?"
    r"(?P<unit>" + "|".join(map(re.escape, _UNITS)) + r")?(?P<s3>余|多)?"
)
_FIGURE = re.compile(r"(?<![0-9A-Za-z.,^\[])" + _NUMBER + _SUFFIX)
_AFTER_WORD = re.compile(r"\s?(?P<after>及以上|及以下|" + "|".join(_AFTER) + ")")
_WITHIN = re.compile(r"\s?(?P<after>内)")  # 1小时内, 30日内: within, an upper bound
_RANGE_JOIN = re.compile(r"\s?(?P<join>至|到|~|-|—|–)\s?")
_BEFORE_WORD = re.compile(r"(?P<before>" + "|".join(map(re.escape, _BEFORE)) + r")\s?$")
_CN = "零〇一二两三四五六七八九十百千点"
_CHINESE_PERCENT = re.compile(rf"百分之(?P<num>[{_CN}]+)")
_CHINESE_FRACTION = re.compile(rf"(?P<den>[{_CN}]+)分之(?P<num>[{_CN}]+)")
# 百万级: an order of magnitude, [10^6, 10^7).
_MAGNITUDES = {"十万": 100_000, "百万": 1_000_000, "千万": 10_000_000, "亿": 100_000_000}
_MAGNITUDE = re.compile(r"(?<![一二三四五六七八九十百千万亿\d])(?P<mag>十万|百万|千万|亿)级")
_NOT_AFTER = re.compile(r"\s?(热线|服务热线|市民热线|号线|版|时代|标准|号|届)")
_URL = re.compile(r"(https?://|www\.)[^\s\u4e00-\u9fff]+")
_SENTENCE_END = "。！？；!?;\n"
_CLAUSE_END = _SENTENCE_END + "，,：:"
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Quantity:
    """One quantity as the CLI prints it (offsets index the input text)."""

    text: str
    start: int
    end: int
    value: float
    unit: str | None
    kind: str
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
class _Figure:
    """One figure before context: where it is and what it is worth."""

    start: int
    end: int
    value: Decimal
    lower: Decimal | None
    upper: Decimal | None
    unit: str | None
    kind: str
    qualifier: str | None


def normalise_keeping_offsets(text: str) -> str:
    """Normalise character by character; a full-width comma counts as a thousands separator only
    between full-width digits (１，２３４)."""
    chars = list(text.translate(_TRANSLATION))
    for i, char in enumerate(text):
        between_digits = 0 < i < len(text) - 1 and _FULL_WIDTH_DIGIT(text[i - 1] + text[i + 1])
        if char == "，" and between_digits:
            chars[i] = ","
    return "".join(chars)


def _is_year(number: str) -> bool:
    return len(number) == 4 and number.isdigit() and 1900 <= int(number) <= 2100


def _line_start(text: str, start: int) -> bool:
    line_begin = text.rfind("\n", 0, start) + 1
    return not text[line_begin:start].strip(" #-*>·•\t")


class _Scanner:
    """Scans normalised text left to right; each method reads one figure at a position."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.urls = [m.span() for m in _URL.finditer(text)]

    def figures(self) -> list[_Figure]:
        found = self._chinese_figures()
        position = 0
        while True:
            match = _FIGURE.search(self.text, position)
            if match is None:
                break
            figure, position = self._read(match)
            if figure is not None:
                found.append(figure)
        return sorted(found, key=lambda f: f.start)

    def _chinese_figures(self) -> list[_Figure]:
        figures = []
        for match in _CHINESE_PERCENT.finditer(self.text):
            value = parse_chinese_number(match["num"])
            figures.append(_Figure(match.start(), match.end(), value, value, value, "%",
                                   "percent", None))  # fmt: skip
        for match in _CHINESE_FRACTION.finditer(self.text):
            if match["den"] == "百":  # 百分之 is read above
                continue
            try:
                ratio = parse_chinese_number(match["num"]) / parse_chinese_number(match["den"])
            except (ValueError, ArithmeticError):
                continue
            value = ratio * 100
            figures.append(_Figure(match.start(), match.end(), value, value, value, "%",
                                   "percent", None))  # fmt: skip
        for match in _MAGNITUDE.finditer(self.text):
            value = Decimal(_MAGNITUDES[match["mag"]])
            figures.append(_Figure(match.start(), match.end(), value, value, value * 10, None,
                                   "count", "级"))  # fmt: skip
        return figures

    def _read(self, match: re.Match) -> tuple[_Figure | None, int]:
        """The figure at `match` (or None when it is not a quantity) and where to go on."""
        text = self.text
        end = match.end()
        if match["unit"] is None and match["s3"] is None and match["mult"] is None:
            end = match.end("number")  # keep a trailing space out of a bare number
        unit = match["unit"]
        multiplier = self._multiplier(match["mult"])
        surplus = match["s1"] or match["s2"] or match["s3"]

        second = None
        join = _RANGE_JOIN.match(text, end)
        if join and not surplus and not self._from_to(match.start()):
            second = _FIGURE.match(text, join.end())
            if second is None or second["sign"]:
                second = None
        if second is not None:
            return self._range(match, second, join["join"])

        after = _AFTER_WORD.match(text, end)
        if after is None and unit in TIME_UNITS:
            after = _WITHIN.match(text, end)
        before = _BEFORE_WORD.search(text, max(0, match.start() - 4), match.start())
        if self._not_a_quantity(match, unit, surplus, after, before, end):
            return None, max(end, match.end("number"))
        if after:
            end = after.end()
        qualifier_before = before["before"] if before else None
        qualifier_after = after["after"] if after else None
        qualifier = qualifier_before or qualifier_after or surplus
        start = before.start() if before else match.start()
        negative = match["sign"] == "-" or self._decrease_before(start)
        value, lower, upper = figure_interval(
            match["number"], multiplier, negative, qualifier, DEFAULT_APPROX_BAND
        )
        kind = self._kind(unit, match.start())
        return _Figure(start, end, value, lower, upper, unit, kind, qualifier), end

    def _range(self, first: re.Match, second: re.Match, join: str) -> tuple[_Figure | None, int]:
        """`10%至15%`, `3—5年`, `1000-2000元`: value is the midpoint, bounds are the two ends."""
        unit = second["unit"] or first["unit"]
        end = second.end()
        if _is_year(first["number"]) and _is_year(second["number"]):
            return None, end  # 2019—2023年: a span of years
        if first["number"].startswith("0") and not first["number"].startswith("0."):
            return None, end  # 023-6551: a phone number
        if unit in {"岁", "周岁", "月", "日"}:
            return None, end  # age groups (15—59岁) and dates (1—10月)
        multiplier = self._multiplier(second["mult"] or first["mult"])
        low = Decimal(first["number"].replace(",", "")) * multiplier
        high = Decimal(second["number"].replace(",", "")) * multiplier
        kind = self._kind(unit, first.start())
        figure = _Figure(first.start(), end, (low + high) / 2, low, high, unit, kind, join)
        return figure, end

    def _from_to(self, start: int) -> bool:
        """`从68%到94%` names two levels, not a range."""
        return re.search(r"(从|由)\s?$", self._clause_before(start)) is not None

    def _decrease_before(self, start: int) -> bool:
        return _DECREASE.search(self.text, max(0, start - 6), start) is not None

    def _multiplier(self, written: str | None) -> Decimal:
        multiplier = Decimal(1)
        for char in written or "":
            multiplier *= MULTIPLIERS[char]
        return multiplier

    def _kind(self, unit: str | None, start: int) -> str:
        kind = _UNIT_KIND.get(unit or "", "count")
        if kind == "count" and re.search(r"每(十万|千|万|百)", self._clause_before(start)):
            return "ratio"
        return kind

    def _clause_before(self, start: int) -> str:
        clause_start = max(self.text.rfind(c, 0, start) for c in _CLAUSE_END) + 1
        return self.text[clause_start:start]

    def _not_a_quantity(self, match, unit, surplus, after, before, end) -> bool:
        """Years, dates, names, numbering, footnotes, age thresholds and time windows."""
        text, start, number = self.text, match.start(), match["number"]
        bare = unit is None and match["mult"] is None
        previous = text[start - 1] if start else ""
        following = text[match.end("number") : match.end("number") + 1]
        if following.isascii() and following.isalpha():
            return True  # 5G, 3D
        if len(number) > 1 and number[0] == "0" and number[1] != ".":
            return True  # 023, 0571: area codes and other codes
        if bare and not surplus and re.search(r"\d[\s-]$", text[:start]):
            return True  # the second group of a phone number: 6551 2345
        if bare and not surplus and _CJK.match(text, match.end("number")):
            return True  # 110报警, 120急救: a number naming something
        if previous in {"“", "「"} and _CJK.match(text, end):
            return True  # “15分钟社区生活圈”: a name that holds a figure
        if previous in {"+", "/", "_"} or following in {"+", "/", "_"}:
            return True  # 1+1+N, paths
        if any(begin <= start < finish for begin, finish in self.urls):
            return True
        if (
            bare
            and previous in {"“", '"', "「"}
            and text[match.end("number") : match.end("number") + 1] in {"”", '"', "」"}
        ):
            return True  # “433”: a name
        if _is_year(number) and (bare or unit == "年"):
            return True  # 2024年, 2024 年底, (2022)
        if unit == "月" or (unit in {"日", "号"} and re.search(r"月\s?$", text[:start])):
            return True  # 3月, 10月15日
        if bare and following in {".", "、", ")"} and _line_start(text, start):
            return True  # 1. 2、 list numbering
        if previous in {"第", "(", "〔", "["} or re.search(r"第\s?$", text[:start]):
            return True  # 第3届, (1), 〔2024〕, [1]
        if _NOT_AFTER.match(text, end if not bare else match.end("number")):
            return True  # 12345热线, 2.0版, 12号
        if bare and len(number.replace(",", "").split(".")[0]) >= 5 and "," not in number:
            return True  # phone numbers, codes and 12345 standing alone
        if (
            unit in {"岁", "周岁"}
            and (after or re.match(r"\s?(及|至|到|-|—)", text[end:]))
            and not re.search(r"平均年龄|平均寿命|预期寿命", self._clause_before(start))
        ):
            return True  # 60岁及以上, 65岁以上: a group, not a figure
        if unit in TIME_UNITS and (
            (before and before["before"] in {"近", "将近", "接近"})
            or _WINDOW.search(text, max(0, start - 3), start)
        ):
            return True  # 近3年, 未来五年: a time window
        return previous == "^"  # footnote markers


def _context(text: str, figure: _Figure) -> dict[str, str | None]:
    sentence_start = max(text.rfind(c, 0, figure.start) for c in _SENTENCE_END) + 1
    clause_end = min(
        (i for i in (text.find(c, figure.end) for c in _CLAUSE_END) if i >= 0), default=len(text)
    )
    before = text[sentence_start : figure.start]
    return {
        "as_of": _as_of(before),
        "period": _period(before),
        # 较2022年增长1.3个百分点 and 1.3个百分点，较上年: the baseline may follow in the clause.
        "baseline": _baseline(text[sentence_start:clause_end]),
        "subject": _subject(text, figure.start),
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
    clause_start = max(text.rfind(c, 0, start) for c in _CLAUSE_END) + 1
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
    quantities = []
    for figure in _Scanner(normalised).figures():
        quantities.append(
            Quantity(
                text=text[figure.start : figure.end],
                start=figure.start,
                end=figure.end,
                value=float(figure.value),
                unit=figure.unit,
                kind=figure.kind,
                lower=None if figure.lower is None else float(figure.lower),
                upper=None if figure.upper is None else float(figure.upper),
                qualifier=figure.qualifier,
                **_context(normalised, figure),
            )
        )
    return quantities

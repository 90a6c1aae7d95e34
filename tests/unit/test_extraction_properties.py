"""Property tests: random figures rendered the ways Chinese text writes them parse back."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ingest.quantity_extraction import extract_quantities

FULL_WIDTH = str.maketrans({str(d): chr(0xFF10 + d) for d in range(10)} | {".": "．", "%": "％"})
TRADITIONAL = str.maketrans({"万": "萬", "亿": "億", "个": "個", "达": "達"})
MULTIPLIERS = {"": Decimal(1), "万": Decimal(10_000), "亿": Decimal(100_000_000)}
UNITS = {
    "人": "count",
    "张": "count",
    "个": "count",
    "元": "amount",
    "%": "percent",
    "个百分点": "percentage_point",
    "倍": "ratio",
    "‰": "ratio",
}


@st.composite
def figures(draw):
    integer = draw(st.integers(min_value=1, max_value=99_999))
    decimals = draw(st.sampled_from(["", "1", "25", "5"]))
    number = f"{integer}.{decimals}" if decimals else str(integer)
    unit = draw(st.sampled_from(sorted(UNITS)))
    multiplier = (
        ""
        if UNITS[unit] in {"percent", "percentage_point", "ratio"}
        else draw(st.sampled_from(sorted(MULTIPLIERS)))
    )
    qualifier = draw(st.sampled_from(["", "超过", "近", "约", "以上", "左右"]))
    return number, multiplier, unit, qualifier


def expected_interval(number: str, multiplier: str, qualifier: str):
    value = Decimal(number) * MULTIPLIERS[multiplier]
    step = Decimal(1).scaleb(-len(number.split(".")[1])) if "." in number else Decimal(1)
    half = step * MULTIPLIERS[multiplier] / 2
    if qualifier in {"超过", "以上"}:
        return value, value, None
    if qualifier == "近":
        return value, None, value
    if qualifier in {"约", "左右"}:
        return value, value * Decimal("0.95"), value * Decimal("1.05")
    return value, value - half, value + half


def render(number, multiplier, unit, qualifier, full_width, traditional):
    before = qualifier if qualifier in {"超过", "近", "约"} else ""
    after = qualifier if qualifier in {"以上", "左右"} else ""
    figure = f"{before}{number}{multiplier}{unit}{after}"
    if full_width:
        figure = figure.translate(FULL_WIDTH)
    sentence = f"截至2024年10月，全国社区达到{figure}，位居前列。"
    return sentence.translate(TRADITIONAL) if traditional else sentence


def close(got, want):
    if want is None:
        return got is None
    return got is not None and abs(Decimal(str(got)) - want) <= abs(want) * Decimal("1e-9")


@given(figures(), st.booleans(), st.booleans())
def test_a_rendered_figure_parses_back(figure, full_width, traditional):
    number, multiplier, unit, qualifier = figure
    sentence = render(number, multiplier, unit, qualifier, full_width, traditional)
    (quantity,) = extract_quantities(sentence)
    value, lower, upper = expected_interval(number, multiplier, qualifier)
    assert quantity.kind == UNITS[unit]
    assert close(quantity.value, value)
    assert close(quantity.lower, lower)
    assert close(quantity.upper, upper)
    assert quantity.as_of == "2024-10-31"
    assert sentence[quantity.start : quantity.end] == quantity.text


@given(st.integers(min_value=1, max_value=999), st.sampled_from(["余", "多"]))
def test_surplus_words_open_upwards_by_the_last_nonzero_place(integer, word):
    number = integer * 10
    (quantity,) = extract_quantities(f"建成{number}{word}个站点。")
    place = 10 ** (len(str(number)) - len(str(number).rstrip("0")))
    assert (quantity.lower, quantity.upper) == (number, number + place)


@given(st.integers(min_value=1900, max_value=2100), st.integers(min_value=1, max_value=12))
def test_dates_are_never_quantities(year, month):
    assert extract_quantities(f"{year}年{month}月，{year}年底召开会议。") == []


@given(st.integers(min_value=1, max_value=99), st.integers(min_value=1, max_value=99))
def test_a_range_keeps_both_ends(low, width):
    high = low + width
    (quantity,) = extract_quantities(f"增长{low}%至{high}%。")
    assert (quantity.lower, quantity.upper) == (low, high)
    assert quantity.value == (low + high) / 2


CN_DIGITS = "零一二三四五六七八九"


def chinese(n: int) -> str:
    """`n` (below 10^8) in Chinese place-value numerals, as statistics pages write it."""

    def below_10000(m: int) -> str:
        out, zero = "", False
        for place, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            digit = m // place % 10
            if digit:
                out += ("零" if zero and out else "") + CN_DIGITS[digit] + unit
                zero = False
            else:
                zero = True
        return out

    high, low = divmod(n, 10_000)
    if not high:
        return below_10000(low)
    return below_10000(high) + "万" + ("零" if 0 < low < 1000 else "") + below_10000(low)


@given(
    st.integers(min_value=10, max_value=99_999_999),
    st.sampled_from(["人", "名", "家", "张"]),
    st.booleans(),
)
def test_chinese_numerals_and_digits_give_the_same_value(n, unit, traditional):
    sentences = [f"全市共有{chinese(n)}{unit}。", f"全市共有{n}{unit}。"]
    if traditional:
        sentences = [s.translate(TRADITIONAL) for s in sentences]
    values = [[q.value for q in extract_quantities(s)] for s in sentences]
    assert values == [[n], [n]]


SEPARATORS = [" ", "\u00a0", "\u2009", "\u202f", "\n", " \n"]


@given(
    st.integers(min_value=1000, max_value=999_999_999),
    st.sampled_from(SEPARATORS),
    st.sampled_from(["人", "名", "万人", "元"]),
    st.booleans(),
)
def test_a_space_or_line_break_inside_a_digit_group_changes_nothing(n, separator, unit, comma):
    grouped = f"{n:,}"
    spaced = grouped.replace(",", separator)
    written = grouped if comma else str(n)
    plain = extract_quantities(f"年末全市登记的服务对象共有{written}{unit}，比上年增长2.5%。")
    broken = extract_quantities(f"年末全市登记的服务对象共有{spaced}{unit}，比上年增长2.5%。")
    assert [(q.value, q.lower, q.upper, q.kind) for q in broken] == [
        (q.value, q.lower, q.upper, q.kind) for q in plain
    ]
    assert len(broken) == 2


@given(
    figures(), st.sampled_from(["(", "（"]), st.sampled_from(["浙江", "西北地区", "增长率", "其中"])
)
def test_a_figure_in_parentheses_is_found(figure, bracket, before):
    number, multiplier, unit, _ = figure
    closing = ")" if bracket == "(" else "）"
    written = f"{number}{multiplier}{unit}"
    sentence = f"各地区中，{before}{bracket}{written}{closing}位居前列。"
    (quantity,) = extract_quantities(sentence)
    value, _, _ = expected_interval(number, multiplier, "")
    assert close(quantity.value, value)
    assert quantity.text == written

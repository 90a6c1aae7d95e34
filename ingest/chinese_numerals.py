"""Chinese numerals as policy text and statistics pages write them.

Place-value forms (一千三百四十, 七十二万八千一百, 十二亿四千万, 五百零七, 廿二),
digit-by-digit forms (二〇二四, and 四五〇 as Taiwanese papers print 450) and decimals
(九十七点五, 四五三点九九). Traditional characters must be mapped to simplified first
(萬 -> 万, 億 -> 亿, 兩 -> 两, 點 -> 点, ○ -> 〇).
"""

from __future__ import annotations

from decimal import Decimal

DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
UNITS = {"十": 10, "百": 100, "千": 1000}
SECTIONS = {"万": 10_000, "亿": 100_000_000}
# 廿 and 卅 are a tens digit and 十 in one character.
_CONTRACTIONS = {"廿": "二十", "卅": "三十"}
NUMERAL_CHARS = "".join(DIGITS) + "".join(UNITS) + "".join(SECTIONS) + "".join(_CONTRACTIONS) + "点"


def _below_ten_thousand(text: str) -> int:
    """`一千三百四十` -> 1340, `五百零七` -> 507, `十五` -> 15; units must fall (千 before 百)."""
    value, pending, last_unit = 0, None, 10_000
    for char in text:
        if char in DIGITS:
            if pending is not None and DIGITS[char] != 0 and pending != 0:
                raise ValueError(f"two digits in a row: {text!r}")
            pending = DIGITS[char] if pending in (None, 0) else pending
        else:
            unit = UNITS[char]
            if unit >= last_unit or pending == 0:
                raise ValueError(f"units out of order: {text!r}")
            if pending is None and value:  # 十五, 百 and 千 may stand first without 一
                raise ValueError(f"{char} without a digit: {text!r}")
            value += (1 if pending is None else pending) * unit
            pending, last_unit = None, unit
    return value + (pending or 0)


def _integer(text: str) -> int:
    """An integer in place-value form with 万 and 亿 sections, or written digit by digit."""
    if not text:
        raise ValueError("empty numeral")
    if all(char in DIGITS for char in text):
        return int("".join(str(DIGITS[char]) for char in text))
    total, rest = 0, text
    for section in ("亿", "万"):
        head, found, tail = rest.partition(section)
        if found:
            if section in tail:
                raise ValueError(f"{section} written twice: {text!r}")
            total += _section(head, text) * SECTIONS[section]
            rest = tail
    return total + (_below_ten_thousand(rest) if rest else 0)


def _section(head: str, text: str) -> int:
    """The multiplier before 万 or 亿: `七十二` in 七十二万, `一千二百` in 一千二百万."""
    if not head:
        raise ValueError(f"万 or 亿 without a digit: {text!r}")
    if "万" in head:  # 一万亿: 万 inside the part before 亿
        return _integer(head)
    if all(char in DIGITS for char in head):
        return int("".join(str(DIGITS[char]) for char in head))
    return _below_ten_thousand(head)


def parse_chinese_number(text: str) -> Decimal:
    """`九十七点五` -> 97.5, `一百二十` -> 120, `十五` -> 15, `二〇二四` -> 2024,
    `七十二万八千一百` -> 728100, `廿二` -> 22.

    Raises ValueError for text that is not one well-formed Chinese numeral.
    """
    return Decimal(chinese_digits(text))


def chinese_digits(text: str) -> str:
    """The numeral as a digit string (`四五三点九九` -> `453.99`, `五百零七` -> `507`), so that
    its written precision reads as that of the digits."""
    for contraction, expanded in _CONTRACTIONS.items():
        text = text.replace(contraction, expanded)
    if not text or any(char not in NUMERAL_CHARS for char in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    whole, point, fraction = text.partition("点")
    if point and (not fraction or any(char not in DIGITS for char in fraction)):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    integer = str(_integer(whole)) if whole else "0"
    decimals = "".join(str(DIGITS[char]) for char in fraction)
    return f"{integer}.{decimals}" if decimals else integer

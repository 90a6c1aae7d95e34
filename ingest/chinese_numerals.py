"""Chinese numerals as used in policy text: 九十七点五, 三分之一, 二〇二四, 一百二十."""

from __future__ import annotations

from decimal import Decimal

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
          "七": 7, "八": 8, "九": 9}  # fmt: skip
UNITS = {"十": 10, "百": 100, "千": 1000}
NUMERAL_CHARS = "".join(DIGITS) + "".join(UNITS) + "点"


def parse_chinese_number(text: str) -> Decimal:
    """`九十七点五` -> 97.5, `一百二十` -> 120, `十五` -> 15, `二〇二四` -> 2024.

    Raises ValueError for text that is not a Chinese numeral below ten thousand.
    """
    if not text or any(char not in NUMERAL_CHARS for char in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    whole, _, fraction = text.partition("点")
    if any(char in "点" + "".join(UNITS) for char in fraction):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    decimals = "".join(str(DIGITS[char]) for char in fraction)
    if whole and not any(char in UNITS for char in whole):
        # Digit by digit (二〇二四), as years and decimals are read.
        integer = int("".join(str(DIGITS[char]) for char in whole))
    else:
        integer, pending = 0, 0
        for char in whole:
            if char in DIGITS:
                pending = DIGITS[char]
            else:
                integer += (pending or 1) * UNITS[char]
                pending = 0
        integer += pending
    return Decimal(f"{integer}.{decimals}") if decimals else Decimal(integer)

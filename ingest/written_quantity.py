"""Parse one figure as written in Chinese statistics (`29697万人`, `21.1%`, `>4400万`, `3800多万`).

A written figure stands for an interval, not a point: `2.37亿` is [2.365亿, 2.375亿), `60多万` is
[60万, 70万), `超4400万` is (4400万, unbounded), `近700万` is (unbounded, 700万]. The rules are the
ones in the design guide ("Intervals"); this module is the single place that implements them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from ingest.script_forms import to_simplified
from ingest.seeds import qualifier_words

# The minus sign (U+2212), which NFKC leaves alone.
_MINUS = str.maketrans({"−": "-"})

# Magnitude characters of a written figure: 万亿 is 万 times 亿, 3千 is 3000.
MULTIPLIERS: dict[str, Decimal] = {
    "万": Decimal(10_000),
    "亿": Decimal(100_000_000),
    "千": Decimal(1000),
    "百": Decimal(100),
}

# Qualifier words: dbt_project/seeds/qualifiers.csv, which claim_verification.sql reads too.
_QUALIFIERS = qualifier_words()
LOWER_BOUND_WORDS = _QUALIFIERS.lower_before
UPPER_BOUND_WORDS = _QUALIFIERS.upper_before
APPROX_BEFORE_WORDS = _QUALIFIERS.approx_before
LOWER_BOUND_AFTER = _QUALIFIERS.lower_after
UPPER_BOUND_AFTER = _QUALIFIERS.upper_after
APPROX_AFTER = _QUALIFIERS.approx_after
SURPLUS_WORDS = _QUALIFIERS.surplus
# Verbs of a change (增长5%, 下降1.3个百分点), as a regex alternation.
CHANGE_VERBS = "增长|增加|提高|提升|上升|上涨|扩大|下降|减少|降低|回落|缩小|下滑|下跌"

# Relative half-width of the band given to 约/左右 figures when no tolerance policy is supplied.
DEFAULT_APPROX_BAND = Decimal("0.05")

_BEFORE = sorted(LOWER_BOUND_WORDS + UPPER_BOUND_WORDS + APPROX_BEFORE_WORDS, key=len, reverse=True)
_AFTER = sorted(LOWER_BOUND_AFTER + UPPER_BOUND_AFTER + APPROX_AFTER, key=len, reverse=True)
_PATTERN = re.compile(
    r"^(?P<before>" + "|".join(map(re.escape, _BEFORE)) + r")?"
    r"(?P<sign>[+\-])?"
    r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<surplus1>余|多)?"
    r"(?P<multiplier>万亿|万|亿)?"
    r"(?P<surplus2>余|多)?"
    r"(?P<percent>%)?"
    r"(?P<unit>[\u4e00-\u9fff]{0,4}?)"
    r"(?P<after>" + "|".join(map(re.escape, _AFTER)) + r")?$"
)


class WrittenQuantityError(ValueError):
    """The text is not one quantity in a form this parser knows."""


@dataclass(frozen=True)
class WrittenQuantity:
    """A parsed figure: value in base units and the interval the written form stands for."""

    text: str
    value: float
    lower: float | None
    upper: float | None
    qualifier: str | None
    is_percent: bool
    unit_word: str


def normalise(text: str) -> str:
    """Full-width digits and punctuation to ASCII, traditional characters to simplified, and the
    minus sign (U+2212) to a hyphen."""
    return to_simplified(unicodedata.normalize("NFKC", text)).translate(_MINUS).strip()


def magnitude(written: str | None) -> Decimal:
    """The magnitude of written multiplier characters: `万亿` -> 10^12, `千` -> 1000."""
    product = Decimal(1)
    for char in written or "":
        product *= MULTIPLIERS[char]
    return product


def _last_digit_step(number: str) -> Decimal:
    """The place value of the last written digit: `21.1` -> 0.1, `29697` -> 1."""
    if "." in number:
        return Decimal(1).scaleb(-len(number.split(".")[1]))
    return Decimal(1)


def _last_nonzero_step(number: str) -> Decimal:
    """The place value of the last non-zero digit, for 余/多: `3200` -> 100, `1.4` -> 0.1."""
    if "." in number:
        return _last_digit_step(number)
    stripped = number.rstrip("0")
    return Decimal(10) ** (len(number) - len(stripped)) if stripped else Decimal(1)


def figure_interval(
    number: str,
    multiplier: Decimal,
    negative: bool,
    qualifier: str | None,
    approx_band: Decimal = DEFAULT_APPROX_BAND,
) -> tuple[Decimal, Decimal | None, Decimal | None]:
    """Value and [lower, upper] of a written figure (None = unbounded).

    The interval is worked out on the magnitude and mirrored for a negative figure, so that
    `下降超过10%` (-10, more than 10 down) is at most -10.
    """
    digits = number.replace(",", "")
    value = Decimal(digits) * multiplier
    if qualifier in SURPLUS_WORDS:
        lower, upper = value, value + _last_nonzero_step(digits) * multiplier
    else:
        half_step = _last_digit_step(digits) * multiplier / 2
        lower, upper = value - half_step, value + half_step
    return qualified_interval(value, lower, upper, negative, qualifier, approx_band)


def qualified_interval(
    value: Decimal,
    lower: Decimal | None,
    upper: Decimal | None,
    negative: bool,
    qualifier: str | None,
    approx_band: Decimal = DEFAULT_APPROX_BAND,
) -> tuple[Decimal, Decimal | None, Decimal | None]:
    """Narrow or open the written interval [lower, upper] of `value` by its qualifier, then
    mirror it for a negative figure (exact forms such as 三分之一 come with lower = upper)."""
    if qualifier in LOWER_BOUND_WORDS + LOWER_BOUND_AFTER:
        lower, upper = value, None
    elif qualifier in UPPER_BOUND_WORDS + UPPER_BOUND_AFTER:
        lower, upper = None, value
    elif qualifier in APPROX_BEFORE_WORDS + APPROX_AFTER:
        lower, upper = value * (1 - approx_band), value * (1 + approx_band)
    if negative:
        return -value, None if upper is None else -upper, None if lower is None else -lower
    return value, lower, upper


def parse_written_quantity(
    text: str, approx_band: Decimal = DEFAULT_APPROX_BAND
) -> WrittenQuantity:
    """Parse `text` (one figure, optionally with qualifier and unit word) into value and interval.

    Raises WrittenQuantityError naming the text when it is not a single figure.
    """
    match = _PATTERN.match(normalise(text))
    if match is None:
        raise WrittenQuantityError(f"not a written quantity: {text!r}")
    parts = match.groupdict()
    if parts["surplus1"] and parts["surplus2"]:
        raise WrittenQuantityError(f"余/多 written twice: {text!r}")
    if parts["before"] and parts["after"]:
        raise WrittenQuantityError(f"two qualifiers in one figure: {text!r}")

    surplus = parts["surplus1"] or parts["surplus2"]
    qualifier = parts["before"] or parts["after"] or surplus
    value, lower, upper = figure_interval(
        parts["number"],
        magnitude(parts["multiplier"]),
        parts["sign"] == "-",
        qualifier,
        approx_band,
    )
    return WrittenQuantity(
        text=text,
        value=float(value),
        lower=None if lower is None else float(lower),
        upper=None if upper is None else float(upper),
        qualifier=qualifier,
        is_percent=bool(parts["percent"]),
        unit_word=parts["unit"],
    )

import pytest

from ingest.written_quantity import WrittenQuantityError, parse_written_quantity


@pytest.mark.parametrize(
    ("text", "value", "lower", "upper"),
    [
        ("29697万人", 296_970_000, 296_965_000, 296_975_000),
        ("21.1%", 21.1, 21.05, 21.15),
        ("2.37亿", 237_000_000, 236_500_000, 237_500_000),
        ("1411778724", 1_411_778_724, 1_411_778_723.5, 1_411_778_724.5),
        ("4.03万", 40_300, 40_250, 40_350),
        ("1,234,567", 1_234_567, 1_234_566.5, 1_234_567.5),
    ],
)
def test_rounding_gives_half_a_unit_of_the_last_digit(text, value, lower, upper):
    parsed = parse_written_quantity(text)
    assert parsed.value == pytest.approx(value)
    assert parsed.lower == pytest.approx(lower)
    assert parsed.upper == pytest.approx(upper)
    assert parsed.qualifier is None


@pytest.mark.parametrize(
    ("text", "lower", "upper"),
    [
        ("3200余", 3200, 3300),
        ("3200多", 3200, 3300),
        ("60多万", 600_000, 700_000),
        ("1.4万多", 14_000, 15_000),
        ("3800多万", 38_000_000, 39_000_000),
        ("2.8万余", 28_000, 29_000),
        ("1120余万", 11_200_000, 11_300_000),
    ],
)
def test_surplus_words_open_the_interval_upwards(text, lower, upper):
    parsed = parse_written_quantity(text)
    assert (parsed.lower, parsed.upper) == (pytest.approx(lower), pytest.approx(upper))
    assert parsed.qualifier in {"余", "多"}


@pytest.mark.parametrize("text", [">4400万", "超4400万", "超过4400万", "逾4400万", "4400万以上"])
def test_lower_bound_words(text):
    parsed = parse_written_quantity(text)
    assert parsed.lower == 44_000_000
    assert parsed.upper is None


@pytest.mark.parametrize("text", ["近700", "将近700", "不足700", "700以下", "700以内"])
def test_upper_bound_words(text):
    parsed = parse_written_quantity(text)
    assert parsed.lower is None
    assert parsed.upper == 700


def test_approximate_figures_get_a_two_sided_band():
    parsed = parse_written_quantity("约400万")
    assert parsed.qualifier == "约"
    assert parsed.lower < 4_000_000 < parsed.upper
    assert parsed.upper - 4_000_000 == pytest.approx(4_000_000 - parsed.lower)
    assert parse_written_quantity("400万左右").qualifier == "左右"


def test_traditional_characters_and_full_width_digits_mean_the_same():
    assert parse_written_quantity("２．３７億").value == parse_written_quantity("2.37亿").value
    assert parse_written_quantity("29697萬人").value == 296_970_000
    assert parse_written_quantity("２１．１％").is_percent


@pytest.mark.parametrize(
    ("text", "value", "unit_word"),
    [
        ("+18.9%", 18.9, ""),
        ("−85万人", -850_000, "人"),
        ("-1.2%", -1.2, ""),
        ("+0.59个百分点", 0.59, "个百分点"),
    ],
)
def test_signed_changes(text, value, unit_word):
    parsed = parse_written_quantity(text)
    assert parsed.value == pytest.approx(value)
    assert parsed.unit_word == unit_word
    assert parsed.lower < parsed.value < parsed.upper


def test_percent_and_unit_word_are_kept():
    assert parse_written_quantity("21.1%").is_percent
    counted = parse_written_quantity("50992万人")
    assert not counted.is_percent
    assert counted.unit_word == "人"


@pytest.mark.parametrize("text", ["", "abc", "21.1%%", "超4400万以上", "3200余多", "二十"])
def test_text_that_is_not_one_figure_is_rejected_with_the_text_named(text):
    with pytest.raises(WrittenQuantityError, match=r"written|qualifier|余/多"):
        parse_written_quantity(text)

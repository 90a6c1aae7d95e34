"""Report texts read from bytes: encodings recognised, what is not text refused."""

import codecs

import pytest

from ingest.report_text import UnreadableText, decode_report

TEXT = "截至2024年底，全国60岁及以上人口31031万人。"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("gbk"), "gb18030"),
        (TEXT.encode("gb18030"), "gb18030"),
    ],
)
def test_encodings_are_read(data, encoding):
    assert decode_report(data) == (TEXT, encoding)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"  \n\n ", "empty"),
        (b"%PDF-1.7\x00\x01\x02\x03binary", "binary"),
        (bytes(range(256)) * 8, "binary"),
        (b"\x81\x30\xff\xfe\x80" * 50, "not a text"),
    ],
)
def test_what_is_not_text_is_refused_with_the_encodings_read(data, reason):
    with pytest.raises(UnreadableText, match=reason) as refused:
        decode_report(data)
    assert "\n" not in str(refused.value)

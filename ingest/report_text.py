"""Reading a text file (a report, or a CSV export) from bytes: its encoding told or recognised,
and what is not text refused.

UTF-8 (with or without a BOM) and UTF-16 with a BOM are read as such; otherwise GB18030 (which
holds GBK and GB2312) is tried, the usual encoding of Chinese government pages saved as text.
An empty file, or bytes that are no text in any of these (a PDF, an image, a zip), are refused
with a message that says which encodings are read.
"""

from __future__ import annotations

import codecs
import re

ENCODINGS_READ = "UTF-8, UTF-16 with a byte-order mark, or GB18030/GBK"
_CJK = re.compile(r"[\u4e00-\u9fff]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


class UnreadableText(ValueError):
    """The bytes are not a report text this project can read."""


def _looks_like_text(text: str) -> bool:
    sample = text[:20_000]
    return len(_CONTROL.findall(sample)) <= max(2, len(sample) // 1000)


def decode_report(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a report file's bytes; raises UnreadableText."""
    if not data.strip():
        raise UnreadableText("the file is empty")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    elif b"\x00" in data[:4096]:
        raise UnreadableText(f"binary data, not a text file (expected {ENCODINGS_READ})")
    else:
        candidates = ["utf-8-sig", "gb18030"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _looks_like_text(text):
            break
        if encoding == "gb18030" and not _CJK.search(text):
            break  # bytes that happen to decode, but are not Chinese text
        return text, "utf-8" if encoding == "utf-8-sig" else encoding
    raise UnreadableText(f"not a text in {ENCODINGS_READ}")

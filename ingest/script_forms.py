"""Traditional characters to simplified: the one converter every reader of Chinese text uses."""

from __future__ import annotations

from functools import cache


@cache
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional characters to simplified, one character for one, so offsets still hold."""
    converter = _converter()
    converted = converter.convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(c if len(c := converter.convert(char)) == 1 else char for char in text)

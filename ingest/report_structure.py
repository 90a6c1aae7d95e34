"""Locators in a report's text: the section a line belongs to and its paragraph number.

A report as extracted from PDF is one line per paragraph (a page break may split one). Lines are:
- headings: `一 标题` / `一、标题` (part), `（一）标题` (chapter), `1. 标题` (section);
- footnotes: lines opening with a footnote marker (①, ^①, - ①, [1]) or `* ` (author notes);
- body: everything else.
A locator is the heading path (`一(一)1`, `front` before the first part heading) and the body
paragraph's 1-based index inside that section; a heading is paragraph 0 of its own section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PART = re.compile(r"^([一二三四五六七八九十]+)[\s、]+\S")
_CHAPTER = re.compile(r"^[（(]([一二三四五六七八九十]+)[）)]")
_SECTION = re.compile(r"^(\d{1,2})[.．、]\s?\S")
_FOOTNOTE = re.compile(r"^(\^?[①-⑳]|-\s?[①-⑳]|\[\d+\]|\*\s)")
HEADING_MAX_CHARS = 40


@dataclass(frozen=True)
class Paragraph:
    section: str
    index: int
    kind: str  # heading, body or footnote
    start: int
    end: int


def _is_heading_line(line: str) -> bool:
    return len(line) <= HEADING_MAX_CHARS and "。" not in line


def paragraphs(text: str) -> list[Paragraph]:
    """Every non-empty line with its locator, in order."""
    part = chapter = section = ""
    counts: dict[str, int] = {}
    found = []
    offset = 0
    for raw_line in text.splitlines(keepends=True):
        start, offset = offset, offset + len(raw_line)
        line = raw_line.strip()
        if not line:
            continue
        kind = "body"
        if _FOOTNOTE.match(line):
            kind = "footnote"
        elif _is_heading_line(line) and (match := _PART.match(line)):
            part, chapter, section, kind = match[1], "", "", "heading"
        elif _is_heading_line(line) and (match := _CHAPTER.match(line)):
            chapter, section, kind = f"({match[1]})", "", "heading"
        elif _is_heading_line(line) and (match := _SECTION.match(line)):
            section, kind = match[1], "heading"
        path = f"{part}{chapter}{section}" or "front"
        if kind == "body":
            counts[path] = counts.get(path, 0) + 1
        index = counts.get(path, 0) if kind == "body" else 0
        found.append(Paragraph(path, index, kind, start, start + len(raw_line.rstrip("\n"))))
    return found


def locate(located: list[Paragraph], offset: int) -> Paragraph | None:
    """The paragraph that holds `offset`."""
    for paragraph in located:
        if paragraph.start <= offset < paragraph.end:
            return paragraph
    return None

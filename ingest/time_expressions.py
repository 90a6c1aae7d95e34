"""Time expressions of Chinese reports, resolved to dates against the report's reference date.

Absolute forms (截至2024年10月, 2023年末, 2024年上半年, 2021-2024年) resolve on their own;
relative ones (去年, 今年, 近五年, "十四五"以来) need the date the report speaks from; present-tense
words (目前, 当前, 现有) date a figure at that reference date. A year that is the base of a
comparison (较2022年, 比上年) is not the figure's own date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace

from ingest.chinese_numerals import chinese_digits
from ingest.written_quantity import CHANGE_VERBS


@dataclass(frozen=True)
class Dating:
    """When a figure is for: a date (`as_of`, a stock) or a period (a flow), and how it is known.

    `basis` is `stated` (the text says when), `present` (present tense: read at the report's
    reference date) or `none`; `evidence` is the words that dated it.
    """

    as_of: dt.date | None
    period_start: dt.date | None
    period_end: dt.date | None
    basis: str
    evidence: str
    start: int = -1  # where the words stand in the text searched (-1: not in the text)
    target: bool = False  # 到2027年: the date a plan is for, when it lies after the reference


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _year(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _stock(day: dt.date, match: re.Match) -> Dating:
    return Dating(day, None, None, "stated", match[0].strip(), match.start())


def _flow(first: dt.date, last: dt.date, match: re.Match) -> Dating:
    return Dating(None, first, last, "stated", match[0].strip(), match.start())


def _as_target(dating: Dating, reference: dt.date | None) -> Dating:
    """到2027年 is a plan's date unless the report speaks from after it (到2024年底 read in 2025
    is the end of a period that has passed)."""
    end = dating.as_of or dating.period_end
    future = reference is None or (end is not None and end >= reference)
    return replace(dating, target=future)


_Y = r"(?P<y>(?:19|20)\d{2})\s?年"
_MOVE_BEFORE = re.compile(rf"({CHANGE_VERBS}|达|升)$")
_COMPARED = re.compile(r"(较|比|与|同|相比|对比|从|由)\s?$")
_ABSOLUTE = re.compile(
    r"(?P<asof>截至|截止|截止到|到)?\s?"
    r"(?:(?P<y1>(?:19|20)\d{2})\s?(?:年\s?)?[-—–~至到]\s?(?P<y2>(?:19|20)\d{2})\s?年"
    r"|" + _Y + r"\s?(?:"
    r"(?P<ye>底|末|年底|年末)"
    r"|(?P<half>上半年|下半年)"
    r"|第?(?P<q>[一二三四1-4])\s?季度"
    r"|(?P<m1>\d{1,2})\s?[-—–~至到]\s?(?P<m2>\d{1,2})\s?月(?:份)?"
    r"|(?P<m>\d{1,2})\s?月(?:份)?(?:\s?(?P<d>\d{1,2})\s?日|\s?(?P<me>底|末))?"
    r")?)"
    r"(?P<since>以来|起|至今)?"
)
_RELATIVE_YEAR = re.compile(
    r"(?P<word>去年|上年|上一年|今年|本年|当年|前年)(?P<ye>底|末|年底|年末)?(?P<half>上半年|下半年)?"
)
_RECENT_YEARS = re.compile(r"(?:近|过去|最近)\s?(?P<n>\d{1,2}|[一二两三四五六七八九十]{1,3})\s?年")
_PLAN = re.compile(
    r"[“\"「]?十(?P<n>[一二三四五六七八九])五[”\"」]?\s?(?P<when>期间|时期|以来|末|规划期)?"
)
_PRESENT = re.compile(
    r"目前|当前|现有|现阶段|截至目前|截止目前|如今|眼下|现已|至今|迄今|已达|已经达到|已超过|已突破|已有"
)


def _absolute(match: re.Match, reference: dt.date | None) -> Dating | None:
    if match["y1"]:
        first, last = int(match["y1"]), int(match["y2"])
        return _flow(_year(first)[0], _year(last)[1], match) if first < last else None
    year = int(match["y"])
    if match["since"] and match["since"] != "起":
        # 2013年以来: from that year to the reference date's previous year end.
        if reference is None or reference.year <= year:
            return None
        return _flow(dt.date(year, 1, 1), dt.date(reference.year - 1, 12, 31), match)
    if match["ye"]:
        return _stock(dt.date(year, 12, 31), match)
    if match["half"]:
        return _flow(
            dt.date(year, 1, 1) if match["half"] == "上半年" else dt.date(year, 7, 1),
            dt.date(year, 6, 30) if match["half"] == "上半年" else dt.date(year, 12, 31),
            match,
        )
    if match["q"]:
        quarter = {"一": 1, "二": 2, "三": 3, "四": 4}.get(match["q"]) or int(match["q"])
        return _flow(dt.date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter), match)
    if match["m1"]:
        first, last = int(match["m1"]), int(match["m2"])
        if not 1 <= first <= last <= 12:
            return None
        if match["asof"] and match["asof"] != "到":
            return _stock(_month_end(year, last), match)
        return _flow(dt.date(year, first, 1), _month_end(year, last), match)
    if match["m"]:
        month = int(match["m"])
        if not 1 <= month <= 12:
            return None
        if match["d"]:
            try:
                return _stock(dt.date(year, month, int(match["d"])), match)
            except ValueError:
                return None
        if (match["asof"] and match["asof"] != "到") or match["me"]:
            return _stock(_month_end(year, month), match)
        return _flow(dt.date(year, month, 1), _month_end(year, month), match)
    if match["asof"] in ("截至", "截止", "截止到"):
        return _stock(dt.date(year, 12, 31), match)
    return _flow(*_year(year), match)


def _relative(match: re.Match, reference: dt.date) -> Dating:
    offset = {"去年": -1, "上年": -1, "上一年": -1, "前年": -2}.get(match["word"], 0)
    year = reference.year + offset
    evidence = f"{match[0]} (read at {reference.isoformat()})"
    if match["ye"]:
        return Dating(dt.date(year, 12, 31), None, None, "stated", evidence, match.start())
    if match["half"] == "上半年":
        return Dating(
            None, dt.date(year, 1, 1), dt.date(year, 6, 30), "stated", evidence, match.start()
        )
    if match["half"] == "下半年":
        return Dating(
            None, dt.date(year, 7, 1), dt.date(year, 12, 31), "stated", evidence, match.start()
        )
    return Dating(None, *_year(year), "stated", evidence, match.start())


def _recent(match: re.Match, reference: dt.date) -> Dating | None:
    written = match["n"]
    years = int(written) if written.isdigit() else int(chinese_digits(written) or 0)
    if not 1 <= years <= 30:
        return None
    evidence = f"{match[0]} (read at {reference.isoformat()})"
    return Dating(
        None,
        dt.date(reference.year - years, 1, 1),
        dt.date(reference.year - 1, 12, 31),
        "stated",
        evidence,
        match.start(),
    )


def _plan(match: re.Match, reference: dt.date | None) -> Dating:
    """The five-year plans: 十一五 is 2006-2010, 十四五 2021-2025. 以来 runs to the last full
    year before the reference date, inside the plan."""
    first = 2006 + 5 * ("一二三四五六七八九".index(match["n"]))
    last = first + 4
    if match["when"] == "末":
        return Dating(dt.date(last, 12, 31), None, None, "stated", match[0], match.start())
    if reference is not None and match["when"] == "以来" and first < reference.year <= last + 1:
        last = reference.year - 1
        evidence = f"{match[0]} (read at {reference.isoformat()})"
        return Dating(
            None, dt.date(first, 1, 1), dt.date(last, 12, 31), "stated", evidence, match.start()
        )
    return Dating(
        None, dt.date(first, 1, 1), dt.date(last, 12, 31), "stated", match[0], match.start()
    )


def datings(text: str, reference: dt.date | None) -> list[Dating]:
    """Every time expression in `text` that dates a figure, in order of position. Years that
    are the base of a comparison (较2022年) or a figure's earlier value (从2020年的68%) are left
    out; relative ones are left out when the reference date is unknown."""
    found: list[Dating] = []
    taken: list[tuple[int, int]] = []
    for match in _PLAN.finditer(text):
        found.append(_plan(match, reference))
        taken.append(match.span())
    for match in _ABSOLUTE.finditer(text):
        if any(a <= match.start("y1" if match["y1"] else "y") < b for a, b in taken):
            continue
        if _COMPARED.search(text[max(0, match.start() - 4) : match.start()]):
            continue
        # 从2020年的68%提升至94%: that year is the earlier figure's.
        if re.match(r"\s?的[^，,；;。]*\d", text[match.end() :]):
            continue
        dating = _absolute(match, reference)
        if dating is None:
            continue
        # 到2027年 is a plan's date; 提高到2024年的67% is the year of the figure that follows.
        planned = (
            match["asof"] == "到"
            and not _MOVE_BEFORE.search(text[max(0, match.start() - 3) : match.start()])
            and not text[match.end() :].lstrip().startswith("的")
        )
        found.append(_as_target(dating, reference) if planned else dating)
    if reference is not None:
        for match in _RELATIVE_YEAR.finditer(text):
            if not _COMPARED.search(text[max(0, match.start() - 4) : match.start()]):
                found.append(_relative(match, reference))
        for match in _RECENT_YEARS.finditer(text):
            if (dating := _recent(match, reference)) is not None:
                found.append(dating)
    for match in _PRESENT.finditer(text):
        found.append(Dating(None, None, None, "present", match[0], match.start()))
    return sorted(found, key=lambda d: d.start)


_BASE_YEAR = re.compile(r"(?:较|比|与)\s?(?P<y>(?:19|20)\d{2})\s?年(?P<end>底|末)?")
_BASE_RELATIVE = re.compile(r"(?:较|比|与)\s?(?:上年|去年|上一年)(?P<end>底|末|同期)?")


def implied_by_baseline(text: str, reference: dt.date | None) -> Dating | None:
    """较2022年增长1.3个百分点 with no date of its own speaks of 2023; 比上年 of the reference
    date's previous year."""
    if match := _BASE_YEAR.search(text):
        year = int(match["y"]) + 1
        evidence = f"{match[0]} (the year after the base)"
    elif reference is not None and (match := _BASE_RELATIVE.search(text)):
        year = reference.year - 1
        evidence = f"{match[0]} (read at {reference.isoformat()}: the year before)"
    else:
        return None
    if match["end"] in ("底", "末"):
        return Dating(dt.date(year, 12, 31), None, None, "stated", evidence, match.start())
    return Dating(None, *_year(year), "stated", evidence, match.start())

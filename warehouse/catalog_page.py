"""The release catalog: index.html in a release folder, a page that works offline.

It lists the datasets with their columns and download links, the sources, the data-quality
status and the verification summary, and draws the main series as inline SVG charts with the
report's claims marked on them. Everything is read from datapackage.json and the snapshot; the
charts are those of `config.meta.charts` on the `indicator_series` model, which every build
copies into `meta.table_docs`. This module lays out the data and the geometry; the markup is
`templates/catalog.html.j2`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.table_docs import table_meta
from warehouse.templates import render

RELEASE_FILES = (
    ("govmetrics.xlsx", "every dataset in one Excel workbook, a data dictionary first"),
    ("changes.csv", "what changed since the previous release (figures and verdicts)"),
    ("datapackage.json", "Data Package: every file with its schema, row count and checksum"),
    ("SHA256SUMS", "checksums of every file, for sha256sum -c"),
)
# Changes listed on the page; changes.csv holds all of them.
CHANGES_SHOWN = 200
# The model whose `config.meta.charts` lists the charts.
CHARTS_MODEL = ("marts", "indicator_series")
# Official figures of a chart: the preferred national figure for each date, with the interval
# its written form stands for (None for an open end) and its qualifier (约, 近, >, 多 ...).
SERIES_SQL = (
    "select coalesce(as_of, period_end), value, lower, upper, qualifier, value_as_written"
    " from marts.indicator_series where indicator_code = ? and geo_code = '000000'"
    " and is_preferred and value is not null and coalesce(as_of, period_end) is not null"
    " order by 1, source_id"
)
# A claim without a value has no height on the chart, so it is not drawn.
CLAIMS_SQL = (
    "select claim_id, surface, claimed_value, claimed_lower, claimed_upper, claim_period, verdict"
    " from marts.claim_verification where indicator_code = ? and claimed_value is not null"
    " order by claim_id"
)


@dataclass(frozen=True)
class Chart:
    """One indicator's national series, drawn in `unit` (a value in base units / scale)."""

    id: str
    title_zh: str
    title_en: str
    unit: str
    indicator_code: str
    scale: float

    @property
    def title(self) -> str:
        return f"{self.title_en} · {self.title_zh}"


@dataclass(frozen=True)
class Mark:
    """A figure as drawn, in its chart's unit: the value and the interval its written form
    stands for (None for an open end); `qualified` when written with 约, 近, >, 多 ..."""

    day: dt.date | None
    value: float
    lower: float | None
    upper: float | None
    qualified: bool = False

    def ends(self) -> list[float]:
        """The value and the finite ends of the interval."""
        return [v for v in (self.value, self.lower, self.upper) if v is not None]


@dataclass(frozen=True)
class Drawn:
    """A mark laid out in SVG units. `kind` is "exact" (a dot, or a diamond for a claim, at
    `cy`), "range" (a `bar` from the upper end down to the lower, both capped) or "bound lower"
    / "bound upper" (a cap and a `stem` from it to an arrow's tip, pointing `up` or down);
    `lower` and `upper` are the interval's ends in the chart's unit (None for an open end)."""

    kind: str
    claim: bool
    tooltip: str
    cx: float
    cy: float
    lower: float | None = None
    upper: float | None = None
    bar: tuple[float, float] | None = None
    stem: tuple[float, float] | None = None
    up: bool = False


@dataclass(frozen=True)
class Gap:
    """A span without an official figure: a band from x, `width` wide, labelled at `middle`."""

    since: dt.date
    until: dt.date
    x: float
    width: float
    middle: float


@dataclass(frozen=True)
class Svg:
    """A chart laid out: its axes' ticks as (y, value) and (x, year), the undated lane's centre
    (None without undated claims), gaps, the line's runs of points and the marks in drawing
    order. `empty` when nothing has a date: the chart is then an empty box."""

    id: str
    label: str
    empty: bool
    width: int = 0
    height: int = 0
    left: int = 0
    right: int = 0
    top: int = 0
    bottom: int = 0
    middle: float = 0
    dot: float = 0
    y_ticks: Sequence[tuple[float, float]] = ()
    x_ticks: Sequence[tuple[float, int]] = ()
    lane: float | None = None
    gaps: Sequence[Gap] = ()
    lines: Sequence[Sequence[tuple[float, float]]] = ()
    marks: Sequence[Drawn] = ()


@dataclass(frozen=True)
class Cell:
    """A table cell's text; a numeric one is right-aligned."""

    text: str
    numeric: bool = False


@dataclass(frozen=True)
class Table:
    """Headers and rows of cells; `lang` is "zh-CN" for a table of Chinese text."""

    headers: Sequence[str]
    rows: list[list[Cell]]
    lang: str = ""


@dataclass(frozen=True)
class Link:
    """A text, linked when `href` is set."""

    text: str
    href: str | None = None


# Chart geometry, in SVG user units.
WIDTH, HEIGHT = 400, 240
LEFT, RIGHT, TOP, BOTTOM = 46, 14, 12, 28
UNDATED_LANE = 64
DOT_R = 3.2
ARROW = 16  # length of a bound's arrow
# An interval taller than this is drawn as a range; a shorter one is covered by its dot or diamond.
MARK_SIZE = 7
# Figures further apart than this (about a year; year-end figures are 365 or 366 days apart) are
# not joined: the span between them is drawn as a gap.
GAP_DAYS = 400
SYMBOLS = {"exact": "◆", "range": "↕", "bound lower": "↑", "bound upper": "↓"}


def _text(value: object) -> str:
    """The text of a value; None is empty."""
    return "" if value is None else str(value)


def _number(value: float) -> str:
    """A count with thousands separators, or a value with two decimals."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _table(headers: Sequence[str], rows: Iterable[Sequence[object]], lang: str = "") -> Table:
    """A table's cells: numbers laid out and right-aligned."""
    return Table(
        headers,
        [
            [Cell(_number(v), True) if isinstance(v, int | float) else Cell(_text(v)) for v in row]
            for row in rows
        ],
        lang,
    )


def _link(address: str | None, text: str | None = None) -> Link:
    """A link to an address as the registry records it (often without its scheme); anything that
    is not an address stays plain text."""
    if not address:
        return Link(_text(text))
    href = address if "://" in address else f"https://{address}"
    host = href.split("://", 1)[1].split("/", 1)[0]
    if " " in address or "." not in host:
        return Link(text or address)
    return Link(text or address, href)


def _sources(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Every source document: publisher, title (linked to the publisher's own address where
    known), publication date, the copy the figures were read in, grade, observations."""
    rows = con.execute(
        "select source_id, publisher, title, publisher_url, date_published, copy_read_at, grade,"
        " observations from marts.sources order by source_id"
    ).fetchall()
    return [
        {
            "id": _text(source_id),
            "publisher": _text(publisher),
            "title": _link(url, title),
            "published": _text(published),
            "copy_read": _link(copy),
            "grade": _text(grade),
            "observations": _number(observations),
        }
        for source_id, publisher, title, url, published, copy, grade, observations in rows
    ]


def _size(size: int) -> str:
    """A file size in kB or MB."""
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{math.ceil(size / 1e3)} kB"


def _datasets(resources: list[dict]) -> list[dict]:
    """One entry per dataset (x_dataset), with one download per file format."""
    grouped: dict[str, list[dict]] = {}
    for resource in resources:
        grouped.setdefault(resource["x_dataset"], []).append(resource)
    datasets = []
    for dataset, files in grouped.items():
        first = files[0]
        fields = first["schema"]["fields"]
        datasets.append(
            {
                "name": dataset,
                "title": first["title"],
                "description": first.get("description", ""),
                "rows": f"{first['x_rows']:,}",
                "files": [
                    {
                        "path": r["path"],
                        "format": r["format"].upper(),
                        "size": _size(r["bytes"]) if "bytes" in r else None,
                    }
                    for r in files
                ],
                "columns": _table(
                    ["column", "type", "description"],
                    ([f["name"], f["type"], f.get("description", "")] for f in fields),
                ),
            }
        )
    return datasets


def _checks(con: duckdb.DuckDBPyConnection) -> dict | None:
    """Passed, warned and failed expectations per suite in the latest data-quality run; None
    without one. The run's id and time are left out: they differ between two builds of the
    same data, and a release's files must not."""
    (has_results,) = con.execute(
        "select count(*) from information_schema.tables"
        " where table_schema = 'dq' and table_name = 'results'"
    ).fetchone()
    rows = []
    if has_results:
        rows = con.execute(
            "select suite, count(*) filter (where success),"
            " count(*) filter (where not success and severity = 'warn'),"
            " count(*) filter (where not success and severity = 'error')"
            " from dq.results where run_id = (select max_by(run_id, run_at) from dq.results)"
            " group by suite order by suite"
        ).fetchall()
    if not rows:
        return None
    return {
        "suites": [
            {"suite": suite, "passed": passed, "warned": warned, "failed": failed}
            for suite, passed, warned, failed in rows
        ],
    }


def _verification(con: duckdb.DuckDBPyConnection) -> dict:
    """Claims per verdict for each report, and the claims the official figures contradict or
    that lie beyond what the official series could have reached."""
    summary = con.execute(
        "select report_id, verdict, sum(claims)::integer as claims from marts.verification_summary"
        " group by report_id, verdict order by report_id, claims desc, verdict"
    ).fetchall()
    headers = ["claim", "surface", "official figure", "source", "explanation"]
    sections = []
    for verdict, title in (("inconsistent", "Inconsistent"), ("implausible", "Implausible")):
        rows = con.execute(
            "select claim_id, surface, official_value_as_written, official_source_id, explanation"
            " from marts.claim_verification where verdict = ? order by claim_id",
            [verdict],
        ).fetchall()
        sections.append({"title": title, "table": _table(headers, rows)})
    return {"summary": _table(["report", "verdict", "claims"], summary), "sections": sections}


def _ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round tick values (steps of 1, 2, 2.5 or 5 times a power of ten) covering low..high."""
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step + 1e-9) * step
    steps = math.ceil((high - first) / step - 1e-9)
    return [round(first + i * step, 10) for i in range(steps + 1)]


def _claim_date(period: str | None) -> dt.date | None:
    """The date of a claim period: an ISO date, the end of `start..end`, or None."""
    return dt.date.fromisoformat(period.split("..")[-1]) if period else None


def _shape(mark: Mark, pixels: float) -> str:
    """How a figure is drawn: "bound lower" (at least), "bound upper" (at most), "range", or
    "exact": a dot or diamond, also for an even interval of written precision (823万 is
    [822.5万, 823.5万]) no taller than the mark, which then covers it."""
    if mark.lower is None or mark.upper is None:
        if mark.lower is None and mark.upper is None:
            return "exact"
        return "bound lower" if mark.upper is None else "bound upper"
    if mark.lower == mark.upper:
        return "exact"
    uneven = not math.isclose(mark.value - mark.lower, mark.upper - mark.value, rel_tol=1e-6)
    return "range" if mark.qualified or uneven or pixels > MARK_SIZE else "exact"


def _reading(shape: str, mark: Mark, unit: str) -> str:
    """What a mark says, e.g. "at least 20%" or "between 3800 and 3900 万户"."""

    def amount(value: float | None) -> str:
        return f"{value:g}{'' if unit == '%' else ' '}{unit}"

    if shape == "bound lower":
        return f"at least {amount(mark.lower)}"
    if shape == "bound upper":
        return f"at most {amount(mark.upper)}"
    if shape == "range":
        return f"between {mark.lower:g} and {amount(mark.upper)}"
    return amount(mark.value)


def _drawn(
    kind: str, claim: bool, cx: float, y: Callable[[float], float], mark: Mark, tooltip: str
) -> Drawn:
    """A mark laid out: a dot or diamond at its value, a range between its ends, or a bound with
    an arrow ARROW long pointing the way the figure may lie (kept inside the plot)."""
    if kind == "exact":
        return Drawn(kind, claim, tooltip, cx, y(mark.value))
    bar = stem = None
    up = mark.lower is not None
    if mark.lower is not None and mark.upper is not None:
        bar = y(mark.upper), y(mark.lower)
    else:
        at = y(next(end for end in (mark.lower, mark.upper) if end is not None))
        stem = at, max(at - ARROW, TOP) if up else min(at + ARROW, HEIGHT - BOTTOM)
    return Drawn(kind, claim, tooltip, cx, y(mark.value), mark.lower, mark.upper, bar, stem, up)


def _line_chart(
    chart: Chart, figures: list[tuple[Mark, str]], claims: list[tuple[str, str, str, str, Mark]]
) -> tuple[Svg, list[str]]:
    """An SVG line chart of the official figures (with their as-written form) and the claims (id,
    surface, period, verdict, mark; undated ones at the right), and the shape of each claim.

    The line joins only two-sided figures at most GAP_DAYS apart: a longer span is a gap, drawn
    as a band, and a bound (近, 超过) is not a point the series passed through."""
    undated = any(mark.day is None for *_, mark in claims)
    right = WIDTH - RIGHT - (UNDATED_LANE if undated else 0)
    lane_x = (right + 10 + WIDTH) / 2  # centre of the undated lane, right of its separator
    bottom = HEIGHT - BOTTOM
    marks = [mark for mark, _ in figures] + [mark for *_, mark in claims]
    dates = [mark.day for mark in marks if mark.day]
    if not dates:
        return Svg(chart.id, chart.title, empty=True, width=WIDTH, height=HEIGHT), []
    first, last = min(dates).toordinal(), max(dates).toordinal()
    pad = max((last - first) * 0.04, 120)
    x0, x1 = first - pad, last + pad
    low = min(end for mark in marks for end in mark.ends())
    high = max(end for mark in marks for end in mark.ends())
    room = 0.12 * ((high - low) or abs(high) or 1)  # for a bound's arrow
    for mark in marks:
        if mark.upper is None and mark.lower is not None:
            high = max(high, mark.lower + room)
        if mark.lower is None and mark.upper is not None:
            low = min(low, mark.upper - room)
    y_ticks = _ticks(low, high)
    y0, y1 = y_ticks[0], y_ticks[-1]

    def x(day: dt.date | None) -> float:
        return lane_x if day is None else LEFT + (day.toordinal() - x0) / (x1 - x0) * (right - LEFT)

    def y(value: float) -> float:
        return bottom - (value - y0) / (y1 - y0) * (bottom - TOP)

    def shape(mark: Mark) -> str:
        both = mark.lower is not None and mark.upper is not None
        tall = y(mark.lower) - y(mark.upper) if both else 0
        return _shape(mark, tall)

    years = [
        year
        for year in range(min(dates).year - 1, max(dates).year + 1)
        if x0 <= dt.date(year, 12, 31).toordinal() <= x1
    ]
    year_step = max(1, math.ceil(len(years) / 6))
    runs: list[list[Mark]] = []
    gaps: list[Gap] = []
    drawn: list[Drawn] = []
    previous: tuple[Mark, str] | None = None
    for mark, written in figures:
        kind = shape(mark)
        gap = previous is not None and (mark.day - previous[0].day).days > GAP_DAYS
        if gap:
            since, until = previous[0].day, mark.day
            left = x(since)
            gaps.append(Gap(since, until, left, x(until) - left, (left + x(until)) / 2))
        if previous is not None and not gap and "bound" not in previous[1] + kind:
            runs[-1].append(mark)
        else:
            runs.append([mark])
        previous = mark, kind
        tooltip = f"{mark.day}: {_text(written)}" + (
            f" · {_reading(kind, mark, chart.unit)}" if kind != "exact" else ""
        )
        drawn.append(_drawn(kind, False, x(mark.day), y, mark, tooltip))
    shapes = []
    for claim_id, surface, period, verdict, mark in claims:
        kind = shape(mark)
        shapes.append(kind)
        tooltip = (
            f"{_text(claim_id)} · {_text(surface)} · claimed {_reading(kind, mark, chart.unit)}"
            f" · {_text(verdict)} · {period or 'undated'}"
        )
        drawn.append(_drawn(kind, True, x(mark.day), y, mark, tooltip))
    svg = Svg(
        chart.id,
        chart.title,
        empty=False,
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=right,
        top=TOP,
        bottom=bottom,
        middle=(TOP + bottom) / 2,
        dot=DOT_R,
        y_ticks=[(y(tick), tick) for tick in y_ticks],
        x_ticks=[(x(dt.date(year, 12, 31)), year) for year in years[::-year_step]],
        lane=lane_x if undated else None,
        gaps=gaps,
        lines=[[(x(m.day), y(m.value)) for m in run] for run in runs if len(run) > 1],
        marks=drawn,
    )
    return svg, shapes


def _chart_figure(con: duckdb.DuckDBPyConnection, chart: Chart) -> dict:
    """A chart and the list of claims drawn on it."""

    def unit(value: float | None) -> float | None:
        return None if value is None else value / chart.scale

    figures = [
        (Mark(day, value / chart.scale, unit(lower), unit(upper), bool(qualifier)), written)
        for day, value, lower, upper, qualifier, written in con.execute(
            SERIES_SQL, [chart.indicator_code]
        ).fetchall()
    ]
    claims = [
        (claim_id, surface, period, verdict, Mark(_claim_date(period), *map(unit, ends)))
        for claim_id, surface, *ends, period, verdict in con.execute(
            CLAIMS_SQL, [chart.indicator_code]
        ).fetchall()
    ]
    svg, shapes = _line_chart(chart, figures, claims)
    listed = [
        {
            "symbol": SYMBOLS[kind],
            "claim_id": _text(claim_id),
            "surface": _text(surface),
            "period": period or "undated",
            "reading": _reading(kind, mark, chart.unit),
            "verdict": _text(verdict),
        }
        for (claim_id, surface, period, verdict, mark), kind in zip(claims, shapes, strict=True)
    ]
    return {"title": chart.title, "unit": chart.unit, "svg": svg, "claims": listed}


def _charts(con: duckdb.DuckDBPyConnection, db_path: Path) -> list[Chart]:
    """The chart specifications the build recorded from `config.meta.charts` of the model."""
    specifications = table_meta(con, *CHARTS_MODEL).get("charts")
    if not specifications:
        raise ValueError(
            f"{db_path}: meta.table_docs has no charts for {'.'.join(CHARTS_MODEL)}; add"
            " config.meta.charts to its entry in dbt_project/models/marts/ and build again"
        )
    return [Chart(**specification) for specification in specifications]


def _read_changes(file: Path) -> tuple[Counter, list[dict[str, str]]]:
    """Counts per kind of change, and the first CHANGES_SHOWN rows in file order; read by DuckDB,
    as a release of a large panel lists millions of changes. An empty file lists none."""
    if file.stat().st_size == 0:
        return Counter(), []
    quoted = str(file).replace("'", "''")
    # The dialect is given, not sniffed: on a 10-million-row file DuckDB's sniffer once took
    # the file for a single line and the release failed.
    relation = (
        f"read_csv('{quoted}', header = true, all_varchar = true, delim = ',', quote = '\"',"
        " escape = '\"', new_line = '\\n')"
    )
    with duckdb.connect() as con:
        counts = Counter(
            dict(con.execute(f"select change, count(*) from {relation} group by 1").fetchall())
        )
        cursor = con.execute(f"select * from {relation} limit {CHANGES_SHOWN}")
        names = [column[0] for column in cursor.description]
        changes = [
            {name: value or "" for name, value in zip(names, row, strict=True)}
            for row in cursor.fetchall()
        ]
    return counts, changes


def _changes(release_dir: Path, previous: str | None) -> dict | None:
    """Counts per kind of change and the first CHANGES_SHOWN rows of changes.csv (None without
    the file)."""
    file = release_dir / "changes.csv"
    if not file.exists():
        return None
    counts, changes = _read_changes(file)
    shown = [
        [
            row["change"],
            row["indicator_code"],
            row["geo_code"],
            row["period"],
            row["claim_id"],
            row["old_as_written"] or row["old_verdict"],
            row["new_as_written"] or row["new_verdict"],
            row["old_source_id"],
            row["new_source_id"],
        ]
        for row in changes
    ]
    headers = [
        "change",
        "indicator",
        "place",
        "period",
        "claim",
        "old",
        "new",
        "old source",
        "new source",
    ]
    return {
        "against": f"release {previous}" if previous else "nothing (this is the first release)",
        "summary": ", ".join(f"{kind} {count}" for kind, count in sorted(counts.items())),
        "total": counts.total(),
        "table": _table(headers, shown, lang="zh-CN"),
    }


def write_catalog_page(release_dir: Path, db_path: Path) -> Path:
    """Write release_dir/index.html from the release's datapackage.json and the snapshot."""
    package = json.loads((release_dir / "datapackage.json").read_text(encoding="utf-8"))
    with duckdb.connect(str(db_path), read_only=True) as con:
        charts = [_chart_figure(con, chart) for chart in _charts(con, db_path)]
        checks = _checks(con)
        verification = _verification(con)
        sources = _sources(con)
    previous = package.get("x_previous_release")
    page = render(
        "catalog.html.j2",
        version=package["version"],
        previous=previous,
        licences=[_link(licence["path"], licence["title"]) for licence in package["licenses"]],
        release_files=RELEASE_FILES,
        changes=_changes(release_dir, previous),
        charts=charts,
        checks=checks,
        verification=verification,
        datasets=_datasets([r for r in package["resources"] if r["x_dataset"] != "changes"]),
        sources=sources,
    )
    target = release_dir / "index.html"
    target.write_text(page, encoding="utf-8")
    return target

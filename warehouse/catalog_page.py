"""The release catalog: index.html in a release folder, a page that works offline.

It lists the datasets with their columns and download links, the sources, the data-quality
status and the verification summary, and draws the three main series as inline SVG charts with
the report's claims marked on them. Everything is read from datapackage.json and the snapshot.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

import duckdb

ABOUT = (
    "govmetrics is a warehouse of official statistics on China's community governance and "
    "elderly care, each figure with its source, and of the claims made in reports, checked "
    "against those figures."
)
RELEASE_FILES = (
    ("govmetrics.xlsx", "every dataset in one Excel workbook, a data dictionary first"),
    ("changes.csv", "what changed since the previous release (figures and verdicts)"),
    ("datapackage.json", "Data Package: every file with its schema, row count and checksum"),
    ("SHA256SUMS", "checksums of every file, for sha256sum -c"),
)
# Changes listed on the page; changes.csv holds all of them.
CHANGES_SHOWN = 200
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
    title: str
    unit: str
    indicator_code: str
    scale: float


CHARTS = (
    Chart("chart-ageing", "Share aged 60+ · 60岁及以上人口占比", "%", "pop_60_plus_share", 1),
    Chart("chart-beds", "Elderly-care beds · 养老服务床位", "万张", "eldercare_beds_total", 1e4),
    Chart(
        "chart-volunteers",
        "Registered volunteers · 注册志愿者",
        "亿人",
        "registered_volunteers",
        1e8,
    ),
)


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

CSS = """
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --accent: #1f5f99; --claim: #c62828; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; font: 15px/1.5 system-ui, -apple-system,
  "Segoe UI", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei",
  sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 28px 48px; }
header { border-bottom: 3px solid var(--accent); padding-bottom: 12px; }
h1 { margin: 0 0 4px; font-size: 26px; }
h2 { margin: 36px 0 8px; font-size: 20px; border-bottom: 1px solid var(--line); }
h3 { margin: 0 0 4px; font-size: 16px; }
a { color: var(--accent); }
.meta, .note, figcaption small { color: var(--muted); }
nav a { margin-right: 14px; }
table { border-collapse: collapse; margin: 6px 0; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 10px 3px 0; text-align: left;
  vertical-align: top; }
th { color: var(--muted); font-weight: 600; white-space: nowrap; }
td:first-child { white-space: nowrap; }
td.num, th.num { text-align: right; }
td.bad { color: var(--claim); font-weight: 600; }
td.warn { color: #a15c00; font-weight: 600; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
figure { margin: 0; flex: 1 1 380px; max-width: 410px; border: 1px solid var(--line);
  border-radius: 6px; padding: 10px; }
figcaption { font-weight: 600; font-size: 14px; }
figure ul { margin: 4px 0 0; padding-left: 18px; font-size: 12px; }
svg { display: block; width: 100%; height: auto; font-size: 11px; }
svg .grid { stroke: var(--line); }
svg .axis { stroke: var(--muted); }
svg .line { fill: none; stroke: var(--accent); stroke-width: 2; }
svg .point { fill: var(--accent); }
svg .bar, svg .cap, svg .stem { stroke: var(--accent); stroke-width: 2; }
svg .bar { stroke-width: 3; stroke-opacity: .55; }
svg .head { fill: var(--accent); stroke: none; }
svg .claim { fill: var(--claim); stroke: #fff; stroke-width: 1; }
svg .claim .bar, svg .claim .cap, svg .claim .stem { stroke: var(--claim); }
svg .claim .head { fill: var(--claim); }
svg .gap { fill: #eef2f6; }
svg text { fill: var(--muted); }
svg .gap-label { fill: #8a97a6; font-size: 9px; letter-spacing: .5px; }
.dataset { padding: 10px 0; border-bottom: 1px solid var(--line); }
.dataset p { margin: 2px 0; }
.diamond { color: var(--claim); }
"""


def _e(value: object) -> str:
    """Escaped text of a value; None is empty."""
    return "" if value is None else escape(str(value))


def _number(value: float) -> str:
    """A count with thousands separators, or a value with two decimals."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _table(headers: Sequence[str], rows: Iterable[Sequence[object]], lang: str = "") -> str:
    """An HTML table; numeric cells are right-aligned."""
    attributes = f' lang="{lang}"' if lang else ""
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{_number(v)}</td>'
            if isinstance(v, int | float)
            else f"<td>{_e(v)}</td>"
            for v in row
        )
        + "</tr>"
        for row in rows
    )
    return f"<table{attributes}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _link(address: str | None, text: str | None = None) -> str:
    """A link to an address as the registry records it (often without its scheme); anything that
    is not an address stays plain text."""
    if not address:
        return _e(text)
    href = address if "://" in address else f"https://{address}"
    host = href.split("://", 1)[1].split("/", 1)[0]
    if " " in address or "." not in host:
        return _e(text or address)
    return f'<a href="{escape(href, quote=True)}">{_e(text or address)}</a>'


def _sources(con: duckdb.DuckDBPyConnection) -> str:
    """Every source document: publisher, title (linked to the publisher's own address where
    known), publication date, the copy the figures were read in, grade, observations."""
    rows = con.execute(
        "select source_id, publisher, title, publisher_url, date_published, copy_read_at, grade,"
        " observations from marts.sources order by source_id"
    ).fetchall()
    head = "".join(
        f"<th>{h}</th>"
        for h in ("source", "publisher", "title", "published", "copy read", "grade", "observations")
    )
    body = "".join(
        f"<tr><td>{_e(sid)}</td><td>{_e(publisher)}</td><td>{_link(url, title)}</td>"
        f"<td>{_e(date)}</td><td>{_link(copy)}</td><td>{_e(grade)}</td>"
        f'<td class="num">{_number(observations)}</td></tr>'
        for sid, publisher, title, url, date, copy, grade, observations in rows
    )
    table = f'<table lang="zh-CN"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    return f'<h2 id="sources">Sources ({len(rows)})</h2>\n{table}'


def _size(size: int) -> str:
    """A file size in kB or MB."""
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{math.ceil(size / 1e3)} kB"


def _datasets(resources: list[dict]) -> str:
    """One section per dataset (x_dataset), with one download link per file format."""
    grouped: dict[str, list[dict]] = {}
    for resource in resources:
        grouped.setdefault(resource["x_dataset"], []).append(resource)
    sections = []
    for dataset, files in grouped.items():
        first = files[0]
        links = " · ".join(
            f'<a href="{_e(r["path"])}">{_e(r["format"].upper())}</a>'
            + (f" ({_size(r['bytes'])})" if "bytes" in r else "")
            for r in files
        )
        fields = first["schema"]["fields"]
        columns = _table(
            ["column", "type", "description"],
            ([f["name"], f["type"], f.get("description", "")] for f in fields),
        )
        sections.append(
            f'<section class="dataset" id="dataset-{_e(dataset)}">'
            f'<h3 lang="zh-CN">{_e(first["title"])}</h3>'
            f"<p>{_e(first.get('description', ''))}</p>"
            f'<p class="meta"><code>{_e(dataset)}</code> · {first["x_rows"]:,} rows ·'
            f" download {links}</p>"
            f"<details><summary>{len(fields)} columns</summary>{columns}</details></section>"
        )
    return "".join(sections)


def _checks(con: duckdb.DuckDBPyConnection) -> str:
    """Passed, warned and failed expectations per suite in the latest data-quality run."""
    (has_results,) = con.execute(
        "select count(*) from information_schema.tables"
        " where table_schema = 'dq' and table_name = 'results'"
    ).fetchone()
    rows = []
    if has_results:
        rows = con.execute(
            "select suite, count(*) filter (where success),"
            " count(*) filter (where not success and severity = 'warn'),"
            " count(*) filter (where not success and severity = 'error'),"
            " any_value(run_id), any_value(run_at)"
            " from dq.results where run_id = (select max_by(run_id, run_at) from dq.results)"
            " group by suite order by suite"
        ).fetchall()
    if not rows:
        return "<p>no data-quality run</p>"
    cells = "".join(
        f"<tr><td>{_e(suite)}</td><td class='num'>{passed}</td>"
        f"<td class='num{' warn' if warned else ''}'>{warned}</td>"
        f"<td class='num{' bad' if failed else ''}'>{failed}</td></tr>"
        for suite, passed, warned, failed, _, _ in rows
    )
    run_id, run_at = rows[0][4], rows[0][5]
    return (
        f'<p class="meta">Latest run <code>{_e(run_id)}</code> at {_e(f"{run_at:%Y-%m-%d %H:%M}")}'
        " (warned: a warning check did not pass; failed: a blocking check did not pass).</p>"
        "<table><thead><tr><th>suite</th><th class='num'>passed</th><th class='num'>warned</th>"
        f"<th class='num'>failed</th></tr></thead><tbody>{cells}</tbody></table>"
    )


def _verification(con: duckdb.DuckDBPyConnection) -> str:
    """Claims per verdict for each report, and the claims the official figures contradict or
    that lie beyond what the official series could have reached."""
    summary = con.execute(
        "select report_id, verdict, sum(claims)::integer as claims from marts.verification_summary"
        " group by report_id, verdict order by report_id, claims desc, verdict"
    ).fetchall()
    headers = ["claim", "surface", "official figure", "source", "explanation"]
    sections = [_table(["report", "verdict", "claims"], summary)]
    for verdict, title in (("inconsistent", "Inconsistent"), ("implausible", "Implausible")):
        rows = con.execute(
            "select claim_id, surface, official_value_as_written, official_source_id, explanation"
            " from marts.claim_verification where verdict = ? order by claim_id",
            [verdict],
        ).fetchall()
        sections.append(f"<h3>{title} claims ({len(rows)})</h3>")
        sections.append(_table(headers, rows) if rows else "<p>None.</p>")
    return "".join(sections)


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


def _interval_mark(
    shape: str, classes: str, cx: float, y: Callable[[float], float], mark: Mark, tooltip: str
) -> str:
    """A range (a bar between the interval's ends, both capped) or a bound (a cap at the bound
    and an arrow pointing the way the figure may lie), grouped with its tooltip and its ends as
    data-lower and data-upper (in the chart's unit; an open end has none)."""

    def cap(at: float) -> str:
        return (
            f'<line class="cap" x1="{cx - 6:.1f}" x2="{cx + 6:.1f}" y1="{at:.1f}" y2="{at:.1f}"/>'
        )

    if mark.lower is not None and mark.upper is not None:
        top, end = y(mark.upper), y(mark.lower)
        body = (
            f'<line class="bar" x1="{cx:.1f}" x2="{cx:.1f}" y1="{top:.1f}" y2="{end:.1f}"/>'
            + cap(top)
            + cap(end)
        )
    else:
        up = mark.lower is not None
        at = y(next(end for end in (mark.lower, mark.upper) if end is not None))
        tip = max(at - ARROW, TOP) if up else min(at + ARROW, HEIGHT - BOTTOM)
        body = (
            cap(at)
            + f'<line class="stem" x1="{cx:.1f}" x2="{cx:.1f}" y1="{at:.1f}" y2="{tip:.1f}"/>'
            + f'<path class="head" d="M{cx:.1f} {tip:.1f}l-4 {5 if up else -5}h8z"/>'
        )
    ends = "".join(
        f' data-{name}="{end:.12g}"'
        for name, end in (("lower", mark.lower), ("upper", mark.upper))
        if end is not None
    )
    return f'<g class="{classes}{shape}"{ends}><title>{tooltip}</title>{body}</g>'


def _line_chart(
    chart: Chart, figures: list[tuple[Mark, str]], claims: list[tuple[str, str, str, str, Mark]]
) -> tuple[str, list[str]]:
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
        return f'<svg id="{chart.id}" viewBox="0 0 {WIDTH} {HEIGHT}"></svg><p>No data.</p>', []
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
    parts = [
        f'<svg id="{chart.id}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img"'
        f' aria-label="{_e(chart.title)}">'
    ]
    for tick in y_ticks:
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}"/>'
            f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick:g}</text>'
        )
    for year in years[::-year_step]:
        end = x(dt.date(year, 12, 31))
        parts.append(
            f'<line class="axis" x1="{end:.1f}" x2="{end:.1f}" y1="{bottom}" y2="{bottom + 4}"/>'
            f'<text x="{end:.1f}" y="{bottom + 16}" text-anchor="middle">{year}</text>'
        )
    parts.append(f'<line class="axis" x1="{LEFT}" x2="{right}" y1="{bottom}" y2="{bottom}"/>')
    if undated:
        parts.append(
            f'<line class="grid" x1="{right + 10}" x2="{right + 10}" y1="{TOP}" y2="{bottom}"'
            f' stroke-dasharray="3 3"/><text x="{lane_x}" y="{bottom + 16}"'
            ' text-anchor="middle">undated</text>'
        )
    runs: list[list[Mark]] = []
    drawn: list[str] = []
    previous: tuple[Mark, str] | None = None
    for mark, written in figures:
        kind = shape(mark)
        gap = previous is not None and (mark.day - previous[0].day).days > GAP_DAYS
        if gap:
            since, until = previous[0].day, mark.day
            left, middle = x(since), (x(since) + x(until)) / 2
            parts.append(
                f'<rect class="gap" data-from="{since}" data-to="{until}" x="{left:.1f}"'
                f' y="{TOP}" width="{x(until) - left:.1f}" height="{bottom - TOP}">'
                f"<title>no figure between {since} and {until}</title></rect>"
                f'<text class="gap-label" x="{middle:.1f}" y="{(TOP + bottom) / 2}"'
                f' transform="rotate(-90 {middle:.1f} {(TOP + bottom) / 2})"'
                ' text-anchor="middle" dominant-baseline="central">no figure</text>'
            )
        if previous is not None and not gap and "bound" not in previous[1] + kind:
            runs[-1].append(mark)
        else:
            runs.append([mark])
        previous = mark, kind
        tooltip = f"{mark.day}: {_e(written)}" + (
            f" · {_e(_reading(kind, mark, chart.unit))}" if kind != "exact" else ""
        )
        if kind == "exact":
            drawn.append(
                f'<circle class="point" cx="{x(mark.day):.1f}" cy="{y(mark.value):.1f}"'
                f' r="{DOT_R}"><title>{tooltip}</title></circle>'
            )
        else:
            drawn.append(_interval_mark(kind, "", x(mark.day), y, mark, tooltip))
    parts += [
        '<polyline class="line" points="'
        + " ".join(f"{x(m.day):.1f},{y(m.value):.1f}" for m in run)
        + '"/>'
        for run in runs
        if len(run) > 1
    ]
    parts += drawn
    shapes = []
    for claim_id, surface, period, verdict, mark in claims:
        kind = shape(mark)
        shapes.append(kind)
        cx = x(mark.day)
        tooltip = (
            f"{_e(claim_id)} · {_e(surface)} · claimed {_e(_reading(kind, mark, chart.unit))}"
            f" · {_e(verdict)} · {_e(period or 'undated')}"
        )
        if kind == "exact":
            cy = y(mark.value)
            parts.append(
                f'<path class="claim exact" d="M{cx:.1f} {cy - 6:.1f}l6 6l-6 6l-6 -6z">'
                f"<title>{tooltip}</title></path>"
            )
        else:
            parts.append(_interval_mark(kind, "claim ", cx, y, mark, tooltip))
    parts.append("</svg>")
    return "".join(parts), shapes


def _chart_figure(con: duckdb.DuckDBPyConnection, chart: Chart) -> str:
    """A figure with the chart and, under it, the list of claims drawn on it."""

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
    listed = "".join(
        f'<li><span class="diamond">{SYMBOLS[kind]}</span> {_e(claim_id)}'
        f' <span lang="zh-CN">{_e(surface)}</span> ({_e(period or "undated")}): claimed'
        f" {_e(_reading(kind, mark, chart.unit))} · {_e(verdict)}</li>"
        for (claim_id, surface, period, verdict, mark), kind in zip(claims, shapes, strict=True)
    )
    return (
        f'<figure><figcaption lang="zh-CN">{_e(chart.title)} <small>({_e(chart.unit)})</small>'
        f"</figcaption>{svg}"
        f"<ul>{listed or '<li>No report claims on this series.</li>'}</ul></figure>"
    )


def _changes(release_dir: Path, previous: str | None) -> str:
    """Counts per kind of change and the first CHANGES_SHOWN rows of changes.csv."""
    file = release_dir / "changes.csv"
    if not file.exists():
        return "<p>No changes.csv in this release.</p>"
    with file.open(encoding="utf-8-sig", newline="") as rows:
        changes = list(csv.DictReader(rows))
    against = f"release {previous}" if previous else "nothing (this is the first release)"
    if not changes:
        return f"<p>No change against {_e(against)}.</p>"
    counts = Counter(row["change"] for row in changes)
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
        for row in changes[:CHANGES_SHOWN]
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
    summary = ", ".join(f"{kind} {count}" for kind, count in sorted(counts.items()))
    more = f" (the first {CHANGES_SHOWN} shown)" if len(changes) > CHANGES_SHOWN else ""
    return (
        f'<p class="meta">Against {_e(against)}: {_e(summary)}{more}; all in '
        f'<a href="changes.csv">changes.csv</a>.</p>{_table(headers, shown, lang="zh-CN")}'
    )


def write_catalog_page(release_dir: Path, db_path: Path) -> Path:
    """Write release_dir/index.html from the release's datapackage.json and the snapshot."""
    package = json.loads((release_dir / "datapackage.json").read_text(encoding="utf-8"))
    with duckdb.connect(str(db_path), read_only=True) as con:
        charts = "".join(_chart_figure(con, chart) for chart in CHARTS)
        checks = _checks(con)
        verification = _verification(con)
        sources = _sources(con)
    version = package["version"]
    licences = ", ".join(_link(lic["path"], lic["title"]) for lic in package["licenses"])
    previous = package.get("x_previous_release")
    files = "".join(
        f'<li><a href="{name}">{name}</a> — {_e(what)}</li>' for name, what in RELEASE_FILES
    )
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>govmetrics release {_e(version)}</title>
<style>{CSS}</style>
</head>
<body><main>
<header>
<h1>govmetrics release {_e(version)}</h1>
<p class="meta">Content {_e(version)} · previous release: {_e(previous or "none")} ·
Licence of the compilation: {licences}; each figure keeps its source's own terms.</p>
<p>{_e(ABOUT)}</p>
<nav><a href="#changes">Changes</a><a href="#charts">Charts</a><a href="#checks">Check status\
</a><a href="#verification">Verification</a><a href="#datasets">Datasets</a><a href="#sources">\
Sources</a></nav>
</header>
<h2>Release files</h2><ul>{files}</ul>
<h2 id="changes">Changes since the previous release</h2>{_changes(release_dir, previous)}
<h2 id="charts">Main series and the report's claims</h2>
<p class="note">Blue marks are the preferred national official figures (ticks at year end). A dot
is a figure as written (its rounding is smaller than the dot); a capped bar is a range (约, 多, 余:
the figure lies between the caps); a cap with an arrow is a bound (近, 超过: at most or at least
the cap, the way the arrow points). The line joins dots and ranges at most about a year apart:
it is not drawn into a bound, and a grey band marked "no figure" is a span without an official
figure. Red marks are the report's claims, drawn the same way (a diamond
<span class="diamond">◆</span> claims one figure); hover over a mark for what it says, and over
a claim for its id, surface and verdict.</p>
<div class="charts">{charts}</div>
<h2 id="checks">Check status</h2>{checks}
<h2 id="verification">Verification summary</h2>{verification}
<h2 id="datasets">Datasets</h2>
<p class="note">Each dataset as CSV (UTF-8 with BOM, opens in Excel) and Parquet.</p>
{_datasets([r for r in package["resources"] if r["x_dataset"] != "changes"])}
{sources}
</main></body>
</html>
"""
    target = release_dir / "index.html"
    target.write_text(page, encoding="utf-8")
    return target

"""The release catalog: index.html in a release folder, a page that works offline.

It lists the datasets with their columns and download links, the sources, the data-quality
status and the verification summary, and draws the three main series as inline SVG charts with
the report's claims marked on them. Everything is read from datapackage.json and the snapshot.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Sequence
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
    ("datapackage.json", "Data Package: every file with its schema, row count and checksum"),
    ("SHA256SUMS", "checksums of every file, for sha256sum -c"),
    ("govmetrics.duckdb", "the whole warehouse as one DuckDB database (open it read-only)"),
)
# A claim without a value has no height on the chart, so it is not drawn.
CLAIMS_SQL = (
    "select claim_id, surface, claimed_value, claim_period, verdict from marts.claim_verification"
    " where indicator_code = ? and claimed_value is not null order by claim_id"
)


@dataclass(frozen=True)
class Chart:
    """One series drawn as a line chart: the query gives (date, value) rows."""

    id: str
    title: str
    unit: str
    sql: str
    indicator_code: str
    scale: float


CHARTS = (
    Chart(
        "chart-ageing", "Share aged 60+ · 60岁及以上人口占比", "%",
        "select make_date(year, 12, 31), pop_60_plus_share from marts.aging_timeseries"
        " where pop_60_plus_share is not null order by 1",
        "pop_60_plus_share", 1,
    ),
    Chart(
        "chart-beds", "Elderly-care beds · 养老服务床位", "万张",
        "select as_of, eldercare_beds_total from marts.elderly_care_capacity"
        " where eldercare_beds_total is not null order by 1",
        "eldercare_beds_total", 1e4,
    ),
    Chart(
        "chart-volunteers", "Registered volunteers · 注册志愿者", "亿人",
        "select as_of, registered_volunteers from marts.volunteering"
        " where geo_code = '000000' and registered_volunteers is not null order by 1",
        "registered_volunteers", 1e8,
    ),
)  # fmt: skip

# Chart geometry, in SVG user units.
WIDTH, HEIGHT = 400, 240
LEFT, RIGHT, TOP, BOTTOM = 46, 14, 12, 28
UNDATED_LANE = 64

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
svg .claim { fill: var(--claim); stroke: #fff; stroke-width: 1; }
svg text { fill: var(--muted); }
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
        "select report_id, verdict, claims from marts.verification_summary"
        " where section = 'all' order by report_id, claims desc, verdict"
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


def _line_chart(chart: Chart, points: list[tuple[dt.date, float]], claims: list[tuple]) -> str:
    """An SVG line chart of the series with the claims as red diamonds (undated at the right)."""
    undated = any(_claim_date(c[3]) is None for c in claims)
    right = WIDTH - RIGHT - (UNDATED_LANE if undated else 0)
    lane_x = (right + 10 + WIDTH) / 2  # centre of the undated lane, right of its separator
    bottom = HEIGHT - BOTTOM
    dates = [d for d, _ in points] + [d for c in claims if (d := _claim_date(c[3]))]
    values = [v for _, v in points] + [c[2] / chart.scale for c in claims]
    if not dates:
        return f'<svg id="{chart.id}" viewBox="0 0 {WIDTH} {HEIGHT}"></svg><p>No data.</p>'
    first, last = min(dates).toordinal(), max(dates).toordinal()
    pad = max((last - first) * 0.04, 120)
    x0, x1 = first - pad, last + pad
    y_ticks = _ticks(min(values), max(values))
    y0, y1 = y_ticks[0], y_ticks[-1]

    def x(day: dt.date) -> float:
        return LEFT + (day.toordinal() - x0) / (x1 - x0) * (right - LEFT)

    def y(value: float) -> float:
        return bottom - (value - y0) / (y1 - y0) * (bottom - TOP)

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
    line = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in points)
    parts.append(f'<polyline class="line" points="{line}"/>')
    parts += [
        f'<circle class="point" cx="{x(d):.1f}" cy="{y(v):.1f}" r="3.2">'
        f"<title>{d.isoformat()}: {v:g} {_e(chart.unit)}</title></circle>"
        for d, v in points
    ]
    for claim_id, surface, value, period, verdict in claims:
        day = _claim_date(period)
        cx = x(day) if day else lane_x
        cy = y(value / chart.scale)
        parts.append(
            f'<path class="claim" d="M{cx:.1f} {cy - 6:.1f}l6 6l-6 6l-6 -6z">'
            f"<title>{_e(claim_id)} · {_e(surface)} · {_e(verdict)} · {_e(period or 'undated')}"
            "</title></path>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _chart_figure(con: duckdb.DuckDBPyConnection, chart: Chart) -> str:
    """A figure with the chart and, under it, the list of claims drawn on it."""
    points = [(d, v / chart.scale) for d, v in con.execute(chart.sql).fetchall()]
    claims = con.execute(CLAIMS_SQL, [chart.indicator_code]).fetchall()
    listed = "".join(
        f'<li><span class="diamond">◆</span> {_e(c)} <span lang="zh-CN">{_e(s)}</span>'
        f" ({_e(p or 'undated')}): {_e(v)}</li>"
        for c, s, _, p, v in claims
    )
    return (
        f'<figure><figcaption lang="zh-CN">{_e(chart.title)} <small>({_e(chart.unit)})</small>'
        f"</figcaption>{_line_chart(chart, points, claims)}"
        f"<ul>{listed or '<li>No report claims on this series.</li>'}</ul></figure>"
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
    licences = "; ".join(f"{lic.get('title', '')} ({lic['name']})" for lic in package["licenses"])
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
<p class="meta">Created {_e(package["created"])} · Licence: {_e(licences)}</p>
<p>{_e(ABOUT)}</p>
<nav><a href="#charts">Charts</a><a href="#checks">Check status</a><a href="#verification">\
Verification</a><a href="#datasets">Datasets</a><a href="#sources">Sources</a></nav>
</header>
<h2>Release files</h2><ul>{files}</ul>
<h2 id="charts">Main series and the report's claims</h2>
<p class="note">Dots are official figures (ticks at year end); red diamonds
<span class="diamond">◆</span> are the report's claims (hover for id, surface and verdict).</p>
<div class="charts">{charts}</div>
<h2 id="checks">Check status</h2>{checks}
<h2 id="verification">Verification summary</h2>{verification}
<h2 id="datasets">Datasets</h2>
<p class="note">Each dataset as CSV (UTF-8 with BOM, opens in Excel) and Parquet.</p>
{_datasets(package["resources"])}
{sources}
</main></body>
</html>
"""
    target = release_dir / "index.html"
    target.write_text(page, encoding="utf-8")
    return target

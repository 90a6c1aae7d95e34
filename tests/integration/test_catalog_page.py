"""The release catalog page: its local links resolve, and headless Chromium renders the dataset
tables and the three charts with the report's claims on them, gaps as gaps and approximate or
one-sided figures as ranges or bounds."""

import datetime as dt
import json
import shutil
import subprocess
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pytest

from warehouse.catalog_page import GAP_DAYS, RELEASE_FILES, write_catalog_page
from warehouse.exports import LICENCE

CHROMIUM = Path("/usr/bin/chromium")
DATASETS = {
    "aging_timeseries": "人口老龄化年度序列 / Population ageing by year",
    "sources": "来源文件 / Source documents",
}
CHARTS = {
    "chart-ageing": "pop_60_plus_share",
    "chart-beds": "eldercare_beds_total",
    "chart-volunteers": "registered_volunteers",
}


class Page(HTMLParser):
    """Links, ids, table cells per section, and the marks and tooltips of each SVG chart."""

    def __init__(self, text: str):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.svgs: list[str] = []
        self.cells: dict[str, list[str]] = defaultdict(list)
        self.marks: dict[str, Counter] = defaultdict(Counter)
        self.tooltips: dict[str, list[str]] = defaultdict(list)
        self._section = self._svg = self._open = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.links += [attributes[k] for k in ("href", "src") if attributes.get(k)]
        self.ids.add(attributes.get("id"))
        if tag == "section":
            self._section = attributes.get("id")
        if tag == "svg":
            self._svg = attributes.get("id")
            self.svgs.append(self._svg)
        if self._svg:
            self.marks[self._svg].update((attributes.get("class") or "").split())
        self._open = tag

    def handle_endtag(self, tag):
        if tag == "section":
            self._section = None
        if tag == "svg":
            self._svg = None
        self._open = None

    def handle_data(self, data):
        if self._open == "td" and self._section:
            self.cells[self._section].append(data.strip())
        if self._open == "title" and self._svg:
            self.tooltips[self._svg].append(data)


@dataclass
class Node:
    """An element of an inline SVG, with its attributes, children and text."""

    tag: str
    attrs: dict[str, str]
    children: list["Node"] = field(default_factory=list)
    text: str = ""

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def find(self, cls: str, tag: str | None = None) -> list["Node"]:
        """Every descendant with the class (and tag), in document order."""
        found = []
        for child in self.children:
            if cls in child.classes() and tag in (None, child.tag):
                found.append(child)
            found += child.find(cls, tag)
        return found

    def title(self) -> str:
        return "".join(child.text for child in self.children if child.tag == "title")


class Svgs(HTMLParser):
    """Every inline SVG of a page as a tree of elements, by id."""

    def __init__(self, text: str):
        super().__init__()
        self.by_id: dict[str, Node] = {}
        self._open: list[Node] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "svg" or self._open:
            node = Node(tag, {name: value or "" for name, value in attrs})
            if self._open:
                self._open[-1].children.append(node)
            else:
                self.by_id[node.attrs.get("id", "")] = node
            self._open.append(node)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self._open:
            self._open.pop()

    def handle_endtag(self, tag):
        while self._open and self._open.pop().tag != tag:
            pass

    def handle_data(self, data):
        if self._open:
            self._open[-1].text += data


def axes(svg: Node) -> tuple[Callable[[dt.date], float], Callable[[float], float]]:
    """The x of a date and the y of a value, read off the chart's axes as a reader does: each
    year tick (at 31 December) and horizontal grid line followed by its label."""
    years, values = [], []
    for line, label in pairwise(svg.children):
        if line.tag != "line" or label.tag != "text":
            continue
        x1, x2, y1, y2 = (float(line.attrs[k]) for k in ("x1", "x2", "y1", "y2"))
        if "axis" in line.classes() and x1 == x2:
            years.append((dt.date(int(label.text), 12, 31).toordinal(), x1))
        if "grid" in line.classes() and y1 == y2:
            values.append((float(label.text), y1))
    (d0, x0), (d1, x1) = years[0], years[-1]
    (v0, y0), (v1, y1) = values[0], values[-1]
    return (
        lambda day: x0 + (day.toordinal() - d0) * (x1 - x0) / (d1 - d0),
        lambda value: y0 + (value - v0) * (y1 - y0) / (v1 - v0),
    )


def make_release(snapshot: Path, folder: Path) -> Path:
    """A release folder: two datasets as CSV and Parquet (a few rows each), datapackage.json,
    a copy of the snapshot and the other release files, empty."""
    (folder / "data").mkdir(parents=True)
    resources = []
    with duckdb.connect(str(snapshot), read_only=True) as con:
        for dataset, title in DATASETS.items():
            frame = con.sql(f"select * from marts.{dataset} limit 5").pl()
            frame.write_csv(folder / "data" / f"{dataset}.csv", include_bom=True)
            frame.write_parquet(folder / "data" / f"{dataset}.parquet")
            schema = {
                "fields": [
                    {"name": name, "type": str(kind).lower(), "description": f"<{name}> & co"}
                    for name, kind in frame.schema.items()
                ]
            }
            resources += [
                {
                    "name": f"{dataset}_{fmt}",
                    "x_dataset": dataset,
                    "path": f"data/{dataset}.{fmt}",
                    "format": fmt,
                    "title": title,
                    "description": f"The {dataset} mart.",
                    "x_rows": frame.height,
                    "bytes": (folder / "data" / f"{dataset}.{fmt}").stat().st_size,
                    "schema": schema,
                }
                for fmt in ("csv", "parquet")
            ]
    package = {
        "profile": "data-package",
        "name": "govmetrics",
        "title": "govmetrics",
        "version": "20261128T120000Z",
        "created": "2026-11-28T12:00:00Z",
        "licenses": [LICENCE],
        "resources": resources,
    }
    (folder / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False), "utf-8")
    shutil.copyfile(snapshot, folder / "govmetrics.duckdb")
    for name, _ in RELEASE_FILES:
        (folder / name).touch()
    return folder


@pytest.fixture(scope="module")
def release(built_home, tmp_path_factory) -> Path:
    folder = make_release(
        built_home / "published" / "govmetrics.duckdb",
        tmp_path_factory.mktemp("release") / "20261128T120000Z",
    )
    assert write_catalog_page(folder, folder / "govmetrics.duckdb") == folder / "index.html"
    return folder


def chromium(profile: Path, *args: str) -> str:
    """Run headless Chromium, offline, and return what it printed."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium package")
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
    ]
    done = subprocess.run(
        [str(CHROMIUM), *flags, *args], capture_output=True, text=True, timeout=120, check=True
    )
    return done.stdout


def test_every_link_is_a_file_of_the_release_an_anchor_or_a_source_address(release):
    page = Page((release / "index.html").read_text(encoding="utf-8"))
    with duckdb.connect(str(release / "govmetrics.duckdb"), read_only=True) as con:
        rows = con.execute("select copy_read_at, publisher_url from marts.sources").fetchall()
    addresses = {address for row in rows for address in row if address} | {LICENCE["path"]}
    external = [link for link in page.links if urlsplit(link).scheme]
    assert external, "the sources table links no address"
    assert all(link.split("://", 1)[1] in addresses or link in addresses for link in external)
    local = {
        urlsplit(link).path
        for link in page.links
        if not link.startswith("#") and not urlsplit(link).scheme
    }
    assert all((release / path).is_file() for path in local), local
    assert {link[1:] for link in page.links if link.startswith("#")} <= page.ids
    assert local == {name for name, _ in RELEASE_FILES} | {
        f"data/{dataset}.{fmt}" for dataset in DATASETS for fmt in ("csv", "parquet")
    }


def test_chromium_renders_the_tables_and_the_charts_with_the_claims(release, tmp_path):
    page = Page(chromium(tmp_path / "profile", "--dump-dom", (release / "index.html").as_uri()))
    with duckdb.connect(str(release / "govmetrics.duckdb"), read_only=True) as con:
        ((ageing_points,),) = con.execute(
            "select count(*) from marts.aging_timeseries where pop_60_plus_share is not null"
        ).fetchall()
        claims = con.execute(
            "select indicator_code, claim_id, verdict, claim_period from marts.claim_verification"
            " where claimed_value is not null and indicator_code in (?, ?, ?)",
            list(CHARTS.values()),
        ).fetchall()
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:  # the column tables, descriptions escaped
        cells = set(page.cells[f"dataset-{resource['x_dataset']}"])
        for column in resource["schema"]["fields"]:
            assert {column["name"], column["description"]} <= cells
    assert set(page.svgs) >= set(CHARTS)
    assert page.marks["chart-ageing"]["point"] == ageing_points >= 5
    assert page.marks["chart-ageing"]["claim"] >= 1  # the register has claims on the 60+ share
    for chart, indicator in CHARTS.items():
        drawn = [c for c in claims if c[0] == indicator]
        assert page.marks[chart]["claim"] == len(drawn)
        for _, claim_id, verdict, period in drawn:
            (tooltip,) = [t for t in page.tooltips[chart] if claim_id in t]
            assert verdict in tooltip and (period or "undated") in tooltip


def test_the_page_screenshot_is_not_blank(release, tmp_path):
    shot = tmp_path / "page.png"
    uri = (release / "index.html").as_uri()
    chromium(tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,2000", uri)
    assert shot.exists() and shot.stat().st_size > 10_000


def test_a_snapshot_without_data_quality_results_says_so(release, tmp_path):
    snapshot = tmp_path / "govmetrics.duckdb"
    shutil.copyfile(release / "govmetrics.duckdb", snapshot)
    with duckdb.connect(str(snapshot)) as con:
        con.execute("drop table dq.results")
    shutil.copytree(release, tmp_path / "release")
    text = write_catalog_page(tmp_path / "release", snapshot).read_text(encoding="utf-8")
    assert "no data-quality run" in text


MISSING = dt.date(2016, 12, 31)  # a middle year of the 60+ share, deleted in the edited copy
APPROXIMATE = dt.date(2015, 12, 31)  # the beds figure made 约 in the edited copy
EDITED_CLAIMS = [  # on the 60+ share: claim_id, surface, period, value, lower, upper (in %)
    ("chart-at-least", "超过15%", "2014-12-31", 15.0, 15.0, None),
    ("chart-range", "18%到20%", "2018-12-31", 19.0, 18.0, 20.0),
    ("chart-exact", "17%", "2012-12-31", 17.0, None, None),
]
SERIES = (
    "select coalesce(as_of, period_end), value, lower, upper from marts.indicator_series"
    " where indicator_code = ? and geo_code = '000000' and is_preferred order by 1"
)


@pytest.fixture(scope="module")
def edited(release, tmp_path_factory) -> tuple[Path, dict[str, Node]]:
    """A copy of the snapshot with a middle year of the 60+ share deleted, a beds figure made
    approximate (约, ±5%) and three claims on the 60+ share (at least, range, one figure); and
    its charts as headless Chromium renders the page written from it."""
    folder = tmp_path_factory.mktemp("edited")
    snapshot = folder / "govmetrics.duckdb"
    shutil.copyfile(release / "govmetrics.duckdb", snapshot)
    with duckdb.connect(str(snapshot)) as con:
        con.execute(
            "delete from marts.indicator_series where indicator_code = 'pop_60_plus_share'"
            " and geo_code = '000000' and coalesce(as_of, period_end) = ?",
            [MISSING],
        )
        con.execute(
            "update marts.aging_timeseries set pop_60_plus_share = null where year = ?",
            [MISSING.year],
        )
        con.execute(
            "update marts.indicator_series set qualifier = '约', lower = value * 0.95,"
            " upper = value * 1.05 where indicator_code = 'eldercare_beds_total'"
            " and geo_code = '000000' and is_preferred and coalesce(as_of, period_end) = ?",
            [APPROXIMATE],
        )
        con.executemany(
            "insert into marts.claim_verification (claim_id, surface, indicator_code,"
            " claim_period, claimed_value, claimed_lower, claimed_upper, verdict)"
            " values (?, ?, 'pop_60_plus_share', ?, ?, ?, ?, 'consistent')",
            EDITED_CLAIMS,
        )
    shutil.copyfile(release / "datapackage.json", folder / "datapackage.json")
    page = write_catalog_page(folder, snapshot)
    dom = chromium(tmp_path_factory.mktemp("profile"), "--dump-dom", page.as_uri())
    return snapshot, Svgs(dom).by_id


def test_a_missing_year_is_a_gap_the_line_does_not_cross(edited):
    snapshot, svgs = edited
    svg = svgs["chart-ageing"]
    x, _ = axes(svg)
    for line in svg.find("line", "polyline"):
        xs = [float(point.split(",")[0]) for point in line.attrs["points"].split()]
        assert not any(a < x(MISSING) < b for a, b in pairwise(xs)), line.attrs["points"]
    assert not [p for p in svg.find("point") if p.title().startswith(MISSING.isoformat())]
    with duckdb.connect(str(snapshot), read_only=True) as con:
        days = [day for day, *_ in con.execute(SERIES, ["pop_60_plus_share"]).fetchall()]
    expected = {
        (a.isoformat(), b.isoformat()) for a, b in pairwise(days) if (b - a).days > GAP_DAYS
    }
    assert ("2015-12-31", "2017-12-31") in expected
    gaps = svg.find("gap", "rect")
    assert {(gap.attrs["data-from"], gap.attrs["data-to"]) for gap in gaps} == expected
    (gap,) = [g for g in gaps if g.attrs["data-from"] < MISSING.isoformat() < g.attrs["data-to"]]
    left, width = float(gap.attrs["x"]), float(gap.attrs["width"])
    assert left < x(MISSING) < left + width and "no figure" in gap.title()


def test_claims_are_drawn_as_bounds_ranges_or_diamonds_at_their_values(edited):
    _, svgs = edited
    svg = svgs["chart-ageing"]
    _, y = axes(svg)

    def claim(claim_id: str) -> Node:
        (node,) = [n for n in svg.find("claim") if claim_id in n.title()]
        return node

    at_least = claim("chart-at-least")
    assert at_least.classes() == {"claim", "bound", "lower"}
    assert float(at_least.attrs["data-lower"]) == 15 and "data-upper" not in at_least.attrs
    assert "at least 15%" in at_least.title()
    ((cap,), (stem,)) = at_least.find("cap"), at_least.find("stem")
    assert abs(float(cap.attrs["y1"]) - y(15)) < 0.25
    assert float(stem.attrs["y2"]) < float(stem.attrs["y1"]) == float(cap.attrs["y1"])  # up
    ranged = claim("chart-range")
    assert ranged.classes() == {"claim", "range"} and "between 18 and 20%" in ranged.title()
    (bar,) = ranged.find("bar")
    top, end = float(bar.attrs["y1"]), float(bar.attrs["y2"])
    assert abs(top - y(20)) < 0.25 and abs(end - y(18)) < 0.25
    exact = claim("chart-exact")
    assert exact.tag == "path" and exact.classes() == {"claim", "exact"}


def test_official_figures_with_an_open_end_are_bounds_and_approximate_ones_ranges(edited):
    snapshot, svgs = edited
    with duckdb.connect(str(snapshot), read_only=True) as con:
        series = {chart: con.execute(SERIES, [code]).fetchall() for chart, code in CHARTS.items()}
    bounds = 0
    for chart, rows in series.items():
        svg = svgs[chart]
        drawn = {
            n.title().split(":")[0]: n for n in svg.find("bound") if "claim" not in n.classes()
        }
        one_sided = {
            day.isoformat(): upper is None
            for day, _, lower, upper in rows
            if (lower is None) != (upper is None)
        }
        assert drawn.keys() == one_sided.keys()
        for day, at_least in one_sided.items():
            assert drawn[day].classes() == {"bound", "lower" if at_least else "upper"}
            assert not [p for p in svg.find("point") if p.title().startswith(day)]
        bounds += len(drawn)
    assert bounds >= 1  # the volunteer series has 超过 figures
    svg = svgs["chart-beds"]
    _, y = axes(svg)
    (ranged,) = [n for n in svg.find("range") if n.title().startswith(APPROXIMATE.isoformat())]
    (bar,) = ranged.find("bar")
    ((_, value, lower, upper),) = [r for r in series["chart-beds"] if r[0] == APPROXIMATE]
    assert lower < value < upper
    assert abs(float(bar.attrs["y1"]) - y(upper / 1e4)) < 0.25
    assert abs(float(bar.attrs["y2"]) - y(lower / 1e4)) < 0.25

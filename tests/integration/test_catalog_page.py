"""The release catalog page: its local links resolve, and headless Chromium renders the dataset
tables and the three charts with the report's claims on them."""

import json
import shutil
import subprocess
from collections import Counter, defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pytest

from warehouse.catalog_page import write_catalog_page

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


def make_release(snapshot: Path, folder: Path) -> Path:
    """A release folder: two datasets as CSV and Parquet (a few rows each), datapackage.json,
    an empty SHA256SUMS and a copy of the snapshot."""
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
        "licenses": [{"name": "govmetrics-figures", "title": "Figures as published"}],
        "resources": resources,
    }
    (folder / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False), "utf-8")
    (folder / "SHA256SUMS").touch()
    shutil.copyfile(snapshot, folder / "govmetrics.duckdb")
    return folder


@pytest.fixture(scope="module")
def release(built_home, tmp_path_factory) -> Path:
    folder = make_release(built_home / "published" / "govmetrics.duckdb",
                          tmp_path_factory.mktemp("release") / "20261128T120000Z")  # fmt: skip
    assert write_catalog_page(folder, folder / "govmetrics.duckdb") == folder / "index.html"
    return folder


def chromium(profile: Path, *args: str) -> str:
    """Run headless Chromium, offline, and return what it printed."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium package")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}"]  # fmt: skip
    done = subprocess.run(
        [str(CHROMIUM), *flags, *args], capture_output=True, text=True, timeout=120, check=True
    )
    return done.stdout


def test_every_link_is_a_file_of_the_release_an_anchor_or_a_source_address(release):
    page = Page((release / "index.html").read_text(encoding="utf-8"))
    with duckdb.connect(str(release / "govmetrics.duckdb"), read_only=True) as con:
        rows = con.execute("select copy_read_at, publisher_url from marts.sources").fetchall()
    addresses = {address for row in rows for address in row if address}
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
    assert local == {"datapackage.json", "SHA256SUMS", "govmetrics.duckdb"} | {
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
        for field in resource["schema"]["fields"]:
            assert {field["name"], field["description"]} <= cells
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

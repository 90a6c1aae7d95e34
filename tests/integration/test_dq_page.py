"""The data-quality page (`<home>/dq/docs/results.html`) works offline: it fetches nothing,
lists every expectation of the latest run with its status, parameters, observed result and
offending keys, and links Great Expectations' own pages, which are kept beside it."""

import json
import subprocess
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.integration.published import published_rows
from warehouse.quality.runner import GX_PAGE
from warehouse.quality.suites import SUITES

CHROMIUM = Path("/usr/bin/chromium")
EXTERNAL_TAGS = {"script", "link", "img", "iframe"}


class DqPage(HTMLParser):
    """Tags with their attributes, links with their text, and the text of each field (a `dd`
    with a class) of each expectation section."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.links: dict[str, str] = {}
        self.ids: set[str] = set()
        self.fields: dict[str, dict[str, str]] = defaultdict(dict)
        self.style = ""
        self._section = self._field = self._href = None
        self._text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        self.ids.add(attributes.get("id"))
        if tag == "section" and "expectation" in (attributes.get("class") or ""):
            self._section = attributes["id"]
        if tag == "dd" and self._section and attributes.get("class"):
            self._field, self._text = attributes["class"], []
        if tag == "a":
            self._href, self._text = attributes.get("href"), []
        if tag == "style":
            self._field, self._text = "style", []

    def handle_data(self, data):
        self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "dd" and self._field:
            self.fields[self._section][self._field] = "".join(self._text)
            self._field = None
        if tag == "style":
            self.style, self._field = "".join(self._text), None
        if tag == "a" and self._href is not None:
            self.links[self._href] = "".join(self._text)
            self._href = None
        if tag == "section":
            self._section = None


def latest_run(home: Path) -> list[dict]:
    rows = published_rows(
        home,
        "select suite, expectation, severity, success, offending_keys, unexpected_count,"
        " observed_value from dq.results"
        " where run_id = (select run_id from dq.results order by run_at desc limit 1)",
    )
    names = (
        "suite",
        "expectation",
        "severity",
        "success",
        "offending_keys",
        "unexpected_count",
        "observed_value",
    )
    return [dict(zip(names, row, strict=True)) for row in rows]


def status(row: dict) -> str:
    return "passed" if row["success"] else ("FAILED" if row["severity"] == "error" else "warned")


@pytest.fixture(scope="module")
def docs(built_home) -> Path:
    return built_home / "dq" / "docs"


@pytest.fixture(scope="module")
def page(docs) -> DqPage:
    return DqPage((docs / "results.html").read_text(encoding="utf-8"))


def test_the_page_loads_nothing_from_the_network_and_runs_no_script(page):
    assert page.tags, "results.html is empty"
    assert not [tag for tag, _ in page.tags if tag == "script"]
    fetched = [
        attributes.get(name) or ""
        for tag, attributes in page.tags
        if tag in EXTERNAL_TAGS
        for name in ("src", "href")
    ]
    assert not [link for link in fetched if link.startswith(("http://", "https://", "//"))]
    assert page.style and "url(" not in page.style and "@import" not in page.style


def test_every_expectation_of_the_latest_run_has_a_section_with_its_status(built_home, page):
    run = latest_run(built_home)
    assert len(run) == len(SUITES)
    for row in run:
        anchor = f"{row['suite']}-{row['expectation']}"
        assert anchor in page.ids, anchor
        assert page.fields[anchor]["status"] == status(row), anchor
        assert page.links[f"#{anchor}"] == row["expectation"]
        assert page.fields[anchor]["offending-keys"] == (row["offending_keys"] or "none")
    assert {status(row) for row in run} >= {"passed", "warned"}


def test_each_section_shows_the_parameters_and_observed_result(built_home, page):
    run = {(row["suite"], row["expectation"]): row for row in latest_run(built_home)}
    for expectation in SUITES:
        fields = page.fields[f"{expectation.suite}-{expectation.name}"]
        assert fields["parameters"].startswith(expectation.gx_type)
        for name, value in expectation.kwargs.items():
            assert f"{name}={json.dumps(value)}" in fields["parameters"], expectation.name
        row = run[(expectation.suite, expectation.name)]
        if expectation.gx_type == "ExpectTableRowCountToEqual":
            assert fields["observed"] == f"{row['observed_value']} rows", expectation.name
        elif row["unexpected_count"]:
            assert fields["observed"].startswith(f"{row['unexpected_count']} row")
        else:
            assert fields["observed"] == "no row breaks it", expectation.name
    contradicted = page.fields["claims-claims_not_contradicted"]
    assert '"inconsistent", "implausible"' in contradicted["parameters"]
    assert "cdb2025_b1-090" in contradicted["offending-keys"]  # implausible in B.1
    assert contradicted["observed"].endswith("rows break it")


def test_great_expectations_pages_are_kept_and_every_local_link_resolves(docs, page):
    gx_links = [href for href, text in page.links.items() if text == GX_PAGE]
    assert "index.html" in gx_links
    assert any(link.startswith("validations/") for link in gx_links)
    for href in page.links:
        if href.startswith("#"):
            assert href[1:] in page.ids, href
        else:
            assert (docs / href).is_file(), href


def test_chromium_renders_every_section_offline(docs, built_home, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium package")
    # Every network request goes to a proxy that does not exist: the page is rendered offline.
    offline = ["--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>"]
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", *offline]
    dom = subprocess.run(
        [
            str(CHROMIUM),
            *flags,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            (docs / "results.html").as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    rendered = DqPage(dom)
    for row in latest_run(built_home):
        anchor = f"{row['suite']}-{row['expectation']}"
        assert rendered.fields[anchor]["status"] == status(row), anchor

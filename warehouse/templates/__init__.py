"""The Jinja2 templates of the HTML pages (the release catalog, the data-quality results, the
verified report) and the one environment that renders them: autoescaping on, an undefined
name an error rather than an empty string."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

FOLDER = Path(__file__).parent


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(FOLDER),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    environment.filters["px"] = lambda value: f"{value:.1f}"  # an SVG coordinate
    return environment


def render(template: str, **context: object) -> str:
    """The page `template` (a file in this folder) filled with `context`."""
    return _environment().get_template(template).render(**context)

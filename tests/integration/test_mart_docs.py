"""Every mart and every column of a built mart is documented in the dbt manifest: a description
and a title in Chinese and in English (`config.meta.title_zh` / `title_en`), which the data
package, the XLSX data dictionary and `govmetrics describe` show."""

import json
import re
from collections import defaultdict

import pytest

from tests.integration.published import published_rows
from warehouse import paths

MARTS_YAML = "dbt_project/models/marts/_<area>__models.yml"


def _yaml(node: dict | None) -> str:
    """The YAML file that documents a model (its dbt patch path), or where one would go."""
    patch = (node or {}).get("patch_path") or ""
    return f"dbt_project/{patch.split('://', 1)[1]}" if "://" in patch else MARTS_YAML


CJK = re.compile(r"[\u4e00-\u9fff]")
ASCII_LETTER = re.compile(r"[A-Za-z]")


@pytest.fixture(scope="module")
def mart_nodes(built_home) -> dict[str, dict]:
    """Mart model nodes of the manifest the build parsed, by model name."""
    manifest = json.loads((paths.DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    return {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == "marts"
    }


@pytest.fixture(scope="module")
def built_columns(built_home) -> dict[str, list[str]]:
    """Columns of every mart table in the published snapshot, in table order."""
    rows = published_rows(
        built_home,
        "select table_name, column_name from information_schema.columns"
        " where table_schema = 'marts' order by table_name, ordinal_position",
    )
    columns: dict[str, list[str]] = defaultdict(list)
    for table, column in rows:
        columns[table].append(column)
    return dict(columns)


def _title_problems(where: str, meta: dict) -> list[str]:
    """What is wrong with the titles in `meta`, one line each, saying what to write."""
    zh, en = meta.get("title_zh") or "", meta.get("title_en") or ""
    problems = []
    if not CJK.search(zh):
        problems.append(f"{where}: add config.meta.title_zh, a title in Chinese (got {zh!r})")
    if not (en.isascii() and ASCII_LETTER.search(en)):
        problems.append(f"{where}: add config.meta.title_en, a title in English (got {en!r})")
    return problems


def test_there_are_marts_to_check(built_columns):
    assert len(built_columns) >= 12, sorted(built_columns)


def test_every_mart_has_a_title_in_chinese_and_english(built_columns, mart_nodes):
    problems = []
    for mart in built_columns:
        where = f"{_yaml(mart_nodes.get(mart))}: model {mart}"
        if mart not in mart_nodes:
            problems.append(f"{where}: not in the dbt manifest; add the model's entry")
            continue
        problems += _title_problems(where, mart_nodes[mart]["config"].get("meta", {}))
    assert not problems, "\n".join(problems)


def test_every_built_mart_column_has_a_description_and_titles(built_columns, mart_nodes):
    problems = []
    for mart, columns in built_columns.items():
        documented = mart_nodes.get(mart, {}).get("columns", {})
        for column in columns:
            where = f"{_yaml(mart_nodes.get(mart))}: model {mart}, column {column}"
            if column not in documented:
                problems.append(f"{where}: not documented; add it with a description and titles")
                continue
            if not documented[column].get("description", "").strip():
                problems.append(f"{where}: add a description")
            problems += _title_problems(where, documented[column]["config"].get("meta", {}))
    assert not problems, "\n".join(problems)


def test_no_two_columns_of_a_mart_share_a_title(built_columns, mart_nodes):
    problems = []
    for mart, columns in built_columns.items():
        documented = mart_nodes.get(mart, {}).get("columns", {})
        for key in ("title_zh", "title_en"):
            titled = defaultdict(list)
            for column in columns:
                meta = documented.get(column, {}).get("config", {}).get("meta", {})
                if meta.get(key):
                    titled[meta[key]].append(column)
            problems += [
                f"{_yaml(mart_nodes.get(mart))}: model {mart}: columns {', '.join(same)} share"
                f" the {key} {title!r}; make each title say how the column differs"
                for title, same in titled.items()
                if len(same) > 1
            ]
    assert not problems, "\n".join(problems)

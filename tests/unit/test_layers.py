"""The layers import down only: nothing under warehouse/ or ingest/ imports orchestration/ or
Dagster (`dagster`, `dagster_dbt`, ...), not even inside a function."""

import ast
from pathlib import Path

from warehouse.paths import REPO_ROOT, display_path

LOWER_LAYERS = ("warehouse", "ingest")


def _forbidden(module: str) -> bool:
    top = module.split(".")[0]
    return top in ("orchestration", "dagster") or top.startswith("dagster_")


def _imported(node: ast.AST) -> list[str]:
    """The absolute modules a node imports: import statements, and import_module("...") or
    __import__("...") with a literal name."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        return [node.module] if node.level == 0 and node.module else []
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name in ("import_module", "__import__") and isinstance(node.args[0].value, str):
            return [node.args[0].value]
    return []


def upward_imports(root: Path) -> list[str]:
    """`file:line imports module` for every import of orchestration or Dagster under root."""
    found = []
    for file in sorted(root.rglob("*.py")):
        tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
        for node in ast.walk(tree):
            found += [
                f"{display_path(file)}:{node.lineno} imports {module}"
                for module in _imported(node)
                if _forbidden(module)
            ]
    return found


def test_warehouse_and_ingest_know_nothing_of_orchestration_or_dagster():
    found = [line for layer in LOWER_LAYERS for line in upward_imports(REPO_ROOT / layer)]
    assert not found, "a lower layer imports upwards; move the code to orchestration/:\n" + (
        "\n".join(found)
    )


def test_the_check_sees_imports_inside_functions_and_by_name(tmp_path):
    module = tmp_path / "module.py"
    module.write_text(
        "import os\n"
        "def run():\n"
        "    from orchestration.build import build_and_publish\n"
        "    import dagster_dbt\n"
        "    return __import__('importlib').import_module('dagster')\n",
        encoding="utf-8",
    )
    assert upward_imports(tmp_path) == [
        f"{module}:3 imports orchestration.build",
        f"{module}:4 imports dagster_dbt",
        f"{module}:5 imports dagster",
    ]

"""`make bench`: the pipeline measured against its targets on the default data and on synthetic
panels, written to bench/results/latest.json and printed as a table.

    python -m bench                      # default data, then panels of 1M, 10M and 100M
    python -m bench --quick              # default data and 1M only
    python -m bench --sizes 10k          # any sizes (k and M suffixes)

Each size is built in a scratch copy of the project (bench/workspace.py) that is deleted after
it is measured, unless --keep. Nothing is asserted: the JSON says which target each figure met.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import shutil
import sys
import tempfile
from pathlib import Path

from bench import figures
from bench.rejections import rejections
from bench.targets import evaluate, table
from bench.workspace import B1_REPORT, create

RESULTS = Path(__file__).parent / "results" / "latest.json"
CORPUS = Path(__file__).parent.parent / "tests" / "fixtures" / "extraction_corpus.jsonl"


def parse_size(text: str) -> int:
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1].lower(), 1)
    number = text[:-1] if scale > 1 else text
    try:
        return int(float(number) * scale)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give a size such as 10k, 1M or 100M") from None


def _label(size: int) -> str:
    if size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    return f"{size // 1_000}k" if size % 1_000 == 0 else str(size)


def measure_size(root: Path, size: int, keep: bool, query_runs: int = figures.QUERY_RUNS) -> dict:
    """Every per-size figure, in a fresh workspace (size 0: the default data only), removed
    afterwards (even when a figure fails) unless `keep`."""
    label = _label(size) if size else "default"
    workspace_root = root / label
    try:
        workspace, written = create(workspace_root, size)
        print(f"{label}: {written} panel rows; building", flush=True)
        figure = {"observations": written, "pipeline": figures.pipeline(workspace)}
        figure["floor"] = figures.floor(workspace)
        figure["rebuild"] = figures.rebuild(workspace)
        figure["quality"] = figures.quality(workspace)
        figure.update(figures.queries(workspace, query_runs))
        report = workspace.inbox / "reports" / "cdb2025_b1.txt"
        if size == 0 and report.exists():
            figure["verify"] = figures.verify(workspace, report)
    finally:
        if not keep:
            shutil.rmtree(workspace_root, ignore_errors=True)
    return figure


def slope(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of log(seconds) against log(size)."""
    if len(points) < 2:
        return None
    xs = [math.log(size) for size, _ in points]
    ys = [math.log(max(seconds, 1e-3)) for _, seconds in points]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=lambda s: [parse_size(x) for x in s.split(",")])
    parser.add_argument("--quick", action="store_true", help="default data and 1M only")
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"default {RESULTS}")
    parser.add_argument("--work", type=Path, help="where workspaces go (default: a temp folder)")
    parser.add_argument("--keep", action="store_true", help="keep the workspaces")
    args = parser.parse_args(argv)
    sizes = args.sizes or ([1_000_000] if args.quick else [1_000_000, 10_000_000, 100_000_000])
    root = args.work or Path(tempfile.mkdtemp(prefix="govmetrics-bench-"))
    try:
        results = _measure(root, sizes, args.keep)
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(root, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(results))
    print(f"written: {args.out}")
    return 0


def _measure(root: Path, sizes: list[int], keep: bool) -> dict:
    started = dt.datetime.now(dt.UTC)
    results: dict = {
        "started": started.isoformat(timespec="seconds"),
        "machine": figures.machine(),
        "notes": [],
        "sizes": {"default": measure_size(root, 0, keep)},
    }
    if "verify" not in results["sizes"]["default"]:
        results["notes"].append(f"verify not measured: no B.1 text at {B1_REPORT}")
    name, text = extraction_text()
    results["extraction"] = figures.extraction(text) | {"text": name}
    if max(sizes) >= 1_000_000:
        results["rejections"] = rejections()
    for size in sizes:
        results["sizes"][_label(size)] = measure_size(root, size, keep)
    startup = results["sizes"]["default"]["pipeline"]["seconds"]
    panels = [(f["observations"], f["pipeline"]["seconds"] - startup) for f in _panels(results)]
    results["startup_seconds"] = startup
    results["slope"] = slope([(n, s) for n, s in panels if n >= 1_000_000])
    results["targets"] = evaluate(results)
    results["seconds"] = (dt.datetime.now(dt.UTC) - started).total_seconds()
    return results


def extraction_text() -> tuple[str, str]:
    """The B.1 report's text, else the labelled corpus's sentences joined (smaller, denser)."""
    if B1_REPORT.exists():
        return "B.1", B1_REPORT.read_text(encoding="utf-8")
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    return "extraction corpus", "\n".join(json.loads(line)["text"] for line in lines)


def _panels(results: dict) -> list[dict]:
    return [figure for label, figure in results["sizes"].items() if label != "default"]


if __name__ == "__main__":
    sys.exit(main())

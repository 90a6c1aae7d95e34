"""A scratch copy of the project in which the benchmark builds, so that the synthetic panel goes
through the same ingest path, contracts, dbt models, checks and publish as real data, without
touching the repository or its warehouse.

The copy's packages come first on PYTHONPATH, so `govmetrics` run with `Workspace.env()` imports
the copy's code and reads the copy's data (seeds, source registry, observation files)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench.panel import (
    extend_registry,
    extend_seeds,
    layers_needed,
    panel_indicators,
    panel_units,
    write_panel,
)
from warehouse import paths
from warehouse.release_content import HOME_OUTPUTS

COPIED = (
    "ingest",
    "orchestration",
    "warehouse",
    "dbt_project",
    "pyproject.toml",
    "requirements.lock",
)
B1_REPORT = paths.REPO_ROOT.parent / "shared" / "seeds" / "000_855edd2ded03d635.txt"
GOVMETRICS = Path(sys.executable).with_name("govmetrics")


def _ignore(folder: str, names: list[str]) -> set[str]:
    skipped = {"__pycache__", ".pytest_cache"}
    if Path(folder) == paths.REPO_ROOT / "warehouse":
        skipped |= {*HOME_OUTPUTS, "screenshots"}
    if Path(folder) == paths.DBT_PROJECT_DIR:
        skipped |= {"target", "logs", "dbt_packages"}
    return skipped & set(names)


@dataclass(frozen=True)
class Timed:
    seconds: float
    peak_bytes: int  # the largest sum of resident memory of the process and its children
    output: str


PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants, read from /proc (Linux)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:  # ended between listing and reading
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, ppid in parents.items() if ppid == parent]
        tree.update(children)
        frontier += children
    total = 0
    for member in tree:
        try:
            total += int((Path("/proc") / str(member) / "statm").read_text().split()[1])
        except (OSError, IndexError):
            continue
    return total * PAGE_BYTES


def run_timed(command: list[str], env: dict[str, str], cwd: Path) -> Timed:
    """Run a command to its end: wall time and peak memory of its process tree (sampled every
    200 ms). A failing command raises, naming it and the end of its output."""
    started = time.perf_counter()
    child = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(child.pid))
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = child.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if child.returncode != 0:
        tail = "\n".join(output.splitlines()[-15:])
        raise RuntimeError(f"{' '.join(command[:3])} failed ({child.returncode}):\n{tail}")
    return Timed(seconds, peak, output)


@dataclass(frozen=True)
class Workspace:
    root: Path

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def observations(self) -> Path:
        return self.root / "ingest" / "data" / "observations"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(self.root), str(paths.REPO_ROOT)]),
            "GOVMETRICS_HOME": str(self.home),
            "GOVMETRICS_INBOX": str(self.inbox),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        }

    def govmetrics(self, *args: str) -> Timed:
        return run_timed([str(GOVMETRICS), *args], self.env(), self.root)

    def python(self, *args: str) -> Timed:
        return run_timed([sys.executable, *args], self.env(), self.root)

    def panel_files(self) -> list[Path]:
        return sorted(self.observations.glob("bench_panel_*.csv"))


def create(root: Path, size: int) -> tuple[Workspace, int]:
    """Copy the project to `root` and add a panel of about `size` observations (0: none);
    returns the workspace and the panel rows written. The B.1 report goes into its inbox when
    ../shared holds it."""
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    for name in COPIED:
        source = paths.REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=_ignore)
        else:
            shutil.copy2(source, root / name)
    workspace = Workspace(root)
    (workspace.inbox / "reports").mkdir(parents=True)
    (workspace.inbox / "statistics").mkdir()
    if B1_REPORT.exists():
        shutil.copy2(B1_REPORT, workspace.inbox / "reports" / "cdb2025_b1.txt")
    if size == 0:
        return workspace, 0
    seeds = root / "dbt_project" / "seeds"
    indicators = panel_indicators(seeds, workspace.observations)
    units = panel_units(seeds)
    extend_seeds(seeds, units)
    extend_registry(
        root / "ingest" / "data" / "source_documents.csv", layers_needed(size, len(indicators))
    )
    return workspace, write_panel(size, workspace.observations, indicators, units)

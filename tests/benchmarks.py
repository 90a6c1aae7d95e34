"""`make bench`: speed targets, measured (never asserted by timed tests).

- extraction: throughput of `extract_quantities` in MB (UTF-8) per CPU second, target at least
  1 MB/s on the B.1 report (read from ../shared/seeds or inbox/reports; the labelled corpus's
  sentences joined into one text when neither is there). The corpus, one figure every 50 bytes
  or so, is also measured, for information: it is the worst case, not the target.
- verify: wall time of `govmetrics verify` on B.1, process start included, automatic linking
  (`--automatic`) and by its register, target at most 5 s each; it needs a published warehouse
  (`make run`), else it is skipped and says so.
- rejections: an NBS export of nothing but bad rows (unknown labels) at 5 MB and 50 MB, loaded
  through the real ingest asset into a scratch warehouse: every row quarantined, one log line per
  file; target: time linear in size (seconds per MB at 50 MB at most 1.5 times those at 5 MB).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ingest.quantity_extraction import extract_quantities
from warehouse import paths

REPORT_CANDIDATES = [
    paths.REPO_ROOT.parent / "shared" / "seeds" / "000_855edd2ded03d635.txt",
    paths.inbox() / "reports" / "cdb2025_b1.txt",
]
CORPUS = Path(__file__).parent / "fixtures" / "extraction_corpus.jsonl"
TARGET_MB_PER_SECOND = 1.0
TARGET_VERIFY_SECONDS = 5.0
TARGET_LINEARITY = 1.5


def _corpus_text() -> tuple[str, str]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    return f"{CORPUS} (sentences joined)", "\n".join(json.loads(line)["text"] for line in lines)


def _report_text() -> tuple[str, str]:
    for candidate in REPORT_CANDIDATES:
        if candidate.exists():
            return str(candidate), candidate.read_text(encoding="utf-8")
    return _corpus_text()


def bench_extraction(name: str, text: str, runs: int = 5) -> bool:
    timings, found = [], 0
    for _ in range(runs):
        started = time.process_time()
        found = len(extract_quantities(text))
        timings.append(time.process_time() - started)
    median = statistics.median(timings)
    megabytes = len(text.encode("utf-8")) / 1_000_000
    speed = megabytes / median if median else float("inf")
    verdict = "ok" if speed >= TARGET_MB_PER_SECOND else "UNDER TARGET"
    print(
        f"extract: {name}: {megabytes:.3f} MB, {found} quantities, CPU median {median:.3f} s"
        f" over {runs} runs: {speed:.2f} MB/s (target >= {TARGET_MB_PER_SECOND} MB/s): {verdict}"
    )
    return speed >= TARGET_MB_PER_SECOND


def bench_verify(runs: int = 3) -> bool:
    report = next((c for c in REPORT_CANDIDATES if c.exists()), None)
    if report is None or not paths.published_db().exists():
        print("verify: skipped (needs the B.1 text and a published warehouse: run `make run`)")
        return True
    command = [str(Path(sys.executable).parent / "govmetrics"), "verify", str(report)]
    on_target = True
    for label, extra in (("automatic", ["--automatic"]), ("register", [])):
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(
                [*command, *extra, "--format", "json"],
                check=True,
                capture_output=True,
                env=os.environ.copy(),
            )
            timings.append(time.perf_counter() - started)
        median = statistics.median(timings)
        verdict = "ok" if median <= TARGET_VERIFY_SECONDS else "OVER TARGET"
        print(
            f"verify: B.1 ({label}): wall median {median:.2f} s over {runs} runs, process start"
            f" included (target <= {TARGET_VERIFY_SECONDS} s): {verdict}"
        )
        on_target = on_target and median <= TARGET_VERIFY_SECONDS
    return on_target


def _bad_export(megabytes: int) -> str:
    lines, size, number = ["数据库：年度数据\n指标,2023年,2022年\n"], 0, 0
    while size < megabytes * 1_000_000:
        line = f"未知指标{number}(万人),{number},{number + 1}\n"
        lines.append(line)
        size += len(line.encode("utf-8"))
        number += 1
    return "".join(lines)


def _load_seconds(megabytes: int) -> tuple[float, int]:
    """Seconds to load one export of bad rows through the real asset, and rows quarantined."""
    import duckdb
    from dagster import DagsterInstance, materialize

    from orchestration.assets.official import registry_and_exports
    from orchestration.resources import WarehouseResource

    with tempfile.TemporaryDirectory() as scratch:
        inbox = Path(scratch) / "inbox" / "statistics"
        inbox.mkdir(parents=True)
        (inbox / "bad.csv").write_text(_bad_export(megabytes), encoding="utf-8")
        saved = {key: os.environ.get(key) for key in ("GOVMETRICS_HOME", "GOVMETRICS_INBOX")}
        os.environ.update(GOVMETRICS_HOME=scratch, GOVMETRICS_INBOX=str(inbox.parent))
        try:
            started = time.perf_counter()
            materialize(
                [registry_and_exports],
                resources={"warehouse": WarehouseResource()},
                instance=DagsterInstance.ephemeral(),
            )
            seconds = time.perf_counter() - started
            with duckdb.connect(str(Path(scratch) / "build" / "govmetrics.duckdb")) as con:
                rows = con.execute("select count(*) from raw.quarantine").fetchone()[0]
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    return seconds, rows


def bench_rejections(sizes: tuple[int, int] = (5, 50)) -> bool:
    per_megabyte = []
    for megabytes in sizes:
        seconds, rows = _load_seconds(megabytes)
        per_megabyte.append(seconds / megabytes)
        print(
            f"rejections: a {megabytes} MB export of bad rows: {rows} rows quarantined in "
            f"{seconds:.1f} s ({megabytes / seconds:.2f} MB/s)"
        )
    ratio = per_megabyte[1] / per_megabyte[0]
    verdict = "ok" if ratio <= TARGET_LINEARITY else "NOT LINEAR"
    print(
        f"rejections: seconds per MB at {sizes[1]} MB / at {sizes[0]} MB = {ratio:.2f} "
        f"(target <= {TARGET_LINEARITY}): {verdict}"
    )
    return ratio <= TARGET_LINEARITY


def main() -> int:
    on_target = bench_extraction(*_report_text())
    bench_extraction(*_corpus_text())
    on_target = bench_verify() and on_target
    on_target = bench_rejections() and on_target
    return 0 if on_target else 1


if __name__ == "__main__":
    sys.exit(main())

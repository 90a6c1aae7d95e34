"""`make bench`: speed targets, measured (never asserted by timed tests).

- extraction: throughput of `extract_quantities` in MB (UTF-8) per CPU second, target at least
  1 MB/s on the B.1 report (read from ../shared/seeds or inbox/reports; the labelled corpus's
  sentences joined into one text when neither is there). The corpus, one figure every 50 bytes
  or so, is also measured, for information: it is the worst case, not the target.
"""

from __future__ import annotations

import json
import statistics
import sys
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


def main() -> int:
    on_target = bench_extraction(*_report_text())
    bench_extraction(*_corpus_text())
    return 0 if on_target else 1


if __name__ == "__main__":
    sys.exit(main())

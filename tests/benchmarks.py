"""`make bench`: speed targets, measured (never asserted by timed tests).

- extraction: CPU time of `extract_quantities` on the B.1 report (target: under 1 s), read from
  ../shared/seeds or inbox/reports; falls back to the labelled corpus text when neither is there.
"""

from __future__ import annotations

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
EXTRACTION_TARGET_SECONDS = 1.0


def _report_text() -> tuple[str, str]:
    for candidate in REPORT_CANDIDATES:
        if candidate.exists():
            return str(candidate), candidate.read_text(encoding="utf-8")
    corpus = Path(__file__).parent / "fixtures" / "extraction_corpus.jsonl"
    return str(corpus), corpus.read_text(encoding="utf-8")


def bench_extraction(runs: int = 5) -> bool:
    name, text = _report_text()
    timings, found = [], 0
    for _ in range(runs):
        started = time.process_time()
        found = len(extract_quantities(text))
        timings.append(time.process_time() - started)
    median = statistics.median(timings)
    verdict = "ok" if median < EXTRACTION_TARGET_SECONDS else "OVER TARGET"
    print(
        f"extract: {name}: {len(text)} characters, {found} quantities, "
        f"CPU median {median:.3f} s over {runs} runs (target < {EXTRACTION_TARGET_SECONDS} s): "
        f"{verdict}"
    )
    return median < EXTRACTION_TARGET_SECONDS


def main() -> int:
    return 0 if bench_extraction() else 1


if __name__ == "__main__":
    sys.exit(main())

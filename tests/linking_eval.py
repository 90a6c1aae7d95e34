"""Precision and recall of the automatic claim linker, and agreement of its verdicts
(`make eval-linking`).

Ground truth:
- B.1: its hand-made register. Each register entry is found in the text by the reconciliation
  (locator and figure), or by its words at its locator (a superlative has no figure of its own);
  the automatic claim at the same place is compared with it. An entry the linker has no claim
  for counts as a miss.
- The labelled test reports of tests/fixtures/linking/ and tests/fixtures/linking_blind/ (their
  answer keys; one row per extracted quantity), by two authors, the second blind to the first
  and to the linker.

A link is an indicator code on a claim. Precision: right links over links made; recall: right
links over links in the truth. Verdict agreement (B.1 only): the share of register entries whose
automatic claim gets the register's verdict, both judged by the published warehouse's verdict
models. Targets (issue 13): precision >= 0.9 at recall >= 0.8, agreement >= 0.9; the exit code
is 1 when B.1 misses one. `-v` lists every disagreement.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ingest.claim_linking import Lexicon, link_claims
from ingest.claim_register import read_claims, read_exclusions, reconcile
from ingest.report_structure import paragraphs
from warehouse import paths
from warehouse.document_check import verify_document

B1_ID = "cdb2025_b1"
B1_TEXTS = (
    paths.inbox() / "reports" / f"{B1_ID}.txt",
    paths.REPO_ROOT.parent / "shared" / "seeds" / "000_855edd2ded03d635.txt",
)
# Two labelled sets by two authors: the second was written blind to the first and to the linker.
FIXTURES = Path(__file__).parent / "fixtures" / "linking"
BLIND_FIXTURES = Path(__file__).parent / "fixtures" / "linking_blind"
TARGETS = {"precision": 0.9, "recall": 0.8, "verdict_agreement": 0.9}


@dataclass
class LinkScores:
    right: int = 0
    made: int = 0
    truth: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, predicted: str | None, truth: str | None, where: str) -> None:
        self.made += predicted is not None
        self.truth += truth is not None
        if predicted is not None and predicted == truth:
            self.right += 1
        elif predicted is not None or truth is not None:
            self.misses.append(f"{where}: linked {predicted}, truth {truth}")

    @property
    def precision(self) -> float:
        return self.right / self.made if self.made else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.truth if self.truth else 1.0


def _b1_text() -> Path | None:
    return next((path for path in B1_TEXTS if path.exists()), None)


def b1_links(text: str, lexicon: Lexicon) -> tuple[LinkScores, dict[str, int]]:
    """Link scores against the register, and each register entry's figure offset."""
    register = paths.register_file(B1_ID)
    claims = read_claims(register, B1_ID, frozenset(lexicon.indicators)).valid
    exclusions = read_exclusions(paths.exclusions_file(B1_ID))
    quantities = reconcile(B1_ID, text, claims, exclusions).quantities
    offset_of = {
        row["claim_id"]: row["start"]
        for row in quantities.iter_rows(named=True)
        if row["claim_id"] is not None
    }
    # An entry with no figure of its own (a superlative: 2013 年以来增幅最快) is found by its words.
    located = paragraphs(text)
    for row in claims.iter_rows(named=True):
        if row["claim_id"] in offset_of:
            continue
        for paragraph in located:
            if (paragraph.section, paragraph.index) == (row["section"], row["paragraph"]):
                at = text.find(row["surface"], paragraph.start, paragraph.end)
                if at >= 0:
                    offset_of[row["claim_id"]] = at
    truth_at = {
        offset_of[cid]: code
        for cid, code in claims.select("claim_id", "indicator_code").rows()
        if cid in offset_of
    }
    scores = LinkScores()
    automatic = link_claims(text, lexicon, dt.date(2025, 1, 1))
    linked_at = {claim.quantity.start: claim for claim in automatic}
    for claim in automatic:
        truth = truth_at.get(claim.quantity.start)
        scores.add(
            claim.indicator_code,
            truth,
            f"B.1 {claim.section}/{claim.paragraph} {claim.quantity.text}",
        )
    for cid, code in claims.select("claim_id", "indicator_code").rows():
        if cid not in offset_of or offset_of[cid] not in linked_at:
            scores.add(None, code, f"B.1 {cid} (no automatic claim on its figure)")
    return scores, offset_of


def b1_verdict_agreement(
    data: bytes, text: str, offset_of: dict[str, int]
) -> tuple[float, list[str], int]:
    published = paths.published_db()
    registered = verify_document(data, text, f"{B1_ID}.txt", published).verdicts
    automatic = verify_document(data, text, f"{B1_ID}.txt", published, automatic=True).verdicts
    automatic_at = {row["start_offset"]: row["verdict"] for row in automatic.iter_rows(named=True)}
    disagreements = []
    for row in registered.iter_rows(named=True):
        got = automatic_at.get(offset_of.get(row["claim_id"], -1))
        if got != row["verdict"]:
            disagreements.append(
                f"{row['claim_id']} {row['surface']}: register {row['verdict']}, automatic {got}"
            )
    return 1 - len(disagreements) / registered.height, disagreements, registered.height


def fixture_links(lexicon: Lexicon, folder: Path = FIXTURES) -> dict[str, LinkScores]:
    reports = list(csv.DictReader((folder / "reports.csv").open(encoding="utf-8")))
    scores = {}
    for report in reports:
        text = (folder / report["file"]).read_text(encoding="utf-8")
        claims = link_claims(text, lexicon, dt.date.fromisoformat(report["reference_date"]))
        seen: Counter[str] = Counter()
        by_key = {}
        for claim in claims:
            seen[claim.quantity.text] += 1
            by_key[(claim.quantity.text, seen[claim.quantity.text])] = claim
        name = report["file"].removesuffix(".txt")
        file_scores = LinkScores()
        with (folder / f"{name}.expected.csv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                claim = by_key.get((row["surface"], int(row["occurrence"])))
                file_scores.add(
                    claim.indicator_code if claim else None,
                    row["indicator_code"] or None,
                    f"{name} {row['surface']}",
                )
        scores[name] = file_scores
    return scores


def _row(name: str, s: LinkScores) -> str:
    return f"{name:<28} {s.made:>5} {s.right:>5} {s.truth:>5} {s.precision:>9.3f} {s.recall:>7.3f}"


def main() -> int:
    verbose = "-v" in sys.argv
    lexicon = Lexicon.from_seeds(paths.DBT_SEEDS_DIR)
    print(f"{'text':<28} {'links':>5} {'right':>5} {'truth':>5} {'precision':>9} {'recall':>7}")
    misses = []
    for label, folder in (("test reports", FIXTURES), ("blind test reports", BLIND_FIXTURES)):
        total = LinkScores()
        for name, scores in fixture_links(lexicon, folder).items():
            print(_row(name, scores))
            total.right += scores.right
            total.made += scores.made
            total.truth += scores.truth
            misses += scores.misses
        print(_row(f"{label}, all", total))
    source = _b1_text()
    if source is None:
        print("B.1: no text (put it in inbox/reports/cdb2025_b1.txt); not evaluated")
        return 1
    data = source.read_bytes()
    text = data.decode("utf-8")
    b1, offset_of = b1_links(text, lexicon)
    print(_row("B.1 (register as truth)", b1))
    if not paths.published_db().exists():
        print("verdict agreement: no published warehouse; run `make run` first")
        return 1
    agreement, disagreements, entries = b1_verdict_agreement(data, text, offset_of)
    print(
        f"B.1 verdict agreement with the register: {agreement:.3f} "
        f"({len(disagreements)} of {entries} entries differ)"
    )
    if verbose:
        for line in [*b1.misses, *disagreements, *misses]:
            print("  " + line)
    met = (
        b1.precision >= TARGETS["precision"]
        and b1.recall >= TARGETS["recall"]
        and agreement >= TARGETS["verdict_agreement"]
    )
    print("targets " + ("met" if met else "missed") + f" {TARGETS}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

"""Recall and precision of the quantity extractor on the labelled corpus (`make eval`).

A predicted quantity meets a gold one when their spans overlap (each gold is met once). It is
right on value when the values are equal, and strictly right when value, kind, interval and
(for a ratio) base are all equal. Value recall and strict recall are over gold quantities;
precision is the share of predicted quantities right on value. Every corpus line carries a
`category` (the pattern it tests, or `general`) and a `script` (simplified or traditional);
the scores are printed per script and per category. `-v` lists every miss.
"""

from __future__ import annotations

import json
import math
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ingest.quantity_extraction import Quantity, extract_quantities

CORPUS = Path(__file__).parent / "fixtures" / "extraction_corpus.jsonl"
FIELDS = ("value", "kind", "base", "lower", "upper")
CATEGORIES = (
    "general",
    "compound_magnitude",
    "digit_groups",
    "parentheses",
    "chinese_numerals",
    "tenths_fractions_multiples",
    "per_mille",
    "zhi_between_figures",
    "non_quantities",
    "line_breaks",
)
SCRIPTS = ("simplified", "traditional")


@dataclass
class Gold:
    text: str
    start: int
    end: int
    value: float
    kind: str
    base: float | None
    lower: float | None
    upper: float | None


@dataclass
class Scores:
    predicted: int = 0
    gold: int = 0
    value_right: int = 0  # predicted quantities right on value (= gold met on value)
    strict_right: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.value_right / self.predicted if self.predicted else 1.0

    @property
    def value_recall(self) -> float:
        return self.value_right / self.gold if self.gold else 1.0

    @property
    def strict_recall(self) -> float:
        return self.strict_right / self.gold if self.gold else 1.0

    def add(self, other: Scores) -> None:
        self.predicted += other.predicted
        self.gold += other.gold
        self.value_right += other.value_right
        self.strict_right += other.strict_right
        self.misses += other.misses


@dataclass
class Report:
    overall: Scores
    by_script: dict[str, Scores]
    by_category: dict[str, Scores]


def load_corpus(path: Path = CORPUS) -> list[tuple[dict, list[Gold]]]:
    sentences = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        golds, cursor = [], 0
        for quantity in record["quantities"]:
            start = record["text"].index(quantity["text"], cursor)
            cursor = start + len(quantity["text"])
            golds.append(
                Gold(
                    quantity["text"],
                    start,
                    cursor,
                    quantity["value"],
                    quantity["kind"],
                    quantity.get("base"),
                    quantity["lower"],
                    quantity["upper"],
                )
            )
        sentences.append((record, golds))
    return sentences


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _strictly(predicted: Quantity, gold: Gold) -> bool:
    return predicted.kind == gold.kind and all(
        _same(getattr(predicted, f), getattr(gold, f)) for f in ("value", "base", "lower", "upper")
    )


def score_sentence(record: dict, golds: list[Gold]) -> Scores:
    scores = Scores(gold=len(golds))
    predicted = extract_quantities(record["text"])
    scores.predicted = len(predicted)
    unmatched = list(golds)
    for quantity in predicted:
        gold = next(
            (g for g in unmatched if g.start < quantity.end and quantity.start < g.end), None
        )
        if gold is not None:
            unmatched.remove(gold)
        if gold is not None and _same(quantity.value, gold.value):
            scores.value_right += 1
            if _strictly(quantity, gold):
                scores.strict_right += 1
                continue
        want = "nothing" if gold is None else {f: getattr(gold, f) for f in FIELDS}
        got = {f: getattr(quantity, f) for f in FIELDS}
        scores.misses.append(f"{record['id']}: {quantity.text!r} got {got}, want {want}")
    for gold in unmatched:
        scores.misses.append(f"{record['id']}: missed {gold.text!r}")
    return scores


def evaluate(sentences: list[tuple[dict, list[Gold]]]) -> Report:
    report = Report(Scores(), defaultdict(Scores), defaultdict(Scores))
    for record, golds in sentences:
        scores = score_sentence(record, golds)
        report.overall.add(scores)
        report.by_script[record["script"]].add(scores)
        report.by_category[record["category"]].add(scores)
    return report


def _row(name: str, scores: Scores) -> str:
    return (
        f"  {name:<28} {scores.gold:>5} {scores.predicted:>6} {scores.value_recall:>8.4f}"
        f" {scores.strict_recall:>8.4f} {scores.precision:>9.4f}"
    )


def main(argv: list[str]) -> int:
    sentences = load_corpus()
    report = evaluate(sentences)
    header = f"  {'':<28} {'gold':>5} {'found':>6} {'value_r':>8} {'strict_r':>8} {'precision':>9}"
    print(f"corpus: {len(sentences)} sentences, {report.overall.gold} labelled quantities")
    print(header)
    print(_row("all", report.overall))
    print("by script")
    for script in SCRIPTS:
        print(_row(script, report.by_script[script]))
    print("by category")
    for category in CATEGORIES:
        print(_row(category, report.by_category[category]))
    misses = report.overall.misses
    if misses:
        print(f"{len(misses)} misses")
        for miss in misses if "-v" in argv else misses[:10]:
            print("  " + miss)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Precision and recall of the quantity extractor on the labelled corpus (`make eval`).

A predicted quantity is correct when its span overlaps a gold quantity's span and its value,
kind and interval all equal the gold ones. Precision = correct / predicted; recall = correct /
gold. Run `python -m tests.extraction_eval -v` to list every miss.
"""

from __future__ import annotations

import json
import math
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ingest.quantity_extraction import Quantity, extract_quantities

CORPUS = Path(__file__).parent / "fixtures" / "extraction_corpus.jsonl"
FIELDS = ("value", "kind", "lower", "upper")


@dataclass
class Gold:
    text: str
    start: int
    end: int
    value: float
    kind: str
    lower: float | None
    upper: float | None


@dataclass
class Scores:
    predicted: int = 0
    gold: int = 0
    correct: int = 0
    misses: list[str] = field(default_factory=list)
    by_tag: Counter = field(default_factory=Counter)

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 1.0


def load_corpus(path: Path = CORPUS) -> list[tuple[dict, list[Gold]]]:
    sentences = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        golds, cursor = [], 0
        for quantity in record["quantities"]:
            start = record["text"].index(quantity["text"], cursor)
            cursor = start + len(quantity["text"])
            golds.append(Gold(quantity["text"], start, cursor,
                              *(quantity[f] for f in FIELDS)))  # fmt: skip
        sentences.append((record, golds))
    return sentences


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _agrees(predicted: Quantity, gold: Gold) -> bool:
    return predicted.kind == gold.kind and all(
        _same(getattr(predicted, f), getattr(gold, f)) for f in ("value", "lower", "upper")
    )


def evaluate(sentences: list[tuple[dict, list[Gold]]]) -> Scores:
    scores = Scores()
    for record, golds in sentences:
        predicted = extract_quantities(record["text"])
        scores.predicted += len(predicted)
        scores.gold += len(golds)
        unmatched = list(golds)
        for quantity in predicted:
            overlapping = [
                g for g in unmatched if g.start < quantity.end and quantity.start < g.end
            ]
            gold = overlapping[0] if overlapping else None
            if gold is not None:
                unmatched.remove(gold)
            if gold is not None and _agrees(quantity, gold):
                scores.correct += 1
                continue
            want = "nothing" if gold is None else {f: getattr(gold, f) for f in FIELDS}
            got = {f: getattr(quantity, f) for f in FIELDS}
            scores.misses.append(f"{record['id']}: {quantity.text!r} got {got}, want {want}")
            scores.by_tag.update(record.get("tags", []))
        for gold in unmatched:
            scores.misses.append(f"{record['id']}: missed {gold.text!r}")
            scores.by_tag.update(record.get("tags", []))
    return scores


def main(argv: list[str]) -> int:
    sentences = load_corpus()
    scores = evaluate(sentences)
    print(f"corpus: {len(sentences)} sentences, {scores.gold} labelled quantities")
    print(f"predicted {scores.predicted}, correct {scores.correct} (value, kind and interval)")
    print(f"precision {scores.precision:.4f}  recall {scores.recall:.4f}")
    if scores.misses:
        print(f"{len(scores.misses)} misses; tags of sentences with misses: "
              + ", ".join(f"{tag} {n}" for tag, n in scores.by_tag.most_common(8)))  # fmt: skip
        for miss in scores.misses if "-v" in argv else scores.misses[:10]:
            print("  " + miss)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

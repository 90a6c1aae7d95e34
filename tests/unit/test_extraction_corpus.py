from tests.extraction_eval import evaluate, load_corpus


def test_the_corpus_is_large_and_varied():
    sentences = load_corpus()
    tags = {tag for record, _ in sentences for tag in record.get("tags", [])}
    assert sum(len(golds) for _, golds in sentences) >= 200
    assert sum(not golds for _, golds in sentences) >= 10  # sentences with no quantity at all
    assert {"traditional", "full_width", "range", "from_to", "ratio", "decrease"} <= tags


def test_precision_and_recall_on_value_kind_and_interval_are_at_least_98_percent():
    scores = evaluate(load_corpus())
    assert scores.precision >= 0.98, scores.misses
    assert scores.recall >= 0.98, scores.misses

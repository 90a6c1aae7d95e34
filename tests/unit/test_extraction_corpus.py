from tests.extraction_eval import CATEGORIES, SCRIPTS, evaluate, load_corpus


def test_the_corpus_is_large_and_varied():
    sentences = load_corpus()
    assert sum(len(golds) for _, golds in sentences) >= 600
    assert sum(not golds for _, golds in sentences) >= 10  # sentences with no quantity at all
    assert {record["script"] for record, _ in sentences} == set(SCRIPTS)
    assert {record["category"] for record, _ in sentences} == set(CATEGORIES)
    for category in CATEGORIES[1:]:
        scripts = {record["script"] for record, _ in sentences if record["category"] == category}
        assert scripts == set(SCRIPTS), category


def test_every_script_and_category_keeps_its_recall_and_precision():
    report = evaluate(load_corpus())
    for name, scores in {**report.by_script, **report.by_category}.items():
        assert scores.value_recall >= 0.99, (name, scores.misses)
        assert scores.precision >= 0.99, (name, scores.misses)
        assert scores.strict_recall >= 0.97, (name, scores.misses)

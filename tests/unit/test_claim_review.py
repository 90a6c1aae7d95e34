"""Review decisions on automatic claims: applied by locator, never lost, bad rows quarantined."""

import datetime as dt

from ingest.claim_linking import Lexicon, link_claims
from ingest.claim_review import REVIEW_COLUMNS, apply_review
from warehouse import paths

LEXICON = Lexicon.from_seeds(paths.DBT_SEEDS_DIR)
TEXT = (
    "全国基层治理概况\n"
    "截至2024年底，全国注册志愿者2.37亿名，社会组织89万个，城镇化率67.00%。\n"
    "在杭州市拱墅区，社区现有志愿者3200名。\n"
)
HEADER = ",".join(REVIEW_COLUMNS) + "\n"


def _claims():
    return link_claims(TEXT, LEXICON, dt.date(2025, 3, 5))


def _review(tmp_path, rows: str):
    path = tmp_path / "r.review.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    reviewed, rejections = apply_review(_claims(), path, LEXICON)
    return {c.quantity.text: c for c in reviewed}, rejections


def test_without_a_review_file_nothing_changes(tmp_path):
    claims = _claims()
    assert apply_review(claims, tmp_path / "missing.csv", LEXICON) == (claims, [])


def test_confirm_correct_and_reject_are_applied(tmp_path):
    before = {c.quantity.text: c for c in _claims()}
    assert before["67.00%"].indicator_code == "urbanisation_rate"
    assert before["89万个"].confidence < 1
    claims, rejections = _review(
        tmp_path,
        "front,2,89万个,1,confirm,,,,,,\n"
        "front,2,67.00%,,reject,,,,,,not the resident urbanisation rate\n"
        "front,3,3200名,1,correct,registered_volunteers,330000,2024-12-31,,,whole province\n",
    )
    assert rejections == []
    assert (claims["89万个"].confidence, claims["89万个"].review_decision) == (1.0, "confirm")
    assert claims["89万个"].indicator_code == "social_organisations"
    rejected = claims["67.00%"]
    assert (rejected.indicator_code, rejected.confidence, rejected.review_decision) == (
        None,
        1.0,
        "reject",
    )
    assert "not the resident urbanisation rate" in rejected.evidence
    corrected = claims["3200名"]
    assert (corrected.indicator_code, corrected.geo_code, corrected.scope) == (
        "registered_volunteers",
        "330000",
        "province",
    )
    assert corrected.dating.as_of == dt.date(2024, 12, 31)
    assert corrected.confidence == 1.0


def test_rows_that_cannot_be_applied_are_quarantined_and_the_rest_applied(tmp_path):
    claims, rejections = _review(
        tmp_path,
        "front,2,2.37亿名,1,confirm,,,,,,\n"
        "front,2,999万个,1,confirm,,,,,,\n"
        "front,2,89万个,1,approve,,,,,,\n"
        "front,2,89万个,1,correct,no_such_indicator,,,,,\n"
        "front,2,89万个,1,correct,,,,,,\n"
        "front,2,89万个,1,correct,,999999,,,,\n",
    )
    assert claims["2.37亿名"].review_decision == "confirm"
    assert claims["89万个"].review_decision is None
    assert [(r.line, r.field) for r in rejections] == [
        (3, "surface"),
        (4, "decision"),
        (5, "indicator_code"),
        (6, "decision"),
        (7, "geo_code"),
    ]
    assert all(r.source_file.endswith("r.review.csv") for r in rejections)


def test_a_file_that_cannot_be_read_is_one_rejection_and_nothing_is_lost(tmp_path):
    claims = _claims()
    missing = tmp_path / "missing_column.review.csv"
    missing.write_text("section,paragraph,surface\nfront,2,89万个\n", encoding="utf-8")
    assert apply_review(claims, missing, LEXICON)[0] == claims
    ((rejection,),) = [apply_review(claims, missing, LEXICON)[1]]
    assert (rejection.line, rejection.field) == (1, "decision")
    gbk = tmp_path / "gbk.review.csv"
    gbk.write_bytes((HEADER + "front,2,89万个,1,confirm,,,,,,\n").encode("gbk"))
    reviewed, rejections = apply_review(claims, gbk, LEXICON)
    assert rejections == []
    assert {c.quantity.text: c for c in reviewed}["89万个"].review_decision == "confirm"


def test_a_correction_names_a_whole_period_and_a_known_place(tmp_path):
    claims, rejections = _review(
        tmp_path,
        "front,2,89万个,1,correct,,,,2024-01-01,,\n"
        "front,2,89万个,²,confirm,,,,,,\n"
        "front,2,89万个,1,correct,,,,2024-12-31,2024-01-01,\n"
        "front,2,2.37亿名,1,correct,,110000,,,,\n",
    )
    assert [(r.line, r.field) for r in rejections] == [
        (2, "period_start"),
        (3, "occurrence"),
        (4, "period_start"),
    ]
    corrected = claims["2.37亿名"]
    assert (corrected.geo_code, corrected.geo_name, corrected.scope) == (
        "110000",
        "北京",
        "province",
    )

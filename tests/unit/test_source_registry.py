from ingest.source_registry import REGISTRY_COLUMNS, read_source_registry
from warehouse import paths

HEADER = ",".join(REGISTRY_COLUMNS)
GOOD = "nbs_test,国家统计局,A test release,2024-02-29,example.org/a,,official,not stated,"


def write(tmp_path, *lines):
    path = tmp_path / "sources.csv"
    path.write_text("\n".join((HEADER, *lines)) + "\n", encoding="utf-8")
    return path


def test_a_complete_record_loads(tmp_path):
    parsed = read_source_registry(write(tmp_path, GOOD))
    assert parsed.quarantine.is_empty()
    assert parsed.valid.row(0, named=True)["source_id"] == "nbs_test"
    assert parsed.valid.row(0, named=True)["_source_line"] == 2


def test_a_missing_field_is_an_error_not_a_blank(tmp_path):
    no_licence = "nbs_other,国家统计局,Another release,2024,example.org/b,,official,,"
    parsed = read_source_registry(write(tmp_path, GOOD, no_licence), name="sources.csv")
    assert parsed.valid.get_column("source_id").to_list() == ["nbs_test"]
    rejected = parsed.quarantine.row(0, named=True)
    assert (rejected["source_file"], rejected["line"], rejected["field"]) == (
        "sources.csv",
        3,
        "licence",
    )
    assert "empty" in rejected["reason"]


def test_bad_grade_date_and_duplicate_id_are_rejected(tmp_path):
    parsed = read_source_registry(
        write(
            tmp_path,
            GOOD,
            "bad_grade,P,T,2024,u,,rumour,l,",
            "bad_date,P,T,29 Feb 2024,u,,official,l,",
            GOOD,
        )
    )
    fields = parsed.quarantine.select("line", "field").rows()
    assert fields == [(3, "grade"), (4, "date_published"), (5, "source_id")]
    assert parsed.valid.height == 1


def test_the_shipped_registry_is_complete():
    registry = paths.INGEST_DATA_DIR / "source_documents.csv"
    parsed = read_source_registry(registry)
    assert parsed.quarantine.is_empty(), parsed.quarantine
    assert parsed.valid.height >= 16

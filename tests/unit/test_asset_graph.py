"""The Dagster graph shows every writer: each raw table has exactly one producing asset, which
declares it, and no dbt source is an external asset that nothing produces.

Loading the definitions needs the dbt manifest (`make setup` runs `dbt parse`).
"""

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey, AssetsDefinition, DagsterInstance, materialize

from orchestration.assets.dbt_models import INGEST_ASSETS, LEDGER_TABLES, GovmetricsTranslator
from orchestration.dbt_project import govmetrics_dbt
from orchestration.resources import WarehouseResource

NBS_EXPORT = Path(__file__).parent.parent / "fixtures" / "nbs" / "province_population_gbk.csv"


def _raw_sources() -> set[str]:
    manifest = json.loads(Path(govmetrics_dbt.manifest_path).read_text(encoding="utf-8"))
    return {s["name"] for s in manifest["sources"].values() if s["schema"] == "raw"}


def _producers(key: AssetKey) -> list[str]:
    from orchestration.definitions import defs

    assets = [a for a in defs.assets or [] if isinstance(a, AssetsDefinition)]
    return [a.node_def.name for a in assets if key in a.keys]


def test_every_raw_table_has_exactly_one_producing_asset():
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    declared = {key.path[1] for key in graph.get_all_asset_keys() if key.path[0] == "raw"}
    for table in sorted((_raw_sources() | declared) - set(LEDGER_TABLES)):
        key = AssetKey(["raw", table])
        assert len(_producers(key)) == 1, f"raw.{table} is produced by {_producers(key)}"
        assert graph.get(key).is_materializable, f"raw.{table} is shown as an external source"


def test_no_dbt_source_is_an_unproduced_external_asset():
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    external = [
        k.to_user_string() for k in graph.get_all_asset_keys() if not graph.get(k).is_materializable
    ]
    assert external == []
    # The ledger every ingest asset writes is no node: its readers depend on the writers.
    assert set(LEDGER_TABLES) <= _raw_sources()
    for table in LEDGER_TABLES:
        assert not graph.has(AssetKey(["raw", table]))
    quarantine = graph.get(AssetKey(["staging", "stg_raw__quarantine"])).parent_keys
    assert quarantine == {key for assets in INGEST_ASSETS for key in assets.keys}
    registry = graph.get(AssetKey(["staging", "stg_registry__sources"])).parent_keys
    assert registry == {AssetKey(["raw", "registry_sources"])}


def test_a_raw_source_without_a_declared_writer_is_refused():
    props = {
        "resource_type": "source",
        "source_name": "raw",
        "name": "new_table",
        "original_file_path": "models/staging/_raw__sources.yml",
        "config": {"meta": {}},
    }
    with pytest.raises(ValueError, match=r"_raw__sources.yml: source table new_table has no"):
        GovmetricsTranslator().get_asset_key(props)


def _written_tables(db: Path) -> set[str]:
    """The raw tables a run created or logged a load into, the ledger aside."""
    with duckdb.connect(str(db), read_only=True) as con:
        tables = {
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_schema = 'raw'"
            ).fetchall()
        }
        logged = {row[0] for row in con.execute("select table_name from raw.load_log").fetchall()}
    return (tables | logged) - set(LEDGER_TABLES)


@pytest.mark.parametrize("assets", INGEST_ASSETS, ids=lambda a: a.node_def.name)
def test_each_ingest_asset_declares_every_table_it_writes(assets, tmp_path, monkeypatch):
    home, inbox = tmp_path / "home", tmp_path / "inbox"
    (inbox / "statistics").mkdir(parents=True)
    (inbox / "reports").mkdir()
    shutil.copy(NBS_EXPORT, inbox / "statistics" / "export.csv")  # its registry row, too
    monkeypatch.setenv("GOVMETRICS_HOME", str(home))
    monkeypatch.setenv("GOVMETRICS_INBOX", str(inbox))
    result = materialize(
        [assets],
        resources={"warehouse": WarehouseResource()},
        instance=DagsterInstance.ephemeral(),
    )
    assert result.success
    declared = {key.path[1] for key in assets.keys}
    assert _written_tables(home / "build" / "govmetrics.duckdb") == declared

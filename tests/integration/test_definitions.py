"""The Definitions load, and their asset keys, checks, jobs and schedules match a reviewed snapshot.

A rename shows up here: run with GOVMETRICS_UPDATE_SNAPSHOT=1 to accept it, and review the diff
of tests/snapshots/definitions.json.
"""

import json
import os
from pathlib import Path

from dagster import AssetKey, AssetsDefinition

SNAPSHOT = Path(__file__).parent.parent / "snapshots" / "definitions.json"


def describe_definitions() -> dict:
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    steps = [a for a in defs.assets or [] if isinstance(a, AssetsDefinition)]
    return {
        "assets": sorted(key.to_user_string() for key in graph.get_all_asset_keys()),
        # What each step writes, the dbt models aside (their keys are the models').
        "writers": {
            step.node_def.name: sorted(key.to_user_string() for key in step.keys)
            for step in sorted(steps, key=lambda step: step.node_def.name)
            if step.node_def.name != "govmetrics_dbt_models"
        },
        "asset_checks": sorted(
            f"{check.asset_key.to_user_string()}:{check.name}" for check in graph.asset_check_keys
        ),
        "jobs": sorted(
            job.name for job in defs.resolve_all_job_defs() if not job.name.startswith("__")
        ),
        "schedules": sorted(
            f"{s.name} {s.cron_schedule} {s.execution_timezone}" for s in defs.schedules or []
        ),
    }


def test_definitions_match_the_snapshot():
    current = describe_definitions()
    if os.environ.get("GOVMETRICS_UPDATE_SNAPSHOT"):
        SNAPSHOT.write_text(json.dumps(current, indent=2, ensure_ascii=False) + "\n")
    assert current == json.loads(SNAPSHOT.read_text())


def test_dbt_sources_are_the_ingest_assets_so_the_lineage_is_one_graph():
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    staging = graph.get(AssetKey(["staging", "stg_official__observations"]))
    assert AssetKey(["raw", "official_observations"]) in staging.parent_keys
    ingest_asset = graph.get(AssetKey(["raw", "official_observations"]))
    assert ingest_asset.is_materializable
    publish = graph.get(AssetKey(["warehouse", "published_snapshot"]))
    assert AssetKey(["marts", "aging_timeseries"]) in publish.parent_keys

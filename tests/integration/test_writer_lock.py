"""Writers are serialised: a second run waits for the first's lock, then gives up clearly."""

import pytest
from dagster import build_init_resource_context

from orchestration import resources
from orchestration.resources import WarehouseResource, WriterLockTimeout


def test_a_second_writer_waits_then_times_out(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVMETRICS_HOME", str(tmp_path))
    monkeypatch.setattr(resources, "LOCK_WAIT_SECONDS", 1.0)
    first, second = WarehouseResource(), WarehouseResource()
    first.setup_for_execution(build_init_resource_context())
    try:
        with pytest.raises(WriterLockTimeout, match=r"writer\.lock"):
            second.setup_for_execution(build_init_resource_context())
    finally:
        first.teardown_after_execution(build_init_resource_context())
    second.setup_for_execution(build_init_resource_context())
    second.teardown_after_execution(build_init_resource_context())

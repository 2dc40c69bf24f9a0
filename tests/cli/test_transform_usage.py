"""`transform` options that cannot work say so before or instead of an empty build."""

from __future__ import annotations

import signal
import time

import pytest
from piggy_process import piggy_elt, start, wait_for


@pytest.fixture(scope="module")
def loaded(sandbox, tmp_path_factory):
    root = tmp_path_factory.mktemp("transform-usage")
    api = {"SOURCES__PIGGY__BASE_URL": sandbox.base_url, "SOURCES__PIGGY__API_KEY": sandbox.token}
    done = piggy_elt(root, "run", "--resources", "tiers", **api)
    assert done.returncode == 0, done.stderr[-2000:]
    return root


def test_a_selection_matching_nothing_is_a_usage_error(loaded):
    done = piggy_elt(
        loaded, "transform", "--select", "no_such_model", "--target-path", str(loaded / "t")
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stderr.strip().splitlines()[-1] == (
        "error: --select 'no_such_model' matched no dbt model, seed or test"
    )


def test_a_target_other_than_the_loaded_warehouse_is_a_usage_error(loaded):
    done = piggy_elt(loaded, "transform", "--target", "postgres")
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stderr.strip() == (
        "error: --target postgres does not match pipeline 'piggy', which loads into duckdb: "
        "drop --target, or load with `piggy-elt run --destination postgres`"
    )


def test_ctrl_c_during_a_build_exits_130(loaded):
    building = start(loaded, "transform", "--target-path", str(loaded / "interrupted"))
    wait_for(loaded / "interrupted")
    time.sleep(1)
    building.send_signal(signal.SIGINT)
    _, stderr = building.communicate(timeout=120)
    assert building.returncode == 130, stderr[-2000:]
    assert stderr.strip().splitlines()[-1].endswith("interrupted; run again to resume"), stderr
